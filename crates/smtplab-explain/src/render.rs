//! Explanations as plain text for a terminal: each line with its side,
//! then what it is, why now, the RFC, and any findings.

use crate::input::LineEnd;
use crate::replay::ReplayStep;
use crate::{ExplainedLine, Kind, Severity, Summary};

/// A short tag for the kind of line.
pub fn tag(kind: Kind) -> &'static str {
    match kind {
        Kind::Command => "C>",
        Kind::Reply => "S<",
        Kind::Content => "C.",
        Kind::AuthData => "C*",
        Kind::Tool => "--",
        Kind::Log => "lg",
        Kind::Unknown => "??",
    }
}

/// How a severity is written.
pub fn severity_word(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "advice",
    }
}

/// One explained line. With `line_ends`, CRLF and LF are written out.
pub fn line(out: &mut String, line: &ExplainedLine, line_ends: bool) {
    let end = match (line_ends, line.end) {
        (true, LineEnd::Crlf) => "\\r\\n",
        (true, LineEnd::Lf) => "\\n",
        _ => "",
    };
    out.push_str(&format!(
        "{:>6} {} {}{end}\n",
        line.number,
        tag(line.kind),
        line.shown
    ));
    let note = &line.note;
    let brief = matches!(line.kind, Kind::Content | Kind::Tool);
    out.push_str(&format!("          = {}", note.title));
    if !brief && !note.meaning.is_empty() {
        out.push_str(&format!(": {}", note.meaning));
    }
    out.push('\n');
    if !brief && !note.why.is_empty() {
        out.push_str(&format!("          why now: {}\n", note.why));
    }
    if !note.rfc.is_empty() && !brief {
        out.push_str(&format!("          see: {}\n", note.rfc));
    }
    for finding in &line.findings {
        let rfc = if finding.rfc.is_empty() {
            String::new()
        } else {
            format!(" ({})", finding.rfc)
        };
        out.push_str(&format!(
            "          ! {}: {}{rfc}\n",
            severity_word(finding.severity),
            finding.message
        ));
    }
}

/// The summary: line counts per format and kind, findings, notices.
pub fn summary(out: &mut String, summary: &Summary, findings: [usize; 3]) {
    let formats: Vec<String> = summary
        .formats
        .iter()
        .map(|(f, n)| format!("{} {n}", f.name()))
        .collect();
    let kinds: Vec<String> = summary
        .kinds
        .iter()
        .map(|(k, n)| format!("{} {n}", kind_word(*k)))
        .collect();
    out.push_str(&format!(
        "\n{} lines, {} octets. Formats: {}. Lines: {}.\nFindings: {} errors, {} warnings, {} advice.\n",
        summary.lines,
        summary.bytes,
        if formats.is_empty() { "none recognised".to_owned() } else { formats.join(", ") },
        kinds.join(", "),
        findings[0],
        findings[1],
        findings[2]
    ));
    for notice in &summary.notices {
        out.push_str(&format!("note: {notice}\n"));
    }
}

/// The name of a kind in the summary.
pub fn kind_word(kind: Kind) -> &'static str {
    match kind {
        Kind::Command => "commands",
        Kind::Reply => "replies",
        Kind::Content => "content",
        Kind::AuthData => "AUTH data",
        Kind::Tool => "tool output",
        Kind::Log => "log entries",
        Kind::Unknown => "unknown",
    }
}

/// A replay: what was sent, what the transcript shows, what the
/// simulated server says, marked where they differ in code.
pub fn replay(out: &mut String, steps: &[ReplayStep], profile: &str) {
    out.push_str(&format!(
        "\nReplay against the simulated server (profile {profile}):\n"
    ));
    for step in steps {
        match step.line {
            Some(number) => out.push_str(&format!("{number:>6} C> {}\n", step.sent)),
            None => out.push_str("       (connect)\n"),
        }
        let code = |lines: &[String]| lines.last().map(|l| l.chars().take(3).collect::<String>());
        let differs = !step.recorded.is_empty() && code(&step.recorded) != code(&step.simulated);
        for recorded in &step.recorded {
            out.push_str(&format!("          transcript: {recorded}\n"));
        }
        for simulated in &step.simulated {
            out.push_str(&format!("          simulated:  {simulated}\n"));
        }
        if differs {
            out.push_str("          ^ the simulated server answers with another code\n");
        }
    }
}
