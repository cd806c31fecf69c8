//! The SMTP server session: a state machine fed with bytes and the time,
//! giving back replies, events and what the I/O shell must do next.
//!
//! This file is the core (the [`Session`] value, its feed/poll API and the
//! output queue). Each concern has its own file: `framing` cuts the input
//! up, `state` holds every state transition, `commands` dispatches
//! command lines (HELO/EHLO, RSET, QUIT, STARTTLS; `verbs` names them,
//! `replies` builds the replies every handler shares), `envelope` reads MAIL
//! and RCPT with their parameters, `delivery` takes DATA and BDAT content
//! and writes the trace headers, `auth` runs SASL, `lookup` answers
//! VRFY, EXPN and HELP, and `memory` is what outlives a connection.

mod auth;
mod commands;
mod delivery;
mod envelope;
mod events;
mod framing;
mod lookup;
mod memory;
mod replies;
mod settings;
mod state;
mod verbs;

use std::collections::VecDeque;

use crate::catalogue::ReplyKey;
use crate::clock::QueueIds;
use crate::profile::{EnhancedCodesFrom, Profile};
use crate::reply::Reply;
use crate::world::World;

pub use events::{CloseReason, Event, Output, Phase};
pub use memory::ServerMemory;
pub use settings::{ClientInfo, RelayPolicy, Settings, SettingsError};
pub use verbs::parse_verb;

use framing::{DataProgress, LineMode, LineProgress, LineReader};
use state::{Hello, State};

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
    relay: RelayPolicy,
    client: ClientInfo,
    ids: QueueIds,
    state: State,
    hello: Option<Hello>,
    authenticated: Option<String>,
    tls_active: bool,
    line: LineReader,
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
        memory.track_rejections(settings.profile.faults.reject.len());
        let mut session = Self {
            profile: settings.profile,
            world: settings.world,
            relay: settings.relay,
            client,
            ids: QueueIds::new(seed),
            state: State::Commands(None),
            hello: None,
            authenticated: None,
            tls_active: false,
            line: LineReader::default(),
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

    /// What this server accepts beyond its own domains.
    pub fn relay_policy(&self) -> &RelayPolicy {
        &self.relay
    }

    /// Where the session is now.
    pub fn phase(&self) -> Phase {
        self.state.phase(self.hello.is_some())
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

    /// The name the client gave in HELO or EHLO, if it gave one.
    pub fn hello_name(&self) -> Option<&str> {
        self.hello.as_ref().map(|h| h.name.as_str())
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

    /// A deadline of the I/O shell's own has passed (a command line or a
    /// message still unfinished long after it began, however steadily its
    /// octets trickle in): the idle timeout's 421 4.4.2, and close.
    pub fn expire(&mut self) {
        self.close_with(ReplyKey::IdleTimeout, CloseReason::IdleTimeout);
    }

    /// The connection was TLS from its first octet (implicit TLS on a
    /// submission port, RFC 8314 section 3.3): the session runs as after a
    /// STARTTLS, which EHLO then no longer offers. Call it before any input.
    pub fn start_in_tls(&mut self) {
        self.tls_active = true;
    }

    /// Whether the connection is encrypted (after STARTTLS, or from the
    /// start).
    pub fn tls_active(&self) -> bool {
        self.tls_active
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
                State::Commands(_) => self.read_line(rest, LineMode::Command),
                State::Auth(_) => self.read_line(rest, LineMode::AuthResponse),
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

    fn read_line(&mut self, input: &[u8], mode: LineMode) -> usize {
        match self.line.read(input, mode) {
            LineProgress::NeedMore => input.len(),
            LineProgress::Complete {
                consumed,
                overflowed,
            } => {
                let line = self.line.take_line();
                self.handle_line(&line, overflowed);
                self.line.recycle(line);
                consumed
            }
        }
    }

    fn read_data(&mut self, input: &[u8]) -> usize {
        let limit = self.profile.message_size_limit;
        let Some(reader) = self.state.data_reader_mut() else {
            return input.len();
        };
        match reader.read(input, limit) {
            DataProgress::NeedMore => input.len(),
            DataProgress::Ended(consumed) => {
                if let Some((transaction, body)) = self.state.finish_data() {
                    let reply = self.finish_message(transaction, body, false);
                    self.send(reply);
                }
                consumed
            }
        }
    }

    fn read_chunk(&mut self, input: &[u8]) -> usize {
        let limit = self.profile.message_size_limit;
        let Some(chunk) = self.state.chunk_mut() else {
            return input.len();
        };
        let taken = chunk.read(input, limit);
        if chunk.is_complete() {
            self.finish_chunk();
        }
        taken
    }

    /// Queues a reply, applying the enhanced-code rules and error counting.
    fn send(&mut self, reply: Reply) {
        let reply = self.shaped(reply);
        let counts_as_error = reply.is_error() && reply.code != 421;
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

    /// `reply` as this session sends it: enhanced codes only where the
    /// profile gives them, 421s naming the server.
    fn shaped(&self, mut reply: Reply) -> Reply {
        let enhanced_on = self.profile.extensions.enhanced_status_codes
            && match self.profile.enhanced_codes_from {
                EnhancedCodesFrom::Start => true,
                EnhancedCodesFrom::Ehlo => self.hello.as_ref().is_some_and(|h| h.extended),
            };
        if !enhanced_on {
            reply.enhanced = None;
        }
        if reply.code == 421 {
            // 421 replies name the server, as RFC 5321 section 4.2 shows;
            // built anew so the longer line is cut to fit again.
            let mut lines = std::mem::take(&mut reply.lines);
            if let Some(line) = lines.first_mut() {
                *line = format!("{} {line}", self.profile.hostname);
            }
            reply = Reply::new(reply.code, reply.enhanced, lines, reply.key);
        }
        reply
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
        self.state.close();
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
