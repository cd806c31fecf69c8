//! The header section of a message (RFC 5322 section 2.2): the workspace's
//! one scanner that finds where the header fields end and reads them.

/// RFC 5322 field-name: printable ASCII except colon, at least one.
pub fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

/// One line of a header section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderLine<'a> {
    /// `Name: value` (the value as written, untrimmed).
    Field {
        /// The field name.
        name: &'a str,
        /// Everything after the colon.
        value: &'a [u8],
    },
    /// A folded continuation (starts with a space or tab).
    Continuation(&'a [u8]),
}

/// The lines of the header section at the start of `content`, each with the
/// offset just after it (after its CRLF, when it has one).
///
/// The section stops at the first line that is neither a field nor the
/// continuation of one (the empty line before the body, or body text). A
/// last line without CRLF is read too, marked as unterminated.
#[derive(Debug, Clone)]
pub struct HeaderScanner<'a> {
    content: &'a [u8],
    offset: usize,
    seen_field: bool,
    done: bool,
}

/// What [`HeaderScanner`] yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScannedLine<'a> {
    /// The line, classified.
    pub line: HeaderLine<'a>,
    /// The offset just after it.
    pub end: usize,
    /// Whether it ended with CRLF.
    pub terminated: bool,
}

impl<'a> HeaderScanner<'a> {
    /// Scans the header section at the start of `content`.
    pub fn new(content: &'a [u8]) -> Self {
        Self {
            content,
            offset: 0,
            seen_field: false,
            done: false,
        }
    }
}

impl<'a> Iterator for HeaderScanner<'a> {
    type Item = ScannedLine<'a>;

    fn next(&mut self) -> Option<ScannedLine<'a>> {
        if self.done {
            return None;
        }
        let rest = &self.content[self.offset..];
        let (text, end, terminated) = match rest.windows(2).position(|pair| pair == b"\r\n") {
            Some(length) => (&rest[..length], self.offset + length + 2, true),
            None => (rest, self.content.len(), false),
        };
        let Some(line) = classify(text, self.seen_field) else {
            self.done = true;
            return None;
        };
        self.seen_field = true;
        self.offset = end;
        self.done = !terminated;
        Some(ScannedLine {
            line,
            end,
            terminated,
        })
    }
}

fn classify(text: &[u8], seen_field: bool) -> Option<HeaderLine<'_>> {
    if seen_field && matches!(text.first(), Some(b' ' | b'\t')) {
        return Some(HeaderLine::Continuation(text));
    }
    let colon = text.iter().position(|&b| b == b':')?;
    let name = core::str::from_utf8(&text[..colon])
        .ok()
        .filter(|name| is_field_name(name))?;
    Some(HeaderLine::Field {
        name,
        value: &text[colon + 1..],
    })
}

/// Where the header section ends: the offset just after the last header
/// line's CRLF, before the empty line (0 when the content has no headers).
pub fn header_section_end(content: &[u8]) -> usize {
    HeaderScanner::new(content)
        .take_while(|scanned| scanned.terminated)
        .last()
        .map_or(0, |scanned| scanned.end)
}

/// Whether the header section at the start of `content` has a field called
/// `name` (any case).
pub fn has_field(content: &[u8], name: &str) -> bool {
    HeaderScanner::new(content).any(|scanned| {
        matches!(scanned.line, HeaderLine::Field { name: field, .. } if field.eq_ignore_ascii_case(name))
    })
}

/// The header fields at the start of `content`, folded lines unfolded (each
/// continuation joined with one space) and values trimmed.
pub fn header_fields(content: &[u8]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for scanned in HeaderScanner::new(content) {
        match scanned.line {
            HeaderLine::Field { name, value } => {
                let value = String::from_utf8_lossy(value);
                fields.push((name.to_owned(), value.trim().to_owned()));
            }
            HeaderLine::Continuation(text) => {
                if let Some((_, value)) = fields.last_mut() {
                    value.push(' ');
                    value.push_str(String::from_utf8_lossy(text).trim());
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_section_ends_before_the_empty_line_or_the_first_non_header() {
        for (content, end) in [
            (&b"Subject: x\r\n\r\nbody\r\n"[..], 12),
            (b"Subject: x\r\n\tfolded\r\nTo: y\r\n\r\n", 28),
            (b"no header here\r\n", 0),
            (b"\r\nbody\r\n", 0),
            (b" Folded: first\r\n", 0),
            (b"Subject: unterminated", 0),
            (b"A: 1\r\nB: 2", 6),
        ] {
            assert_eq!(header_section_end(content), end, "{content:?}");
        }
    }

    #[test]
    fn fields_are_unfolded_and_found_in_any_case() {
        let content = b"Subject: one\r\n two\r\nX-A:\tb \r\n\r\nBody: no\r\n";
        assert_eq!(
            header_fields(content),
            [
                ("Subject".to_owned(), "one two".to_owned()),
                ("X-A".to_owned(), "b".to_owned())
            ]
        );
        assert!(has_field(content, "subject"));
        assert!(!has_field(content, "Body"));
        assert_eq!(header_fields(b"A: 1\r\nB: 2").len(), 2);
    }
}
