//! Lessons that run the mail network: the `server.network` and `outages`
//! fields, the network goal kinds (`connected`, `mail_filed`,
//! `dsn_received`) met and not met by real sessions, connections to
//! network hosts in solutions and attempt files, and the load errors.

use serde_json::{json, Value};
use smtplab_lessons::{Attempt, Endpoint, GoalStatus, LessonSession, Pack, Reason};

use GoalStatus::{Met, Pending};

const SUBMIT: &[&str] = &[
    "EHLO pc42.dsl.isp.example",
    "AUTH PLAIN AHlvdQBzZWNyZXQ=",
    "MAIL FROM:<you@isp.example>",
];

/// A one-lesson pack running the default network with these goals, its
/// solution one connection to `endpoint` (`wait N` is a wait step).
fn pack(server: Value, goals: Value, endpoint: &str, steps: &[&str]) -> Value {
    let steps: Vec<Value> = steps
        .iter()
        .map(|step| match step.strip_prefix("wait ") {
            Some(seconds) => json!({ "wait": seconds.parse::<u64>().unwrap() }),
            None => json!(step),
        })
        .collect();
    json!({
        "format": 1,
        "id": "net-pack",
        "title": "Network",
        "author": "A. Teacher",
        "lessons": [{
            "id": "net",
            "title": "Net",
            "introduction": "Out into the network.",
            "server": server,
            "goals": goals,
            "solution": [{ "connect": endpoint, "steps": steps }]
        }]
    })
}

fn load(pack: &Value) -> Pack {
    Pack::from_json(&pack.to_string()).unwrap_or_else(|e| panic!("{e}"))
}

fn reasons(pack: &Value) -> Vec<(String, Reason)> {
    let error = Pack::from_json(&pack.to_string()).unwrap_err();
    error
        .problems
        .into_iter()
        .map(|p| (p.field, p.reason))
        .collect()
}

/// Plays typed submissions in a session: `connect HOST PORT` opens a
/// connection, `wait N` lets time pass, anything else is sent.
fn play(pack: &Pack, steps: &[&str]) -> Vec<GoalStatus> {
    let mut session = LessonSession::new(&pack.lessons()[0]);
    for step in steps {
        if let Some(endpoint) = step.strip_prefix("connect ") {
            let endpoint = Endpoint::parse(endpoint).unwrap();
            let _ = session.connect_to(&endpoint.host, endpoint.port);
        } else if let Some(seconds) = step.strip_prefix("wait ") {
            session.wait(seconds.parse().unwrap());
        } else {
            session.send(step);
        }
    }
    session.checker().statuses()
}

