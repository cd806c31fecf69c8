//! Which transcript format a line is in, told from the line itself: swaks
//! arrows, `C:`/`S:` markers (RFC style and smtplab's export), Postfix and
//! Exim log lines, or a plain telnet/nc copy.

/// A transcript format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "kebab-case")
)]
pub enum Format {
    /// swaks output: ` -> ` sent, `<-  ` received, `===` its own notes.
    Swaks,
    /// `C: ` and `S: ` lines, as RFCs write examples and smtplab exports.
    Markers,
    /// A copy of a telnet or nc session: commands and replies as typed.
    Plain,
    /// Postfix's log (`postfix/smtpd[pid]:`, `postfix/smtp[pid]:`).
    PostfixLog,
    /// Exim's main log (`2026-12-02 10:00:00 1tXyZa-000abc-de => ...`).
    EximLog,
}

impl Format {
    /// How the format is called in messages.
    pub fn name(self) -> String {
        match self {
            Self::Swaks => crate::text::t("swaks output"),
            Self::Markers => crate::text::t("C:/S: lines"),
            Self::Plain => crate::text::t("telnet/nc copy"),
            Self::PostfixLog => crate::text::t("Postfix log"),
            Self::EximLog => crate::text::t("Exim log"),
        }
    }
}

/// Which side a line's SMTP text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "kebab-case")
)]
pub enum Side {
    /// The SMTP client.
    Client,
    /// The SMTP server.
    Server,
}

/// What the format says about a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// SMTP text from a known side.
    Sent(Side, Vec<u8>),
    /// SMTP text whose side the text itself must tell (a telnet copy).
    Unmarked(Vec<u8>),
    /// A line the tool itself printed (swaks `===`, telnet's `Trying`).
    Tool(&'static str),
    /// A log line: the program and the message after `]: ` (Postfix) or
    /// after the date (Exim).
    Log {
        /// `smtpd`, `smtp`, `qmgr`... (`exim` for Exim).
        program: String,
        /// Which process wrote it (`smtpd[1234]`), to keep concurrent
        /// sessions apart.
        session: String,
        /// The message.
        message: String,
    },
}

/// swaks's prefixes (its `--help` calls them the transaction markers).
const SWAKS: &[(&str, Option<Side>, &str)] = &[
    (" -> ", Some(Side::Client), ""),
    (" ~> ", Some(Side::Client), ""),
    ("<-  ", Some(Side::Server), ""),
    ("<~  ", Some(Side::Server), ""),
    ("<** ", Some(Side::Server), ""),
    ("<~* ", Some(Side::Server), ""),
    (
        "=== ",
        None,
        "swaks: what it is doing (connecting, TLS, closing)",
    ),
    ("*** ", None, "swaks: an error swaks itself reports"),
];

/// Lines telnet, nc and smtplab's pretend shell print around a session.
const SHELL: &[(&str, &str)] = &[
    ("$ ", "shell prompt: the command that opened the session"),
    ("Trying ", "telnet: looking up and connecting"),
    ("Connected to ", "telnet: the TCP connection is open"),
    (
        "Escape character is",
        "telnet: how to get back to telnet's own prompt",
    ),
    (
        "Connection closed by foreign host",
        "telnet: the server closed the connection",
    ),
    ("Connection to ", "nc: connection report"),
    ("(", "smtplab: a note from the pretend shell"),
];

/// What the tool lines around a session are, as [`Piece::Tool`] says (the
/// explanations show them through [`crate::text::t`]).
pub fn tool_descriptions() -> impl Iterator<Item = &'static str> {
    let swaks = SWAKS.iter().map(|(_, _, what)| *what);
    swaks
        .chain(SHELL.iter().map(|(_, what)| *what))
        .filter(|what| !what.is_empty())
}

/// Recognises one line (its bytes without the line end).
pub fn recognise(line: &[u8]) -> (Option<Format>, Piece) {
    for (prefix, side, what) in SWAKS {
        let bare = prefix.trim_end();
        let rest = line
            .strip_prefix(prefix.as_bytes())
            .or_else(|| (line == bare.as_bytes()).then_some(&[][..]));
        if let Some(rest) = rest {
            let piece = match side {
                Some(side) => Piece::Sent(*side, rest.to_vec()),
                None => Piece::Tool(what),
            };
            return (Some(Format::Swaks), piece);
        }
    }
    for (marker, side) in [(b'C', Side::Client), (b'S', Side::Server)] {
        if line.first() == Some(&marker) && line.get(1) == Some(&b':') {
            let rest = &line[2..];
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            return (Some(Format::Markers), Piece::Sent(side, rest.to_vec()));
        }
    }
    let text = String::from_utf8_lossy(line);
    if let Some(piece) = postfix_line(&text) {
        return (Some(Format::PostfixLog), piece);
    }
    if let Some(message) = exim_message(&text) {
        let piece = Piece::Log {
            program: "exim".into(),
            session: String::new(),
            message: message.to_owned(),
        };
        return (Some(Format::EximLog), piece);
    }
    for (prefix, what) in SHELL {
        let seconds_note = *prefix != "(" || text.contains("seconds pass");
        if text.starts_with(prefix) && seconds_note {
            return (None, Piece::Tool(what));
        }
    }
    (Some(Format::Plain), Piece::Unmarked(line.to_vec()))
}

