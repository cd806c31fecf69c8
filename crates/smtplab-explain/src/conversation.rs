//! Follows one SMTP conversation line by line, as a third party who sees
//! both sides: which command each reply answers, what the session state
//! allows, and what a conforming client or server would not have done.

use std::collections::VecDeque;

use smtplab_engine::catalogue::{
    allowed_codes, class_meaning, code_meaning, command_info, ReplyInfo, ANY_COMMAND_CODES,
    DATA_END_CODES, GREETING_CODES,
};
use smtplab_engine::client::{escape_bytes, ServerReply};
use smtplab_engine::limits::{MAX_COMMAND_LINE, MAX_REPLY_LINE, MAX_TEXT_LINE};
use smtplab_engine::session::parse_verb;
use smtplab_engine::{EnhancedCode, Extension, ReplyKey, Verb};

use crate::limits::MAX_OUTSTANDING;
use crate::text::{t, tf};
use crate::{Finding, Kind, Note, Severity};

/// What a reply answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Awaited {
    Greeting,
    Command {
        verb: Option<Verb>,
        line: usize,
        text: String,
    },
    DataEnd {
        line: usize,
    },
    AuthData {
        line: usize,
    },
}

impl Awaited {
    fn describe(&self) -> String {
        match self {
            Self::Greeting => t("the connection opening (the greeting)"),
            Self::Command { text, line: 0, .. } => format!("`{text}`"),
            Self::Command { text, line, .. } => tf("`{}` (line {})", &[text, line]),
            Self::DataEnd { line: 0 } => t("the end of the message content (not shown)"),
            Self::DataEnd { line } => tf("the end of the message content (line {})", &[line]),
            Self::AuthData { line } => tf("the AUTH data (line {})", &[line]),
        }
    }

    pub(crate) fn line(&self) -> Option<usize> {
        match self {
            Self::Greeting => None,
            Self::Command { line, .. } | Self::DataEnd { line } | Self::AuthData { line } => {
                Some(*line).filter(|line| *line > 0)
            }
        }
    }

