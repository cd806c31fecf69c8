//! The network run as one deterministic simulation: the learner connects
//! to a host and port, every message a host accepts goes through that
//! host's queue (local recipients filed in its mailstore with a
//! Return-Path, others relayed hop by hop), and the simulated clock moves
//! only when the front end says so (`sleep`).
//!
//! ```text
//!  connect(target, port) ──► Connection (a Session for that host and port) | ConnectError
//!  feed(connection, bytes) ──► outputs; each Delivered ──► that host's Queue
//!  advance(seconds) ──► due attempts: hop::run_queue ──► next host's Queue, or
//!                       Local ──► Mailstore (Return-Path), or Failed ──► DSN to the sender
//! ```

mod learner;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use core::fmt;
use core::net::IpAddr;

use super::checks::ReceiverChecks;
use super::diagram::Diagram;
use super::hop::{run_queue_checked, HopRun, Memories, QueueRun};
use super::queue::{HopResult, HopTry, Queue, QueueEvent, QueuePolicy};
use super::{Network, NetworkError, ZoneEdit, ZoneEditError};
use crate::address::Mailbox;
use crate::client::Recipient;
use crate::world::{Delivery, Destination, Envelope, Mailstore, JUNK_FOLDER};

pub use learner::{ConnectError, Connection};

/// Queue passes one advance may make before it stops: far more than any
/// network needs (each pass moves every due message one hop), so only a
/// description that keeps making new mail without end reaches it.
pub const MAX_PASSES_PER_ADVANCE: usize = 10_000;

/// Something the simulation did, for the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkEvent {
    /// The learner's connection was opened.
    Connected {
        /// The host.
        host: String,
        /// The address connected to.
        address: IpAddr,
        /// The port.
        port: u16,
    },
    /// The learner's connection failed.
    ConnectFailed {
        /// What the learner asked for.
        target: String,
        /// The port.
        port: u16,
        /// Why.
        error: ConnectError,
    },
    /// A host's queue did something.
    Queue {
        /// The host.
        host: String,
        /// What.
        event: QueueEvent,
    },
    /// One host tried to hand a message to another.
    Hop {
        /// The sending host.
        from: String,
        /// The host tried.
        to: String,
        /// The address and port tried.
        address: IpAddr,
        /// The port.
        port: u16,
        /// How it went.
        result: HopResult,
    },
    /// A message was filed in local mailboxes.
    Filed {
        /// The host.
        host: String,
        /// The host's queue id.
        queue_id: String,
        /// The mailboxes (user names).
        mailboxes: Vec<String>,
    },
    /// A run of the queues stopped at [`MAX_PASSES_PER_ADVANCE`].
    Stalled,
}

impl fmt::Display for NetworkEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connected {
                host,
                address,
                port,
            } => write!(f, "learner connected to {host}[{address}]:{port}"),
            Self::ConnectFailed {
                target,
                port,
                error,
            } => write!(f, "learner could not connect to {target}:{port}: {error}"),
            Self::Queue { host, event } => write!(f, "{host}: {}", describe(event)),
            Self::Hop {
                from,
                to,
                address,
                port,
                result,
            } => write!(
                f,
                "{from} -> {to}[{address}]:{port}: {}",
                hop_outcome(result)
            ),
            Self::Filed {
                host,
                queue_id,
                mailboxes,
            } => write!(
                f,
                "{host}: {queue_id}: delivered to {}",
                mailboxes.join(", ")
            ),
            Self::Stalled => write!(
                f,
                "the queues stopped after {MAX_PASSES_PER_ADVANCE} passes: mail keeps making mail"
            ),
        }
    }
}

