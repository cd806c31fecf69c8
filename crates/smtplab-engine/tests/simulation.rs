//! The network simulation driver end to end: the learner connects as with
//! telnet, submits on 587, and the message travels hop by hop on the
//! simulated clock: relayed to the MX, queued at the backup MX while the
//! primary is down, bounced back as a DSN when a later hop refuses, given
//! up after the queue lifetime, stopped by the hop count when it loops.

use core::net::IpAddr;

use smtplab_engine::network::queue::{QueueEvent, QueuePolicy, QUEUE_LIFETIME_SECS};
use smtplab_engine::network::simulation::{ConnectError, Connection, NetworkEvent, Simulation};
use smtplab_engine::network::trace::received_chain;
use smtplab_engine::network::{Availability, Host, Login, Network, SMTP_PORT, SUBMISSION_PORT};
use smtplab_engine::world::{Alias, User, World};
use smtplab_engine::{Delivery, Output, Profile};

const T0: u64 = 1_796_239_285;
/// `AUTH PLAIN` for you / secret.
const LEARNER_LOGIN: &str = "AUTH PLAIN AHlvdQBzZWNyZXQ=";

fn simulation() -> Simulation {
    Simulation::new(Network::default(), T0, 1).expect("the default network is valid")
}

/// Feeds `lines` (CRLF added) and returns every reply's wire text.
fn type_lines(sim: &mut Simulation, connection: &mut Connection, lines: &[&str]) -> Vec<String> {
    let mut replies: Vec<String> = replies(sim.take_outputs(connection));
    for line in lines {
        let input = format!("{line}\r\n");
        replies.extend(self::replies(sim.feed(connection, input.as_bytes())));
    }
    replies
}

fn replies(outputs: Vec<Output>) -> Vec<String> {
    outputs
        .into_iter()
        .filter_map(|output| match output {
            Output::Reply(reply) => Some(reply.to_wire().trim_end().to_owned()),
            _ => None,
        })
        .collect()
}

/// The learner submits a message on 587 after AUTH; `rcpt` lines are the
/// RCPT commands' arguments. Returns the final reply.
fn submit(sim: &mut Simulation, mail_from: &str, rcpts: &[&str], headers: &str) -> String {
    let mut connection = sim
        .connect("smtp.isp.example", SUBMISSION_PORT)
        .expect("the provider's submission port answers");
    let mail = format!("MAIL FROM:<{mail_from}>");
    let mut lines = vec!["EHLO pc42.dsl.isp.example", LEARNER_LOGIN, mail.as_str()];
    let rcpt_lines: Vec<String> = rcpts.iter().map(|r| format!("RCPT TO:{r}")).collect();
    lines.extend(rcpt_lines.iter().map(String::as_str));
    lines.push("DATA");
    let content = format!("{headers}From: You <you@isp.example>\r\nSubject: Hello\r\n\r\nHi.\r\n.");
    lines.push(&content);
    lines.push("QUIT");
    let replies = type_lines(sim, &mut connection, &lines);
    replies
        .iter()
        .find(|r| r.starts_with("250 2.0.0 Ok: queued") || r.starts_with('5'))
        .cloned()
        .unwrap_or_default()
}

fn only_message<'a>(sim: &'a Simulation, host: &str, user: &'a str) -> &'a Delivery {
    let messages = sim.mailbox(host, user);
    assert_eq!(messages.len(), 1, "{user}@{host}: {:#?}", sim.log());
    messages[0]
}

/// Each hop of the Received chain, oldest first: (client name, by, protocol).
fn chain(delivery: &Delivery) -> Vec<(String, String, String)> {
    received_chain(&delivery.raw)
        .into_iter()
        .map(|hop| {
            (
                hop.client_name.unwrap_or_default(),
                hop.by.unwrap_or_default(),
                hop.protocol.unwrap_or_default(),
            )
        })
        .collect()
}

fn hop(client: &str, by: &str, protocol: &str) -> (String, String, String) {
    (client.into(), by.into(), protocol.into())
}

fn return_paths(delivery: &Delivery) -> usize {
    delivery
        .headers()
        .iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Return-Path"))
        .count()
}

