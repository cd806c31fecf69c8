//! A message as DKIM and DMARC read it: header fields exactly as written
//! (folding kept, for simple canonicalisation) and the body bytes.

/// One header field, its bytes untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderField {
    /// The name as written (`DKIM-Signature`), without trailing spaces.
    pub name: String,
    /// The whole field: name, colon, value with its folds, and the CRLF
    /// that ends it.
    pub raw: Vec<u8>,
}

impl HeaderField {
    /// The value after the colon, unfolded and trimmed (for reading tags
    /// and addresses, never for hashing).
    pub fn value(&self) -> String {
        let text = String::from_utf8_lossy(&self.raw);
        let value = text.split_once(':').map_or("", |(_, value)| value);
        value
            .replace("\r\n", "")
            .trim_matches(|c| c == ' ' || c == '\t')
            .to_owned()
    }

    /// Whether the field is called `name` (any case).
    pub fn is(&self, name: &str) -> bool {
        self.name.eq_ignore_ascii_case(name)
    }
}

/// A message split at the first empty line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// Header fields, top first.
    pub fields: Vec<HeaderField>,
    /// Everything after the empty line.
    pub body: Vec<u8>,
}

impl Message {
    /// Splits `bytes`; bare LF line ends are read as CRLF (a pasted
    /// message), so the hashes are those of the message as sent on the wire.
    pub fn parse(bytes: &[u8]) -> Self {
        let bytes = crlf_lines(bytes);
        let mut message = Self::default();
        let mut at = 0;
        while at < bytes.len() {
            let end = find_crlf(&bytes[at..]).map_or(bytes.len(), |i| at + i + 2);
            let line = &bytes[at..end];
            if line == b"\r\n" {
                message.body = bytes[end..].to_vec();
                return message;
            }
            let continues = matches!(line.first(), Some(b' ' | b'\t'));
            match message.fields.last_mut() {
                Some(field) if continues => field.raw.extend_from_slice(line),
                _ => message.start_field(line),
            }
            at = end;
        }
        message
    }

    fn start_field(&mut self, line: &[u8]) {
        // A line without a colon is not a field: it is kept out of every
        // hash rather than guessed at.
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            return;
        };
        let name = String::from_utf8_lossy(&line[..colon])
            .trim_end_matches([' ', '\t'])
            .to_owned();
        self.fields.push(HeaderField {
            name,
            raw: line.to_vec(),
        });
    }

    /// The fields called `name`, top first.
    pub fn fields_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a HeaderField> {
        self.fields.iter().filter(move |field| field.is(name))
    }
}

/// The position of the first CRLF.
pub(crate) fn find_crlf(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|pair| pair == b"\r\n")
}

/// Every LF not preceded by CR becomes CRLF.
fn crlf_lines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 32);
    let mut previous = 0u8;
    for &byte in bytes {
        if byte == b'\n' && previous != b'\r' {
            out.push(b'\r');
        }
        out.push(byte);
        previous = byte;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_keep_their_folds_and_the_body_follows_the_empty_line() {
        let message = Message::parse(b"From: a@b.example\r\nSubject: one\r\n two\r\n\r\nBody\r\n");
        assert_eq!(message.fields.len(), 2);
        assert_eq!(message.fields[1].raw, b"Subject: one\r\n two\r\n");
        assert_eq!(message.fields[1].value(), "one two");
        assert_eq!(message.body, b"Body\r\n");
    }

    #[test]
    fn bare_line_feeds_read_as_crlf_and_junk_lines_are_skipped() {
        let message = Message::parse(b"From : a@b.example\nnot a field\n\nBody\n");
        assert_eq!(message.fields.len(), 1);
        assert_eq!(message.fields[0].name, "From");
        assert_eq!(message.body, b"Body\r\n");
        assert_eq!(Message::parse(b"").fields.len(), 0);
        assert_eq!(Message::parse(b" folded first\r\n").fields.len(), 0);
    }
}
