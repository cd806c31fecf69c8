//! Whole-session behaviour of the engine: sequencing, replies, limits,
//! extensions, profiles and faults, each table-driven where it can be.

mod common;

use common::*;
use smtplab_engine::profile::{RejectRule, VrfyPolicy};
use smtplab_engine::{ClientInfo, Event, Output, Phase, Session, Settings, Verb};

#[test]
fn seed_article_session_works_verbatim() {
    // The seed types MAIL without HELO, lower-case verbs and paths without
    // angle brackets; the default (Postfix-like) profile takes all of it.
    let input = b"mail from:alice@example.com\r\nrcpt to:bob@example.com\r\ndata\r\nHi, Bob!\r\n        This is test email!\r\n.\r\nquit\r\n";
    let run = run_every_split(settings("default"), input);
    assert_eq!(run.replies[0], "220 mail.example.com ESMTP smtplab\r\n");
    let lines = run.after_greeting();
    assert_eq!(lines[0], "250 2.1.0 Ok");
    assert_eq!(lines[1], "250 2.1.5 Ok");
    assert_eq!(lines[2], "354 End data with <CR><LF>.<CR><LF>");
    assert!(
        lines[3].starts_with("250 2.0.0 Ok: queued as "),
        "{}",
        lines[3]
    );
    assert_eq!(lines[4], "221 2.0.0 Bye");
    assert!(run.closed);
    let deliveries = run.deliveries();
    assert_eq!(deliveries.len(), 1);
    let delivery = deliveries[0];
    assert_eq!(delivery.mailboxes, ["bob"]);
    assert_eq!(delivery.envelope.mail_from, "alice@example.com");
    assert_eq!(delivery.envelope.rcpt_to, ["bob@example.com"]);
    assert!(delivery.message.starts_with("Return-Path: <alice@example.com>\r\nReceived: from localhost (localhost [127.0.0.1])\r\n\tby mail.example.com (smtplab) with SMTP id "));
    assert!(delivery
        .message
        .contains("\r\n\tfor <bob@example.com>;\r\n\tSun, 29 Nov 2026 02:45:31 +0000\r\n"));
    // The message had no headers: Date and Message-Id are added, then the
    // empty line, then the body as typed.
    assert_eq!(delivery.added_headers.len(), 2);
    assert_eq!(
        delivery.header("Date").as_deref(),
        Some("Sun, 29 Nov 2026 02:45:31 +0000")
    );
    assert_eq!(delivery.header("From"), None);
    assert_eq!(
        delivery.body(),
        "Hi, Bob!\r\n        This is test email!\r\n"
    );
    assert!(lines[3].ends_with(&delivery.queue_id));
}

#[test]
fn full_ehlo_session_lists_extensions_and_delivers() {
    let run = run_lines(
        "default",
        &[
            "EHLO client.example",
            "MAIL FROM:<alice@example.com> SIZE=200 BODY=8BITMIME",
            "RCPT TO:<bob@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;bob@example.com",
            "RCPT TO:<carol@example.com>",
            "DATA",
            "From: Alice <alice@example.com>",
            "To: Bob <bob@example.com>",
            "Subject: Lunch",
            "",
            "Noon?",
            ".",
            "QUIT",
        ],
    );
    assert_eq!(
        run.replies[1],
        "250-mail.example.com\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-VRFY\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n250-SMTPUTF8\r\n250 CHUNKING\r\n"
    );
    assert_eq!(run.codes(), [250, 250, 250, 250, 354, 250, 221]);
    let delivery = run.deliveries()[0].clone();
    assert_eq!(delivery.mailboxes, ["bob", "carol"]);
    assert_eq!(delivery.header("Subject").as_deref(), Some("Lunch"));
    assert_eq!(
        delivery.header("To").as_deref(),
        Some("Bob <bob@example.com>")
    );
    assert_eq!(
        delivery.envelope.mail_parameters,
        ["SIZE=200", "BODY=8BITMIME"]
    );
    assert!(
        !delivery.message.contains("\tfor <"),
        "no `for` with two recipients"
    );
    // Added headers go at the end of the client's header section.
    assert!(delivery.message.contains("Subject: Lunch\r\nDate: "));
    assert_eq!(delivery.body(), "Noon?\r\n");
}

