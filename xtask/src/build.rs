//! `cargo xtask build`: setup, then a release Trunk build of the web app into `dist/`.

use std::path::Path;

use crate::setup;
use crate::util::{banner, command, root, run, Result};

/// Directory (relative to the repository root) of the blank Yew size/speed baseline.
pub const BASELINE_DIR: &str = "bench/blank-yew";

pub fn build() -> Result {
    setup::ensure()?;
    banner("build: smtplab-web -> dist/");
    trunk_build(&root())
}

/// Builds the blank Yew baseline into `bench/blank-yew/dist/`.
pub fn build_baseline() -> Result {
    setup::ensure()?;
    banner("build: blank Yew baseline -> bench/blank-yew/dist/");
    trunk_build(&root().join(BASELINE_DIR))
}

/// `trunk build --release --offline` in `dir` (which holds `index.html` and `Trunk.toml`).
/// `--offline`: Trunk must use the wasm-bindgen and wasm-opt on PATH, never download them.
fn trunk_build(dir: &Path) -> Result {
    run(
        "trunk build",
        command("trunk")
            .args(["build", "--release", "--offline"])
            .current_dir(dir),
    )
}
