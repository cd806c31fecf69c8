//! Engine time for one message across the network: the learner submits
//! with AUTH on 587, the provider relays through its outbound relay (with
//! AUTH), the relay is greylisted by the recipient's MX, retries 30
//! simulated minutes later and delivers: four SMTP sessions, three hops,
//! three Received fields. Issue 10's budget: under 1 ms.

use core::net::IpAddr;

use criterion::{criterion_group, criterion_main, Criterion};
use smtplab_engine::client::{Outgoing, Recipient};
use smtplab_engine::network::hop::{run_queue, send, Memories, Sender};
use smtplab_engine::network::queue::{Queue, QueueEvent, QueuePolicy};
use smtplab_engine::network::{Host, Login, Network, SMTP_PORT, SUBMISSION_PORT};
use smtplab_engine::world::{Alias, User, World};
use smtplab_engine::{Delivery, Profile};

const T0: u64 = 1_796_239_285;
const MESSAGE: &[u8] =
    b"From: You <you@isp.example>\r\nTo: Bob <bob@example.com>\r\nSubject: Bench\r\n\r\nHello Bob.\r\n";

fn ip(text: &str) -> IpAddr {
    text.parse().expect("a literal address")
}

fn network() -> Network {
    let mut network = Network::default();
    network.hosts.push(Host {
        name: "relay.isp.example".into(),
        addresses: vec![ip("203.0.113.25")],
        organisation: String::new(),
        availability: Default::default(),
        ports: vec![SMTP_PORT],
        relay_domains: Vec::new(),
        smarthost: None,
        smarthost_login: None,
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
    let record = "relay.isp.example A 203.0.113.25"
        .parse()
        .expect("a record");
    network.domains[0].records.push(record);
    let reverse = "25.113.0.203.in-addr.arpa PTR relay.isp.example";
    network.domains[6]
        .records
        .push(reverse.parse().expect("a record"));
    for host in &mut network.hosts {
        if host.name == "smtp.isp.example" {
            host.smarthost = Some("relay.isp.example".into());
            host.smarthost_login = Some(Login {
                user: "smtp-out".into(),
                password: "relay-secret".into(),
            });
        }
        if host.name == "mail.example.com" {
            host.profile.faults.greylist = true;
            host.profile.faults.greylist_delay_secs = 300;
        }
    }
    assert_eq!(network.validate(), Ok(()));
    network
}

fn enqueue(queue: &mut Queue, delivery: &Delivery, now: u64) {
    let recipients: Vec<Recipient> = delivery
        .relayed_to
        .iter()
        .map(|r| Recipient::new(r.clone()))
        .collect();
    let envelope = &delivery.envelope;
    queue.enqueue(
        &envelope.mail_from,
        &envelope.mail_parameters,
        &recipients,
        delivery.raw.clone(),
        now,
    );
}

/// The learner's submission, accepted by the provider.
fn submit(network: &Network, memories: &mut Memories) -> Option<Box<Delivery>> {
    let login = Login {
        user: "you".into(),
        password: "secret".into(),
    };
    let learner = Sender {
        name: &network.client.name,
        address: network.client.address,
        login: Some(&login),
    };
    let outgoing = Outgoing::new("you@isp.example", &["bob@example.com"], MESSAGE);
    let target = (ip("203.0.113.10"), SUBMISSION_PORT);
    send(
        network,
        learner,
        target,
        |_| Some(outgoing),
        memories,
        (1, T0),
    )
    .delivery
}

/// The whole journey; returns the Received count at the final host.
fn deliver(network: &Network) -> usize {
    let mut memories = Memories::new();
    let Some(at_isp) = submit(network, &mut memories) else {
        return 0;
    };
    let mut isp = Queue::new("smtp.isp.example", QueuePolicy::default(), 2);
    enqueue(&mut isp, &at_isp, T0);
    let run = run_queue(network, "smtp.isp.example", &mut isp, &mut memories, 3, T0);
    let Some(at_relay) = run.hops.first().and_then(|(_, hop)| hop.delivery.clone()) else {
        return 0;
    };
    let relay_host = "relay.isp.example";
    let mut relay = Queue::new(relay_host, QueuePolicy::default(), 4);
    enqueue(&mut relay, &at_relay, T0);
    let first = run_queue(network, relay_host, &mut relay, &mut memories, 5, T0);
    let greylisted = first
        .events
        .iter()
        .any(|e| matches!(e, QueueEvent::Deferred { .. }));
    assert!(greylisted, "greylisted first");
    let Some(retry_at) = relay.poll_timeout() else {
        return 0;
    };
    let second = run_queue(network, relay_host, &mut relay, &mut memories, 6, retry_at);
    let delivered = second
        .hops
        .iter()
        .find_map(|(_, hop)| hop.delivery.as_ref());
    delivered.map_or(0, |d| {
        smtplab_engine::message::header_fields(d.message.as_bytes())
            .iter()
            .filter(|(name, _)| name == "Received")
            .count()
    })
}

fn bench(c: &mut Criterion) {
    let network = network();
    assert_eq!(
        deliver(&network),
        3,
        "three Received fields at the final host"
    );
    c.bench_function("network_3_hops_greylisted_retry", |b| {
        b.iter(|| deliver(&network))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
