//! The network end to end, in process: the learner submits to the
//! provider, the provider hands the message to its outbound relay, the
//! relay meets greylisting at the recipient's MX and retries on the
//! simulated clock; a refused recipient comes back to the learner as a DSN.

use core::net::IpAddr;

use smtplab_engine::client::Outgoing;
use smtplab_engine::network::hop::{run_queue, send, Memories, Sender};
use smtplab_engine::network::queue::{HopResult, Queue, QueueEvent, QueuePolicy};
use smtplab_engine::network::{Host, Login, Network, Record, SUBMISSION_PORT};
use smtplab_engine::world::{Alias, User, World};
use smtplab_engine::{Delivery, Profile};

const T0: u64 = 1_796_239_285;
const MESSAGE: &[u8] = b"From: You <you@isp.example>\r\nTo: Bob <bob@example.com>\r\nSubject: Three hops\r\n\r\nHello Bob.\r\n";

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// The default network with an outbound relay behind the provider (which
/// logs in to it) and greylisting at mail.example.com.
fn network() -> Network {
    let mut network = Network::default();
    let relay_login = Login {
        user: "smtp-out".into(),
        password: "relay-secret".into(),
    };
    network.hosts.push(Host {
        name: "relay.isp.example".into(),
        addresses: vec![ip("203.0.113.25")],
        organisation: "Your Internet provider".into(),
        availability: Default::default(),
        ports: vec![25],
        relay_domains: Vec::new(),
        smarthost: None,
        smarthost_login: None,
        forwards: Vec::new(),
        profile: Profile::default(),
        world: World {
            domains: vec!["relay.isp.example".into()],
            users: vec![User {
                name: "smtp-out".into(),
                full_name: "Outbound relay account".into(),
                password: Some("relay-secret".into()),
            }],
            aliases: vec![Alias {
                name: "postmaster".into(),
                targets: vec!["smtp-out".into()],
            }],
            lists: Vec::new(),
        },
    });
    let record: Record = "relay.isp.example A 203.0.113.25".parse().unwrap();
    network.domains[0].records.push(record);
    let reverse: Record = "25.113.0.203.in-addr.arpa PTR relay.isp.example"
        .parse()
        .unwrap();
    network.domains[6].records.push(reverse);
    let isp = network
        .hosts
        .iter_mut()
        .find(|h| h.name == "smtp.isp.example")
        .unwrap();
    isp.smarthost = Some("relay.isp.example".into());
    isp.smarthost_login = Some(relay_login);
    let com = network
        .hosts
        .iter_mut()
        .find(|h| h.name == "mail.example.com")
        .unwrap();
    com.profile.faults.greylist = true;
    com.profile.faults.greylist_delay_secs = 300;
    assert_eq!(network.validate(), Ok(()));
    network
}

fn submit(network: &Network, memories: &mut Memories, to: &[&str]) -> Box<Delivery> {
    let login = Login {
        user: "you".into(),
        password: "secret".into(),
    };
    let learner = Sender {
        name: &network.client.name,
        address: network.client.address,
        login: Some(&login),
    };
    let outgoing = Outgoing::new("you@isp.example", to, MESSAGE);
    let run = send(
        network,
        learner,
        (ip("203.0.113.10"), SUBMISSION_PORT),
        |_| Some(outgoing),
        memories,
        (1, T0),
    );
    assert!(
        smtplab_engine::network::hop::all_accepted(&run.result),
        "{:?}",
        run.result
    );
    run.delivery.expect("the provider stored it")
}

fn enqueue(queue: &mut Queue, delivery: &Delivery, now: u64) {
    let recipients: Vec<_> = delivery
        .relayed_to
        .iter()
        .map(|r| smtplab_engine::client::Recipient::new(r.clone()))
        .collect();
    let events = queue.enqueue(
        &delivery.envelope.mail_from,
        &delivery.envelope.mail_parameters,
        &recipients,
        delivery.raw.clone(),
        now,
    );
    assert!(
        matches!(events.as_slice(), [QueueEvent::Queued { .. }]),
        "{events:?}"
    );
}