    fn allowed(&self) -> (&'static [u16], String) {
        match self {
            Self::Greeting => (GREETING_CODES, t("the greeting")),
            Self::Command {
                verb: Some(verb),
                text,
                ..
            } => {
                let word = text.split(' ').next().unwrap_or("").to_ascii_uppercase();
                (allowed_codes(*verb), word)
            }
            Self::Command { verb: None, .. } => (&[], String::new()),
            Self::DataEnd { .. } => (DATA_END_CODES, t("the end of data")),
            Self::AuthData { .. } => (allowed_codes(Verb::Auth), t("AUTH data")),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Commands,
    Content { headers: bool },
    Chunk { remaining: u64 },
    AuthData,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MailState {
    None,
    Sent,
    Accepted,
}

#[derive(Debug)]
struct ReplyInProgress {
    code: u16,
    answering: Option<Awaited>,
    first_line: usize,
}

/// What the conversation says about one line.
pub(crate) struct Reading {
    pub kind: Kind,
    pub note: Note,
    pub findings: Vec<Finding>,
    pub answers: Option<usize>,
}

impl Reading {
    fn new(kind: Kind, note: Note) -> Self {
        Self {
            kind,
            note,
            findings: Vec::new(),
            answers: None,
        }
    }
}

/// The state of one conversation as seen from outside.
#[derive(Debug)]
pub(crate) struct Conversation {
    greeted: bool,
    hello: Option<bool>,
    keywords: Option<Vec<String>>,
    size_limit: Option<u64>,
    mail: MailState,
    recipients_sent: usize,
    recipients_accepted: usize,
    recipients_answered: usize,
    chunked: bool,
    smtputf8: bool,
    authenticated: bool,
    mode: Mode,
    outstanding: VecDeque<Awaited>,
    reply: Option<ReplyInProgress>,
    ehlo_reply: Vec<String>,
    finished: bool,
    last_refused: Option<String>,
}

impl Default for Conversation {
    fn default() -> Self {
        Self {
            greeted: false,
            hello: None,
            keywords: None,
            size_limit: None,
            mail: MailState::None,
            recipients_sent: 0,
            recipients_accepted: 0,
            recipients_answered: 0,
            chunked: false,
            smtputf8: false,
            authenticated: false,
            mode: Mode::Commands,
            outstanding: VecDeque::from([Awaited::Greeting]),
            reply: None,
            ehlo_reply: Vec::new(),
            finished: false,
            last_refused: None,
        }
    }
}

fn note(
    title: impl Into<String>,
    meaning: impl Into<String>,
    why: impl Into<String>,
    rfc: &str,
) -> Note {
    Note {
        title: title.into(),
        meaning: meaning.into(),
        why: why.into(),
        rfc: rfc.to_owned(),
    }
}

fn finding(severity: Severity, message: impl Into<String>, rfc: &'static str) -> Finding {
    Finding {
        severity,
        message: message.into(),
        rfc,
    }
}

/// `nnn`, the separator (`-` continues) and the text, if this is a reply line.
pub(crate) fn reply_line(text: &[u8]) -> Option<(u16, bool, &[u8])> {
    let digits = text.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) || !(b'2'..=b'5').contains(&digits[0]) {
        return None;
    }
    let code = digits
        .iter()
        .fold(0, |acc, d| acc * 10 + u16::from(d - b'0'));
    match text.get(3) {
        None => Some((code, true, &[])),
        Some(b' ') => Some((code, true, &text[4..])),
        Some(b'-') => Some((code, false, &text[4..])),
        Some(_) => None,
    }
}

impl Conversation {
    /// Whether the client's next line is message content or AUTH data.
    pub(crate) fn expects_client_data(&self) -> bool {
        !matches!(self.mode, Mode::Commands)
    }

    /// A line the client sent.
    pub(crate) fn client(&mut self, text: &[u8], number: usize) -> Reading {
        match self.mode {
            Mode::Content { headers } => self.content(text, number, headers),
            Mode::Chunk { remaining } => {
                let used = text.len() as u64 + 2;
                self.mode = if used >= remaining {
                    Mode::Commands
                } else {
                    Mode::Chunk {
                        remaining: remaining - used,
                    }
                };
                Reading::new(
                    Kind::Content,
                    note(t("BDAT chunk content"), t("Octets of the message inside a BDAT chunk: counted, not dot-stuffed, not ended by a dot."), t("BDAT announced how many octets follow."), "RFC 3030 section 2"),
                )
            }
            Mode::AuthData => {
                self.mode = Mode::Commands;
                self.await_reply(Awaited::AuthData { line: number });
                let mut reading = Reading::new(
                    Kind::AuthData,
                    note(t("AUTH data"), t("The client's answer to the 334 challenge: base64 (a user name, a password, or both for PLAIN), or * to cancel."), t("The server sent 334 and waits for this line."), "RFC 4954 section 4"),
                );
                if text == b"*" {
                    reading.note.meaning =
                        t("A lone * cancels the AUTH exchange; the server answers 501.");
                }
                reading
            }
            Mode::Commands => self.command(text, number),
        }
    }

    fn await_reply(&mut self, awaited: Awaited) {
        if self.outstanding.len() < MAX_OUTSTANDING {
            self.outstanding.push_back(awaited);
        }
    }

    fn command(&mut self, text: &[u8], number: usize) -> Reading {
        let line = String::from_utf8_lossy(text).into_owned();
        let word = line.split(' ').next().unwrap_or("");
        let verb = parse_verb(word);
        let mut findings = self.command_findings(verb, &line, text);
        let reading_note = match verb.and_then(|v| command_info(word).filter(|i| i.verb == v)) {
            Some(info) => note(
                tf("{} command", &[&info.name]),
                tf("{} Syntax: {}", &[&t(info.purpose), &info.syntax]),
                self.why_now(info.verb),
                info.rfc,
            ),
            None if verb == Some(Verb::Obsolete) => note(tf("{}: an RFC 821 command", &[&word]), t("SEND, SOML, SAML, TURN and ETRN-era commands that RFC 5321 dropped or left to extensions."), t("Old clients and scanners still try them; servers answer 502."), "RFC 5321 appendix F"),
            None => {
                findings.push(finding(Severity::Warning, tf("`{}` is not an SMTP command", &[&escape_bytes(word.as_bytes())]), "RFC 5321 section 4.1"));
                note(t("Not an SMTP command"), t("The first word is not a command SMTP or its common extensions define; a server answers 500."), t("A typo, a protocol mix-up (HTTP, POP3) or a client probing."), "RFC 5321 section 4.2.4")
            }
        };
        self.after_command(verb, &line, number);
        Reading {
            kind: Kind::Command,
            note: reading_note,
            findings,
            answers: None,
        }
    }

    fn why_now(&self, verb: Verb) -> String {
        match verb {
            Verb::Helo | Verb::Ehlo if self.hello.is_some() => t("Again: a new EHLO/HELO (also needed after STARTTLS) resets the session to just-greeted and drops any transaction."),
            Verb::Helo | Verb::Ehlo => t("The first thing a client says after the 220 greeting: it names itself, and EHLO asks for the extension list."),
            Verb::Mail => t("The session is greeted and no transaction is open, so MAIL starts one with the envelope sender."),
            Verb::Rcpt => tf("A transaction is open; each RCPT adds one recipient ({} sent before this one).", &[&self.recipients_sent]),
            Verb::Data => tf("The envelope is complete ({} of {} recipients accepted so far); DATA asks to send the message itself.", &[&self.recipients_accepted, &self.recipients_sent]),
            Verb::Bdat => t("Sends a counted chunk of the message; the octets follow the command line at once."),
            Verb::Rset if self.mail != MailState::None => t("Abandons the open transaction, keeping the connection."),
            Verb::Quit => t("The client is done and says goodbye."),
            Verb::Auth => t("Logs in before MAIL, so the server lets the client relay."),
            Verb::Starttls => t("Asks to switch to TLS before anything secret is sent."),
            _ => t("It can be sent at any point between commands."),
        }
    }

    fn after_command(&mut self, verb: Option<Verb>, line: &str, number: usize) {
        let text = line.chars().take(200).collect();
        self.await_reply(Awaited::Command {
            verb,
            line: number,
            text,
        });
        match verb {
            Some(Verb::Helo | Verb::Ehlo) => {
                self.hello = Some(verb == Some(Verb::Ehlo));
                self.reset_transaction();
            }
            Some(Verb::Mail) if self.mail == MailState::None => {
                self.mail = MailState::Sent;
                self.smtputf8 = line.to_ascii_uppercase().contains(" SMTPUTF8");
            }
            Some(Verb::Rcpt) => self.recipients_sent += 1,
            Some(Verb::Rset) => self.reset_transaction(),
            Some(Verb::Quit) => self.finished = true,
            Some(Verb::Bdat) => {
                self.chunked = true;
                let size = line.split(' ').nth(1).and_then(|s| s.parse::<u64>().ok());
                if let Some(size) = size.filter(|s| *s > 0) {
                    self.mode = Mode::Chunk { remaining: size };
                }
            }
            _ => {}
        }
    }

    fn reset_transaction(&mut self) {
        self.mail = MailState::None;
        self.recipients_sent = 0;
        self.recipients_accepted = 0;
        self.recipients_answered = 0;
        self.chunked = false;
    }

    fn offered(&self, keyword: &str) -> Option<bool> {
        match (self.hello, &self.keywords) {
            (Some(false), _) => Some(false),
            (_, Some(list)) => Some(list.iter().any(|k| k == keyword)),
            _ => None,
        }
    }

    fn command_findings(&self, verb: Option<Verb>, line: &str, raw: &[u8]) -> Vec<Finding> {
        let mut out = Vec::new();
        if raw.contains(&0) {
            out.push(finding(
                Severity::Error,
                t("a NUL octet in a command line"),
                "RFC 5321 section 2.4",
            ));
        }
        if raw.contains(&b'\r') {
            out.push(finding(
                Severity::Error,
                t("a bare CR inside the command line: SMTP lines end only in CRLF"),
                "RFC 5321 section 2.3.8",
            ));
        }
        if raw.len() + 2 > MAX_COMMAND_LINE {
            out.push(finding(
                Severity::Warning,
                tf(
                    "the command line is {} octets with CRLF; the limit is {}",
                    &[&(raw.len() + 2), &MAX_COMMAND_LINE],
                ),
                "RFC 5321 section 4.5.3.1.4",
            ));
        }
        if self.finished {
            out.push(finding(
                Severity::Warning,
                t("a command after QUIT (or after the server closed)"),
                "RFC 5321 section 4.1.1.10",
            ));
        }
        if self.last_refused.as_deref() == Some(line) {
            out.push(finding(Severity::Advice, t("the same command again after a 5xx: a permanent failure means do not repeat it unchanged"), "RFC 5321 section 4.2.1"));
        }
        self.pipelining_findings(&mut out);
        if let Some(verb) = verb {
            self.order_findings(verb, &mut out);
            self.extension_findings(verb, line, &mut out);
        }
        out
    }

    fn pipelining_findings(&self, out: &mut Vec<Finding>) {
        let Some(Awaited::Command { verb, text, .. }) = self.outstanding.back() else {
            return;
        };
        if self.offered("PIPELINING") == Some(true) {
            if matches!(
                verb,
                Some(
                    Verb::Ehlo
                        | Verb::Helo
                        | Verb::Data
                        | Verb::Quit
                        | Verb::Noop
                        | Verb::Vrfy
                        | Verb::Expn
                        | Verb::Auth
                        | Verb::Starttls
                )
            ) {
                out.push(finding(
                    Severity::Warning,
                    tf(
                        "sent before the reply to `{}`, which must end a pipelined group",
                        &[text],
                    ),
                    "RFC 2920 section 3.1",
                ));
            }
        } else if self.hello.is_some() {
            out.push(finding(
                Severity::Warning,
                tf(
                    "sent before the reply to `{}` came, but the server did not offer PIPELINING",
                    &[text],
                ),
                "RFC 2920 section 3",
            ));
        }
    }

    fn order_findings(&self, verb: Verb, out: &mut Vec<Finding>) {
        let problem = match verb {
            Verb::Mail if self.hello.is_none() => Some((Severity::Warning, t("MAIL before EHLO/HELO: a client introduces itself first (lenient servers let it pass)"), "RFC 5321 section 4.1.4")),
            Verb::Mail if self.mail != MailState::None => Some((Severity::Error, t("MAIL inside an open transaction (nested MAIL); RSET first"), "RFC 5321 section 4.1.4")),
            Verb::Rcpt if self.mail == MailState::None => Some((Severity::Error, t("RCPT without an accepted MAIL: there is no transaction"), "RFC 5321 section 3.3 and 4.1.4")),
            Verb::Data | Verb::Bdat if self.mail == MailState::None => Some((Severity::Error, t("message content without an accepted MAIL"), "RFC 5321 section 3.3 and 4.1.4")),
            Verb::Data | Verb::Bdat if self.recipients_sent == 0 => Some((Severity::Error, t("message content before any RCPT"), "RFC 5321 section 3.3")),
            Verb::Data | Verb::Bdat if self.recipients_answered == self.recipients_sent && self.recipients_accepted == 0 => Some((Severity::Warning, t("content after every RCPT was refused: nobody to deliver to"), "RFC 5321 section 3.3")),
            Verb::Data if self.chunked => Some((Severity::Error, t("DATA in a transaction that used BDAT"), "RFC 3030 section 2")),
            Verb::Auth if self.authenticated => Some((Severity::Error, t("AUTH again after a successful AUTH"), "RFC 4954 section 4")),
            Verb::Auth if self.mail != MailState::None => Some((Severity::Error, t("AUTH inside a mail transaction"), "RFC 4954 section 4")),
            _ => None,
        };
        if let Some((severity, message, rfc)) = problem {
            out.push(finding(severity, message, rfc));
        }
    }

    fn extension_findings(&self, verb: Verb, line: &str, out: &mut Vec<Finding>) {
        let needed = match verb {
            Verb::Bdat => Some(("CHUNKING", "RFC 3030 section 2")),
            Verb::Auth => Some(("AUTH", "RFC 4954 section 3")),
            Verb::Starttls => Some(("STARTTLS", "RFC 3207 section 4")),
            _ => None,
        };
        if let Some((keyword, rfc)) = needed {
            if self.offered(keyword) == Some(false) {
                out.push(finding(
                    Severity::Warning,
                    tf("{} was not offered in the EHLO reply", &[&keyword]),
                    rfc,
                ));
            }
        }
        if !matches!(verb, Verb::Mail | Verb::Rcpt) {
            return;
        }
        self.parameter_findings(line, out);
        let path = line
            .split_once('<')
            .and_then(|(_, r)| r.split_once('>'))
            .map_or("", |(p, _)| p);
        let utf8 = line.to_ascii_uppercase().contains(" SMTPUTF8");
        let allowed = path.is_ascii() || utf8 || (verb == Verb::Rcpt && self.smtputf8);
        if !allowed {
            out.push(finding(
                Severity::Warning,
                t("a non-ASCII address without the SMTPUTF8 parameter"),
                "RFC 6531 section 3.4",
            ));
        }
    }

    /// MAIL/RCPT parameters the server did not offer, and a SIZE over its limit.
    fn parameter_findings(&self, line: &str, out: &mut Vec<Finding>) {
        let after_path = line.split_once('>').map_or("", |(_, rest)| rest);
        for parameter in after_path.split(' ').filter(|p| !p.is_empty()) {
            let (keyword, value) = parameter.split_once('=').unwrap_or((parameter, ""));
            let keyword = keyword.to_ascii_uppercase();
            let (extension, rfc) = match keyword.as_str() {
                "SIZE" => ("SIZE", "RFC 1870 section 4"),
                "BODY" => ("8BITMIME", "RFC 6152 section 2"),
                "SMTPUTF8" => ("SMTPUTF8", "RFC 6531 section 3.4"),
                "RET" | "ENVID" | "NOTIFY" | "ORCPT" => ("DSN", "RFC 3461 section 4"),
                "AUTH" => ("AUTH", "RFC 4954 section 5"),
                _ => continue,
            };
            if self.offered(extension) == Some(false) {
                out.push(finding(
                    Severity::Warning,
                    tf(
                        "{}= needs the {} extension, which the server did not offer",
                        &[&keyword, &extension],
                    ),
                    rfc,
                ));
            }
            let declared = value.parse::<u64>().ok();
            if let (Some(size), Some(limit)) =
                (declared.filter(|_| keyword == "SIZE"), self.size_limit)
            {
                if size > limit {
                    out.push(finding(Severity::Warning, tf("SIZE={} is over the {} octets the server announced; it will refuse the message", &[&size, &limit]), "RFC 1870 section 6"));
                }
            }
        }
    }

    fn content(&mut self, text: &[u8], number: usize, headers: bool) -> Reading {
        if text == b"." {
            self.mode = Mode::Commands;
            self.await_reply(Awaited::DataEnd { line: number });
            return Reading::new(Kind::Content, note(t("End of data"), t("A line with only a dot ends the message; the server now answers for the whole message."), t("The content is complete."), "RFC 5321 section 4.1.1.4"));
        }
        let findings = content_findings(text);
        let reading_note = if text.is_empty() && headers {
            self.mode = Mode::Content { headers: false };
            note(
                t("End of the header section"),
                t("The empty line between the headers and the body."),
                t("Headers come first, each `Name: value`; the first empty line ends them."),
                "RFC 5322 section 2.1",
            )
        } else if headers && matches!(text.first(), Some(b' ' | b'\t')) {
            note(
                t("Header continuation"),
                t("A folded header line: it continues the field above."),
                t("Long header fields are folded at whitespace."),
                "RFC 5322 section 2.2.3",
            )
        } else if headers && header_name(text).is_some() {
            let name = header_name(text).unwrap_or_default();
            note(tf("Header field {}:", &[&name]), t("A line of the message's header section, which the recipient's mail program shows or uses."), t("Message content after 354; headers come first."), "RFC 5322 section 3.6")
        } else {
            self.mode = Mode::Content { headers: false };
            let meaning = if text.starts_with(b"..") {
                t("A line of the message body. Its first dot was doubled by the client (dot-stuffing); the server removes it.")
            } else {
                t("A line of the message body.")
            };
            note(
                t("Message body"),
                meaning,
                t("Message content after 354, until the line with a lone dot."),
                "RFC 5321 section 4.5.2",
            )
        };
        Reading {
            kind: Kind::Content,
            note: reading_note,
            findings,
            answers: None,
        }
    }

    /// A line the server sent.
    pub(crate) fn server(&mut self, text: &[u8], number: usize) -> Reading {
        if matches!(self.mode, Mode::Content { .. }) && self.reply.is_none() {
            // The server only speaks after the final dot: the content was
            // left out of this copy (mail logs never show it).
            self.mode = Mode::Commands;
            self.await_reply(Awaited::DataEnd { line: 0 });
        }
        let Some((code, last, rest)) = reply_line(text) else {
            return not_a_reply();
        };
        let rest_text = String::from_utf8_lossy(rest).into_owned();
        let mut findings = Vec::new();
        if text.len() + 2 > MAX_REPLY_LINE {
            findings.push(finding(
                Severity::Warning,
                tf(
                    "a reply line of {} octets with CRLF; the limit is {}",
                    &[&(text.len() + 2), &MAX_REPLY_LINE],
                ),
                "RFC 5321 section 4.5.3.1.5",
            ));
        }
        let (answering, first_line, reading_note) = match self.reply.take() {
            Some(progress) => self.next_reply_line(progress, code, &rest_text, &mut findings),
            None => self.first_reply_line(code, &rest_text, number, &mut findings),
        };
        enhanced_class_findings(code, &rest_text, &mut findings);
        let answers = answering.as_ref().and_then(Awaited::line);
        if last {
            self.finish_reply(code, answering, &rest_text, &mut findings);
        } else {
            self.reply = Some(ReplyInProgress {
                code,
                answering,
                first_line,
            });
            if self.ehlo_collecting() {
                self.ehlo_reply.push(rest_text);
            }
        }
        Reading {
            kind: Kind::Reply,
            note: reading_note,
            findings,
            answers,
        }
    }

    /// A further line of a multiline reply: its code must repeat the first's.
    fn next_reply_line(
        &self,
        progress: ReplyInProgress,
        code: u16,
        rest_text: &str,
        findings: &mut Vec<Finding>,
    ) -> (Option<Awaited>, usize, Note) {
        if progress.code != code {
            findings.push(finding(
                Severity::Error,
                tf(
                    "this line's code {} differs from the {} the reply started with",
                    &[&code, &progress.code],
                ),
                "RFC 5321 section 4.2.1",
            ));
        }
        let line_note = self.continuation_note(&progress, rest_text);
        (progress.answering, progress.first_line, line_note)
    }

    fn ehlo_collecting(&self) -> bool {
        matches!(
            self.reply.as_ref().and_then(|r| r.answering.as_ref()),
            Some(Awaited::Command {
                verb: Some(Verb::Ehlo),
                ..
            })
        )
    }

    fn first_reply_line(
        &mut self,
        code: u16,
        text: &str,
        number: usize,
        findings: &mut Vec<Finding>,
    ) -> (Option<Awaited>, usize, Note) {
        let answering = self.outstanding.front().cloned();
        if answering.is_none() && code != 421 {
            findings.push(finding(
                Severity::Warning,
                t("a reply when no command was waiting for one"),
                "RFC 5321 section 4.2",
            ));
        }
        if let Some(awaited) = &answering {
            code_findings(awaited, code, findings);
        }
        let shown = ServerReply {
            code,
            enhanced: text.split(' ').next().and_then(EnhancedCode::parse),
            lines: vec![text.to_owned()],
            bare_lf: false,
            truncated: false,
        };
        let info = answering
            .as_ref()
            .and_then(|a| context_entry(a, code))
            .or_else(|| shown.catalogue_entry());
        let answered = answering.as_ref().map_or_else(
            || t("No command was waiting."),
            |a| tf("In answer to {}.", &[&a.describe()]),
        );
        let reading_note = match info {
            Some(info) => note(
                format!("{code} {}", t(info.title)),
                t(info.meaning),
                format!("{} {answered}", t(info.why)),
                info.rfc,
            ),
            None => note(
                tf("{} reply", &[&code]),
                t(code_meaning(code).unwrap_or(class_meaning(code))),
                format!("{} {answered}", t(class_meaning(code))),
                "RFC 5321 section 4.2",
            ),
        };
        (answering, number, reading_note)
    }

    fn continuation_note(&self, progress: &ReplyInProgress, text: &str) -> Note {
        let ehlo = matches!(
            progress.answering,
            Some(Awaited::Command {
                verb: Some(Verb::Ehlo),
                ..
            })
        );
        if !ehlo {
            return note(
                tf("{} reply, continued", &[&progress.code]),
                t("Another line of the same reply."),
                tf(
                    "A dash after the code says more lines follow (reply began on line {}).",
                    &[&progress.first_line],
                ),
                "RFC 5321 section 4.2.1",
            );
        }
        let keyword = text.split(' ').next().unwrap_or("").to_ascii_uppercase();
        match Extension::from_keyword(&keyword) {
            Some(extension) => note(tf("Extension {}", &[&extension.keyword()]), t(extension.about()), t("EHLO asked the server to list what it supports, one keyword per line."), extension.rfc()),
            None => note(tf("Extension {}", &[&keyword]), t("An extension keyword this catalogue does not describe; a client that does not know it ignores it."), t("EHLO asked the server to list what it supports, one keyword per line."), "RFC 5321 section 4.1.1.1"),
        }
    }

    fn finish_reply(
        &mut self,
        code: u16,
        answering: Option<Awaited>,
        text: &str,
        findings: &mut Vec<Finding>,
    ) {
        if answering.is_some() {
            self.outstanding.pop_front();
        }
        if code / 100 == 4 && code != 421 {
            findings.push(finding(Severity::Advice, t("a temporary failure: the client should keep the message and try again later, not give up"), "RFC 5321 section 4.2.5 and 4.5.4.1"));
        }
        if code == 421 {
            findings.push(finding(Severity::Advice, t("the server is closing the connection: nothing more will be answered; a client reconnects later"), "RFC 5321 section 3.8"));
            self.finished = true;
        }
        if code / 100 == 5 {
            if let Some(Awaited::Command { text, .. }) = &answering {
                self.last_refused = Some(text.clone());
            }
        } else {
            self.last_refused = None;
        }
        if let Some(awaited) = answering {
            self.apply_reply(awaited, code, text);
        }
    }

    fn apply_reply(&mut self, awaited: Awaited, code: u16, text: &str) {
        let ok = code / 100 == 2;
        let (verb, command) = match awaited {
            Awaited::Greeting => {
                self.greeted = true;
                return;
            }
            Awaited::DataEnd { .. } => {
                self.reset_transaction();
                return;
            }
            Awaited::AuthData { .. } => (Some(Verb::Auth), String::new()),
            Awaited::Command { verb, text, .. } => (verb, text),
        };
        match verb {
            Some(Verb::Ehlo) if ok => {
                self.ehlo_reply.push(text.to_owned());
                self.learn_extensions();
            }
            Some(Verb::Ehlo | Verb::Helo) if !ok => self.hello = None,
            Some(Verb::Helo) => self.keywords = Some(Vec::new()),
            Some(Verb::Mail) => {
                self.mail = if ok {
                    MailState::Accepted
                } else {
                    MailState::None
                }
            }
            Some(Verb::Rcpt) => {
                self.recipients_answered += 1;
                self.recipients_accepted += usize::from(ok);
            }
            Some(Verb::Data) if code == 354 => self.mode = Mode::Content { headers: true },
            Some(Verb::Bdat) if is_last_chunk(&command) => self.reset_transaction(),
            Some(Verb::Auth) if code == 334 => self.mode = Mode::AuthData,
            Some(Verb::Auth) => self.authenticated = code == 235,
            Some(Verb::Starttls) if code == 220 => {
                self.hello = None;
                self.keywords = None;
                self.authenticated = false;
                self.reset_transaction();
            }
            Some(Verb::Quit) => self.finished = true,
            _ => {}
        }
    }

    fn learn_extensions(&mut self) {
        let lines = core::mem::take(&mut self.ehlo_reply);
        let keywords: Vec<String> = lines
            .iter()
            .skip(1)
            .filter_map(|l| l.split(' ').next())
            .map(str::to_ascii_uppercase)
            .collect();
        self.size_limit = lines.iter().skip(1).find_map(|l| {
            let mut words = l.split(' ');
            words.next().filter(|w| w.eq_ignore_ascii_case("SIZE"))?;
            words.next()?.parse::<u64>().ok().filter(|s| *s > 0)
        });
        self.keywords = Some(keywords);
    }

    /// A reply a log quotes with the command it answered.
    pub(crate) fn logged_reply(&mut self, reply: &str, answers: Option<&str>) -> Reading {
        let verb_word = answers.unwrap_or("").split(' ').next().unwrap_or("");
        let awaited = match answers {
            Some(a) if a.contains("DATA") && a.contains("end") => Awaited::DataEnd { line: 0 },
            Some(a) => Awaited::Command {
                verb: parse_verb(verb_word),
                line: 0,
                text: a.to_owned(),
            },
            None => Awaited::Command {
                verb: None,
                line: 0,
                text: t("a command the log does not name"),
            },
        };
        let saved = core::mem::replace(&mut self.outstanding, VecDeque::from([awaited]));
        let mut reading = self.server(reply.as_bytes(), 0);
        self.reply = None;
        self.outstanding = saved;
        reading.answers = None;
        reading
    }
}

fn is_last_chunk(command: &str) -> bool {
    command
        .split(' ')
        .nth(2)
        .is_some_and(|word| word.eq_ignore_ascii_case("LAST"))
}

/// RFC 5321 section 4.3.2: the codes a conforming server answers with.
fn code_findings(awaited: &Awaited, code: u16, findings: &mut Vec<Finding>) {
    let (allowed, what) = awaited.allowed();
    if !allowed.is_empty() && !allowed.contains(&code) && !ANY_COMMAND_CODES.contains(&code) {
        let same_class = allowed.iter().any(|a| a / 100 == code / 100);
        let severity = if same_class {
            Severity::Advice
        } else {
            Severity::Warning
        };
        let list: Vec<String> = allowed.iter().map(u16::to_string).collect();
        findings.push(finding(
            severity,
            tf(
                "RFC 5321 lists {} for {}, not {}",
                &[&list.join(", "), &what, &code],
            ),
            "RFC 5321 section 4.3.2",
        ));
    }
}

fn enhanced_class_findings(code: u16, text: &str, findings: &mut Vec<Finding>) {
    if let Some(enhanced) = text.split(' ').next().and_then(EnhancedCode::parse) {
        if u16::from(enhanced.class) != code / 100 {
            findings.push(finding(
                Severity::Warning,
                tf(
                    "enhanced code {} has another class than reply code {}",
                    &[&enhanced, &code],
                ),
                "RFC 3463 section 2",
            ));
        }
    }
}

fn not_a_reply() -> Reading {
    let mut reading = Reading::new(Kind::Reply, note(t("Not a reply line"), t("Server lines start with a three-digit code from 200 to 599 and a space (last line) or dash (more lines follow)."), t("Something other than SMTP answered, or the copy is garbled."), "RFC 5321 section 4.2"));
    reading.findings.push(finding(
        Severity::Error,
        t("a server line without a reply code"),
        "RFC 5321 section 4.2",
    ));
    reading
}

fn content_findings(text: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    if text.len() + 2 > MAX_TEXT_LINE {
        findings.push(finding(
            Severity::Warning,
            tf(
                "a message line of {} octets with CRLF; the limit is {}",
                &[&(text.len() + 2), &MAX_TEXT_LINE],
            ),
            "RFC 5321 section 4.5.3.1.6",
        ));
    }
    if text.contains(&b'\r') {
        findings.push(finding(Severity::Error, t("a bare CR in the message: only CRLF may end a line (servers differ on it, which SMTP smuggling exploits)"), "RFC 5321 section 2.3.8"));
    }
    if text.contains(&0) {
        findings.push(finding(
            Severity::Warning,
            t("a NUL octet in the message"),
            "RFC 5322 section 2.3",
        ));
    }
    if text.starts_with(b".") && !text.starts_with(b"..") {
        findings.push(finding(Severity::Warning, t("a line starting with one dot: the client should have doubled it, and the server drops the first dot"), "RFC 5321 section 4.5.2"));
    }
    findings
}

fn header_name(text: &[u8]) -> Option<String> {
    let colon = text.iter().position(|&b| b == b':')?;
    let name = &text[..colon];
    (!name.is_empty() && name.iter().all(|b| b.is_ascii_graphic() && *b != b':'))
        .then(|| String::from_utf8_lossy(name).into_owned())
}

fn text_of(awaited: &Awaited) -> &str {
    match awaited {
        Awaited::Command { text, .. } => text,
        _ => "",
    }
}

/// The catalogue entry a reply to this command with this code stands for.
fn context_entry(awaited: &Awaited, code: u16) -> Option<&'static ReplyInfo> {
    let key = match (awaited, code) {
        (Awaited::Greeting, 220) => ReplyKey::Greeting,
        (Awaited::DataEnd { .. }, 250) => ReplyKey::Queued,
        (Awaited::AuthData { .. }, 235) => ReplyKey::AuthOk,
        (Awaited::AuthData { .. }, 334) => ReplyKey::AuthChallenge,
        (
            Awaited::Command {
                verb: Some(verb), ..
            },
            code,
        ) => match (verb, code) {
            (Verb::Ehlo, 250) => ReplyKey::EhloOk,
            (Verb::Helo, 250) => ReplyKey::HeloOk,
            (Verb::Mail, 250) => ReplyKey::MailOk,
            (Verb::Rcpt, 250) => ReplyKey::RcptOk,
            (Verb::Data, 354) => ReplyKey::DataStart,
            (Verb::Bdat, 250) if is_last_chunk(text_of(awaited)) => ReplyKey::Queued,
            (Verb::Bdat, 250) => ReplyKey::ChunkReceived,
            (Verb::Rset | Verb::Noop, 250) => ReplyKey::Ok,
            (Verb::Quit, 221) => ReplyKey::Bye,
            (Verb::Auth, 334) => ReplyKey::AuthChallenge,
            (Verb::Auth, 235) => ReplyKey::AuthOk,
            (Verb::Starttls, 220) => ReplyKey::TlsReady,
            (Verb::Vrfy, 252) => ReplyKey::VrfyCannot,
            (Verb::Help, 214) => ReplyKey::HelpList,
            _ => return None,
        },
        _ => return None,
    };
    Some(key.info())
}
