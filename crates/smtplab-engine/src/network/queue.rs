//! A relaying host's queue, as sans-IO state on the simulated clock: a
//! message waits, an attempt tries its next hops in order (falling back on
//! a lost connection or a 4xx), accepted and refused recipients leave it,
//! the rest are retried on an RFC 5321 section 4.5.4.1 schedule until the
//! queue lifetime runs out, and reports go back to the sender as DSNs.
//!
//! ```text
//!  enqueue(message, now) ──► poll_timeout() = when the next attempt is due
//!  start(network, now) ──► Attempt ──► next_hop() ──► connect, talk (client::Client)
//!                              ▲                         │
//!                              └──── record(hop, result) ┘
//!  finish(attempt, now) ──► QueueEvent: Accepted, Local, Deferred { retry_at }, Failed, Report
//! ```

use super::dsn::{recipient_requests, DsnAction, DsnRequest, Notify, RecipientReport, Report};
use super::route::{group_by_domain, route, NextHop, Route};
use super::Network;
use crate::client::{Outcome, Outgoing, Recipient, ServerReply};
use crate::clock::QueueIds;
use crate::enhanced_code::EnhancedCode;
use crate::message::header_fields;

/// RFC 5321 section 4.5.4.1: retry a destination no sooner than 30 minutes
/// after a failed attempt.
pub const FIRST_RETRY_SECS: u64 = 30 * 60;
/// Each further retry waits twice as long, up to this (Postfix's
/// `maximal_backoff_time` is 4000 s; sendmail's queue runs hourly).
pub const MAX_RETRY_INTERVAL_SECS: u64 = 4 * 3600;
/// RFC 5321 section 4.5.4.1: give up after at least 4 to 5 days.
pub const QUEUE_LIFETIME_SECS: u64 = 5 * 86_400;
/// A delay report goes out once a message has waited this long
/// (sendmail's `Timeout.queuewarn`).
pub const DELAY_WARNING_SECS: u64 = 4 * 3600;
/// RFC 5321 section 6.3: a message with more Received fields than this is
/// looping and is returned; the RFC asks for a threshold of at least 100.
pub const MAX_RECEIVED_HOPS: usize = 100;

/// The queue's timers and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePolicy {
    /// Wait before the first retry.
    pub first_retry_secs: u64,
    /// Longest wait between retries.
    pub max_retry_interval_secs: u64,
    /// When to give up.
    pub lifetime_secs: u64,
    /// When to send a delay report.
    pub delay_warning_secs: u64,
    /// Received fields allowed before a message counts as looping.
    pub max_hops: usize,
}

impl Default for QueuePolicy {
    fn default() -> Self {
        Self {
            first_retry_secs: FIRST_RETRY_SECS,
            max_retry_interval_secs: MAX_RETRY_INTERVAL_SECS,
            lifetime_secs: QUEUE_LIFETIME_SECS,
            delay_warning_secs: DELAY_WARNING_SECS,
            max_hops: MAX_RECEIVED_HOPS,
        }
    }
}

impl QueuePolicy {
    /// The wait after `attempts` failed attempts: 30 min, 1 h, 2 h, 4 h, 4 h...
    pub fn retry_interval(&self, attempts: u32) -> u64 {
        let doublings = attempts.saturating_sub(1).min(16);
        self.first_retry_secs
            .saturating_mul(1 << doublings)
            .min(self.max_retry_interval_secs)
    }
}

/// Where a recipient stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecipientState {
    /// Still to be delivered; the last temporary problem, if any.
    Pending(Option<Problem>),
    /// Accepted by the next hop or delivered here.
    Done,
    /// Given up on.
    Failed,
}

/// What went wrong for a recipient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// RFC 3463 status.
    pub status: EnhancedCode,
    /// The reply, or what happened instead of one.
    pub diagnostic: String,
    /// The server that said it.
    pub remote_mta: Option<String>,
}

/// One recipient of a queued message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedRecipient {
    /// The address.
    pub address: String,
    /// NOTIFY.
    pub notify: Notify,
    /// ORCPT, decoded.
    pub orcpt: Option<String>,
    /// Where it stands.
    pub state: RecipientState,
}

/// A message waiting in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMessage {
    /// Queue id.
    pub id: String,
    /// Reverse-path (empty: the null sender).
    pub mail_from: String,
    /// RET and ENVID.
    pub request: DsnRequest,
    /// Recipients.
    pub recipients: Vec<QueuedRecipient>,
    /// The message as queued (this host's Received field on top).
    pub content: Vec<u8>,
    /// When it arrived.
    pub arrived_at: u64,
    /// Attempts made so far.
    pub attempts: u32,
    /// When the next attempt is due.
    pub next_attempt_at: u64,
    /// Whether the delay report went out.
    pub delay_reported: bool,
}