fn message(to: &str) -> Vec<String> {
    let mut lines: Vec<String> = SUBMIT.iter().map(|s| s.to_string()).collect();
    lines.extend(
        [
            &format!("RCPT TO:<{to}>"),
            "DATA",
            "Subject: Hi",
            "",
            "Hi",
            ".",
            "QUIT",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    lines
}

#[test]
fn mail_filed_checks_the_mailbox_and_the_route() {
    let goals = json!([
        { "description": "bob has it", "kind": "mail_filed", "host": "mx1.example.org", "mailbox": "bob" },
        { "description": "through the provider", "kind": "mail_filed", "host": "mx1.example.org", "mailbox": "bob", "via": "smtp.isp.example" },
        { "description": "on the submission port", "kind": "connected", "host": "smtp.isp.example", "port": 587 }
    ]);
    let lines = message("bob@example.org");
    let steps: Vec<&str> = lines.iter().map(String::as_str).collect();
    let pack = load(&pack(
        json!({ "network": "default" }),
        goals,
        "smtp.isp.example 587",
        &steps,
    ));
    // Straight to the MX: bob has it, but not through the provider.
    let direct = [
        "connect mx1.example.org 25",
        "EHLO x",
        "MAIL FROM:<you@isp.example>",
        "RCPT TO:<bob@example.org>",
        "DATA",
        "Hi",
        ".",
    ];
    assert_eq!(play(&pack, &direct), [Met, Pending, Pending]);
    // Carol's mail does not count for bob.
    let mut to_carol = vec!["connect smtp.isp.example 587"];
    let carol = message("carol@example.org");
    to_carol.extend(carol.iter().map(String::as_str));
    assert_eq!(play(&pack, &to_carol), [Pending, Pending, Met]);
}

#[test]
fn dsn_received_needs_a_report_with_the_action_and_text() {
    let goals = json!([
        { "description": "a bounce", "kind": "dsn_received", "host": "smtp.isp.example", "mailbox": "you", "action": "failed", "text_contains": "nobody@example.org" },
        { "description": "a delay warning", "kind": "dsn_received", "host": "smtp.isp.example", "mailbox": "you", "action": "delayed" }
    ]);
    let lines = message("nobody@example.org");
    let steps: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut with_delay: Vec<&str> = steps.clone();
    let down = message("info@down.example");
    // A message to the switched-off host: a delay warning at the first try
    // after 4 hours.
    with_delay.truncate(steps.len() - 1);
    with_delay.extend(["RSET", "MAIL FROM:<you@isp.example>"]);
    with_delay.extend(down[3..].iter().map(String::as_str));
    with_delay.push("wait 30000");
    let pack = load(&pack(
        json!({ "network": "default" }),
        goals,
        "smtp.isp.example 587",
        &with_delay,
    ));
    // A message that arrives: no report at all.
    let mut fine = vec!["connect smtp.isp.example 587"];
    let bob = message("bob@example.org");
    fine.extend(bob.iter().map(String::as_str));
    assert_eq!(play(&pack, &fine), [Pending, Pending]);
    let mut bounce = vec!["connect smtp.isp.example 587"];
    bounce.extend(steps.iter().copied());
    assert_eq!(play(&pack, &bounce), [Met, Pending]);
}

#[test]
fn an_outage_ends_after_its_seconds_and_the_backup_delivers() {
    let goals = json!([
        { "description": "via the backup", "kind": "mail_filed", "host": "mx1.example.org", "mailbox": "bob", "via": "mx2.example.org" }
    ]);
    let steps = [
        "EHLO x",
        "MAIL FROM:<you@isp.example>",
        "RCPT TO:<bob@example.org>",
        "DATA",
        "Hi",
        ".",
        "QUIT",
    ];
    let server =
        json!({ "network": "default", "outages": [{ "host": "mx1.example.org", "seconds": 600 }] });
    let mut with_wait: Vec<&str> = steps.to_vec();
    with_wait.push("wait 1800");
    let pack = load(&pack(server, goals, "mx2.example.org 25", &with_wait));
    // The primary is down at first: telnet times out.
    let mut session = LessonSession::new(&pack.lessons()[0]);
    assert!(session.connect_to("mx1.example.org", 25).is_err());
    let mut early = vec!["connect mx2.example.org 25"];
    early.extend(steps);
    early.push("wait 300");
    assert_eq!(play(&pack, &early), [Pending]);
    let mut late = vec!["connect mx2.example.org 25"];
    late.extend(with_wait);
    assert_eq!(play(&pack, &late), [Met]);
}

#[test]
fn network_goals_and_outages_need_a_network_and_its_hosts() {
    let goals = json!([
        { "description": "x", "kind": "mail_filed", "host": "mx9.example.org", "mailbox": "bob" },
        { "description": "y", "kind": "dsn_received", "host": "smtp.isp.example", "mailbox": "nobody" }
    ]);
    let found = reasons(&pack(
        json!({ "network": "default", "outages": [{ "host": "nowhere.example" }] }),
        goals.clone(),
        "smtp.isp.example 587",
        &["QUIT"],
    ));
    assert!(found.contains(&(
        "goals[0].host".into(),
        Reason::UnknownNetworkHost("mx9.example.org".into())
    )));
    assert!(found.contains(&(
        "goals[1].mailbox".into(),
        Reason::UnknownHostMailbox {
            host: "smtp.isp.example".into(),
            mailbox: "nobody".into()
        }
    )));
    assert!(found.contains(&(
        "server.outages[0].host".into(),
        Reason::UnknownNetworkHost("nowhere.example".into())
    )));
    let without = reasons(&pack(json!({}), goals, "smtp.isp.example 587", &["QUIT"]));
    assert!(without.contains(&("goals[0]".into(), Reason::NeedsNetwork)));
    let unchecked = reasons(&pack(
        json!({ "network": "default" }),
        json!([{ "description": "a", "kind": "mail_filed", "host": "mx1.example.org", "mailbox": "bob", "auth_results_contains": "dkim=pass" }]),
        "mx1.example.org 25",
        &["QUIT"],
    ));
    assert!(
        unchecked.contains(&(
            "goals[0].auth_results_contains".into(),
            Reason::NeedsMailAuth
        )),
        "{unchecked:?}"
    );
    let no_network = reasons(&pack(
        json!({ "mail_auth": true }),
        json!([{ "description": "b", "kind": "quit_cleanly" }]),
        "localhost 25",
        &["QUIT"],
    ));
    assert!(
        no_network.contains(&("server.mail_auth".into(), Reason::NeedsNetwork)),
        "{no_network:?}"
    );
    let unknown = reasons(&pack(
        json!({ "network": "internet" }),
        json!([{ "description": "z", "kind": "connected", "host": "mx1.example.org" }]),
        "mx1.example.org 25",
        &["QUIT"],
    ));
    assert!(
        matches!(&unknown[0], (field, Reason::Network(text)) if field == "server.network" && text.contains("internet")),
        "{unknown:?}"
    );
    let broken = reasons(&pack(
        json!({ "network": { "domains": 5 } }),
        json!([{ "description": "z", "kind": "connected", "host": "mx1.example.org" }]),
        "mx1.example.org 25",
        &["QUIT"],
    ));
    assert!(
        matches!(&broken[0], (field, Reason::Network(_)) if field.starts_with("server.network")),
        "{broken:?}"
    );
}

#[test]
fn attempts_record_network_connections_and_replay_them() {
    let goals = json!([
        { "description": "at mx1", "kind": "connected", "host": "mx1.example.org", "port": 25 }
    ]);
    let pack = load(&pack(
        json!({ "network": "default" }),
        goals,
        "mx1.example.org 25",
        &["QUIT"],
    ));
    let mut session = LessonSession::new(&pack.lessons()[0]);
    session.connect_to("mx1.example.org", 25).unwrap();
    session.send("EHLO x");
    let text = session.attempt("net-pack").to_text();
    assert!(
        text.contains("\nconnect mx1.example.org 25\n> EHLO x\n"),
        "{text}"
    );
    let read = Attempt::from_text(&text).unwrap();
    assert_eq!(read.script, *session.script());
    assert!(pack.replay(&read).unwrap().passed());
    let error = Attempt::from_text("smtplab attempt 1\npack: p\nlesson: l\nconnect mx1 port\n")
        .unwrap_err();
    assert_eq!(error.line, 4);
}
