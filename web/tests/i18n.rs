//! The zh-CN table (`web/i18n/zh-CN.json`) translates every text the page
//! shows through `tr`: the catalogue's texts, the web's own tables (the
//! shell's `help` too), every `tr("...")` / `trf("...")` literal in
//! `web/src`, and every `t("...")` / `tf("...")` literal of the explainer
//! (`crates/smtplab-explain/src`, which the Transcript tab's module shows
//! in the page's language); and it holds no key nothing uses any more.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use smtplab_engine::catalogue::{class_meaning, COMMANDS, REPLIES, REPLY_CODES};
use smtplab_engine::profile::PRESETS;
use smtplab_engine::Extension;
use smtplab_web::components::state_diagram::STATES;
use smtplab_web::guide::GUIDES;
use smtplab_web::lab::{SHELL_HELP, TLS_STEPS};
use smtplab_web::policies::POLICY_TOGGLES;

/// The catalogue texts the Explain panel, the command table and the
/// settings panel show.
fn catalogue_texts() -> BTreeSet<String> {
    let mut texts = BTreeSet::new();
    for info in REPLIES {
        texts.extend([info.title, info.meaning, info.why, info.next].map(str::to_owned));
    }
    texts.extend(COMMANDS.iter().map(|c| c.purpose.to_owned()));
    texts.extend(REPLY_CODES.iter().map(|(_, meaning)| (*meaning).to_owned()));
    texts.extend((2..=6).map(|class| class_meaning(class * 100).to_owned()));
    texts.extend(Extension::ALL.iter().map(|e| e.about().to_owned()));
    texts
}

/// The web's own tables, shown through `tr` at display time.
fn table_texts() -> BTreeSet<String> {
    let mut texts = BTreeSet::new();
    for guide in GUIDES {
        texts.insert(guide.title.to_owned());
        texts.extend(guide.steps.iter().map(|s| s.note.to_owned()));
    }
    for (_, name, hint) in STATES {
        texts.extend([*name, *hint].map(str::to_owned));
    }
    texts.extend(
        POLICY_TOGGLES
            .iter()
            .map(|(_, label, ..)| (*label).to_owned()),
    );
    texts.extend(PRESETS.iter().map(|(_, about)| (*about).to_owned()));
    texts.extend(
        SHELL_HELP
            .iter()
            .chain(TLS_STEPS)
            .filter(|line| !line.is_empty())
            .map(|line| (*line).to_owned()),
    );
    texts.insert(smtplab_explain::replay::SERVER_CLOSED.to_owned());
    texts
}

/// What the explainer module writes: every `t("...")`/`tf("...")` literal
/// outside its unit tests, and the tool-line descriptions its format table
/// holds.
fn explainer_texts() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/smtplab-explain/src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(!files.is_empty(), "no sources under {}", src.display());
    let mut texts = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        texts.extend(literals_after(code, &["t(", "tf("]));
    }
    texts.extend(smtplab_explain::format::tool_descriptions().map(str::to_owned));
    texts
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literals that follow each of `openers` (which end in `"`)
/// in `source`, with any white space before the quote (rustfmt moves a
/// long literal to a line of its own); escapes `\"`, `\\`, `\n` undone.
fn literals_after(source: &str, openers: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for opener in openers {
        let head = opener.trim_end_matches('"');
        for (start, _) in source.match_indices(head) {
            let before = source[..start].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = source[start + head.len()..].trim_start();
            let Some(literal) = rest.strip_prefix('"') else {
                continue;
            };
            let mut text = String::new();
            let mut chars = literal.chars();
            while let Some(c) = chars.next() {
                match c {
                    '"' => break,
                    '\\' => match chars.next() {
                        Some('n') => text.push('\n'),
                        Some(other) => text.push(other),
                        None => break,
                    },
                    other => text.push(other),
                }
            }
            found.push(text);
        }
    }
    found
}

/// Every `tr("...")`/`trf("...")` literal in web/src, and the panel
/// registry's tab labels (`label: "..."` in panels.rs, which `tr` shows).
fn source_texts() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut texts = BTreeSet::new();
    for file in files {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        texts.extend(literals_after(&source, &["tr(", "trf("]));
        if file.ends_with("panels.rs") {
            texts.extend(literals_after(&source, &["label:"]));
        }
    }
    // i18n.rs's own unit test uses made-up keys.
    texts.remove("Hello {}");
    texts.remove("Untranslated");
    texts
}