/// What the queue did, for the log, the mailboxes view and the diagram.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueEvent {
    /// A message entered the queue.
    Queued {
        /// Its id.
        id: String,
    },
    /// The next hop took responsibility for a recipient.
    Accepted {
        /// Queue id.
        id: String,
        /// The recipient.
        recipient: String,
        /// The host that took it.
        host: String,
    },
    /// Recipients this host delivers itself: the caller files them.
    Local {
        /// Queue id.
        id: String,
        /// The reverse-path.
        mail_from: String,
        /// The recipients.
        recipients: Vec<String>,
        /// The message.
        content: Vec<u8>,
    },
    /// Recipients left for a later attempt.
    Deferred {
        /// Queue id.
        id: String,
        /// The recipients.
        recipients: Vec<String>,
        /// When the next attempt is due.
        retry_at: u64,
    },
    /// A recipient given up on.
    Failed {
        /// Queue id.
        id: String,
        /// The recipient.
        recipient: String,
        /// Why.
        problem: Problem,
    },
    /// A delivery report was queued for the sender.
    Report {
        /// The report's own queue id.
        id: String,
        /// The message it reports on.
        about: String,
        /// What it reports.
        action: DsnAction,
    },
}

/// What became of one hop of an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HopResult {
    /// No SMTP session: refused, timed out, or a greeting that was not 220.
    NoSession {
        /// What happened, as a log would say it.
        reason: String,
    },
    /// The session ran; one outcome per recipient of the hop, in order.
    Session {
        /// Whether the server offered DSN (RFC 3461).
        dsn_offered: bool,
        /// Each recipient's outcome and the reply that decided it.
        outcomes: Vec<(Outcome, Option<ServerReply>)>,
    },
}

/// One hop to try, with the recipients still waiting for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopTry {
    /// Where to connect.
    pub hop: NextHop,
    /// Indexes into the message's recipients.
    pub recipients: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Accepted { host: String, relayed: bool },
    Local,
    Failed(Problem),
    Deferred(Problem),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Group {
    recipients: Vec<usize>,
    hops: Vec<NextHop>,
    next: usize,
}

/// One delivery attempt of one message: its hops, tried in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The message's queue id.
    pub id: String,
    groups: Vec<Group>,
    verdicts: Vec<Option<Verdict>>,
}

impl Attempt {
    /// The next hop to try, or `None` when every recipient is settled or
    /// out of hops.
    pub fn next_hop(&mut self) -> Option<HopTry> {
        for group in &mut self.groups {
            let waiting: Vec<usize> = group
                .recipients
                .iter()
                .copied()
                .filter(|r| matches!(self.verdicts[*r], None | Some(Verdict::Deferred(_))))
                .collect();
            if waiting.is_empty() || group.next >= group.hops.len() {
                continue;
            }
            group.next += 1;
            return Some(HopTry {
                hop: group.hops[group.next - 1].clone(),
                recipients: waiting,
            });
        }
        None
    }

    /// What a hop did; 4xx and lost connections leave the recipients for
    /// the next hop.
    pub fn record(&mut self, tried: &HopTry, result: HopResult) {
        let host = tried.hop.host.clone();
        match result {
            HopResult::NoSession { reason } => {
                let problem = Problem {
                    status: EnhancedCode::new(4, 4, 1),
                    diagnostic: format!(
                        "connect to {host}[{}]:{}: {reason}",
                        tried.hop.address, tried.hop.port
                    ),
                    remote_mta: None,
                };
                for recipient in &tried.recipients {
                    self.verdicts[*recipient] = Some(Verdict::Deferred(problem.clone()));
                }
            }
            HopResult::Session {
                dsn_offered,
                outcomes,
            } => {
                for (recipient, (outcome, reply)) in tried.recipients.iter().zip(outcomes) {
                    self.verdicts[*recipient] = Some(verdict(&host, dsn_offered, outcome, reply));
                }
            }
        }
    }
}

fn verdict(host: &str, dsn_offered: bool, outcome: Outcome, reply: Option<ServerReply>) -> Verdict {
    let problem = |class: u8| Problem {
        status: reply
            .as_ref()
            .and_then(|r| r.enhanced)
            .filter(|e| e.class == class)
            .unwrap_or(EnhancedCode::new(class, 0, 0)),
        diagnostic: reply.as_ref().map_or_else(
            || "lost connection during the session".into(),
            ServerReply::summary,
        ),
        remote_mta: Some(host.to_owned()),
    };
    match outcome {
        Outcome::Accepted => Verdict::Accepted {
            host: host.to_owned(),
            relayed: !dsn_offered,
        },
        Outcome::Failed => Verdict::Failed(problem(5)),
        Outcome::Deferred => Verdict::Deferred(problem(4)),
    }
}

/// A host's outgoing queue.
#[derive(Debug, Clone)]
pub struct Queue {
    host: String,
    policy: QueuePolicy,
    messages: Vec<QueuedMessage>,
    ids: QueueIds,
}

impl Queue {
    /// An empty queue for host `host`; ids come from `seed`.
    pub fn new(host: &str, policy: QueuePolicy, seed: u64) -> Self {
        Self {
            host: host.to_owned(),
            policy,
            messages: Vec::new(),
            ids: QueueIds::new(seed),
        }
    }

    /// The messages waiting, oldest first.
    pub fn messages(&self) -> &[QueuedMessage] {
        &self.messages
    }

    /// When the next attempt is due, if anything waits.
    pub fn poll_timeout(&self) -> Option<u64> {
        self.messages.iter().map(|m| m.next_attempt_at).min()
    }

