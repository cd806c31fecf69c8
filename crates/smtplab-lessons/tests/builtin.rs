//! The built-in curriculum: it validates, covers the seed's command table,
//! every reference solution passes, and a plausible wrong attempt at each
//! lesson fails with the goal a teacher would expect.

use smtplab_engine::Verb;
use smtplab_lessons::{builtin, Attempt, Condition, GoalStatus, Pack, Step, BUILTIN_PACK_ID};

#[test]
fn the_builtin_curriculum_validates() {
    let pack = builtin();
    assert_eq!(pack.id(), BUILTIN_PACK_ID);
    assert!(pack.lessons().len() >= 12);
    for lesson in pack.lessons() {
        assert!(
            !lesson.hints().is_empty(),
            "{}: built-in lessons have hints",
            lesson.id()
        );
    }
    // The public loader refuses the reserved id, and only that.
    let error = Pack::from_json(smtplab_lessons::builtin::BUILTIN_JSON).unwrap_err();
    assert_eq!(error.problems.len(), 1, "{error}");
    assert_eq!(error.problems[0].field, "id");
    assert!(error.to_string().contains("reserved"), "{error}");
}

#[test]
fn every_reference_solution_meets_every_goal() {
    for lesson in builtin().lessons() {
        let mut attempt = Attempt::new(BUILTIN_PACK_ID, lesson.id());
        attempt.script = lesson.solution().clone();
        let report = builtin().replay(&attempt).unwrap();
        assert!(report.passed(), "{report}\n{}", report.transcript);
    }
}

/// The verbs a goal or the solution of a lesson exercises.
fn verbs_used(lesson: &smtplab_lessons::Lesson) -> Vec<Verb> {
    fn from_condition(condition: &Condition, verbs: &mut Vec<Verb>) {
        match condition {
            Condition::CommandAnswered { verb, .. } => verbs.push(*verb),
            Condition::ReplySeen {
                after_verb: Some(verb),
                ..
            } => verbs.push(*verb),
            Condition::TransactionReset { by: Some(verb) } => verbs.push(*verb),
            Condition::Sequence { steps } => {
                for step in steps {
                    from_condition(step, verbs);
                }
            }
            _ => {}
        }
    }
    let mut verbs = Vec::new();
    for goal in lesson.goals() {
        from_condition(&goal.condition, &mut verbs);
    }
    verbs
}

#[test]
fn the_curriculum_covers_the_seed_table_and_ehlo() {
    let pack = builtin();
    // Every command of the seed's table, and EHLO, is the subject of a goal
    // somewhere (MAIL, RCPT and DATA through deliveries and goals on them).
    let mut verbs: Vec<Verb> = pack.lessons().iter().flat_map(verbs_used).collect();
    let delivers = pack.lessons().iter().any(|lesson| {
        lesson
            .goals()
            .iter()
            .any(|g| matches!(g.condition, Condition::Delivered(_)))
    });
    assert!(delivers);
    verbs.extend(
        [Verb::Mail, Verb::Rcpt, Verb::Data]
            .into_iter()
            .filter(|_| delivers),
    );
    let quits = pack.lessons().iter().any(|lesson| {
        lesson
            .goals()
            .iter()
            .any(|g| matches!(g.condition, Condition::QuitCleanly {}))
    });
    if quits {
        verbs.push(Verb::Quit);
    }
    for verb in [
        Verb::Helo,
        Verb::Ehlo,
        Verb::Mail,
        Verb::Rcpt,
        Verb::Data,
        Verb::Vrfy,
        Verb::Expn,
        Verb::Help,
        Verb::Noop,
        Verb::Quit,
        Verb::Rset,
    ] {
        assert!(verbs.contains(&verb), "no goal exercises {verb:?}");
    }
    // The topics the issue lists, by lesson id, in a sensible order.
    let ids: Vec<&str> = pack.lessons().iter().map(|l| l.id()).collect();
    assert_eq!(
        ids,
        [
            "first-message",
            "helo-vs-ehlo",
            "envelope-vs-headers",
            "several-recipients",
            "recover-with-rset",
            "dot-stuffing",
            "vrfy",
            "vrfy-refused",
            "expn-list",
            "help-and-noop",
            "relay-and-auth",
            "size-limit",
            "pipelining",
            "greylisting",
            "find-the-mx",
            "submission-vs-relay",
            "received-chain",
            "backup-mx",
            "bounce-and-dsn",
            "null-mx",
            "dmarc-lookalike",
            "spf-publish",
            "forwarding-breaks-spf",
            "dkim-tamper",
            "dmarc-none-to-reject",
        ]
    );
}

