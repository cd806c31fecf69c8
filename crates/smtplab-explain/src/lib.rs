//! smtplab-explain: reads an SMTP conversation it did not take part in (a
//! swaks run, a telnet or nc copy, `C:`/`S:` lines, a Postfix or Exim log,
//! smtplab's own export) and explains every line from the engine's
//! catalogue: what it is, why it came then, the RFC, and what is wrong.
//!
//! # Contract
//!
//! ```text
//!  bytes (any split) ──► Explainer::feed ──► ExplainedLine, one per input line, in order
//!                        Explainer::finish ─► the last line, and a Summary (formats, notices)
//!  explained lines ────► replay::replay ───► what the simulated server answers instead
//! ```
//!
//! * Formats are detected line by line, never chosen; a line no format
//!   claims is kept and shown as [`Kind::Unknown`]. Nothing is dropped.
//! * Bytes are shown exactly: CR, NUL and other controls escaped (`\r`,
//!   `\0`, `\x01`), invalid UTF-8 as `\xff`; a line longer than
//!   [`limits::MAX_KEPT_LINE`] says how much of it is not shown.
//! * Work is bounded ([`limits`]): a binary file is recognised in its
//!   first octets, and input beyond [`limits::MAX_INPUT_BYTES`] or
//!   [`limits::MAX_LINES`] is not read; the summary says so.
//!
//! ```
//! let explanation = smtplab_explain::explain(b"S: 220 mx ESMTP\r\nC: EHLO me\r\nS: 250 mx\r\n");
//! let kinds: Vec<_> = explanation.lines.iter().map(|l| l.kind).collect();
//! use smtplab_explain::Kind;
//! assert_eq!(kinds, [Kind::Reply, Kind::Command, Kind::Reply]);
//! assert_eq!(explanation.lines[1].note.rfc, "RFC 5321 section 4.1.1.1");
//! ```

mod conversation;
pub mod format;
pub mod html;
pub mod input;
pub mod limits;
mod logs;
pub mod render;
pub mod replay;
pub mod text;

use std::collections::BTreeMap;

use smtplab_engine::client::escape_bytes;

use crate::conversation::{reply_line, Conversation, Reading};
use crate::format::{recognise, Format, Piece, Side};
use crate::input::{binary_reason, LineEnd, LineSplitter, RawLine};
use crate::limits::{BINARY_SNIFF, MAX_INPUT_BYTES, MAX_LINES};
use crate::logs::{LogFact, Status};
use crate::text::{t, tf};

/// What a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "kebab-case")
)]
pub enum Kind {
    /// An SMTP command from the client.
    Command,
    /// A server reply line.
    Reply,
    /// Message content (after 354, or inside a BDAT chunk).
    Content,
    /// The client's answer to an AUTH challenge.
    AuthData,
    /// What the tool around the session printed (swaks `===`, telnet).
    Tool,
    /// A mail-log entry that is not itself a command or reply.
    Log,
    /// Not recognised: kept and shown as it is.
    Unknown,
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "kebab-case")
)]
pub enum Severity {
    /// Breaks the protocol.
    Error,
    /// Not what a conforming client or server does.
    Warning,
    /// What should happen next (retry later, do not repeat).
    Advice,
}

/// Something wrong, or worth knowing, about a line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Finding {
    /// How serious.
    pub severity: Severity,
    /// What, in words.
    pub message: String,
    /// Where the rule is written.
    pub rfc: &'static str,
}

/// The explanation of a line, like the console's for a reply.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Note {
    /// A few words naming it.
    pub title: String,
    /// What it means.
    pub meaning: String,
    /// Why it comes at this point.
    pub why: String,
    /// Where the rule is written.
    pub rfc: String,
}

/// One input line, explained.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ExplainedLine {
    /// 1-based line number in the input.
    pub number: usize,
    /// The whole line as text, controls escaped, with a note of any cut.
    pub shown: String,
    /// How the line ended.
    pub end: LineEnd,
    /// The format its shape belongs to (`None` for tool lines any format
    /// has around it).
    pub format: Option<Format>,
    /// What it is.
    pub kind: Kind,
    /// Which side sent its SMTP text, for commands, replies and content.
    pub side: Option<Side>,
    /// The SMTP text after any marker, as sent (for replay).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub smtp: Vec<u8>,
    /// The explanation.
    pub note: Note,
    /// What is wrong with it, or what should follow.
    pub findings: Vec<Finding>,
    /// For a reply: the line of the command it answers.
    pub answers: Option<usize>,
}

