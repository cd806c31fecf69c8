//! `cargo xtask setup`: idempotently installs every tool the build and the tests need.
//!
//! Each tool's presence and version is checked first; only what is missing or
//! at the wrong version is installed. Versions are pinned here and must agree
//! with `Trunk.toml`, `package.json` and the `wasm-bindgen` pin in `Cargo.toml`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::anyhow;

use crate::util::{banner, capture, command, on_path, root, run, Result};

/// Trunk release that builds with rustc 1.95 (0.22 needs a newer rustc).
pub const TRUNK_VERSION: &str = "0.21.14";
/// Must equal the `wasm-bindgen` crate pin (`=0.2.130`) and `Trunk.toml` `[tools] wasm_bindgen`.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
/// binaryen major version that `package.json` pins (`Trunk.toml` `wasm_opt = "version_132"`).
pub const WASM_OPT_VERSION: &str = "132";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Options of `cargo xtask setup`.
#[derive(Debug, Default, clap::Args)]
pub struct SetupArgs {
    /// Also install the SMTP tools (Debian `postfix` for smtp-sink/smtp-source, `swaks`, `curl`).
    #[arg(long)]
    pub server_tools: bool,
}

static DONE: AtomicBool = AtomicBool::new(false);

/// Runs the default setup once per xtask process (later calls are free).
pub fn ensure() -> Result {
    if DONE.load(Ordering::Relaxed) {
        return Ok(());
    }
    setup(&SetupArgs::default())
}

pub fn setup(args: &SetupArgs) -> Result {
    banner("setup: checking tools (installs only what is missing)");
    wasm_target()?;
    rust_src()?;
    trunk()?;
    wasm_bindgen()?;
    npm_packages()?;
    chromium()?;
    if args.server_tools {
        server_tools()?;
    }
    DONE.store(true, Ordering::Relaxed);
    println!("setup: all tools present");
    Ok(())
}

fn wasm_target() -> Result {
    rustup_add("target", "wasm32-unknown-unknown")
}

/// The standard library's source, which the release wasm builds compile
/// with the program (`wasm::with_lean_std`). rust-toolchain.toml lists it
/// too; asking here covers a rustup that does not install listed components.
fn rust_src() -> Result {
    rustup_add("component", "rust-src")
}

/// `rustup <kind> add <name>` (kind: `target` or `component`) unless
/// `rustup <kind> list --installed` lists it already.
fn rustup_add(kind: &str, name: &str) -> Result {
    let installed = capture("rustup", &[kind, "list", "--installed"]).unwrap_or_default();
    if installed.lines().any(|l| l.trim() == name) {
        println!("setup: rust {kind} {name}: present");
        return Ok(());
    }
    println!("setup: adding rust {kind} {name}");
    run(
        &format!("rustup {kind} add"),
        command("rustup").args([kind, "add", name]),
    )
}

fn trunk() -> Result {
    let want = format!("trunk {TRUNK_VERSION}");
    match capture("trunk", &["--version"]) {
        Some(v) if v == want => {
            println!("setup: {v}: present");
            return Ok(());
        }
        Some(v) => println!("setup: found `{v}`, want `{want}`: reinstalling"),
        None => println!(
            "setup: trunk missing: installing {TRUNK_VERSION} (cargo install, ~5 min on 2 cores)"
        ),
    }
    run(
        "install trunk",
        command("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]),
    )
}

fn wasm_bindgen() -> Result {
    let want = format!("wasm-bindgen {WASM_BINDGEN_VERSION}");
    let cli = capture("wasm-bindgen", &["--version"]);
    let runner = capture("wasm-bindgen-test-runner", &["--version"]);
    // `wasm-bindgen 0.2.130` / `wasm-bindgen-test-runner 0.2.130`
    let ok = |v: &Option<String>| {
        v.as_deref()
            .and_then(|v| v.split_whitespace().nth(1))
            .is_some_and(|v| v == WASM_BINDGEN_VERSION)
    };
    if ok(&cli) && ok(&runner) {
        println!("setup: {want} (+ wasm-bindgen-test-runner): present");
        return Ok(());
    }
    println!(
        "setup: wasm-bindgen-cli is {:?}, want {WASM_BINDGEN_VERSION}: installing (~2 min)",
        cli.unwrap_or_else(|| "missing".into())
    );
    // No --locked: the crate's own lockfile pins a webpki-roots release the registry lacks.
    run(
        "install wasm-bindgen-cli",
        command("cargo").args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            WASM_BINDGEN_VERSION,
        ]),
    )
}