    /// Queues a message (its RCPT parameters carry NOTIFY/ORCPT, its MAIL
    /// parameters RET/ENVID). A message already past the hop limit is
    /// returned at once (RFC 5321 section 6.3).
    pub fn enqueue(
        &mut self,
        mail_from: &str,
        mail_parameters: &[String],
        recipients: &[Recipient],
        content: Vec<u8>,
        now: u64,
    ) -> Vec<QueueEvent> {
        let id = self.ids.next_id();
        self.enqueue_as(id, mail_from, mail_parameters, recipients, content, now)
    }

    /// [`Queue::enqueue`] under the id the host's session already gave the
    /// message in its `250 ... queued as` reply and Received field, so one
    /// id follows it from the reply to the log and the mailbox.
    pub fn enqueue_as(
        &mut self,
        id: String,
        mail_from: &str,
        mail_parameters: &[String],
        recipients: &[Recipient],
        content: Vec<u8>,
        now: u64,
    ) -> Vec<QueueEvent> {
        let message = QueuedMessage {
            id,
            mail_from: mail_from.to_owned(),
            request: DsnRequest::from_mail_parameters(mail_parameters),
            recipients: recipients
                .iter()
                .map(|r| {
                    let (notify, orcpt) = recipient_requests(&r.parameters);
                    QueuedRecipient {
                        address: r.address.clone(),
                        notify,
                        orcpt,
                        state: RecipientState::Pending(None),
                    }
                })
                .collect(),
            content,
            arrived_at: now,
            attempts: 0,
            next_attempt_at: now,
            delay_reported: false,
        };
        let mut events = vec![QueueEvent::Queued {
            id: message.id.clone(),
        }];
        let hops = header_fields(&message.content)
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("Received"))
            .count();
        self.messages.push(message);
        if hops > self.policy.max_hops {
            let problem = Problem {
                status: EnhancedCode::new(5, 4, 6),
                diagnostic: format!(
                    "too many hops: {hops} Received header fields, more than {} (RFC 5321 section 6.3): a mail loop",
                    self.policy.max_hops
                ),
                remote_mta: None,
            };
            let index = self.messages.len() - 1;
            let verdicts =
                vec![Some(Verdict::Failed(problem)); self.messages[index].recipients.len()];
            events.extend(self.settle(index, verdicts, now));
        }
        events
    }

    /// Starts an attempt on the first message due at `now`: its
    /// recipients routed by domain, local ones and unroutable ones settled
    /// at once.
    pub fn start(&mut self, network: &Network, now: u64) -> Option<Attempt> {
        let message = self.messages.iter().find(|m| m.next_attempt_at <= now)?;
        let waiting: Vec<&str> = message
            .recipients
            .iter()
            .map(|r| r.address.as_str())
            .collect();
        let mut attempt = Attempt {
            id: message.id.clone(),
            groups: Vec::new(),
            verdicts: message
                .recipients
                .iter()
                .map(|r| match r.state {
                    RecipientState::Pending(_) => None,
                    RecipientState::Done => Some(Verdict::Local),
                    RecipientState::Failed => Some(Verdict::Failed(unroutable_placeholder())),
                })
                .collect(),
        };
        for (domain, members) in group_by_domain(waiting) {
            let members: Vec<usize> = members
                .into_iter()
                .filter(|m| attempt.verdicts[*m].is_none())
                .collect();
            match route(network, &self.host, &domain) {
                Ok(Route::Local) => members
                    .iter()
                    .for_each(|m| attempt.verdicts[*m] = Some(Verdict::Local)),
                Ok(Route::Relay(hops)) => attempt.groups.push(Group {
                    recipients: members,
                    hops,
                    next: 0,
                }),
                Err(error) => {
                    let problem = Problem {
                        status: error.status(),
                        diagnostic: error.to_string(),
                        remote_mta: None,
                    };
                    for member in members {
                        attempt.verdicts[member] = Some(Verdict::Failed(problem.clone()));
                    }
                }
            }
        }
        Some(attempt)
    }

    /// The message as a hop is sent it: DSN parameters passed on only to
    /// a server that offers DSN (RFC 3461 section 4).
    pub fn outgoing(
        &self,
        attempt: &Attempt,
        tried: &HopTry,
        dsn_offered: bool,
    ) -> Option<Outgoing> {
        let message = self.messages.iter().find(|m| m.id == attempt.id)?;
        let recipients = tried
            .recipients
            .iter()
            .filter_map(|index| message.recipients.get(*index))
            .map(|r| Recipient {
                address: r.address.clone(),
                parameters: if dsn_offered {
                    r.notify
                        .parameter()
                        .into_iter()
                        .chain(
                            r.orcpt
                                .as_ref()
                                .map(|o| format!("ORCPT={}", super::dsn::xtext_encode(o))),
                        )
                        .collect()
                } else {
                    Vec::new()
                },
            })
            .collect();
        Some(Outgoing {
            mail_from: message.mail_from.clone(),
            mail_parameters: if dsn_offered {
                message.request.parameters()
            } else {
                Vec::new()
            },
            recipients,
            content: message.content.clone(),
            transfer: crate::client::Transfer::Auto,
        })
    }
}

