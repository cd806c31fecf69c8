//! `cargo xtask`: the project's setup, build, serve, test and size automation.
//!
//! Run `cargo xtask --help` for the commands. Everything a fresh machine needs
//! (wasm target, Trunk, wasm-bindgen-cli, npm packages, Chromium) is installed
//! on demand by `cargo xtask setup`, which the other commands call first.

mod api;
mod bench;
mod bench_serve;
mod build;
mod fuzz;
mod gzip;
mod serve;
mod setup;
mod size;
mod size_diff;
mod test;
mod util;
mod wasm;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    about = "smtplab build/test automation",
    after_help = "The first run installs the tools it needs (several minutes)."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Debug, Subcommand)]
enum Cmd {
    /// Install whatever is missing: wasm target, Trunk, wasm-bindgen-cli,
    /// npm packages (wasm-opt, playwright-core), Chromium + chromedriver.
    Setup(setup::SetupArgs),
    /// Setup, then build the web app into dist/ (Trunk, release).
    Build,
    /// Setup, then build only the JavaScript API (crates/smtplab-wasm) into dist/api/.
    BuildApi,
    /// Build, then serve dist/ on 127.0.0.1.
    Serve {
        /// Port to listen on.
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Serve a directory as it is (no build) on 127.0.0.1; port 0 picks a
    /// free one. The e2e suite and the web benchmarks use it.
    ServeDir {
        /// The directory to serve.
        dir: std::path::PathBuf,
        /// Port to listen on.
        #[arg(long, default_value_t = 0)]
        port: u16,
    },
    /// Every check, in order: fmt, clippy, native tests, wasm tests, build, e2e, size.
    Test,
    /// gzip -9 size of dist/ (app, and the JS API in dist/api/) and of the blank Yew baseline; fails over budget.
    Size {
        /// Measure the existing dist/ instead of rebuilding it first.
        #[arg(long)]
        no_build: bool,
    },
    /// What commits did to the wasm bundles: each built at the commit's first
    /// parent and at the commit (in a worktree under target/size-diff/), with
    /// the gzip -9 sizes before and after and the sums.
    SizeDiff {
        /// The commits (any git revision names).
        #[arg(required = true)]
        revs: Vec<String>,
    },
    /// Web speed benchmarks (navigation to usable console vs. the blank baseline).
    BenchWeb {
        /// Page loads per app (the median is reported).
        #[arg(long, default_value_t = 10)]
        runs: u32,
    },
    /// Fuzz the engine's session (cargo-fuzz, nightly) for a while, then print
    /// the reply kinds the corpus reaches. Installs cargo-fuzz.
    Fuzz(fuzz::FuzzArgs),
    /// smtp-source load on `smtplab serve` vs. Postfix's smtp-sink (msgs/s, ratio),
    /// and smtplab's memory with 1,000 idle connections. Installs postfix.
    BenchServe {
        /// Runs per server and mode (the best is reported).
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Setup(args) => setup::setup(&args),
        Cmd::Build => build::build(),
        Cmd::BuildApi => api::build_api(),
        Cmd::Serve { port } => serve::serve(port),
        Cmd::ServeDir { dir, port } => serve::serve_dir(&dir, port),
        Cmd::Test => test::test(),
        Cmd::Size { no_build } => size::size(!no_build),
        Cmd::SizeDiff { revs } => size_diff::size_diff(&revs),
        Cmd::BenchWeb { runs } => bench::bench_web(runs),
        Cmd::Fuzz(args) => fuzz::fuzz(&args),
        Cmd::BenchServe { runs } => bench_serve::bench_serve(runs),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
