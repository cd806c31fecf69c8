//! Checker unit tests: goals fed real engine outputs, submission by
//! submission, as the console feeds them.

use smtplab_engine::world::Envelope;
use smtplab_engine::{ClientInfo, Delivery, Event, Output, Session, Settings, World};
use smtplab_lessons::{Checker, Goal, GoalStatus};

use GoalStatus::{Failed, Met, Pending};

fn goals(json: &str) -> Vec<Goal> {
    serde_json::from_str(json).unwrap()
}

/// Drives engine sessions and a checker: `connect` opens a connection,
/// anything else is one submission (`\n` separates pasted lines).
struct Driver {
    settings: Settings,
    session: Option<Session>,
    checker: Checker,
    connections: u64,
}

impl Driver {
    fn new(goals_json: &str) -> Self {
        Self::with_settings(goals_json, Settings::default())
    }

    fn with_settings(goals_json: &str, settings: Settings) -> Self {
        let checker = Checker::new(&goals(goals_json), &settings.world);
        Self {
            settings,
            session: None,
            checker,
            connections: 0,
        }
    }

    /// Runs the steps; returns the goals newly met by each.
    fn run(&mut self, steps: &[&str]) -> Vec<Vec<usize>> {
        steps.iter().map(|step| self.step(step)).collect()
    }

    fn step(&mut self, step: &str) -> Vec<usize> {
        if step == "connect" {
            self.connections += 1;
            self.session = Some(Session::new(
                self.settings.clone(),
                ClientInfo::default(),
                self.connections,
                1_000,
            ));
        } else {
            let chunk: String = step.split('\n').map(|l| format!("{l}\r\n")).collect();
            self.session
                .as_mut()
                .expect("connected")
                .feed(chunk.as_bytes(), 1_000);
        }
        let outputs: Vec<Output> = self.session.as_mut().unwrap().drain_outputs().collect();
        self.checker.observe_submission(&outputs)
    }

    fn statuses(&self) -> Vec<GoalStatus> {
        self.checker.statuses()
    }
}

const SEND_TO_BOB: &[&str] = &[
    "MAIL FROM:<alice@example.com>",
    "RCPT TO:<bob@example.com>",
    "DATA",
    "Subject: Hello there",
    "",
    "Body text",
    ".",
];

#[test]
fn goals_tick_as_soon_as_they_are_met_and_stay_met() {
    let mut driver = Driver::new(
        r#"[
            {"description": "helo", "kind": "command_answered", "verb": "HELO", "code": 250},
            {"description": "bob", "kind": "delivered", "to": "bob"},
            {"description": "quit", "kind": "quit_cleanly"}
        ]"#,
    );
    assert_eq!(driver.statuses(), [Pending, Pending, Pending]);
    assert_eq!(driver.run(&["connect", "HELO x"]), [vec![], vec![0]]);
    let newly: Vec<Vec<usize>> = driver.run(SEND_TO_BOB);
    assert_eq!(newly.concat(), [1], "met exactly once, at the final dot");
    assert_eq!(newly.last().unwrap(), &[1]);
    assert!(!driver.checker.is_complete());
    // A failing command later does not un-meet anything.
    driver.run(&["RCPT TO:<nobody@example.com>"]);
    assert_eq!(driver.run(&["QUIT"]), [vec![2]]);
    assert_eq!(driver.statuses(), [Met, Met, Met]);
    assert!(driver.checker.is_complete());
}

#[test]
fn a_sequence_needs_its_steps_in_order_and_on_separate_events() {
    let json = r#"[{"description": "503 then delivered", "kind": "sequence", "steps": [
        {"kind": "reply_seen", "code": 503},
        {"kind": "delivered", "to": "bob"}
    ]}]"#;
    // Delivered first, 503 afterwards: not met.
    let mut driver = Driver::new(json);
    driver.run(&["connect"]);
    driver.run(SEND_TO_BOB);
    driver.run(&["DATA"]);
    assert_eq!(driver.statuses(), [Pending]);
    // 503 first, then delivered: met.
    driver.run(SEND_TO_BOB);
    assert_eq!(driver.statuses(), [Met]);

    // One reply cannot meet two steps.
    let mut driver = Driver::new(
        r#"[{"description": "two 503s", "kind": "sequence", "steps": [
            {"kind": "reply_seen", "code": 503},
            {"kind": "reply_seen", "code": 503}
        ]}]"#,
    );
    driver.run(&["connect", "DATA"]);
    assert_eq!(driver.statuses(), [Pending]);
    driver.run(&["RCPT TO:<bob@example.com>"]);
    assert_eq!(driver.statuses(), [Met]);
}

