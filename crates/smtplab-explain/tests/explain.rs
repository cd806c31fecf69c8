//! Explaining transcripts: formats detected, every line kept and
//! classified, findings where a client or server misbehaves, exact bytes,
//! bounded work, streaming in any split, replay.

use proptest::prelude::*;
use smtplab_explain::format::Format;
use smtplab_explain::input::LineEnd;
use smtplab_explain::limits::{MAX_INPUT_BYTES, MAX_KEPT_LINE};
use smtplab_explain::{explain, Explainer, Explanation, Kind, Severity};

const SWAKS: &str = "=== Trying 127.0.0.1:2525...
=== Connected to 127.0.0.1.
<-  220 mail.example.com ESMTP smtplab
 -> EHLO client.example
<-  250-mail.example.com
<-  250-PIPELINING
<-  250-SIZE 10240000
<-  250 CHUNKING
 -> MAIL FROM:<a@example.org>
<-  250 2.1.0 Ok
 -> RCPT TO:<bob@example.com>
<-  250 2.1.5 Ok
 -> DATA
<-  354 End data with <CR><LF>.<CR><LF>
 -> Subject: test
 ->
 -> ..hello
 -> .
<-  250 2.0.0 Ok: queued as 4F2A
 -> QUIT
<-  221 2.0.0 Bye
=== Connection closed with remote host.
";

fn kinds(explanation: &Explanation) -> Vec<Kind> {
    explanation.lines.iter().map(|l| l.kind).collect()
}

fn findings(explanation: &Explanation, line: usize) -> Vec<String> {
    explanation.lines[line - 1]
        .findings
        .iter()
        .map(|f| f.message.clone())
        .collect()
}

fn all_findings(explanation: &Explanation) -> Vec<(usize, Severity, String)> {
    explanation
        .lines
        .iter()
        .flat_map(|l| {
            l.findings
                .iter()
                .map(|f| (l.number, f.severity, f.message.clone()))
        })
        .collect()
}

#[test]
fn a_clean_swaks_session_is_explained_without_findings_or_unknown_lines() {
    let explanation = explain(SWAKS.as_bytes());
    use Kind::*;
    assert_eq!(
        kinds(&explanation),
        [
            Tool, Tool, Reply, Command, Reply, Reply, Reply, Reply, Command, Reply, Command, Reply,
            Command, Reply, Content, Content, Content, Content, Reply, Command, Reply, Tool
        ]
    );
    assert_eq!(all_findings(&explanation), []);
    assert_eq!(explanation.summary.formats, [(Format::Swaks, 22)]);
    let line = |n: usize| &explanation.lines[n - 1];
    assert_eq!(line(6).note.title, "Extension PIPELINING");
    assert_eq!(line(6).note.rfc, "RFC 2920");
    assert_eq!(line(10).note.title, "250 Sender accepted");
    assert_eq!(line(10).answers, Some(9));
    assert_eq!(line(19).note.title, "250 Message accepted");
    assert_eq!(line(19).answers, Some(18));
    assert!(line(17).note.meaning.contains("dot-stuffing"));
    assert_eq!(line(16).note.title, "End of the header section");
}

#[test]
fn each_format_is_detected_and_nothing_is_unknown() {
    for (input, format) in [
        ("S: 220 mx ESMTP\nC: HELO me\nS: 250 mx\nC: QUIT\nS: 221 bye\n", Format::Markers),
        ("$ telnet localhost smtp\nTrying 127.0.0.1...\nConnected to localhost.\nEscape character is '^]'.\n220 mx ESMTP\nHELO me\n250 mx\nMAIL FROM:<a@b.example>\n250 ok\nRCPT TO:<c@d.example>\n250 ok\nDATA\n354 go\nhello\n.\n250 queued\nQUIT\n221 bye\nConnection closed by foreign host.\n", Format::Plain),
        ("Dec  2 19:10:00 mx postfix/smtpd[77]: connect from x[192.0.2.9]\nDec  2 19:10:01 mx postfix/smtpd[77]: NOQUEUE: reject: RCPT from x[192.0.2.9]: 554 5.7.1 <b@example.net>: Relay access denied; from=<a@example.org> to=<b@example.net> proto=ESMTP helo=<x>\nDec  2 19:10:01 mx postfix/smtpd[77]: disconnect from x[192.0.2.9] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4\n", Format::PostfixLog),
        ("2026-12-02 19:10:00 1tXyZa-000abc-de <= a@example.org H=x [192.0.2.9] P=esmtp S=300\n2026-12-02 19:10:01 1tXyZa-000abc-de == b@example.net R=dnslookup T=remote_smtp defer (-44) H=mx [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<b@example.net>: 451 4.7.1 Greylisted\n", Format::EximLog),
    ] {
        let explanation = explain(input.as_bytes());
        assert!(!kinds(&explanation).contains(&Kind::Unknown), "{input}\n{:#?}", explanation.lines);
        assert_eq!(explanation.summary.formats[0].0, format, "{input}");
        assert_eq!(explanation.summary.formats.len(), 1, "{input}");
    }
}

