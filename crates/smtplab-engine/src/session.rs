//! The SMTP server session: a state machine fed with bytes and the time,
//! giving back replies, events and what the I/O shell must do next.

use std::collections::VecDeque;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use crate::address::{is_xtext, parse_parameters, parse_path, Mailbox, PathSyntax};
use crate::catalogue::{verb_info, ReplyKey, Verb, COMMANDS};
use crate::clock::{rfc5322_date, QueueIds};
use crate::limits::{MAX_AUTH_LINE, MAX_COMMAND_LINE, MAX_ECHO, MAX_TEXT_LINE};
use crate::profile::{BareLineEnding, EnhancedCodesFrom, Profile, VrfyPolicy};
use crate::reply::Reply;
use crate::world::{is_field_name, Delivery, Destination, Envelope, LocalName, World};

/// The server's settings: how it behaves and what it knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(default)
)]
pub struct Settings {
    /// How the server answers.
    pub profile: Profile,
    /// Who lives here.
    pub world: World,
}

impl Settings {
    /// A preset profile with the default world.
    pub fn preset(name: &str) -> Option<Self> {
        Some(Self {
            profile: Profile::preset(name)?,
            world: World::default(),
        })
    }

    /// Checks profile and world together; the message names the setting.
    pub fn validate(&self) -> Result<(), String> {
        self.profile.validate()?;
        self.world.validate()
    }
}

/// Who is connecting, as the trace headers record it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClientInfo {
    /// The client's host name as the server resolved it.
    pub hostname: String,
    /// The client's IP address.
    pub ip: String,
}

impl Default for ClientInfo {
    fn default() -> Self {
        Self {
            hostname: "localhost".into(),
            ip: "127.0.0.1".into(),
        }
    }
}

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

#[derive(Debug, Clone)]
struct Hello {
    name: String,
    extended: bool,
}

#[derive(Debug, Clone)]
struct Recipient {
    address: String,
    destination: Destination,
}

#[derive(Debug, Default)]
struct Body {
    content: Vec<u8>,
    size: usize,
    over_limit: bool,
    long_line: bool,
    bare_line_ending: bool,
}

impl Body {
    fn push(&mut self, bytes: &[u8], limit: usize) {
        self.size = self.size.saturating_add(bytes.len());
        if self.size > limit {
            // Drained, never buffered: the reply after the end of data
            // tells the client; keeping the content would only cost memory.
            if !self.over_limit {
                self.over_limit = true;
                self.content = Vec::new();
            }
        } else {
            self.content.extend_from_slice(bytes);
        }
    }
}

#[derive(Debug)]
struct Transaction {
    sender: Option<Mailbox>,
    mail_parameters: Vec<String>,
    smtputf8: bool,
    recipients: Vec<Recipient>,
    rcpt_attempts: u32,
    /// BDAT chunks received so far, when the message is sent with BDAT.
    chunks: Option<Body>,
}

/// Reads DATA content: CRLF-framed lines, dot-unstuffing, the lone-dot end.
#[derive(Debug, Default)]
struct DataReader {
    body: Body,
    line: Vec<u8>,
    line_spilled: bool,
    last_was_cr: bool,
}

enum DataProgress {
    NeedMore,
    Ended(usize),
}

impl DataReader {
    /// Consumes bytes up to and including the end-of-data line, if there.
    fn read(&mut self, input: &[u8], profile: &Profile) -> DataProgress {
        let limit = profile.message_size_limit;
        for (index, &byte) in input.iter().enumerate() {
            if byte == b'\n' && self.last_was_cr {
                self.last_was_cr = false;
                if self.line_spilled {
                    self.body.push(b"\n", limit);
                    self.line_spilled = false;
                    continue;
                }
                self.line.pop();
                if self.line == b"." {
                    self.line.clear();
                    return DataProgress::Ended(index + 1);
                }
                let start = usize::from(self.line.first() == Some(&b'.'));
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(b"\r\n");
                self.body.push(&line[start..], limit);
                line.clear();
                self.line = line;
                continue;
            }
            if byte == b'\n' || self.last_was_cr {
                self.body.bare_line_ending = true;
            }
            self.last_was_cr = byte == b'\r';
            if self.line_spilled {
                self.body.push(&[byte], limit);
                continue;
            }
            self.line.push(byte);
            if self.line.len() >= MAX_TEXT_LINE {
                // Content plus CRLF is now over 1000 octets: this line can
                // no longer be the lone dot, so stream it instead of keeping
                // it.
                self.body.long_line = true;
                let start = usize::from(self.line.first() == Some(&b'.'));
                let line = std::mem::take(&mut self.line);
                self.body.push(&line[start..], limit);
                self.line_spilled = true;
            }
        }
        DataProgress::NeedMore
    }
}

#[derive(Debug)]
struct ChunkReader {
    transaction: Option<Transaction>,
    remaining: u64,
    last: bool,
    refusal: Option<Reply>,
}

#[derive(Debug)]
enum AuthStep {
    PlainResponse,
    LoginUser,
    LoginPassword { user: String },
}

#[derive(Debug)]
enum State {
    /// Reading command lines, with or without a transaction open.
    Commands(Option<Transaction>),
    /// Reading message content after 354.
    Data(Transaction, Box<DataReader>),
    /// Reading the octets of a BDAT chunk.
    Chunk(ChunkReader),
    /// Reading SASL responses after 334.
    Auth(AuthStep),
    /// Nothing more is read.
    Closed,
}

/// Greylist pairs remembered; older ones are forgotten so a client cannot
/// grow the list without bound.
const GREYLIST_MEMORY: usize = 1024;

/// What a server remembers about its clients from one connection to the
/// next: greylisting's first attempts and how often each staged rejection
/// has fired. Take it from a finished session with [`Session::memory`] and
/// hand it to the next with [`Session::with_memory`], so that "QUIT and
/// try again later" works as it does against a real greylisting server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerMemory {
    greylist: VecDeque<(String, String, u64)>,
    rejections_used: Vec<u32>,
}

impl ServerMemory {
    /// Takes in what another session learnt (for a server running several
    /// sessions at once): greylist pairs it has not seen, and the higher
    /// count of each staged rejection.
    pub fn merge(&mut self, other: &ServerMemory) {
        for entry in &other.greylist {
            let known = self
                .greylist
                .iter()
                .any(|(s, r, _)| *s == entry.0 && *r == entry.1);
            if !known {
                if self.greylist.len() == GREYLIST_MEMORY {
                    self.greylist.pop_front();
                }
                self.greylist.push_back(entry.clone());
            }
        }
        if self.rejections_used.len() < other.rejections_used.len() {
            self.rejections_used.resize(other.rejections_used.len(), 0);
        }
        for (mine, theirs) in self.rejections_used.iter_mut().zip(&other.rejections_used) {
            *mine = (*mine).max(*theirs);
        }
    }
}

