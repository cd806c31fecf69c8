//! Real transcripts, captured from swaks against Postfix 3.7 and against
//! `smtplab serve`, Postfix's own logs of such sessions, and terminal
//! copies of telnet and `nc -C` sessions with `smtplab serve` (recorded
//! with script(1); the terminal's CRs removed, as a copy from a terminal
//! has none), kept in `tests/data/`: every line is explained, none is
//! unknown.

use std::path::Path;

use smtplab_explain::format::Format;
use smtplab_explain::{explain, Explanation, Kind};

fn load(name: &str) -> Explanation {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name);
    explain(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn line_with<'a>(explanation: &'a Explanation, text: &str) -> &'a smtplab_explain::ExplainedLine {
    explanation
        .lines
        .iter()
        .find(|l| l.shown.contains(text))
        .unwrap_or_else(|| panic!("no line with {text}"))
}

#[test]
fn every_recorded_transcript_explains_without_an_unknown_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 8, "{files:?}");
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let explanation = load(&name);
        let unknown: Vec<_> = explanation
            .lines
            .iter()
            .filter(|l| l.kind == Kind::Unknown)
            .map(|l| (l.number, l.shown.clone()))
            .collect();
        assert_eq!(unknown, [], "{name}");
        let expected = if name.starts_with("swaks") {
            Format::Swaks
        } else if name.starts_with("telnet") || name.starts_with("nc") {
            Format::Plain
        } else {
            Format::PostfixLog
        };
        // Every line is read in the one format, except telnet's own lines
        // (Trying..., Connected..., Connection closed...), which are its tool output.
        let in_format = explanation
            .lines
            .iter()
            .filter(|l| l.kind != Kind::Tool || expected != Format::Plain)
            .count();
        assert_eq!(
            explanation.summary.formats,
            [(expected, in_format)],
            "{name}"
        );
        assert!(
            explanation.summary.notices.is_empty(),
            "{name}: {:?}",
            explanation.summary.notices
        );
        for line in &explanation.lines {
            assert!(!line.note.title.is_empty(), "{name} line {}", line.number);
            if matches!(line.kind, Kind::Command | Kind::Reply) {
                assert!(
                    line.note.rfc.starts_with("RFC"),
                    "{name} line {}: {:?}",
                    line.number,
                    line.note
                );
            }
        }
    }
}

#[test]
fn postfix_replies_are_explained_from_the_catalogue() {
    let relay = load("swaks-postfix-relay-denied.txt");
    let denied = line_with(&relay, "Relay access denied");
    assert_eq!(denied.note.title, "554 Relay denied");
    assert_eq!(
        denied.answers,
        Some(line_with(&relay, "RCPT TO:<bob@example.net>").number)
    );
    assert!(
        denied
            .findings
            .iter()
            .any(|f| f.message.contains("not 554")),
        "{:?}",
        denied.findings
    );
    let delivery = load("swaks-postfix-delivery.txt");
    assert_eq!(
        line_with(&delivery, "queued as").note.title,
        "250 Message accepted"
    );
    assert_eq!(
        line_with(&delivery, "250-ETRN").note.title,
        "Extension ETRN"
    );
    assert!(line_with(&delivery, "..a line")
        .note
        .meaning
        .contains("dot-stuffing"));
    assert!(
        delivery.lines.iter().all(|l| l.findings.is_empty()),
        "a clean session has no findings"
    );
}

#[test]
fn postfix_logs_follow_each_session() {
    let log = load("postfix.log");
    let reject = line_with(&log, "NOQUEUE: reject");
    assert_eq!(reject.kind, Kind::Reply);
    assert_eq!(reject.note.title, "554 Relay denied");
    assert!(line_with(&log, "rcpt=0/1")
        .note
        .meaning
        .contains("rcpt=0/1"));
    let verbose = load("postfix-verbose.log");
    let quit = line_with(&verbose, "< localhost[127.0.0.1]: QUIT");
    assert_eq!(
        quit.kind,
        Kind::Command,
        "content left out of the log ends at the server's reply"
    );
    let queued = line_with(&verbose, "250 2.0.0 Ok: queued as");
    assert_eq!(queued.note.title, "250 Message accepted");
    assert!(queued.findings.is_empty(), "{:?}", queued.findings);
}

#[test]
fn smtplab_serve_sessions_show_pipelining_auth_and_refusals() {
    let strict = load("swaks-serve-strict-refused.txt");
    let refused = line_with(&strict, "User unknown");
    assert_eq!(refused.note.title, "550 No such user");
    assert_eq!(
        refused.answers,
        Some(line_with(&strict, "RCPT TO:<nobody@example.com>").number)
    );
    assert_eq!(
        line_with(&strict, "no valid recipients").answers,
        Some(line_with(&strict, " -> DATA").number)
    );
    let auth = load("swaks-serve-auth-relay.txt");
    assert_eq!(
        line_with(&auth, "235 2.7.0").note.title,
        "235 Authenticated"
    );
    let helo = load("swaks-serve-helo.txt");
    assert_eq!(line_with(&helo, " -> HELO").note.title, "HELO command");
}

#[test]
fn terminal_copies_of_telnet_and_nc_follow_the_conversation() {
    let telnet = load("telnet-serve-delivery.txt");
    assert_eq!(line_with(&telnet, "Trying 127.0.0.1").kind, Kind::Tool);
    assert_eq!(
        line_with(&telnet, "EHLO client.example").kind,
        Kind::Command
    );
    assert_eq!(line_with(&telnet, "250-PIPELINING").kind, Kind::Reply);
    let refused = line_with(&telnet, "550 5.1.1");
    assert_eq!(refused.kind, Kind::Reply);
    assert_eq!(refused.note.title, "550 No such user");
    assert_eq!(line_with(&telnet, "Hello Bob.").kind, Kind::Content);
    assert_eq!(line_with(&telnet, "Connection closed").kind, Kind::Tool);
    let nc = load("nc-serve-delivery.txt");
    assert_eq!(line_with(&nc, "HELO client.example").kind, Kind::Command);
    assert_eq!(line_with(&nc, "Hello from nc.").kind, Kind::Content);
    let queued = line_with(&nc, "queued as");
    assert_eq!(queued.kind, Kind::Reply);
    assert!(queued.findings.is_empty(), "{:?}", queued.findings);
}