fn describe(event: &QueueEvent) -> String {
    match event {
        QueueEvent::Queued { id } => format!("{id}: queued"),
        QueueEvent::Accepted {
            id,
            recipient,
            host,
        } => format!("{id}: to=<{recipient}>, relay={host}, status=sent"),
        QueueEvent::Local { id, recipients, .. } => {
            format!("{id}: local delivery for {}", recipients.join(", "))
        }
        QueueEvent::Deferred {
            id,
            recipients,
            retry_at,
        } => format!(
            "{id}: to {}: status=deferred, next try at {retry_at}",
            recipients.join(", ")
        ),
        QueueEvent::Failed {
            id,
            recipient,
            problem,
        } => format!(
            "{id}: to=<{recipient}>, status=bounced ({} {})",
            problem.status, problem.diagnostic
        ),
        QueueEvent::Report { id, about, action } => {
            format!("{about}: sender delivery status notification ({action}): {id}")
        }
    }
}

fn hop_outcome(result: &HopResult) -> String {
    match result {
        HopResult::NoSession { reason } => reason.clone(),
        HopResult::Session { outcomes, .. } => outcomes
            .iter()
            .map(|(outcome, reply)| match reply {
                Some(reply) => format!("{outcome:?} ({})", reply.summary()),
                None => format!("{outcome:?}"),
            })
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// One entry of the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// Simulated time (Unix seconds).
    pub at: u64,
    /// What happened.
    pub event: NetworkEvent,
}

/// The network, its clock, every host's queue, mailstore and memory, the
/// diagram and the log.
#[derive(Debug, Clone)]
pub struct Simulation {
    network: Network,
    now: u64,
    next_seed: u64,
    policy: QueuePolicy,
    queues: BTreeMap<String, Queue>,
    mailstores: BTreeMap<String, Mailstore>,
    memories: Memories,
    diagram: Diagram,
    log: Vec<LogEntry>,
    checks: Option<Arc<dyn ReceiverChecks>>,
    /// (host in lower case, queue id) of messages the checks quarantined,
    /// until they are filed.
    quarantined: BTreeSet<(String, String)>,
}

impl Simulation {
    /// A simulation of `network` (checked first) starting at `now`; queue
    /// ids and session ids come from `seed`.
    pub fn new(network: Network, now: u64, seed: u64) -> Result<Self, NetworkError> {
        Self::with_policy(network, QueuePolicy::default(), now, seed)
    }

    /// The same with other queue timers and limits.
    pub fn with_policy(
        network: Network,
        policy: QueuePolicy,
        now: u64,
        seed: u64,
    ) -> Result<Self, NetworkError> {
        network.validate()?;
        Ok(Self {
            network,
            now,
            next_seed: seed,
            policy,
            queues: BTreeMap::new(),
            mailstores: BTreeMap::new(),
            memories: Memories::new(),
            diagram: Diagram::default(),
            log: Vec::new(),
            checks: None,
            quarantined: BTreeSet::new(),
        })
    }

    /// Installs the checks every receiving host runs at the end of DATA
    /// (SPF, DKIM, DMARC from smtplab-mailauth): from now on their headers
    /// go on the mail, quarantined mail goes to Junk and refused mail is
    /// answered with their refusal.
    pub fn set_receiver_checks(&mut self, checks: Arc<dyn ReceiverChecks>) {
        self.checks = Some(checks);
    }

    /// The checks installed, if any.
    pub fn receiver_checks(&self) -> Option<&dyn ReceiverChecks> {
        self.checks.as_deref()
    }

    /// The messages in folder `folder` (such as `Junk`) of mailbox `user`
    /// at `host`, oldest first.
    pub fn folder<'a>(&'a self, host: &str, user: &'a str, folder: &'a str) -> Vec<&'a Delivery> {
        self.mailstore(host)
            .map(|store| store.folder(user, folder).collect())
            .unwrap_or_default()
    }

    /// The network being simulated.
    pub fn network(&self) -> &Network {
        &self.network
    }

    /// Changes the network's DNS (see [`ZoneEdit`]); the next check or
    /// route asks the changed zones. A refused edit changes nothing.
    pub fn edit_dns(&mut self, edit: &ZoneEdit) -> Result<(), ZoneEditError> {
        self.network.apply_edit(edit)
    }

    /// The simulated time (Unix seconds).
    pub fn now(&self) -> u64 {
        self.now
    }

    /// A host's queue, if anything was ever queued there.
    pub fn queue(&self, host: &str) -> Option<&Queue> {
        self.queues.get(&host.to_ascii_lowercase())
    }

    /// What a host delivered to its own mailboxes.
    pub fn mailstore(&self, host: &str) -> Option<&Mailstore> {
        self.mailstores.get(&host.to_ascii_lowercase())
    }

    /// The messages in mailbox `user` at `host`, oldest first.
    pub fn mailbox<'a>(&'a self, host: &str, user: &'a str) -> Vec<&'a Delivery> {
        self.mailstore(host)
            .map(|store| store.mailbox(user).collect())
            .unwrap_or_default()
    }

    /// Every conversation and queue decision so far.
    pub fn diagram(&self) -> &Diagram {
        &self.diagram
    }

    /// Everything that happened, in order.
    pub fn log(&self) -> &[LogEntry] {
        &self.log
    }

    /// Takes the event log so far, leaving it empty: a front end that runs
    /// for days (`smtplab serve --network`) writes the entries out and must
    /// not keep them all.
    pub fn take_log(&mut self) -> Vec<LogEntry> {
        core::mem::take(&mut self.log)
    }

    /// Takes every host's filed messages, leaving the mailstores empty
    /// (keyed by host name in lower case), for a front end that writes
    /// them out.
    pub fn take_mailstores(&mut self) -> BTreeMap<String, Mailstore> {
        core::mem::take(&mut self.mailstores)
    }

    /// Forgets the diagram drawn so far (a front end without one).
    pub fn clear_diagram(&mut self) {
        self.diagram = Diagram::default();
    }

    /// When the next queued attempt is due, if any.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.queues.values().filter_map(Queue::poll_timeout).min()
    }

    /// Switches a host on or off (a lesson's "the primary MX goes down");
    /// whether it was found.
    pub fn set_availability(&mut self, host: &str, availability: super::Availability) -> bool {
        let name = super::normalize_name(host);
        let found = self
            .network
            .hosts
            .iter_mut()
            .find(|h| h.name.eq_ignore_ascii_case(&name));
        found.map(|h| h.availability = availability).is_some()
    }

    /// Lets `seconds` of simulated time pass (the shell's `sleep`): every
    /// attempt that falls due on the way runs at its own time, hop by hop.
    pub fn advance(&mut self, seconds: u64) {
        let until = self.now.saturating_add(seconds);
        let mut passes = 0;
        while let Some(due) = self.poll_timeout().filter(|due| *due <= until) {
            self.now = self.now.max(due);
            passes += self.run_due(MAX_PASSES_PER_ADVANCE.saturating_sub(passes));
            if passes >= MAX_PASSES_PER_ADVANCE {
                self.record(NetworkEvent::Stalled);
                break;
            }
        }
        self.now = until;
    }

    fn seed(&mut self) -> u64 {
        self.next_seed = self.next_seed.wrapping_add(1);
        self.next_seed
    }

    fn record(&mut self, event: NetworkEvent) {
        self.log.push(LogEntry {
            at: self.now,
            event,
        });
    }

    /// A host's session accepted `delivery`: every recipient goes into the
    /// host's queue (without the Return-Path, which only final delivery
    /// adds), local ones to be filed at once, the rest relayed.
    fn accept(&mut self, host: &str, delivery: &Delivery) {
        let recipients: Vec<Recipient> = delivery
            .recipients()
            .map(|(address, parameters)| Recipient {
                address: address.to_owned(),
                parameters: parameters.to_vec(),
            })
            .collect();
        if recipients.is_empty() {
            return;
        }
        let key = host.to_ascii_lowercase();
        let seed = self.seed();
        let policy = self.policy;
        let queue = self
            .queues
            .entry(key)
            .or_insert_with(|| Queue::new(host, policy, seed));
        let events = queue.enqueue_as(
            delivery.queue_id.clone(),
            &delivery.envelope.mail_from,
            &delivery.envelope.mail_parameters,
            &recipients,
            delivery.relayed_content(),
            self.now,
        );
        self.queue_events(host, events);
    }

    /// Runs every queue attempt due now, and those the deliveries they make
    /// bring due, at most `budget` passes; returns the passes made.
    fn run_due(&mut self, budget: usize) -> usize {
        let mut passes = 0;
        while passes < budget {
            let due: Vec<String> = self
                .queues
                .iter()
                .filter(|(_, queue)| queue.poll_timeout().is_some_and(|t| t <= self.now))
                .map(|(host, _)| host.clone())
                .collect();
            if due.is_empty() {
                break;
            }
            passes += 1;
            for host in due {
                self.run_host(&host);
            }
        }
        passes
    }

    fn run_host(&mut self, key: &str) {
        let Some(mut queue) = self.queues.remove(key) else {
            return;
        };
        let host = self
            .network
            .host(key)
            .map_or_else(|| key.to_owned(), |h| h.name.clone());
        let seed = self.seed();
        let run = run_queue_checked(
            &self.network,
            &host,
            &mut queue,
            &mut self.memories,
            (seed, self.now),
            self.checks.as_deref(),
        );
        self.queues.insert(key.to_owned(), queue);
        self.take_run(&host, run);
    }

    fn take_run(&mut self, host: &str, run: QueueRun) {
        for (tried, hop) in run.hops {
            self.take_hop(host, &tried, &hop);
        }
        self.queue_events(host, run.events);
    }

    fn take_hop(&mut self, host: &str, tried: &HopTry, hop: &HopRun) {
        self.diagram.add_hop(host, tried, hop, self.now);
        self.record(NetworkEvent::Hop {
            from: host.to_owned(),
            to: tried.hop.host.clone(),
            address: tried.hop.address,
            port: tried.hop.port,
            result: hop.result.clone(),
        });
        if let Some(delivery) = &hop.delivery {
            if hop.quarantined {
                self.quarantine(&tried.hop.host, &delivery.queue_id);
            }
            self.accept(&tried.hop.host, delivery);
        }
    }

    /// Marks a message the checks at `host` quarantined, for `file_local`.
    fn quarantine(&mut self, host: &str, queue_id: &str) {
        self.quarantined
            .insert((host.to_ascii_lowercase(), queue_id.to_owned()));
    }

    fn queue_events(&mut self, host: &str, events: Vec<QueueEvent>) {
        for event in events {
            match &event {
                QueueEvent::Local {
                    id,
                    mail_from,
                    recipients,
                    content,
                } => {
                    let kept = self.forward(host, mail_from, recipients, content);
                    if !kept.is_empty() {
                        let message = LocalMessage {
                            queue_id: id,
                            mail_from,
                            recipients: &kept,
                            content,
                        };
                        self.file_local(host, &message);
                    }
                }
                QueueEvent::Deferred { retry_at, .. } => {
                    let wait = retry_at.saturating_sub(self.now);
                    let note = format!("deferred: next try in {wait} s");
                    self.diagram.note(host, &note, self.now);
                }
                QueueEvent::Failed { recipient, .. } => {
                    let note = format!("gave up on <{recipient}>");
                    self.diagram.note(host, &note, self.now);
                }
                _ => {}
            }
            self.record(NetworkEvent::Queue {
                host: host.to_owned(),
                event,
            });
        }
    }
}

