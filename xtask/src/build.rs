//! `cargo xtask build`: setup, then a release Trunk build of the web app into `dist/`.

use std::path::Path;

use anyhow::anyhow;

use crate::setup;
use crate::util::{banner, command, root, run, Result};
use crate::wasm::{bindgen_package, Bindgen};

/// Directory (relative to the repository root) of the blank Yew size/speed baseline.
pub const BASELINE_DIR: &str = "bench/blank-yew";

pub fn build() -> Result {
    setup::ensure()?;
    banner("build: smtplab-web -> dist/");
    trunk_build(&root())?;
    build_classroom()?;
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
        typescript: false,
        converge: true,
    };
    bindgen_package(
        "smtplab-explain-wasm",
        "smtplab_explain_wasm",
        options,
        &out,
    )
    .map(|_| ())
}

/// The classroom page (`lessons.html`: the app with lessons inside) is a
/// second Trunk build of the same crate with the `lessons` feature. Trunk
/// empties its output folder, so it builds beside `dist/` and is copied in;
/// its hashed file names never collide with the sandbox's, and its page is
/// renamed from Trunk's `index.html` to `lessons.html`.
pub fn build_classroom() -> Result {
    banner("build: classroom (lessons.html) -> dist/");
    let root = root();
    let staging = root.join("target").join("trunk-classroom");
    run(
        "trunk build (classroom)",
        command("trunk")
            .args(["build", "--release", "--offline", "--dist"])
            .arg(&staging)
            .arg("lessons.html")
            .current_dir(&root),
    )?;
    let entries =
        std::fs::read_dir(&staging).map_err(|e| anyhow!("read {}: {e}", staging.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| anyhow!("read {}: {e}", staging.display()))?;
        if entry.path().is_file() {
            // Trunk always writes its page as index.html.
            let name = if entry.file_name() == "index.html" {
                "lessons.html".into()
            } else {
                entry.file_name()
            };
            copy(&entry.path(), &root.join("dist").join(name))?;
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
        typescript: false,
        converge: false,
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
        command("trunk")
            .args(["build", "--release", "--offline"])
            .current_dir(dir),
    )
}