/// What the explainer says about the input as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Summary {
    /// Lines explained.
    pub lines: usize,
    /// Octets read.
    pub bytes: u64,
    /// Lines per detected format, most first.
    pub formats: Vec<(Format, usize)>,
    /// Lines per kind.
    pub kinds: Vec<(Kind, usize)>,
    /// Messages about the input: binary, cut short, mixed formats.
    pub notices: Vec<String>,
    /// Whether the explainer stopped before the end of the input.
    pub stopped: bool,
}

/// A whole input, explained.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Explanation {
    /// Every line, in order.
    pub lines: Vec<ExplainedLine>,
    /// About the input as a whole.
    pub summary: Summary,
}

/// Explains a whole input at once (bounded as [`Explainer`] is).
pub fn explain(input: &[u8]) -> Explanation {
    let mut explainer = Explainer::default();
    let mut lines = explainer.feed(input);
    let (last, summary) = explainer.finish();
    lines.extend(last);
    Explanation { lines, summary }
}

/// Log sessions followed at once before the oldest are forgotten.
const MAX_LOG_SESSIONS: usize = 256;

/// Explains input fed in pieces, so a page can show progress and a CLI
/// can print as it reads.
#[derive(Debug, Default)]
pub struct Explainer {
    splitter: LineSplitter,
    sniffed: Vec<u8>,
    sniff_done: bool,
    conversation: Conversation,
    log_sessions: BTreeMap<String, Conversation>,
    log_summaries: Conversation,
    number: usize,
    bytes: u64,
    crlf_lines: usize,
    lf_lines: usize,
    formats: BTreeMap<Format, usize>,
    kinds: Vec<(Kind, usize)>,
    notices: Vec<String>,
    stopped: bool,
}

