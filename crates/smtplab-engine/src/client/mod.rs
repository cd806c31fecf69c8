//! The SMTP client side: a sans-IO state machine that greets, reads the
//! EHLO offer (falling back to HELO), logs in with AUTH PLAIN, sends
//! messages with MAIL/RCPT/DATA or BDAT (pipelined when offered), runs
//! exact byte sequences for probes, and says what became of each
//! recipient, for relaying hosts and for `smtplab probe`.
//!
//! # Contract
//!
//! Same shape as the server [`Session`](crate::Session): no I/O, no clock.
//!
//! ```text
//!  Client::new(helo_name, now)       waits for the 220 greeting
//!  push(action, now) ─┐
//!  bytes, now ──► feed ├──► poll_output ──► ClientOutput::Send(bytes)   write them
//!  now ──► handle_timeout                   ClientOutput::Event(event)  log / act on it
//!  connection_closed ─┘                     ClientOutput::Close         close the socket
//! ```
//!
//! * Replies may arrive in any split; a partial reply waits for more.
//! * Actions run in order, each when the replies to the one before have
//!   come (a pipelined group counts as one).
//! * Every wait has the RFC 5321 section 4.5.3.2 timeout in [`limits`](crate::limits);
//!   reply lines and line counts are bounded there too.
//! * The same replies, pushes and times give the same outputs.
//!
//! ```
//! use smtplab_engine::client::{Action, Client, ClientEvent, ClientOutput, Outgoing};
//!
//! let mut client = Client::new("client.example", 0);
//! client.push(Action::Hello, 0);
//! client.push(Action::Send(Box::new(Outgoing::new("a@example.org", &["b@example.com"], b"Hi\r\n"))), 0);
//! client.push(Action::Quit, 0);
//! client.feed(b"220 mx ESMTP\r\n", 0);
//! let sent: Vec<_> = client.drain_outputs().filter_map(|o| match o {
//!     ClientOutput::Send(bytes) => Some(bytes),
//!     _ => None,
//! }).collect();
//! assert_eq!(sent, [b"EHLO client.example\r\n".to_vec()]);
//! ```

mod capabilities;
mod loopback;
mod message;
mod reply;

use std::collections::VecDeque;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use crate::limits::{
    CLIENT_COMMAND_TIMEOUT_SECS, CLIENT_DATA_BLOCK_TIMEOUT_SECS, CLIENT_DATA_END_TIMEOUT_SECS,
    CLIENT_DATA_START_TIMEOUT_SECS, CLIENT_GREETING_TIMEOUT_SECS, MAX_PATH,
};

pub use capabilities::Capabilities;
pub use loopback::{converse, converse_with, Exchange};
pub use message::{dot_stuff, MessageReport, Outcome, Outgoing, Recipient, Transfer};
pub use reply::{escape_bytes, ReplyError, ReplyReader, ServerReply};

/// Something for the client to do, in turn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// EHLO, and HELO if the server does not know EHLO.
    Hello,
    /// AUTH PLAIN with these credentials (RFC 4954, RFC 4616).
    Auth {
        /// The account.
        user: String,
        /// Its password.
        password: String,
    },
    /// Send a message.
    Send(Box<Outgoing>),
    /// Send these exact bytes, then read this many replies (probes and
    /// smuggling tests: nothing is checked or changed).
    Raw {
        /// The octets, CRLFs and all.
        bytes: Vec<u8>,
        /// Replies to wait for.
        replies: usize,
    },
    /// RSET.
    Rset,
    /// NOOP.
    Noop,
    /// QUIT, then close.
    Quit,
}

/// Why the client gave up on something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientError {
    /// The server's bytes were not a reply.
    BadReply(ReplyError),
    /// A reply came when none was awaited.
    UnexpectedReply(ServerReply),
    /// The greeting was not 220.
    GreetingRefused(ServerReply),
    /// Both EHLO and HELO (or EHLO with a non-fallback reply) failed.
    HelloRefused(ServerReply),
    /// The server does not offer AUTH PLAIN, so nothing was sent.
    AuthUnavailable,
    /// The message cannot be sent as given (the reason says why).
    BadMessage(String),
    /// No reply within the RFC 5321 timeout for what was awaited.
    Timeout {
        /// The command whose reply did not come.
        waiting_for: String,
    },
    /// The connection closed while replies were awaited.
    ConnectionLost,
}

