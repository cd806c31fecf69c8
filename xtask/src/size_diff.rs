//! `cargo xtask size-diff REV...`: what commits did to the wasm bundles.
//! Each bundle is built at a commit's first parent and at the commit, the
//! same way both times, in a git worktree of its own (`target/size-diff/`),
//! and its gzip -9 size (wasm and its JS) printed before, after and the
//! difference, with the sums over the commits given. "The same way" is
//! this xtask's way (its wasm-opt flags, `wasm::with_lean_std`), whatever
//! the revision's own xtask did: so it shows what the source changed, and a
//! change to the build itself is measured by `cargo xtask size` instead.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::anyhow;

use crate::gzip::gzip_size;
use crate::setup;
use crate::util::{banner, command, root, run, Result};
use crate::wasm::{bindgen_package_in, Bindgen, Tree};

/// The bundles compared, in the table's order.
const BUNDLES: [&str; 4] = ["sandbox", "classroom", "console widget", "JS API"];

/// One revision's bundle sizes (`None`: the bundle did not exist there).
type Sizes = [Option<u64>; 4];

/// Builds and sizes the bundles before and after each of `revs`, then
/// prints the table. The worktree is removed afterwards.
pub fn size_diff(revs: &[String]) -> Result {
    setup::ensure()?;
    let work = root().join("target/size-diff");
    let tree = work.join("tree");
    let target = work.join("target");
    remove_worktree(&tree);
    run(
        "git worktree add",
        command("git")
            .args(["worktree", "add", "--detach"])
            .arg(&tree)
            .arg("HEAD"),
    )?;
    let measured = measure_all(revs, &tree, &target);
    remove_worktree(&tree);
    print_table(&measured?);
    Ok(())
}

/// A commit with its sizes before and after.
struct Row {
    commit: String,
    subject: String,
    before: Sizes,
    after: Sizes,
}

fn measure_all(revs: &[String], tree: &Path, target: &Path) -> Result<Vec<Row>> {
    let mut known: HashMap<String, Sizes> = HashMap::new();
    let mut rows = Vec::new();
    for rev in revs {
        let commit = git_line(&["rev-parse", "--verify", &format!("{rev}^{{commit}}")])?;
        let parent = git_line(&["rev-parse", "--verify", &format!("{commit}^")])?;
        let subject = git_line(&["log", "-1", "--format=%s", &commit])?;
        let mut sizes_at = |rev: &str| -> Result<Sizes> {
            if let Some(sizes) = known.get(rev) {
                return Ok(*sizes);
            }
            let sizes = measure_at(rev, tree, target)?;
            known.insert(rev.to_owned(), sizes);
            Ok(sizes)
        };
        let before = sizes_at(&parent)?;
        let after = sizes_at(&commit)?;
        rows.push(Row {
            commit: commit.chars().take(7).collect(),
            subject,
            before,
            after,
        });
    }
    Ok(rows)
}

/// Checks `rev` out in the worktree and sizes every bundle it has.
fn measure_at(rev: &str, tree: &Path, target: &Path) -> Result<Sizes> {
    banner(&format!("size-diff: building {rev}"));
    run(
        "git checkout",
        command("git")
            .current_dir(tree)
            .args(["checkout", "--force", "--detach", rev]),
    )?;
    let place = Tree {
        dir: tree,
        target_dir: Some(target),
    };
    let out = target.join("out").join(rev);
    let app = |page: &str| -> Result<Option<u64>> {
        match page_flags(&tree.join(page))? {
            Some(flags) => {
                let features: Vec<&str> = flags.features.iter().map(String::as_str).collect();
                let options = Bindgen {
                    features: &features,
                    default_features: flags.default_features,
                    bin: Some("smtplab-web"),
                    typescript: false,
                    converge: false,
                    lean_std: true,
                };
                sized(place, "smtplab-web", "app", options, &out.join(page)).map(Some)
            }
            None => Ok(None),
        }
    };
    let sandbox = app("index.html")?;
    let classroom = match app("app-full.html")? {
        Some(size) => Some(size),
        None => app("lessons.html")?,
    };
    let library = |crate_dir: &str, package: &str, artifact: &str, converge| {
        if !tree.join(crate_dir).is_dir() {
            return Ok(None);
        }
        let options = Bindgen {
            features: &[],
            default_features: true,
            bin: None,
            typescript: false,
            converge,
            lean_std: true,
        };
        sized(place, package, artifact, options, &out.join(package)).map(Some)
    };
    let widget = library(
        "crates/smtplab-widget",
        "smtplab-widget",
        "smtplab_widget",
        false,
    )?;
    let api = library("crates/smtplab-wasm", "smtplab-wasm", "smtplab_wasm", true)?;
    Ok([sandbox, classroom, widget, api])
}

