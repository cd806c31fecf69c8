//! `cargo xtask bench-serve`: `smtplab serve` against Postfix's smtp-sink under
//! Postfix's smtp-source, and its memory with 1,000 idle connections.
//!
//! The measuring is done by `crates/smtplab/bench/serve_bench.py`; this
//! installs the tools (Debian `postfix`), builds the release binary and runs it.

use crate::setup;
use crate::util::{banner, command, root, run, Result};

pub fn bench_serve(runs: u32) -> Result {
    setup::server_tools()?;
    banner("bench-serve: building smtplab (release)");
    run(
        "cargo build",
        command("cargo").args(["build", "--release", "--package", "smtplab"]),
    )?;
    banner("bench-serve: smtp-source against smtplab serve and smtp-sink");
    let binary = root().join("target/release/smtplab");
    run(
        "serve benchmark",
        command("python3")
            .arg("crates/smtplab/bench/serve_bench.py")
            .arg("--smtplab")
            .arg(binary)
            .args(["--runs", &runs.to_string()]),
    )
}
