//! Engine time for one message across the network, through the
//! simulation driver: the learner submits with AUTH on 587, the provider
//! relays through its outbound relay (with AUTH), the relay is greylisted
//! by the recipient's MX, retries after a `sleep 1800` and delivers: four
//! SMTP sessions, three hops, three Received fields. Issue 10's budget:
//! under 1 ms.

use core::net::IpAddr;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use smtplab_engine::network::simulation::Simulation;
use smtplab_engine::network::{Host, Login, Network, SMTP_PORT, SUBMISSION_PORT};
use smtplab_engine::world::{Alias, User, World};
use smtplab_engine::Profile;

const T0: u64 = 1_796_239_285;
/// What the learner types on the provider's submission port.
const SUBMISSION: &[u8] = b"EHLO pc42.dsl.isp.example\r\n\
AUTH PLAIN AHlvdQBzZWNyZXQ=\r\n\
MAIL FROM:<you@isp.example>\r\n\
RCPT TO:<bob@example.com>\r\n\
DATA\r\n\
From: You <you@isp.example>\r\nTo: Bob <bob@example.com>\r\nSubject: Bench\r\n\r\nHello Bob.\r\n.\r\n\
QUIT\r\n";
/// The budget for the whole journey.
const BUDGET: Duration = Duration::from_millis(1);

fn ip(text: &str) -> IpAddr {
    text.parse().expect("a literal address")
}

fn relay_host() -> Host {
    Host {
        name: "relay.isp.example".into(),
        addresses: vec![ip("203.0.113.25")],
        organisation: String::new(),
        availability: Default::default(),
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
    }
}

/// The default network with an outbound relay behind the provider and
/// greylisting at mail.example.com.
fn network() -> Network {
    let mut network = Network::default();
    network.hosts.push(relay_host());
    let record = "relay.isp.example A 203.0.113.25";
    network.domains[0]
        .records
        .push(record.parse().expect("a record"));
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
    network
}

/// The whole journey; returns the Received count at the final host.
fn deliver(sim: &mut Simulation) -> usize {
    let Ok(mut connection) = sim.connect("smtp.isp.example", SUBMISSION_PORT) else {
        return 0;
    };
    sim.take_outputs(&mut connection);
    sim.feed(&mut connection, SUBMISSION);
    assert!(
        sim.mailbox("mail.example.com", "bob").is_empty(),
        "greylisted first"
    );
    sim.advance(1800);
    sim.mailbox("mail.example.com", "bob")
        .first()
        .map_or(0, |d| {
            d.headers()
                .iter()
                .filter(|(name, _)| name == "Received")
                .count()
        })
}

fn bench(c: &mut Criterion) {
    let start = Simulation::new(network(), T0, 1).expect("a valid network");
    assert_eq!(
        deliver(&mut start.clone()),
        3,
        "three Received fields at the final host"
    );
    c.bench_function("network_3_hops_greylisted_retry", |b| {
        b.iter_batched(
            || start.clone(),
            |mut sim| deliver(&mut sim),
            BatchSize::SmallInput,
        )
    });
    // The figure against the budget, in one line for the log.
    const RUNS: u32 = 200;
    let sims: Vec<Simulation> = (0..RUNS).map(|_| start.clone()).collect();
    let began = Instant::now();
    for mut sim in sims {
        deliver(&mut sim);
    }
    let each = began.elapsed() / RUNS;
    let verdict = if each < BUDGET { "within" } else { "OVER" };
    println!(
        "network: 3-hop delivery with one retry: {each:?} per journey ({verdict} the 1 ms budget)"
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