fn npm_packages() -> Result {
    let root = root();
    let wasm_opt = root.join("node_modules/.bin/wasm-opt");
    let wasm_opt_version = capture(&wasm_opt.to_string_lossy(), &["--version"]);
    // axe-core: the e2e accessibility check.
    let playwright = ["playwright-core/package.json", "axe-core/axe.min.js"]
        .iter()
        .all(|file| root.join("node_modules").join(file).is_file());
    let want = format!("version {WASM_OPT_VERSION}");
    if playwright
        && wasm_opt_version
            .as_deref()
            .is_some_and(|v| v.contains(&want))
    {
        println!(
            "setup: npm packages: present ({})",
            wasm_opt_version.unwrap_or_default()
        );
        return Ok(());
    }
    if !on_path("npm") {
        return Err(anyhow!(
            "npm is not on PATH: install Node.js 20 and npm first"
        ));
    }
    println!(
        "setup: npm install (binaryen {WASM_OPT_VERSION} for wasm-opt, playwright-core, axe-core)"
    );
    run(
        "npm install",
        command("npm").args(["install", "--no-audit", "--no-fund"]),
    )?;
    let got = capture(&wasm_opt.to_string_lossy(), &["--version"]).unwrap_or_default();
    if !got.contains(&want) {
        return Err(anyhow!(
            "after npm install, {} --version says {got:?}, want {want:?}",
            wasm_opt.display()
        ));
    }
    Ok(())
}

/// A CJK font, so the screenshots of the Chinese pages show characters
/// rather than empty boxes (Debian's chromium does not pull one in).
const CJK_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc";

fn chromium() -> Result {
    if Path::new(CHROMIUM).is_file()
        && Path::new(CHROMEDRIVER).is_file()
        && Path::new(CJK_FONT).is_file()
    {
        println!("setup: chromium + chromedriver + CJK font: present");
        return Ok(());
    }
    println!("setup: installing Debian chromium + chromium-driver + fonts-wqy-zenhei (apt-get)");
    apt_install(&["chromium", "chromium-driver", "fonts-wqy-zenhei"])
}

/// The SMTP clients `smtplab serve`'s tests use (swaks, curl) and the
/// benchmark's load generator and reference server (postfix).
pub fn server_tools() -> Result {
    if Path::new("/usr/sbin/smtp-sink").is_file() && on_path("swaks") && on_path("curl") {
        println!("setup: postfix (smtp-sink, smtp-source) + swaks + curl: present");
        return Ok(());
    }
    println!("setup: installing Debian postfix + swaks + curl (apt-get)");
    // Preseed so that postfix installs without asking and without configuring a mail server.
    let mut preseed = root_command("debconf-set-selections");
    preseed.stdin(Stdio::piped());
    println!(
        "$ {} <<< 'postfix postfix/main_mailer_type select No configuration'",
        crate::util::display(&preseed)
    );
    let mut child = preseed
        .spawn()
        .map_err(|e| anyhow!("debconf-set-selections: {e}"))?;
    child
        .stdin
        .take()
        .expect("piped stdin")
        .write_all(b"postfix postfix/main_mailer_type select No configuration\n")
        .map_err(|e| anyhow!("debconf-set-selections: {e}"))?;
    let status = child
        .wait()
        .map_err(|e| anyhow!("debconf-set-selections: {e}"))?;
    if !status.success() {
        return Err(anyhow!("debconf-set-selections failed ({status})"));
    }
    apt_install(&["postfix", "swaks", "curl"])
}

fn is_root() -> bool {
    capture("id", &["-u"]).as_deref() == Some("0")
}

/// `program` run as root: directly when we are root, else through `sudo`.
fn root_command(program: &str) -> Command {
    let mut cmd = if is_root() {
        command(program)
    } else {
        let mut sudo = command("sudo");
        sudo.args(["env", "DEBIAN_FRONTEND=noninteractive", program]);
        sudo
    };
    cmd.env("DEBIAN_FRONTEND", "noninteractive");
    cmd
}

fn apt_install(packages: &[&str]) -> Result {
    run("apt-get update", root_command("apt-get").arg("update"))?;
    run(
        "apt-get install",
        root_command("apt-get")
            .args(["install", "-y"])
            .args(packages),
    )
}