#[test]
fn lines_pipelined_behind_starttls_are_dropped_not_fed_one_by_one() {
    let mut sim = simulation();
    let mut connection = sim.connect("smtp.isp.example", SMTP_PORT).unwrap();
    let _greeting = sim.take_outputs(&mut connection);
    let outputs = sim.feed(
        &mut connection,
        b"EHLO x\r\nSTARTTLS\r\nMAIL FROM:<injected@example.org>\r\n",
    );
    assert!(outputs.iter().any(|o| matches!(o, Output::StartTls)));
    let answered = replies(outputs);
    assert_eq!(answered.last().unwrap(), "220 2.0.0 Ready to start TLS");
    // After the handshake the session starts over: RCPT has no MAIL.
    let after = replies(sim.feed(&mut connection, b"RCPT TO:<bob@example.org>\r\n"));
    assert!(after[0].starts_with("503 "), "{after:?}");
}

#[test]
fn learner_connections_fail_as_telnet_says() {
    let mut sim = simulation();
    let error = |sim: &mut Simulation, target: &str, port: u16| {
        sim.connect(target, port)
            .map(|c| c.host().to_owned())
            .unwrap_err()
    };
    let unknown = error(&mut sim, "nosuch.example", SMTP_PORT);
    assert_eq!(
        unknown.to_string(),
        "could not resolve nosuch.example/25: Name or service not known"
    );
    let down = error(&mut sim, "mail.down.example", SMTP_PORT);
    assert!(matches!(down, ConnectError::TimedOut { .. }));
    assert_eq!(
        down.to_string(),
        "Unable to connect to remote host: Connection timed out"
    );
    let closed_port = error(&mut sim, "mx1.example.org", SUBMISSION_PORT);
    assert_eq!(
        closed_port.to_string(),
        "Unable to connect to remote host: Connection refused"
    );
    let nobody_there = error(&mut sim, "192.0.2.99", SMTP_PORT);
    assert!(matches!(nobody_there, ConnectError::TimedOut { .. }));
    let by_address = sim.connect("[198.51.100.10]", SMTP_PORT).unwrap();
    assert_eq!(by_address.host(), "mx1.example.org");
    let by_name = sim.connect("mx1.example.org", SMTP_PORT).unwrap();
    assert_eq!(
        by_name.address(),
        "198.51.100.10".parse::<IpAddr>().unwrap()
    );
    let failures = sim
        .log()
        .iter()
        .filter(|entry| matches!(entry.event, NetworkEvent::ConnectFailed { .. }))
        .count();
    assert_eq!(failures, 4);
}

#[test]
fn a_session_is_set_up_for_its_host_and_port() {
    let mut sim = simulation();
    let mut backup = sim.connect("mx2.example.org", SMTP_PORT).unwrap();
    let replies = type_lines(
        &mut sim,
        &mut backup,
        &[
            "EHLO pc42.dsl.isp.example",
            "MAIL FROM:<you@isp.example>",
            "RCPT TO:<x@example.net>",
        ],
    );
    assert_eq!(replies[0], "220 mx2.example.org ESMTP smtplab");
    assert_eq!(replies[3], "554 5.7.1 <x@example.net>: Relay access denied");
    let mut submission = sim.connect("smtp.isp.example", SUBMISSION_PORT).unwrap();
    let replies = type_lines(
        &mut sim,
        &mut submission,
        &["EHLO pc42.dsl.isp.example", "MAIL FROM:<you@isp.example>"],
    );
    assert_eq!(replies[2], "530 5.7.0 Authentication required");
}

#[test]
fn submitted_on_587_and_relayed_to_the_mx_with_the_right_chain() {
    let mut sim = simulation();
    let reply = submit(&mut sim, "you@isp.example", &["<bob@example.org>"], "");
    assert!(reply.starts_with("250 2.0.0 Ok: queued as "), "{reply}");
    let delivered = only_message(&sim, "mx1.example.org", "bob");
    assert_eq!(
        chain(delivered),
        [
            hop("pc42.dsl.isp.example", "smtp.isp.example", "ESMTPA"),
            hop("smtp.isp.example", "mx1.example.org", "ESMTP"),
        ]
    );
    assert!(
        delivered
            .message
            .starts_with("Return-Path: <you@isp.example>\r\nReceived: from smtp.isp.example"),
        "{}",
        delivered.message
    );
    assert_eq!(return_paths(delivered), 1, "only final delivery adds it");
    let id = reply.rsplit(' ').next().unwrap_or_default();
    assert_eq!(
        received_chain(&delivered.raw)[0].id.as_deref(),
        Some(id),
        "one queue id from the reply to the Received field"
    );
    assert!(sim.log().iter().any(|entry| matches!(
        &entry.event,
        NetworkEvent::Queue { host, event: QueueEvent::Queued { id: queued } }
            if host == "smtp.isp.example" && queued == id
    )));
    assert!(sim.queue("smtp.isp.example").unwrap().messages().is_empty());
    assert_eq!(sim.now(), T0, "no time passes without a sleep");
    let diagram = sim.diagram();
    assert_eq!(
        diagram.hosts,
        [
            "pc42.dsl.isp.example",
            "smtp.isp.example",
            "mx1.example.org"
        ]
    );
    let labels: Vec<&str> = diagram.steps.iter().map(|s| s.label.as_str()).collect();
    for expected in [
        "EHLO pc42.dsl.isp.example",
        "250 smtp.isp.example (+",
        "BDAT ",
        "message content, then .",
        "MAIL FROM:<you@isp.example>",
        "delivered to mailbox bob",
        "221 2.0.0 Bye",
    ] {
        assert!(
            labels.iter().any(|l| l.starts_with(expected)),
            "no {expected:?} in {labels:#?}"
        );
    }
}