/// One SMTP server session.
///
/// ```text
///   bytes + now ──► feed() ──► poll_output() ──► Reply / Event / StartTls / Close
///   now ─────────► handle_timeout()   (when poll_timeout() says so)
/// ```
#[derive(Debug)]
pub struct Session {
    profile: Profile,
    world: World,
    client: ClientInfo,
    ids: QueueIds,
    state: State,
    hello: Option<Hello>,
    authenticated: Option<String>,
    tls_active: bool,
    line: Vec<u8>,
    line_overflowed: bool,
    last_was_cr: bool,
    errors_in_row: u32,
    commands_seen: u32,
    memory: ServerMemory,
    last_activity: u64,
    now: u64,
    discard_input: bool,
    reported_phase: Phase,
    outputs: VecDeque<Output>,
    /// Set once `Output::Close` is queued: nothing may follow it.
    close_queued: bool,
}

impl Session {
    /// Opens a session: the greeting is queued at once. `seed` fixes the
    /// queue ids; `now` is Unix seconds.
    pub fn new(settings: Settings, client: ClientInfo, seed: u64, now: u64) -> Self {
        Self::with_memory(settings, client, seed, now, ServerMemory::default())
    }

    /// Like [`Session::new`], for a server that remembers earlier
    /// connections (see [`ServerMemory`]).
    pub fn with_memory(
        settings: Settings,
        client: ClientInfo,
        seed: u64,
        now: u64,
        mut memory: ServerMemory,
    ) -> Self {
        memory
            .rejections_used
            .resize(settings.profile.faults.reject.len(), 0);
        let mut session = Self {
            profile: settings.profile,
            world: settings.world,
            client,
            ids: QueueIds::new(seed),
            state: State::Commands(None),
            hello: None,
            authenticated: None,
            tls_active: false,
            line: Vec::new(),
            line_overflowed: false,
            last_was_cr: false,
            errors_in_row: 0,
            commands_seen: 0,
            memory,
            last_activity: now,
            now,
            discard_input: false,
            reported_phase: Phase::Connected,
            outputs: VecDeque::new(),
            close_queued: false,
        };
        let greeting = format!("{} {}", session.profile.hostname, session.profile.banner);
        session.send(Reply::with_text(ReplyKey::Greeting, greeting));
        session
    }

    /// What this server remembers for the next connection.
    pub fn memory(&self) -> &ServerMemory {
        &self.memory
    }

    /// The profile this session runs.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The world this session knows.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// Where the session is now.
    pub fn phase(&self) -> Phase {
        match &self.state {
            State::Closed => Phase::Closed,
            State::Data(..) | State::Chunk(_) => Phase::ReceivingData,
            State::Commands(Some(transaction)) if transaction.recipients.is_empty() => {
                Phase::SenderGiven
            }
            State::Commands(Some(_)) => Phase::RecipientsGiven,
            State::Commands(None) | State::Auth(_) => {
                if self.hello.is_some() {
                    Phase::Greeted
                } else {
                    Phase::Connected
                }
            }
        }
    }

    /// Whether the session reads message content rather than commands, so
    /// a console can prompt accordingly.
    pub fn expects_content(&self) -> bool {
        matches!(self.state, State::Data(..) | State::Chunk(_))
    }

    /// Whether the server waits for an AUTH response line.
    pub fn expects_auth_response(&self) -> bool {
        matches!(self.state, State::Auth(_))
    }

    /// The account logged in, if any.
    pub fn authenticated_user(&self) -> Option<&str> {
        self.authenticated.as_deref()
    }

    /// Whether the connection is closed.
    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// The next thing for the shell to do, in order.
    pub fn poll_output(&mut self) -> Option<Output> {
        self.outputs.pop_front()
    }