#[test]
fn commands_are_answered_by_every_reply_until_the_next_command() {
    let mut driver = Driver::new(
        r#"[
            {"description": "data queued", "kind": "command_answered", "verb": "DATA", "code": 250},
            {"description": "vrfy alice", "kind": "command_answered", "verb": "VRFY", "argument_contains": "ALICE", "code": 250},
            {"description": "vrfy any answer", "kind": "command_answered", "verb": "VRFY"},
            {"description": "354 after data", "kind": "reply_seen", "code": 354, "after_verb": "DATA"},
            {"description": "250 after noop", "kind": "reply_seen", "code": 250, "after_verb": "NOOP"}
        ]"#,
    );
    driver.run(&["connect", "VRFY bob"]);
    assert_eq!(driver.statuses(), [Pending, Pending, Met, Pending, Pending]);
    driver.run(&["vrfy <Alice@Example.com>"]);
    assert_eq!(driver.statuses()[1], Met, "verb and argument in any case");
    driver.run(SEND_TO_BOB);
    // 354 and the final 250 both answer DATA.
    assert_eq!(driver.statuses(), [Met, Met, Met, Met, Pending]);
    driver.run(&["NOOP"]);
    assert_eq!(driver.statuses()[4], Met);
}

#[test]
fn a_new_connection_answers_no_earlier_command() {
    let mut driver = Driver::new(
        r#"[{"description": "220 after quit", "kind": "reply_seen", "code": 220, "after_verb": "QUIT"}]"#,
    );
    driver.run(&["connect", "QUIT", "connect"]);
    assert_eq!(driver.statuses(), [Pending]);
}

#[test]
fn the_command_limit_holds_until_broken_and_ignores_message_lines() {
    let mut driver =
        Driver::new(r#"[{"description": "at most 5", "kind": "max_commands", "max": 5}]"#);
    assert_eq!(driver.statuses(), [Met]);
    driver.run(&["connect"]);
    // MAIL, RCPT, DATA: three commands; the content lines are not commands.
    driver.run(SEND_TO_BOB);
    assert_eq!(driver.checker.commands_used(), 3);
    driver.run(&["NOOP", "BOGUS"]);
    assert_eq!(driver.statuses(), [Met], "unknown words count, five so far");
    driver.run(&["NOOP"]);
    assert_eq!(driver.statuses(), [Failed]);
    assert!(!driver.checker.is_complete());
}

#[test]
fn pipelining_needs_the_commands_in_one_submission() {
    let json = r#"[{"description": "3 at once", "kind": "pipelined", "min_commands": 3}]"#;
    let mut driver = Driver::new(json);
    driver.run(&["connect", "EHLO x", "NOOP", "NOOP", "NOOP"]);
    assert_eq!(driver.statuses(), [Pending]);
    driver.run(&["NOOP\nNOOP"]);
    assert_eq!(driver.statuses(), [Pending]);
    driver.run(&["MAIL FROM:<a@example.com>\nRCPT TO:<bob@example.com>\nDATA"]);
    assert_eq!(driver.statuses(), [Met]);
}

#[test]
fn quitting_is_clean_but_being_dropped_is_not() {
    let json = r#"[{"description": "quit", "kind": "quit_cleanly"}]"#;
    let mut settings = Settings::default();
    settings.profile.faults.disconnect_after = Some(1);
    let mut driver = Driver::with_settings(json, settings);
    driver.run(&["connect", "NOOP", "QUIT"]);
    assert!(driver.session.as_ref().unwrap().is_closed());
    assert_eq!(
        driver.statuses(),
        [Pending],
        "dropped after NOOP, QUIT never ran"
    );
    let mut driver = Driver::new(json);
    driver.run(&["connect", "QUIT"]);
    assert_eq!(driver.statuses(), [Met]);
}

#[test]
fn resets_logins_and_tls_are_recognised() {
    let mut driver = Driver::new(
        r#"[
            {"description": "rset", "kind": "transaction_reset", "by": "RSET"},
            {"description": "any reset", "kind": "transaction_reset"},
            {"description": "bob logs in", "kind": "authenticated", "user": "bob"},
            {"description": "someone logs in", "kind": "authenticated"},
            {"description": "tls", "kind": "tls_started"}
        ]"#,
    );
    driver.run(&["connect", "EHLO x", "MAIL FROM:<a@example.com>", "EHLO x"]);
    assert_eq!(driver.statuses(), [Pending, Met, Pending, Pending, Pending]);
    // RSET with no transaction open resets nothing.
    driver.run(&["RSET"]);
    assert_eq!(driver.statuses()[0], Pending);
    driver.run(&["MAIL FROM:<a@example.com>", "RSET"]);
    assert_eq!(driver.statuses()[0], Met);
    // alice / wonderland
    driver.run(&["AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ="]);
    assert_eq!(driver.statuses(), [Met, Met, Pending, Met, Pending]);
    driver.run(&["STARTTLS"]);
    assert_eq!(driver.statuses()[4], Met);
}

