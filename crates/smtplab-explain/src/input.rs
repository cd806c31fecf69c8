//! Bytes to lines, exactly and within bounds: each line keeps how it
//! ended (CRLF, bare LF, nothing), overlong lines are cut with the cut
//! said out loud, and input that is not text is recognised early.

use crate::limits::{BINARY_SNIFF, MAX_KEPT_LINE};

/// How a line ended in the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "kebab-case")
)]
pub enum LineEnd {
    /// CR LF, as SMTP wants.
    Crlf,
    /// LF alone.
    Lf,
    /// The input ended without a line end.
    None,
}

/// One input line, its bytes bounded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawLine {
    /// The bytes, without the line end, at most [`MAX_KEPT_LINE`].
    pub bytes: Vec<u8>,
    /// Octets of the line beyond those kept.
    pub cut: u64,
    /// How it ended.
    pub end: LineEnd,
}

/// Splits a byte stream into lines, fed in any split.
#[derive(Debug, Default)]
pub struct LineSplitter {
    line: Vec<u8>,
    cut: u64,
    last_was_cr: bool,
}

impl LineSplitter {
    /// Takes bytes up to and including the next LF; returns the bytes used
    /// and the line, if one ended.
    pub fn next_line(&mut self, input: &[u8]) -> (usize, Option<RawLine>) {
        for (index, &byte) in input.iter().enumerate() {
            if byte == b'\n' {
                return (index + 1, Some(self.take(true)));
            }
            self.last_was_cr = byte == b'\r';
            if self.line.len() < MAX_KEPT_LINE {
                self.line.push(byte);
            } else {
                self.cut += 1;
            }
        }
        (input.len(), None)
    }

    /// The unfinished last line, if the input did not end with LF.
    pub fn finish(&mut self) -> Option<RawLine> {
        (!self.line.is_empty() || self.cut > 0).then(|| self.take(false))
    }

    fn take(&mut self, newline: bool) -> RawLine {
        let mut bytes = core::mem::take(&mut self.line);
        let mut cut = core::mem::take(&mut self.cut);
        let crlf = newline && core::mem::take(&mut self.last_was_cr);
        self.last_was_cr = false;
        let end = match (newline, crlf) {
            (false, _) => LineEnd::None,
            (true, false) => LineEnd::Lf,
            (true, true) => {
                // The CR is part of the line end, whether kept or cut.
                if cut > 0 {
                    cut -= 1;
                } else {
                    bytes.pop();
                }
                LineEnd::Crlf
            }
        };
        RawLine { bytes, cut, end }
    }
}

/// Why the start of the input does not look like a transcript, if it
/// does not: NUL bytes, other control bytes or invalid UTF-8 in more
/// than one byte in ten of the first [`BINARY_SNIFF`] octets.
pub fn binary_reason(start: &[u8]) -> Option<String> {
    let sample = &start[..start.len().min(BINARY_SNIFF)];
    let nul = sample.iter().filter(|&&b| b == 0).count();
    let control = sample
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\r' | b'\n' | b'\t' | 0x1b | 0))
        .count();
    let invalid: usize = sample
        .utf8_chunks()
        .map(|chunk| chunk.invalid().len())
        .sum();
    // A cut at the end of the sample may split one UTF-8 character.
    let invalid = invalid.saturating_sub(3);
    let odd = nul + control + invalid;
    (sample.len() >= 16 && odd * 10 > sample.len()).then(|| {
        crate::text::tf(
            "This looks like a binary file, not a transcript: of its first {} octets, {} are NUL, {} are other control bytes and {} are not UTF-8 text. Explain works on text: a swaks run, a telnet or nc copy, C:/S: lines or a mail log.",
            &[&sample.len(), &nul, &control, &invalid],
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &[u8]) -> Vec<RawLine> {
        let mut splitter = LineSplitter::default();
        let mut rest = input;
        let mut lines = Vec::new();
        while !rest.is_empty() {
            let (used, line) = splitter.next_line(rest);
            rest = &rest[used..];
            lines.extend(line);
        }
        lines.extend(splitter.finish());
        lines
    }

    #[test]
    fn keeps_line_ends_and_bare_crs() {
        let lines = split(b"a\r\nb\nc\rd\r\ne");
        let ends: Vec<LineEnd> = lines.iter().map(|l| l.end).collect();
        assert_eq!(
            ends,
            [LineEnd::Crlf, LineEnd::Lf, LineEnd::Crlf, LineEnd::None]
        );
        assert_eq!(lines[2].bytes, b"c\rd");
    }

    #[test]
    fn overlong_lines_are_cut_and_counted() {
        let mut input = vec![b'x'; MAX_KEPT_LINE + 500];
        input.extend_from_slice(b"\r\nshort\n");
        let lines = split(&input);
        assert_eq!(lines[0].bytes.len(), MAX_KEPT_LINE);
        assert_eq!(lines[0].cut, 500);
        assert_eq!(lines[0].end, LineEnd::Crlf);
        assert_eq!(lines[1].bytes, b"short");
    }

    #[test]
    fn binary_is_recognised_and_text_is_not() {
        assert!(binary_reason(&[0_u8; 100]).is_some());
        assert!(
            binary_reason(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0\x01\0\0\0").is_some()
        );
        assert!(binary_reason("S: 220 mx ESMTP\r\nC: EHLO é\r\n".as_bytes()).is_none());
        assert!(binary_reason(b"C: NOOP\0\r\nS: 250 Ok\r\nC: QUIT\r\nS: 221 Bye\r\n").is_none());
    }
}