fn table() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("i18n/zh-CN.json");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    serde_json::from_str(&text).unwrap_or_default()
}

#[test]
fn every_text_the_page_shows_has_a_chinese_translation_and_no_key_is_stale() {
    let table = table();
    assert!(
        !table.is_empty(),
        "web/i18n/zh-CN.json is missing or not a JSON object of strings"
    );
    let mut needed = catalogue_texts();
    needed.extend(table_texts());
    needed.extend(source_texts());
    needed.extend(explainer_texts());
    let missing: Vec<&String> = needed
        .iter()
        .filter(|text| table.get(*text).is_none_or(|t| t.trim().is_empty()))
        .collect();
    let stale: Vec<&String> = table.keys().filter(|key| !needed.contains(*key)).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "web/i18n/zh-CN.json: {} missing translations:\n{}\n\n{} stale keys (no longer shown):\n{}",
        missing.len(),
        serde_json::to_string_pretty(&missing).unwrap_or_default(),
        stale.len(),
        serde_json::to_string_pretty(&stale).unwrap_or_default()
    );
}

#[test]
fn translations_keep_their_placeholders() {
    for (english, chinese) in table() {
        assert_eq!(
            english.matches("{}").count(),
            chinese.matches("{}").count(),
            "{english:?} -> {chinese:?}"
        );
    }
}

/// The Transcript tab's module explains in Chinese once the page hands it
/// the table: titles, meanings, findings, the summary; the SMTP stays.
#[test]
fn the_explainer_explains_in_chinese_with_the_table() {
    use smtplab_explain::{explain, html, text};
    thread_local! {
        static TABLE: BTreeMap<String, String> = table();
    }
    fn chinese(english: &str) -> Option<String> {
        TABLE.with(|t| t.get(english).cloned())
    }
    text::set_lookup(Some(chinese));
    let explanation = explain(b"S: 220 mx.example ESMTP\r\nC: DATA\r\nS: 503 5.5.1 no\r\n");
    let mut out = String::new();
    for line in &explanation.lines {
        html::line(&mut out, line);
    }
    html::summary(&mut out, &explanation.summary);
    text::set_lookup(None);
    for chinese in [
        "220 服务就绪",
        "<dt>含义</dt>",
        "这是对连接的打开（问候）的回应。",
        "没有被接受的 MAIL 就发送邮件内容",
        "读取了 3 行，格式为 C:/S: 行 (3)",
    ] {
        assert!(out.contains(chinese), "{chinese:?} not in {out}");
    }
    assert!(out.contains("<code class=\"text\">S: 220 mx.example ESMTP</code>"));
    assert!(!out.contains("What it means"), "{out}");
    let english = explain(b"S: 220 mx.example ESMTP\r\n");
    assert_eq!(english.lines[0].note.title, "220 Service ready");
}

/// The pretend shell's help and hints read in Chinese; what telnet and the
/// server print stays as a real one prints it.
#[test]
fn the_shell_hints_in_chinese_and_the_wire_stays_english() {
    use smtplab_engine::Settings;
    use smtplab_web::i18n::{install_table, set_current, Lang};
    use smtplab_web::lab::Lab;
    install_table(table());
    set_current(Lang::ZhCn);
    let mut lab = Lab::new("default", Settings::default());
    for line in ["help", "ls", "EHLO x", "sleep x", "telnet localhost smtp"] {
        lab.submit(line, 0);
    }
    set_current(Lang::En);
    let shown: Vec<&str> = lab.lines.iter().map(|l| l.text.as_str()).collect();
    for expected in [
        "这是一个模拟终端，本机上有一台邮件服务器。",
        "ls：找不到命令。试试 telnet localhost smtp，或者输入 help",
        "EHLO：找不到命令。这是 SMTP 命令：请先用 telnet localhost smtp 连接",
        "用法：sleep 秒数（最多 86400）",
        "Connected to localhost.",
        "220 mail.example.com ESMTP smtplab",
    ] {
        assert!(shown.contains(&expected), "{expected:?} not in {shown:#?}");
    }
}