/// (profile, commands before, command, expected reply line)
const SEQUENCING: &[(&str, &[&str], &str, &str)] = &[
    ("default", &[], "RCPT TO:<bob@example.com>", "503 5.5.1 Error: need MAIL command"),
    ("default", &[], "DATA", "503 5.5.1 Error: need RCPT command"),
    ("default", &["MAIL FROM:<a@example.org>"], "DATA", "503 5.5.1 Error: need RCPT command"),
    ("default", &["MAIL FROM:<a@example.org>", "RCPT TO:<nobody@example.com>"], "DATA", "554 5.5.1 Error: no valid recipients"),
    ("default", &["MAIL FROM:<a@example.org>"], "MAIL FROM:<b@example.org>", "503 5.5.1 Error: nested MAIL command"),
    ("default", &["MAIL FROM:<a@example.org>", "RSET"], "RCPT TO:<bob@example.com>", "503 5.5.1 Error: need MAIL command"),
    ("default", &["EHLO x", "MAIL FROM:<a@example.org>", "EHLO x"], "RCPT TO:<bob@example.com>", "503 5.5.1 Error: need MAIL command"),
    ("default", &["HELO x", "MAIL FROM:<a@example.org>", "HELO x"], "RCPT TO:<bob@example.com>", "503 5.5.1 Error: need MAIL command"),
    ("default", &[], "MAIL FROM:<>", "250 2.1.0 Ok"),
    ("default", &["MAIL FROM:<>"], "RCPT TO:<postmaster>", "250 2.1.5 Ok"),
    ("default", &["MAIL FROM:<>"], "RCPT TO:<PostMaster>", "250 2.1.5 Ok"),
    ("strict", &["EHLO x", "MAIL FROM:<>"], "RCPT TO:<POSTMASTER>", "250 2.1.5 Ok"),
    ("default", &["MAIL FROM:<>"], "RCPT TO:<@relay.example,@b.example:bob@example.com>", "250 2.1.5 Ok"),
    ("default", &["MAIL FROM:<>"], "RCPT TO:<bob>", "501 5.1.3 Bad recipient address syntax"),
    ("default", &["MAIL FROM:<>"], "RCPT TO:<>", "501 5.1.3 Bad recipient address syntax"),
    ("default", &["MAIL FROM:<>"], "RCPT TO:<dave@example.com>", "550 5.1.1 <dave@example.com>: Recipient address rejected: User unknown in local recipient table"),
    ("default", &["MAIL FROM:<>"], "RCPT TO:<dave@example.org>", "554 5.7.1 <dave@example.org>: Relay access denied"),
    ("default", &["MAIL FROM:<>"], "RCPT bob@example.com", "501 5.5.4 Syntax: RCPT TO:<forward-path> [parameters]"),
    ("default", &[], "MAIL FROM:<bad@@example.com>", "501 5.1.7 Bad sender address syntax"),
    ("default", &[], "MAIL FROM:<alice>", "501 5.1.7 Bad sender address syntax"),
    ("default", &[], "MAIL alice@example.com", "501 5.5.4 Syntax: MAIL FROM:<reverse-path> [parameters]"),
    ("default", &[], "MAIL FROM:<a@example.com> FOO=bar", "555 5.5.4 Unsupported option: FOO=bar"),
    ("default", &[], "MAIL FROM:<a@example.com> SIZE=99999999999", "552 5.3.4 Message size exceeds fixed limit"),
    ("default", &[], "MAIL FROM:<a@example.com> SIZE=lots", "501 5.5.4 Bad message size syntax"),
    ("default", &[], "MAIL FROM:<a@example.com> BODY=BINARYMIME", "501 5.5.4 Bad BODY keyword: BINARYMIME"),
    ("default", &[], "MAIL FROM:<a@example.com> RET=ALL", "501 5.5.4 Bad RET parameter: use FULL or HDRS"),
    ("default", &[], "MAIL FROM:<jöran@example.com>", "553 5.6.7 Non-ASCII address needs the SMTPUTF8 parameter"),
    ("default", &[], "MAIL FROM:<jöran@example.com> SMTPUTF8", "250 2.1.0 Ok"),
    ("default", &["MAIL FROM:<>"], "RCPT TO:<bob@example.com> NOTIFY=NEVER,SUCCESS", "501 5.5.4 Bad NOTIFY parameter: NEVER, or SUCCESS,FAILURE,DELAY"),
    ("default", &[], "DATA now", "501 5.5.4 Syntax: DATA"),
    ("default", &[], "RSET everything", "501 5.5.4 Syntax: RSET"),
    ("default", &[], "HELO", "501 5.5.4 Syntax: HELO <domain>"),
    ("default", &[], "EHLO", "501 5.5.4 Syntax: EHLO <domain>"),
    ("default", &[], "FOO", "500 5.5.2 Error: command not recognized"),
    ("default", &[], "TURN", "502 5.5.1 Error: command not implemented"),
    ("default", &[], "noop", "250 2.0.0 Ok"),
    ("default", &[], "NoOp with words", "250 2.0.0 Ok"),
    ("default", &[], "RSET", "250 2.0.0 Ok"),
    ("default", &[], "VRFY alice", "250 2.1.5 Alice Liddell <alice@example.com>"),
    ("default", &[], "VRFY <bob@example.com>", "250 2.1.5 Bob Builder <bob@example.com>"),
    ("default", &[], "VRFY dave", "550 5.1.1 <dave>: Recipient address rejected: User unknown in local recipient table"),
    ("default", &[], "VRFY", "501 5.5.4 Syntax: VRFY <user or mailbox>"),
    ("default", &[], "EXPN dave", "550 5.1.1 <dave>: Recipient address rejected: no such mailing list"),
    ("default", &[], "HELP NOPE", "504 5.5.1 HELP topic unknown"),
    ("strict", &[], "MAIL FROM:<a@example.com>", "503 Error: send HELO/EHLO first"),
    ("strict", &["EHLO x"], "MAIL FROM:a@example.com", "501 5.1.7 Bad sender address syntax"),
    ("strict", &["EHLO x"], "MAIL FROM: <a@example.com>", "501 5.1.7 Bad sender address syntax"),
    ("strict", &[], "NOOP", "250 Ok"),
    ("strict", &["EHLO x"], "NOOP", "250 2.0.0 Ok"),
    ("strict", &["HELO x"], "NOOP", "250 Ok"),
    ("locked-down", &[], "VRFY alice", "252 2.0.0 Cannot VRFY user; try RCPT to attempt delivery"),
    ("locked-down", &[], "EXPN team", "502 5.5.1 Error: command not implemented"),
    ("classic", &[], "EHLO x", "500 Error: command not recognized"),
    ("classic", &[], "HELO x", "250 mail.example.com"),
    ("classic", &[], "AUTH PLAIN", "502 Error: command not implemented"),
    ("classic", &["HELO x", "MAIL FROM:<a@example.com>"], "RCPT TO:<bob@example.com> NOTIFY=NEVER", "555 Unsupported option: NOTIFY=NEVER"),
];

