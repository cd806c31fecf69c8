//! The wasm build step shared by the web pages, the widget and the JS API:
//! a release wasm32 cdylib, `wasm-bindgen --target web`, then `wasm-opt -Oz`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{command, root, run, Result};

/// Makes `cargo` (or Trunk, which runs it) build release wasm against a
/// standard library compiled with the program, from the toolchain's
/// `rust-src` (which rust-toolchain.toml installs), with every panic a bare
/// trap (`-Cpanic=immediate-abort`). Panics are bugs here (nothing may panic
/// on any input), so their messages only cost bytes: the formatting and
/// location data they pull in, and std's code built for speed rather than
/// size. `cargo xtask size` prints what it saves, bundle by bundle. Both
/// switches are unstable, so `RUSTC_BOOTSTRAP` lets the pinned stable
/// toolchain take them; the same compiler builds the tests. Only wasm32
/// gets the flags: build scripts and the native tests are built as before.
pub fn with_lean_std(cmd: &mut Command) -> &mut Command {
    cmd.env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_UNSTABLE_BUILD_STD", "std,panic_abort")
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "-Zunstable-options -Cpanic=immediate-abort",
        )
}

/// Features rustc 1.95 turns on for wasm32 (and wasm-bindgen keeps), which
/// wasm-opt must be told about to accept the module.
pub const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// How [`bindgen_package`] writes its output.
#[derive(Debug, Clone, Copy)]
pub struct Bindgen<'a> {
    /// Cargo features of the package.
    pub features: &'a [&'a str],
    /// Whether the package's default features are on.
    pub default_features: bool,
    /// A binary target to build instead of the library (its wasm file is
    /// named after it).
    pub bin: Option<&'a str>,
    /// Whether to write TypeScript declarations.
    pub typescript: bool,
    /// Whether wasm-opt repeats its passes until the size stops shrinking.
    pub converge: bool,
    /// Whether std is compiled with the program ([`with_lean_std`]);
    /// `false` only to measure what that saves.
    pub lean_std: bool,
}

/// Where a wasm build runs: the source tree and cargo's target directory.
#[derive(Debug, Clone, Copy)]
pub struct Tree<'a> {
    /// The workspace to build.
    pub dir: &'a Path,
    /// `CARGO_TARGET_DIR` (`None`: the workspace's own `target/`).
    pub target_dir: Option<&'a Path>,
}

/// Release build of a cdylib (or of `options.bin`) for wasm32,
/// `wasm-bindgen --target web` into `out` with the file names `artifact`,
/// then `wasm-opt -Oz` in place. Returns the path of the JS module.
pub fn bindgen_package(
    package: &str,
    artifact: &str,
    options: Bindgen,
    out: &Path,
) -> Result<PathBuf> {
    let root = root();
    let tree = Tree {
        dir: &root,
        target_dir: None,
    };
    bindgen_package_in(tree, package, artifact, options, out)
}

/// [`bindgen_package`] on another source tree (`cargo xtask size-diff`
/// builds older revisions in a worktree of their own).
pub fn bindgen_package_in(
    tree: Tree,
    package: &str,
    artifact: &str,
    options: Bindgen,
    out: &Path,
) -> Result<PathBuf> {
    let mut cargo = command("cargo");
    cargo.current_dir(tree.dir).args([
        "build",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        package,
    ]);
    if let Some(target_dir) = tree.target_dir {
        cargo.env("CARGO_TARGET_DIR", target_dir);
    }
    if !options.features.is_empty() {
        cargo.args(["--features", &options.features.join(",")]);
    }
    if !options.default_features {
        cargo.arg("--no-default-features");
    }
    if let Some(bin) = options.bin {
        cargo.args(["--bin", bin]);
    }
    if options.lean_std {
        with_lean_std(&mut cargo);
    }
    run("cargo build (wasm32)", &mut cargo)?;
    let wasm = tree
        .target_dir
        .map_or_else(|| tree.dir.join("target"), Path::to_path_buf)
        .join("wasm32-unknown-unknown/release")
        .join(format!("{}.wasm", options.bin.unwrap_or(artifact)));
    let mut bindgen = command("wasm-bindgen");
    bindgen.args(["--target", "web"]);
    if !options.typescript {
        bindgen.arg("--no-typescript");
    }
    bindgen.args(["--out-name", artifact]);
    run("wasm-bindgen", bindgen.arg("--out-dir").arg(out).arg(&wasm))?;
    let bindgen_wasm = out.join(format!("{artifact}_bg.wasm"));
    let mut opt = command("wasm-opt");
    opt.arg("-Oz");
    if options.converge {
        opt.arg("--converge");
    }
    run(
        "wasm-opt",
        opt.args(WASM_OPT_FEATURES)
            .arg("-o")
            .arg(&bindgen_wasm)
            .arg(&bindgen_wasm),
    )?;
    Ok(out.join(format!("{artifact}.js")))
}