#[test]
fn the_backup_mx_queues_until_the_primary_is_back() {
    let mut sim = simulation();
    assert!(sim.set_availability("mx1.example.org", Availability::Unreachable));
    submit(&mut sim, "you@isp.example", &["<bob@example.org>"], "");
    assert!(sim.mailbox("mx1.example.org", "bob").is_empty());
    let backup_queue = sim.queue("mx2.example.org").expect("the backup took it");
    assert_eq!(backup_queue.messages().len(), 1);
    assert_eq!(backup_queue.poll_timeout(), Some(T0 + 1800));
    let tried: Vec<String> = sim
        .log()
        .iter()
        .filter_map(|entry| match &entry.event {
            NetworkEvent::Hop {
                from, to, address, ..
            } if from == "smtp.isp.example" => Some(format!("{to}[{address}]")),
            _ => None,
        })
        .collect();
    assert_eq!(
        tried,
        [
            "mx1.example.org[198.51.100.10]",
            "mx1.example.org[2001:db8:51::10]",
            "mx2.example.org[198.51.100.20]"
        ],
        "MX preference order, each address"
    );
    sim.set_availability("mx1.example.org", Availability::Up);
    sim.advance(1799);
    assert!(
        sim.mailbox("mx1.example.org", "bob").is_empty(),
        "not due yet"
    );
    sim.advance(1);
    let delivered = only_message(&sim, "mx1.example.org", "bob");
    assert_eq!(delivered.received_at, T0 + 1800);
    assert_eq!(
        chain(delivered),
        [
            hop("pc42.dsl.isp.example", "smtp.isp.example", "ESMTPA"),
            hop("smtp.isp.example", "mx2.example.org", "ESMTP"),
            hop("mx2.example.org", "mx1.example.org", "ESMTP"),
        ]
    );
    assert_eq!(return_paths(delivered), 1);
    assert!(sim.queue("mx2.example.org").unwrap().messages().is_empty());
}

#[test]
fn a_refusal_at_a_later_hop_comes_back_to_the_sender_as_a_dsn() {
    let mut sim = simulation();
    sim.set_availability("mx1.example.org", Availability::Refusing);
    submit(&mut sim, "you@isp.example", &["<nobody@example.org>"], "");
    assert!(
        sim.mailbox("smtp.isp.example", "you").is_empty(),
        "the backup took it"
    );
    sim.set_availability("mx1.example.org", Availability::Up);
    sim.advance(1800);
    let bounce = only_message(&sim, "smtp.isp.example", "you");
    let text = &bounce.message;
    assert!(text.starts_with("Return-Path: <>\r\n"), "{text}");
    for expected in [
        "Reporting-MTA: dns; mx2.example.org",
        "Final-Recipient: rfc822; nobody@example.org",
        "Action: failed\r\nStatus: 5.1.1",
        "Remote-MTA: dns; mx1.example.org",
        "Subject: Hello",
    ] {
        assert!(text.contains(expected), "no {expected:?} in\n{text}");
    }
    assert_eq!(
        chain(bounce).last(),
        Some(&hop("mx2.example.org", "smtp.isp.example", "ESMTP")),
        "the report travelled from the backup to the sender's home host"
    );
}

