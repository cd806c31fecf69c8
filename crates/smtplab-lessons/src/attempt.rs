//! What a learner typed, connection by connection (a [`Script`]), and a
//! student's [`Attempt`] at a lesson with its small text export format.
//!
//! The text format (documented in `docs/lessons.md`):
//!
//! ```text
//! smtplab attempt 1
//! pack: builtin
//! lesson: first-message
//! student: Ana Lima
//!
//! connect
//! > HELO client.example
//! > MAIL FROM:<alice@example.com>
//! | RCPT TO:<bob@example.com>
//! wait 20
//! ```
//!
//! `solution: shown` (a header) records that the reference solution was
//! shown, so the attempt is not counted as a pass.
//! `>` starts a submission (a line typed and sent with Enter), `|` adds a
//! line to the submission above (lines pasted and sent together, as a
//! pipelining client does), `connect` opens a new connection, `wait N`
//! lets N seconds pass, `dns add LINE` / `dns delete LINE` changes the
//! network's DNS (before the first `connect` too). Blank lines and lines
//! starting with `#` are ignored.

use core::fmt;

use serde::Deserialize;
use smtplab_engine::network::ZoneEdit;

/// The first line of every attempt file.
pub const ATTEMPT_MAGIC: &str = "smtplab attempt 1";

/// A UTF-8 byte-order mark, which some editors put at the start of a file.
pub(crate) const BYTE_ORDER_MARK: char = '\u{feff}';

/// The header line an attempt carries once the reference solution was shown.
pub const SOLUTION_SHOWN_HEADER: &str = "solution: shown";

/// One thing a learner did inside a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Lines sent together, each ended with CRLF: one line typed and
    /// entered, or several pasted at once.
    Send(Vec<String>),
    /// Time passing, in seconds, before the next step.
    Wait(u64),
    /// A change to the network's DNS, made at the shell or in the DNS tab.
    Dns(ZoneEdit),
}

/// What was typed, connection by connection. A new connection starts after
/// a QUIT or a dropped connection (the learner types `telnet localhost
/// smtp` again).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Script {
    /// The steps of each connection, in order.
    pub connections: Vec<Vec<Step>>,
    /// Where each connection went, by index: a network host, or `None`
    /// (or missing) for localhost.
    pub targets: Vec<Option<Endpoint>>,
    /// DNS changes made before the first connection; later ones are steps
    /// of the connection they came during (or after).
    pub before: Vec<ZoneEdit>,
}

/// A network host and port a connection went to (`connect HOST PORT`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The name (or address) as typed.
    pub host: String,
    /// The port.
    pub port: u16,
}

impl Endpoint {
    /// Reads `HOST PORT`.
    pub fn parse(text: &str) -> Option<Self> {
        let mut words = text.split_whitespace();
        let (host, port) = (words.next()?, words.next()?.parse().ok()?);
        words.next().is_none().then(|| Self {
            host: host.to_owned(),
            port,
        })
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.host, self.port)
    }
}

impl Script {
    /// Starts a new connection to localhost.
    pub fn connect(&mut self) {
        self.connections.push(Vec::new());
        self.targets.push(None);
    }

    /// Starts a new connection to a network host.
    pub fn connect_to(&mut self, endpoint: Endpoint) {
        self.connections.push(Vec::new());
        self.targets.push(Some(endpoint));
    }

    /// Where connection `index` went (`None`: localhost).
    pub fn target(&self, index: usize) -> Option<&Endpoint> {
        self.targets.get(index).and_then(Option::as_ref)
    }

    /// Records one submission: `text` may hold several lines (a paste),
    /// split at `\n` with any `\r` before it dropped; line ends after the
    /// last line are ignored, as the console ignores them. Without a connection
    /// nothing is recorded, because nothing reached a server.
    pub fn send(&mut self, text: &str) {
        let Some(steps) = self.connections.last_mut() else {
            return;
        };
        steps.push(Step::Send(split_lines(text)));
    }