impl core::fmt::Display for ClientError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::BadReply(error) => write!(f, "{error}"),
            Self::UnexpectedReply(reply) => write!(f, "reply to no command: {}", reply.summary()),
            Self::GreetingRefused(reply) => write!(f, "greeting refused: {}", reply.summary()),
            Self::HelloRefused(reply) => write!(f, "EHLO/HELO refused: {}", reply.summary()),
            Self::AuthUnavailable => write!(f, "the server does not offer AUTH PLAIN"),
            Self::BadMessage(why) => write!(f, "message not sent: {why}"),
            Self::Timeout { waiting_for } => write!(f, "no reply to {waiting_for} in time"),
            Self::ConnectionLost => write!(f, "the connection closed while a reply was awaited"),
        }
    }
}

/// What happened, for the shell or the relay to act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientEvent {
    /// A reply came; `command` is what it answers (`<greeting>` for the
    /// 220, credentials hidden).
    Reply {
        /// The command line it answers, or a description.
        command: String,
        /// The reply.
        reply: ServerReply,
    },
    /// EHLO or HELO was accepted.
    Hello(Capabilities),
    /// AUTH succeeded.
    Authenticated,
    /// AUTH was refused with this reply.
    AuthRefused(ServerReply),
    /// A message is done (sent, refused or abandoned).
    Message(Box<MessageReport>),
    /// The replies to an [`Action::Raw`] (fewer than asked for if the
    /// connection closed first).
    Raw(Vec<ServerReply>),
    /// Something went wrong (see the error).
    Error(ClientError),
    /// The session is over.
    Closed,
}

/// What the I/O shell must do, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientOutput {
    /// Write these bytes.
    Send(Vec<u8>),
    /// Note this event.
    Event(ClientEvent),
    /// Close the connection once everything before is written.
    Close,
}

/// Which reply is awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Awaiting {
    Greeting,
    Ehlo,
    Helo,
    Auth,
    AuthResponse,
    Mail,
    Rcpt(usize),
    Data,
    Content,
    Bdat { last: bool },
    Rset,
    Noop,
    Quit,
    Raw,
}

impl Awaiting {
    /// RFC 5321 section 4.5.3.2.
    fn timeout(self) -> u64 {
        match self {
            Self::Greeting => CLIENT_GREETING_TIMEOUT_SECS,
            Self::Data => CLIENT_DATA_START_TIMEOUT_SECS,
            Self::Bdat { last: false } => CLIENT_DATA_BLOCK_TIMEOUT_SECS,
            Self::Content | Self::Bdat { last: true } => CLIENT_DATA_END_TIMEOUT_SECS,
            _ => CLIENT_COMMAND_TIMEOUT_SECS,
        }
    }
}

#[derive(Debug)]
struct Transaction {
    message: Box<Outgoing>,
    report: MessageReport,
    pipelined: bool,
    chunk_size: Option<usize>,
    /// Octets of content already sent in BDAT chunks.
    chunk_offset: usize,
    /// Whether a BDAT chunk was refused (later ones are only drained).
    chunk_refused: bool,
}

impl Transaction {
    fn any_recipient_accepted(&self) -> bool {
        self.report
            .recipients
            .iter()
            .flatten()
            .any(ServerReply::is_success)
    }
}

/// One SMTP client connection.
#[derive(Debug)]
pub struct Client {
    helo_name: String,
    actions: VecDeque<Action>,
    awaiting: VecDeque<(Awaiting, String)>,
    reader: ReplyReader,
    capabilities: Option<Capabilities>,
    transaction: Option<Transaction>,
    raw_replies: Vec<ServerReply>,
    auth_response: Option<String>,
    outputs: VecDeque<ClientOutput>,
    deadline: Option<u64>,
    closed: bool,
}