#[test]
fn no_bounce_for_the_null_sender_or_notify_never() {
    let mut sim = simulation();
    submit(&mut sim, "", &["<nobody@example.org>"], "");
    submit(
        &mut sim,
        "you@isp.example",
        &["<nobody@example.org> NOTIFY=NEVER"],
        "",
    );
    let failed = sim
        .log()
        .iter()
        .filter(|e| {
            matches!(
                &e.event,
                NetworkEvent::Queue {
                    event: QueueEvent::Failed { .. },
                    ..
                }
            )
        })
        .count();
    assert_eq!(failed, 2, "{:#?}", sim.log());
    assert!(sim.mailbox("smtp.isp.example", "you").is_empty());
    assert!(sim.mailbox("smtp.isp.example", "abuse").is_empty());
}

#[test]
fn notify_success_survives_the_relay_and_the_final_host_reports_delivery() {
    let mut sim = simulation();
    submit(
        &mut sim,
        "you@isp.example",
        &["<bob@example.org> NOTIFY=SUCCESS ORCPT=rfc822;Bob@Example.ORG"],
        "",
    );
    only_message(&sim, "mx1.example.org", "bob");
    let report = only_message(&sim, "smtp.isp.example", "you");
    for expected in [
        "Reporting-MTA: dns; mx1.example.org",
        "Original-Recipient: rfc822; Bob@Example.ORG",
        "Action: delivered",
    ] {
        assert!(
            report.message.contains(expected),
            "no {expected:?} in\n{}",
            report.message
        );
    }
}

#[test]
fn an_unreachable_domain_is_given_up_after_the_queue_lifetime() {
    let mut sim = simulation();
    submit(&mut sim, "you@isp.example", &["<info@down.example>"], "");
    sim.advance(QUEUE_LIFETIME_SECS - 1);
    let delay = only_message(&sim, "smtp.isp.example", "you");
    assert!(
        delay.message.contains("Action: delayed"),
        "{}",
        delay.message
    );
    sim.advance(1);
    let reports = sim.mailbox("smtp.isp.example", "you");
    assert_eq!(reports.len(), 2, "{:#?}", sim.log());
    let bounce = &reports[1].message;
    assert!(
        bounce.contains("Action: failed\r\nStatus: 4.4.7"),
        "{bounce}"
    );
    assert!(bounce.contains("Connection timed out"), "{bounce}");
    assert!(sim.queue("smtp.isp.example").unwrap().messages().is_empty());
    assert_eq!(sim.now(), T0 + QUEUE_LIFETIME_SECS);
}

#[test]
fn a_looping_message_is_stopped_by_the_hop_count_with_a_bounce() {
    let policy = QueuePolicy {
        max_hops: 3,
        ..QueuePolicy::default()
    };
    let mut sim = Simulation::with_policy(Network::default(), policy, T0, 1).unwrap();
    let looped = "Received: from a by b\r\nReceived: from b by c\r\nReceived: from c by a\r\n";
    submit(&mut sim, "you@isp.example", &["<bob@example.org>"], looped);
    assert!(sim.mailbox("mx1.example.org", "bob").is_empty());
    let bounce = only_message(&sim, "smtp.isp.example", "you");
    assert!(
        bounce.message.contains("Status: 5.4.6"),
        "{}",
        bounce.message
    );
    assert!(
        bounce.message.contains("too many hops"),
        "{}",
        bounce.message
    );
}

#[test]
fn the_same_steps_give_the_same_network() {
    let run = || {
        let mut sim = simulation();
        sim.set_availability("mx1.example.org", Availability::Unreachable);
        submit(
            &mut sim,
            "you@isp.example",
            &["<bob@example.org>", "<info@down.example>"],
            "",
        );
        sim.set_availability("mx1.example.org", Availability::Up);
        sim.advance(86_400);
        (
            sim.log().to_vec(),
            sim.mailbox("mx1.example.org", "bob")
                .into_iter()
                .cloned()
                .collect::<Vec<_>>(),
        )
    };
    let (log, bob) = run();
    assert_eq!((log.clone(), bob.clone()), run());
    assert_eq!(bob.len(), 1);
    assert!(log.iter().all(|e| !e.event.to_string().is_empty()));
}

#[test]
fn an_invalid_network_is_refused_with_its_field() {
    let mut network = Network::default();
    network.hosts[0].smarthost = Some("relay.nowhere.example".into());
    let error = Simulation::new(network, T0, 1).unwrap_err();
    assert_eq!(error.field, "hosts[0].smarthost");
}