    /// Records time passing; consecutive waits add up. Ignored before the
    /// first connection.
    pub fn wait(&mut self, seconds: u64) {
        if seconds == 0 {
            return;
        }
        let Some(steps) = self.connections.last_mut() else {
            return;
        };
        match steps.last_mut() {
            Some(Step::Wait(waited)) => *waited = waited.saturating_add(seconds),
            _ => steps.push(Step::Wait(seconds)),
        }
    }

    /// Records a DNS change: a step of the last connection, or one made
    /// before any.
    pub fn dns(&mut self, edit: ZoneEdit) {
        match self.connections.last_mut() {
            Some(steps) => steps.push(Step::Dns(edit)),
            None => self.before.push(edit),
        }
    }

    /// How many lines were typed in all.
    pub fn line_count(&self) -> usize {
        self.connections
            .iter()
            .flatten()
            .map(|step| match step {
                Step::Send(lines) => lines.len(),
                Step::Wait(_) | Step::Dns(_) => 0,
            })
            .sum()
    }
}

/// The lines of a submission as the console splits them.
pub(crate) fn split_lines(text: &str) -> Vec<String> {
    // As the web console does: line ends after the last line are dropped.
    let text = text.trim_end_matches(['\r', '\n']);
    text.split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line).to_owned())
        .collect()
}

/// In lesson JSON a solution step is a string (one line entered), an
/// object `{"pipeline": [lines]}` (lines sent together), `{"wait":
/// seconds}` or `{"dns": "add LINE"}` (`delete LINE`).
impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StepVisitor;
        impl<'de> serde::de::Visitor<'de> for StepVisitor {
            type Value = Step;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    r#"a typed line, {"pipeline": [lines]}, {"wait": seconds} or {"dns": "add LINE"}"#,
                )
            }

            fn visit_str<E: serde::de::Error>(self, line: &str) -> Result<Step, E> {
                Ok(Step::Send(vec![line.to_owned()]))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Step, A::Error> {
                let Some(key) = map.next_key::<String>()? else {
                    return Err(serde::de::Error::custom(
                        r#"an empty object: write {"pipeline": [lines]} or {"wait": seconds}"#,
                    ));
                };
                let step = match key.as_str() {
                    "pipeline" => Step::Send(map.next_value::<Vec<String>>()?),
                    "wait" => Step::Wait(map.next_value::<u64>()?),
                    "dns" => {
                        let text = map.next_value::<String>()?;
                        let edit = text
                            .parse()
                            .map_err(|e| serde::de::Error::custom(format!("`{text}`: {e}")))?;
                        Step::Dns(edit)
                    }
                    other => {
                        return Err(serde::de::Error::unknown_field(
                            other,
                            &["pipeline", "wait", "dns"],
                        ))
                    }
                };
                if let Some(extra) = map.next_key::<String>()? {
                    return Err(serde::de::Error::custom(format!(
                        "unexpected `{extra}`: a step is one line, one pipeline, one wait or one DNS change"
                    )));
                }
                Ok(step)
            }
        }
        deserializer.deserialize_any(StepVisitor)
    }
}

/// A student's attempt at one lesson.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attempt {
    /// The pack the lesson is in (`builtin` for the built-in curriculum).
    pub pack: String,
    /// The lesson id.
    pub lesson: String,
    /// Who made it, if the student gave a name.
    pub student: Option<String>,
    /// Whether the reference solution was shown during the attempt; such
    /// an attempt never counts as a pass, whatever goals it meets.
    pub solution_shown: bool,
    /// What they typed.
    pub script: Script,
}

/// Why an attempt file could not be read: the line (1-based) and what is
/// wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct AttemptError {
    /// The line of the file.
    pub line: usize,
    /// What is wrong there.
    pub problem: AttemptProblem,
}

