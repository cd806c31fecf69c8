//! `cargo xtask build`: setup, then a release Trunk build of the web app into `dist/`.

use std::path::Path;

use anyhow::anyhow;

use crate::setup;
use crate::util::{banner, command, root, run, Result};
use crate::wasm::{bindgen_package, with_lean_std, Bindgen};

/// Directory (relative to the repository root) of the blank Yew size/speed baseline.
pub const BASELINE_DIR: &str = "bench/blank-yew";

pub fn build() -> Result {
    setup::ensure()?;
    banner("build: smtplab-web -> dist/");
    trunk_build(&root())?;
    build_full_app()?;
    copy_translations()?;
    build_explainer()?;
    build_widget()?;
    crate::api::build_api_only()
}

/// Folder under `dist/` of the translation tables, which the pages fetch
/// when a learner chooses a language other than English.
pub const I18N_SUBDIR: &str = "i18n";

/// The translation tables (`web/i18n/*.json`) into `dist/i18n/`.
pub fn copy_translations() -> Result {
    banner("build: translations (fetched when chosen) -> dist/i18n/");
    let out = root().join("dist").join(I18N_SUBDIR);
    std::fs::create_dir_all(&out).map_err(|e| anyhow!("create {}: {e}", out.display()))?;
    copy(&root().join("web/i18n/zh-CN.json"), &out.join("zh-CN.json"))
}

/// Folder under `dist/` of the Transcript tab's explainer, which the pages
/// load the first time a transcript is explained.
pub const EXPLAINER_SUBDIR: &str = "explain";

/// The explainer module (`smtplab-explain-wasm`) into `dist/explain/`.
pub fn build_explainer() -> Result {
    banner("build: Transcript tab's explainer (loaded on first use) -> dist/explain/");
    let out = root().join("dist").join(EXPLAINER_SUBDIR);
    let options = Bindgen {
        features: &[],
        default_features: true,
        bin: None,
        typescript: false,
        converge: true,
        lean_std: true,
    };
    bindgen_package(
        "smtplab-explain-wasm",
        "smtplab_explain_wasm",
        options,
        &out,
    )
    .map(|_| ())
}

/// Folder under `dist/` of the full app (lessons, packs, the mail network),
/// which `dist/index.html` loads on first use.
pub const FULL_APP_SUBDIR: &str = "full";

/// The full app is a second Trunk build of the same crate with the
/// `lessons` feature (entry `app-full.html`). Trunk empties its output
/// folder, so it builds beside `dist/`; its script, wasm and snippets go to
/// `dist/full/` (its page and CSS are the sandbox's already), and
/// `dist/index.html` gets a `<meta>` naming the script. `lessons.html`,
/// the old classroom address, becomes a redirect to the page.
pub fn build_full_app() -> Result {
    banner("build: full app (lessons, mail network; loaded on first use) -> dist/full/");
    let root = root();
    let staging = root.join("target").join("trunk-full-app");
    run(
        "trunk build (full app)",
        with_lean_std(&mut command("trunk"))
            .args(["build", "--release", "--offline", "--dist"])
            .arg(&staging)
            .arg("app-full.html")
            .current_dir(&root),
    )?;
    let out = root.join("dist").join(FULL_APP_SUBDIR);
    if out.exists() {
        std::fs::remove_dir_all(&out).map_err(|e| anyhow!("remove {}: {e}", out.display()))?;
    }
    copy_tree(&staging, &out, &|name| {
        name != "index.html" && !name.ends_with(".css")
    })?;
    let script = full_app_script(&out)?;
    name_full_app_in_page(&root.join("dist").join("index.html"), &script)?;
    copy(
        &root.join("web/lessons.html"),
        &root.join("dist/lessons.html"),
    )
}

/// `dist/full/`'s script, as the page names it (`full/smtplab-web-<hash>.js`).
fn full_app_script(out: &Path) -> Result<String> {
    let entries = std::fs::read_dir(out).map_err(|e| anyhow!("read {}: {e}", out.display()))?;
    for entry in entries {
        let name = entry
            .map_err(|e| anyhow!("read {}: {e}", out.display()))?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.starts_with("smtplab-web") && name.ends_with(".js") {
            return Ok(format!("{FULL_APP_SUBDIR}/{name}"));
        }
    }
    Err(anyhow!(
        "{}: Trunk wrote no smtplab-web script",
        out.display()
    ))
}

/// Writes `<meta name="smtplab-full-app" content="SCRIPT">` into the page's head.
fn name_full_app_in_page(page: &Path, script: &str) -> Result {
    let html =
        std::fs::read_to_string(page).map_err(|e| anyhow!("read {}: {e}", page.display()))?;
    let meta = format!("<meta name=\"smtplab-full-app\" content=\"{script}\">");
    let Some(at) = html.find("</head>") else {
        return Err(anyhow!("{}: no </head>", page.display()));
    };
    let html = format!("{}{meta}\n{}", &html[..at], &html[at..]);
    std::fs::write(page, html).map_err(|e| anyhow!("write {}: {e}", page.display()))
}

/// Copies the files of `from` (and its folders) into `to`, those whose
/// name `keep` accepts.
fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&str) -> bool) -> Result {
    std::fs::create_dir_all(to).map_err(|e| anyhow!("create {}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| anyhow!("read {}: {e}", from.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| anyhow!("read {}: {e}", from.display()))?
            .path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if path.is_dir() {
            copy_tree(&path, &to.join(&name), &|_| true)?;
        } else if keep(&name) {
            copy(&path, &to.join(&name))?;
        }
    }
    Ok(())
}

/// The `<smtp-lab>` widget into `dist/widget/` (ES module + wasm, with the
/// element's loader), and the demo and iframe pages into `dist/`.
pub fn build_widget() -> Result {
    banner("build: <smtp-lab> widget -> dist/widget/");
    let root = root();
    let out = root.join("dist").join("widget");
    let console = Bindgen {
        features: &[],
        default_features: true,
        bin: None,
        typescript: false,
        converge: false,
        lean_std: true,
    };
    bindgen_package("smtplab-widget", "smtplab_widget", console, &out)?;
    // Widgets with a `lesson` attribute load this larger build instead.
    let lessons = Bindgen {
        features: &["lessons"],
        ..console
    };
    bindgen_package(
        "smtplab-widget",
        "smtplab_widget",
        lessons,
        &out.join("lessons"),
    )?;
    for file in ["smtp-lab.js", "embed.js", "widget-events.js", "demo.css"] {
        copy(&root.join("web/widget").join(file), &out.join(file))?;
    }
    for page in [
        "demo.html",
        "embed.html",
        "widget-events.html",
        "widget-click.html",
    ] {
        copy(&root.join("web").join(page), &root.join("dist").join(page))?;
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| anyhow!("copy {} -> {}: {e}", from.display(), to.display()))
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
        with_lean_std(&mut command("trunk"))
            .args(["build", "--release", "--offline"])
            .current_dir(dir),
    )
}