#[test]
fn sequencing_and_syntax_follow_rfc_5321() {
    for (profile, before, command, expected) in SEQUENCING {
        let mut lines: Vec<&str> = before.to_vec();
        lines.push(command);
        let run = run_lines(profile, &lines);
        let last = run.after_greeting().last().cloned().unwrap();
        assert_eq!(&last, expected, "{profile}: {before:?} then {command}");
    }
}

#[test]
fn errors_leave_the_state_unchanged() {
    let run = run_lines(
        "default",
        &[
            "MAIL FROM:<alice@example.com>",
            "RCPT TO:<x",
            "RCPT TO:<bob@example.com>",
            "DATA",
            "x",
            ".",
            "",
        ],
    );
    assert_eq!(run.codes(), [250, 501, 250, 354, 250, 500]);
}

#[test]
fn phases_move_through_the_diagram() {
    let run = run_lines(
        "default",
        &[
            "EHLO x",
            "MAIL FROM:<>",
            "RCPT TO:<bob@example.com>",
            "DATA",
            ".",
            "QUIT",
        ],
    );
    let changes: Vec<(Phase, Phase)> = run
        .events
        .iter()
        .filter_map(|e| match e {
            Event::StateChanged { from, to } => Some((*from, *to)),
            _ => None,
        })
        .collect();
    use Phase::*;
    assert_eq!(
        changes,
        [
            (Connected, Greeted),
            (Greeted, SenderGiven),
            (SenderGiven, RecipientsGiven),
            (RecipientsGiven, ReceivingData),
            (ReceivingData, Greeted),
            (Greeted, Closed),
        ]
    );
}

#[test]
fn help_lists_commands_and_gives_syntax_from_the_catalogue() {
    let run = run_lines("default", &["HELP", "help rcpt"]);
    assert!(run.replies[1].starts_with(
        "214-2.0.0 Commands supported:\r\n214-2.0.0   HELO EHLO MAIL RCPT DATA VRFY EXPN\r\n"
    ));
    assert!(run.replies[1].ends_with("214 2.0.0 End of HELP info\r\n"));
    assert_eq!(
        run.replies[2],
        "214-2.0.0 Syntax: RCPT TO:<forward-path> [parameters]\r\n214 2.0.0 Name one recipient of the message; repeat for each recipient.\r\n"
    );
    let locked = run_lines("locked-down", &["HELP"]);
    assert!(!locked.replies[1].contains("EXPN"));
}

#[test]
fn expn_expands_the_mailing_list() {
    let run = run_lines("default", &["EXPN team", "EXPN postmaster"]);
    assert_eq!(
        run.replies[1],
        "250-2.1.5 Alice Liddell <alice@example.com>\r\n250-2.1.5 Bob Builder <bob@example.com>\r\n250 2.1.5 Carol Singer <carol@example.com>\r\n"
    );
    assert_eq!(
        run.replies[2],
        "250 2.1.5 Alice Liddell <alice@example.com>\r\n"
    );
}

#[test]
fn dot_stuffed_lines_are_unstuffed() {
    let run = run_every_split(
        settings("default"),
        b"MAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n..leading dot\r\n...\r\n.\r\n",
    );
    assert_eq!(run.deliveries()[0].body(), ".leading dot\r\n..\r\n");
}

#[test]
fn empty_message_ends_at_once_because_the_data_crlf_counts() {
    let run = run_lines(
        "default",
        &["MAIL FROM:<>", "RCPT TO:<bob@example.com>", "DATA", "."],
    );
    assert_eq!(run.codes(), [250, 250, 354, 250]);
    assert_eq!(run.deliveries().len(), 1);
}

/// SMTP smuggling: none of these may end the message early. Each is sent
/// as the middle of a message body, followed by a would-be second message.
const SMUGGLING: &[(&str, &[u8])] = &[
    ("LF.LF", b"\n.\n"),
    ("LF.CRLF", b"\n.\r\n"),
    ("CR.CR", b"\r.\r"),
    ("CRLF.CR", b"\r\n.\r"),
    ("CR.CRLF", b"\r.\r\n"),
    ("CRLF.LF", b"\r\n.\n"),
    ("LF.CR", b"\n.\r"),
    ("CR.LF", b"\r.\n"),
];