/// What is wrong with a line of an attempt file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttemptProblem {
    /// The file does not start with [`ATTEMPT_MAGIC`].
    #[error("the file must start with `{ATTEMPT_MAGIC}`")]
    NoMagicLine,
    /// The first line is something else.
    #[error("the file must start with `{ATTEMPT_MAGIC}`, found `{0}`")]
    WrongMagicLine(String),
    /// A `>` or `|` line comes before any `connect`.
    #[error("typed text before any `connect` line: nothing was connected")]
    TypedBeforeConnect,
    /// A `|` line with no typed line just above it.
    #[error("a `|` line continues the typed line just above it, and there is none")]
    NothingToContinue,
    /// `wait` with something other than whole seconds.
    #[error("`{0}`: wait takes a whole number of seconds")]
    WaitNotSeconds(String),
    /// `wait` before any `connect`.
    #[error("`wait` before any `connect` line")]
    WaitBeforeConnect,
    /// A header line after the first `connect`.
    #[error("`{line}`: header lines (`{key}:`) go before the first `connect`; typed lines start with `> `")]
    HeaderAfterConnect {
        /// The line as written.
        line: String,
        /// The header name.
        key: String,
    },
    /// A header this format does not have.
    #[error("unknown header `{0}` (expected pack, lesson, student or solution)")]
    UnknownHeader(String),
    /// A header given twice.
    #[error("`{0}` is given twice")]
    HeaderTwice(String),
    /// `solution:` with a value other than `shown`.
    #[error("`{0}`: `solution:` is always `shown` (leave the line out when it was not)")]
    SolutionNotShown(String),
    /// A required header (`pack`, `lesson`) is missing or empty.
    #[error("the `{0}:` header is missing")]
    MissingHeader(&'static str),
    /// `connect` followed by something other than a host and a port.
    #[error("`{0}`: write `connect` (localhost) or `connect HOST PORT`")]
    NotAnEndpoint(String),
    /// `dns` with something other than `add LINE` or `delete LINE`.
    #[error("`{line}`: {reason}")]
    BadDnsEdit {
        /// The line as written.
        line: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A line that is none of the above.
    #[error("`{0}` is not understood: typed lines start with `> `, and other lines are `connect`, `wait N`, `dns add|delete RECORD`, headers or # comments")]
    NotUnderstood(String),
}

impl Attempt {
    /// An attempt at `lesson` of `pack` with nothing typed yet.
    pub fn new(pack: &str, lesson: &str) -> Self {
        Self {
            pack: pack.to_owned(),
            lesson: lesson.to_owned(),
            student: None,
            solution_shown: false,
            script: Script::default(),
        }
    }

    /// The attempt in the text export format; [`Attempt::from_text`] reads
    /// it back unchanged.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(ATTEMPT_MAGIC);
        out.push('\n');
        out.push_str(&format!("pack: {}\n", self.pack));
        out.push_str(&format!("lesson: {}\n", self.lesson));
        if let Some(student) = &self.student {
            // One line, whatever was typed into the name field.
            let student = student.replace(['\r', '\n'], " ");
            out.push_str(&format!("student: {}\n", student.trim()));
        }
        if self.solution_shown {
            out.push_str(SOLUTION_SHOWN_HEADER);
            out.push('\n');
        }
        if !self.script.before.is_empty() {
            out.push('\n');
        }
        for edit in &self.script.before {
            out.push_str(&format!("dns {edit}\n"));
        }
        for (index, steps) in self.script.connections.iter().enumerate() {
            match self.script.target(index) {
                Some(endpoint) => out.push_str(&format!("\nconnect {endpoint}\n")),
                None => out.push_str("\nconnect\n"),
            }
            for step in steps {
                match step {
                    Step::Send(lines) => {
                        for (index, line) in lines.iter().enumerate() {
                            out.push(if index == 0 { '>' } else { '|' });
                            // An empty line is written as a bare marker, so
                            // editors that strip trailing spaces keep it.
                            if !line.is_empty() {
                                out.push(' ');
                                out.push_str(line);
                            }
                            out.push('\n');
                        }
                    }
                    Step::Wait(seconds) => out.push_str(&format!("wait {seconds}\n")),
                    Step::Dns(edit) => out.push_str(&format!("dns {edit}\n")),
                }
            }
        }
        out
    }

    /// Reads the text export format. Windows line ends and a leading
    /// byte-order mark (Notepad writes one) are accepted.
    pub fn from_text(text: &str) -> Result<Self, AttemptError> {
        let text = text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text);
        let mut reader = Reader::default();
        for (index, raw) in text.split('\n').enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            reader.line(line).map_err(|problem| AttemptError {
                line: index + 1,
                problem,
            })?;
        }
        reader
            .finish()
            .map_err(|problem| AttemptError { line: 1, problem })
    }
}

