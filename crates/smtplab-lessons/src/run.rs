//! Running a lesson: a [`LessonSession`] drives the engine with a virtual
//! clock and fixed seeds, feeds the checker and records the attempt, and
//! [`replay`] runs a recorded attempt the same way to a [`Report`].
//!
//! Determinism: connection N (counting from 1) is seeded with N, as the web
//! console does, and the clock starts at [`CLOCK_START`] and moves only by
//! the waits the script records. The same script therefore gives the same
//! replies, queue ids and goals in the browser, in `smtplab check` and in
//! tests.

use core::fmt;

use core::net::IpAddr;

use smtplab_engine::network::simulation::{ConnectError, Connection, Simulation};
use smtplab_engine::network::{Availability, ZoneEdit, ZoneEditError};
use smtplab_engine::{ClientInfo, CloseReason, Event, Output, ServerMemory, Session, Transcript};
use smtplab_mailauth::MailAuthChecks;

use crate::attempt::{split_lines, Attempt, Endpoint, Script, Step};
use crate::checker::{Checker, GoalStatus};
use crate::lesson::Lesson;

/// Where a lesson's clock starts: 2026-01-01 00:00:00 UTC, in Unix seconds.
pub const CLOCK_START: u64 = 1_767_225_600;

/// The seed of the `number`th connection (1-based), as the web console
/// seeds it.
pub fn connection_seed(number: u64) -> u64 {
    number
}

/// The seed of a lesson's network (its queue and session ids).
pub const NETWORK_SEED: u64 = 1;

/// A lesson being worked through: the server, the virtual clock, the
/// checker and the attempt being recorded.
#[derive(Debug)]
pub struct LessonSession {
    lesson_id: String,
    settings: smtplab_engine::Settings,
    session: Option<Session>,
    /// What the server remembers between connections (greylisting).
    memory: ServerMemory,
    connections: u64,
    elapsed: u64,
    checker: Checker,
    script: Script,
    transcripts: Vec<Transcript>,
    /// How each connection ended (`None`: still open, or replaced).
    endings: Vec<Option<CloseReason>>,
    /// The lesson's network, when it runs one (its clock is the lesson's).
    network: Option<Simulation>,
    /// The open connection to a network host, if any.
    remote: Option<Connection>,
    /// Hosts down until this many seconds of lesson time, soonest first.
    outages: Vec<(u64, String)>,
}

impl LessonSession {
    /// A session at the shell prompt, nothing connected yet.
    pub fn new(lesson: &Lesson) -> Self {
        let mut network = lesson
            .network()
            .and_then(|n| Simulation::new(n.clone(), CLOCK_START, NETWORK_SEED).ok());
        let mut outages = Vec::new();
        if let Some(network) = network.as_mut() {
            if lesson.server().mail_auth {
                network.set_receiver_checks(std::sync::Arc::new(MailAuthChecks));
            }
            for outage in &lesson.server().outages {
                network.set_availability(&outage.host, Availability::Unreachable);
                if let Some(seconds) = outage.seconds {
                    outages.push((seconds, outage.host.clone()));
                }
            }
        }
        outages.sort();
        Self {
            network,
            remote: None,
            outages,
            lesson_id: lesson.id().to_owned(),
            settings: lesson.settings().clone(),
            session: None,
            memory: ServerMemory::default(),
            connections: 0,
            elapsed: 0,
            checker: lesson.checker(),
            script: Script::default(),
            transcripts: Vec::new(),
            endings: Vec::new(),
        }
    }

    /// Opens a new connection (dropping an open one) and returns the
    /// greeting outputs.
    pub fn connect(&mut self) -> Vec<Output> {
        self.connections += 1;
        self.script.connect();
        self.remote = None;
        if let Some(open) = &self.session {
            self.memory = open.memory().clone();
        }
        let session = Session::with_memory(
            self.settings.clone(),
            ClientInfo::default(),
            connection_seed(self.connections),
            self.now(),
            self.memory.clone(),
        );
        self.session = Some(session);
        self.transcripts.push(Transcript::default());
        self.endings.push(None);
        self.drain()
    }

