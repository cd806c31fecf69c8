//! `--save DIR`: each delivered message written as `<queue-id>.eml`, a
//! file any mail client opens. This is the only place a message goes.
//!
//! Queue ids repeat from run to run with the same `--seed`, and the folder
//! may hold anything (an earlier run's messages, a planted symlink), so a
//! file is first written under a random temporary name it is created with
//! (never opened if it exists), then linked into place only under a name
//! that does not exist yet: `<id>.eml`, else `<id>-2.eml`, `<id>-3.eml`...

use std::io::{self, ErrorKind, Write};
use std::path::{Path, PathBuf};

use smtplab_engine::Delivery;
use tempfile::NamedTempFile;

/// Names tried for one message (`<id>.eml` and `<id>-2.eml` up to this).
const NAMES_PER_ID: u32 = 1000;

/// The folder could not be made.
#[derive(Debug, thiserror::Error)]
#[error("--save {}: cannot create the folder: {source}", dir.display())]
pub struct CreateError {
    dir: PathBuf,
    source: io::Error,
}

/// The folder delivered messages are written to.
#[derive(Debug)]
pub struct SaveDir {
    dir: PathBuf,
}

impl SaveDir {
    /// Creates the folder if needed.
    pub fn create(dir: &Path) -> Result<Self, CreateError> {
        std::fs::create_dir_all(dir).map_err(|source| CreateError {
            dir: dir.to_owned(),
            source,
        })?;
        Ok(Self {
            dir: dir.to_owned(),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the message as stored (trace headers first, CRLF line ends)
    /// and returns where. The file is complete and flushed to the disk
    /// before this returns, as a real server has a message on disk before
    /// its 250; on any failure nothing is left behind (the temporary file
    /// is removed) and the caller refuses the message.
    pub async fn save(&self, delivery: Box<Delivery>) -> io::Result<PathBuf> {
        let dir = self.dir.clone();
        // File writes block; the message moves to the blocking pool rather
        // than being copied.
        tokio::task::spawn_blocking(move || write_new(&dir, &delivery.queue_id, &delivery.raw))
            .await
            .unwrap_or_else(|e| Err(io::Error::other(e)))
    }
}

/// Writes `content` to a new file in `dir` named after `queue_id`.
fn write_new(dir: &Path, queue_id: &str, content: &[u8]) -> io::Result<PathBuf> {
    // Queue ids are hex digits; keep anything else out of a file name.
    let name: String = queue_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let mut file = tempfile::Builder::new()
        .prefix(".")
        .suffix(".eml.part")
        .rand_bytes(16)
        .tempfile_in(dir)?;
    file.write_all(content)?;
    // A full disk often shows only here (delayed allocation).
    file.as_file().sync_data()?;
    place(file, dir, &name)
}

/// Gives the written file its first free name.
fn place(mut file: NamedTempFile, dir: &Path, name: &str) -> io::Result<PathBuf> {
    for attempt in 1..=NAMES_PER_ID {
        let path = match attempt {
            1 => dir.join(format!("{name}.eml")),
            n => dir.join(format!("{name}-{n}.eml")),
        };
        match file.persist_noclobber(&path) {
            Ok(_) => return Ok(path),
            Err(e) if e.error.kind() == ErrorKind::AlreadyExists => file = e.file,
            Err(e) => return Err(e.error),
        }
    }
    Err(io::Error::new(
        ErrorKind::AlreadyExists,
        format!(
            "{name}.eml and {} more names for it are taken",
            NAMES_PER_ID - 1
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("smtplab-save-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn taken_names_are_skipped_and_never_overwritten() {
        let dir = folder("taken");
        std::fs::write(dir.join("ABC.eml"), "old").unwrap();
        std::fs::create_dir(dir.join("ABC-2.eml")).unwrap();
        let path = write_new(&dir, "ABC", b"new").unwrap();
        assert_eq!(path, dir.join("ABC-3.eml"));
        assert_eq!(std::fs::read_to_string(dir.join("ABC.eml")).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["ABC-2.eml", "ABC-3.eml", "ABC.eml"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_folder_is_an_error_and_leaves_nothing() {
        let dir = folder("missing");
        std::fs::remove_dir_all(&dir).unwrap();
        let error = write_new(&dir, "ABC", b"new").unwrap_err();
        assert_eq!(error.kind(), ErrorKind::NotFound);
        assert!(!dir.exists());
    }
}
