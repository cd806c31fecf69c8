//! `cargo xtask test`: every check in order, stopping at the first failure with the step's name.
//!
//! To run a crate's `wasm_bindgen_test`s in headless Chromium, add its package
//! name to [`WASM_TEST_PACKAGES`]. Web crates to lint for wasm32 go in
//! [`WASM_CLIPPY_PACKAGES`]. E2E tests are files in `e2e/tests/` (see `e2e/run.mjs`).

use std::process::Stdio;
use std::time::Instant;

use anyhow::anyhow;

use crate::util::{banner, command, run, Result};
use crate::{build, setup, size};

/// Packages whose tests also run on wasm32-unknown-unknown in headless Chromium
/// (each is skipped, with a note, while it has no `wasm-bindgen-test` dev-dependency).
pub const WASM_TEST_PACKAGES: &[&str] = &["smtplab-web", "smtplab-wasm"];

/// Packages linted a second time for wasm32 (code behind `cfg(target_arch = "wasm32")`).
pub const WASM_CLIPPY_PACKAGES: &[&str] =
    &["smtplab-web", "blank-yew", "smtplab-wasm", "smtplab-widget"];

/// Libraries the pages link that are linted for wasm32 without their test
/// targets (their property tests and benchmarks are native only).
pub const WASM_CLIPPY_LIBRARIES: &[&str] =
    &["smtplab-engine", "smtplab-explain", "smtplab-lessons"];

const WASM: &str = "wasm32-unknown-unknown";

type Step = (&'static str, fn() -> Result);

const STEPS: &[Step] = &[
    // With the SMTP tools: smtplab serve's tests drive swaks and curl.
    ("setup", || {
        setup::setup(&setup::SetupArgs { server_tools: true })
    }),
    ("fmt", fmt),
    ("clippy", clippy),
    ("clippy (wasm32)", clippy_wasm),
    ("native tests", native_tests),
    ("wasm tests", wasm_tests),
    ("fuzz target builds", fuzz_build),
    ("build", build::build),
    ("e2e tests", e2e),
    ("size", || size::size(false)),
];

pub fn test() -> Result {
    let start = Instant::now();
    for (i, (name, step)) in STEPS.iter().enumerate() {
        banner(&format!("test step {}/{}: {name}", i + 1, STEPS.len()));
        let t = Instant::now();
        if let Err(e) = step() {
            eprintln!(
                "\nxtask test: FAILED at step '{name}' after {:.0}s",
                start.elapsed().as_secs_f64()
            );
            return Err(anyhow!("step '{name}' failed: {e}"));
        }
        println!("<== step '{name}' ok ({:.1}s)", t.elapsed().as_secs_f64());
    }
    println!(
        "\nxtask test: all {} steps passed in {:.0}s",
        STEPS.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The cargo-fuzz target must keep compiling (it is not run here: fuzzing
/// is open-ended; `cargo xtask fuzz` runs it). It needs the nightly
/// toolchain the machine carries. Its harness's tests (the seeds reach every
/// reply a session can send) run on stable.
fn fuzz_build() -> Result {
    run(
        "fuzz target (nightly)",
        command("cargo").args(["+nightly", "build", "--manifest-path", "fuzz/Cargo.toml"]),
    )?;
    run(
        "fuzz harness tests",
        command("cargo").args(["test", "--manifest-path", "fuzz/harness/Cargo.toml"]),
    )
}

fn fmt() -> Result {
    run(
        "cargo fmt",
        command("cargo").args(["fmt", "--all", "--", "--check"]),
    )
}

fn clippy() -> Result {
    run(
        "cargo clippy",
        command("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    run(
        "cargo clippy (classroom build)",
        command("cargo")
            .args(["clippy", "--all-targets"])
            .args(LESSONS_BUILD)
            .args(["--", "-D", "warnings"]),
    )
}

fn clippy_wasm() -> Result {
    let mut cmd = command("cargo");
    cmd.args(["clippy", "--target", WASM, "--all-targets"]);
    for package in WASM_CLIPPY_PACKAGES {
        cmd.args(["-p", package]);
    }
    run("cargo clippy (wasm32)", cmd.args(["--", "-D", "warnings"]))?;
    let mut libraries = command("cargo");
    libraries.args(["clippy", "--target", WASM, "--lib"]);
    for package in WASM_CLIPPY_LIBRARIES {
        libraries.args(["-p", package]);
    }
    run(
        "cargo clippy (wasm32, libraries)",
        libraries.args(["--", "-D", "warnings"]),
    )?;
    run(
        "cargo clippy (wasm32, classroom build)",
        command("cargo")
            .args(["clippy", "--target", WASM, "--all-targets"])
            .args(LESSONS_BUILD)
            .args(["--", "-D", "warnings"]),
    )
}

/// The web crates again with the `lessons` feature (the classroom page and
/// the lesson widget), which the workspace-wide commands leave off.
const LESSONS_BUILD: &[&str] = &[
    "-p",
    "smtplab-web",
    "-p",
    "smtplab-widget",
    "--features",
    "smtplab-web/lessons",
];

fn native_tests() -> Result {
    run("cargo test", command("cargo").args(["test", "--workspace"]))?;
    run(
        "cargo test (classroom build)",
        command("cargo").arg("test").args(LESSONS_BUILD),
    )
}

fn wasm_tests() -> Result {
    let mut packages = Vec::new();
    for package in WASM_TEST_PACKAGES {
        if has_wasm_bindgen_test(package)? {
            packages.push(*package);
        } else {
            println!("{package}: no wasm-bindgen-test dev-dependency, so no wasm tests: skipped");
        }
    }
    if packages.is_empty() {
        println!("no package with wasm tests: step skipped");
        return Ok(());
    }
    let mut cmd = command("cargo");
    cmd.args(["test", "--target", WASM]);
    for package in packages {
        cmd.args(["-p", package]);
    }
    // The runner (.cargo/config.toml) is wasm-bindgen-test-runner, which drives Chromium.
    cmd.env("CHROMEDRIVER", setup::CHROMEDRIVER);
    run("wasm tests", &mut cmd)
}

/// Whether workspace package `name` has `wasm-bindgen-test` among its dev-dependencies.
fn has_wasm_bindgen_test(name: &str) -> Result<bool> {
    let out = command("cargo")
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| anyhow!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(anyhow!("cargo metadata failed ({})", out.status));
    }
    let meta: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| anyhow!("cargo metadata: {e}"))?;
    let package = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == name)
        .ok_or_else(|| {
            anyhow!("WASM_TEST_PACKAGES lists {name:?}, which is not a workspace package")
        })?;
    Ok(package["dependencies"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|d| d["name"] == "wasm-bindgen-test" && d["kind"] == "dev"))
}

fn e2e() -> Result {
    run("e2e tests", command("node").arg("e2e/run.mjs"))
}
