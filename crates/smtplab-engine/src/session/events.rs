//! What a session tells its I/O shell: outputs in order (replies, events,
//! TLS and close instructions), the events themselves and the phases a
//! learner sees.

use crate::catalogue::Verb;
use crate::reply::Reply;
use crate::world::Delivery;

/// Where the session is, as a learner draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Phase {
    /// Greeting sent, no HELO/EHLO yet.
    Connected,
    /// HELO/EHLO accepted, no transaction.
    Greeted,
    /// MAIL FROM accepted, no recipient yet.
    SenderGiven,
    /// At least one RCPT TO accepted.
    RecipientsGiven,
    /// Reading the message (DATA or BDAT chunks).
    ReceivingData,
    /// The connection is closed.
    Closed,
}

/// Why the server closed the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum CloseReason {
    /// The client said QUIT.
    Quit,
    /// Too many errors in a row.
    TooManyErrors,
    /// The client was silent too long.
    IdleTimeout,
    /// The server is shutting down.
    Shutdown,
    /// A staged fault dropped the connection without a reply.
    Dropped,
}

/// Something that happened, for logs, the UI and lesson checking.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "type", rename_all = "kebab-case")
)]
pub enum Event {
    /// A command line arrived (`verb` is `None` for an unknown word).
    Command {
        /// The recognised verb.
        verb: Option<Verb>,
        /// The line as received, without CRLF.
        line: String,
    },
    /// The phase changed.
    StateChanged {
        /// Before.
        from: Phase,
        /// After.
        to: Phase,
    },
    /// The transaction in progress was abandoned (RSET, HELO/EHLO,
    /// STARTTLS).
    TransactionReset {
        /// The command that did it.
        by: Verb,
    },
    /// A message was accepted.
    Delivered(Box<Delivery>),
    /// AUTH succeeded.
    Authenticated {
        /// The account.
        user: String,
    },
    /// STARTTLS succeeded; the session starts over.
    TlsStarted,
    /// The connection closes.
    Closed {
        /// Why.
        reason: CloseReason,
    },
}

/// What the I/O shell must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(tag = "action", content = "value", rename_all = "kebab-case")
)]
pub enum Output {
    /// Send this reply (its wire form).
    Reply(Reply),
    /// Note this event (nothing to send).
    Event(Event),
    /// Switch the transport to TLS now, before reading further input.
    StartTls,
    /// Close the connection once everything before this is sent.
    Close,
}
