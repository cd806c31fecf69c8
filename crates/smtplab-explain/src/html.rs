//! HTML rendering of explained lines and the summary, for the page's
//! Transcript tab (which loads this crate on first use and inserts the
//! markup). Every text from the transcript is escaped here.

use smtplab_engine::markup::escape_into as escape;

use crate::render::{kind_word, severity_word, tag};
use crate::text::{t, tf};
use crate::{ExplainedLine, Kind, Severity, Summary};

/// How a kind is named in the summary, in the installed language.
fn kind_label(kind: Kind) -> String {
    match kind {
        Kind::Command => t("commands"),
        Kind::Reply => t("replies"),
        Kind::Content => t("content"),
        Kind::AuthData => t("AUTH data"),
        Kind::Tool => t("tool output"),
        Kind::Log => t("log entries"),
        Kind::Unknown => t("unknown"),
    }
}

/// How a severity is named on a badge, in the installed language.
fn severity_label(severity: Severity) -> String {
    match severity {
        Severity::Error => t("error"),
        Severity::Warning => t("warning"),
        Severity::Advice => t("advice"),
    }
}

/// `<tag class="class">text</tag>`, the text escaped.
fn element(out: &mut String, tag: &str, class: &str, text: &str) {
    out.push('<');
    out.push_str(tag);
    if !class.is_empty() {
        out.push_str(" class=\"");
        out.push_str(class);
        out.push('"');
    }
    out.push('>');
    escape(out, text);
    out.push_str("</");
    out.push_str(tag);
    out.push('>');
}

/// One line as an `<li>` of the explained list: a summary row (tag, the
/// line as shown, the note's title, finding badges) that opens to the
/// meaning, why now, the RFC and each finding.
pub fn line(out: &mut String, line: &ExplainedLine) {
    let kind = kind_word(line.kind).replace(' ', "-");
    out.push_str(&format!(
        "<li class=\"x-line k-{kind}\" value=\"{}\"><details><summary>",
        line.number
    ));
    element(out, "span", "tag", tag(line.kind));
    element(out, "code", "text", &line.shown);
    element(out, "span", "title", &line.note.title);
    for finding in &line.findings {
        let word = severity_word(finding.severity);
        let label = severity_label(finding.severity);
        element(out, "span", &format!("finding {word}"), &label);
    }
    out.push_str("</summary><dl>");
    let note = &line.note;
    for (term, text) in [
        (t("What it means"), &note.meaning),
        (t("Why now"), &note.why),
        (t("Where it is written"), &note.rfc),
    ] {
        if !text.is_empty() {
            element(out, "dt", "", &term);
            element(out, "dd", "", text);
        }
    }
    for finding in &line.findings {
        let term = tf("Finding ({})", &[&severity_label(finding.severity)]);
        element(out, "dt", "", &term);
        element(
            out,
            "dd",
            "",
            &format!("{} ({})", finding.message, finding.rfc),
        );
    }
    out.push_str("</dl></details></li>");
}

/// The summary: how many lines were read in which formats, how many of
/// each kind, and any notice (mixed formats, a limit reached).
pub fn summary(out: &mut String, summary: &Summary) {
    let formats: Vec<String> = summary
        .formats
        .iter()
        .map(|(format, n)| format!("{} ({n})", format.name()))
        .collect();
    let formats = if formats.is_empty() {
        t("no known format")
    } else {
        formats.join(", ")
    };
    let kinds: Vec<String> = summary
        .kinds
        .iter()
        .map(|(kind, n)| format!("{} {n}", kind_label(*kind)))
        .collect();
    out.push_str("<div class=\"summary\" role=\"status\">");
    let counts = tf(
        "{} lines read as {}: {}.",
        &[&summary.lines, &formats, &kinds.join(", ")],
    );
    element(out, "p", "", &counts);
    for notice in &summary.notices {
        element(out, "p", "notice-text", notice);
    }
    out.push_str("</div>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain;

    #[test]
    fn transcript_text_is_escaped_everywhere_it_appears() {
        let explanation = explain(b"S: 220 <mx> & \"quotes\" 'here'\r\nC: EHLO <script>\r\n");
        let mut out = String::new();
        for explained in &explanation.lines {
            line(&mut out, explained);
        }
        summary(&mut out, &explanation.summary);
        assert!(!out.contains("<script>"), "{out}");
        assert!(!out.contains("<mx>"), "{out}");
        assert!(out.contains("EHLO &lt;script&gt;"), "{out}");
        assert!(
            out.contains("&amp; &quot;quotes&quot; &#39;here&#39;"),
            "{out}"
        );
    }

    #[test]
    fn a_line_shows_its_kind_number_note_and_findings() {
        let explanation = explain(b"S: 220 mx ESMTP\r\nC: DATA\r\nS: 250 ok\r\n");
        let mut out = String::new();
        line(&mut out, &explanation.lines[1]);
        assert!(
            out.starts_with("<li class=\"x-line k-commands\" value=\"2\">"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"tag\">C&gt;</span><code class=\"text\">"),
            "{out}"
        );
        assert!(
            out.contains("<dt>Where it is written</dt><dd>RFC 5321"),
            "{out}"
        );
        assert!(
            out.contains("<span class=\"finding error\">error</span>"),
            "{out}"
        );
        let mut counts = String::new();
        summary(&mut counts, &explanation.summary);
        assert!(
            counts.contains("3 lines read as C:/S: lines (3)"),
            "{counts}"
        );
    }
}