/// A recipient settled before this attempt keeps its state; this value
/// is never reported (settle skips recipients no longer pending).
fn unroutable_placeholder() -> Problem {
    Problem {
        status: EnhancedCode::new(5, 0, 0),
        diagnostic: String::new(),
        remote_mta: None,
    }
}

impl Queue {
    /// Ends an attempt: settled recipients leave, the rest wait for the
    /// next retry or, past the queue lifetime, fail; reports are queued.
    pub fn finish(&mut self, attempt: Attempt, now: u64) -> Vec<QueueEvent> {
        match self.messages.iter().position(|m| m.id == attempt.id) {
            Some(index) => self.settle(index, attempt.verdicts, now),
            None => Vec::new(),
        }
    }

    fn settle(
        &mut self,
        index: usize,
        verdicts: Vec<Option<Verdict>>,
        now: u64,
    ) -> Vec<QueueEvent> {
        let policy = self.policy;
        let message = &mut self.messages[index];
        let id = message.id.clone();
        let expired = now >= message.arrived_at.saturating_add(policy.lifetime_secs);
        let mut events = Vec::new();
        let mut reports: Vec<RecipientReport> = Vec::new();
        let mut local = Vec::new();
        for (recipient, verdict) in message.recipients.iter_mut().zip(verdicts) {
            if !matches!(recipient.state, RecipientState::Pending(_)) {
                continue;
            }
            let verdict = match (verdict, expired) {
                (Some(Verdict::Deferred(problem)), true) => Some(Verdict::Failed(expire(problem))),
                (None, true) => Some(Verdict::Failed(expire(pending_problem(&recipient.state)))),
                (verdict, _) => verdict,
            };
            let mut news = Settled {
                id: &id,
                now,
                events: &mut events,
                reports: &mut reports,
                local: &mut local,
            };
            news.apply(recipient, verdict);
        }
        if !local.is_empty() {
            events.insert(
                0,
                QueueEvent::Local {
                    id: id.clone(),
                    mail_from: self.messages[index].mail_from.clone(),
                    recipients: local,
                    content: self.messages[index].content.clone(),
                },
            );
        }
        events.extend(self.reschedule(index, &mut reports, now));
        events.extend(self.send_reports(index, reports, now));
        if !self.messages[index]
            .recipients
            .iter()
            .any(|r| matches!(r.state, RecipientState::Pending(_)))
        {
            self.messages.remove(index);
        }
        events
    }

    /// Sets the next attempt for what is still pending; adds delay
    /// reports once the message has waited long enough.
    fn reschedule(
        &mut self,
        index: usize,
        reports: &mut Vec<RecipientReport>,
        now: u64,
    ) -> Option<QueueEvent> {
        let policy = self.policy;
        let message = &mut self.messages[index];
        let waiting: Vec<&QueuedRecipient> = message
            .recipients
            .iter()
            .filter(|r| matches!(r.state, RecipientState::Pending(_)))
            .collect();
        if waiting.is_empty() {
            return None;
        }
        message.attempts += 1;
        let give_up_at = message.arrived_at.saturating_add(policy.lifetime_secs);
        let retry_at = now
            .saturating_add(policy.retry_interval(message.attempts))
            .min(give_up_at);
        let warn = !message.delay_reported
            && now.saturating_sub(message.arrived_at) >= policy.delay_warning_secs;
        if warn {
            for recipient in waiting
                .iter()
                .filter(|r| r.notify.wants(DsnAction::Delayed))
            {
                let problem = pending_problem(&recipient.state);
                reports.push(RecipientReport {
                    address: recipient.address.clone(),
                    original: recipient.orcpt.clone(),
                    action: DsnAction::Delayed,
                    status: EnhancedCode::new(4, problem.status.subject, problem.status.detail),
                    remote_mta: problem.remote_mta.clone(),
                    diagnostic: problem.diagnostic.clone(),
                    last_attempt: now,
                    will_retry_until: Some(give_up_at),
                });
            }
        }
        let recipients = waiting.iter().map(|r| r.address.clone()).collect();
        message.delay_reported |= warn;
        message.next_attempt_at = retry_at;
        Some(QueueEvent::Deferred {
            id: message.id.clone(),
            recipients,
            retry_at,
        })
    }

    /// Queues one report per kind of news (failures, delays, successes)
    /// to the sender, from the null sender so it can never bounce itself.
    fn send_reports(
        &mut self,
        index: usize,
        reports: Vec<RecipientReport>,
        now: u64,
    ) -> Vec<QueueEvent> {
        let mut events = Vec::new();
        for action in [
            DsnAction::Failed,
            DsnAction::Delayed,
            DsnAction::Delivered,
            DsnAction::Relayed,
        ] {
            let recipients: Vec<RecipientReport> = reports
                .iter()
                .filter(|r| r.action == action)
                .cloned()
                .collect();
            let message = &self.messages[index];
            let report = Report {
                reporting_mta: &self.host,
                queue_id: &message.id,
                sender: &message.mail_from,
                request: &message.request,
                arrival: message.arrived_at,
                recipients: &recipients,
                original: &message.content,
            };
            let Some(content) = report.to_message(now) else {
                continue;
            };
            let about = message.id.clone();
            let sender = Recipient::new(message.mail_from.clone());
            let queued = self.enqueue("", &[], &[sender], content, now);
            if let Some(QueueEvent::Queued { id }) = queued.first() {
                events.push(QueueEvent::Report {
                    id: id.clone(),
                    about,
                    action,
                });
            }
        }
        events
    }
}

