//! `--save DIR`: each delivered message written as `<queue-id>.eml`, a
//! file any mail client opens. This is the only place a message goes.

use std::io;
use std::path::{Path, PathBuf};

use smtplab_engine::Delivery;

/// The folder delivered messages are written to.
#[derive(Debug)]
pub struct SaveDir {
    dir: PathBuf,
}

impl SaveDir {
    /// Creates the folder if needed and checks that it is a folder.
    pub fn create(dir: &Path) -> Result<Self, String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("--save {}: cannot create the folder: {e}", dir.display()))?;
        Ok(Self {
            dir: dir.to_owned(),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the message as stored (trace headers first, CRLF line ends).
    /// It is written under a temporary name and renamed, so a reader of the
    /// folder never sees half a message; the file exists before the client
    /// gets its 250, as a real server has the message on disk by then.
    pub async fn save(&self, delivery: &Delivery) -> io::Result<PathBuf> {
        // Queue ids are hex digits; keep anything else out of a file name.
        let name: String = delivery
            .queue_id
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let path = self.dir.join(format!("{name}.eml"));
        let temporary = self.dir.join(format!(".{name}.eml.part"));
        tokio::fs::write(&temporary, &delivery.raw).await?;
        tokio::fs::rename(&temporary, &path).await?;
        Ok(path)
    }
}
