//! The console's brain, free of any browser API: a pretend shell that
//! "connects" with telnet or nc, then forwards lines to the engine and keeps
//! what the learner sees (console lines, wire transcript, mailboxes, state).

use std::rc::Rc;

use smtplab_engine::network::simulation::Connection;
use smtplab_engine::{
    ClientInfo, Event, Mailstore, Output, Phase, Reply, ServerMemory, Session, Settings,
    Transcript, Verb,
};
#[cfg(feature = "lessons")]
use smtplab_lessons::{Lesson, LessonSession};

use crate::i18n::{tr, trf};

#[cfg(feature = "network")]
mod net;
#[cfg(feature = "network")]
pub use net::DnsChange;
#[cfg(feature = "lessons")]
mod auth;
#[cfg(not(feature = "network"))]
#[path = "lab/no_net.rs"]
mod net;

/// What kind of console line this is, for styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    /// Something typed at the shell prompt.
    ShellInput,
    /// What the pretend shell or telnet printed.
    ShellOutput,
    /// An SMTP command the learner sent.
    ClientInput,
    /// A line of message content (after 354).
    ContentInput,
    /// A server reply.
    Reply,
}

/// One line (or one multi-line reply) in the console.
#[derive(Debug, Clone, PartialEq)]
pub struct ConsoleLine {
    /// Stable id, for keyed rendering and selection.
    pub id: usize,
    /// How to show it.
    pub kind: LineKind,
    /// The text as shown.
    pub text: String,
    /// The reply, when this is one.
    pub reply: Option<Rc<Reply>>,
    /// The command the reply answers, for "why did this come now".
    pub answers: Option<String>,
}

/// A phase the server entered, and where in the console: before the line
/// whose id is `before_line`, so a host told about the session hears the
/// change between the right lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseMark {
    /// The id the next console line got when the phase was entered.
    pub before_line: usize,
    /// The phase entered.
    pub phase: Phase,
}

/// What the learner has typed, in order, to rebuild a session (share
/// links, guided steps, lesson replays), with the DNS tab's changes in
/// their place among the lines (see [`DNS_CHANGE_MARK`]).
pub type Script = Vec<String>;

/// Starts a [`Script`] entry that is a change from the DNS tab rather than
/// a typed line: the mark, then `add LINE` or `delete LINE`. No keyboard
/// types it, so a share link or a replay carries the network's DNS as the
/// learner left it, in order with what was sent.
pub const DNS_CHANGE_MARK: char = '\u{1}';

/// Whether a script entry is a DNS change, not something typed (the
/// console's history leaves those out).
pub fn is_dns_change(entry: &str) -> bool {
    entry.starts_with(DNS_CHANGE_MARK)
}

/// How a `telnet`/`nc` invocation resolved.
enum Dial {
    /// This machine: the lab's own server.
    Connect {
        telnet: bool,
        host: String,
    },
    /// Another host: the simulated network decides.
    Network {
        host: String,
        port: u16,
    },
    Refused(String),
    Usage(String),
}

/// Who runs the server: a free sandbox session, or a lesson's session,
/// which keeps the lesson clock, checks goals and records the attempt.
#[derive(Debug)]
enum Server {
    Free(Option<Box<Session>>),
    #[cfg(feature = "lessons")]
    Lesson(Box<LessonSession>),
}