/// Where one recipient's verdict is written down.
struct Settled<'a> {
    id: &'a str,
    now: u64,
    events: &'a mut Vec<QueueEvent>,
    reports: &'a mut Vec<RecipientReport>,
    local: &'a mut Vec<String>,
}

impl Settled<'_> {
    fn report(
        &self,
        recipient: &QueuedRecipient,
        action: DsnAction,
        problem: Option<&Problem>,
    ) -> RecipientReport {
        RecipientReport {
            address: recipient.address.clone(),
            original: recipient.orcpt.clone(),
            action,
            status: problem.map_or(EnhancedCode::new(2, 0, 0), |p| p.status),
            remote_mta: problem.and_then(|p| p.remote_mta.clone()),
            diagnostic: problem.map_or_else(|| "delivered".into(), |p| p.diagnostic.clone()),
            last_attempt: self.now,
            will_retry_until: None,
        }
    }

    fn apply(&mut self, recipient: &mut QueuedRecipient, verdict: Option<Verdict>) {
        let id = self.id.to_owned();
        match verdict {
            Some(Verdict::Accepted { host, relayed }) => {
                if relayed && recipient.notify.wants(DsnAction::Relayed) {
                    let mut report = self.report(recipient, DsnAction::Relayed, None);
                    report.remote_mta = Some(host.clone());
                    report.diagnostic = format!("relayed to {host}, which does not offer DSN");
                    self.reports.push(report);
                }
                let recipient_address = recipient.address.clone();
                self.events.push(QueueEvent::Accepted {
                    id,
                    recipient: recipient_address,
                    host,
                });
                recipient.state = RecipientState::Done;
            }
            Some(Verdict::Local) => {
                if recipient.notify.wants(DsnAction::Delivered) {
                    let report = self.report(recipient, DsnAction::Delivered, None);
                    self.reports.push(report);
                }
                self.local.push(recipient.address.clone());
                recipient.state = RecipientState::Done;
            }
            Some(Verdict::Failed(problem)) => {
                if recipient.notify.wants(DsnAction::Failed) {
                    let report = self.report(recipient, DsnAction::Failed, Some(&problem));
                    self.reports.push(report);
                }
                let recipient_address = recipient.address.clone();
                self.events.push(QueueEvent::Failed {
                    id,
                    recipient: recipient_address,
                    problem,
                });
                recipient.state = RecipientState::Failed;
            }
            Some(Verdict::Deferred(problem)) => {
                recipient.state = RecipientState::Pending(Some(problem))
            }
            None => {}
        }
    }
}

fn pending_problem(state: &RecipientState) -> Problem {
    match state {
        RecipientState::Pending(Some(problem)) => problem.clone(),
        _ => Problem {
            status: EnhancedCode::new(4, 4, 7),
            diagnostic: "not yet tried".into(),
            remote_mta: None,
        },
    }
}