/// Builds an attempt: each inner list is a connection, each string one
/// submission (`\n` separates pasted lines); `wait N` lets time pass and
/// `dns add|delete RECORD` changes the DNS. A connection starting
/// `connect HOST PORT` goes to that network host.
fn attempt(lesson: &str, connections: &[&[&str]]) -> Attempt {
    let mut attempt = Attempt::new(BUILTIN_PACK_ID, lesson);
    for steps in connections {
        let endpoint = steps
            .first()
            .and_then(|first| first.strip_prefix("connect "))
            .and_then(smtplab_lessons::Endpoint::parse);
        let steps = match endpoint {
            Some(endpoint) => {
                attempt.script.connect_to(endpoint);
                &steps[1..]
            }
            None => {
                attempt.script.connect();
                steps
            }
        };
        for step in steps {
            if let Some(edit) = step.strip_prefix("dns ") {
                attempt.script.dns(edit.parse().unwrap());
            } else if let Some(seconds) = step.strip_prefix("wait ") {
                attempt.script.wait(seconds.parse().unwrap());
            } else {
                attempt.script.send(step);
            }
        }
    }
    attempt
}

/// Lesson, connections typed, indexes of the goals left unmet.
type WrongAttempt<'a> = (&'a str, Vec<&'a [&'a str]>, &'a [usize]);

/// A message to bob@example.org submitted on the provider's port 587.
const SUBMIT_TO_BOB: [&str; 10] = [
    "connect smtp.isp.example 587",
    "EHLO pc42.dsl.isp.example",
    "AUTH PLAIN AHlvdQBzZWNyZXQ=",
    "MAIL FROM:<you@isp.example>",
    "RCPT TO:<bob@example.org>",
    "DATA",
    "Subject: Hi",
    "",
    "Hello Bob.",
    ".",
];

