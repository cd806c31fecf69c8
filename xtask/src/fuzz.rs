//! `cargo xtask fuzz`: runs the `session_feed` fuzz target (cargo-fuzz on the
//! nightly toolchain) for a given time with its dictionary and the committed
//! seeds, then replays the corpus natively and prints how many kinds of
//! reply it reached out of the catalogue's.
//!
//! The seeds live in `fuzz/seeds/session_feed/` (committed); the corpus the
//! fuzzer grows lives in `fuzz/corpus/session_feed/` (ignored by git), and
//! crashes land in `fuzz/artifacts/session_feed/`. The input format is
//! described in `fuzz/harness/src/lib.rs`.

use std::fs;
use std::path::Path;

use anyhow::Context as _;

use crate::util::{banner, command, on_path, root, run, Result};

const TARGET: &str = "session_feed";

/// Options of `cargo xtask fuzz`.
#[derive(Debug, clap::Args)]
pub struct FuzzArgs {
    /// How long to fuzz, in seconds.
    #[arg(long, default_value_t = 120)]
    pub seconds: u64,
    /// Only replay the seeds and corpus and print the reply kinds reached.
    #[arg(long)]
    pub coverage_report: bool,
}

pub fn fuzz(args: &FuzzArgs) -> Result {
    let fuzz_dir = root().join("fuzz");
    let corpus = fuzz_dir.join("corpus").join(TARGET);
    let seeds = fuzz_dir.join("seeds").join(TARGET);
    if !args.coverage_report {
        install_cargo_fuzz()?;
        copy_seeds(&seeds, &corpus)?;
        banner(&format!("fuzz: {TARGET} for {} s", args.seconds));
        let dict = fuzz_dir.join(format!("{TARGET}.dict"));
        run(
            "cargo fuzz",
            command("cargo")
                .args(["+nightly", "fuzz", "run", TARGET])
                .arg(&corpus)
                .arg("--")
                .arg(format!("-dict={}", dict.display()))
                .arg(format!("-max_total_time={}", args.seconds))
                .args(["-timeout=10", "-print_final_stats=1"]),
        )?;
    }
    banner("fuzz: reply kinds reached (seeds and corpus replayed natively)");
    let mut replay = command("cargo");
    replay
        .args(["run", "--quiet", "--release", "--manifest-path"])
        .arg(fuzz_dir.join("harness").join("Cargo.toml"))
        .args(["--bin", "coverage", "--"])
        .arg(&seeds);
    if corpus.is_dir() {
        replay.arg(&corpus);
    }
    run("corpus replay", &mut replay)
}

/// cargo-fuzz from crates.io, unless it is already installed.
fn install_cargo_fuzz() -> Result {
    if on_path("cargo-fuzz") {
        return Ok(());
    }
    banner("fuzz: installing cargo-fuzz");
    run(
        "cargo install cargo-fuzz",
        command("cargo").args(["install", "cargo-fuzz", "--locked"]),
    )
}

/// The committed seeds start (or rejoin) the corpus.
fn copy_seeds(seeds: &Path, corpus: &Path) -> Result {
    fs::create_dir_all(corpus).with_context(|| corpus.display().to_string())?;
    let entries = fs::read_dir(seeds).with_context(|| seeds.display().to_string())?;
    for entry in entries {
        let path = entry.with_context(|| seeds.display().to_string())?.path();
        let Some(name) = path.file_name() else {
            continue;
        };
        fs::copy(&path, corpus.join(name))
            .with_context(|| format!("copy {} into the corpus", path.display()))?;
    }
    Ok(())
}
