//! LessonSession and replay: what a learner does live, exported and
//! replayed, gives the same goals and the same bytes.

use smtplab_engine::{ClientInfo, Output, Session};
use smtplab_lessons::{builtin, replay, Attempt, GoalStatus, LessonSession, Step, CLOCK_START};

#[test]
fn a_live_session_exports_an_attempt_that_replays_identically() {
    let lesson = builtin().lesson("greylisting").unwrap();
    let mut run = LessonSession::new(lesson);
    assert!(
        run.send("NOOP").is_empty(),
        "nothing is sent before connecting"
    );
    run.connect();
    run.send("EHLO client.example");
    run.send("MAIL FROM:<alice@example.org>\r\nRCPT TO:<bob@example.com>");
    assert_eq!(run.checker().statuses()[0], GoalStatus::Met);
    // The browser reports real seconds since the lesson started.
    run.advance_to(7);
    run.send("RCPT TO:<bob@example.com>");
    run.advance_to(3); // the clock never goes back
    run.advance_to(16);
    let outputs = run.send("RCPT TO:<bob@example.com>");
    assert!(outputs
        .iter()
        .any(|o| matches!(o, Output::Reply(r) if r.code == 250)));
    for line in ["DATA", "Subject: x", "", "hi", ".", "QUIT"] {
        run.send(line);
    }
    assert!(run.checker().is_complete());
    assert!(!run.is_connected());
    assert_eq!(run.now(), CLOCK_START + 16);

    let mut attempt = run.attempt("builtin");
    assert_eq!(attempt.script.connections[0][2], Step::Wait(7));
    assert_eq!(attempt.script.connections[0][4], Step::Wait(9));
    attempt.student = Some("Dana".into());
    let text = attempt.to_text();
    let report = replay(lesson, &Attempt::from_text(&text).unwrap());
    assert!(report.passed(), "{report}");
    assert_eq!(report.transcript, run.render_transcripts());
    assert_eq!(report.commands_used, run.checker().commands_used());
    // And once more: replays are deterministic.
    assert_eq!(replay(lesson, &attempt), report);
}

#[test]
fn connection_n_is_the_engine_seeded_with_n_at_the_lesson_clock() {
    let lesson = builtin().lesson("first-message").unwrap();
    let mut run = LessonSession::new(lesson);
    let input = "MAIL FROM:<alice@example.com>\nRCPT TO:<bob@example.com>\nDATA\nhi\n.\nQUIT";
    run.connect();
    run.send(input);
    run.wait(60);
    run.connect();
    let outputs = run.send(input);
    // The second connection, by hand: seed 2, a minute after the start.
    let mut session = Session::new(
        lesson.settings().clone(),
        ClientInfo::default(),
        2,
        CLOCK_START + 60,
    );
    session.drain_outputs().for_each(drop);
    session.feed(input.replace('\n', "\r\n").as_bytes(), CLOCK_START + 60);
    session.feed(b"\r\n", CLOCK_START + 60);
    let expected: Vec<Output> = session.drain_outputs().collect();
    assert_eq!(outputs, expected);
    assert!(run.render_transcripts().contains("-- connection 2 --"));
}

#[test]
fn a_replaced_connection_is_reported_as_left_open() {
    let lesson = builtin().lesson("vrfy").unwrap();
    let mut run = LessonSession::new(lesson);
    run.connect();
    run.send("VRFY alice");
    run.connect();
    run.send("QUIT");
    let transcripts = run.render_transcripts();
    assert!(
        transcripts.contains(
            "S: 250 2.1.5 Alice Liddell <alice@example.com>\n-- left open --\n-- connection 2 --"
        ),
        "{transcripts}"
    );
    assert!(
        transcripts.ends_with("-- closed after QUIT --\n"),
        "{transcripts}"
    );
    assert_eq!(run.script().connections.len(), 2);
    assert_eq!(run.script().line_count(), 2);
}

#[test]
fn a_shown_solution_is_recorded_and_never_counts_as_a_pass() {
    let lesson = builtin().lesson("first-message").unwrap();
    let mut run = LessonSession::new(lesson);
    assert!(!run.solution_shown());
    run.mark_solution_shown();
    for steps in &lesson.solution().connections {
        run.connect();
        for step in steps {
            match step {
                Step::Send(lines) => drop(run.send(&lines.join("\n"))),
                Step::Wait(seconds) => run.wait(*seconds),
                Step::Dns(edit) => run.edit_dns(edit).unwrap(),
            }
        }
    }
    // Every goal is met, as the learner sees, but it is not a pass.
    assert!(run.checker().is_complete());
    assert!(run.checker().solution_shown());
    assert!(!run.checker().passed());

    let attempt = run.attempt("builtin");
    assert!(attempt.solution_shown);
    let text = attempt.to_text();
    assert!(text.contains("\nsolution: shown\n"), "{text}");
    let read = Attempt::from_text(&text).unwrap();
    assert!(read.solution_shown);
    let report = replay(lesson, &read);
    assert!(report.solution_shown);
    assert!(!report.passed(), "{report}");
    assert!(report.to_string().contains("SOLUTION SHOWN"), "{report}");
    assert!(report.goals.iter().all(|g| g.status.is_met()));
}

#[test]
fn without_the_solution_shown_a_complete_lesson_passes() {
    let lesson = builtin().lesson("first-message").unwrap();
    let mut run = LessonSession::new(lesson);
    run.play(lesson.solution());
    assert!(run.checker().passed());
    assert!(!run.attempt("builtin").to_text().contains("solution:"));
}

#[test]
fn an_idle_connection_is_closed_with_421_as_serve_closes_it() {
    let lesson = builtin().lesson("first-message").unwrap();
    let idle = lesson.settings().profile.idle_timeout_secs;
    let mut run = LessonSession::new(lesson);
    run.connect();
    run.send("HELO client.example");
    run.wait(idle - 1);
    let outputs = run.send("NOOP");
    assert!(
        outputs
            .iter()
            .any(|o| matches!(o, Output::Reply(r) if r.code == 250)),
        "{outputs:?}"
    );
    run.wait(100_000);
    let outputs = run.send("NOOP");
    let replies: Vec<String> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Reply(r) => Some(r.to_wire()),
            _ => None,
        })
        .collect();
    assert_eq!(replies.len(), 1, "{outputs:?}");
    assert!(replies[0].starts_with("421 4.4.2 "), "{replies:?}");
    assert!(outputs.contains(&Output::Close), "{outputs:?}");
    assert!(!run.is_connected());
    let transcripts = run.render_transcripts();
    assert!(
        transcripts.ends_with("-- closed by the server: idle too long --\n"),
        "{transcripts}"
    );
    assert!(
        !transcripts.ends_with("C: NOOP\n-- closed by the server: idle too long --\n"),
        "the NOOP never reached the server: {transcripts}"
    );
    // The replay of the exported attempt sees the same.
    let report = replay(lesson, &run.attempt("builtin"));
    assert_eq!(report.transcript, transcripts);
}

#[test]
fn an_attempt_saved_with_a_byte_order_mark_reads() {
    let attempt = Attempt::new("builtin", "first-message");
    let text = format!("\u{feff}{}", attempt.to_text());
    assert_eq!(Attempt::from_text(&text), Ok(attempt));
}
