//! Server replies as a client reads them: a bounded line reader that
//! frames multiline replies (`250-...` then `250 ...`) from bytes in any
//! split, and the reply value it yields.

use crate::catalogue::{replies_with_code, ReplyInfo};
use crate::limits::{MAX_CLIENT_REPLY_LINE, MAX_CLIENT_REPLY_LINES};
use crate::reply::{EnhancedCode, ReplyClass};

/// A reply as some server sent it (not necessarily one the engine would
/// send): the code, the enhanced code if every line carries the same one,
/// and each line's text after the code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ServerReply {
    /// The three-digit code.
    pub code: u16,
    /// The RFC 3463 code at the start of the text, when there is one.
    pub enhanced: Option<EnhancedCode>,
    /// Text of each line, after the code, separator and enhanced code.
    pub lines: Vec<String>,
    /// Whether a line ended in a bare LF instead of CRLF.
    pub bare_lf: bool,
    /// Whether a line was longer than [`MAX_CLIENT_REPLY_LINE`] and cut.
    pub truncated: bool,
}

impl ServerReply {
    /// The class the first digit puts the reply in.
    pub fn class(&self) -> ReplyClass {
        match self.code / 100 {
            2 => ReplyClass::Success,
            3 => ReplyClass::Intermediate,
            4 => ReplyClass::Transient,
            _ => ReplyClass::Permanent,
        }
    }

    /// Whether the reply is 2xx.
    pub fn is_success(&self) -> bool {
        self.code / 100 == 2
    }

    /// The whole text, lines joined with a space, for logs and reports.
    pub fn text(&self) -> String {
        self.lines.join(" ")
    }

    /// The reply as one line: `550 5.1.1 text`.
    pub fn summary(&self) -> String {
        let mut out = self.code.to_string();
        if let Some(enhanced) = self.enhanced {
            out.push(' ');
            out.push_str(&enhanced.to_string());
        }
        let text = self.text();
        if !text.is_empty() {
            out.push(' ');
            out.push_str(&text);
        }
        out
    }

    /// The catalogue entry that explains this reply: same code, and the
    /// catalogue's standard text found in the reply's (the longest such),
    /// or else the same enhanced code. `None` when nothing matches that
    /// well: another server's 550 may mean something else entirely.
    pub fn catalogue_entry(&self) -> Option<&'static ReplyInfo> {
        let text = self.text().to_ascii_lowercase();
        let matches = |info: &&ReplyInfo| {
            let standard = info.text.to_ascii_lowercase();
            (!standard.is_empty() && text.contains(&standard))
                || (self.enhanced.is_some() && info.enhanced == self.enhanced)
        };
        replies_with_code(self.code)
            .filter(matches)
            .max_by_key(|info| {
                let same_enhanced = info.enhanced == self.enhanced;
                let standard = info.text.to_ascii_lowercase();
                // The longest standard text found wins: "Ok: queued as" over "Ok".
                let text_match = if !standard.is_empty() && text.contains(&standard) {
                    standard.len()
                } else {
                    0
                };
                (text_match, same_enhanced, core::cmp::Reverse(info.key))
            })
    }
}

/// Why bytes from the server could not be read as a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ReplyError {
    /// A line did not start with three digits and a space, dash or end.
    Malformed {
        /// The line, shown with control characters escaped.
        line: String,
    },
    /// A continuation line carried another code than the first line.
    CodeChanged {
        /// The code the reply started with.
        first: u16,
        /// The code a later line had.
        later: u16,
    },
    /// More than [`MAX_CLIENT_REPLY_LINES`] lines in one reply.
    TooManyLines,
}

impl core::fmt::Display for ReplyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::Malformed { line } => write!(
                f,
                "not an SMTP reply line (three digits, then a space or dash): {line}"
            ),
            Self::CodeChanged { first, later } => write!(
                f,
                "a multiline reply changed its code from {first} to {later} (RFC 5321 section 4.2.1)"
            ),
            Self::TooManyLines => write!(
                f,
                "a reply had more than {MAX_CLIENT_REPLY_LINES} lines"
            ),
        }
    }
}

/// One line of a reply, parsed.
struct ReplyLine {
    code: u16,
    last: bool,
    text: String,
}

