//! `cargo xtask size`: gzip -9 transfer size of `dist/` against the blank Yew baseline and the budget.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::anyhow;

use crate::api;
use crate::build::{self, BASELINE_DIR};
use crate::gzip::{gzip_size, kb};
use crate::util::{banner, root, Result};
use crate::wasm::{bindgen_package_in, Bindgen, Tree};

/// The app's whole `dist/` may weigh at most this much gzip -9 (1 KB = 1000 bytes).
pub const BUDGET_BYTES: u64 = 200_000;

/// Prints the size reports; fails if the sandbox page or the console widget
/// is over [`BUDGET_BYTES`], or the JS API over its own budget.
/// With `build_app`, rebuilds `dist/` first; the baseline is always rebuilt.
///
/// Each page is sized as what a browser downloads for it: the HTML and the
/// files it links. The full app (which the page loads when lessons or the
/// network are first used) and the lesson widget carry the lesson system
/// (pack parsing with serde_json, the checker, the curriculum), the network
/// and mail authentication; they have no budget of their own, and their
/// figures are printed for comparison.
pub fn size(build_app: bool) -> Result {
    if build_app {
        build::build()?;
    }
    let dist = root().join("dist");
    if !dist.join("index.html").is_file() {
        return Err(anyhow!(
            "{} has no index.html: run `cargo xtask build` first",
            dist.display()
        ));
    }
    build::build_baseline()?;

    let sizes = measure_pages(&dist)?;
    let variants = measure_sandbox_variants()?;
    banner(&format!(
        "size: blank Yew baseline ({BASELINE_DIR}/dist/), gzip -9"
    ));
    let baseline = report(&root().join(BASELINE_DIR).join("dist"))?;
    sizes.print_totals(baseline);
    variants.print(sizes.app);
    let api_fits = api::size_api()?;
    let mut failures = Vec::new();
    for (what, bytes) in [
        ("sandbox page", sizes.app),
        ("console widget", sizes.widget),
    ] {
        failures.extend(budget_failure(what, bytes));
    }
    if !api_fits {
        failures.push(format!(
            "dist/api/ is over the {} budget",
            kb(api::API_BUDGET_BYTES)
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(anyhow!(failures.join("; ")))
    }
}

/// The gzip totals of what each page downloads.
struct PageSizes {
    app: u64,
    full_app: u64,
    widget: u64,
    lesson_widget: u64,
    explainer: u64,
    chinese: u64,
}

/// Prints each page's files and returns the totals.
fn measure_pages(dist: &Path) -> Result<PageSizes> {
    banner("size: sandbox page (dist/index.html and what it loads), gzip -9");
    let app = report_files(dist, &page_files(dist, "index.html")?)?;
    banner(
        "size: full app (lessons, packs, mail network), loaded on first use (dist/full/), gzip -9",
    );
    let full_app = report(&dist.join(build::FULL_APP_SUBDIR))?;
    let widget_dir = dist.join("widget");
    banner("size: <smtp-lab> console widget (dist/widget/), gzip -9");
    let widget = report_files(
        dist,
        &[
            widget_dir.join("smtp-lab.js"),
            widget_dir.join("smtplab_widget.js"),
            widget_dir.join("smtplab_widget_bg.wasm"),
        ],
    )?;
    banner("size: <smtp-lab lesson=...> widget (dist/widget/lessons/), gzip -9");
    let lesson_widget = report_files(
        dist,
        &[
            widget_dir.join("smtp-lab.js"),
            widget_dir.join("lessons/smtplab_widget.js"),
            widget_dir.join("lessons/smtplab_widget_bg.wasm"),
        ],
    )?;
    let explainer_dir = dist.join(build::EXPLAINER_SUBDIR);
    banner("size: Transcript tab's explainer, loaded on first use (dist/explain/), gzip -9");
    let explainer = report_files(
        dist,
        &[
            explainer_dir.join("smtplab_explain_wasm.js"),
            explainer_dir.join("smtplab_explain_wasm_bg.wasm"),
        ],
    )?;
    banner("size: Simplified Chinese texts, fetched when zh-CN is chosen (dist/i18n/), gzip -9");
    let chinese = report_files(dist, &[dist.join(build::I18N_SUBDIR).join("zh-CN.json")])?;
    Ok(PageSizes {
        app,
        full_app,
        widget,
        lesson_widget,
        explainer,
        chinese,
    })
}

impl PageSizes {
    fn print_totals(&self, baseline: u64) {
        println!();
        println!("sandbox page total:   {}", kb(self.app));
        println!("baseline total:       {}", kb(baseline));
        println!(
            "ratio sandbox/baseline: {:.2}x",
            self.app as f64 / baseline.max(1) as f64
        );
        println!(
            "full app on first use: {} (downloaded when lessons or the network are first used; sandbox + full app: {}; no budget)",
            kb(self.full_app),
            kb(self.app + self.full_app)
        );
        println!("console widget total: {}", kb(self.widget));
        println!(
            "lesson widget total:  {} (no budget; for comparison)",
            kb(self.lesson_widget)
        );
        println!(
            "explainer on first use: {} (downloaded when a transcript is first explained; sandbox + explainer: {})",
            kb(self.explainer),
            kb(self.app + self.explainer)
        );
        println!(
            "zh-CN on first use:   {} (downloaded when Chinese is chosen; English costs nothing extra; sandbox + zh-CN: {})",
            kb(self.chinese),
            kb(self.app + self.chinese)
        );
    }
}

/// What the mail network adds to the sandbox build, and what compiling std
/// with the program saves it: the web app's binary built three times in the
/// same way (cargo, wasm-bindgen, `wasm-opt -Oz`, as Trunk does): without
/// and with the `network` feature, and without it against the prebuilt std.
struct SandboxVariants {
    without_network: u64,
    with_network: u64,
    prebuilt_std: u64,
}

/// Builds the variants into `target/size/` and sizes their wasm and JS.
fn measure_sandbox_variants() -> Result<SandboxVariants> {
    banner("size: the sandbox build (web/) without and with the `network` feature, and with the prebuilt std, gzip -9");
    let root = root();
    let out = root.join("target/size");
    // The prebuilt std builds in a target directory of its own: sharing
    // target/ would rebuild every wasm crate twice per run (the flags differ).
    let own_target = out.join("prebuilt-std-target");
    let mut sized = [0; 3];
    for (slot, (name, features, lean_std)) in sized.iter_mut().zip([
        ("sandbox-without-network", &[][..], true),
        ("sandbox-with-network", &["network"][..], true),
        ("sandbox-prebuilt-std", &[][..], false),
    ]) {
        let dir = out.join(name);
        let options = Bindgen {
            features,
            default_features: false,
            bin: Some("smtplab-web"),
            typescript: false,
            converge: false,
            lean_std,
        };
        let tree = Tree {
            dir: &root,
            target_dir: (!lean_std).then_some(own_target.as_path()),
        };
        let js = bindgen_package_in(tree, "smtplab-web", "smtplab_web", options, &dir)?;
        *slot = report_files(&dir, &[js, dir.join("smtplab_web_bg.wasm")])?;
    }
    Ok(SandboxVariants {
        without_network: sized[0],
        with_network: sized[1],
        prebuilt_std: sized[2],
    })
}

impl SandboxVariants {
    /// The network's cost, what the sandbox page would weigh with it in
    /// its first download (`page`: the page as built, without it), and
    /// what the std compiled with the program saves.
    fn print(&self, page: u64) {
        let added = self.with_network.saturating_sub(self.without_network);
        let page_with_network = page + added;
        println!(
            "mail network in the sandbox build: +{} ({} without it, {} with it)",
            kb(added),
            kb(self.without_network),
            kb(self.with_network)
        );
        println!(
            "sandbox page with the network in its first download: {} ({} the budget of {}); the page loads the network with the full app on first use instead",
            kb(page_with_network),
            if page_with_network <= BUDGET_BYTES { "within" } else { "over" },
            kb(BUDGET_BYTES)
        );
        println!(
            "std compiled with the program (panics as traps) saves the sandbox build {} ({} with the prebuilt std, {} as shipped)",
            kb(self.prebuilt_std.saturating_sub(self.without_network)),
            kb(self.prebuilt_std),
            kb(self.without_network)
        );
    }
}

/// Prints whether `what` fits [`BUDGET_BYTES`]; when not, returns by how
/// much it does not.
fn budget_failure(what: &str, bytes: u64) -> Option<String> {
    if bytes <= BUDGET_BYTES {
        println!(
            "size budget, {what}: PASS ({} <= {})",
            kb(bytes),
            kb(BUDGET_BYTES)
        );
        None
    } else {
        println!(
            "size budget, {what}: FAIL ({} > {})",
            kb(bytes),
            kb(BUDGET_BYTES)
        );
        Some(format!(
            "{what} is {} gzip, over the {} budget",
            kb(bytes),
            kb(BUDGET_BYTES)
        ))
    }
}

/// `page` and the local files it links (`href="..."`, `src="..."`).
fn page_files(dist: &Path, page: &str) -> Result<Vec<PathBuf>> {
    let html_path = dist.join(page);
    let html =
        fs::read_to_string(&html_path).map_err(|e| anyhow!("{}: {e}", html_path.display()))?;
    let mut files = vec![html_path];
    for attribute in ["href=\"", "src=\""] {
        for piece in html.split(attribute).skip(1) {
            let target = piece.split('"').next().unwrap_or_default();
            let target = target.trim_start_matches("./");
            if target.is_empty() || target.contains(':') {
                continue;
            }
            let file = dist.join(target);
            if file.is_file() && !files.contains(&file) {
                files.push(file);
            }
        }
    }
    Ok(files)
}

/// Prints one line per file (raw and gzip -9 bytes) and returns the gzip total.
fn report(dir: &Path) -> Result<u64> {
    report_skipping(dir, &[])
}

/// [`report`] without the subdirectories `skip` of `dir` (sized on their own).
fn report_skipping(dir: &Path, skip: &[&str]) -> Result<u64> {
    let mut files = Vec::new();
    walk(dir, &mut files).map_err(|e| anyhow!("cannot list {}: {e}", dir.display()))?;
    files.retain(|file| !skip.iter().any(|sub| file.starts_with(dir.join(sub))));
    files.sort();
    report_files(dir, &files)
}

/// One line per file in `files` (named relative to `dir`) and the gzip total.
fn report_files(dir: &Path, files: &[PathBuf]) -> Result<u64> {
    if files.is_empty() {
        return Err(anyhow!("{}: nothing to size", dir.display()));
    }
    println!("{:>10} {:>10}  file", "raw", "gzip -9");
    let (mut raw_total, mut gz_total) = (0, 0);
    for file in files {
        let raw = fs::metadata(file)
            .map_err(|e| anyhow!("{}: {e}", file.display()))?
            .len();
        let gz = gzip_size(file)?;
        raw_total += raw;
        gz_total += gz;
        let name = file.strip_prefix(dir).unwrap_or(file).display();
        println!("{raw:>10} {gz:>10}  {name}");
    }
    println!(
        "{raw_total:>10} {gz_total:>10}  total ({} files)",
        files.len()
    );
    Ok(gz_total)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_totals_the_gzip_sizes_of_every_file_below() {
        let dir = std::env::temp_dir().join(format!("xtask-size-test-{}", std::process::id()));
        fs::create_dir_all(dir.join("nested")).unwrap();
        fs::write(dir.join("a.txt"), "smtplab ".repeat(10_000)).unwrap();
        fs::write(dir.join("nested/empty.txt"), "").unwrap();
        let a = gzip_size(&dir.join("a.txt")).unwrap();
        let empty = gzip_size(&dir.join("nested/empty.txt")).unwrap();
        assert!(
            a > empty && a < 1_000,
            "80 000 repetitive bytes gzip to {a}"
        );
        assert_eq!(
            empty, 20,
            "an empty gzip -n stream is a 10-byte header, 2-byte block, 8-byte trailer"
        );
        assert_eq!(report(&dir).unwrap(), a + empty);
        fs::remove_dir_all(&dir).unwrap();
    }
}