#[test]
fn log_replies_are_explained_with_the_command_and_what_to_do() {
    let explanation = explain(b"2026-12-02 19:10:01 1tXyZa-000abc-de == b@example.net R=dnslookup T=remote_smtp defer (-44) H=mx [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<b@example.net>: 451 4.7.1 Greylisted, try later\n");
    let line = &explanation.lines[0];
    assert_eq!(line.kind, Kind::Reply);
    assert!(line.note.why.contains("RCPT TO"), "{:?}", line.note);
    let messages: Vec<&str> = line.findings.iter().map(|f| f.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("try again later")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.starts_with("deferred")),
        "{messages:?}"
    );
}

#[test]
fn misbehaviour_is_found_where_it_happens() {
    for (input, line, expected) in [
        ("S: 220 mx\nC: RCPT TO:<a@b.example>\n", 2, "RCPT without an accepted MAIL"),
        ("S: 220 mx\nC: HELO me\nS: 250 mx\nC: MAIL FROM:<a@b.example>\nC: RCPT TO:<c@d.example>\n", 5, "did not offer PIPELINING"),
        ("S: 220 mx\nC: EHLO me\nS: 250-mx\nS: 250 PIPELINING\nC: DATA\nC: NOOP\n", 6, "must end a pipelined group"),
        ("S: 220 mx\nC: HELO me\nS: 250 mx\nC: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 354 go ahead\n", 7, "RFC 5321 lists"),
        ("S: 220 mx\nC: HELO me\nS: 451 4.3.0 try later\n", 3, "try again later"),
        ("S: 220-mx\nS: 221 mx\n", 2, "differs from the 220"),
        ("S: 220 mx\nC: EHLO me\nS: 250-mx\nS: 250 SIZE 1000\nC: MAIL FROM:<a@b.example> SIZE=5000\n", 5, "over the 1000 octets"),
        ("S: 220 mx\nC: EHLO me\nS: 250 mx\nC: BDAT 10 LAST\n", 4, "CHUNKING was not offered"),
        ("S: 220 mx\nC: EHLO me\nS: 250 mx\nC: MAIL FROM:<a@b.example> BODY=8BITMIME\n", 4, "needs the 8BITMIME extension"),
        ("S: 220 mx\nC: HELO me\nS: 250 mx\nC: MAIL FROM:<a@b.example>\nS: 250 ok\nC: MAIL FROM:<a@b.example>\n", 6, "nested MAIL"),
        ("S: 220 mx\nC: QUIT\nS: 221 bye\nC: NOOP\n", 4, "after QUIT"),
        ("S: 220 mx\nC: HELO me\nS: 250 mx\nC: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<x@y.example>\nS: 550 no\nC: RCPT TO:<x@y.example>\n", 8, "do not repeat it unchanged"),
        ("S: 220 mx\nC: HELO me\nS: 250 mx\nC: MAIL FROM:<a@b.example>\nS: 250 ok\nC: RCPT TO:<c@d.example>\nS: 250 ok\nC: DATA\nS: 354 go\nC: .hidden\n", 10, "should have doubled it"),
        ("S: 220 mx\nC: XYZZY\n", 2, "is not an SMTP command"),
        ("S: 250 2.1.0 out of nowhere\n", 1, "RFC 5321 lists 220, 421, 554 for the greeting"),
        ("S: 550 4.1.1 mixed\n", 1, "another class"),
    ] {
        let explanation = explain(input.as_bytes());
        let found = findings(&explanation, line);
        assert!(found.iter().any(|f| f.contains(expected)), "{input}: line {line}: {found:?}");
    }
}

#[test]
fn a_bare_lf_in_a_raw_capture_is_an_error_and_bytes_are_shown_exactly() {
    let capture = b"220 mx ESMTP\r\nHELO me\r\n250 mx\r\nMAIL FROM:<a@b.example>\n250 ok\r\nNOOP\0x\r\nNOOP\rRSET\r\n";
    let explanation = explain(capture);
    assert_eq!(explanation.lines[3].end, LineEnd::Lf);
    assert!(findings(&explanation, 4)
        .iter()
        .any(|f| f.contains("bare LF")));
    assert!(findings(&explanation, 3).is_empty());
    assert_eq!(explanation.lines[5].shown, "NOOP\\0x");
    assert!(findings(&explanation, 6).iter().any(|f| f.contains("NUL")));
    assert_eq!(explanation.lines[6].shown, "NOOP\\rRSET");
    assert!(findings(&explanation, 7)
        .iter()
        .any(|f| f.contains("bare CR")));
}

#[test]
fn long_lines_are_cut_with_the_cut_shown() {
    let mut input = b"S: 220 mx\nC: NOOP ".to_vec();
    input.extend(std::iter::repeat_n(b'x', MAX_KEPT_LINE * 2));
    input.push(b'\n');
    let explanation = explain(&input);
    let line = &explanation.lines[1];
    assert!(
        line.shown.ends_with(&format!(
            "[... {} more octets not shown]",
            MAX_KEPT_LINE + 8
        )),
        "{}",
        &line.shown[line.shown.len() - 60..]
    );
    assert!(line
        .findings
        .iter()
        .any(|f| f.message.contains("command line is")));
}