impl Client {
    /// A connection just opened: the client waits for the greeting.
    /// `helo_name` is the name EHLO/HELO gives; `now` is Unix seconds.
    pub fn new(helo_name: &str, now: u64) -> Self {
        let mut client = Self {
            helo_name: helo_name.to_owned(),
            actions: VecDeque::new(),
            awaiting: VecDeque::new(),
            reader: ReplyReader::default(),
            capabilities: None,
            transaction: None,
            raw_replies: Vec::new(),
            auth_response: None,
            outputs: VecDeque::new(),
            deadline: None,
            closed: false,
        };
        client.expect(Awaiting::Greeting, "<greeting>".into(), now);
        client
    }

    /// What EHLO (or HELO) said, once it has.
    pub fn capabilities(&self) -> Option<&Capabilities> {
        self.capabilities.as_ref()
    }

    /// Whether the session is over.
    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Whether nothing is awaited and nothing is left to do.
    pub fn is_idle(&self) -> bool {
        self.awaiting.is_empty() && self.actions.is_empty()
    }

    /// Adds an action; it runs once those before it are done.
    pub fn push(&mut self, action: Action, now: u64) {
        if self.closed {
            return;
        }
        self.actions.push_back(action);
        self.advance(now);
    }

    /// The next thing for the shell to do.
    pub fn poll_output(&mut self) -> Option<ClientOutput> {
        self.outputs.pop_front()
    }

