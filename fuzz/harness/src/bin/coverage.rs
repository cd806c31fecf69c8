//! Replays fuzz inputs natively (files, or every file in the directories
//! given) and prints which kinds of reply they reached, against the whole
//! catalogue.
//!
//! `cargo run --manifest-path fuzz/harness/Cargo.toml --bin coverage -- fuzz/corpus/session_feed`

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use smtplab_engine::catalogue::REPLIES;
use smtplab_engine::ReplyKey;
use smtplab_fuzz_harness::SERVER_ONLY;

fn main() -> ExitCode {
    let mut files = Vec::new();
    for argument in std::env::args_os().skip(1) {
        if let Err(error) = collect(Path::new(&argument), &mut files) {
            eprintln!("coverage: {}: {error}", Path::new(&argument).display());
            return ExitCode::FAILURE;
        }
    }
    if files.is_empty() {
        eprintln!("coverage: no input files (give fuzz input files or directories)");
        return ExitCode::FAILURE;
    }
    let mut reached = BTreeSet::new();
    for file in &files {
        match std::fs::read(file) {
            Ok(data) => reached.extend(smtplab_fuzz_harness::run(&data).reply_keys),
            Err(error) => {
                eprintln!("coverage: {}: {error}", file.display());
                return ExitCode::FAILURE;
            }
        }
    }
    report(files.len(), &reached);
    ExitCode::SUCCESS
}

fn collect(path: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        files.extend(entries.into_iter().filter(|p| p.is_file()));
    } else {
        files.push(path.to_owned());
    }
    Ok(())
}

fn report(inputs: usize, reached: &BTreeSet<ReplyKey>) {
    let reachable = REPLIES.len() - SERVER_ONLY.len();
    println!(
        "reply kinds reached: {} of {} a session can send ({} in the catalogue; {:?} only from serve), from {inputs} inputs",
        reached.len(),
        reachable,
        REPLIES.len(),
        SERVER_ONLY
    );
    let missing: Vec<ReplyKey> = REPLIES
        .iter()
        .map(|info| info.key)
        .filter(|key| !reached.contains(key) && !SERVER_ONLY.contains(key))
        .collect();
    if missing.is_empty() {
        println!("not reached: none");
    } else {
        println!("not reached: {missing:?}");
    }
}