#[test]
fn a_plausible_wrong_attempt_at_each_lesson_fails_with_the_expected_goal() {
    let long_line = "x".repeat(450);
    let oversized: [&str; 7] = [
        "EHLO client.example",
        "MAIL FROM:<alice@example.com>",
        "RCPT TO:<bob@example.com>",
        "DATA",
        &long_line,
        ".",
        "QUIT",
    ];
    let mut cases: Vec<WrongAttempt> = vec![
        // Forgot the lone dot: QUIT became part of the message.
        (
            "first-message",
            vec![&[
                "HELO client.example",
                "MAIL FROM:<alice@example.com>",
                "RCPT TO:<bob@example.com>",
                "DATA",
                "Hi, Bob!",
                "This is test email!",
                "QUIT",
            ]],
            &[1, 2],
        ),
        // Only ever said HELO.
        (
            "helo-vs-ehlo",
            vec![&[
                "HELO client.example",
                "MAIL FROM:<bob@example.com> BODY=8BITMIME",
                "RCPT TO:<alice@example.com>",
                "DATA",
                "Hi",
                ".",
            ]],
            &[1],
        ),
        // Envelope and headers agree, and Bob was added to the envelope.
        (
            "envelope-vs-headers",
            vec![&[
                "HELO client.example",
                "MAIL FROM:<alice@example.com>",
                "RCPT TO:<carol@example.com>",
                "RCPT TO:<bob@example.com>",
                "DATA",
                "From: Alice <alice@example.com>",
                "To: Bob <bob@example.com>",
                "",
                "Hello",
                ".",
            ]],
            &[0, 1],
        ),
        // Gave up after the 550 for dave.
        (
            "several-recipients",
            vec![&[
                "HELO client.example",
                "MAIL FROM:<teacher@example.org>",
                "RCPT TO:<alice@example.com>",
                "RCPT TO:<bob@example.com>",
                "RCPT TO:<dave@example.com>",
                "QUIT",
            ]],
            &[1],
        ),
        // Hung up and reconnected instead of RSET.
        (
            "recover-with-rset",
            vec![
                &[
                    "HELO client.example",
                    "MAIL FROM:<alice@example.com>",
                    "MAIL FROM:<carol@example.com>",
                    "QUIT",
                ],
                &[
                    "HELO client.example",
                    "MAIL FROM:<carol@example.com>",
                    "RCPT TO:<bob@example.com>",
                    "DATA",
                    "Hi",
                    ".",
                    "QUIT",
                ],
            ],
            &[1],
        ),
        // Typed the dotted line without stuffing it.
        (
            "dot-stuffing",
            vec![&[
                "HELO client.example",
                "MAIL FROM:<alice@example.com>",
                "RCPT TO:<bob@example.com>",
                "DATA",
                "Your settings live in",
                ".profile",
                "Bye.",
                ".",
            ]],
            &[0, 1],
        ),
        // Asked about known users only.
        (
            "vrfy",
            vec![&["HELO client.example", "VRFY alice", "VRFY bob", "QUIT"]],
            &[1, 2],
        ),
        // Took the 252 for a yes and stopped there.
        (
            "vrfy-refused",
            vec![&["EHLO client.example", "VRFY alice", "VRFY dave", "QUIT"]],
            &[1, 2],
        ),
        // Guessed the list name wrong and mailed one member.
        (
            "expn-list",
            vec![&[
                "HELO client.example",
                "EXPN chess-club",
                "MAIL FROM:<bob@example.com>",
                "RCPT TO:<alice@example.com>",
                "DATA",
                "Hi",
                ".",
            ]],
            &[0, 1],
        ),
        // Misspelt NOOP.
        (
            "help-and-noop",
            vec![&["HELP", "HELP RCPT", "NOP", "QUIT"]],
            &[2],
        ),
        // Wrong password.
        (
            "relay-and-auth",
            vec![&[
                "EHLO client.example",
                "MAIL FROM:<alice@example.com>",
                "RCPT TO:<friend@example.org>",
                "RSET",
                "AUTH PLAIN AGFsaWNlAGFsaWNl",
                "MAIL FROM:<alice@example.com>",
                "RCPT TO:<friend@example.org>",
                "QUIT",
            ]],
            &[1, 2],
        ),
        // Sent the big message without declaring its size.
        ("size-limit", vec![&oversized], &[0, 1]),
        // One command at a time.
        (
            "pipelining",
            vec![&[
                "EHLO client.example",
                "MAIL FROM:<bob@example.com>",
                "RCPT TO:<alice@example.com>",
                "RCPT TO:<carol@example.com>",
                "DATA",
                "Hi",
                ".",
            ]],
            &[0],
        ),
        // Retried at once, then gave up.
        (
            "greylisting",
            vec![&[
                "EHLO client.example",
                "MAIL FROM:<alice@example.org>",
                "RCPT TO:<bob@example.com>",
                "wait 5",
                "RCPT TO:<bob@example.com>",
                "QUIT",
            ]],
            &[1],
        ),
        // Went to the provider's port 25, which does not relay.
        (
            "find-the-mx",
            vec![&[
                "connect smtp.isp.example 25",
                "EHLO pc42.dsl.isp.example",
                "MAIL FROM:<you@isp.example>",
                "RCPT TO:<bob@example.org>",
                "QUIT",
            ]],
            &[0, 1],
        ),
        // Never tried port 25 first.
        ("submission-vs-relay", vec![&SUBMIT_TO_BOB], &[0]),
        // Delivered straight to the MX: one hop, not two.
        (
            "received-chain",
            vec![&[
                "connect mx1.example.org 25",
                "EHLO pc42.dsl.isp.example",
                "MAIL FROM:<you@isp.example>",
                "RCPT TO:<carol@example.org>",
                "DATA",
                "Hi",
                ".",
                "QUIT",
            ]],
            &[0],
        ),
        // Handed it to the backup and never let time pass.
        (
            "backup-mx",
            vec![&[
                "connect mx2.example.org 25",
                "EHLO pc42.dsl.isp.example",
                "MAIL FROM:<you@isp.example>",
                "RCPT TO:<bob@example.org>",
                "DATA",
                "Hi",
                ".",
                "QUIT",
                "wait 60",
            ]],
            &[1],
        ),
        // Mailed a user who exists: nothing bounces.
        ("bounce-and-dsn", vec![&SUBMIT_TO_BOB], &[0]),
        // Only the null MX domain.
        (
            "null-mx",
            vec![&[
                "connect smtp.isp.example 587",
                "EHLO pc42.dsl.isp.example",
                "AUTH PLAIN AHlvdQBzZWNyZXQ=",
                "MAIL FROM:<you@isp.example>",
                "RCPT TO:<info@nomail.example>",
                "DATA",
                "Hi",
                ".",
                "QUIT",
            ]],
            &[1],
        ),
        // Sent straight to the MX as itself: nobody signed it, nothing refused.
        (
            "dmarc-lookalike",
            vec![&[
                "connect mx1.example.org 25",
                "EHLO pc42.dsl.isp.example",
                "MAIL FROM:<you@isp.example>",
                "RCPT TO:<bob@example.org>",
                "DATA",
                "From: You <you@isp.example>",
                "",
                "Hi",
                ".",
                "QUIT",
            ]],
            &[0, 1],
        ),
    ];
    cases.extend(auth_wrong_attempts());
    let mut covered: Vec<&str> = Vec::new();
    for (lesson, connections, unmet) in cases {
        let report = builtin().replay(&attempt(lesson, &connections)).unwrap();
        let actual: Vec<usize> = report
            .unmet_descriptions()
            .iter()
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(actual, unmet, "{lesson}:\n{report}\n{}", report.transcript);
        assert!(!report.passed());
        covered.push(lesson);
    }
    for lesson in builtin().lessons() {
        assert!(
            covered.contains(&lesson.id()),
            "no wrong attempt for {}",
            lesson.id()
        );
    }
}