    /// Sends one submission: one line, or several pasted together (split at
    /// `\n`), each ended with CRLF. Without a connection nothing is sent and
    /// nothing is returned.
    ///
    /// A connection left idle past the profile's idle timeout is closed
    /// first with 421, as `smtplab serve` closes it, and the text never
    /// reaches the server: on the virtual clock the learner sees the close
    /// when they next press Enter.
    pub fn send(&mut self, text: &str) -> Vec<Output> {
        if self.remote.is_some() {
            return self.send_remote(text);
        }
        let now = self.now();
        let Some(session) = self.session.as_mut() else {
            return Vec::new();
        };
        self.script.send(text);
        session.handle_timeout(now);
        if session.is_closed() {
            return self.drain();
        }
        let mut chunk = String::new();
        for line in split_lines(text) {
            chunk.push_str(&line);
            chunk.push_str("\r\n");
        }
        if let Some(transcript) = self.transcripts.last_mut() {
            transcript.client(chunk.as_bytes());
        }
        if let Some(session) = self.session.as_mut() {
            session.feed(chunk.as_bytes(), now);
        }
        self.drain()
    }

    /// Lets `seconds` pass on the lesson clock (the network's queues run,
    /// and hosts come back from their outages, on the way).
    pub fn wait(&mut self, seconds: u64) {
        let until = self.elapsed.saturating_add(seconds);
        if let Some(network) = self.network.as_mut() {
            while let Some((back, host)) = self.outages.first().filter(|(at, _)| *at <= until) {
                network.advance(back.saturating_sub(self.elapsed));
                self.elapsed = self.elapsed.max(*back);
                network.set_availability(host, Availability::Up);
                self.outages.remove(0);
            }
            network.advance(until.saturating_sub(self.elapsed));
            self.checker.observe_network(network);
        }
        self.elapsed = until;
        if !self.script.connections.is_empty() {
            self.script.wait(seconds);
        }
    }

    /// Opens a connection to a network host (dropping an open one), as
    /// `telnet HOST PORT` does; returns the address and the greeting
    /// outputs. `UnknownHost` in a lesson without a network.
    pub fn connect_to(
        &mut self,
        target: &str,
        port: u16,
    ) -> Result<(IpAddr, Vec<Output>), ConnectError> {
        let Some(network) = self.network.as_mut() else {
            return Err(ConnectError::UnknownHost {
                name: target.to_owned(),
                port,
            });
        };
        let mut connection = network.connect(target, port)?;
        let outputs = network.take_outputs(&mut connection);
        let address = connection.address();
        if let Some(open) = self.session.take() {
            self.memory = open.memory().clone();
        }
        self.connections += 1;
        self.script.connect_to(Endpoint {
            host: target.to_owned(),
            port,
        });
        self.transcripts.push(Transcript::default());
        self.endings.push(None);
        self.remote = Some(connection);
        Ok((address, self.settle(outputs)))
    }

    fn send_remote(&mut self, text: &str) -> Vec<Output> {
        let (Some(network), Some(connection)) = (self.network.as_mut(), self.remote.as_mut())
        else {
            return Vec::new();
        };
        self.script.send(text);
        let mut outputs = network.handle_timeout(connection);
        if !connection.session().is_closed() {
            let mut chunk = String::new();
            for line in split_lines(text) {
                chunk.push_str(&line);
                chunk.push_str("\r\n");
            }
            if let Some(transcript) = self.transcripts.last_mut() {
                transcript.client(chunk.as_bytes());
            }
            outputs.extend(network.feed(connection, chunk.as_bytes()));
        }
        self.settle(outputs)
    }

    /// Changes the network's DNS (the DNS tab, `dns` in an attempt file):
    /// recorded in the attempt and shown to the checker when it is made,
    /// refused with the reason (and nothing recorded) when it cannot be.
    pub fn edit_dns(&mut self, edit: &ZoneEdit) -> Result<(), ZoneEditError> {
        let network = self.network.as_mut().ok_or(ZoneEditError::NoNetwork)?;
        network.edit_dns(edit)?;
        self.script.dns(edit.clone());
        self.checker.observe_network(network);
        Ok(())
    }

    /// The network, if the lesson runs one.
    pub fn simulation(&self) -> Option<&Simulation> {
        self.network.as_ref()
    }

    /// Whether the open connection goes to a network host.
    pub fn on_network(&self) -> bool {
        self.remote.is_some()
    }

    /// Moves the clock to `elapsed` seconds after the start, if that is
    /// later: a browser calls this with the real seconds since the lesson
    /// started before each submission, so waiting for real is recorded.
    pub fn advance_to(&mut self, elapsed: u64) {
        if elapsed > self.elapsed {
            self.wait(elapsed - self.elapsed);
        }
    }