/// A message a host's queue hands back for its own mailboxes.
struct LocalMessage<'a> {
    queue_id: &'a str,
    mail_from: &'a str,
    recipients: &'a [String],
    content: &'a [u8],
}

impl Simulation {
    /// Sends on the recipients of a message for final delivery at `host`
    /// whose mailbox is forwarded: into the host's own queue under a new
    /// id, the envelope sender kept and the forward's footer appended.
    /// Returns the recipients to file here.
    fn forward(
        &mut self,
        host: &str,
        mail_from: &str,
        recipients: &[String],
        content: &[u8],
    ) -> Vec<String> {
        let Some(config) = self.network.host(host).cloned() else {
            return recipients.to_vec();
        };
        let mut kept = Vec::new();
        for recipient in recipients {
            let users = local_users(&config.world, recipient);
            let forward = match users.as_slice() {
                [user] => config.forward_of(user),
                _ => None,
            };
            let Some(forward) = forward else {
                kept.push(recipient.clone());
                continue;
            };
            let mut body = content.to_vec();
            if let Some(footer) = &forward.footer {
                body.extend_from_slice(footer.as_bytes());
            }
            let note = format!("forwarded <{recipient}> to <{}>", forward.to);
            self.diagram.note(host, &note, self.now);
            let seed = self.seed();
            let policy = self.policy;
            let queue = self
                .queues
                .entry(host.to_ascii_lowercase())
                .or_insert_with(|| Queue::new(host, policy, seed));
            let to = [Recipient {
                address: forward.to.clone(),
                parameters: Vec::new(),
            }];
            let events = queue.enqueue(mail_from, &[], &to, body, self.now);
            self.queue_events(host, events);
        }
        kept
    }

