//! Hops run in process: a host's queue attempt played against the next
//! host's server [`Session`] through the engine's SMTP [`Client`], with the
//! next host's availability deciding whether there is a session at all.
//! The same code serves the page, tests and the benchmark; `serve` will
//! put sockets where [`converse`] moves bytes.

use std::collections::BTreeMap;

use core::net::IpAddr;

use super::checks::{self, ReceiverChecks, Receiving};
use super::dns::{lookup, reverse_name};
use super::queue::{Attempt, HopResult, HopTry, Queue, QueueEvent};
use super::{Availability, Host, Login, Network, RecordData, RecordType};
use crate::client::{
    converse, converse_with, Action, Client, ClientEvent, Exchange, MessageReport, Outcome,
    Outgoing, ServerReply,
};
use crate::session::{ClientInfo, Event, Output, ServerMemory, Session};
use crate::world::Delivery;

/// What each host remembers between connections (greylisting), by host name.
pub type Memories = BTreeMap<String, ServerMemory>;

/// Who opens the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sender<'a> {
    /// Its name (EHLO, and the server's view of who connects).
    pub name: &'a str,
    /// Its address.
    pub address: IpAddr,
    /// The account it logs in with, if any.
    pub login: Option<&'a Login>,
}

/// One SMTP conversation: the outcome and, when the server took the
/// message, what it stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopRun {
    /// What the queue records.
    pub result: HopResult,
    /// The server's delivery, if it accepted the message.
    pub delivery: Option<Box<Delivery>>,
    /// Both sides' bytes and events, for the transcript and the diagram.
    pub exchange: Exchange,
    /// Whether the receiver's checks filed the delivery as junk.
    pub quarantined: bool,
}

/// Connects `sender` to `address`:`port` and, if a host answers there,
/// sends `outgoing` (built once the server's EHLO offer is known).
pub fn send(
    network: &Network,
    sender: Sender<'_>,
    target: (IpAddr, u16),
    outgoing: impl FnOnce(bool) -> Option<Outgoing>,
    memories: &mut Memories,
    clock: (u64, u64),
) -> HopRun {
    send_checked(network, sender, target, outgoing, memories, clock, None)
}

/// [`send`], the receiving host running `checks` at the end of DATA.
pub fn send_checked(
    network: &Network,
    sender: Sender<'_>,
    (address, port): (IpAddr, u16),
    outgoing: impl FnOnce(bool) -> Option<Outgoing>,
    memories: &mut Memories,
    (seed, now): (u64, u64),
    checks: Option<&dyn ReceiverChecks>,
) -> HopRun {
    let target = match answering_host(network, address, port) {
        Ok(target) => target,
        Err(reason) => return HopRun::unanswered(reason),
    };
    let mut session = open_session(network, sender, (target, port), memories, (seed, now));
    let mut client = Client::new(sender.name, now);
    client.push(Action::Hello, now);
    if let Some(login) = sender.login {
        let (user, password) = (login.user.clone(), login.password.clone());
        client.push(Action::Auth { user, password }, now);
    }
    let mut exchange = converse(&mut client, &mut session, now);
    let dsn = client.capabilities().is_some_and(|c| c.has("DSN"));
    let message = client.capabilities().and_then(|_| outgoing(dsn));
    let recipients = message.as_ref().map_or(0, |m| m.recipients.len());
    if let Some(message) = message {
        client.push(Action::Send(Box::new(message)), now);
    }
    client.push(Action::Quit, now);
    let receiving = Receiving {
        receiver: &target.name,
        port,
        authenticated: sender.login.is_some(),
        connecting_ip: sender.address,
        helo: sender.name,
    };
    let mut quarantined = false;
    let mut inspect = |outputs: &mut Vec<Output>| {
        if let Some(checks) = checks {
            quarantined |= !checks::apply(checks, network, receiving, outputs).is_empty();
        }
    };
    let rest = converse_with(&mut client, &mut session, now, &mut inspect);
    exchange.client_sent.extend(rest.client_sent);
    exchange.client_events.extend(rest.client_events);
    exchange.server_outputs.extend(rest.server_outputs);
    memories.insert(target.name.clone(), session.memory().clone());
    HopRun {
        result: hop_result(&exchange, dsn, recipients),
        delivery: delivered(&exchange),
        exchange,
        quarantined,
    }
}

impl HopRun {
    /// No session: nothing took the connection.
    fn unanswered(reason: &str) -> Self {
        Self {
            result: HopResult::NoSession {
                reason: reason.into(),
            },
            delivery: None,
            exchange: Exchange::default(),
            quarantined: false,
        }
    }
}

/// The target's server session for `sender`, with what the target
/// remembers (greylisting).
fn open_session(
    network: &Network,
    sender: Sender<'_>,
    (target, port): (&Host, u16),
    memories: &Memories,
    (seed, now): (u64, u64),
) -> Session {
    let client_info = ClientInfo {
        hostname: reverse_lookup(network, sender.address),
        ip: sender.address.to_string(),
    };
    let memory = memories.get(&target.name).cloned().unwrap_or_default();
    Session::with_memory(target.settings_on(port), client_info, seed, now, memory)
}