/// The default network with an outbound relay the provider logs in to,
/// and greylisting at mail.example.com (the benchmark's journey).
fn smarthost_network() -> Network {
    let mut network = Network::default();
    network.hosts.push(Host {
        name: "relay.isp.example".into(),
        addresses: vec!["203.0.113.25".parse().unwrap()],
        organisation: String::new(),
        availability: Availability::Up,
        ports: vec![SMTP_PORT],
        relay_domains: Vec::new(),
        smarthost: None,
        smarthost_login: None,
        forwards: Vec::new(),
        profile: Profile::default(),
        world: World {
            domains: vec!["relay.isp.example".into()],
            users: vec![User {
                name: "smtp-out".into(),
                full_name: "Outbound relay".into(),
                password: Some("relay-secret".into()),
            }],
            aliases: vec![Alias {
                name: "postmaster".into(),
                targets: vec!["smtp-out".into()],
            }],
            lists: Vec::new(),
        },
    });
    network.domains[0]
        .records
        .push("relay.isp.example A 203.0.113.25".parse().unwrap());
    network.domains[6].records.push(
        "25.113.0.203.in-addr.arpa PTR relay.isp.example"
            .parse()
            .unwrap(),
    );
    network.hosts[0].smarthost = Some("relay.isp.example".into());
    network.hosts[0].smarthost_login = Some(Login {
        user: "smtp-out".into(),
        password: "relay-secret".into(),
    });
    network.hosts[5].profile.faults.greylist = true;
    network.hosts[5].profile.faults.greylist_delay_secs = 300;
    network
}

#[test]
fn three_hops_through_the_smarthost_with_one_greylisting_retry() {
    let mut sim = Simulation::new(smarthost_network(), T0, 1).unwrap();
    submit(&mut sim, "you@isp.example", &["<bob@example.com>"], "");
    assert!(
        sim.mailbox("mail.example.com", "bob").is_empty(),
        "greylisted"
    );
    assert_eq!(sim.poll_timeout(), Some(T0 + 1800));
    sim.advance(1800);
    let delivered = only_message(&sim, "mail.example.com", "bob");
    assert_eq!(
        chain(delivered),
        [
            hop("pc42.dsl.isp.example", "smtp.isp.example", "ESMTPA"),
            hop("smtp.isp.example", "relay.isp.example", "ESMTPA"),
            hop("relay.isp.example", "mail.example.com", "ESMTP"),
        ]
    );
    assert!(sim
        .diagram()
        .steps
        .iter()
        .any(|s| s.label.starts_with("451 4.7.1")));
}

/// Senders, recipients and stray lines a learner might type, for the
/// property below.
const SENDERS: [&str; 3] = [
    "MAIL FROM:<you@isp.example>",
    "MAIL FROM:<>",
    "MAIL FROM:<you@isp.example> RET=HDRS",
];
const RECIPIENTS: [&str; 8] = [
    "RCPT TO:<bob@example.org>",
    "RCPT TO:<nobody@example.org> NOTIFY=SUCCESS,FAILURE,DELAY",
    "RCPT TO:<info@down.example> NOTIFY=DELAY",
    "RCPT TO:<x@nomail.example>",
    "RCPT TO:<root@oldschool.example>",
    "RCPT TO:<you@isp.example>",
    "RCPT TO:<alice@example.com> NOTIFY=NEVER",
    "RCPT TO:<bob@example.org> NOTIFY=SUCCESS ORCPT=rfc822;bob@example.org",
];
const STRAYS: [&str; 5] = ["RSET", "NOOP", "BDAT 4 LAST", "\u{1b}garbage\u{7f}", "DATA"];

/// One transaction: a sender, recipients, perhaps a stray line first.
type Transaction = (usize, Vec<usize>, Option<usize>);

fn transaction_lines(transactions: &[Transaction]) -> Vec<&'static str> {
    let mut lines = vec!["EHLO pc42.dsl.isp.example", LEARNER_LOGIN];
    for (sender, recipients, stray) in transactions {
        lines.extend(stray.map(|s| STRAYS[s % STRAYS.len()]));
        lines.push(SENDERS[sender % SENDERS.len()]);
        lines.extend(recipients.iter().map(|r| RECIPIENTS[r % RECIPIENTS.len()]));
        lines.extend(["DATA", "Subject: property\r\n\r\nbody", "."]);
    }
    lines.push("QUIT");
    lines
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config::with_cases(48))]

    /// Whatever the learner sends, wherever: nothing panics, and by the end
    /// of the queue lifetime every queue is empty (each message delivered,
    /// bounced or given up on).
    #[test]
    fn every_message_settles_within_the_queue_lifetime(
        transactions in proptest::collection::vec(
            (0..3usize, proptest::collection::vec(0..8usize, 1..4), proptest::option::of(0..5usize)),
            1..5,
        ),
        port_pick in 0..3usize,
        primary_down in proptest::bool::ANY,
    ) {
        let mut sim = simulation();
        if primary_down {
            sim.set_availability("mx1.example.org", Availability::Unreachable);
        }
        let (target, port) = [
            ("smtp.isp.example", SUBMISSION_PORT),
            ("smtp.isp.example", SMTP_PORT),
            ("mx2.example.org", SMTP_PORT),
        ][port_pick];
        let mut connection = sim.connect(target, port).unwrap();
        type_lines(&mut sim, &mut connection, &transaction_lines(&transactions));
        sim.advance(3600);
        sim.set_availability("mx1.example.org", Availability::Up);
        sim.advance(QUEUE_LIFETIME_SECS + 86_400);
        for host in &sim.network().hosts {
            let waiting = sim.queue(&host.name).map_or(0, |q| q.messages().len());
            proptest::prop_assert_eq!(waiting, 0, "{} still holds mail", host.name);
        }
        proptest::prop_assert_eq!(sim.poll_timeout(), None);
    }
}