    /// Plays a whole script, returning every output in order.
    pub fn play(&mut self, script: &Script) -> Vec<Output> {
        let mut outputs = Vec::new();
        for edit in &script.before {
            // A change refused in the browser was never recorded; one
            // refused here (an edited file) is skipped, as it changed nothing.
            let _ = self.edit_dns(edit);
        }
        for (index, steps) in script.connections.iter().enumerate() {
            match script.target(index) {
                Some(endpoint) => {
                    if let Ok((_, greeting)) = self.connect_to(&endpoint.host, endpoint.port) {
                        outputs.extend(greeting);
                    }
                }
                None => outputs.extend(self.connect()),
            }
            for step in steps {
                match step {
                    Step::Send(lines) => outputs.extend(self.send(&lines.join("\n"))),
                    Step::Wait(seconds) => self.wait(*seconds),
                    Step::Dns(edit) => {
                        let _ = self.edit_dns(edit);
                    }
                }
            }
        }
        outputs
    }

    fn drain(&mut self) -> Vec<Output> {
        let Some(session) = self.session.as_mut() else {
            return Vec::new();
        };
        let outputs: Vec<Output> = session.drain_outputs().collect();
        self.settle(outputs)
    }

    /// Records a connection's outputs (transcript, ending, close) and
    /// shows them, and the network after them, to the checker.
    fn settle(&mut self, outputs: Vec<Output>) -> Vec<Output> {
        for output in &outputs {
            match output {
                Output::Reply(reply) => {
                    if let Some(transcript) = self.transcripts.last_mut() {
                        transcript.server(reply);
                    }
                }
                Output::Event(Event::Closed { reason }) => {
                    if let Some(ending) = self.endings.last_mut() {
                        *ending = Some(*reason);
                    }
                }
                Output::Close => {
                    // A network host keeps its own memory (the simulation's).
                    let was_remote = self.remote.take().is_some();
                    if let Some(closed) = self.session.take().filter(|_| !was_remote) {
                        self.memory = closed.memory().clone();
                    }
                }
                _ => {}
            }
        }
        self.checker.observe_submission(&outputs);
        if let Some(network) = &self.network {
            self.checker.observe_network(network);
        }
        outputs
    }

    /// The lesson clock now, in Unix seconds.
    pub fn now(&self) -> u64 {
        CLOCK_START.saturating_add(self.elapsed)
    }

    /// The open connection's engine session (for the prompt: whether it
    /// reads message content or an AUTH response).
    pub fn session(&self) -> Option<&Session> {
        match &self.remote {
            Some(connection) => Some(connection.session()),
            None => self.session.as_ref(),
        }
    }

    /// Whether a connection is open.
    pub fn is_connected(&self) -> bool {
        self.session.is_some() || self.remote.is_some()
    }

    /// Records that the reference solution was shown (call it before
    /// playing any of it): the attempt then records it and cannot pass.
    pub fn mark_solution_shown(&mut self) {
        self.checker.mark_solution_shown();
    }

    /// Whether the reference solution was shown in this session.
    pub fn solution_shown(&self) -> bool {
        self.checker.solution_shown()
    }

    /// The goals so far.
    pub fn checker(&self) -> &Checker {
        &self.checker
    }

    /// Everything sent, connection by connection.
    pub fn script(&self) -> &Script {
        &self.script
    }

    /// The bytes both ways, one transcript per connection.
    pub fn transcripts(&self) -> &[Transcript] {
        &self.transcripts
    }

    /// Every connection's transcript as `C:`/`S:` lines, each connection
    /// under a `-- connection N --` line and followed by how it ended.
    pub fn render_transcripts(&self) -> String {
        let mut out = String::new();
        for (index, (transcript, ending)) in self.transcripts.iter().zip(&self.endings).enumerate()
        {
            out.push_str(&format!("-- connection {} --\n", index + 1));
            out.push_str(&transcript.render(false));
            let ending = match ending {
                None => "left open",
                Some(CloseReason::Quit) => "closed after QUIT",
                Some(CloseReason::TooManyErrors) => "closed by the server: too many errors",
                Some(CloseReason::IdleTimeout) => "closed by the server: idle too long",
                Some(CloseReason::Shutdown) => "closed by the server: shutting down",
                Some(CloseReason::Dropped) => "dropped by the server without a word",
            };
            out.push_str(&format!("-- {ending} --\n"));
        }
        out
    }

