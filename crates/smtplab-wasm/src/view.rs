//! The plain JavaScript objects the API returns, as serde views over the
//! engine's values (camelCase fields), and the one serializer that makes them.

use serde::Serialize;
use serde_wasm_bindgen::Serializer;
use smtplab_engine::catalogue::ReplyInfo;
use smtplab_engine::session::CloseReason;
use smtplab_engine::world::Envelope;
use smtplab_engine::{Delivery, EnhancedCode, Event, Phase, Reply, ReplyClass, ReplyKey, Verb};
use wasm_bindgen::JsValue;

use crate::error::Error;

/// `None` becomes `null` (not `undefined`) and maps become plain objects,
/// so every value is also valid JSON.
const SERIALIZER: Serializer = Serializer::json_compatible();

/// Any value as a plain JavaScript value.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, Error> {
    value.serialize(&SERIALIZER).map_err(Error::internal)
}

/// A reply as `send` returns it (TypeScript: `Reply`).
#[derive(Debug, Serialize)]
pub(crate) struct ReplyView<'a> {
    code: u16,
    enhanced: Option<EnhancedCode>,
    lines: &'a [String],
    text: String,
    class: ReplyClass,
    key: ReplyKey,
    explanation: Explanation,
}

impl<'a> From<&'a Reply> for ReplyView<'a> {
    fn from(reply: &'a Reply) -> Self {
        Self {
            code: reply.code,
            enhanced: reply.enhanced,
            lines: &reply.lines,
            text: reply.to_wire(),
            class: reply.class(),
            key: reply.key,
            explanation: catalogue_entry(reply.key).map_or(Explanation::NONE, Explanation::from),
        }
    }
}

/// The catalogue entry for `key`.
pub(crate) fn catalogue_entry(key: ReplyKey) -> Option<&'static ReplyInfo> {
    Some(key.info())
}

/// What the catalogue says about a reply (TypeScript: `Explanation`).
#[derive(Debug, Serialize)]
struct Explanation {
    title: &'static str,
    meaning: &'static str,
    why: &'static str,
    next: &'static str,
    rfc: &'static str,
}

impl Explanation {
    const NONE: Self = Self {
        title: "",
        meaning: "",
        why: "",
        next: "",
        rfc: "",
    };
}

impl From<&'static ReplyInfo> for Explanation {
    fn from(info: &'static ReplyInfo) -> Self {
        Self {
            title: info.title,
            meaning: info.meaning,
            why: info.why,
            next: info.next,
            rfc: info.rfc,
        }
    }
}

/// A delivered message (TypeScript: `Message`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct MessageView<'a> {
    queue_id: &'a str,
    received_at: u64,
    envelope: EnvelopeView<'a>,
    mailboxes: &'a [String],
    relayed_to: &'a [String],
    headers: Vec<Header>,
    trace_headers: &'a [String],
    added_headers: &'a [String],
    body: &'a str,
    raw: &'a str,
}

impl<'a> From<&'a Delivery> for MessageView<'a> {
    fn from(delivery: &'a Delivery) -> Self {
        Self {
            queue_id: &delivery.queue_id,
            received_at: delivery.received_at,
            envelope: (&delivery.envelope).into(),
            mailboxes: &delivery.mailboxes,
            relayed_to: &delivery.relayed_to,
            headers: delivery
                .headers()
                .into_iter()
                .map(|(name, value)| Header { name, value })
                .collect(),
            trace_headers: &delivery.trace_headers,
            added_headers: &delivery.added_headers,
            body: delivery.body(),
            raw: &delivery.message,
        }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct EnvelopeView<'a> {
    mail_from: &'a str,
    rcpt_to: &'a [String],
    mail_parameters: &'a [String],
}

impl<'a> From<&'a Envelope> for EnvelopeView<'a> {
    fn from(envelope: &'a Envelope) -> Self {
        Self {
            mail_from: &envelope.mail_from,
            rcpt_to: &envelope.rcpt_to,
            mail_parameters: &envelope.mail_parameters,
        }
    }
}

#[derive(Debug, Serialize)]
struct Header {
    name: String,
    value: String,
}

/// Local mailboxes in the world's order, as one object keyed by user name.
#[derive(Debug)]
pub(crate) struct Mailboxes<'a>(pub Vec<(&'a str, Vec<MessageView<'a>>)>);

impl Serialize for Mailboxes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(name, messages)| (name, messages)))
    }
}

/// An engine event (TypeScript: `SessionEvent`).
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub(crate) enum EventView<'a> {
    Command { verb: Option<Verb>, line: &'a str },
    StateChanged { from: Phase, to: Phase },
    TransactionReset { by: Verb },
    Delivered { message: MessageView<'a> },
    Authenticated { user: &'a str },
    TlsStarted,
    Closed { reason: CloseReason },
}

impl<'a> From<&'a Event> for EventView<'a> {
    fn from(event: &'a Event) -> Self {
        match event {
            Event::Command { verb, line } => Self::Command { verb: *verb, line },
            Event::StateChanged { from, to } => Self::StateChanged {
                from: *from,
                to: *to,
            },
            Event::TransactionReset { by } => Self::TransactionReset { by: *by },
            Event::Delivered(delivery) => Self::Delivered {
                message: delivery.as_ref().into(),
            },
            Event::Authenticated { user } => Self::Authenticated { user },
            Event::TlsStarted => Self::TlsStarted,
            Event::Closed { reason } => Self::Closed { reason: *reason },
        }
    }
}

/// What `explainCode` returns (TypeScript: `CodeExplanation`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CodeExplanation {
    pub code: Option<u16>,
    pub enhanced: Option<EnhancedCode>,
    pub class: Option<ReplyClass>,
    pub class_meaning: &'static str,
    pub replies: Vec<&'static ReplyInfo>,
}
