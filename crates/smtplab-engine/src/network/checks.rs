//! A receiving host's checks at the end of DATA, as a hook the
//! [`Simulation`](super::simulation::Simulation) holds: the engine cannot
//! call SPF, DKIM and DMARC itself (smtplab-mailauth depends on the
//! engine), so whoever builds the simulation installs them.
//!
//! ```text
//!  session: Delivered + "250 queued as" ──► ReceiverChecks::check(network, Incoming)
//!     ──► CheckOutcome { headers_to_prepend, disposition }
//!           Accept      ──► headers put below the host's Received, then queued
//!           Quarantine  ──► the same, filed in the recipient's Junk folder
//!           Reject      ──► the 250 becomes the refusal, nothing is queued
//! ```
//!
//! Without a hook nothing here runs and every byte is as before.

use core::fmt;
use core::net::IpAddr;

use super::Network;
use crate::catalogue::ReplyKey;
use crate::reply::{EnhancedCode, Reply};
use crate::session::{Event, Output};
use crate::world::Delivery;

/// One message a host's session has just taken, as the checks see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incoming<'a> {
    /// The receiving host's name (the `authserv-id`).
    pub receiver: &'a str,
    /// The port it came in on (587: submission).
    pub port: u16,
    /// Whether the client logged in first (AUTH).
    pub authenticated: bool,
    /// The connecting client's address.
    pub connecting_ip: IpAddr,
    /// The name it gave in HELO or EHLO (empty if none).
    pub helo: &'a str,
    /// The reverse-path (empty: the null sender).
    pub mail_from: &'a str,
    /// Whether the host delivers it to local mailboxes (not only relays it).
    pub final_delivery: bool,
    /// The message as the client sent it, with the Date and Message-Id
    /// the server added, without the server's own trace fields.
    pub message: &'a [u8],
}

/// What the receiver does with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckDisposition {
    /// Take it as usual.
    Accept,
    /// Take it (250) but file it in the recipient's Junk folder.
    Quarantine,
    /// Refuse it at the end of DATA: the sender keeps responsibility.
    Reject(CheckRefusal),
}

/// The reply refusing a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRefusal {
    /// 5xx (or 4xx to defer).
    pub code: u16,
    /// The enhanced status code (RFC 3463), such as 5.7.1.
    pub enhanced: Option<EnhancedCode>,
    /// The text after the codes.
    pub text: String,
}

impl CheckRefusal {
    /// The session reply: the key says the server's policy decided it.
    pub fn reply(&self) -> Reply {
        Reply::new(
            self.code,
            self.enhanced,
            vec![self.text.clone()],
            ReplyKey::InjectedFault,
        )
    }
}

/// The checks' verdict on one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOutcome {
    /// Header fields to put on the message (`Name: value`, folded lines
    /// joined by CRLF; a trailing CRLF is optional), top first.
    pub headers_to_prepend: Vec<String>,
    /// Text the host appends to the body, CRLF line ends (a relay's
    /// disclaimer footer: what breaks a DKIM body hash on the way).
    pub body_footer: Option<String>,
    /// What to do with it.
    pub disposition: CheckDisposition,
}

impl CheckOutcome {
    /// Take the message unchanged.
    pub fn accept() -> Self {
        Self {
            headers_to_prepend: Vec::new(),
            body_footer: None,
            disposition: CheckDisposition::Accept,
        }
    }
}

/// A receiving host's checks (SPF, DKIM, DMARC, signing on submission).
pub trait ReceiverChecks: fmt::Debug + Send + Sync {
    /// The verdict on `incoming`, with the network's DNS to look things up.
    fn check(&self, network: &Network, incoming: &Incoming<'_>) -> CheckOutcome;
}

/// The session around the messages being checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Receiving<'a> {
    pub(crate) receiver: &'a str,
    pub(crate) port: u16,
    pub(crate) authenticated: bool,
    pub(crate) connecting_ip: IpAddr,
    pub(crate) helo: &'a str,
}

/// Runs `checks` over every delivery in `outputs` (one batch of a
/// session's outputs): headers go in, a refused delivery leaves the batch
/// and its `250` becomes the refusal. Returns the queue ids to quarantine.
pub(crate) fn apply(
    checks: &dyn ReceiverChecks,
    network: &Network,
    receiving: Receiving<'_>,
    outputs: &mut Vec<Output>,
) -> Vec<String> {
    let mut quarantined = Vec::new();
    let mut index = 0;
    while index < outputs.len() {
        let Some(Output::Event(Event::Delivered(delivery))) = outputs.get_mut(index) else {
            index += 1;
            continue;
        };
        let outcome = checks.check(network, &incoming(receiving, delivery));
        prepend(delivery, &outcome.headers_to_prepend);
        if let Some(footer) = &outcome.body_footer {
            delivery.raw.extend_from_slice(footer.as_bytes());
            delivery.message = String::from_utf8_lossy(&delivery.raw).into_owned();
        }
        match outcome.disposition {
            CheckDisposition::Accept => index += 1,
            CheckDisposition::Quarantine => {
                quarantined.push(delivery.queue_id.clone());
                index += 1;
            }
            CheckDisposition::Reject(refusal) => {
                outputs.remove(index);
                refuse_next_queued(&mut outputs[index..], refusal.reply());
            }
        }
    }
    quarantined
}

fn incoming<'a>(receiving: Receiving<'a>, delivery: &'a Delivery) -> Incoming<'a> {
    Incoming {
        receiver: receiving.receiver,
        port: receiving.port,
        authenticated: receiving.authenticated,
        connecting_ip: receiving.connecting_ip,
        helo: receiving.helo,
        mail_from: &delivery.envelope.mail_from,
        final_delivery: !delivery.mailboxes.is_empty(),
        message: delivery
            .raw
            .get(trace_length(delivery)..)
            .unwrap_or_default(),
    }
}

/// The octets of the trace fields the server put on top of `raw`.
fn trace_length(delivery: &Delivery) -> usize {
    delivery.trace_headers.iter().map(|h| h.len() + 2).sum()
}

/// Puts `headers` below the host's own trace fields, where a milter's
/// fields land under Postfix, and keeps them counted as trace fields so
/// the next check finds the message where it starts.
fn prepend(delivery: &mut Delivery, headers: &[String]) {
    if headers.is_empty() {
        return;
    }
    let at = trace_length(delivery).min(delivery.raw.len());
    let mut inserted = Vec::new();
    for header in headers {
        let field = header.trim_end_matches(['\r', '\n']);
        inserted.extend_from_slice(field.as_bytes());
        inserted.extend_from_slice(b"\r\n");
        delivery.trace_headers.push(field.to_owned());
    }
    delivery.raw.splice(at..at, inserted);
    delivery.message = String::from_utf8_lossy(&delivery.raw).into_owned();
}

/// The `250 ... queued as` that follows a refused delivery becomes the
/// refusal.
fn refuse_next_queued(outputs: &mut [Output], refusal: Reply) {
    let queued = outputs.iter_mut().find_map(|output| match output {
        Output::Reply(reply) if reply.key == ReplyKey::Queued => Some(reply),
        _ => None,
    });
    if let Some(reply) = queued {
        *reply = refusal;
    }
}