    /// Everything queued, in order.
    pub fn drain_outputs(&mut self) -> impl Iterator<Item = Output> + '_ {
        self.outputs.drain(..)
    }

    /// When the session times out if nothing arrives (Unix seconds).
    pub fn poll_timeout(&self) -> Option<u64> {
        (!self.is_closed()).then(|| {
            self.last_activity
                .saturating_add(self.profile.idle_timeout_secs)
        })
    }

    /// Tells the session the time; past its deadline it answers 421 4.4.2
    /// and closes.
    pub fn handle_timeout(&mut self, now: u64) {
        self.now = now;
        if self.poll_timeout().is_some_and(|deadline| now >= deadline) {
            self.close_with(ReplyKey::IdleTimeout, CloseReason::IdleTimeout);
        }
    }

    /// The server is going down: 421 4.3.2 and close.
    pub fn shutdown(&mut self) {
        if !self.is_closed() {
            self.close_with(ReplyKey::ShuttingDown, CloseReason::Shutdown);
        }
    }

    /// Feeds bytes from the client, in any split. Replies for every complete
    /// command are queued in order; a partial line waits for more.
    pub fn feed(&mut self, input: &[u8], now: u64) {
        self.now = now;
        self.last_activity = now;
        let mut rest = input;
        while !rest.is_empty() && !self.discard_input {
            let consumed = match self.state {
                State::Closed => break,
                State::Commands(_) | State::Auth(_) => self.read_line(rest),
                State::Data(..) => self.read_data(rest),
                State::Chunk(_) => self.read_chunk(rest),
            };
            rest = &rest[consumed..];
            self.report_phase();
        }
        // Bytes pipelined behind STARTTLS were sent in clear text before the
        // handshake; RFC 3207 section 4.2 says to forget them.
        self.discard_input = false;
        self.report_phase();
    }

    fn read_line(&mut self, input: &[u8]) -> usize {
        let limit = if matches!(self.state, State::Auth(_)) {
            MAX_AUTH_LINE
        } else {
            MAX_COMMAND_LINE
        };
        for (index, &byte) in input.iter().enumerate() {
            if byte == b'\n' && self.last_was_cr {
                self.last_was_cr = false;
                let mut line = std::mem::take(&mut self.line);
                line.pop();
                let overflowed = std::mem::take(&mut self.line_overflowed);
                self.handle_line(&line, overflowed);
                line.clear();
                if self.line.capacity() == 0 {
                    self.line = line;
                }
                return index + 1;
            }
            self.last_was_cr = byte == b'\r';
            if self.line_overflowed {
                continue;
            }
            // The line plus its CRLF must fit in `limit`; the buffer holds
            // the line and, possibly, its CR.
            if self.line.len() + 1 > limit - 1 {
                self.line_overflowed = true;
                self.line = Vec::new();
                continue;
            }
            self.line.push(byte);
        }
        input.len()
    }

    fn read_data(&mut self, input: &[u8]) -> usize {
        let State::Data(_, reader) = &mut self.state else {
            return input.len();
        };
        match reader.read(input, &self.profile) {
            DataProgress::NeedMore => input.len(),
            DataProgress::Ended(consumed) => {
                let State::Data(transaction, reader) =
                    std::mem::replace(&mut self.state, State::Commands(None))
                else {
                    return consumed;
                };
                let reply = self.finish_message(transaction, reader.body, false);
                self.send(reply);
                consumed
            }
        }
    }

    fn read_chunk(&mut self, input: &[u8]) -> usize {
        let limit = self.profile.message_size_limit;
        let State::Chunk(reader) = &mut self.state else {
            return input.len();
        };
        let take = usize::try_from(reader.remaining)
            .unwrap_or(usize::MAX)
            .min(input.len());
        if let Some(body) = reader
            .transaction
            .as_mut()
            .and_then(|t| t.chunks.as_mut())
            .filter(|_| reader.refusal.is_none())
        {
            body.push(&input[..take], limit);
        }
        reader.remaining -= take as u64;
        if reader.remaining == 0 {
            self.finish_chunk();
        }
        take
    }

    fn handle_line(&mut self, raw: &[u8], overflowed: bool) {
        if let State::Auth(_) = self.state {
            let State::Auth(step) = std::mem::replace(&mut self.state, State::Commands(None))
            else {
                return;
            };
            if overflowed {
                self.send(Reply::standard(ReplyKey::LineTooLong));
            } else {
                self.auth_response(step, raw);
            }
            return;
        }
        if overflowed {
            self.send(Reply::standard(ReplyKey::LineTooLong));
            return;
        }
        let line = String::from_utf8_lossy(raw).into_owned();
        let verb_word = line.split(' ').next().unwrap_or("");
        let verb = parse_verb(verb_word);
        self.emit(Output::Event(Event::Command {
            verb,
            line: line.clone(),
        }));
        self.commands_seen = self.commands_seen.saturating_add(1);
        if self.profile.bare_line_ending == BareLineEnding::Refuse
            && raw.iter().any(|&b| b == b'\r' || b == b'\n')
        {
            self.send(Reply::standard(ReplyKey::BareLfCommand));
        } else if let Some(verb) = verb {
            let argument = line.get(verb_word.len() + 1..).unwrap_or("");
            let valid_utf8 = std::str::from_utf8(raw).is_ok();
            self.command(verb, argument, valid_utf8);
        } else {
            self.send(Reply::standard(ReplyKey::UnknownCommand));
        }
        if let Some(limit) = self.profile.faults.disconnect_after {
            if self.commands_seen >= limit && !self.is_closed() {
                self.report_phase();
                self.close(CloseReason::Dropped);
            }
        }
        self.report_phase();
    }

    fn command(&mut self, verb: Verb, argument: &str, valid_utf8: bool) {
        if !self.profile.offers(verb) {
            // An RFC 821 server has never heard of EHLO.
            let key = if verb == Verb::Ehlo {
                ReplyKey::UnknownCommand
            } else {
                ReplyKey::NotImplemented
            };
            self.send(Reply::standard(key));
            return;
        }
        // BDAT is refused after its size is read, so the chunk is still
        // consumed (see `bdat`).
        if verb != Verb::Bdat {
            if let Some(reply) = self.injected_fault(verb) {
                let closing = reply.code == 421;
                self.send(reply);
                // 421 means the service is closing the channel
                // (RFC 5321 section 3.8): a staged one does too.
                if closing {
                    self.close(CloseReason::Dropped);
                }
                return;
            }
        }
        let needs_text = matches!(
            verb,
            Verb::Helo | Verb::Ehlo | Verb::Mail | Verb::Rcpt | Verb::Vrfy | Verb::Expn
        );
        if needs_text && !valid_utf8 {
            self.send(syntax_error(verb));
            return;
        }
        match verb {
            Verb::Helo | Verb::Ehlo => self.hello(verb, argument),
            Verb::Mail => self.mail(argument),
            Verb::Rcpt => self.rcpt(argument),
            Verb::Data => self.data(argument),
            Verb::Bdat => self.bdat(argument),
            Verb::Rset => self.rset(argument),
            Verb::Vrfy => self.vrfy(argument),
            Verb::Expn => self.expn(argument),
            Verb::Help => self.help(argument),
            Verb::Noop => self.send(Reply::standard(ReplyKey::Ok)),
            Verb::Quit => {
                self.send(Reply::standard(ReplyKey::Bye));
                self.close(CloseReason::Quit);
            }
            Verb::Auth => self.auth(argument),
            Verb::Starttls => self.starttls(argument),
            Verb::Obsolete => self.send(Reply::standard(ReplyKey::NotImplemented)),
        }
    }

    fn injected_fault(&mut self, verb: Verb) -> Option<Reply> {
        let index = self
            .profile
            .faults
            .reject
            .iter()
            .enumerate()
            .position(|(i, rule)| {
                rule.verb == verb
                    && rule
                        .times
                        .is_none_or(|times| self.memory.rejections_used[i] < times)
            })?;
        self.memory.rejections_used[index] += 1;
        let rule = &self.profile.faults.reject[index];
        Some(Reply::new(
            rule.code,
            rule.enhanced,
            vec![rule.text.clone()],
            ReplyKey::InjectedFault,
        ))
    }

    fn transaction(&mut self) -> Option<&mut Transaction> {
        match &mut self.state {
            State::Commands(transaction) => transaction.as_mut(),
            _ => None,
        }
    }

    fn reset_transaction(&mut self, by: Verb) {
        if let State::Commands(transaction) = &mut self.state {
            if transaction.take().is_some() {
                self.emit(Output::Event(Event::TransactionReset { by }));
            }
        }
    }

    fn hello(&mut self, verb: Verb, argument: &str) {
        let name = argument.trim();
        // A control character (a bare CR or LF kept by a lenient profile)
        // would end up inside the Received header the server writes.
        if name.is_empty() || name.chars().any(char::is_control) {
            self.send(syntax_error(verb));
            return;
        }
        self.reset_transaction(verb);
        let extended = verb == Verb::Ehlo;
        self.hello = Some(Hello {
            name: name.split(' ').next().unwrap_or(name).to_owned(),
            extended,
        });
        let hostname = self.profile.hostname.clone();
        if extended {
            let mut lines = vec![hostname];
            lines.extend(self.extension_lines());
            self.send(Reply::with_lines(ReplyKey::EhloOk, lines));
        } else {
            self.send(Reply::with_text(ReplyKey::HeloOk, hostname));
        }
    }

    /// The extension keywords EHLO lists, in Postfix's order.
    pub fn extension_lines(&self) -> Vec<String> {
        let extensions = &self.profile.extensions;
        let mut lines = Vec::new();
        let mut offer = |on: bool, text: String| {
            if on {
                lines.push(text);
            }
        };
        offer(extensions.pipelining, "PIPELINING".into());
        offer(
            extensions.size,
            format!("SIZE {}", self.profile.message_size_limit),
        );
        offer(self.profile.vrfy != VrfyPolicy::Disabled, "VRFY".into());
        offer(extensions.starttls && !self.tls_active, "STARTTLS".into());
        offer(extensions.auth, "AUTH PLAIN LOGIN".into());
        offer(
            extensions.enhanced_status_codes,
            "ENHANCEDSTATUSCODES".into(),
        );
        offer(extensions.eight_bit_mime, "8BITMIME".into());
        offer(extensions.dsn, "DSN".into());
        offer(extensions.smtputf8, "SMTPUTF8".into());
        offer(extensions.chunking, "CHUNKING".into());
        lines
    }

    fn path_syntax(&self) -> PathSyntax {
        if self.profile.strict_paths {
            PathSyntax::Strict
        } else {
            PathSyntax::Lenient
        }
    }

    fn mail(&mut self, argument: &str) {
        if self.profile.require_helo && self.hello.is_none() {
            self.send(Reply::standard(ReplyKey::NeedHelo));
            return;
        }
        if self.transaction().is_some() {
            self.send(Reply::standard(ReplyKey::NestedMail));
            return;
        }
        let Some(path_text) = strip_keyword(argument, "FROM:") else {
            self.send(syntax_error(Verb::Mail));
            return;
        };
        let Ok(parsed) = parse_path(path_text, self.path_syntax()) else {
            self.send(Reply::standard(ReplyKey::BadSender));
            return;
        };
        if parsed.mailbox.as_ref().is_some_and(|m| m.domain.is_empty()) {
            self.send(Reply::standard(ReplyKey::BadSender));
            return;
        }
        let Ok(parameters) = parse_parameters(parsed.rest) else {
            self.send(Reply::with_text(
                ReplyKey::ParamInvalid,
                format!("Bad parameter syntax: {}", echo(parsed.rest.trim())),
            ));
            return;
        };
        let extensions = self.profile.extensions.clone();
        let mut smtputf8 = false;
        let mut given: Vec<String> = Vec::new();
        for parameter in &parameters {
            let keyword = parameter.keyword.to_ascii_uppercase();
            let value = parameter.value;
            let verdict = match keyword.as_str() {
                "SIZE" if extensions.size => match value {
                    // RFC 1870: 1*20DIGIT; a size too big for u64 is simply
                    // too big.
                    Some(digits)
                        if (1..=20).contains(&digits.len())
                            && digits.bytes().all(|b| b.is_ascii_digit()) =>
                    {
                        let size = digits.parse::<u64>().unwrap_or(u64::MAX);
                        if size > self.profile.message_size_limit as u64 {
                            Err(Reply::standard(ReplyKey::SizeExceeded))
                        } else {
                            Ok(())
                        }
                    }
                    _ => Err(Reply::with_text(
                        ReplyKey::ParamInvalid,
                        "Bad message size syntax",
                    )),
                },
                "BODY" if extensions.eight_bit_mime => {
                    match value.map(str::to_ascii_uppercase).as_deref() {
                        Some("7BIT" | "8BITMIME") => Ok(()),
                        _ => Err(Reply::with_text(
                            ReplyKey::ParamInvalid,
                            format!("Bad BODY keyword: {}", echo(value.unwrap_or(""))),
                        )),
                    }
                }
                "SMTPUTF8" if extensions.smtputf8 => {
                    smtputf8 = true;
                    value.map_or(Ok(()), |_| {
                        Err(Reply::with_text(
                            ReplyKey::ParamInvalid,
                            "SMTPUTF8 takes no value",
                        ))
                    })
                }
                "RET" if extensions.dsn => match value.map(str::to_ascii_uppercase).as_deref() {
                    Some("FULL" | "HDRS") => Ok(()),
                    _ => Err(Reply::with_text(
                        ReplyKey::ParamInvalid,
                        "Bad RET parameter: use FULL or HDRS",
                    )),
                },
                "ENVID" if extensions.dsn => match value {
                    Some(v) if is_xtext(v) && v.len() <= 100 => Ok(()),
                    _ => Err(Reply::with_text(
                        ReplyKey::ParamInvalid,
                        "Bad ENVID parameter syntax",
                    )),
                },
                "AUTH" if extensions.auth => match value {
                    Some(v) if v == "<>" || is_xtext(v) => Ok(()),
                    _ => Err(Reply::with_text(
                        ReplyKey::ParamInvalid,
                        "Bad AUTH parameter syntax",
                    )),
                },
                _ => Err(Reply::with_text(
                    ReplyKey::ParamUnsupported,
                    format!(
                        "Unsupported option: {}",
                        echo(&parameter_text(parameter.keyword, value))
                    ),
                )),
            };
            if let Err(reply) = verdict {
                self.send(reply);
                return;
            }
            given.push(parameter_text(parameter.keyword, value));
        }
        if parsed.mailbox.as_ref().is_some_and(|m| !m.is_ascii()) && !smtputf8 {
            self.send(Reply::standard(ReplyKey::NonAsciiAddress));
            return;
        }
        self.state = State::Commands(Some(Transaction {
            sender: parsed.mailbox,
            mail_parameters: given,
            smtputf8,
            recipients: Vec::new(),
            rcpt_attempts: 0,
            chunks: None,
        }));
        self.send(Reply::standard(ReplyKey::MailOk));
    }

    fn rcpt(&mut self, argument: &str) {
        let syntax = self.path_syntax();
        let max_recipients = self.profile.max_recipients;
        let dsn = self.profile.extensions.dsn;
        let Some(transaction) = self.transaction() else {
            self.send(Reply::standard(ReplyKey::NeedMail));
            return;
        };
        let smtputf8 = transaction.smtputf8;
        let sender = transaction
            .sender
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let accepted = transaction.recipients.len();
        let Some(path_text) = strip_keyword(argument, "TO:") else {
            self.send(syntax_error(Verb::Rcpt));
            return;
        };
        let Ok(parsed) = parse_path(path_text, syntax) else {
            self.send(Reply::standard(ReplyKey::BadRecipient));
            return;
        };
        let Some(mut mailbox) = parsed.mailbox else {
            self.send(Reply::standard(ReplyKey::BadRecipient));
            return;
        };
        // From here on the command named a recipient: if every such
        // attempt fails, DATA answers "no valid recipients" (a syntax error
        // leaves the state unchanged and does not count).
        if let Some(transaction) = self.transaction() {
            transaction.rcpt_attempts += 1;
        }
        if mailbox.domain.is_empty() {
            // RFC 5321 section 4.1.1.3: <postmaster> without a domain must
            // always be accepted; no other bare local part is an address.
            if !mailbox.local.eq_ignore_ascii_case("postmaster") {
                self.send(Reply::standard(ReplyKey::BadRecipient));
                return;
            }
            mailbox.domain = self.world.primary_domain().to_owned();
        }
        let Ok(parameters) = parse_parameters(parsed.rest) else {
            self.send(Reply::with_text(
                ReplyKey::ParamInvalid,
                format!("Bad parameter syntax: {}", echo(parsed.rest.trim())),
            ));
            return;
        };
        for parameter in &parameters {
            let keyword = parameter.keyword.to_ascii_uppercase();
            let verdict = match (keyword.as_str(), parameter.value) {
                ("NOTIFY", Some(value)) if dsn => {
                    let words: Vec<String> =
                        value.split(',').map(str::to_ascii_uppercase).collect();
                    let never_alone = !words.iter().any(|w| w == "NEVER") || words.len() == 1;
                    let known = words
                        .iter()
                        .all(|w| matches!(w.as_str(), "NEVER" | "SUCCESS" | "FAILURE" | "DELAY"));
                    (known && never_alone)
                        .then_some(())
                        .ok_or("Bad NOTIFY parameter: NEVER, or SUCCESS,FAILURE,DELAY")
                }
                ("ORCPT", Some(value)) if dsn => value
                    .split_once(';')
                    .filter(|(kind, address)| !kind.is_empty() && is_xtext(address))
                    .map(|_| ())
                    .ok_or("Bad ORCPT parameter: use rfc822;address"),
                ("NOTIFY" | "ORCPT", None) if dsn => Err("DSN parameters need a value"),
                _ => {
                    self.send(Reply::with_text(
                        ReplyKey::ParamUnsupported,
                        format!(
                            "Unsupported option: {}",
                            echo(&parameter_text(parameter.keyword, parameter.value))
                        ),
                    ));
                    return;
                }
            };
            if let Err(text) = verdict {
                self.send(Reply::with_text(ReplyKey::ParamInvalid, text));
                return;
            }
        }
        if accepted >= max_recipients {
            self.send(Reply::standard(ReplyKey::TooManyRecipients));
            return;
        }
        if !mailbox.is_ascii() && !smtputf8 {
            self.send(Reply::standard(ReplyKey::NonAsciiAddress));
            return;
        }
        let address = mailbox.to_string();
        let shown = format!("<{}>", echo(&address));
        let destination = match self.world.destination(&mailbox) {
            Destination::UnknownLocal => {
                let text = format!("{shown}: {}", ReplyKey::UserUnknown.info().text);
                self.send(Reply::with_text(ReplyKey::UserUnknown, text));
                return;
            }
            Destination::Remote if self.authenticated.is_none() => {
                let text = format!("{shown}: {}", ReplyKey::RelayDenied.info().text);
                self.send(Reply::with_text(ReplyKey::RelayDenied, text));
                return;
            }
            destination => destination,
        };
        if self.profile.faults.greylist && !self.greylist_passes(&sender, &address) {
            let text = format!("{shown}: {}", ReplyKey::Greylisted.info().text);
            self.send(Reply::with_text(ReplyKey::Greylisted, text));
            return;
        }
        if let Some(transaction) = self.transaction() {
            transaction.recipients.push(Recipient {
                address,
                destination,
            });
        }
        self.send(Reply::standard(ReplyKey::RcptOk));
    }

    /// Greylisting: the first try of a sender/recipient pair is refused and
    /// remembered; a try after the delay passes.
    fn greylist_passes(&mut self, sender: &str, recipient: &str) -> bool {
        let sender = sender.to_ascii_lowercase();
        let recipient = recipient.to_ascii_lowercase();
        let seen = self
            .memory
            .greylist
            .iter()
            .find(|(s, r, _)| *s == sender && *r == recipient)
            .map(|(_, _, first)| *first);
        match seen {
            Some(first) => {
                self.now >= first.saturating_add(self.profile.faults.greylist_delay_secs)
            }
            None => {
                if self.memory.greylist.len() == GREYLIST_MEMORY {
                    self.memory.greylist.pop_front();
                }
                self.memory
                    .greylist
                    .push_back((sender, recipient, self.now));
                false
            }
        }
    }

    fn data(&mut self, argument: &str) {
        if !argument.is_empty() {
            self.send(syntax_error(Verb::Data));
            return;
        }
        let refusal = match self.transaction() {
            None => Some(ReplyKey::NeedRcpt),
            Some(t) if t.chunks.is_some() => Some(ReplyKey::DataAfterBdat),
            Some(t) if t.recipients.is_empty() && t.rcpt_attempts > 0 => {
                Some(ReplyKey::NoValidRecipients)
            }
            Some(t) if t.recipients.is_empty() => Some(ReplyKey::NeedRcpt),
            Some(_) => None,
        };
        if let Some(key) = refusal {
            self.send(Reply::standard(key));
            return;
        }
        let State::Commands(Some(transaction)) =
            std::mem::replace(&mut self.state, State::Commands(None))
        else {
            return;
        };
        // The CRLF that ended the DATA line counts as the first CRLF of the
        // end-of-data sequence, so the reader starts at the start of a line.
        self.state = State::Data(transaction, Box::default());
        self.send(Reply::standard(ReplyKey::DataStart));
    }

    fn bdat(&mut self, argument: &str) {
        let mut words = argument.split(' ');
        let size_word = words
            .next()
            .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()));
        let size = match size_word.map(str::parse::<u64>) {
            Some(Ok(size)) => Some(size),
            Some(Err(_)) => {
                // More octets than anything can count: they can never all
                // be read, so there is no way back to the command stream.
                self.send(Reply::standard(ReplyKey::SizeExceeded));
                self.close(CloseReason::Dropped);
                return;
            }
            None => None,
        };
        let last = match words.next() {
            None => Some(false),
            Some(word) if word.eq_ignore_ascii_case("LAST") => Some(true),
            Some(_) => None,
        };
        let (Some(size), Some(last), None) = (size, last, words.next()) else {
            self.send(syntax_error(Verb::Bdat));
            return;
        };
        let mut transaction = match std::mem::replace(&mut self.state, State::Commands(None)) {
            State::Commands(transaction) => transaction,
            other => {
                self.state = other;
                return;
            }
        };
        // RFC 3030 section 2: the chunk's octets are read even when the
        // command is refused, or they would be taken for commands.
        let injected = self.injected_fault(Verb::Bdat);
        let refusal = match transaction.as_mut() {
            _ if injected.is_some() => injected,
            None => Some(Reply::standard(ReplyKey::NeedMail)),
            Some(t) if t.recipients.is_empty() => Some(Reply::standard(if t.rcpt_attempts > 0 {
                ReplyKey::NoValidRecipients
            } else {
                ReplyKey::NeedRcpt
            })),
            Some(t) => {
                t.chunks.get_or_insert_with(Body::default);
                None
            }
        };
        self.state = State::Chunk(ChunkReader {
            transaction,
            remaining: size,
            last,
            refusal,
        });
        if size == 0 {
            self.finish_chunk();
        }
    }

    fn finish_chunk(&mut self) {
        let State::Chunk(reader) = std::mem::replace(&mut self.state, State::Commands(None)) else {
            return;
        };
        let ChunkReader {
            transaction,
            last,
            refusal,
            ..
        } = reader;
        if let Some(reply) = refusal {
            self.state = State::Commands(transaction);
            self.send(reply);
            return;
        }
        let Some(mut transaction) = transaction else {
            return;
        };
        let over_limit = transaction.chunks.as_ref().is_some_and(|b| b.over_limit);
        if over_limit {
            // The transaction is over: later chunks get 503.
            self.send(Reply::standard(ReplyKey::SizeExceeded));
            return;
        }
        if last {
            let body = transaction.chunks.take().unwrap_or_default();
            let reply = self.finish_message(transaction, body, true);
            self.send(reply);
        } else {
            let received = transaction.chunks.as_ref().map_or(0, |b| b.size);
            self.state = State::Commands(Some(transaction));
            self.send(Reply::with_text(
                ReplyKey::ChunkReceived,
                format!("Ok: {received} octets received"),
            ));
        }
    }

    /// Checks the finished content and delivers it, giving the final reply.
    fn finish_message(&mut self, transaction: Transaction, body: Body, chunked: bool) -> Reply {
        if body.over_limit {
            return Reply::standard(ReplyKey::SizeExceeded);
        }
        if !chunked {
            if body.long_line && self.profile.reject_long_lines {
                return Reply::standard(ReplyKey::TextLineTooLong);
            }
            if body.bare_line_ending && self.profile.bare_line_ending == BareLineEnding::Refuse {
                return Reply::standard(ReplyKey::BareLfData);
            }
        }
        let queue_id = self.ids.next_id();
        let delivery = self.build_delivery(transaction, &body.content, &queue_id);
        self.emit(Output::Event(Event::Delivered(Box::new(delivery))));
        Reply::with_text(ReplyKey::Queued, format!("Ok: queued as {queue_id}"))
    }

    fn build_delivery(&self, transaction: Transaction, content: &[u8], queue_id: &str) -> Delivery {
        let mail_from = transaction
            .sender
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let mut mailboxes: Vec<String> = Vec::new();
        let mut relayed_to = Vec::new();
        for recipient in &transaction.recipients {
            match &recipient.destination {
                Destination::Local(users) => {
                    for user in users {
                        if !mailboxes.contains(user) {
                            mailboxes.push(user.clone());
                        }
                    }
                }
                _ => relayed_to.push(recipient.address.clone()),
            }
        }
        // RFC 3848: ESMTP only after EHLO; HELO, or no greeting at all
        // (the lenient default allows that), is plain SMTP.
        let protocol = match &self.hello {
            Some(Hello { extended: true, .. }) => format!(
                "ESMTP{}{}",
                if self.tls_active { "S" } else { "" },
                if self.authenticated.is_some() {
                    "A"
                } else {
                    ""
                }
            ),
            _ => "SMTP".to_owned(),
        };
        let helo = self
            .hello
            .as_ref()
            .map_or(self.client.hostname.as_str(), |h| h.name.as_str());
        let date = rfc5322_date(self.now);
        let for_clause = match transaction.recipients.as_slice() {
            [only] => format!("\r\n\tfor <{}>", only.address),
            _ => String::new(),
        };
        let trace_headers = vec![
            format!("Return-Path: <{mail_from}>"),
            format!(
                "Received: from {helo} ({} [{}])\r\n\tby {} (smtplab) with {protocol} id {queue_id}{for_clause};\r\n\t{date}",
                self.client.hostname, self.client.ip, self.profile.hostname
            ),
        ];
        let header_end = header_section_end(content);
        let headers = String::from_utf8_lossy(&content[..header_end]);
        let has = |name: &str| {
            headers.split("\r\n").any(|line| {
                line.split_once(':')
                    .is_some_and(|(field, _)| field.eq_ignore_ascii_case(name))
            })
        };
        let mut added_headers = Vec::new();
        if !has("Date") {
            added_headers.push(format!("Date: {date}"));
        }
        if !has("Message-ID") {
            let stamp = date_stamp(self.now);
            added_headers.push(format!(
                "Message-Id: <{stamp}.{queue_id}@{}>",
                self.profile.hostname
            ));
        }
        // The stored octets are exactly what was accepted (8-bit content
        // included), with the server's headers put in.
        let mut raw = Vec::with_capacity(content.len() + 512);
        for header in &trace_headers {
            raw.extend_from_slice(header.as_bytes());
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(&content[..header_end]);
        for header in &added_headers {
            raw.extend_from_slice(header.as_bytes());
            raw.extend_from_slice(b"\r\n");
        }
        if header_end == 0 && !content.starts_with(b"\r\n") {
            // No header section at all: the added headers need the empty
            // line that separates headers from the body.
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(&content[header_end..]);
        let message = String::from_utf8_lossy(&raw).into_owned();
        Delivery {
            queue_id: queue_id.to_owned(),
            received_at: self.now,
            envelope: Envelope {
                mail_from,
                rcpt_to: transaction
                    .recipients
                    .into_iter()
                    .map(|r| r.address)
                    .collect(),
                mail_parameters: transaction.mail_parameters,
            },
            mailboxes,
            relayed_to,
            trace_headers,
            added_headers,
            message,
            raw,
        }
    }

    fn rset(&mut self, argument: &str) {
        if !argument.is_empty() {
            self.send(syntax_error(Verb::Rset));
            return;
        }
        self.reset_transaction(Verb::Rset);
        self.send(Reply::standard(ReplyKey::Ok));
    }

    fn vrfy(&mut self, argument: &str) {
        let target = argument.trim();
        if target.is_empty() {
            self.send(syntax_error(Verb::Vrfy));
            return;
        }
        if self.profile.vrfy == VrfyPolicy::CannotVerify {
            self.send(Reply::standard(ReplyKey::VrfyCannot));
            return;
        }
        let reply = match self.lookup(target) {
            Lookup::Found(LocalName::User(user)) => {
                Reply::with_text(ReplyKey::VrfyOk, self.world.display(user))
            }
            Lookup::Found(LocalName::Alias(alias)) => {
                let shown: Vec<String> = alias
                    .targets
                    .iter()
                    .filter_map(|name| self.world.user(name))
                    .map(|user| self.world.display(user))
                    .collect();
                Reply::with_lines(ReplyKey::VrfyOk, shown)
            }
            Lookup::Found(LocalName::List(list)) => Reply::with_text(
                ReplyKey::VrfyOk,
                format!(
                    "{} <{}@{}>",
                    list.description,
                    list.name,
                    self.world.primary_domain()
                ),
            ),
            Lookup::Remote => Reply::standard(ReplyKey::VrfyCannot),
            Lookup::Unknown(shown) => Reply::with_text(
                ReplyKey::UserUnknown,
                format!("{shown}: {}", ReplyKey::UserUnknown.info().text),
            ),
            Lookup::Invalid => syntax_error(Verb::Vrfy),
        };
        self.send(reply);
    }

    fn expn(&mut self, argument: &str) {
        let target = argument.trim();
        if target.is_empty() {
            self.send(syntax_error(Verb::Expn));
            return;
        }
        let members = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .filter_map(|name| self.world.user(name))
                .map(|user| self.world.display(user))
                .collect()
        };
        let reply = match self.lookup(target) {
            Lookup::Found(LocalName::List(list)) => {
                Reply::with_lines(ReplyKey::ExpnOk, members(&list.members))
            }
            Lookup::Found(LocalName::Alias(alias)) => {
                Reply::with_lines(ReplyKey::ExpnOk, members(&alias.targets))
            }
            Lookup::Found(LocalName::User(user)) => {
                Reply::with_text(ReplyKey::ExpnOk, self.world.display(user))
            }
            Lookup::Unknown(shown) => Reply::with_text(
                ReplyKey::NotAList,
                format!("{shown}: {}", ReplyKey::NotAList.info().text),
            ),
            Lookup::Remote => Reply::standard(ReplyKey::RelayDenied),
            Lookup::Invalid => syntax_error(Verb::Expn),
        };
        self.send(reply);
    }

    fn lookup(&self, target: &str) -> Lookup<'_> {
        let bare = target
            .strip_prefix('<')
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(target);
        let Ok(mailbox) = crate::address::parse_mailbox(bare) else {
            return Lookup::Invalid;
        };
        if !mailbox.domain.is_empty() && !self.world.is_local_domain(&mailbox.domain) {
            return Lookup::Remote;
        }
        match self.world.local_name(&mailbox.local) {
            Some(found) => Lookup::Found(found),
            None => Lookup::Unknown(format!("<{}>", echo(bare))),
        }
    }

    fn help(&mut self, argument: &str) {
        let topic = argument.trim();
        if topic.is_empty() {
            let names: Vec<&str> = COMMANDS
                .iter()
                .filter(|info| self.profile.offers(info.verb))
                .map(|info| info.name)
                .collect();
            let mut lines = vec!["Commands supported:".to_owned()];
            for row in names.chunks(7) {
                lines.push(format!("  {}", row.join(" ")));
            }
            lines.push("For more on a command, type HELP <command>".into());
            lines.push("End of HELP info".into());
            self.send(Reply::with_lines(ReplyKey::HelpList, lines));
            return;
        }
        let info = parse_verb(topic.split(' ').next().unwrap_or(""))
            .and_then(verb_info)
            .filter(|info| self.profile.offers(info.verb));
        let reply = match info {
            Some(info) => Reply::with_lines(
                ReplyKey::HelpTopic,
                vec![format!("Syntax: {}", info.syntax), info.purpose.to_owned()],
            ),
            None => Reply::standard(ReplyKey::HelpUnknown),
        };
        self.send(reply);
    }

    fn auth(&mut self, argument: &str) {
        if self.hello.is_none() {
            self.send(Reply::standard(ReplyKey::NeedHelo));
            return;
        }
        if self.authenticated.is_some() {
            self.send(Reply::standard(ReplyKey::AlreadyAuthenticated));
            return;
        }
        if self.transaction().is_some() {
            self.send(Reply::standard(ReplyKey::AuthInTransaction));
            return;
        }
        let mut words = argument.split(' ').filter(|w| !w.is_empty());
        let Some(mechanism) = words.next() else {
            self.send(syntax_error(Verb::Auth));
            return;
        };
        let initial = words.next();
        if words.next().is_some() {
            self.send(syntax_error(Verb::Auth));
            return;
        }
        match (mechanism.to_ascii_uppercase().as_str(), initial) {
            ("PLAIN", Some(response)) => {
                self.auth_response(AuthStep::PlainResponse, response.as_bytes())
            }
            ("PLAIN", None) => self.challenge(AuthStep::PlainResponse, ""),
            ("LOGIN", Some(response)) => {
                self.auth_response(AuthStep::LoginUser, response.as_bytes())
            }
            // "Username:" and "Password:" in base64, as every LOGIN server
            // sends them.
            ("LOGIN", None) => self.challenge(AuthStep::LoginUser, "VXNlcm5hbWU6"),
            _ => self.send(Reply::standard(ReplyKey::AuthMechanismUnsupported)),
        }
    }

    fn challenge(&mut self, step: AuthStep, text: &str) {
        self.state = State::Auth(step);
        self.send(Reply::with_text(ReplyKey::AuthChallenge, text));
    }

    fn auth_response(&mut self, step: AuthStep, raw: &[u8]) {
        if raw == b"*" {
            self.send(Reply::standard(ReplyKey::AuthCancelled));
            return;
        }
        let decoded = if raw == b"=" {
            Ok(Vec::new())
        } else {
            BASE64.decode(raw)
        };
        let Ok(decoded) = decoded else {
            self.send(Reply::standard(ReplyKey::AuthBadBase64));
            return;
        };
        let text = String::from_utf8_lossy(&decoded).into_owned();
        match step {
            AuthStep::LoginUser => {
                self.challenge(AuthStep::LoginPassword { user: text }, "UGFzc3dvcmQ6")
            }
            AuthStep::LoginPassword { user } => self.login(&user, &text),
            AuthStep::PlainResponse => {
                // authzid NUL authcid NUL password (RFC 4616); an authzid
                // other than the user itself is not allowed here.
                let mut parts = text.split('\0');
                match (parts.next(), parts.next(), parts.next(), parts.next()) {
                    (Some(authzid), Some(user), Some(password), None)
                        if authzid.is_empty() || authzid == user =>
                    {
                        self.login(user, password);
                    }
                    _ => self.send(Reply::standard(ReplyKey::AuthFailed)),
                }
            }
        }
    }

    fn login(&mut self, user: &str, password: &str) {
        match self
            .world
            .check_login(user, password)
            .map(|u| u.name.clone())
        {
            Some(name) => {
                self.authenticated = Some(name.clone());
                self.emit(Output::Event(Event::Authenticated { user: name }));
                self.send(Reply::standard(ReplyKey::AuthOk));
            }
            None => self.send(Reply::standard(ReplyKey::AuthFailed)),
        }
    }

    fn starttls(&mut self, argument: &str) {
        if !argument.is_empty() {
            self.send(syntax_error(Verb::Starttls));
            return;
        }
        if self.tls_active {
            self.send(Reply::standard(ReplyKey::TlsAlreadyActive));
            return;
        }
        if self.profile.require_helo && self.hello.is_none() {
            self.send(Reply::standard(ReplyKey::NeedHelo));
            return;
        }
        self.send(Reply::standard(ReplyKey::TlsReady));
        self.emit(Output::StartTls);
        self.reset_transaction(Verb::Starttls);
        // RFC 3207 section 4.2: forget everything learnt from the client.
        self.hello = None;
        self.authenticated = None;
        self.tls_active = true;
        self.discard_input = true;
        self.emit(Output::Event(Event::TlsStarted));
    }

    /// Queues a reply, applying the enhanced-code rules and error counting.
    fn send(&mut self, mut reply: Reply) {
        let enhanced_on = self.profile.extensions.enhanced_status_codes
            && match self.profile.enhanced_codes_from {
                EnhancedCodesFrom::Start => true,
                EnhancedCodesFrom::Ehlo => self.hello.as_ref().is_some_and(|h| h.extended),
            };
        if !enhanced_on {
            reply.enhanced = None;
        }
        let counts_as_error = reply.is_error() && reply.code != 421;
        if reply.code == 421 {
            // 421 replies name the server, as RFC 5321 section 4.2 shows;
            // built anew so the longer line is cut to fit again.
            let mut lines = std::mem::take(&mut reply.lines);
            if let Some(line) = lines.first_mut() {
                *line = format!("{} {line}", self.profile.hostname);
            }
            reply = Reply::new(reply.code, reply.enhanced, lines, reply.key);
        }
        self.emit(Output::Reply(reply));
        if counts_as_error {
            self.errors_in_row += 1;
            if self.errors_in_row >= self.profile.error_limit {
                self.close_with(ReplyKey::TooManyErrors, CloseReason::TooManyErrors);
            }
        } else {
            self.errors_in_row = 0;
        }
    }

    fn close_with(&mut self, key: ReplyKey, reason: CloseReason) {
        if self.is_closed() {
            return;
        }
        self.send(Reply::standard(key));
        self.close(reason);
    }

    fn close(&mut self, reason: CloseReason) {
        if self.close_queued {
            return;
        }
        self.state = State::Closed;
        self.emit(Output::Event(Event::Closed { reason }));
        self.report_phase();
        self.emit(Output::Close);
    }

    /// Queues an output; after `Output::Close` the session is silent, so
    /// no path (however it reached a second close) can speak again.
    fn emit(&mut self, output: Output) {
        if self.close_queued {
            return;
        }
        self.close_queued = matches!(output, Output::Close);
        self.outputs.push_back(output);
    }

    fn report_phase(&mut self) {
        let phase = self.phase();
        if phase != self.reported_phase {
            self.emit(Output::Event(Event::StateChanged {
                from: self.reported_phase,
                to: phase,
            }));
            self.reported_phase = phase;
        }
    }
}