#[test]
fn smuggling_sequences_never_end_a_message() {
    for (name, sequence) in SMUGGLING {
        let mut input =
            b"MAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nfirst".to_vec();
        input.extend_from_slice(sequence);
        input.extend_from_slice(b"MAIL FROM:<evil@example.com>\r\nRCPT TO:<carol@example.com>\r\nDATA\r\nsmuggled\r\n.\r\n");
        let default = run_every_split(settings("default"), &input);
        assert_eq!(default.codes(), [250, 250, 354, 250], "{name}");
        let deliveries = default.deliveries();
        assert_eq!(deliveries.len(), 1, "{name}: one message, not two");
        assert_eq!(deliveries[0].mailboxes, ["bob"], "{name}");
        assert!(
            deliveries[0]
                .body()
                .contains("MAIL FROM:<evil@example.com>"),
            "{name}: kept as content"
        );
        // The strict profile refuses the whole message instead.
        let mut strict_input = b"EHLO x\r\n".to_vec();
        strict_input.extend_from_slice(&input);
        let strict = run_chunks(settings("strict"), &[&strict_input]);
        assert_eq!(
            strict.after_greeting().last().unwrap(),
            "554 5.5.2 Error: bare <CR> or <LF> received",
            "{name}"
        );
        assert!(strict.deliveries().is_empty(), "{name}");
    }
}

#[test]
fn bare_line_feeds_never_end_a_command() {
    let run = run_chunks(settings("default"), &[b"NOOP\nNOOP\r\n"]);
    assert_eq!(
        run.after_greeting(),
        ["500 5.5.2 Error: command not recognized"]
    );
    let strict = run_chunks(settings("strict"), &[b"NOOP\nNOOP\r\n"]);
    assert_eq!(strict.after_greeting(), ["500 Error: bare <LF> received"]);
}

#[test]
fn command_lines_are_limited_to_512_octets_with_crlf() {
    let longest_ok = format!("NOOP {}\r\n", "x".repeat(512 - 7));
    assert_eq!(longest_ok.len(), 512);
    let too_long = format!("NOOP {}\r\n", "x".repeat(512 - 6));
    let input = format!("{longest_ok}{too_long}NOOP\r\n");
    let run = run_every_split(settings("default"), input.as_bytes());
    assert_eq!(
        run.after_greeting(),
        [
            "250 2.0.0 Ok",
            "500 5.5.0 Error: line too long",
            "250 2.0.0 Ok"
        ]
    );
}

