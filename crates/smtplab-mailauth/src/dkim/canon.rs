//! DKIM canonicalisation (RFC 6376 section 3.4): how header fields and
//! the body are rewritten before hashing, "simple" (almost untouched) or
//! "relaxed" (tolerant of re-folding and whitespace changes).

use core::fmt;

use crate::message::HeaderField;

/// One of the two canonicalisation algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canonicalization {
    /// Nothing changes but trailing empty lines of the body.
    Simple,
    /// Names lower-cased, lines unfolded, whitespace runs made one space.
    Relaxed,
}

impl Canonicalization {
    /// `simple` or `relaxed`.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Simple => "simple",
            Self::Relaxed => "relaxed",
        }
    }

    /// The algorithm for a keyword.
    pub fn from_keyword(text: &str) -> Option<Self> {
        match text {
            "simple" => Some(Self::Simple),
            "relaxed" => Some(Self::Relaxed),
            _ => None,
        }
    }
}

impl fmt::Display for Canonicalization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// A header field as it enters the hash, ending in CRLF.
pub fn header(algorithm: Canonicalization, field: &HeaderField) -> Vec<u8> {
    match algorithm {
        Canonicalization::Simple => field.raw.clone(),
        Canonicalization::Relaxed => relaxed_header(&field.raw),
    }
}

/// RFC 6376 section 3.4.2: lower-case name, unfolded value, each run of
/// whitespace one space, none at the ends or around the colon.
fn relaxed_header(raw: &[u8]) -> Vec<u8> {
    let colon = raw.iter().position(|&b| b == b':').unwrap_or(raw.len());
    let name: Vec<u8> = raw[..colon]
        .iter()
        .filter(|b| !is_wsp(**b))
        .map(u8::to_ascii_lowercase)
        .collect();
    let value = raw.get(colon + 1..).unwrap_or(&[]);
    let unfolded: Vec<u8> = value
        .iter()
        .copied()
        .filter(|&b| b != b'\r' && b != b'\n')
        .collect();
    let mut out = name;
    out.push(b':');
    out.extend(squeeze_whitespace(&unfolded));
    out.extend_from_slice(b"\r\n");
    out
}

/// Runs of space and tab made one space, none left at either end.
fn squeeze_whitespace(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut pending_space = false;
    for &byte in text {
        if is_wsp(byte) {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(b' ');
        }
        pending_space = false;
        out.push(byte);
    }
    out
}

/// The body as it enters the hash (RFC 6376 sections 3.4.3 and 3.4.4).
pub fn body(algorithm: Canonicalization, body: &[u8]) -> Vec<u8> {
    let mut lines: Vec<Vec<u8>> = split_lines(body)
        .into_iter()
        .map(|line| match algorithm {
            Canonicalization::Simple => line.to_vec(),
            Canonicalization::Relaxed => relaxed_body_line(line),
        })
        .collect();
    while lines.last().is_some_and(Vec::is_empty) {
        lines.pop();
    }
    if lines.is_empty() {
        // An empty body is one CRLF under simple and nothing under
        // relaxed (RFC 6376 section 3.4.3, 3.4.4 and erratum 1384).
        return match algorithm {
            Canonicalization::Simple => b"\r\n".to_vec(),
            Canonicalization::Relaxed => Vec::new(),
        };
    }
    let mut out = Vec::with_capacity(body.len() + 2);
    for line in lines {
        out.extend(line);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Inner whitespace runs made one space, trailing whitespace removed.
fn relaxed_body_line(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(line.len());
    let mut pending_space = false;
    for &byte in line {
        if is_wsp(byte) {
            pending_space = true;
            continue;
        }
        if pending_space {
            out.push(b' ');
        }
        pending_space = false;
        out.push(byte);
    }
    out
}

/// Lines without their CRLF; a last line without one counts as a line
/// (a CRLF is added to it, section 3.4.3).
fn split_lines(body: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        match crate::message::find_crlf(rest) {
            Some(end) => {
                lines.push(&rest[..end]);
                rest = &rest[end + 2..];
            }
            None => {
                lines.push(rest);
                rest = &[];
            }
        }
    }
    lines
}

fn is_wsp(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::Message;

    /// RFC 6376 section 3.4.6's example message (`<SP>` and `<HTAB>`
    /// written as the characters themselves).
    const EXAMPLE: &[u8] = b"A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

    #[test]
    fn rfc_6376_section_3_4_6_relaxed_example() {
        let message = Message::parse(EXAMPLE);
        let headers: Vec<u8> = message
            .fields
            .iter()
            .flat_map(|f| header(Canonicalization::Relaxed, f))
            .collect();
        assert_eq!(headers, b"a:X\r\nb:Y Z\r\n");
        assert_eq!(
            body(Canonicalization::Relaxed, &message.body),
            b" C\r\nD E\r\n"
        );
    }

    #[test]
    fn rfc_6376_section_3_4_6_simple_example() {
        let message = Message::parse(EXAMPLE);
        let headers: Vec<u8> = message
            .fields
            .iter()
            .flat_map(|f| header(Canonicalization::Simple, f))
            .collect();
        assert_eq!(headers, b"A: X\r\nB : Y\t\r\n\tZ  \r\n");
        assert_eq!(
            body(Canonicalization::Simple, &message.body),
            b" C \r\nD \t E\r\n"
        );
    }

    #[test]
    fn empty_bodies_and_missing_final_crlf() {
        assert_eq!(body(Canonicalization::Simple, b""), b"\r\n");
        assert_eq!(body(Canonicalization::Simple, b"\r\n\r\n"), b"\r\n");
        assert_eq!(body(Canonicalization::Relaxed, b"\r\n \r\n"), b"");
        assert_eq!(body(Canonicalization::Simple, b"end"), b"end\r\n");
        assert_eq!(body(Canonicalization::Relaxed, b"end \t"), b"end\r\n");
    }
}
