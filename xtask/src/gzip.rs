//! gzip -9 transfer sizes, computed in-process: zlib's deflate at level 9
//! in a gzip stream without name or timestamp, as `gzip -9 -n` (and a web
//! server) would send a file. Text comes out within a few bytes of the gzip
//! program's figure, binary (wasm) within 1% (tested below).

use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;

use anyhow::anyhow;

use crate::util::Result;

/// The gzip -9 size of `bytes`.
pub fn gzip_len(bytes: &[u8]) -> u64 {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    // Writing into a Vec cannot fail.
    let compressed = encoder
        .write_all(bytes)
        .and_then(|()| encoder.finish())
        .unwrap_or_default();
    compressed.len() as u64
}

/// The gzip -9 size of the file at `path`.
pub fn gzip_size(path: &Path) -> Result<u64> {
    let bytes = std::fs::read(path).map_err(|e| anyhow!("{}: {e}", path.display()))?;
    Ok(gzip_len(&bytes))
}

/// Bytes as kilobytes (1 KB = 1000 bytes), one decimal.
pub fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::{Command, Stdio};

    /// `gzip -9 -n` of `bytes`, by the gzip program.
    fn gzip_program_len(bytes: &[u8]) -> u64 {
        let mut child = Command::new("gzip")
            .args(["-9", "-n", "-c"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("gzip is installed (Debian: gzip)");
        let mut stdin = child.stdin.take().unwrap();
        let input = bytes.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert!(out.status.success());
        out.stdout.len() as u64
    }

    /// A deterministic mix of text and binary, like a wasm module: runs of
    /// repeated names among noise.
    fn mixed_bytes(len: usize) -> Vec<u8> {
        let mut state: u32 = 12345;
        let names: [&[u8]; 4] = [
            b"smtplab_engine::session",
            b"\0asm\x01",
            b"RCPT TO:<",
            b"wasm-bindgen",
        ];
        let mut out = Vec::with_capacity(len);
        while out.len() < len {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            if state.is_multiple_of(3) {
                out.extend_from_slice(names[(state >> 8) as usize % names.len()]);
            } else {
                out.push((state >> 16) as u8);
            }
        }
        out.truncate(len);
        out
    }

    #[test]
    fn sizes_match_the_gzip_program_within_a_few_bytes() {
        let text = include_bytes!("../../crates/smtplab-lessons/lessons/builtin.json");
        let cases: [(&str, Vec<u8>); 4] = [
            ("empty", Vec::new()),
            ("the built-in curriculum (JSON)", text.to_vec()),
            ("repetitive text", "smtplab ".repeat(10_000).into_bytes()),
            ("text and binary mixed, 300 KB", mixed_bytes(300_000)),
        ];
        for (name, bytes) in cases {
            let ours = gzip_len(&bytes);
            let theirs = gzip_program_len(&bytes);
            // zlib and gzip share the algorithm and level 9's parameters,
            // but zlib ends its blocks at half gzip's symbol count: text
            // comes out within a few bytes, binary within 1%.
            let allowed = 8.max(theirs / 100);
            println!("{name}: in-process {ours}, gzip -9 -n {theirs}");
            assert!(
                ours.abs_diff(theirs) <= allowed,
                "{name}: {ours} against gzip's {theirs} (allowed: {allowed})"
            );
        }
        assert_eq!(
            gzip_len(b""),
            20,
            "an empty gzip stream is a 10-byte header, a 2-byte block and an 8-byte trailer"
        );
    }

    #[test]
    fn repetitive_data_compresses_and_files_are_read() {
        let dir = std::env::temp_dir().join(format!("xtask-gzip-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.txt");
        std::fs::write(&file, "smtplab ".repeat(10_000)).unwrap();
        let size = gzip_size(&file).unwrap();
        assert!(
            size > 20 && size < 1_000,
            "80 000 repetitive bytes gzip to {size}"
        );
        assert!(gzip_size(&dir.join("missing")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