impl Explainer {
    /// A fresh explainer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether it has stopped reading (binary input, or a limit reached).
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// Octets read so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes
    }

    /// Feeds the next piece of input; returns the lines it completed.
    pub fn feed(&mut self, input: &[u8]) -> Vec<ExplainedLine> {
        if self.stopped {
            return Vec::new();
        }
        if !self.sniff_done {
            let room = BINARY_SNIFF - self.sniffed.len();
            let (head, rest) = input.split_at(input.len().min(room));
            self.sniffed.extend_from_slice(head);
            if self.sniffed.len() < BINARY_SNIFF {
                return Vec::new();
            }
            let mut lines = self.release_sniffed();
            lines.extend(self.read(rest));
            return lines;
        }
        self.read(input)
    }

    /// Ends the input: the unfinished last line and the summary.
    pub fn finish(mut self) -> (Vec<ExplainedLine>, Summary) {
        let mut lines = if self.sniff_done {
            Vec::new()
        } else {
            self.release_sniffed()
        };
        if !self.stopped {
            if let Some(raw) = self.splitter.finish() {
                lines.push(self.explain_line(raw));
            }
        }
        (lines, self.summary())
    }

    fn release_sniffed(&mut self) -> Vec<ExplainedLine> {
        self.sniff_done = true;
        let sniffed = core::mem::take(&mut self.sniffed);
        if let Some(reason) = binary_reason(&sniffed) {
            self.notices.push(reason);
            self.stopped = true;
            self.bytes = sniffed.len() as u64;
            return Vec::new();
        }
        self.read(&sniffed)
    }

    fn read(&mut self, input: &[u8]) -> Vec<ExplainedLine> {
        let mut lines = Vec::new();
        let mut rest = input;
        while !rest.is_empty() && !self.stopped {
            let room = usize::try_from(MAX_INPUT_BYTES - self.bytes).unwrap_or(usize::MAX);
            if room == 0 || self.number >= MAX_LINES {
                self.stop_early();
                break;
            }
            let window = &rest[..rest.len().min(room)];
            let (used, line) = self.splitter.next_line(window);
            self.bytes += used as u64;
            rest = &rest[used..];
            if let Some(raw) = line {
                lines.push(self.explain_line(raw));
            }
        }
        lines
    }

    fn stop_early(&mut self) {
        self.stopped = true;
        self.notices.push(tf(
            "Stopped after {} lines ({} octets): explain reads at most {} lines and {} MiB at once. The rest of the input was not read; split it into smaller transcripts.",
            &[&self.number, &self.bytes, &MAX_LINES, &(MAX_INPUT_BYTES / (1024 * 1024))],
        ));
    }

    fn explain_line(&mut self, raw: RawLine) -> ExplainedLine {
        self.number += 1;
        match raw.end {
            LineEnd::Crlf => self.crlf_lines += 1,
            LineEnd::Lf => self.lf_lines += 1,
            LineEnd::None => {}
        }
        let (format, piece) = recognise(&raw.bytes);
        let number = self.number;
        let (side, smtp, mut reading) = match piece {
            Piece::Sent(side, text) => {
                let reading = match side {
                    Side::Client => self.conversation.client(&text, number),
                    Side::Server => self.conversation.server(&text, number),
                };
                (Some(side), text, reading)
            }
            Piece::Unmarked(text) => {
                let (side, reading) = self.unmarked(&text, number);
                (side, text, reading)
            }
            Piece::Tool(what) => (None, Vec::new(), tool_reading(what)),
            Piece::Log {
                program,
                session,
                message,
            } => {
                let (side, smtp, reading) =
                    self.log_line(format, &program, &session, &message, number);
                (side, smtp, reading)
            }
        };
        let format = format.filter(|_| reading.kind != Kind::Unknown);
        if let Some(format) = format {
            *self.formats.entry(format).or_default() += 1;
        }
        self.line_end_findings(&raw, reading.kind, &mut reading);
        self.count(reading.kind);
        ExplainedLine {
            number,
            shown: shown(&raw),
            end: raw.end,
            format,
            kind: reading.kind,
            side,
            smtp,
            note: reading.note,
            findings: reading.findings,
            answers: reading.answers,
        }
    }

    /// A telnet/nc copy has no markers: the text tells the side.
    fn unmarked(&mut self, text: &[u8], number: usize) -> (Option<Side>, Reading) {
        let conversation = &mut self.conversation;
        if conversation.expects_client_data() {
            return (Some(Side::Client), conversation.client(text, number));
        }
        if reply_line(text).is_some() {
            return (Some(Side::Server), conversation.server(text, number));
        }
        let word_end = text
            .iter()
            .position(|b| !b.is_ascii_alphabetic())
            .unwrap_or(text.len());
        let word = String::from_utf8_lossy(&text[..word_end]).into_owned();
        if smtplab_engine::session::parse_verb(&word).is_some() {
            return (Some(Side::Client), conversation.client(text, number));
        }
        let why = if text.is_empty() {
            t("An empty line outside message content: not a command, not a reply.")
        } else {
            t("No format claims this line: it is not a command, a reply, message content, or a line swaks, telnet or a mail log writes.")
        };
        let note = Note {
            title: t("Unknown line"),
            meaning: why,
            why: t("Shown as it is, so nothing is lost."),
            rfc: String::new(),
        };
        (
            None,
            Reading {
                kind: Kind::Unknown,
                note,
                findings: Vec::new(),
                answers: None,
            },
        )
    }

    fn log_line(
        &mut self,
        format: Option<Format>,
        program: &str,
        session: &str,
        message: &str,
        number: usize,
    ) -> (Option<Side>, Vec<u8>, Reading) {
        let fact = if format == Some(Format::EximLog) {
            logs::exim(message)
        } else {
            logs::postfix(program, message)
        };
        if message.starts_with("connect from ") {
            self.log_sessions.remove(session);
        }
        let log_note = |title: String, meaning: String| Note {
            title,
            meaning,
            why: tf("Logged by {}.", &[&program]),
            rfc: String::new(),
        };
        match fact {
            LogFact::Quoted(side, text) => {
                let bytes = text.into_bytes();
                let reading = self.quoted_line(session, side, &bytes, number);
                (Some(side), bytes, reading)
            }
            LogFact::Reply {
                reply,
                answers,
                status,
            } => {
                let mut reading = self.log_summaries.logged_reply(&reply, answers.as_deref());
                status_findings(status, &mut reading);
                (Some(Side::Server), reply.into_bytes(), reading)
            }
            LogFact::Problem(text) => {
                let finding = Finding {
                    severity: Severity::Warning,
                    message: text.clone(),
                    rfc: "RFC 5321",
                };
                let mut reading = log_reading(log_note(t("A problem the server logged"), text));
                reading.findings.push(finding);
                (None, Vec::new(), reading)
            }
            LogFact::Event(text) => (
                None,
                Vec::new(),
                log_reading(log_note(t("Log entry"), text)),
            ),
        }
    }

    /// A line Postfix's verbose log quotes, followed in its own session.
    fn quoted_line(&mut self, session: &str, side: Side, bytes: &[u8], number: usize) -> Reading {
        if self.log_sessions.len() >= MAX_LOG_SESSIONS && !self.log_sessions.contains_key(session) {
            self.log_sessions.pop_first();
        }
        let conversation = self.log_sessions.entry(session.to_owned()).or_default();
        match side {
            Side::Client => conversation.client(bytes, number),
            Side::Server => conversation.server(bytes, number),
        }
    }

    /// In a raw capture (most lines end in CRLF) a line ending in LF alone
    /// is a bare LF on the wire.
    fn line_end_findings(&self, raw: &RawLine, kind: Kind, reading: &mut Reading) {
        let wire = matches!(
            kind,
            Kind::Command | Kind::Content | Kind::Reply | Kind::AuthData
        );
        if wire && raw.end == LineEnd::Lf && self.crlf_lines > self.lf_lines {
            reading.findings.push(Finding {
                severity: Severity::Error,
                message: t("a bare LF ends this line: SMTP lines end in CRLF, and servers that accept LF alone can be tricked into SMTP smuggling"),
                rfc: "RFC 5321 section 2.3.8",
            });
        }
    }

    fn count(&mut self, kind: Kind) {
        match self.kinds.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, count)) => *count += 1,
            None => self.kinds.push((kind, 1)),
        }
    }

    fn summary(mut self) -> Summary {
        let mut formats: Vec<(Format, usize)> = self.formats.into_iter().collect();
        formats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        if formats.len() > 1 {
            let list: Vec<String> = formats
                .iter()
                .map(|(f, n)| tf("{} ({} lines)", &[&f.name(), n]))
                .collect();
            self.notices.push(tf(
                "This input mixes formats: {}. Each line was read in its own format and the conversation followed as one; if these are separate sessions, explain them one at a time.",
                &[&list.join(", ")],
            ));
        }
        if self.number == 0 && !self.stopped {
            self.notices.push(t("The input is empty: paste a transcript (swaks output, a telnet copy, C:/S: lines or a mail log)."));
        }
        Summary {
            lines: self.number,
            bytes: self.bytes,
            formats,
            kinds: self.kinds,
            notices: self.notices,
            stopped: self.stopped,
        }
    }
}