fn delivery(mailboxes: &[&str], relayed_to: &[&str], mail_from: &str, message: &str) -> Output {
    Output::Event(Event::Delivered(Box::new(Delivery {
        queue_id: "Q".into(),
        received_at: 0,
        envelope: Envelope {
            mail_from: mail_from.into(),
            rcpt_to: Vec::new(),
            mail_parameters: vec!["SIZE=120".into(), "BODY=8BITMIME".into()],
            rcpt_parameters: Vec::new(),
        },
        mailboxes: mailboxes.iter().map(|m| m.to_string()).collect(),
        relayed_to: relayed_to.iter().map(|m| m.to_string()).collect(),
        trace_headers: Vec::new(),
        added_headers: Vec::new(),
        message: message.into(),
        raw: message.as_bytes().to_vec(),
        folder: None,
    })))
}

#[test]
fn delivered_checks_every_field_it_is_given() {
    let message = "From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: Weekly Report\r\n\r\nFirst line\r\n.profile\r\n.\r\n";
    let standard = delivery(
        &["bob", "carol"],
        &["friend@example.org"],
        "bounces@example.org",
        message,
    );
    for (check, expected) in [
        (r#""to": "bob""#, true),
        (r#""to": "BOB@EXAMPLE.COM""#, true),
        (r#""to": "info""#, true), // the alias reaches bob
        (r#""to": ["bob", "carol"]"#, true),
        (r#""to": "team""#, false), // alice is on the list and got nothing
        (r#""to": "alice""#, false),
        (r#""to": "friend@example.org""#, true),
        (r#""to": "enemy@example.org""#, false),
        (r#""not_to": "alice""#, true),
        (r#""not_to": "team""#, false), // bob is on the list
        (r#""subject_contains": "weekly""#, true),
        (r#""subject_contains": "monthly""#, false),
        (r#""from_header_contains": "alice@example.com""#, true),
        (r#""from_header_contains": "bounces""#, false),
        (r#""to_header_contains": "Bob""#, true),
        (r#""envelope_from": "<Bounces@Example.org>""#, true),
        (r#""envelope_from": "alice@example.com""#, false),
        (r#""body_contains": "FIRST line""#, true),
        (r#""body_contains": "line\r\n.profile""#, false),
        (r#""body_has_line": ".profile""#, true),
        (r#""body_has_line": ".""#, true),
        (r#""body_has_line": "profile""#, false),
        (r#""body_has_line": "first line""#, false),
        (r#""mail_parameter": "size""#, true),
        (r#""mail_parameter": "BODY=8BITMIME""#, true),
        (r#""mail_parameter": "BODY=7BIT""#, false),
        (r#""mail_parameter": "SMTPUTF8""#, false),
        (
            r#""to": "bob", "subject_contains": "Weekly", "not_to": "alice""#,
            true,
        ),
        (r#""to": "bob", "subject_contains": "Daily""#, false),
    ] {
        let json = format!(r#"[{{"description": "d", "kind": "delivered", {check}}}]"#);
        let mut checker = Checker::new(&goals(&json), &World::default());
        checker.observe_submission([&standard]);
        assert_eq!(checker.statuses()[0].is_met(), expected, "{check}");
    }
    // The null sender.
    let bounce = delivery(&["bob"], &[], "", message);
    let mut checker = Checker::new(
        &goals(r#"[{"description": "d", "kind": "delivered", "envelope_from": "<>"}]"#),
        &World::default(),
    );
    checker.observe_submission([&bounce]);
    assert_eq!(checker.statuses(), [Met]);
}

#[test]
fn observe_then_end_submission_equals_observe_submission() {
    let json = r#"[{"description": "2 at once", "kind": "pipelined", "min_commands": 2}]"#;
    let mut session = Session::new(Settings::default(), ClientInfo::default(), 1, 0);
    session.feed(b"NOOP\r\nNOOP\r\n", 0);
    let outputs: Vec<Output> = session.drain_outputs().collect();
    let mut by_submission = Checker::new(&goals(json), &World::default());
    by_submission.observe_submission(&outputs);
    let mut by_output = Checker::new(&goals(json), &World::default());
    for output in &outputs {
        by_output.observe(output);
    }
    assert_eq!(
        by_output.statuses(),
        [Pending],
        "not until the submission ends"
    );
    by_output.end_submission();
    assert_eq!(by_output.statuses(), by_submission.statuses());
    assert_eq!(by_output.statuses(), [Met]);
}