#[test]
fn a_flood_without_crlf_is_drained_not_buffered() {
    let mut session = Session::new(settings("default"), ClientInfo::default(), 1, NOW);
    let block = vec![b'A'; 64 * 1024];
    for _ in 0..256 {
        session.feed(&block, NOW);
    }
    // 16 MiB later, nothing answered yet and the session still works.
    session.feed(b"\r\nNOOP\r\n", NOW);
    let replies: Vec<String> = session
        .drain_outputs()
        .filter_map(|o| match o {
            Output::Reply(r) => Some(r.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        replies[1..],
        ["500 5.5.0 Error: line too long", "250 2.0.0 Ok"]
    );
}

#[test]
fn one_hundred_recipients_then_452() {
    let mut lines = vec!["MAIL FROM:<>".to_owned()];
    for _ in 0..101 {
        lines.push("RCPT TO:<bob@example.com>".into());
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let run = run_lines("default", &refs);
    let codes = run.codes();
    assert!(codes[1..101].iter().all(|&c| c == 250));
    assert_eq!(
        run.after_greeting()[101],
        "452 4.5.3 Error: too many recipients"
    );
}

#[test]
fn oversized_content_is_drained_and_refused_after_the_end() {
    let mut settings = settings("default");
    settings.profile.message_size_limit = 100;
    let mut input = b"MAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n".to_vec();
    for _ in 0..50 {
        input.extend_from_slice(b"0123456789\r\n");
    }
    input.extend_from_slice(b".\r\nNOOP\r\n");
    let run = run_chunks(settings, &[&input]);
    assert_eq!(
        run.after_greeting()[3..],
        ["552 5.3.4 Message size exceeds fixed limit", "250 2.0.0 Ok"]
    );
    assert!(run.deliveries().is_empty());
}

#[test]
fn long_text_lines_are_refused_by_the_strict_profile_only() {
    let line = "y".repeat(1200);
    let script = [
        "EHLO x",
        "MAIL FROM:<>",
        "RCPT TO:<bob@example.com>",
        "DATA",
        line.as_str(),
        ".",
        "NOOP",
    ];
    let strict = run_lines("strict", &script);
    assert_eq!(
        strict.after_greeting()[4],
        "554 5.6.0 Error: message line longer than 1000 octets"
    );
    let default = run_lines("default", &script);
    assert_eq!(default.deliveries()[0].body(), format!("{line}\r\n"));
}

#[test]
fn pipelined_commands_are_answered_in_order() {
    let input = b"EHLO x\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<zed@example.com>\r\nDATA\r\nhi\r\n.\r\nQUIT\r\n";
    let run = run_every_split(settings("default"), input);
    assert_eq!(run.codes(), [250, 250, 250, 550, 354, 250, 221]);
}

#[test]
fn auth_plain_and_login_with_challenges_and_cancel() {
    let run = run_lines(
        "default",
        &[
            "EHLO x",
            "MAIL FROM:<alice@example.com>",
            "RCPT TO:<friend@example.org>",
            "RSET",
            "AUTH PLAIN AGFsaWNlAHdyb25n",
            "AUTH CRAM-MD5",
            "AUTH PLAIN",
            "*",
            "AUTH LOGIN",
            "YWxpY2U=",
            "not base64!",
            "AUTH PLAIN",
            "AGFsaWNlAHdvbmRlcmxhbmQ=",
            "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=",
            "MAIL FROM:<alice@example.com>",
            "RCPT TO:<friend@example.org>",
            "DATA",
            "hello friend",
            ".",
        ],
    );
    assert_eq!(
        run.after_greeting()[1..],
        [
            "250 2.1.0 Ok",
            "554 5.7.1 <friend@example.org>: Relay access denied",
            "250 2.0.0 Ok",
            "535 5.7.8 Error: authentication failed: authentication failure",
            "504 5.5.4 Unrecognized authentication type",
            "334 ",
            "501 5.7.0 Authentication aborted",
            "334 VXNlcm5hbWU6",
            "334 UGFzc3dvcmQ6",
            "501 5.5.2 Cannot decode response",
            "334 ",
            "235 2.7.0 Authentication successful",
            "503 5.5.1 Error: already authenticated",
            "250 2.1.0 Ok",
            "250 2.1.5 Ok",
            "354 End data with <CR><LF>.<CR><LF>",
            run.after_greeting()[17].as_str(),
        ]
    );
    assert!(run.after_greeting()[17].starts_with("250 2.0.0 Ok: queued as"));
    let delivery = run.deliveries()[0];
    assert_eq!(delivery.relayed_to, ["friend@example.org"]);
    assert!(delivery.mailboxes.is_empty());
    assert!(delivery.message.contains("with ESMTPA id"));
}

#[test]
fn auth_login_success_and_ordering_rules() {
    let run = run_lines(
        "default",
        &[
            "AUTH LOGIN",
            "EHLO x",
            "MAIL FROM:<>",
            "AUTH LOGIN",
            "RSET",
            "AUTH LOGIN",
            "Ym9i",
            "Y2Fud2VmaXhpdA==",
        ],
    );
    assert_eq!(
        run.after_greeting(),
        [
            "503 5.5.1 Error: send HELO/EHLO first",
            run.after_greeting()[1].as_str(),
            "250 2.1.0 Ok",
            "503 5.5.1 Error: MAIL transaction in progress",
            "250 2.0.0 Ok",
            "334 VXNlcm5hbWU6",
            "334 UGFzc3dvcmQ6",
            "235 2.7.0 Authentication successful",
        ]
    );
    assert!(run
        .events
        .contains(&Event::Authenticated { user: "bob".into() }));
}

#[test]
fn starttls_resets_to_just_greeted_and_drops_pipelined_bytes() {
    let run = run_chunks(
        settings("default"),
        &[
            b"EHLO x\r\nMAIL FROM:<a@example.com>\r\nRSET\r\nSTARTTLS\r\nMAIL FROM:<injected@example.com>\r\n",
            b"MAIL FROM:<a@example.com>\r\nEHLO x\r\nSTARTTLS\r\n",
        ],
    );
    let lines = run.after_greeting();
    assert_eq!(lines[3], "220 2.0.0 Ready to start TLS");
    assert_eq!(run.start_tls, 1);
    // The injected MAIL was never answered. After TLS the transaction and
    // EHLO are forgotten; MAIL works in the lenient default profile.
    assert_eq!(lines[4], "250 2.1.0 Ok");
    assert!(
        !lines[5].contains("STARTTLS"),
        "not offered twice: {}",
        lines[5]
    );
    assert!(lines[5].contains("AUTH PLAIN LOGIN"));
    assert_eq!(lines[6], "554 5.5.1 Error: TLS already active");
    let strict = run_chunks(
        settings("strict"),
        &[b"EHLO x\r\nSTARTTLS\r\n", b"MAIL FROM:<a@example.com>\r\n"],
    );
    assert_eq!(
        strict.after_greeting()[2],
        "503 Error: send HELO/EHLO first",
        "EHLO forgotten, so no enhanced codes either"
    );
}

#[test]
fn tls_required_for_auth_hides_and_refuses_auth_until_starttls() {
    let mut tls_first = settings("default");
    tls_first.profile.require_tls_for_auth = true;
    // The submission preset is the same switch, named for port 587.
    for (name, settings) in [
        ("toggle", tls_first),
        ("submission", settings("submission")),
    ] {
        let run = run_chunks(
            settings,
            &[
                b"EHLO x\r\nAUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\nSTARTTLS\r\n",
                b"EHLO x\r\nAUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n",
            ],
        );
        let lines = run.after_greeting();
        assert!(lines[0].contains("250-STARTTLS"), "{name}: {}", lines[0]);
        assert!(
            !lines[0].contains("AUTH"),
            "{name}: not offered in clear text: {}",
            lines[0]
        );
        assert_eq!(
            lines[1], "530 5.7.0 Must issue a STARTTLS command first",
            "{name}"
        );
        assert_eq!(lines[2], "220 2.0.0 Ready to start TLS", "{name}");
        assert!(
            lines[3].contains("250-AUTH PLAIN LOGIN"),
            "{name}: {}",
            lines[3]
        );
        assert_eq!(lines[4], "235 2.7.0 Authentication successful", "{name}");
    }
}

#[test]
fn a_session_started_in_tls_offers_no_starttls_and_says_esmtps() {
    let mut session = Session::new(settings("default"), ClientInfo::default(), 1, 0);
    session.start_in_tls();
    assert!(session.tls_active());
    session.feed(
        b"EHLO x\r\nSTARTTLS\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nHi\r\n.\r\n",
        0,
    );
    let mut run = Run::default();
    collect(&mut session, &mut run);
    let lines = run.after_greeting();
    assert!(!lines[0].contains("STARTTLS"), "{}", lines[0]);
    assert_eq!(lines[1], "554 5.5.1 Error: TLS already active");
    assert!(run.deliveries()[0].message.contains(" with ESMTPS id "));
}

#[test]
fn bdat_chunks_are_counted_not_dot_framed() {
    let input = b"EHLO x\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.com>\r\nBDAT 12\r\nSubject: x\r\nBDAT 11 LAST\r\n\r\n.\r\nbody\r\nNOOP\r\n";
    let run = run_every_split(settings("default"), input);
    assert_eq!(
        run.after_greeting()[3..],
        [
            "250 2.0.0 Ok: 12 octets received",
            run.after_greeting()[4].as_str(),
            "250 2.0.0 Ok",
        ]
    );
    assert!(run.after_greeting()[4].starts_with("250 2.0.0 Ok: queued as "));
    assert!(run.deliveries()[0].message.ends_with("Subject: x\r\nDate: Sun, 29 Nov 2026 02:45:31 +0000\r\nMessage-Id: <20261129024531.BDD732262F@mail.example.com>\r\n\r\n.\r\nbody\r\n"));
}

#[test]
fn bdat_refusals_still_swallow_the_chunk() {
    let run = run_lines(
        "default",
        &[
            "EHLO x",
            "BDAT 6",
            "NOOP",
            "MAIL FROM:<>",
            "BDAT 6 LAST",
            "QUIT",
            "DATA",
            "BDAT x",
        ],
    );
    assert_eq!(
        run.after_greeting()[1..],
        [
            "503 5.5.1 Error: need MAIL command",
            "250 2.1.0 Ok",
            "503 5.5.1 Error: need RCPT command",
            "503 5.5.1 Error: need RCPT command",
            "501 5.5.4 Syntax: BDAT <size> [LAST]",
        ]
    );
    let mixed = run_lines(
        "default",
        &[
            "MAIL FROM:<>",
            "RCPT TO:<bob@example.com>",
            "BDAT 4",
            "hi",
            "DATA",
        ],
    );
    assert_eq!(
        mixed.after_greeting()[3],
        "503 5.5.1 Error: DATA cannot follow BDAT in one transaction"
    );
}

#[test]
fn too_many_errors_in_a_row_closes_with_421() {
    let lines = vec!["BOGUS"; 12];
    let run = run_lines("default", &lines);
    let replies = run.after_greeting();
    assert_eq!(replies.len(), 11);
    assert_eq!(
        replies[10],
        "421 4.7.0 mail.example.com Error: too many errors"
    );
    assert!(run.closed);
    // A success in between starts the count again.
    let mut mixed = vec!["BOGUS"; 9];
    mixed.push("NOOP");
    mixed.extend(["BOGUS"; 9]);
    assert!(!run_lines("default", &mixed).closed);
}

#[test]
fn quit_closes_and_later_input_is_ignored() {
    let run = run_lines("default", &["QUIT", "NOOP"]);
    assert_eq!(run.after_greeting(), ["221 2.0.0 Bye"]);
    assert!(run.closed);
    assert!(run.events.contains(&Event::Closed {
        reason: smtplab_engine::CloseReason::Quit
    }));
}

#[test]
fn idle_timeout_and_shutdown_send_421() {
    let mut session = Session::new(settings("default"), ClientInfo::default(), 1, NOW);
    assert_eq!(session.poll_timeout(), Some(NOW + 300));
    session.handle_timeout(NOW + 299);
    assert!(!session.is_closed());
    session.handle_timeout(NOW + 300);
    let outputs: Vec<Output> = session.drain_outputs().collect();
    assert!(
        matches!(&outputs[1], Output::Reply(r) if r.to_string() == "421 4.4.2 mail.example.com Error: timeout exceeded")
    );
    assert_eq!(outputs.last(), Some(&Output::Close));
    let mut session = Session::new(settings("default"), ClientInfo::default(), 1, NOW);
    session.shutdown();
    let wire: Vec<String> = session
        .drain_outputs()
        .filter_map(|o| match o {
            Output::Reply(r) => Some(r.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        wire[1],
        "421 4.3.2 mail.example.com Service shutting down, closing transmission channel"
    );
}

#[test]
fn faults_stage_rejections_greylisting_and_drops() {
    let mut reject = settings("default");
    reject.profile.faults.reject.push(RejectRule {
        verb: Verb::Data,
        code: 451,
        enhanced: smtplab_engine::EnhancedCode::parse("4.3.0"),
        text: "Error: queue file write error".into(),
        times: Some(1),
    });
    let input = b"MAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nDATA\r\n";
    let run = run_chunks(reject, &[input]);
    assert_eq!(
        run.after_greeting()[2..],
        [
            "451 4.3.0 Error: queue file write error",
            "354 End data with <CR><LF>.<CR><LF>"
        ]
    );

    let mut grey = settings("default");
    grey.profile.faults.greylist = true;
    let input =
        b"MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<bob@example.com>\r\n";
    let run = run_chunks(grey, &[input]);
    assert_eq!(
        run.after_greeting()[1..],
        [
            "451 4.7.1 <bob@example.com>: Recipient address rejected: Greylisted, please try again later",
            "250 2.1.5 Ok",
        ]
    );

    let mut drop_after = settings("default");
    drop_after.profile.faults.disconnect_after = Some(2);
    let run = run_lines_with(drop_after, &["NOOP", "NOOP", "NOOP"]);
    assert_eq!(run.codes(), [250, 250]);
    assert!(run.closed);
    assert!(run.events.contains(&Event::Closed {
        reason: smtplab_engine::CloseReason::Dropped
    }));
}

fn run_lines_with(settings: Settings, lines: &[&str]) -> Run {
    let input: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
    run_chunks(settings, &[input.as_bytes()])
}

#[test]
fn greylist_delay_is_measured_on_the_injected_clock() {
    let mut grey = settings("default");
    grey.profile.faults.greylist = true;
    grey.profile.faults.greylist_delay_secs = 60;
    let mut session = Session::new(grey, ClientInfo::default(), 1, NOW);
    let rcpt = b"MAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nRSET\r\n";
    let mut codes = Vec::new();
    for now in [NOW, NOW + 30, NOW + 61] {
        session.feed(rcpt, now);
        codes.extend(session.drain_outputs().filter_map(|o| match o {
            Output::Reply(r) if r.code != 220 => Some(r.code),
            _ => None,
        }));
    }
    assert_eq!(codes, [250, 451, 250, 250, 451, 250, 250, 250, 250]);
}

#[test]
fn vrfy_can_be_switched_off_entirely() {
    let mut off = settings("default");
    off.profile.vrfy = VrfyPolicy::Disabled;
    let run = run_lines_with(off, &["VRFY alice", "EHLO x"]);
    assert_eq!(
        run.after_greeting()[0],
        "502 5.5.1 Error: command not implemented"
    );
    assert!(!run.replies[2].contains("VRFY"));
}

#[test]
fn same_seed_same_bytes_different_seed_different_ids() {
    let input = b"MAIL FROM:<>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nx\r\n.\r\n";
    let first = run_chunks(settings("default"), &[input]);
    let second = run_chunks(settings("default"), &[input]);
    assert_eq!(first, second);
    let mut other = Session::new(settings("default"), ClientInfo::default(), 43, NOW);
    other.feed(input, NOW);
    let queued = other
        .drain_outputs()
        .filter_map(|o| match o {
            Output::Reply(r) if r.code == 250 && r.lines[0].contains("queued") => Some(r.to_wire()),
            _ => None,
        })
        .next()
        .unwrap();
    assert_ne!(queued, first.replies[4]);
}

#[test]
fn greylisting_remembers_the_first_try_across_connections() {
    let mut grey = settings("default");
    grey.profile.faults.greylist = true;
    let attempt = b"MAIL FROM:<a@example.org>\r\nRCPT TO:<bob@example.com>\r\nQUIT\r\n";
    let codes = |session: &mut Session| -> Vec<u16> {
        session
            .drain_outputs()
            .filter_map(|o| match o {
                Output::Reply(r) => Some(r.code),
                _ => None,
            })
            .collect()
    };
    let mut first = Session::new(grey.clone(), ClientInfo::default(), 1, NOW);
    first.feed(attempt, NOW);
    assert_eq!(codes(&mut first), [220, 250, 451, 221]);
    // A new connection to a server that remembers lets the retry through...
    let mut retry = Session::with_memory(
        grey.clone(),
        ClientInfo::default(),
        2,
        NOW + 60,
        first.memory().clone(),
    );
    retry.feed(attempt, NOW + 60);
    assert_eq!(codes(&mut retry), [220, 250, 250, 221]);
    // ...while a server that forgot greylists again.
    let mut forgetful = Session::new(grey, ClientInfo::default(), 3, NOW + 60);
    forgetful.feed(attempt, NOW + 60);
    assert_eq!(codes(&mut forgetful), [220, 250, 451, 221]);
}

#[test]
fn memories_of_parallel_sessions_merge() {
    let mut grey = settings("default");
    grey.profile.faults.greylist = true;
    let rcpt = |to: &str| format!("MAIL FROM:<a@example.org>\r\nRCPT TO:<{to}>\r\nQUIT\r\n");
    let mut one = Session::new(grey.clone(), ClientInfo::default(), 1, NOW);
    let mut two = Session::new(grey.clone(), ClientInfo::default(), 2, NOW);
    one.feed(rcpt("bob@example.com").as_bytes(), NOW);
    two.feed(rcpt("carol@example.com").as_bytes(), NOW);
    let mut merged = one.memory().clone();
    merged.merge(two.memory());
    // Merging twice changes nothing.
    merged.merge(one.memory());
    for (to, seed) in [("bob@example.com", 3), ("carol@example.com", 4)] {
        let mut later = Session::with_memory(
            grey.clone(),
            ClientInfo::default(),
            seed,
            NOW + 5,
            merged.clone(),
        );
        later.feed(rcpt(to).as_bytes(), NOW + 5);
        let codes: Vec<u16> = later
            .drain_outputs()
            .filter_map(|o| match o {
                Output::Reply(r) => Some(r.code),
                _ => None,
            })
            .collect();
        assert_eq!(
            codes,
            [220, 250, 250, 221],
            "{to}'s first try was remembered"
        );
    }
}

#[test]
fn review_cases_behave_as_the_rfcs_say() {
    // A control character in the HELO name never reaches the Received header.
    let run = run_chunks(settings("default"), &[b"EHLO x\nX-Injected:yes\r\n"]);
    assert_eq!(run.after_greeting(), ["501 5.5.4 Syntax: EHLO <domain>"]);
    // A RCPT syntax error does not count as a refused recipient.
    let run = run_lines(
        "default",
        &["MAIL FROM:<a@example.com>", "RCPT bob", "DATA"],
    );
    assert_eq!(
        run.after_greeting()[2],
        "503 5.5.1 Error: need RCPT command"
    );
    // SIZE: 20 digits is valid syntax and simply too big; a sign is not a digit.
    let run = run_lines(
        "default",
        &[
            "MAIL FROM:<a@example.com> SIZE=99999999999999999999",
            "MAIL FROM:<a@example.com> SIZE=+5",
        ],
    );
    assert_eq!(
        run.after_greeting(),
        [
            "552 5.3.4 Message size exceeds fixed limit",
            "501 5.5.4 Bad message size syntax"
        ]
    );
    // No HELO/EHLO at all: the trace header says SMTP, not ESMTP.
    let run = run_lines(
        "default",
        &[
            "MAIL FROM:<a@example.com>",
            "RCPT TO:<bob@example.com>",
            "DATA",
            "x",
            ".",
        ],
    );
    assert!(run.deliveries()[0].message.contains(" with SMTP id "));
    // A BDAT size beyond counting is refused and the connection closed.
    let run = run_lines(
        "default",
        &[
            "MAIL FROM:<a@example.com>",
            "RCPT TO:<bob@example.com>",
            "BDAT 99999999999999999999 LAST",
            "NOOP",
        ],
    );
    assert_eq!(
        run.after_greeting()[2..],
        ["552 5.3.4 Message size exceeds fixed limit"]
    );
    assert!(run.closed);
}

#[test]
fn a_refused_bdat_still_swallows_its_chunk_and_a_staged_421_closes() {
    let mut refuse = settings("default");
    refuse.profile.faults.reject.push(RejectRule {
        verb: Verb::Bdat,
        code: 452,
        enhanced: None,
        text: "Insufficient system storage".into(),
        times: None,
    });
    let input = b"MAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.com>\r\nBDAT 29 LAST\r\nRCPT TO:<carol@example.com>\r\nNOOP\r\n";
    let run = run_every_split(refuse, input);
    assert_eq!(
        run.after_greeting()[2..],
        ["452 Insufficient system storage", "250 2.0.0 Ok"]
    );
    let mut close = settings("default");
    close.profile.faults.reject.push(RejectRule {
        verb: Verb::Mail,
        code: 421,
        enhanced: smtplab_engine::EnhancedCode::parse("4.3.2"),
        text: "x".repeat(600),
        times: None,
    });
    let run = run_lines_with(close, &["MAIL FROM:<a@example.com>", "NOOP"]);
    assert_eq!(run.replies.len(), 2);
    assert!(run.replies[1].len() <= 512);
    assert!(run.replies[1].starts_with("421 4.3.2 mail.example.com xxx"));
    assert!(run.closed);
}

#[test]
fn eight_bit_content_is_stored_unchanged() {
    let input = b"MAIL FROM:<a@example.com> BODY=8BITMIME\r\nRCPT TO:<bob@example.com>\r\nDATA\r\nSubject: caf\xe9\r\n\r\nna\xefve\r\n.\r\n";
    let run = run_chunks(settings("default"), &[input]);
    let delivery = run.deliveries()[0];
    assert!(delivery.raw.ends_with(b"Subject: caf\xe9\r\nDate: Sun, 29 Nov 2026 02:45:31 +0000\r\nMessage-Id: <20261129024531.BDD732262F@mail.example.com>\r\n\r\nna\xefve\r\n"));
    assert_eq!(delivery.header("Subject").as_deref(), Some("caf\u{fffd}"));
    assert_eq!(delivery.message, String::from_utf8_lossy(&delivery.raw));
}

#[test]
fn a_session_closes_once_and_then_says_nothing() {
    // Found by fuzzing: the tenth error in a row (an uncountable BDAT size)
    // closed the session with 421, then BDAT closed it a second time.
    let mut session = Session::new(settings("default"), ClientInfo::default(), 1, NOW);
    let mut input = "BOGUS\r\n".repeat(9);
    input.push_str("BDAT 99999999999999999999999\r\nNOOP\r\n");
    session.feed(input.as_bytes(), NOW);
    session.handle_timeout(NOW + 100_000);
    session.shutdown();
    let outputs: Vec<Output> = session.drain_outputs().collect();
    let after_errors: Vec<String> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Reply(r) if r.code != 500 && r.code != 220 => Some(r.to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        after_errors,
        [
            "552 5.3.4 Message size exceeds fixed limit",
            "421 4.7.0 mail.example.com Error: too many errors"
        ]
    );
    let closes: Vec<&Output> = outputs
        .iter()
        .filter(|o| matches!(o, Output::Close | Output::Event(Event::Closed { .. })))
        .collect();
    assert_eq!(
        closes,
        [
            &Output::Event(Event::Closed {
                reason: smtplab_engine::CloseReason::TooManyErrors
            }),
            &Output::Close
        ]
    );
    assert_eq!(outputs.last(), Some(&Output::Close));
    session.feed(b"NOOP\r\n", NOW);
    assert_eq!(session.poll_output(), None);
}