/// Builds one bundle and returns the gzip -9 size of its wasm and JS.
fn sized(tree: Tree, package: &str, artifact: &str, options: Bindgen, out: &Path) -> Result<u64> {
    let js = bindgen_package_in(tree, package, artifact, options, out)?;
    let wasm: PathBuf = out.join(format!("{artifact}_bg.wasm"));
    Ok(gzip_size(&js)? + gzip_size(&wasm)?)
}

/// The cargo flags a Trunk page's `<link data-trunk rel="rust">` asks for.
#[derive(Debug, PartialEq)]
struct PageFlags {
    features: Vec<String>,
    default_features: bool,
}

/// `None` when the page is missing or builds no Rust.
fn page_flags(page: &Path) -> Result<Option<PageFlags>> {
    if !page.is_file() {
        return Ok(None);
    }
    let html = fs::read_to_string(page).map_err(|e| anyhow!("{}: {e}", page.display()))?;
    Ok(rust_link_flags(&html))
}

fn rust_link_flags(html: &str) -> Option<PageFlags> {
    let link = html
        .split('<')
        .find(|tag| tag.starts_with("link") && tag.contains("rel=\"rust\""))?;
    let features = link
        .split("data-cargo-features=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|list| {
            list.split([',', ' '])
                .filter(|f| !f.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Some(PageFlags {
        features,
        default_features: !link.contains("data-cargo-no-default-features"),
    })
}

fn git_line(args: &[&str]) -> Result<String> {
    let out = command("git")
        .args(args)
        .output()
        .map_err(|e| anyhow!("git {}: {e}", args.join(" ")))?;
    if !out.status.success() {
        return Err(anyhow!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

fn remove_worktree(tree: &Path) {
    if tree.exists() {
        // A worktree left by an interrupted run: take it away first.
        let _ = command("git")
            .args(["worktree", "remove", "--force"])
            .arg(tree)
            .status();
    }
}

fn print_table(rows: &[Row]) {
    banner("size-diff: gzip -9 bytes of each bundle's wasm and JS (before = the first parent)");
    for (index, bundle) in BUNDLES.iter().enumerate() {
        println!("\n{bundle}:");
        println!(
            "{:>8} {:>9} {:>9} {:>7}  subject",
            "commit", "before", "after", "change"
        );
        let mut sum = 0i64;
        for row in rows {
            let (before, after) = (row.before[index], row.after[index]);
            let change = match (before, after) {
                (Some(b), Some(a)) => {
                    let change = a as i64 - b as i64;
                    sum += change;
                    format!("{change:+}")
                }
                _ => "-".to_owned(),
            };
            let show = |size: Option<u64>| size.map_or_else(|| "-".to_owned(), |s| s.to_string());
            println!(
                "{:>8} {:>9} {:>9} {:>7}  {}",
                row.commit,
                show(before),
                show(after),
                change,
                row.subject.chars().take(70).collect::<String>()
            );
        }
        println!("{:>8} {:>9} {:>9} {:>7}", "sum", "", "", format!("{sum:+}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pages_rust_link_gives_its_cargo_flags() {
        let sandbox = r#"<head><link data-trunk rel="css" href="web/style.css" />
            <link data-trunk rel="rust" href="web/Cargo.toml" data-bin="smtplab-web" data-cargo-no-default-features data-wasm-opt="z" /></head>"#;
        assert_eq!(
            rust_link_flags(sandbox),
            Some(PageFlags {
                features: Vec::new(),
                default_features: false
            })
        );
        let full = r#"<link data-trunk rel="rust" href="web/Cargo.toml" data-cargo-features="lessons,network" />"#;
        assert_eq!(
            rust_link_flags(full),
            Some(PageFlags {
                features: vec!["lessons".into(), "network".into()],
                default_features: true
            })
        );
        assert_eq!(rust_link_flags("<html><body>redirect</body></html>"), None);
    }
}