    /// Everything queued, in order.
    pub fn drain_outputs(&mut self) -> impl Iterator<Item = ClientOutput> + '_ {
        self.outputs.drain(..)
    }

    /// When the reply awaited is overdue (Unix seconds).
    pub fn poll_timeout(&self) -> Option<u64> {
        self.deadline.filter(|_| !self.closed)
    }

    /// Tells the client the time; past the deadline it gives up and
    /// closes (RFC 5321 section 4.5.3.2).
    pub fn handle_timeout(&mut self, now: u64) {
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            let waiting_for = self
                .awaiting
                .front()
                .map(|(_, command)| command.clone())
                .unwrap_or_default();
            self.event(ClientEvent::Error(ClientError::Timeout { waiting_for }));
            self.shut_down();
        }
    }

    /// The transport closed (the server hung up or the network failed).
    pub fn connection_closed(&mut self) {
        if self.closed {
            return;
        }
        let quitting = matches!(self.awaiting.front(), Some((Awaiting::Quit, _)));
        if !self.awaiting.is_empty() && !quitting {
            self.event(ClientEvent::Error(ClientError::ConnectionLost));
        }
        self.shut_down();
    }

    /// Feeds bytes from the server, in any split.
    pub fn feed(&mut self, input: &[u8], now: u64) {
        let mut rest = input;
        while !rest.is_empty() && !self.closed {
            let (used, result) = self.reader.read(rest);
            rest = &rest[used..];
            match result {
                Some(Ok(reply)) => self.on_reply(reply, now),
                Some(Err(error)) => {
                    self.event(ClientEvent::Error(ClientError::BadReply(error)));
                    self.shut_down();
                }
                None => {}
            }
        }
        self.advance(now);
    }

    fn event(&mut self, event: ClientEvent) {
        self.outputs.push_back(ClientOutput::Event(event));
    }

    /// Queues bytes; what is sent before any reply is awaited back goes
    /// out as one write (a pipelined group is one TCP segment where it
    /// fits, as RFC 2920 section 3.1 hopes).
    fn send(&mut self, bytes: Vec<u8>) {
        if let Some(ClientOutput::Send(queued)) = self.outputs.back_mut() {
            queued.extend_from_slice(&bytes);
        } else {
            self.outputs.push_back(ClientOutput::Send(bytes));
        }
    }

    fn expect(&mut self, what: Awaiting, command: String, now: u64) {
        if self.awaiting.is_empty() {
            self.deadline = Some(now.saturating_add(what.timeout()));
        }
        self.awaiting.push_back((what, command));
    }

    /// Sends one command line and waits for its reply.
    fn command(&mut self, line: &str, what: Awaiting, now: u64) {
        self.send(format!("{line}\r\n").into_bytes());
        self.expect(what, line.to_owned(), now);
    }

    /// Ends the session: whatever was in progress is reported, then Close.
    fn shut_down(&mut self) {
        if let Some(transaction) = self.transaction.take() {
            self.event(ClientEvent::Message(Box::new(transaction.report)));
        }
        if self.awaiting.iter().any(|(what, _)| *what == Awaiting::Raw) {
            let replies = core::mem::take(&mut self.raw_replies);
            self.event(ClientEvent::Raw(replies));
        }
        self.awaiting.clear();
        self.actions.clear();
        self.deadline = None;
        self.closed = true;
        self.event(ClientEvent::Closed);
        self.outputs.push_back(ClientOutput::Close);
    }

    fn on_reply(&mut self, reply: ServerReply, now: u64) {
        let Some((what, command)) = self.awaiting.pop_front() else {
            let closing = reply.code == 421;
            self.event(ClientEvent::Error(ClientError::UnexpectedReply(reply)));
            if closing {
                self.shut_down();
            }
            return;
        };
        self.deadline = self
            .awaiting
            .front()
            .map(|(next, _)| now.saturating_add(next.timeout()));
        self.event(ClientEvent::Reply {
            command,
            reply: reply.clone(),
        });
        if reply.code == 421 && what != Awaiting::Raw {
            // RFC 5321 section 3.8: the server is closing the channel.
            self.record_closing_reply(what, reply);
            self.shut_down();
            return;
        }
        self.dispatch(what, reply, now);
    }

    /// A 421 answers the awaited command; the transaction keeps it so its
    /// recipients are deferred with the server's words.
    fn record_closing_reply(&mut self, what: Awaiting, reply: ServerReply) {
        if let Some(transaction) = self.transaction.as_mut() {
            let report = &mut transaction.report;
            match what {
                Awaiting::Mail => report.mail = Some(reply),
                Awaiting::Rcpt(index) => {
                    if let Some(slot) = report.recipients.get_mut(index) {
                        *slot = Some(reply);
                    }
                }
                _ => report.final_reply = Some(reply),
            }
        }
    }

    fn dispatch(&mut self, what: Awaiting, reply: ServerReply, now: u64) {
        match what {
            Awaiting::Greeting => self.on_greeting(reply, now),
            Awaiting::Ehlo => self.on_ehlo(reply, now),
            Awaiting::Helo => self.on_helo(reply, now),
            Awaiting::Auth | Awaiting::AuthResponse => self.on_auth(what, reply, now),
            Awaiting::Mail => self.on_mail(reply, now),
            Awaiting::Rcpt(index) => self.on_rcpt(index, reply, now),
            Awaiting::Data => self.on_data(reply, now),
            Awaiting::Content => self.on_content(reply),
            Awaiting::Bdat { last } => self.on_bdat(last, reply, now),
            Awaiting::Rset | Awaiting::Noop => {}
            Awaiting::Quit => self.shut_down(),
            Awaiting::Raw => {
                self.raw_replies.push(reply);
                if !self.awaiting.iter().any(|(w, _)| *w == Awaiting::Raw) {
                    let replies = core::mem::take(&mut self.raw_replies);
                    self.event(ClientEvent::Raw(replies));
                }
            }
        }
    }

    /// Starts the next action when nothing is awaited.
    fn advance(&mut self, now: u64) {
        while self.awaiting.is_empty() && !self.closed && self.transaction.is_none() {
            let Some(action) = self.actions.pop_front() else {
                return;
            };
            self.start(action, now);
        }
    }

    fn start(&mut self, action: Action, now: u64) {
        match action {
            Action::Hello => {
                let line = format!("EHLO {}", self.helo_name);
                self.command(&line, Awaiting::Ehlo, now);
            }
            Action::Auth { user, password } => self.start_auth(&user, &password, now),
            Action::Send(message) => self.start_message(message, now),
            Action::Raw { bytes, replies } => {
                let shown = escape_bytes(&bytes[..bytes.len().min(120)]);
                self.send(bytes);
                if replies == 0 {
                    self.event(ClientEvent::Raw(Vec::new()));
                }
                for _ in 0..replies {
                    self.expect(Awaiting::Raw, shown.clone(), now);
                }
            }
            Action::Rset => self.command("RSET", Awaiting::Rset, now),
            Action::Noop => self.command("NOOP", Awaiting::Noop, now),
            Action::Quit => self.command("QUIT", Awaiting::Quit, now),
        }
    }

    fn on_greeting(&mut self, reply: ServerReply, now: u64) {
        if reply.code != 220 {
            // RFC 5321 section 3.1: after a 554 greeting the client
            // should still say QUIT.
            self.event(ClientEvent::Error(ClientError::GreetingRefused(reply)));
            self.actions.clear();
            self.command("QUIT", Awaiting::Quit, now);
        }
    }

    fn on_ehlo(&mut self, reply: ServerReply, now: u64) {
        if reply.is_success() {
            self.hello_done(&reply, true);
        } else if matches!(reply.code, 500 | 501 | 502 | 504 | 550) {
            // RFC 5321 section 3.2: fall back to HELO.
            let line = format!("HELO {}", self.helo_name);
            self.command(&line, Awaiting::Helo, now);
        } else {
            self.hello_refused(reply, now);
        }
    }

    fn on_helo(&mut self, reply: ServerReply, now: u64) {
        if reply.is_success() {
            self.hello_done(&reply, false);
        } else {
            self.hello_refused(reply, now);
        }
    }

    fn hello_done(&mut self, reply: &ServerReply, extended: bool) {
        let capabilities = Capabilities::from_reply(reply, extended);
        self.capabilities = Some(capabilities.clone());
        self.event(ClientEvent::Hello(capabilities));
    }

    fn hello_refused(&mut self, reply: ServerReply, now: u64) {
        self.event(ClientEvent::Error(ClientError::HelloRefused(reply)));
        self.actions.clear();
        self.command("QUIT", Awaiting::Quit, now);
    }

    fn start_auth(&mut self, user: &str, password: &str, now: u64) {
        let offered = self
            .capabilities
            .as_ref()
            .is_some_and(|c| c.auth_mechanism("PLAIN"));
        if !offered {
            self.event(ClientEvent::Error(ClientError::AuthUnavailable));
            return;
        }
        // RFC 4616: authzid NUL authcid NUL password; empty authzid.
        let response = BASE64.encode(format!("\0{user}\0{password}"));
        self.send(format!("AUTH PLAIN {response}\r\n").into_bytes());
        self.auth_response = Some(response);
        self.expect(Awaiting::Auth, "AUTH PLAIN <credentials>".into(), now);
    }

    fn on_auth(&mut self, what: Awaiting, reply: ServerReply, now: u64) {
        match (what, reply.code) {
            (_, 235) => {
                self.auth_response = None;
                self.event(ClientEvent::Authenticated);
            }
            // A server that ignores the initial response asks for it.
            (Awaiting::Auth, 334) => {
                let response = self.auth_response.take().unwrap_or_default();
                self.send(format!("{response}\r\n").into_bytes());
                self.expect(Awaiting::AuthResponse, "<credentials>".into(), now);
            }
            (_, 334) => {
                // Asked again: cancel (RFC 4954 section 4).
                self.command("*", Awaiting::AuthResponse, now);
            }
            _ => {
                self.auth_response = None;
                self.event(ClientEvent::AuthRefused(reply));
            }
        }
    }
}

mod transaction;

#[cfg(test)]
mod tests;

/// Why an address or parameter would break the command line it goes in.
fn unsafe_in_command(text: &str, what: &str) -> Option<String> {
    if text.chars().any(|c| c.is_control() || c == '<' || c == '>') {
        return Some(format!(
            "{what} `{}` holds a control character or angle bracket",
            escape_bytes(text.as_bytes())
        ));
    }
    if text.len() + 2 > MAX_PATH {
        return Some(format!(
            "{what} is longer than {MAX_PATH} octets (RFC 5321 section 4.5.3.1.3)"
        ));
    }
    None
}