/// The attempt file reader's state, line by line.
#[derive(Default)]
struct Reader {
    attempt: Attempt,
    seen_magic: bool,
    pack: Option<String>,
    lesson: Option<String>,
    /// Whether the previous line was typed text, so `|` may continue it.
    in_submission: bool,
}

impl Reader {
    fn line(&mut self, line: &str) -> Result<(), AttemptProblem> {
        if let Some(marker) = line.chars().next().filter(|c| matches!(c, '>' | '|')) {
            if !self.seen_magic {
                return Err(AttemptProblem::NoMagicLine);
            }
            let typed = &line[1..];
            self.typed(marker, typed.strip_prefix(' ').unwrap_or(typed))?;
            self.in_submission = true;
            return Ok(());
        }
        self.in_submission = false;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            return Ok(());
        }
        if !self.seen_magic {
            if trimmed != ATTEMPT_MAGIC {
                return Err(AttemptProblem::WrongMagicLine(trimmed.to_owned()));
            }
            self.seen_magic = true;
            return Ok(());
        }
        if trimmed == "connect" {
            self.attempt.script.connect();
        } else if let Some(endpoint) = trimmed.strip_prefix("connect ") {
            let endpoint = Endpoint::parse(endpoint)
                .ok_or_else(|| AttemptProblem::NotAnEndpoint(trimmed.to_owned()))?;
            self.attempt.script.connect_to(endpoint);
        } else if let Some(seconds) = trimmed.strip_prefix("wait ") {
            let seconds: u64 = seconds
                .trim()
                .parse()
                .map_err(|_| AttemptProblem::WaitNotSeconds(trimmed.to_owned()))?;
            let steps = self.attempt.script.connections.last_mut();
            steps
                .ok_or(AttemptProblem::WaitBeforeConnect)?
                .push(Step::Wait(seconds));
        } else if let Some(edit) = trimmed.strip_prefix("dns ") {
            let edit = edit
                .parse()
                .map_err(|e: smtplab_engine::network::ZoneEditError| {
                    AttemptProblem::BadDnsEdit {
                        line: trimmed.to_owned(),
                        reason: e.to_string(),
                    }
                })?;
            self.attempt.script.dns(edit);
        } else if let Some((key, value)) = trimmed.split_once(':') {
            self.header(trimmed, key.trim(), value.trim())?;
        } else {
            return Err(AttemptProblem::NotUnderstood(trimmed.to_owned()));
        }
        Ok(())
    }

    /// A `>` (new submission) or `|` (continued) line.
    fn typed(&mut self, marker: char, typed: &str) -> Result<(), AttemptProblem> {
        let steps = self.attempt.script.connections.last_mut();
        let steps = steps.ok_or(AttemptProblem::TypedBeforeConnect)?;
        match (marker, steps.last_mut()) {
            ('>', _) => steps.push(Step::Send(vec![typed.to_owned()])),
            (_, Some(Step::Send(lines))) if self.in_submission => lines.push(typed.to_owned()),
            _ => return Err(AttemptProblem::NothingToContinue),
        }
        Ok(())
    }

    fn header(&mut self, line: &str, key: &str, value: &str) -> Result<(), AttemptProblem> {
        if !self.attempt.script.connections.is_empty() {
            return Err(AttemptProblem::HeaderAfterConnect {
                line: line.to_owned(),
                key: key.to_owned(),
            });
        }
        if key == "solution" {
            if value != "shown" {
                return Err(AttemptProblem::SolutionNotShown(line.to_owned()));
            }
            if self.attempt.solution_shown {
                return Err(AttemptProblem::HeaderTwice(key.to_owned()));
            }
            self.attempt.solution_shown = true;
            return Ok(());
        }
        let slot = match key {
            "pack" => &mut self.pack,
            "lesson" => &mut self.lesson,
            "student" => &mut self.attempt.student,
            other => return Err(AttemptProblem::UnknownHeader(other.to_owned())),
        };
        if slot.is_some() {
            return Err(AttemptProblem::HeaderTwice(key.to_owned()));
        }
        *slot = Some(value.to_owned());
        Ok(())
    }

    fn finish(self) -> Result<Attempt, AttemptProblem> {
        if !self.seen_magic {
            return Err(AttemptProblem::NoMagicLine);
        }
        let required = |value: Option<String>, name| {
            value
                .filter(|v| !v.is_empty())
                .ok_or(AttemptProblem::MissingHeader(name))
        };
        Ok(Attempt {
            pack: required(self.pack, "pack")?,
            lesson: required(self.lesson, "lesson")?,
            ..self.attempt
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Attempt {
        let mut attempt = Attempt::new("builtin", "pipelining");
        attempt.student = Some("Ana Lima".into());
        attempt.script.connect();
        attempt.script.send("EHLO client.example");
        attempt
            .script
            .send("MAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA");
        attempt.script.send("Subject: hi");
        attempt.script.send("");
        attempt.script.send("  indented, trailing space ");
        attempt.script.send(">> quoted | with markers");
        attempt.script.send(".");
        attempt.script.wait(5);
        attempt.script.wait(15);
        attempt.script.send("QUIT");
        attempt.script.connect();
        attempt.script.send("# not a comment when typed");
        attempt
    }

    #[test]
    fn dns_changes_round_trip_before_and_inside_connections() {
        let mut attempt = Attempt::new("builtin", "spf-publish");
        let spf = "add isp.example. 3600 IN TXT \"v=spf1 a:smtp.isp.example -all\"";
        attempt.script.dns(spf.parse().unwrap());
        attempt.script.connect();
        attempt.script.send("QUIT");
        attempt.script.dns(
            "delete example.org. 3600 IN TXT \"v=spf1 mx -all\""
                .parse()
                .unwrap(),
        );
        let text = attempt.to_text();
        assert!(
            text.contains(&format!("\ndns {spf}\n\nconnect\n")),
            "{text}"
        );
        assert_eq!(Attempt::from_text(&text), Ok(attempt.clone()));
        assert_eq!(attempt.script.before.len(), 1);
        assert!(matches!(attempt.script.connections[0][1], Step::Dns(_)));
        let broken = "smtplab attempt 1\npack: p\nlesson: l\ndns add nowhere IN TXT\n";
        let error = Attempt::from_text(broken).unwrap_err();
        assert_eq!(error.line, 4);
        assert!(
            matches!(&error.problem, AttemptProblem::BadDnsEdit { reason, .. } if reason.starts_with("not a record")),
            "{error}"
        );
    }

    #[test]
    fn text_round_trips() {
        let attempt = sample();
        let text = attempt.to_text();
        assert_eq!(Attempt::from_text(&text), Ok(attempt.clone()));
        assert!(text
            .contains("\n> MAIL FROM:<alice@example.com>\n| RCPT TO:<bob@example.com>\n| DATA\n"));
        assert!(text.contains("\n>\n"), "empty line as a bare marker");
        assert!(text.contains("\nwait 20\n"), "waits add up");
        // Windows line ends, comments and blank lines change nothing.
        let windows = text
            .replace('\n', "\r\n")
            .replace("connect", "# a note\n\nconnect");
        assert_eq!(Attempt::from_text(&windows), Ok(attempt));
    }

    #[test]
    fn without_a_student_or_connections_it_still_round_trips() {
        let attempt = Attempt::new("p", "l");
        assert_eq!(Attempt::from_text(&attempt.to_text()), Ok(attempt));
    }

    #[test]
    fn broken_files_name_the_line_and_the_problem() {
        for (text, line, expected) in [
            ("", 1, "must start with"),
            ("pack: x\n", 1, "must start with"),
            ("smtplab attempt 2\n", 1, "must start with"),
            (
                "smtplab attempt 1\nlesson: l\n",
                1,
                "`pack:` header is missing",
            ),
            (
                "smtplab attempt 1\npack: p\n",
                1,
                "`lesson:` header is missing",
            ),
            (
                "smtplab attempt 1\npack: p\nlesson: l\n> NOOP\n",
                4,
                "before any `connect`",
            ),
            (
                "smtplab attempt 1\npack: p\nlesson: l\nconnect\n| NOOP\n",
                5,
                "continues the typed line",
            ),
            (
                "smtplab attempt 1\npack: p\nlesson: l\nconnect\n> A\n\n| B\n",
                7,
                "continues the typed line",
            ),
            (
                "smtplab attempt 1\npack: p\nlesson: l\nconnect\nwait soon\n",
                5,
                "whole number",
            ),
            (
                "smtplab attempt 1\npack: p\nlesson: l\nwait 5\n",
                4,
                "before any `connect`",
            ),
            (
                "smtplab attempt 1\npack: p\nlesson: l\nconnect\nNOOP\n",
                5,
                "not understood",
            ),
            (
                "smtplab attempt 1\npack: p\nlesson: l\nconnect\nMAIL FROM:<a@b.c>\n",
                5,
                "header lines",
            ),
            (
                "smtplab attempt 1\npack: p\nlesson: l\ngrade: A\n",
                4,
                "unknown header `grade`",
            ),
            (
                "smtplab attempt 1\npack: p\npack: q\nlesson: l\n",
                3,
                "given twice",
            ),
            (
                "smtplab attempt 1\npack: p\nlesson: l\nsolution: peeked\n",
                4,
                "`solution:` is always `shown`",
            ),
        ] {
            let error = Attempt::from_text(text).unwrap_err();
            assert_eq!(error.line, line, "{text:?}: {error}");
            assert!(error.to_string().contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn a_shown_solution_round_trips_as_a_header() {
        let mut attempt = sample();
        attempt.solution_shown = true;
        let text = attempt.to_text();
        assert!(text.starts_with("smtplab attempt 1\npack: builtin\nlesson: pipelining\nstudent: Ana Lima\nsolution: shown\n"), "{text}");
        assert_eq!(Attempt::from_text(&text), Ok(attempt));
    }

    #[test]
    fn a_marker_without_a_space_is_read_leniently() {
        let attempt =
            Attempt::from_text("smtplab attempt 1\npack: p\nlesson: l\nconnect\n>NOOP\n").unwrap();
        assert_eq!(
            attempt.script.connections,
            vec![vec![Step::Send(vec!["NOOP".into()])]]
        );
    }

    #[test]
    fn submissions_split_like_the_console() {
        for (text, lines) in [
            ("NOOP", vec!["NOOP"]),
            ("NOOP\r\n", vec!["NOOP"]),
            ("NOOP\n\n", vec!["NOOP"]),
            ("", vec![""]),
            ("\r\n", vec![""]),
            (
                "MAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\nDATA",
                vec!["MAIL FROM:<a@b.c>", "RCPT TO:<d@e.f>", "DATA"],
            ),
            ("a\n\nb", vec!["a", "", "b"]),
        ] {
            assert_eq!(split_lines(text), lines, "{text:?}");
        }
    }

    #[test]
    fn a_student_name_stays_on_one_line() {
        let mut attempt = Attempt::new("p", "l");
        attempt.student = Some("Ana\nLima ".into());
        let read = Attempt::from_text(&attempt.to_text()).unwrap();
        assert_eq!(read.student.as_deref(), Some("Ana Lima"));
    }

    #[test]
    fn sending_without_a_connection_records_nothing() {
        let mut script = Script::default();
        script.send("NOOP");
        script.wait(3);
        assert_eq!(script, Script::default());
        script.connect();
        script.wait(0);
        assert_eq!(script.connections, vec![vec![]]);
    }
}