/// A look-alike From: boss@example.org, sent straight to mx1.example.org.
const LOOKALIKE: [&str; 10] = [
    "connect mx1.example.org 25",
    "EHLO pc42.dsl.isp.example",
    "MAIL FROM:<you@isp.example>",
    "RCPT TO:<bob@example.org>",
    "DATA",
    "From: Boss <boss@example.org>",
    "",
    "Pay now.",
    ".",
    "QUIT",
];

/// A signed message to Bob's forwarded address at alumni.example.
const SUBMIT_SIGNED_TO_ALUMNI_BOB: [&str; 11] = [
    "connect smtp.isp.example 587",
    "EHLO pc42.dsl.isp.example",
    "AUTH PLAIN AHlvdQBzZWNyZXQ=",
    "MAIL FROM:<you@isp.example>",
    "RCPT TO:<bob@alumni.example>",
    "DATA",
    "From: You <you@isp.example>",
    "",
    "Hello Bob.",
    ".",
    "QUIT",
];

/// Wrong attempts at the email authentication lessons.
fn auth_wrong_attempts() -> Vec<WrongAttempt<'static>> {
    vec![
        // A record that names the wrong machine (the PC, not the server):
        // the provider's relay fails SPF, and the PC's own mail passes.
        (
            "spf-publish",
            vec![
                &[
                    "connect smtp.isp.example 587",
                    "EHLO pc42.dsl.isp.example",
                    "dns add isp.example. 3600 IN TXT \"v=spf1 ip4:203.0.113.42 -all\"",
                    "AUTH PLAIN AHlvdQBzZWNyZXQ=",
                    "MAIL FROM:<you@isp.example>",
                    "RCPT TO:<bob@example.org>",
                    "DATA",
                    "From: You <you@isp.example>",
                    "",
                    "Hi",
                    ".",
                    "QUIT",
                ],
                &[
                    "connect mx1.example.org 25",
                    "EHLO pc42.dsl.isp.example",
                    "MAIL FROM:<you@isp.example>",
                    "RCPT TO:<bob@example.org>",
                    "DATA",
                    "Hi",
                    ".",
                    "QUIT",
                ],
            ],
            &[0, 1],
        ),
        // Straight to Bob's work address: no forwarder on the way.
        ("forwarding-breaks-spf", vec![&SUBMIT_TO_BOB], &[0, 1, 2]),
        // Only the forwarded copy: nothing tampered with it.
        ("dkim-tamper", vec![&SUBMIT_SIGNED_TO_ALUMNI_BOB], &[1]),
        // The policy left at p=none: the second look-alike is delivered too.
        ("dmarc-none-to-reject", vec![&LOOKALIKE, &LOOKALIKE], &[1]),
    ]
}