/// `... postfix/smtpd[1234]: message` (syslog or journal prefix first).
fn postfix_line(text: &str) -> Option<Piece> {
    let close = text.find("]: ")?;
    let open = text[..close].rfind('[')?;
    let pid = &text[open + 1..close];
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let tag = text[..open].rsplit(' ').next()?;
    let program = tag.rsplit('/').next()?;
    let postfix = tag.starts_with("postfix") || matches!(program, "smtpd" | "smtp");
    postfix.then(|| Piece::Log {
        program: program.to_owned(),
        session: format!("{program}[{pid}]"),
        message: text[close + 3..].to_owned(),
    })
}

/// The message of an Exim main-log line: after `YYYY-MM-DD HH:MM:SS`,
/// optional fractions, time zone and `[pid]`.
fn exim_message(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let shape = b"0000-00-00 00:00:00";
    if bytes.len() < shape.len() + 2 {
        return None;
    }
    let dated = shape.iter().zip(bytes).all(|(want, got)| {
        if *want == b'0' {
            got.is_ascii_digit()
        } else {
            want == got
        }
    });
    if !dated {
        return None;
    }
    let mut rest = &text[shape.len()..];
    if let Some(fraction) = rest.strip_prefix('.') {
        rest = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    rest = rest.strip_prefix(' ')?;
    if rest.starts_with(['+', '-']) {
        rest = rest.split_once(' ').map_or("", |(_, r)| r);
    }
    if rest.starts_with('[') {
        rest = rest.split_once("] ").map_or("", |(_, r)| r);
    }
    let exim_like = is_exim_id(rest.split(' ').next().unwrap_or(""))
        || rest.contains("H=")
        || [
            "SMTP ",
            "no host name",
            "exim ",
            "Start queue run",
            "End queue run",
            "no IP address",
        ]
        .iter()
        .any(|start| rest.starts_with(start));
    exim_like.then_some(rest)
}

/// Exim message ids: `1tXyZa-000abc-de` (old) or `1tXyZa-00000000abc-defg`.
pub fn is_exim_id(word: &str) -> bool {
    let parts: Vec<&str> = word.split('-').collect();
    matches!(parts.as_slice(), [a, b, c]
        if a.len() == 6 && (b.len() == 6 || b.len() == 11) && (c.len() == 2 || c.len() == 4)
            && word.bytes().all(|x| x.is_ascii_alphanumeric() || x == b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_is_told_from_its_lines() {
        for (line, format) in [
            (&b" -> EHLO client"[..], Some(Format::Swaks)),
            (b"<-  250 ok", Some(Format::Swaks)),
            (b"<** 550 no", Some(Format::Swaks)),
            (b" ->", Some(Format::Swaks)),
            (b"=== Trying 127.0.0.1:25...", Some(Format::Swaks)),
            (b"C: MAIL FROM:<a@b>", Some(Format::Markers)),
            (b"S: 250 Ok", Some(Format::Markers)),
            (b"C:", Some(Format::Markers)),
            (
                b"Dec  2 19:10:00 mx postfix/smtpd[1234]: connect from x[1.2.3.4]",
                Some(Format::PostfixLog),
            ),
            (
                b"2026-12-02T19:10:00.1+00:00 mx postfix/smtp[9]: ABC: to=<a@b>",
                Some(Format::PostfixLog),
            ),
            (
                b"2026-12-02 19:10:00 1tXyZa-000abc-de <= a@b H=x [1.2.3.4]",
                Some(Format::EximLog),
            ),
            (
                b"2026-12-02 19:10:00.123 [77] H=(x) [1.2.3.4] F=<a@b> rejected RCPT <c@d>",
                Some(Format::EximLog),
            ),
            (b"Trying 127.0.0.1...", None),
            (b"$ telnet localhost smtp", None),
            (b"250 ok", Some(Format::Plain)),
            (b"EHLO me", Some(Format::Plain)),
            (b"Dec 2 x notpostfix[12]: hello", Some(Format::Plain)),
        ] {
            assert_eq!(
                recognise(line).0,
                format,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn the_smtp_text_is_kept_byte_for_byte() {
        assert_eq!(
            recognise(b" -> ..dot\r"),
            (
                Some(Format::Swaks),
                Piece::Sent(Side::Client, b"..dot\r".to_vec())
            )
        );
        assert_eq!(
            recognise(b"C:  two spaces"),
            (
                Some(Format::Markers),
                Piece::Sent(Side::Client, b" two spaces".to_vec())
            )
        );
        let (_, piece) = recognise(b"Dec  2 19:10:00 mx postfix/smtpd[1]: < x[1.2.3.4]: QUIT");
        assert_eq!(
            piece,
            Piece::Log {
                program: "smtpd".into(),
                session: "smtpd[1]".into(),
                message: "< x[1.2.3.4]: QUIT".into()
            }
        );
    }
}