/// Parses `250-text`, `250 text` or `250` (RFC 5321 section 4.2).
fn parse_line(raw: &[u8]) -> Option<ReplyLine> {
    let digits = raw.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) || !(b'2'..=b'5').contains(&digits[0]) {
        return None;
    }
    let code = digits
        .iter()
        .fold(0_u16, |acc, &d| acc * 10 + u16::from(d - b'0'));
    let (last, text) = match raw.get(3) {
        None => (true, &[][..]),
        Some(b' ') => (true, &raw[4..]),
        Some(b'-') => (false, &raw[4..]),
        Some(_) => return None,
    };
    Some(ReplyLine {
        code,
        last,
        text: String::from_utf8_lossy(text).into_owned(),
    })
}

/// Shows bytes as text with CR, LF, NUL and other controls escaped.
pub fn escape_bytes(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.utf8_chunks() {
        for ch in chunk.valid().chars() {
            match ch {
                '\r' => out.push_str("\\r"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push('\t'),
                '\0' => out.push_str("\\0"),
                c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
                c => out.push(c),
            }
        }
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// Frames replies from bytes in any split. Lines end in CRLF; a bare LF
/// also ends one (and is noted), so a sloppy server is still understood.
/// A line longer than the limit is cut, the rest drained, never stored.
#[derive(Debug, Default)]
pub struct ReplyReader {
    line: Vec<u8>,
    line_cut: bool,
    last_was_cr: bool,
    lines: Vec<ReplyLineState>,
    bare_lf: bool,
    truncated: bool,
}

#[derive(Debug)]
struct ReplyLineState {
    code: u16,
    text: String,
}

impl ReplyReader {
    /// Reads bytes until a reply is complete; returns how many bytes were
    /// used and the reply (or error), or `None` with everything used.
    pub fn read(&mut self, input: &[u8]) -> (usize, Option<Result<ServerReply, ReplyError>>) {
        for (index, &byte) in input.iter().enumerate() {
            if byte == b'\n' {
                let bare = !self.last_was_cr;
                self.last_was_cr = false;
                if !bare && self.line.last() == Some(&b'\r') {
                    self.line.pop();
                }
                self.bare_lf |= bare;
                if let Some(result) = self.end_line() {
                    return (index + 1, Some(result));
                }
                continue;
            }
            self.last_was_cr = byte == b'\r';
            if self.line.len() >= MAX_CLIENT_REPLY_LINE {
                self.line_cut = true;
                continue;
            }
            self.line.push(byte);
        }
        (input.len(), None)
    }

    /// Whether part of a reply has been read and more is awaited.
    pub fn is_mid_reply(&self) -> bool {
        !self.line.is_empty() || !self.lines.is_empty()
    }

    fn end_line(&mut self) -> Option<Result<ServerReply, ReplyError>> {
        let raw = core::mem::take(&mut self.line);
        self.truncated |= core::mem::take(&mut self.line_cut);
        let Some(parsed) = parse_line(&raw) else {
            self.reset();
            return Some(Err(ReplyError::Malformed {
                line: escape_bytes(&raw),
            }));
        };
        if let Some(first) = self.lines.first().map(|l| l.code) {
            if first != parsed.code {
                self.reset();
                return Some(Err(ReplyError::CodeChanged {
                    first,
                    later: parsed.code,
                }));
            }
        }
        if self.lines.len() >= MAX_CLIENT_REPLY_LINES {
            self.reset();
            return Some(Err(ReplyError::TooManyLines));
        }
        self.lines.push(ReplyLineState {
            code: parsed.code,
            text: parsed.text,
        });
        parsed.last.then(|| Ok(self.finish()))
    }

    fn reset(&mut self) {
        self.lines.clear();
        self.bare_lf = false;
        self.truncated = false;
    }

    fn finish(&mut self) -> ServerReply {
        let lines = core::mem::take(&mut self.lines);
        let code = lines.first().map_or(0, |l| l.code);
        let enhanced = common_enhanced_code(code, &lines);
        let texts = lines
            .into_iter()
            .map(|line| match enhanced {
                Some(_) => strip_enhanced(&line.text).to_owned(),
                None => line.text,
            })
            .collect();
        let reply = ServerReply {
            code,
            enhanced,
            lines: texts,
            bare_lf: self.bare_lf,
            truncated: self.truncated,
        };
        self.reset();
        reply
    }
}

/// The enhanced code when every line starts with the same one, whose
/// class matches the reply code (RFC 3463 section 2 and RFC 2034).
fn common_enhanced_code(code: u16, lines: &[ReplyLineState]) -> Option<EnhancedCode> {
    let first = lines.first()?;
    let word = first.text.split(' ').next()?;
    let enhanced = EnhancedCode::parse(word)?;
    let same_everywhere = lines
        .iter()
        .all(|line| line.text.split(' ').next() == Some(word));
    (same_everywhere && u16::from(enhanced.class) == code / 100).then_some(enhanced)
}

fn strip_enhanced(text: &str) -> &str {
    match text.split_once(' ') {
        Some((_, rest)) => rest,
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<Result<ServerReply, ReplyError>> {
        let mut reader = ReplyReader::default();
        let mut rest = input;
        let mut out = Vec::new();
        while !rest.is_empty() {
            let (used, result) = reader.read(rest);
            rest = &rest[used..];
            out.extend(result);
        }
        out
    }

    #[test]
    fn frames_single_and_multiline_replies_in_any_split() {
        let wire = b"220 mx ESMTP\r\n250-mx\r\n250-PIPELINING\r\n250 SIZE 100\r\n250 2.1.0 Ok\r\n";
        let whole = read_all(wire);
        assert_eq!(whole.len(), 3);
        let ehlo = whole[1].as_ref().unwrap();
        assert_eq!(ehlo.lines, ["mx", "PIPELINING", "SIZE 100"]);
        assert_eq!(ehlo.enhanced, None);
        let ok = whole[2].as_ref().unwrap();
        assert_eq!(ok.enhanced, Some(EnhancedCode::new(2, 1, 0)));
        assert_eq!(ok.summary(), "250 2.1.0 Ok");
        for split in 1..wire.len() {
            let mut reader = ReplyReader::default();
            let mut got = Vec::new();
            for piece in [&wire[..split], &wire[split..]] {
                let mut rest = piece;
                while !rest.is_empty() {
                    let (used, result) = reader.read(rest);
                    rest = &rest[used..];
                    got.extend(result);
                }
            }
            assert_eq!(got, whole, "split at {split}");
        }
    }

    #[test]
    fn bad_lines_are_errors_not_panics() {
        for (input, expected) in [
            (&b"hello\r\n"[..], "not an SMTP reply line"),
            (b"250-a\r\n251 b\r\n", "changed its code from 250 to 251"),
            (b"25\r\n", "not an SMTP reply line"),
            (b"650 x\r\n", "not an SMTP reply line"),
            (b"250x\r\n", "not an SMTP reply line"),
        ] {
            let results = read_all(input);
            let error = results.last().unwrap().as_ref().unwrap_err();
            assert!(error.to_string().contains(expected), "{input:?}: {error}");
        }
    }

    #[test]
    fn bare_lf_and_overlong_lines_are_noted() {
        let mut long = b"250 ".to_vec();
        long.extend(std::iter::repeat_n(b'x', MAX_CLIENT_REPLY_LINE * 3));
        long.extend_from_slice(b"\r\n221 bye\n");
        let results = read_all(&long);
        let first = results[0].as_ref().unwrap();
        assert!(first.truncated && !first.bare_lf);
        assert_eq!(first.lines[0].len(), MAX_CLIENT_REPLY_LINE - 4);
        let second = results[1].as_ref().unwrap();
        assert!(second.bare_lf && !second.truncated);
    }

    #[test]
    fn too_many_lines_is_refused() {
        let mut input = Vec::new();
        for _ in 0..=MAX_CLIENT_REPLY_LINES {
            input.extend_from_slice(b"250-x\r\n");
        }
        let results = read_all(&input);
        assert_eq!(results, [Err(ReplyError::TooManyLines)]);
    }

    #[test]
    fn catalogue_entry_prefers_matching_text() {
        let reply = read_all(b"554 5.7.1 <x@example.org>: Relay access denied\r\n")
            .remove(0)
            .unwrap();
        assert_eq!(
            reply.catalogue_entry().map(|i| i.key),
            Some(crate::ReplyKey::RelayDenied)
        );
        let queued = read_all(b"250 2.0.0 Ok: queued as 4F2A\r\n")
            .remove(0)
            .unwrap();
        assert_eq!(
            queued.catalogue_entry().map(|i| i.key),
            Some(crate::ReplyKey::Queued)
        );
        for odd in [&b"299 whatever\r\n"[..], b"550 spam detected\r\n"] {
            let reply = read_all(odd).remove(0).unwrap();
            assert!(reply.catalogue_entry().is_none(), "{reply:?}");
        }
    }

    #[test]
    fn escapes_controls_and_invalid_utf8() {
        assert_eq!(escape_bytes(b"a\r\nb\0\xff\x01"), "a\\r\\nb\\0\\xff\\x01");
    }
}