/// The simulated terminal with its SMTP server.
#[derive(Debug)]
pub struct Lab {
    /// Name of the preset the settings started from.
    pub profile_name: String,
    /// The server's settings.
    pub settings: Settings,
    server: Server,
    /// What the free server remembers between connections (greylisting).
    memory: ServerMemory,
    connections: u64,
    /// Seconds added to the clock by `sleep` at the shell prompt.
    clock_offset: u64,
    /// When the lab started (Unix seconds), for the lesson clock.
    #[cfg(feature = "lessons")]
    started_at: Option<u64>,
    next_id: usize,
    /// Everything shown in the console (shared with the view, so a
    /// re-render does not copy thousands of lines).
    pub lines: Vec<Rc<ConsoleLine>>,
    /// Bytes both ways, for the wire view.
    pub transcript: Transcript,
    /// Delivered mail.
    pub mailstore: Rc<Mailstore>,
    /// The server's phase (Closed when not connected).
    pub phase: Phase,
    /// The last phase change.
    pub last_transition: Option<(Phase, Phase)>,
    /// Every phase entered, in order (the widget's `state-change` events).
    pub phase_marks: Vec<PhaseMark>,
    /// The verb of the last command sent.
    pub last_verb: Option<Verb>,
    /// Every submission, for share links and replays.
    pub script: Script,
    /// Whether the open connection came from `telnet` (rather than `nc`),
    /// which decides what Ctrl+C and Ctrl+] do.
    via_telnet: bool,
    /// Octets still owed to a BDAT chunk the learner is typing.
    chunk_remaining: Option<usize>,
    /// The learner left a lesson's connection with Ctrl+] or Ctrl+C: the
    /// console is back at the shell, and the next connect replaces it.
    detached: bool,
    /// The free lab's mail network beyond this machine (hosts, DNS,
    /// queues); a lesson that runs a network keeps its own.
    #[cfg_attr(not(feature = "network"), allow(dead_code))]
    network: Option<Box<net::OwnNetwork>>,
    /// The free lab's open connection to a network host, if any.
    remote: Option<Box<Connection>>,
    /// How much of the network's event log the console has reported.
    #[cfg_attr(not(feature = "network"), allow(dead_code))]
    log_reported: usize,
    /// A command asked for the mail network, which this page loads on
    /// first use (the sandbox build; see `full_app.rs`).
    network_asked: bool,
    /// The session asked the mail network for something (a DNS tool, a
    /// network host dialled, a DNS change): an embed snippet of it asks for
    /// the widget build that has the network.
    pub needs_network: bool,
    /// What the receivers' checks found for mail filed before a DNS change.
    #[cfg(feature = "lessons")]
    frozen_checks: auth::Frozen,
}

/// What the console says when STARTTLS is accepted: the handshake a real
/// client would now make, step by step, and why EHLO comes again.
pub const TLS_STEPS: &[&str] = &[
    "(TLS handshake, simulated: 1. the client says hello with the ciphers it knows; 2. the server sends its certificate; 3. both derive the keys. From here on the connection counts as encrypted.)",
    "(Everything said before TLS is forgotten, EHLO included: send EHLO again. The capabilities change after TLS: STARTTLS is no longer offered, and a server that keeps AUTH for encrypted connections lists it only now.)",
];

/// Shown for `help` at the shell prompt (each line through `tr`).
pub const SHELL_HELP: &[&str] = &[
    "This is a pretend terminal with a mail server on this machine.",
    "Connect to it the way the classic tutorials do:",
    "  telnet localhost smtp      (or: telnet localhost 25, nc localhost 25)",
    "Then type SMTP commands such as EHLO, MAIL FROM:, RCPT TO:, DATA, QUIT.",
    "Other shell commands: help, clear, sleep SECONDS (let time pass, e.g. to retry after greylisting).",
    "",
    "Beyond this machine lies a small mail network (isp.example, example.org, nomail.example, ...):",
    "  dig MX example.org         which hosts take mail for a domain (also: dig TXT, dig A, dig -x ADDRESS)",
    "  host example.org           the same in one sentence each (nslookup works too)",
    "  telnet mx1.example.org 25  talk to another domain's mail server (it takes mail only for its own domain)",
    "  telnet smtp.isp.example 587  your provider's submission server: log in (AUTH), then send anywhere",
    "  sleep 600                  let the network's queues run: retries, relays, bounces are reported as [mail]",
    "The Mailboxes tab shows every host's mailboxes; the Diagram tab draws each conversation.",
];

impl Lab {
    /// A lab at the shell prompt.
    pub fn new(profile_name: &str, settings: Settings) -> Self {
        Self {
            profile_name: profile_name.to_owned(),
            settings,
            server: Server::Free(None),
            memory: ServerMemory::default(),
            connections: 0,
            clock_offset: 0,
            #[cfg(feature = "lessons")]
            started_at: None,
            next_id: 0,
            lines: Vec::new(),
            transcript: Transcript::default(),
            mailstore: Rc::default(),
            phase: Phase::Closed,
            last_transition: None,
            phase_marks: Vec::new(),
            last_verb: None,
            script: Vec::new(),
            via_telnet: false,
            chunk_remaining: None,
            detached: false,
            network: net::default_simulation(),
            remote: None,
            log_reported: 0,
            network_asked: false,
            needs_network: false,
            #[cfg(feature = "lessons")]
            frozen_checks: auth::Frozen::new(),
        }
    }

    /// Whether a command asked for the mail network this build lacks (the
    /// page then loads the full app, which replays the session).
    pub fn network_wanted(&self) -> bool {
        self.network_asked
    }