    /// The attempt so far, for export.
    pub fn attempt(&self, pack_id: &str) -> Attempt {
        Attempt {
            pack: pack_id.to_owned(),
            lesson: self.lesson_id.clone(),
            student: None,
            solution_shown: self.solution_shown(),
            script: self.script.clone(),
        }
    }
}

/// One goal's result in a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalResult {
    /// The learner-facing description.
    pub description: String,
    /// Where it stood at the end.
    pub status: GoalStatus,
}

/// The result of replaying an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The pack id.
    pub pack: String,
    /// The lesson id.
    pub lesson: String,
    /// The lesson title.
    pub title: String,
    /// The student, if the attempt names one.
    pub student: Option<String>,
    /// Whether the attempt says the reference solution was shown.
    pub solution_shown: bool,
    /// Every goal, in the lesson's order.
    pub goals: Vec<GoalResult>,
    /// Commands sent in all.
    pub commands_used: u32,
    /// The conversation, `C:`/`S:` lines.
    pub transcript: String,
}

impl Report {
    /// Whether the attempt passed: every goal met, and the reference
    /// solution not shown.
    pub fn passed(&self) -> bool {
        !self.solution_shown && self.goals.iter().all(|g| g.status.is_met())
    }

    /// Goals not met, with their index.
    pub fn unmet_descriptions(&self) -> Vec<(usize, &str)> {
        self.goals
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.status.is_met())
            .map(|(index, g)| (index, g.description.as_str()))
            .collect()
    }
}

impl fmt::Display for Report {
    /// The goals, one a line: `[x]` met, `[ ]` not met, `[!]` a limit broken.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let met = self.goals.iter().filter(|g| g.status.is_met()).count();
        write!(f, "{} / {} ({})", self.pack, self.lesson, self.title)?;
        if let Some(student) = &self.student {
            write!(f, ", {student}")?;
        }
        let verdict = if self.solution_shown {
            "SOLUTION SHOWN, not a pass"
        } else if self.passed() {
            "PASSED"
        } else {
            "NOT PASSED"
        };
        writeln!(f, ": {verdict} ({met} of {} goals met)", self.goals.len())?;
        for goal in &self.goals {
            let mark = match goal.status {
                GoalStatus::Met => "[x]",
                GoalStatus::Pending => "[ ]",
                GoalStatus::Failed => "[!]",
            };
            writeln!(f, "  {mark} {}", goal.description)?;
        }
        Ok(())
    }
}

/// Runs a script against a lesson (pack and student left blank).
pub(crate) fn run_script(lesson: &Lesson, script: &Script) -> Report {
    let mut run = LessonSession::new(lesson);
    run.play(script);
    let checker = run.checker();
    Report {
        pack: String::new(),
        lesson: lesson.id().to_owned(),
        title: lesson.title().to_owned(),
        student: None,
        solution_shown: false,
        goals: checker
            .goals()
            .iter()
            .zip(checker.statuses())
            .map(|(goal, status)| GoalResult {
                description: goal.description.clone(),
                status,
            })
            .collect(),
        commands_used: checker.commands_used(),
        transcript: run.render_transcripts(),
    }
}

/// Replays an attempt's script against `lesson`, deterministically. The
/// attempt's lesson id is not compared; [`crate::Pack::replay`] finds the lesson.
pub fn replay(lesson: &Lesson, attempt: &Attempt) -> Report {
    Report {
        pack: attempt.pack.clone(),
        student: attempt.student.clone(),
        solution_shown: attempt.solution_shown,
        ..run_script(lesson, &attempt.script)
    }
}

/// Why an attempt could not be replayed against a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// The attempt names another pack.
    WrongPack {
        /// The pack the attempt names.
        attempt: String,
        /// The pack it was checked against.
        pack: String,
    },
    /// The pack has no lesson with that id.
    UnknownLesson {
        /// The lesson the attempt names.
        lesson: String,
        /// The pack.
        pack: String,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongPack { attempt, pack } => write!(
                f,
                "the attempt is for pack `{attempt}`, but it was checked against pack `{pack}`"
            ),
            Self::UnknownLesson { lesson, pack } => {
                write!(f, "pack `{pack}` has no lesson `{lesson}`")
            }
        }
    }
}

impl std::error::Error for ReplayError {}