enum Lookup<'a> {
    Found(LocalName<'a>),
    Unknown(String),
    Remote,
    Invalid,
}

/// The verb for a command word, any case.
pub fn parse_verb(word: &str) -> Option<Verb> {
    const WORDS: &[(&str, Verb)] = &[
        ("HELO", Verb::Helo),
        ("EHLO", Verb::Ehlo),
        ("MAIL", Verb::Mail),
        ("RCPT", Verb::Rcpt),
        ("DATA", Verb::Data),
        ("BDAT", Verb::Bdat),
        ("RSET", Verb::Rset),
        ("VRFY", Verb::Vrfy),
        ("EXPN", Verb::Expn),
        ("HELP", Verb::Help),
        ("NOOP", Verb::Noop),
        ("QUIT", Verb::Quit),
        ("AUTH", Verb::Auth),
        ("STARTTLS", Verb::Starttls),
        ("SEND", Verb::Obsolete),
        ("SOML", Verb::Obsolete),
        ("SAML", Verb::Obsolete),
        ("TURN", Verb::Obsolete),
        ("ETRN", Verb::Obsolete),
    ];
    WORDS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(word))
        .map(|(_, verb)| *verb)
}

/// `501 5.5.4 Syntax: ...` with the command's syntax from the catalogue.
fn syntax_error(verb: Verb) -> Reply {
    match verb_info(verb) {
        Some(info) => Reply::with_text(ReplyKey::SyntaxError, format!("Syntax: {}", info.syntax)),
        None => Reply::standard(ReplyKey::SyntaxError),
    }
}