#[test]
fn binary_huge_empty_and_mixed_inputs_get_clear_messages() {
    let binary = explain(&[
        0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0, 1, 0, 0, 0,
        0x10, 0x20,
    ]);
    assert!(binary.lines.is_empty());
    assert!(
        binary.summary.notices[0].contains("binary file"),
        "{:?}",
        binary.summary.notices
    );

    let huge = "C: NOOP\n".repeat(13 * 1024 * 1024 / 8 * 8);
    let mut explainer = Explainer::new();
    let mut lines = 0;
    for chunk in huge.as_bytes().chunks(1 << 20) {
        lines += explainer.feed(chunk).len();
        if explainer.is_stopped() {
            break;
        }
    }
    let (rest, summary) = explainer.finish();
    lines += rest.len();
    assert!(summary.stopped);
    assert_eq!(lines, smtplab_explain::limits::MAX_LINES);
    assert!(summary.bytes <= MAX_INPUT_BYTES);
    assert!(
        summary
            .notices
            .iter()
            .any(|n| n.contains("Stopped after 100000 lines")),
        "{:?}",
        summary.notices
    );

    assert!(explain(b"").summary.notices[0].contains("empty"));
    let mixed = explain(b"S: 220 mx\n<-  250 ok\n");
    assert!(
        mixed
            .summary
            .notices
            .iter()
            .any(|n| n.contains("mixes formats")),
        "{:?}",
        mixed.summary.notices
    );
}

#[test]
fn replay_sets_the_simulated_answers_beside_the_recorded_ones() {
    let explanation = explain(SWAKS.as_bytes());
    let steps =
        smtplab_explain::replay::replay(&explanation.lines, smtplab_engine::Settings::default(), 0);
    assert_eq!(steps[0].recorded, ["220 mail.example.com ESMTP smtplab"]);
    assert_eq!(steps[0].simulated, ["220 mail.example.com ESMTP smtplab"]);
    let mail = steps.iter().find(|s| s.sent.starts_with("MAIL")).unwrap();
    assert_eq!(mail.recorded, ["250 2.1.0 Ok"]);
    assert_eq!(mail.simulated, ["250 2.1.0 Ok"]);
    let dot = steps.iter().find(|s| s.sent == ".").unwrap();
    assert!(
        dot.simulated[0].starts_with("250 2.0.0 Ok: queued as "),
        "{:?}",
        dot.simulated
    );
    let strict = smtplab_explain::replay::replay(
        &explain(b"C: MAIL FROM:<a@b.example>\n").lines,
        smtplab_engine::Settings::preset("strict").unwrap(),
        0,
    );
    assert!(strict[1].simulated[0].starts_with("503"), "{strict:?}");
}

proptest! {
    #[test]
    fn any_input_in_any_split_explains_the_same_and_keeps_every_line(
        input in prop::collection::vec(prop_oneof![
            Just(b"S: 250-x\n".to_vec()), Just(b" -> DATA\r\n".to_vec()), Just(b"354 go\n".to_vec()),
            Just(b".\r\n".to_vec()), Just(b"AUTH PLAIN\n334 \n".to_vec()), Just(b"BDAT 5\n".to_vec()),
            prop::collection::vec(any::<u8>(), 0..20),
        ], 0..40).prop_map(|p| p.concat()),
        split in 1usize..64,
    ) {
        let whole = explain(&input);
        let mut explainer = Explainer::new();
        let mut pieces = Vec::new();
        for chunk in input.chunks(split) {
            pieces.extend(explainer.feed(chunk));
        }
        let (rest, summary) = explainer.finish();
        pieces.extend(rest);
        prop_assert_eq!(&pieces, &whole.lines);
        prop_assert_eq!(&summary, &whole.summary);
        if !summary.stopped {
            let expected = input.iter().filter(|&&b| b == b'\n').count() + usize::from(!input.is_empty() && !input.ends_with(b"\n"));
            prop_assert_eq!(whole.lines.len(), expected);
        }
    }
}

#[test]
fn the_replay_report_marks_only_the_answers_that_differ() {
    let settings = smtplab_engine::Settings::default;
    let same = smtplab_explain::replay::replay(&explain(SWAKS.as_bytes()).lines, settings(), 0);
    let mut text = String::new();
    smtplab_explain::render::replay(&mut text, &same, "default");
    assert!(!text.contains("another code"), "{text}");
    let differing = explain(b"S: 220 mx\nC: HELO me\nS: 550 go away\n");
    let steps = smtplab_explain::replay::replay(&differing.lines, settings(), 0);
    let mut text = String::new();
    smtplab_explain::render::replay(&mut text, &steps, "default");
    assert_eq!(
        text.matches("^ the simulated server answers with another code")
            .count(),
        1,
        "{text}"
    );
    assert!(
        text.contains("transcript: 550 go away\n          simulated:  250 mail.example.com\n"),
        "{text}"
    );
}
