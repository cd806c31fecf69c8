//! A transcript of the bytes both ways, for the wire view, export and the
//! byte-for-byte comparisons between shells.

use crate::reply::Reply;

/// Who sent a piece of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "lowercase")
)]
pub enum Side {
    /// The client (the learner).
    Client,
    /// The server (the engine).
    Server,
}

/// Bytes exchanged, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Transcript {
    /// Each piece as it was sent.
    pub entries: Vec<(Side, Vec<u8>)>,
}

impl Transcript {
    /// Records bytes the client sent.
    pub fn client(&mut self, bytes: &[u8]) {
        self.push(Side::Client, bytes);
    }

    /// Records a reply the server sent.
    pub fn server(&mut self, reply: &Reply) {
        let mut bytes = Vec::new();
        reply.write_wire(&mut bytes);
        self.push(Side::Server, &bytes);
    }

    fn push(&mut self, side: Side, bytes: &[u8]) {
        match self.entries.last_mut() {
            Some((last, existing)) if *last == side => existing.extend_from_slice(bytes),
            _ => self.entries.push((side, bytes.to_vec())),
        }
    }

    /// The transcript as `C: ` and `S: ` lines. With `show_line_ends`, CR
    /// and LF are written as `\r` and `\n` so bare ones stand out.
    pub fn render(&self, show_line_ends: bool) -> String {
        let mut out = String::new();
        for (side, bytes) in &self.entries {
            let marker = match side {
                Side::Client => "C: ",
                Side::Server => "S: ",
            };
            let text = String::from_utf8_lossy(bytes);
            for line in text.split_inclusive("\r\n") {
                out.push_str(marker);
                let content = line.strip_suffix("\r\n").unwrap_or(line);
                if show_line_ends {
                    out.push_str(&content.replace('\r', "\\r").replace('\n', "\\n"));
                    if line.ends_with("\r\n") {
                        out.push_str("\\r\\n");
                    }
                } else {
                    out.push_str(content);
                }
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::ReplyKey;

    #[test]
    fn renders_both_sides_and_makes_line_ends_visible() {
        let mut transcript = Transcript::default();
        transcript.server(&Reply::with_text(ReplyKey::Greeting, "mx ESMTP"));
        transcript.client(b"NOOP\r\n");
        transcript.client(b"bare\nline\r\n");
        assert_eq!(
            transcript.render(false),
            "S: 220 mx ESMTP\nC: NOOP\nC: bare\nline\n"
        );
        assert_eq!(
            transcript.render(true),
            "S: 220 mx ESMTP\\r\\n\nC: NOOP\\r\\n\nC: bare\\nline\\r\\n\n"
        );
        assert_eq!(transcript.entries.len(), 2);
    }
}