    /// The full app could not be loaded: the console says so and stays.
    pub fn network_refused(&mut self) {
        if !std::mem::take(&mut self.network_asked) {
            return;
        }
        self.push(
            LineKind::ShellOutput,
            tr("(The mail network could not be loaded: only localhost and mail.example.com answer here.)"),
        );
    }

    /// What `host`'s checks (SPF, DKIM, DMARC) found for `delivery`, if
    /// it checked it: as it was when filed, whatever DNS says since.
    #[cfg(feature = "lessons")]
    pub fn checked_mail(
        &self,
        host: &str,
        delivery: &smtplab_engine::Delivery,
    ) -> Option<crate::components::mailboxes::CheckedMail> {
        let simulation = self.simulation()?;
        auth::checked(simulation, &self.frozen_checks, host, delivery)
    }

    #[cfg(feature = "lessons")]
    /// A lab running `lesson`: its server and world, its
    /// goals checked as the learner goes, its attempt recorded.
    pub fn for_lesson(lesson: &Lesson) -> Self {
        let mut lab = Self::new(
            &format!("lesson {}", lesson.id()),
            lesson.settings().clone(),
        );
        lab.server = Server::Lesson(Box::new(LessonSession::new(lesson)));
        lab
    }

    /// The lesson being worked through, if any.
    #[cfg(feature = "lessons")]
    pub fn lesson(&self) -> Option<&LessonSession> {
        match &self.server {
            Server::Lesson(lesson) => Some(lesson),
            Server::Free(_) => None,
        }
    }

    fn session(&self) -> Option<&Session> {
        if self.detached {
            return None;
        }
        match &self.server {
            Server::Free(_) if self.remote.is_some() => {
                self.remote.as_deref().map(Connection::session)
            }
            Server::Free(session) => session.as_deref(),
            #[cfg(feature = "lessons")]
            Server::Lesson(lesson) => lesson.session(),
        }
    }

    /// Whether a connection is open.
    pub fn connected(&self) -> bool {
        self.session().is_some()
    }

    /// Whether the server now reads message content.
    pub fn in_content(&self) -> bool {
        self.session().is_some_and(Session::expects_content)
    }