#[test]
fn a_dns_edit_changes_the_next_delivery_in_a_lesson() {
    let lesson = builtin().lesson("spf-publish").unwrap();
    let mut run = smtplab_lessons::LessonSession::new(lesson);
    let send = |run: &mut smtplab_lessons::LessonSession| {
        run.connect_to("smtp.isp.example", 587).unwrap();
        for line in &SUBMIT_TO_BOB[1..] {
            run.send(line);
        }
    };
    send(&mut run);
    let edit = "add isp.example. 3600 IN TXT \"v=spf1 a:smtp.isp.example -all\"";
    run.edit_dns(&edit.parse().unwrap()).unwrap();
    // A refused change says why and records nothing.
    let refused = run.edit_dns(&edit.parse().unwrap()).unwrap_err();
    assert!(
        refused.to_string().contains("published already"),
        "{refused}"
    );
    send(&mut run);
    let network = run.simulation().unwrap();
    let results: Vec<String> = network
        .mailbox("mx1.example.org", "bob")
        .iter()
        .filter_map(|m| m.header("Authentication-Results"))
        .collect();
    assert_eq!(results.len(), 2, "{results:?}");
    assert!(results[0].contains("spf=none"), "{}", results[0]);
    assert!(results[1].contains("spf=pass"), "{}", results[1]);
    let text = run.attempt(BUILTIN_PACK_ID).to_text();
    assert_eq!(text.matches("\ndns add ").count(), 1, "{text}");
    let replayed = builtin()
        .replay(&Attempt::from_text(&text).unwrap())
        .unwrap();
    assert_eq!(replayed.goals[0].status, GoalStatus::Met, "{replayed}");
}

#[test]
fn help_and_noop_fails_its_limit_when_the_learner_rambles() {
    let report = builtin()
        .replay(&attempt(
            "help-and-noop",
            &[&["HELO x", "HELP", "HELP RCPT", "NOOP", "NOOP", "QUIT"]],
        ))
        .unwrap();
    assert_eq!(report.goals[4].status, GoalStatus::Failed, "{report}");
    assert!(report.goals[..4]
        .iter()
        .all(|g| g.status == GoalStatus::Met));
}

#[test]
fn greylisting_remembers_the_first_try_across_connections() {
    // As against a real greylisting server: give up with QUIT, come back
    // later on a new connection, and the retry passes.
    let report = builtin()
        .replay(&attempt(
            "greylisting",
            &[
                &[
                    "EHLO client.example",
                    "MAIL FROM:<alice@example.org>",
                    "RCPT TO:<bob@example.com>",
                    "QUIT",
                    "wait 60",
                ],
                &[
                    "EHLO client.example",
                    "MAIL FROM:<alice@example.org>",
                    "RCPT TO:<bob@example.com>",
                    "DATA",
                    "Subject: later",
                    "",
                    "Back again.",
                    ".",
                    "QUIT",
                ],
            ],
        ))
        .unwrap();
    assert!(report.passed(), "{report}");
}

#[test]
fn solutions_step_shapes_match_the_json() {
    let lesson = builtin().lesson("pipelining").unwrap();
    assert!(matches!(&lesson.solution().connections[0][1], Step::Send(lines) if lines.len() == 4));
    let lesson = builtin().lesson("greylisting").unwrap();
    assert!(lesson.solution().connections[0].contains(&Step::Wait(20)));
}

#[test]
fn every_builtin_lesson_reads_in_simplified_chinese_too() {
    for lesson in smtplab_lessons::builtin().lessons() {
        let translation = lesson
            .translation("zh-CN")
            .unwrap_or_else(|| panic!("{} has no zh-CN translation", lesson.id()));
        assert!(
            translation.title.is_some() && translation.introduction.is_some(),
            "{}",
            lesson.id()
        );
        assert_eq!(
            translation.goals.as_ref().map(Vec::len),
            Some(lesson.goals().len()),
            "{}",
            lesson.id()
        );
        assert_eq!(
            translation.hints.as_ref().map(Vec::len),
            Some(lesson.hints().len()),
            "{}",
            lesson.id()
        );
    }
}