/// RFC 3463 X.4.7: delivery time expired; the last problem is kept in the text.
fn expire(problem: Problem) -> Problem {
    Problem {
        status: EnhancedCode::new(4, 4, 7),
        diagnostic: format!(
            "message delivery time expired; last problem: {}",
            problem.diagnostic
        ),
        remote_mta: problem.remote_mta,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_796_239_285;
    const CONTENT: &[u8] = b"Received: from pc42.dsl.isp.example by smtp.isp.example\r\nFrom: you@isp.example\r\nSubject: Hi\r\n\r\nSecret body\r\n";

    fn reply(code: u16, text: &str) -> Option<ServerReply> {
        Some(ServerReply {
            code,
            enhanced: EnhancedCode::parse(text.split(' ').next().unwrap_or("")),
            lines: vec![text
                .split_once(' ')
                .map_or(text, |(_, rest)| rest)
                .to_owned()],
            bare_lf: false,
            truncated: false,
        })
    }

    fn queue_with(recipients: &[Recipient], mail_parameters: &[String]) -> Queue {
        let mut queue = Queue::new("smtp.isp.example", QueuePolicy::default(), 7);
        queue.enqueue(
            "you@isp.example",
            mail_parameters,
            recipients,
            CONTENT.to_vec(),
            T0,
        );
        queue
    }

    fn rcpt(address: &str, parameters: &[&str]) -> Recipient {
        Recipient {
            address: address.into(),
            parameters: parameters.iter().map(|p| (*p).to_owned()).collect(),
        }
    }

    /// Runs one attempt, answering each hop with the next scripted result.
    fn attempt(
        queue: &mut Queue,
        now: u64,
        script: &mut Vec<HopResult>,
    ) -> (Vec<String>, Vec<QueueEvent>) {
        let network = Network::default();
        let mut attempt = queue.start(&network, now).expect("due");
        let mut tried = Vec::new();
        while let Some(hop) = attempt.next_hop() {
            tried.push(format!("{}[{}]", hop.hop.host, hop.hop.address));
            let result = if script.is_empty() {
                HopResult::NoSession {
                    reason: "Connection timed out".into(),
                }
            } else {
                script.remove(0)
            };
            attempt.record(&hop, result);
        }
        (tried, queue.finish(attempt, now))
    }

    fn session(outcomes: Vec<(Outcome, Option<ServerReply>)>) -> HopResult {
        HopResult::Session {
            dsn_offered: true,
            outcomes,
        }
    }

    fn report_text(queue: &Queue) -> String {
        let report = queue
            .messages()
            .iter()
            .find(|m| m.mail_from.is_empty())
            .expect("a report");
        assert_eq!(report.recipients[0].address, "you@isp.example");
        String::from_utf8_lossy(&report.content).into_owned()
    }

    #[test]
    fn falls_back_to_the_next_hop_on_no_session_and_4xx() {
        let mut queue = queue_with(&[rcpt("bob@example.org", &[])], &[]);
        let mut script = vec![
            HopResult::NoSession {
                reason: "Connection refused".into(),
            },
            session(vec![(Outcome::Deferred, reply(451, "4.7.1 Greylisted"))]),
            session(vec![(Outcome::Accepted, reply(250, "2.0.0 Ok: queued"))]),
        ];
        let (tried, events) = attempt(&mut queue, T0, &mut script);
        assert_eq!(
            tried,
            [
                "mx1.example.org[198.51.100.10]",
                "mx1.example.org[2001:db8:51::10]",
                "mx2.example.org[198.51.100.20]"
            ]
        );
        assert!(
            matches!(events.as_slice(), [QueueEvent::Accepted { recipient, host, .. }] if recipient == "bob@example.org" && host == "mx2.example.org"),
            "{events:?}"
        );
        assert!(
            queue.messages().is_empty(),
            "delivered messages leave the queue"
        );
        assert_eq!(queue.poll_timeout(), None);
    }

    #[test]
    fn retries_follow_the_schedule_then_expire_with_a_bounce() {
        let mut queue = queue_with(&[rcpt("info@down.example", &["NOTIFY=FAILURE"])], &[]);
        let mut now = T0;
        let mut waits = Vec::new();
        loop {
            let (tried, events) = attempt(&mut queue, now, &mut Vec::new());
            assert_eq!(tried, ["mail.down.example[192.0.2.25]"]);
            match events.iter().find_map(|e| match e {
                QueueEvent::Deferred { retry_at, .. } => Some(*retry_at),
                _ => None,
            }) {
                Some(retry_at) => {
                    assert!(
                        queue.start(&Network::default(), retry_at - 1).is_none(),
                        "not due before its time"
                    );
                    waits.push(retry_at - now);
                    now = retry_at;
                }
                None => {
                    assert!(events.iter().any(|e| matches!(e, QueueEvent::Failed { problem, .. } if problem.status.to_string() == "4.4.7")), "{events:?}");
                    assert!(events.iter().any(|e| matches!(
                        e,
                        QueueEvent::Report {
                            action: DsnAction::Failed,
                            ..
                        }
                    )));
                    break;
                }
            }
        }
        assert_eq!(&waits[..5], [1800, 3600, 7200, 14_400, 14_400]);
        assert_eq!(
            now,
            T0 + QUEUE_LIFETIME_SECS,
            "the last attempt is at the give-up time"
        );
        let bounce = report_text(&queue);
        assert!(
            bounce.contains("Action: failed\r\nStatus: 4.4.7\r\n"),
            "{bounce}"
        );
        assert!(bounce.contains("message delivery time expired; last problem: connect to mail.down.example[192.0.2.25]:25: Connection timed out"), "{bounce}");
    }

    #[test]
    fn a_delay_report_goes_out_once_after_four_hours() {
        let mut queue = queue_with(&[rcpt("info@down.example", &["NOTIFY=DELAY,FAILURE"])], &[]);
        let mut delays = 0;
        let mut now = T0;
        for _ in 0..6 {
            let (_, events) = attempt(&mut queue, now, &mut Vec::new());
            delays += events
                .iter()
                .filter(|e| {
                    matches!(
                        e,
                        QueueEvent::Report {
                            action: DsnAction::Delayed,
                            ..
                        }
                    )
                })
                .count();
            now = queue
                .messages()
                .iter()
                .find(|m| !m.mail_from.is_empty())
                .unwrap()
                .next_attempt_at;
            while queue
                .messages()
                .first()
                .is_some_and(|m| m.mail_from.is_empty())
            {
                queue.messages.remove(0);
            }
        }
        assert_eq!(delays, 1);
    }

    #[test]
    fn refusals_bounce_only_the_refused_and_honour_notify() {
        let recipients = [
            rcpt("bob@example.org", &[]),
            rcpt(
                "nobody@example.org",
                &["NOTIFY=FAILURE", "ORCPT=rfc822;Nobody+2BTag@Example.ORG"],
            ),
            rcpt("quiet@example.org", &["NOTIFY=NEVER"]),
        ];
        let mut queue = queue_with(&recipients, &["RET=HDRS".into(), "ENVID=abc+2Bdef".into()]);
        let unknown = reply(550, "5.1.1 <x>: Recipient address rejected: User unknown");
        let mut script = vec![session(vec![
            (Outcome::Accepted, reply(250, "2.1.5 Ok")),
            (Outcome::Failed, unknown.clone()),
            (Outcome::Failed, unknown),
        ])];
        let (tried, events) = attempt(&mut queue, T0, &mut script);
        assert_eq!(tried.len(), 1, "5xx is final: no fallback");
        let failed: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                QueueEvent::Failed { recipient, .. } => Some(recipient.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(failed, ["nobody@example.org", "quiet@example.org"]);
        let bounce = report_text(&queue);
        for expected in [
            "From: Mail Delivery System <MAILER-DAEMON@smtp.isp.example>\r\n",
            "To: <you@isp.example>\r\n",
            "Subject: Undelivered Mail Returned to Sender\r\n",
            "Content-Type: multipart/report; report-type=delivery-status;\r\n",
            "Reporting-MTA: dns; smtp.isp.example\r\nOriginal-Envelope-Id: abc+def\r\n",
            "Final-Recipient: rfc822; nobody@example.org\r\nOriginal-Recipient: rfc822; Nobody+Tag@Example.ORG\r\nAction: failed\r\nStatus: 5.1.1\r\nRemote-MTA: dns; mx1.example.org\r\nDiagnostic-Code: smtp; 550 5.1.1 <x>: Recipient address rejected: User unknown\r\n",
            "Content-Type: text/rfc822-headers\r\n\r\nReceived: from pc42.dsl.isp.example by smtp.isp.example\r\nFrom: you@isp.example\r\nSubject: Hi\r\n",
        ] {
            assert!(bounce.contains(expected), "missing {expected:?} in\n{bounce}");
        }
        assert!(
            !bounce.contains("quiet@example.org"),
            "NOTIFY=NEVER: not reported"
        );
        assert!(
            !bounce.contains("bob@example.org"),
            "accepted: not reported"
        );
        assert!(!bounce.contains("Secret body"), "RET=HDRS: headers only");
    }

    #[test]
    fn ret_full_returns_the_body_and_the_null_sender_gets_nothing() {
        let mut queue = queue_with(&[rcpt("x@nomail.example", &[])], &["RET=FULL".into()]);
        let (tried, events) = attempt(&mut queue, T0, &mut Vec::new());
        assert!(tried.is_empty(), "a null MX is never tried");
        assert!(events.iter().any(|e| matches!(e, QueueEvent::Failed { problem, .. } if problem.status.to_string() == "5.1.10")));
        let bounce = report_text(&queue);
        assert!(
            bounce.contains("Content-Type: message/rfc822\r\n") && bounce.contains("Secret body"),
            "{bounce}"
        );
        let mut silent = Queue::new("smtp.isp.example", QueuePolicy::default(), 1);
        silent.enqueue(
            "",
            &[],
            &[rcpt("x@nosuch.example", &[])],
            CONTENT.to_vec(),
            T0,
        );
        let (_, events) = attempt(&mut silent, T0, &mut Vec::new());
        assert!(events
            .iter()
            .any(|e| matches!(e, QueueEvent::Failed { .. })));
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, QueueEvent::Report { .. })),
            "no bounce for a null sender"
        );
        assert!(silent.messages().is_empty());
    }

    #[test]
    fn looping_messages_are_returned_at_the_hop_limit() {
        let policy = QueuePolicy {
            max_hops: 3,
            ..QueuePolicy::default()
        };
        let looping = b"Received: a\r\nReceived: b\r\nReceived: c\r\nReceived: d\r\nSubject: loop\r\n\r\nx\r\n".to_vec();
        let mut queue = Queue::new("mx2.example.org", policy, 3);
        let events = queue.enqueue(
            "you@isp.example",
            &[],
            &[rcpt("bob@example.org", &[])],
            looping.clone(),
            T0,
        );
        assert!(events.iter().any(|e| matches!(e, QueueEvent::Failed { problem, .. } if problem.status.to_string() == "5.4.6")), "{events:?}");
        assert!(events.iter().any(|e| matches!(
            e,
            QueueEvent::Report {
                action: DsnAction::Failed,
                ..
            }
        )));
        let at_limit = looping[13..].to_vec();
        let events = queue.enqueue(
            "you@isp.example",
            &[],
            &[rcpt("bob@example.org", &[])],
            at_limit,
            T0,
        );
        assert_eq!(events.len(), 1, "three Received fields pass: {events:?}");
    }

    #[test]
    fn dsn_parameters_go_only_to_servers_that_offer_dsn() {
        let recipients = [rcpt(
            "bob@example.org",
            &["NOTIFY=SUCCESS", "ORCPT=rfc822;bob@example.org"],
        )];
        let mut queue = queue_with(&recipients, &["RET=FULL".into(), "ENVID=QQ314159".into()]);
        let network = Network::default();
        let mut attempt = queue.start(&network, T0).unwrap();
        let hop = attempt.next_hop().unwrap();
        let with = queue.outgoing(&attempt, &hop, true).unwrap();
        assert_eq!(with.mail_parameters, ["RET=FULL", "ENVID=QQ314159"]);
        assert_eq!(
            with.recipients[0].parameters,
            ["NOTIFY=SUCCESS", "ORCPT=rfc822;bob@example.org"]
        );
        let without = queue.outgoing(&attempt, &hop, false).unwrap();
        assert!(without.mail_parameters.is_empty() && without.recipients[0].parameters.is_empty());
        attempt.record(
            &hop,
            HopResult::Session {
                dsn_offered: false,
                outcomes: vec![(Outcome::Accepted, reply(250, "2.0.0 Ok"))],
            },
        );
        let events = queue.finish(attempt, T0);
        assert!(
            events.iter().any(|e| matches!(
                e,
                QueueEvent::Report {
                    action: DsnAction::Relayed,
                    ..
                }
            )),
            "{events:?}"
        );
        let report = report_text(&queue);
        assert!(
            report.contains("Action: relayed\r\nStatus: 2.0.0\r\nRemote-MTA: dns; mx2.example.org")
                || report.contains(
                    "Action: relayed\r\nStatus: 2.0.0\r\nRemote-MTA: dns; mx1.example.org"
                ),
            "{report}"
        );
        assert!(report.contains("Subject: Successful Mail Delivery Report"));
    }

    /// Plays attempts until the message leaves the queue, each hop's
    /// result drawn from `choices`; returns the terminal recipients seen.
    fn play_out(queue: &mut Queue, choices: &[u8]) -> (Vec<String>, u64) {
        let network = Network::default();
        let original = queue.messages()[0].id.clone();
        let mut choices = choices.iter().cycle();
        let mut settled = Vec::new();
        let mut now = T0;
        while queue.messages().iter().any(|m| m.id == original) {
            let mut attempt = queue.start(&network, now).expect("due at poll_timeout");
            while let Some(hop) = attempt.next_hop() {
                let pick = |c: &u8| match c % 3 {
                    0 => (Outcome::Accepted, reply(250, "2.0.0 Ok")),
                    1 => (Outcome::Deferred, reply(451, "4.3.0 Try later")),
                    _ => (Outcome::Failed, reply(550, "5.7.1 No")),
                };
                let result = match choices.next() {
                    Some(c) if c % 4 == 0 => HopResult::NoSession {
                        reason: "Connection refused".into(),
                    },
                    _ => HopResult::Session {
                        dsn_offered: true,
                        outcomes: hop
                            .recipients
                            .iter()
                            .map(|_| pick(choices.next().unwrap_or(&0)))
                            .collect(),
                    },
                };
                attempt.record(&hop, result);
            }
            for event in queue.finish(attempt, now) {
                match event {
                    QueueEvent::Accepted { id, recipient, .. }
                    | QueueEvent::Failed { id, recipient, .. }
                        if id == original =>
                    {
                        settled.push(recipient)
                    }
                    QueueEvent::Local { id, recipients, .. } if id == original => {
                        settled.extend(recipients)
                    }
                    _ => {}
                }
            }
            // Reports are delivered locally or routed on; drop them here.
            queue.messages.retain(|m| m.id == original);
            match queue.poll_timeout() {
                Some(next) => {
                    assert!(next > now, "time moves on");
                    now = next;
                }
                None => break,
            }
        }
        (settled, now)
    }

    proptest::proptest! {
        #[test]
        fn every_recipient_is_settled_once_within_the_lifetime(
            picks in proptest::collection::vec(0..4usize, 1..5),
            choices in proptest::collection::vec(proptest::num::u8::ANY, 1..40),
        ) {
            const ADDRESSES: [&str; 4] = ["bob@example.org", "info@down.example", "x@nomail.example", "abuse@isp.example"];
            let recipients: Vec<Recipient> = picks.iter().enumerate().map(|(i, p)| {
                let (local, domain) = ADDRESSES[*p].split_once('@').unwrap_or_default();
                rcpt(&format!("{local}{i}@{domain}"), &[])
            }).collect();
            let mut queue = queue_with(&recipients, &[]);
            let (mut settled, last) = play_out(&mut queue, &choices);
            settled.sort();
            let mut expected: Vec<String> = recipients.iter().map(|r| r.address.clone()).collect();
            expected.sort();
            proptest::prop_assert_eq!(settled, expected);
            proptest::prop_assert!(last <= T0 + QUEUE_LIFETIME_SECS);
        }
    }

    #[test]
    fn local_recipients_are_handed_back_to_the_host() {
        let mut queue = queue_with(
            &[
                rcpt("abuse@isp.example", &["NOTIFY=SUCCESS"]),
                rcpt("bob@example.org", &[]),
            ],
            &[],
        );
        let mut script = vec![session(vec![(Outcome::Accepted, reply(250, "2.0.0 Ok"))])];
        let (_, events) = attempt(&mut queue, T0, &mut script);
        assert!(
            matches!(&events[0], QueueEvent::Local { recipients, .. } if recipients == &["abuse@isp.example".to_owned()])
        );
        assert!(events.iter().any(|e| matches!(
            e,
            QueueEvent::Report {
                action: DsnAction::Delivered,
                ..
            }
        )));
    }
}