    /// The prompt to show before the input.
    pub fn prompt(&self) -> &'static str {
        if self.chunk_remaining.is_some() && self.connected() {
            return "chunk>";
        }
        match self.session() {
            None => "$",
            Some(s) if s.expects_content() => "data>",
            Some(s) if s.expects_auth_response() => "auth>",
            Some(_) => "smtp>",
        }
    }

    /// Handles what the learner entered: one line, or several pasted at
    /// once (sent as one chunk, as a pipelining client would). `now` is
    /// Unix seconds.
    pub fn submit(&mut self, text: &str, now: u64) {
        if let Some(change) = text.strip_prefix(DNS_CHANGE_MARK) {
            self.needs_network = true;
            self.replay_dns_change(change);
            return;
        }
        let text = text.trim_end_matches(['\r', '\n']);
        self.script.push(text.to_owned());
        #[cfg(feature = "lessons")]
        {
            let started_at = *self.started_at.get_or_insert(now);
            if let Server::Lesson(lesson) = &mut self.server {
                // Real time spent counts on the lesson clock (with the
                // seconds `sleep` added), so a replay of the recorded
                // attempt sees the same waits.
                let elapsed = now
                    .saturating_add(self.clock_offset)
                    .saturating_sub(started_at);
                lesson.advance_to(elapsed);
            }
        }
        let now = now.saturating_add(self.clock_offset);
        self.sync_network(now);
        if self.connected() {
            self.send_to_server(text, now);
        } else {
            for line in text.lines() {
                if self.connected() {
                    // A paste that connects and goes on talking SMTP.
                    self.send_to_server(line, now);
                } else {
                    self.shell(line, now);
                }
            }
        }
    }

    /// Moves the server to `phase`, noting where in the console it happened.
    fn enter(&mut self, phase: Phase) {
        self.phase = phase;
        self.phase_marks.push(PhaseMark {
            before_line: self.next_id,
            phase,
        });
    }

    fn push(&mut self, kind: LineKind, text: impl Into<String>) {
        self.push_line(kind, text.into(), None, None);
    }

    fn push_line(
        &mut self,
        kind: LineKind,
        text: String,
        reply: Option<Rc<Reply>>,
        answers: Option<String>,
    ) {
        self.lines.push(Rc::new(ConsoleLine {
            id: self.next_id,
            kind,
            text,
            reply,
            answers,
        }));
        self.next_id += 1;
    }

    fn shell(&mut self, line: &str, now: u64) {
        self.push(LineKind::ShellInput, format!("$ {line}"));
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            ["help"] | ["?"] => {
                for help in SHELL_HELP {
                    self.push(LineKind::ShellOutput, tr(help));
                }
            }
            ["clear"] => self.lines.clear(),
            _ if self.run_dns_tool(&words, now) => self.needs_network = true,
            ["sleep", seconds] => match seconds.parse::<u64>() {
                Ok(seconds) if seconds <= 86_400 => self.wait(seconds),
                _ => self.push(
                    LineKind::ShellOutput,
                    tr("usage: sleep SECONDS (at most 86400)"),
                ),
            },
            [program @ ("telnet" | "nc" | "netcat" | "ncat"), args @ ..] => {
                match dial(program, args) {
                    Dial::Connect { telnet, host } => self.connect(telnet, &host, now),
                    Dial::Network { host, port } => {
                        self.needs_network = true;
                        self.connect_network(program, &host, port);
                    }
                    Dial::Refused(message) | Dial::Usage(message) => {
                        for text in message.lines() {
                            self.push(LineKind::ShellOutput, text.to_owned());
                        }
                    }
                }
            }
            [word, ..] if smtplab_engine::session::parse_verb(word).is_some() => {
                self.push(
                    LineKind::ShellOutput,
                    trf(
                        "{}: command not found. That is an SMTP command: connect first with telnet localhost smtp",
                        &[word],
                    ),
                );
            }
            [word, ..] => self.push(
                LineKind::ShellOutput,
                trf(
                    "{}: command not found. Try telnet localhost smtp, or type help",
                    &[word],
                ),
            ),
        }
        if !self.connected() {
            self.report_news();
        }
    }

    /// Lets time pass on the simulated clock (the shell's `sleep`, or a
    /// wait in a played solution), even while connected.
    pub fn wait(&mut self, seconds: u64) {
        self.clock_offset += seconds;
        match &mut self.server {
            Server::Free(_) => self.advance_own_network(seconds),
            #[cfg(feature = "lessons")]
            Server::Lesson(lesson) => lesson.wait(seconds),
        }
        self.push(
            LineKind::ShellOutput,
            trf(
                "({} seconds pass on the simulated clock.)",
                &[&seconds.to_string()],
            ),
        );
        let before = self.lines.len();
        self.report_news();
        if self.lines.len() == before {
            self.report_next_run();
        }
    }

    /// The console's side of any new connection.
    fn begin_connection(&mut self, telnet: bool) {
        self.connections += 1;
        self.via_telnet = telnet;
        self.chunk_remaining = None;
        self.detached = false;
        self.transcript = Transcript::default();
        self.enter(Phase::Connected);
        self.last_transition = None;
    }

    fn connect(&mut self, telnet: bool, host: &str, now: u64) {
        if telnet {
            self.push(LineKind::ShellOutput, "Trying 127.0.0.1...");
            self.push(LineKind::ShellOutput, format!("Connected to {host}."));
            self.push(LineKind::ShellOutput, "Escape character is '^]'.");
        }
        self.begin_connection(telnet);
        self.remote = None;
        let outputs = match &mut self.server {
            Server::Free(session) => {
                if let Some(open) = session.take() {
                    self.memory = open.memory().clone();
                }
                let mut fresh = Session::with_memory(
                    self.settings.clone(),
                    ClientInfo::default(),
                    self.connections,
                    now,
                    self.memory.clone(),
                );
                let outputs = fresh.drain_outputs().collect();
                *session = Some(Box::new(fresh));
                outputs
            }
            #[cfg(feature = "lessons")]
            Server::Lesson(lesson) => lesson.connect(),
        };
        self.show(outputs, None);
    }

    fn send_to_server(&mut self, text: &str, now: u64) {
        if let Some(remaining) = self.chunk_remaining.take() {
            if !text.contains('\n') {
                self.send_chunk_line(text, remaining, now);
                return;
            }
        }
        let (chunk, first_command) = self.echo_lines(text);
        self.feed(&chunk, text, now, first_command.clone());
        self.chunk_remaining = first_command
            .as_deref()
            .filter(|_| !text.contains('\n') && self.in_content())
            .and_then(bdat_size);
    }

    /// Echoes the submitted lines and returns them as wire bytes (CRLF
    /// after each), with the first command line among them.
    fn echo_lines(&mut self, text: &str) -> (Vec<u8>, Option<String>) {
        let mut chunk = Vec::new();
        let mut in_content = self.in_content();
        let mut first_command = None;
        for line in text.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let kind = if in_content {
                LineKind::ContentInput
            } else {
                LineKind::ClientInput
            };
            if kind == LineKind::ClientInput && first_command.is_none() {
                first_command = Some(line.to_owned());
            }
            // Guess where DATA starts and ends inside a paste, only to
            // style the echo; the engine decides what the bytes mean.
            if in_content && line == "." {
                in_content = false;
            } else if !in_content && line.eq_ignore_ascii_case("DATA") {
                in_content = true;
            }
            self.push(kind, line.to_owned());
            chunk.extend_from_slice(line.as_bytes());
            chunk.extend_from_slice(b"\r\n");
        }
        (chunk, first_command)
    }

    /// Sends bytes to the server (a lesson's session takes the typed text,
    /// which it records line by line) and shows what comes back.
    fn feed(&mut self, bytes: &[u8], text: &str, now: u64, answers: Option<String>) {
        self.transcript.client(bytes);
        let outputs = match &mut self.server {
            Server::Free(_) if self.remote.is_some() => self.feed_remote(bytes),
            Server::Free(Some(session)) => {
                session.feed(bytes, now);
                session.drain_outputs().collect()
            }
            Server::Free(None) => Vec::new(),
            #[cfg(feature = "lessons")]
            Server::Lesson(lesson) => {
                let _ = bytes;
                lesson.send(text)
            }
        };
        #[cfg(not(feature = "lessons"))]
        let _ = text;
        self.show(outputs, answers);
    }

    /// One typed line of a BDAT chunk: the server counts octets, so the
    /// Enter that ends the typing is sent only while the chunk has room
    /// for it, and the console says how the octets were counted.
    fn send_chunk_line(&mut self, line: &str, remaining: usize, now: u64) {
        self.push(LineKind::ContentInput, line.to_owned());
        let mut bytes = line.as_bytes().to_vec();
        let lesson = self.lesson_running();
        let (count, room) = (&bytes.len().to_string(), &remaining.to_string());
        let note = if lesson || bytes.len() + 2 <= remaining {
            bytes.extend_from_slice(b"\r\n");
            let left = remaining.saturating_sub(bytes.len());
            let count = &bytes.len().to_string();
            if bytes.len() > remaining {
                trf("(BDAT counts octets: the chunk ended after {} of these {}; the rest, up to the CRLF of your Enter, is read as a command.)", &[room, count])
            } else if left > 0 {
                self.chunk_remaining = Some(left);
                trf(
                    "({} octets sent, with the CRLF of your Enter; {} still owed to this chunk.)",
                    &[count, &left.to_string()],
                )
            } else {
                tr("(The chunk is complete: its last two octets were the CRLF of your Enter.)")
                    .to_owned()
            }
        } else if bytes.len() <= remaining {
            if bytes.len() < remaining {
                self.chunk_remaining = Some(remaining - bytes.len());
            }
            trf("({} octets sent without a line end: BDAT counts octets, so the Enter that ended your typing is not part of the chunk.)", &[count])
        } else {
            trf("(BDAT counts octets: the chunk ended after {} of these {}; the rest is read as a command.)", &[room, count])
        };
        self.push(LineKind::ShellOutput, note);
        self.feed(&bytes, line, now, None);
    }

    fn lesson_running(&self) -> bool {
        #[cfg(feature = "lessons")]
        if let Server::Lesson(_) = self.server {
            return true;
        }
        false
    }

    /// Ctrl+C: at the shell it drops the line being typed; `nc` dies of it
    /// and so closes the connection; telnet passes it on, and the console
    /// says how to leave telnet instead.
    pub fn interrupt(&mut self, draft: &str) {
        if !self.connected() {
            self.push(LineKind::ShellInput, format!("$ {draft}^C"));
        } else if self.via_telnet {
            self.push(LineKind::ShellOutput, tr("^C (telnet passes Ctrl+C to the server, which ignores it: press Ctrl+] to leave telnet)"));
        } else {
            self.push(LineKind::ShellOutput, "^C");
            self.hang_up();
        }
    }

    /// Ctrl+]: telnet's escape. The console runs its `quit` at once.
    pub fn escape(&mut self) {
        if !self.connected() || !self.via_telnet {
            self.push(
                LineKind::ShellOutput,
                tr("(Ctrl+] is telnet's escape key: it does something only while telnet is connected)"),
            );
            return;
        }
        self.push(LineKind::ShellOutput, "^]");
        self.push(LineKind::ShellOutput, "telnet> quit");
        self.hang_up();
    }

    /// The client side goes away without QUIT.
    fn hang_up(&mut self) {
        self.chunk_remaining = None;
        self.remote = None;
        match &mut self.server {
            Server::Free(session) => {
                if let Some(open) = session.take() {
                    self.memory = open.memory().clone();
                }
            }
            #[cfg(feature = "lessons")]
            Server::Lesson(_) => self.detached = true,
        }
        self.enter(Phase::Closed);
        self.push(LineKind::ShellOutput, "Connection closed.");
    }

    /// Puts the server's outputs on the console and into the lab's state.
    fn show(&mut self, outputs: Vec<Output>, mut answers: Option<String>) {
        let mut closed = false;
        // A network host files its own mail; this machine's mailstore is
        // localhost's.
        let local = !self.on_network();
        for output in outputs {
            match &output {
                Output::Reply(reply) => {
                    self.transcript.server(reply);
                    let text = reply
                        .to_wire()
                        .trim_end_matches("\r\n")
                        .replace("\r\n", "\n");
                    self.push_line(
                        LineKind::Reply,
                        text,
                        Some(Rc::new(reply.clone())),
                        answers.take(),
                    );
                }
                Output::Event(Event::Delivered(delivery)) if local => {
                    Rc::make_mut(&mut self.mailstore).deliver(delivery.as_ref().clone());
                }
                Output::Event(Event::StateChanged { from, to }) => {
                    self.enter(*to);
                    self.last_transition = Some((*from, *to));
                }
                Output::Event(Event::Command { verb, .. }) => self.last_verb = *verb,
                Output::Event(_) => {}
                Output::StartTls => {
                    for line in TLS_STEPS {
                        self.push(LineKind::ShellOutput, tr(line));
                    }
                }
                Output::Close => closed = true,
            }
        }
        if closed {
            match &mut self.server {
                Server::Free(session) => {
                    if let Some(closed) = session.take() {
                        self.memory = closed.memory().clone();
                    }
                    self.remote = None;
                }
                // The lesson session notices the close itself.
                #[cfg(feature = "lessons")]
                Server::Lesson(_) => {}
            }
            self.push(LineKind::ShellOutput, "Connection closed by foreign host.");
            self.report_news();
        }
    }

    /// New settings: an open connection is closed and a new one opened, and
    /// the console says so.
    pub fn apply_settings(&mut self, profile_name: &str, settings: Settings, now: u64) {
        self.profile_name = profile_name.to_owned();
        self.settings = settings;
        // Changing the server leaves any lesson: its goals assume its server.
        let was_connected = self.connected();
        self.server = Server::Free(None);
        self.remote = None;
        self.memory = ServerMemory::default();
        let note = if was_connected {
            trf(
                "Server settings changed (profile: {}). Reconnecting with the new settings...",
                &[profile_name],
            )
        } else {
            trf("Server settings changed (profile: {}).", &[profile_name])
        };
        self.push(LineKind::ShellOutput, note);
        self.enter(Phase::Closed);
        if was_connected {
            self.connect(false, "localhost", now);
        }
    }

    /// The console as plain text, for copying and downloading.
    pub fn export_text(&self) -> String {
        let mut out = String::new();
        for line in &self.lines {
            let prefix = match line.kind {
                LineKind::ClientInput | LineKind::ContentInput => "C: ",
                LineKind::Reply => "S: ",
                LineKind::ShellInput | LineKind::ShellOutput => "",
            };
            for text in line.text.split('\n') {
                out.push_str(prefix);
                out.push_str(text);
                out.push('\n');
            }
        }
        out
    }

    /// Rebuilds a lab by replaying a script, all at time `now`.
    pub fn replay(profile_name: &str, settings: Settings, script: &[String], now: u64) -> Self {
        let mut lab = Self::new(profile_name, settings);
        for entry in script {
            lab.submit(entry, now);
        }
        lab
    }
}