fn received_from(message: &str) -> Vec<String> {
    smtplab_engine::message::header_fields(message.as_bytes())
        .into_iter()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Received"))
        .map(|(_, value)| value.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn three_hops_with_a_greylisting_retry() {
    let network = network();
    let mut memories = Memories::new();
    let at_isp = submit(&network, &mut memories, &["bob@example.com"]);
    let mut isp_queue = Queue::new("smtp.isp.example", QueuePolicy::default(), 2);
    enqueue(&mut isp_queue, &at_isp, T0);
    let run = run_queue(
        &network,
        "smtp.isp.example",
        &mut isp_queue,
        &mut memories,
        3,
        T0,
    );
    assert_eq!(run.hops.len(), 1);
    assert_eq!(
        run.hops[0].0.hop.host, "relay.isp.example",
        "the smarthost, not the MX"
    );
    let at_relay = run.hops[0]
        .1
        .delivery
        .clone()
        .expect("the relay took it after AUTH");

    let mut relay_queue = Queue::new("relay.isp.example", QueuePolicy::default(), 4);
    enqueue(&mut relay_queue, &at_relay, T0);
    let first = run_queue(
        &network,
        "relay.isp.example",
        &mut relay_queue,
        &mut memories,
        5,
        T0,
    );
    let retry_at = first
        .events
        .iter()
        .find_map(|e| match e {
            QueueEvent::Deferred { retry_at, .. } => Some(*retry_at),
            _ => None,
        })
        .expect("greylisted: deferred");
    assert_eq!(retry_at, T0 + 1800);
    assert!(
        matches!(&first.hops[0].1.result, HopResult::Session { outcomes, .. } if outcomes[0].1.as_ref().is_some_and(|r| r.code == 451))
    );
    assert_eq!(relay_queue.poll_timeout(), Some(retry_at));

    let second = run_queue(
        &network,
        "relay.isp.example",
        &mut relay_queue,
        &mut memories,
        6,
        retry_at,
    );
    assert!(second
        .events
        .iter()
        .any(|e| matches!(e, QueueEvent::Accepted { host, .. } if host == "mail.example.com")));
    let final_delivery = second.hops[0]
        .1
        .delivery
        .clone()
        .expect("delivered at the final host");
    assert_eq!(final_delivery.mailboxes, ["bob"]);
    assert_eq!(
        received_from(&final_delivery.message),
        [
            "from relay.isp.example",
            "from smtp.isp.example",
            "from pc42.dsl.isp.example"
        ],
        "three Received fields, newest first:\n{}",
        final_delivery.message
    );
    assert!(
        final_delivery
            .message
            .contains("(relay.isp.example [203.0.113.25])"),
        "the server names the client by its PTR record:\n{}",
        final_delivery.message
    );
    let chain = smtplab_engine::network::trace::received_chain(final_delivery.message.as_bytes());
    let path: Vec<(&str, &str, &str)> = chain
        .iter()
        .map(|hop| {
            let name = hop.client_name.as_deref().unwrap_or("");
            (
                name,
                hop.by.as_deref().unwrap_or(""),
                hop.protocol.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        path,
        [
            ("pc42.dsl.isp.example", "smtp.isp.example", "ESMTPA"),
            ("smtp.isp.example", "relay.isp.example", "ESMTPA"),
            ("relay.isp.example", "mail.example.com", "ESMTP"),
        ],
        "the hops, oldest first, each logged in but the last"
    );
    assert_eq!(
        smtplab_engine::network::hop::reverse_lookup(&network, ip("192.0.2.99")),
        "unknown"
    );
    assert!(relay_queue.messages().is_empty());

    let mut diagram = smtplab_engine::network::diagram::Diagram::default();
    for (tried, hop) in run.hops.iter() {
        diagram.add_hop("smtp.isp.example", tried, hop, T0);
    }
    for (tried, hop) in first.hops.iter().chain(&second.hops) {
        diagram.add_hop("relay.isp.example", tried, hop, T0);
    }
    assert_eq!(
        diagram.hosts,
        ["smtp.isp.example", "relay.isp.example", "mail.example.com"]
    );
    assert!(
        diagram
            .steps
            .iter()
            .any(|s| s.label.starts_with("451 4.7.1")),
        "{:?}",
        diagram.steps
    );
    assert!(diagram.to_svg().contains(">mail.example.com</text>"));
}

#[test]
fn a_refused_recipient_returns_to_the_learner_as_a_dsn() {
    let network = network();
    let mut memories = Memories::new();
    let at_isp = submit(&network, &mut memories, &["nobody@example.com"]);
    let mut isp_queue = Queue::new("smtp.isp.example", QueuePolicy::default(), 2);
    enqueue(&mut isp_queue, &at_isp, T0);
    let run = run_queue(
        &network,
        "smtp.isp.example",
        &mut isp_queue,
        &mut memories,
        3,
        T0,
    );
    let at_relay = run.hops[0].1.delivery.clone().unwrap();
    let mut relay_queue = Queue::new("relay.isp.example", QueuePolicy::default(), 4);
    enqueue(&mut relay_queue, &at_relay, T0);
    // An unknown user is refused before greylisting is consulted: at once.
    let later = run_queue(
        &network,
        "relay.isp.example",
        &mut relay_queue,
        &mut memories,
        5,
        T0,
    );
    assert!(
        later.events.iter().any(
            |e| matches!(e, QueueEvent::Failed { recipient, problem, .. }
        if recipient == "nobody@example.com" && problem.status.to_string() == "5.1.1")
        ),
        "{:?}",
        later.events
    );
    assert!(later
        .events
        .iter()
        .any(|e| matches!(e, QueueEvent::Report { .. })));
    let bounce = later
        .hops
        .iter()
        .find_map(|(tried, hop)| {
            hop.delivery
                .clone()
                .filter(|_| tried.hop.host == "smtp.isp.example")
        })
        .expect("the report went to the learner's provider");
    assert_eq!(bounce.mailboxes, ["you"]);
    assert_eq!(
        bounce.envelope.mail_from, "",
        "reports come from the null sender"
    );
    let text = &bounce.message;
    assert!(text.contains("report-type=delivery-status"), "{text}");
    assert!(
        text.contains("Final-Recipient: rfc822; nobody@example.com"),
        "{text}"
    );
    assert!(text.contains("Remote-MTA: dns; mail.example.com"), "{text}");
    assert!(
        text.contains("Subject: Three hops"),
        "the original headers come back: {text}"
    );
    assert!(relay_queue.messages().is_empty());
}

#[test]
fn hosts_that_are_down_or_absent_give_no_session() {
    let network = network();
    let mut memories = Memories::new();
    let me = Sender {
        name: "relay.isp.example",
        address: ip("203.0.113.25"),
        login: None,
    };
    for (address, port, reason) in [
        ("192.0.2.25", 25, "Connection timed out"),
        ("192.0.2.80", 25, "Connection refused"),
        ("198.51.100.10", 587, "Connection refused"),
    ] {
        let run = send(
            &network,
            me,
            (ip(address), port),
            |_| None,
            &mut memories,
            (1, T0),
        );
        assert_eq!(
            run.result,
            HopResult::NoSession {
                reason: reason.into()
            },
            "{address}:{port}"
        );
    }
}