/// The text after a case-insensitive keyword such as `FROM:`.
fn strip_keyword<'a>(argument: &'a str, keyword: &str) -> Option<&'a str> {
    let head = argument.get(..keyword.len())?;
    head.eq_ignore_ascii_case(keyword)
        .then(|| &argument[keyword.len()..])
}

fn parameter_text(keyword: &str, value: Option<&str>) -> String {
    match value {
        Some(value) => format!("{keyword}={value}"),
        None => keyword.to_owned(),
    }
}

/// Client text cut to [`MAX_ECHO`] octets before it goes into a reply.
fn echo(text: &str) -> String {
    let mut end = text.len().min(MAX_ECHO);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

/// Where the header section ends: the offset just after the last header
/// line's CRLF, before the empty line (0 when the content has no headers).
fn header_section_end(content: &[u8]) -> usize {
    let mut offset = 0;
    let mut seen_header = false;
    while let Some(length) = content[offset..]
        .windows(2)
        .position(|pair| pair == b"\r\n")
    {
        let line = &content[offset..offset + length];
        let is_header = if seen_header && matches!(line.first(), Some(b' ' | b'\t')) {
            true
        } else {
            line.iter()
                .position(|&b| b == b':')
                .is_some_and(|colon| core::str::from_utf8(&line[..colon]).is_ok_and(is_field_name))
        };
        if !is_header {
            break;
        }
        seen_header = true;
        offset += length + 2;
    }
    offset
}

/// `YYYYMMDDhhmmss` for Message-Id values.
fn date_stamp(unix_seconds: u64) -> String {
    let date = rfc5322_date(unix_seconds);
    // "Sun, 29 Nov 2026 02:45:31 +0000" -> digits in the right order.
    let parts: Vec<&str> = date.split([' ', ':']).collect();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])
    .map_or(0, |i| i + 1);
    format!(
        "{}{month:02}{}{}{}{}",
        parts[3], parts[1], parts[4], parts[5], parts[6]
    )
}