/// The chunk size of a `BDAT <size> [LAST]` command line.
fn bdat_size(command: &str) -> Option<usize> {
    let mut words = command.split_whitespace();
    let verb = words.next()?;
    if !verb.eq_ignore_ascii_case("BDAT") {
        return None;
    }
    words.next()?.parse().ok()
}

fn dial(program: &str, args: &[&str]) -> Dial {
    let telnet = program == "telnet";
    let positional: Vec<&str> = args
        .iter()
        .copied()
        .filter(|a| !a.starts_with('-'))
        .collect();
    let (host, port) = match positional.as_slice() {
        [host] if telnet => (*host, "23"),
        [host, port] => (*host, *port),
        _ => {
            return Dial::Usage(if telnet {
                tr("usage: telnet host [port]   (try: telnet localhost smtp)").into()
            } else {
                trf(
                    "usage: {} host port   (try: {} localhost 25)",
                    &[program, program],
                )
            })
        }
    };
    let known_host = matches!(
        host.to_ascii_lowercase().as_str(),
        "localhost" | "127.0.0.1" | "::1" | "mail.example.com" | "example.com"
    );
    if !known_host {
        return match net::port_number(port) {
            Some(port) => Dial::Network {
                host: host.to_owned(),
                port,
            },
            None => Dial::Usage(format!(
                "{program}: could not resolve {host}/{port}: Servname not supported"
            )),
        };
    }
    if !matches!(port, "25" | "smtp" | "2525" | "587" | "submission") {
        return Dial::Refused(if telnet {
            let hint = tr("(the mail server listens on port 25, \"smtp\")");
            format!("Trying 127.0.0.1...\ntelnet: Unable to connect to remote host: Connection refused\n{hint}")
        } else {
            format!("{program}: connect to {host} port {port} (tcp) failed: Connection refused")
        });
    }
    Dial::Connect {
        telnet,
        host: host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> Lab {
        Lab::new("default", Settings::default())
    }

    fn texts(lab: &Lab) -> Vec<&str> {
        lab.lines.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn with_tls_before_auth_auth_appears_only_in_the_ehlo_after_starttls() {
        let mut settings = Settings::default();
        let (_, _, _, write) = crate::policies::POLICY_TOGGLES
            .iter()
            .find(|(id, ..)| *id == "tls-before-auth")
            .unwrap();
        write(&mut settings.profile, true);
        let mut lab = Lab::new("default", settings);
        let offers_auth = |lab: &Lab, from: usize| {
            lab.lines[from..].iter().any(|l| {
                l.text
                    .lines()
                    .any(|t| t.starts_with("250-AUTH") || t.starts_with("250 AUTH"))
            })
        };
        lab.submit("telnet localhost smtp", 0);
        lab.submit("EHLO client.example", 0);
        assert!(!offers_auth(&lab, 0), "{:?}", texts(&lab));
        lab.submit("AUTH PLAIN AHlvdQBzZWNyZXQ=", 0);
        assert!(
            lab.lines.last().unwrap().text.starts_with("530"),
            "{:?}",
            texts(&lab)
        );
        lab.submit("STARTTLS", 0);
        let tail = texts(&lab)[texts(&lab).len() - 3..].to_vec();
        assert!(
            tail[0].starts_with("220") && tail[0].contains("Ready to start TLS"),
            "{tail:?}"
        );
        assert_eq!(tail[1..], *TLS_STEPS);
        let after_tls = lab.lines.len();
        lab.submit("EHLO client.example", 0);
        assert!(offers_auth(&lab, after_tls), "{:?}", texts(&lab));
        assert!(!lab.lines[after_tls..]
            .iter()
            .any(|l| l.text.contains("STARTTLS")));
    }

    #[test]
    fn telnet_connects_like_the_real_one_and_quit_returns_to_the_shell() {
        let mut lab = lab();
        lab.submit("telnet localhost smtp", 0);
        assert_eq!(
            texts(&lab),
            [
                "$ telnet localhost smtp",
                "Trying 127.0.0.1...",
                "Connected to localhost.",
                "Escape character is '^]'.",
                "220 mail.example.com ESMTP smtplab",
            ]
        );
        assert!(lab.connected());
        lab.submit("quit", 0);
        assert_eq!(
            texts(&lab)[5..],
            [
                "quit",
                "221 2.0.0 Bye",
                "Connection closed by foreign host."
            ]
        );
        assert!(!lab.connected());
        assert_eq!(lab.prompt(), "$");
    }

    #[test]
    fn the_seed_session_delivers_to_bob() {
        let mut lab = lab();
        for line in [
            "telnet localhost smtp",
            "mail from:alice@example.com",
            "rcpt to:bob@example.com",
            "data",
            "Hi, Bob!",
            "        This is test email!",
            ".",
            "quit",
        ] {
            lab.submit(line, 0);
        }
        let codes: Vec<u16> = lab
            .lines
            .iter()
            .filter_map(|l| l.reply.as_ref().map(|r| r.code))
            .collect();
        assert_eq!(codes, [220, 250, 250, 354, 250, 221]);
        assert_eq!(lab.mailstore.mailbox("bob").count(), 1);
        let kinds: Vec<LineKind> = lab.lines.iter().map(|l| l.kind).collect();
        assert!(kinds.contains(&LineKind::ContentInput));
    }

    #[test]
    fn a_paste_is_one_pipelined_chunk() {
        let mut lab = lab();
        lab.submit("nc localhost 25", 0);
        lab.submit(
            "EHLO x\nMAIL FROM:<a@example.com>\nRCPT TO:<bob@example.com>\nDATA\nhi\n.\n",
            0,
        );
        let client = lab.transcript.render(false);
        assert!(
            client.contains("C: EHLO x\nC: MAIL FROM:<a@example.com>\n"),
            "{client}"
        );
        assert_eq!(lab.mailstore.deliveries.len(), 1);
        // nc prints nothing of its own.
        assert_eq!(lab.lines[1].text, "220 mail.example.com ESMTP smtplab");
    }

    #[test]
    fn shell_errors_are_helpful() {
        let mut lab = lab();
        for (input, expected) in [
            ("ls", "ls: command not found. Try telnet localhost smtp, or type help"),
            ("EHLO x", "EHLO: command not found. That is an SMTP command: connect first with telnet localhost smtp"),
            ("telnet", "usage: telnet host [port]   (try: telnet localhost smtp)"),
            ("telnet example.org 25", "telnet: could not resolve example.org/25: Name or service not known"),
            ("telnet localhost 80", "Trying 127.0.0.1..."),
        ] {
            lab.submit(input, 0);
            let shown: Vec<&str> = lab.lines.iter().rev().take(4).map(|l| l.text.as_str()).collect();
            assert!(shown.contains(&expected), "{input}: {shown:?}");
            assert!(!lab.connected(), "{input}");
        }
    }

    #[test]
    fn changing_settings_reconnects_and_says_so() {
        let mut lab = lab();
        lab.submit("telnet localhost smtp", 0);
        lab.apply_settings("strict", Settings::preset("strict").unwrap(), 0);
        assert!(lab.connected());
        assert!(texts(&lab).contains(
            &"Server settings changed (profile: strict). Reconnecting with the new settings..."
        ));
        lab.submit("MAIL FROM:<a@example.com>", 0);
        assert_eq!(
            lab.lines.last().unwrap().text,
            "503 Error: send HELO/EHLO first"
        );
    }

    #[cfg(feature = "lessons")]
    #[test]
    fn every_builtin_solution_completes_its_lesson_in_the_console() {
        for lesson in smtplab_lessons::builtin().lessons() {
            let mut lab = Lab::for_lesson(lesson);
            // Waits happen for real: the browser clock moves on.
            let mut clock = 1_000;
            let solution = lesson.solution();
            for (index, steps) in solution.connections.iter().enumerate() {
                let dial = crate::lessons::solution::connect_command(solution.target(index));
                lab.submit(&dial, clock);
                for step in steps {
                    match step {
                        smtplab_lessons::Step::Send(lines) => lab.submit(&lines.join("\n"), clock),
                        smtplab_lessons::Step::Wait(seconds) => clock += seconds,
                        smtplab_lessons::Step::Dns(edit) => {
                            lab.change_dns(&DnsChange::from(edit)).unwrap()
                        }
                    }
                }
            }
            // Enter at the prompt brings the lesson clock up to the last wait.
            lab.submit("", clock);
            let checker = lab.lesson().unwrap().checker();
            assert!(
                checker.is_complete(),
                "{}: {:?}",
                lesson.id(),
                checker.statuses()
            );
        }
    }

    #[test]
    fn sleep_moves_the_simulated_clock() {
        let mut lab = lab();
        lab.submit("sleep 90", 0);
        assert_eq!(
            lab.lines.last().unwrap().text,
            "(90 seconds pass on the simulated clock.)"
        );
        lab.submit("sleep soon", 0);
        assert_eq!(
            lab.lines.last().unwrap().text,
            "usage: sleep SECONDS (at most 86400)"
        );
    }

    #[test]
    fn replay_rebuilds_the_same_console() {
        let mut lab = lab();
        for line in ["telnet localhost smtp", "EHLO x", "VRFY alice", "QUIT"] {
            lab.submit(line, 5);
        }
        let again = Lab::replay("default", Settings::default(), &lab.script, 5);
        assert_eq!(again.lines, lab.lines);
        assert_eq!(again.export_text(), lab.export_text());
    }
}
