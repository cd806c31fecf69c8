//! Shared helpers: repository paths, the tool search PATH, and running commands with clear errors.

use std::env;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::anyhow;

/// Every fallible xtask function returns this; the error reads as a sentence
/// (`main` prints it with its causes).
pub type Result<T = ()> = anyhow::Result<T>;

/// Repository root (the workspace directory that holds `xtask/`).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the repository root")
        .to_path_buf()
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, else `~/.cargo/bin`.
pub fn cargo_bin_dir() -> PathBuf {
    if let Some(home) = env::var_os("CARGO_HOME") {
        return PathBuf::from(home).join("bin");
    }
    let home = env::var_os("HOME").unwrap_or_else(|| OsString::from("/root"));
    PathBuf::from(home).join(".cargo").join("bin")
}

/// `node_modules/.bin` (wasm-opt) and the cargo bin dir (trunk, wasm-bindgen) in front of `$PATH`.
pub fn tool_path() -> OsString {
    let mut dirs = vec![root().join("node_modules").join(".bin"), cargo_bin_dir()];
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    env::join_paths(dirs).expect("PATH entries contain no separator")
}

/// A command run from the repository root with [`tool_path`] as its `PATH`,
/// and `SMTPLAB_XTASK` naming this binary, so scripts (`e2e/lib/server.mjs`)
/// start its file server without another cargo run.
pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut cmd = Command::new(program);
    cmd.current_dir(root()).env("PATH", tool_path());
    if let Ok(exe) = env::current_exe() {
        cmd.env("SMTPLAB_XTASK", exe);
    }
    cmd
}

/// Renders a command line for logs and error messages.
pub fn display(cmd: &Command) -> String {
    let mut out = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        out.push(' ');
        out.push_str(&arg.to_string_lossy());
    }
    out
}

/// Runs `cmd` with inherited stdio; a non-zero exit becomes an error that names `what`.
pub fn run(what: &str, cmd: &mut Command) -> Result {
    println!("$ {}", display(cmd));
    let status = cmd
        .status()
        .map_err(|e| anyhow!("{what}: could not start `{}`: {e}", display(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(anyhow!("{what}: `{}` failed ({status})", display(cmd)))
    }
}

/// Stdout (then stderr) of a command that succeeded, trimmed; `None` if it is missing or failed.
pub fn capture(program: &str, args: &[&str]) -> Option<String> {
    let out = command(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    Some(text.trim().to_owned())
}

/// True if `program` resolves to an executable on [`tool_path`].
pub fn on_path(program: &str) -> bool {
    env::split_paths(&tool_path()).any(|dir| dir.join(program).is_file())
}

/// Prints a section header so long logs show where each step starts.
pub fn banner(text: &str) {
    println!("\n==> {text}");
}