    /// Final delivery: the Return-Path goes on top (RFC 5321 section 4.4)
    /// and the message into each recipient's mailbox; a recipient with no
    /// mailbox (a report to a sender who is not a user) goes to postmaster.
    fn file_local(&mut self, host: &str, message: &LocalMessage<'_>) {
        let Some(world) = self.network.host(host).map(|h| &h.world) else {
            return;
        };
        let mut mailboxes: Vec<String> = Vec::new();
        for recipient in message.recipients {
            for user in local_users(world, recipient) {
                if !mailboxes.contains(&user) {
                    mailboxes.push(user);
                }
            }
        }
        let key = (host.to_ascii_lowercase(), message.queue_id.to_owned());
        let folder = self
            .quarantined
            .remove(&key)
            .then(|| JUNK_FOLDER.to_owned());
        let return_path = format!("Return-Path: <{}>", message.mail_from);
        let mut raw = Vec::with_capacity(return_path.len() + 2 + message.content.len());
        raw.extend_from_slice(return_path.as_bytes());
        raw.extend_from_slice(b"\r\n");
        raw.extend_from_slice(message.content);
        let delivery = Delivery {
            queue_id: message.queue_id.to_owned(),
            received_at: self.now,
            envelope: Envelope {
                mail_from: message.mail_from.to_owned(),
                rcpt_to: message.recipients.to_vec(),
                mail_parameters: Vec::new(),
                rcpt_parameters: Vec::new(),
            },
            mailboxes: mailboxes.clone(),
            relayed_to: Vec::new(),
            trace_headers: vec![return_path],
            added_headers: Vec::new(),
            message: String::from_utf8_lossy(&raw).into_owned(),
            raw,
            folder: folder.clone(),
        };
        let note = match folder {
            Some(folder) => format!("filed in {folder} of {}", mailboxes.join(", ")),
            None => format!("delivered to mailbox {}", mailboxes.join(", ")),
        };
        self.diagram.note(host, &note, self.now);
        self.mailstores
            .entry(host.to_ascii_lowercase())
            .or_default()
            .deliver(delivery);
        self.record(NetworkEvent::Filed {
            host: host.to_owned(),
            queue_id: message.queue_id.to_owned(),
            mailboxes,
        });
    }
}

/// The users mail for `address` reaches in `world`; postmaster's when
/// the address reaches nobody.
fn local_users(world: &crate::world::World, address: &str) -> Vec<String> {
    let (local, domain) = address.rsplit_once('@').unwrap_or((address, ""));
    let mailbox = Mailbox {
        local: local.to_owned(),
        domain: domain.to_owned(),
    };
    let postmaster = Mailbox {
        local: "postmaster".into(),
        domain: String::new(),
    };
    [mailbox, postmaster]
        .iter()
        .find_map(|m| match world.destination(m) {
            Destination::Local(users) => Some(users),
            _ => None,
        })
        .unwrap_or_default()
}