fn log_reading(note: Note) -> Reading {
    Reading {
        kind: Kind::Log,
        note,
        findings: Vec::new(),
        answers: None,
    }
}

fn tool_reading(what: &'static str) -> Reading {
    let note = Note {
        title: t("Tool output"),
        meaning: capitalised(&t(what)),
        why: t("Printed by the program around the SMTP session, not sent over it."),
        rfc: String::new(),
    };
    Reading {
        kind: Kind::Tool,
        note,
        findings: Vec::new(),
        answers: None,
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn status_findings(status: Option<Status>, reading: &mut Reading) {
    let (severity, message) = match status {
        Some(Status::Deferred) => (Severity::Advice, t("deferred: the message stays in the queue and is retried later (until the queue lifetime ends)")),
        Some(Status::Bounced) => (Severity::Advice, t("bounced: the sending server gives up and sends a delivery status notification to the sender")),
        _ => return,
    };
    reading.findings.push(Finding {
        severity,
        message,
        rfc: "RFC 5321 section 4.5.4.1 and 6.1",
    });
}

/// The line as text: controls escaped, and a cut said out loud.
fn shown(raw: &RawLine) -> String {
    let mut text = escape_bytes(&raw.bytes);
    if raw.cut > 0 {
        text.push_str(&tf(" [... {} more octets not shown]", &[&raw.cut]));
    }
    text
}