/// The host that takes a connection to `address`:`port`, or what the
/// connecting side sees instead.
fn answering_host(network: &Network, address: IpAddr, port: u16) -> Result<&Host, &'static str> {
    let target = network.host_at(address).ok_or("Connection refused")?;
    match target.availability {
        Availability::Unreachable => Err("Connection timed out"),
        Availability::Refusing => Err("Connection refused"),
        Availability::Up if !target.listens_on(port) => Err("Connection refused"),
        Availability::Up => Ok(target),
    }
}

/// The name a server finds for a connecting address: its PTR record, or
/// `unknown` as Postfix writes it when there is none.
pub fn reverse_lookup(network: &Network, address: IpAddr) -> String {
    let response = lookup(network, &reverse_name(address), RecordType::Ptr);
    response
        .answers
        .iter()
        .find_map(|record| match &record.data {
            RecordData::Ptr(name) => Some(name.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "unknown".into())
}

fn hop_result(exchange: &Exchange, dsn_offered: bool, recipients: usize) -> HopResult {
    let report = exchange.client_events.iter().find_map(|e| match e {
        ClientEvent::Message(report) => Some(report),
        _ => None,
    });
    match report {
        Some(report) => HopResult::Session {
            dsn_offered,
            outcomes: (0..recipients)
                .map(|i| (report.outcome(i), deciding_reply(report, i)))
                .collect(),
        },
        None => {
            let reason = exchange
                .client_events
                .iter()
                .find_map(|e| match e {
                    ClientEvent::Error(error) => Some(format!("{error:?}")),
                    ClientEvent::AuthRefused(reply) => {
                        Some(format!("authentication refused: {}", reply.summary()))
                    }
                    _ => None,
                })
                .unwrap_or_else(|| "the session ended before the message was sent".into());
            HopResult::NoSession { reason }
        }
    }
}

/// The reply that decided recipient `index` (see [`MessageReport::outcome`]).
fn deciding_reply(report: &MessageReport, index: usize) -> Option<ServerReply> {
    let rcpt = report.recipients.get(index).cloned().flatten();
    match (&report.mail, rcpt) {
        (Some(mail), _) if !mail.is_success() => Some(mail.clone()),
        (_, Some(rcpt)) if !rcpt.is_success() => Some(rcpt),
        _ => report
            .data_start
            .clone()
            .filter(|start| start.code != 354)
            .or_else(|| report.final_reply.clone()),
    }
}

fn delivered(exchange: &Exchange) -> Option<Box<Delivery>> {
    exchange.server_outputs.iter().find_map(|o| match o {
        Output::Event(Event::Delivered(delivery)) => Some(delivery.clone()),
        _ => None,
    })
}

/// Everything a host did in one queue run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueRun {
    /// The queue's events, in order.
    pub events: Vec<QueueEvent>,
    /// Each hop tried: where, and what came of it.
    pub hops: Vec<(HopTry, HopRun)>,
}

/// Runs every attempt of `host`'s queue that is due at `now`, each hop
/// in process. Messages the next hosts accepted are in `hops` (their
/// deliveries); the caller queues them there or files them.
pub fn run_queue(
    network: &Network,
    host: &str,
    queue: &mut Queue,
    memories: &mut Memories,
    seed: u64,
    now: u64,
) -> QueueRun {
    run_queue_checked(network, host, queue, memories, (seed, now), None)
}

/// [`run_queue`], each receiving host running `checks` at the end of DATA.
pub fn run_queue_checked(
    network: &Network,
    host: &str,
    queue: &mut Queue,
    memories: &mut Memories,
    (seed, now): (u64, u64),
    checks: Option<&dyn ReceiverChecks>,
) -> QueueRun {
    let mut run = QueueRun::default();
    let Some(sender) = network.host(host) else {
        return run;
    };
    let Some(address) = sender.addresses.first().copied() else {
        return run;
    };
    while let Some(mut attempt) = queue.start(network, now) {
        while let Some(tried) = attempt.next_hop() {
            let to_smarthost = sender
                .smarthost
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(&tried.hop.host));
            let from = Sender {
                name: &sender.name,
                address,
                login: sender.smarthost_login.as_ref().filter(|_| to_smarthost),
            };
            let hop = send_attempt(
                network,
                from,
                (queue, &attempt, &tried),
                memories,
                (seed, now),
                checks,
            );
            attempt.record(&tried, hop.result.clone());
            run.hops.push((tried, hop));
        }
        run.events.extend(queue.finish(attempt, now));
    }
    run
}

fn send_attempt(
    network: &Network,
    from: Sender<'_>,
    (queue, attempt, tried): (&Queue, &Attempt, &HopTry),
    memories: &mut Memories,
    clock: (u64, u64),
    checks: Option<&dyn ReceiverChecks>,
) -> HopRun {
    let target = (tried.hop.address, tried.hop.port);
    send_checked(
        network,
        from,
        target,
        |dsn| queue.outgoing(attempt, tried, dsn),
        memories,
        clock,
        checks,
    )
}

/// Whether a hop's server took every recipient it was given.
pub fn all_accepted(result: &HopResult) -> bool {
    matches!(result, HopResult::Session { outcomes, .. } if outcomes.iter().all(|(o, _)| *o == Outcome::Accepted))
}