#[test]
fn a_long_running_front_end_takes_the_log_and_the_mail_out() {
    let mut sim = simulation();
    submit(&mut sim, "you@isp.example", &["<bob@example.org>"], "");
    let log = sim.take_log();
    assert!(log.iter().any(
        |e| matches!(&e.event, NetworkEvent::Filed { host, .. } if host == "mx1.example.org")
    ));
    assert!(sim.log().is_empty());
    let stores = sim.take_mailstores();
    assert_eq!(stores["mx1.example.org"].deliveries.len(), 1);
    assert!(sim.mailbox("mx1.example.org", "bob").is_empty());
    sim.clear_diagram();
    assert!(sim.diagram().steps.is_empty());
    submit(&mut sim, "you@isp.example", &["<bob@example.org>"], "");
    assert_eq!(sim.mailbox("mx1.example.org", "bob").len(), 1, "it runs on");
}

#[test]
fn a_forwarded_mailbox_is_sent_on_from_the_forwarders_address_with_the_sender_kept() {
    let mut sim = simulation();
    let reply = submit(
        &mut sim,
        "you@isp.example",
        &["<bob@alumni.example>", "<friends@alumni.example>"],
        "",
    );
    assert!(reply.starts_with("250 2.0.0 Ok: queued"), "{reply}");
    // Nothing stays at the alumni service; both reach Bob's work mailbox.
    assert!(sim.mailbox("mail.alumni.example", "bob").is_empty());
    assert!(sim.mailbox("mail.alumni.example", "friends").is_empty());
    let copies = sim.mailbox("mx1.example.org", "bob");
    assert_eq!(copies.len(), 2, "{:#?}", sim.log());
    for copy in &copies {
        assert_eq!(copy.envelope.mail_from, "you@isp.example", "no SRS");
        assert!(copy.raw.starts_with(b"Return-Path: <you@isp.example>\r\n"));
        let hops: Vec<String> = chain(copy).into_iter().map(|(_, by, _)| by).collect();
        assert_eq!(
            hops,
            ["smtp.isp.example", "mail.alumni.example", "mx1.example.org"]
        );
        let last = received_chain(&copy.raw).pop().unwrap();
        assert_eq!(last.client_address.as_deref(), Some("192.0.2.40"));
    }
    let footers: Vec<bool> = copies
        .iter()
        .map(|c| c.message.contains("the class of 2010 list. To leave"))
        .collect();
    assert_eq!(
        footers.iter().filter(|f| **f).count(),
        1,
        "only the list adds it"
    );
    assert!(copies.iter().all(|c| c.message.contains("Hi.\r\n")));
}

#[test]
fn a_forward_must_name_a_user_and_another_domain() {
    let mut network = Network::default();
    let alumni = network
        .hosts
        .iter_mut()
        .find(|h| h.name == "mail.alumni.example")
        .unwrap();
    alumni.forwards[0].to = "bob@alumni.example".into();
    let error = network.validate().unwrap_err();
    assert!(error.field.ends_with(".forwards[0]"), "{error}");
    assert!(error.to_string().contains("is delivered here"), "{error}");
    let alumni = network
        .hosts
        .iter_mut()
        .find(|h| h.name == "mail.alumni.example")
        .unwrap();
    alumni.forwards[0].to = "bob@example.org".into();
    alumni.forwards[0].user = "nobody".into();
    let error = network.validate().unwrap_err();
    assert!(
        error.to_string().contains("`nobody` is not a user"),
        "{error}"
    );
}
