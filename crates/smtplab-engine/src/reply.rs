//! Replies as plain values: a code, an optional enhanced status code, text
//! lines, and the catalogue key that explains them.

use crate::catalogue::ReplyKey;
pub use crate::enhanced_code::EnhancedCode;
use crate::limits::MAX_REPLY_LINE;
use core::fmt;

/// The class of a reply, from its first digit (RFC 5321 section 4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize),
    serde(rename_all = "lowercase")
)]
pub enum ReplyClass {
    /// 2xx: the command worked.
    Success,
    /// 3xx: go on, the server waits for more (354, 334).
    Intermediate,
    /// 4xx: failed this time, try again later.
    Transient,
    /// 5xx: failed, do not repeat it unchanged.
    Permanent,
}

/// One server reply. `lines` hold the text after the code; the wire form
/// puts the code (and enhanced code) on every line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Reply {
    /// The three-digit reply code.
    pub code: u16,
    /// The enhanced status code, when the session sends them.
    pub enhanced: Option<EnhancedCode>,
    /// Text lines, at least one (possibly empty, as in `334 `).
    pub lines: Vec<String>,
    /// Where the catalogue explains this reply.
    pub key: ReplyKey,
}

impl Reply {
    /// A reply with the given parts; each line is cut so its wire form fits
    /// in [`MAX_REPLY_LINE`] octets, and an empty list becomes one empty line.
    pub fn new(
        code: u16,
        enhanced: Option<EnhancedCode>,
        lines: Vec<String>,
        key: ReplyKey,
    ) -> Self {
        let prefix = 4 + enhanced.map_or(0, |e| e.to_string().len() + 1);
        let room = MAX_REPLY_LINE - prefix - 2;
        let mut lines: Vec<String> = lines
            .into_iter()
            .map(|line| sanitise_reply_text(&line, room))
            .collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        Self {
            code,
            enhanced,
            lines,
            key,
        }
    }

    /// The catalogue's standard reply for `key`, with its standard text.
    pub fn standard(key: ReplyKey) -> Self {
        let info = key.info();
        Self::new(info.code, info.enhanced, vec![info.text.to_owned()], key)
    }

    /// The catalogue's reply for `key` with other text (an address, a host
    /// name, a queue id worked in).
    pub fn with_text(key: ReplyKey, text: impl Into<String>) -> Self {
        let info = key.info();
        Self::new(info.code, info.enhanced, vec![text.into()], key)
    }

    /// The catalogue's reply for `key` spread over several lines.
    pub fn with_lines(key: ReplyKey, lines: Vec<String>) -> Self {
        let info = key.info();
        Self::new(info.code, info.enhanced, lines, key)
    }

    /// The same reply without its enhanced status code.
    pub fn without_enhanced(mut self) -> Self {
        self.enhanced = None;
        self
    }

    /// The class this reply's first digit puts it in.
    pub fn class(&self) -> ReplyClass {
        match self.code / 100 {
            2 => ReplyClass::Success,
            3 => ReplyClass::Intermediate,
            4 => ReplyClass::Transient,
            _ => ReplyClass::Permanent,
        }
    }

    /// Whether this is a 4xx or 5xx reply.
    pub fn is_error(&self) -> bool {
        self.code >= 400
    }

    /// Appends the wire form (`250-...` lines, then `250 ...`, CRLF each).
    pub fn write_wire(&self, out: &mut Vec<u8>) {
        let last = self.lines.len().saturating_sub(1);
        for (index, line) in self.lines.iter().enumerate() {
            let separator = if index == last { ' ' } else { '-' };
            let mut rendered = format!("{}{}", self.code, separator);
            if let Some(enhanced) = self.enhanced {
                rendered.push_str(&enhanced.to_string());
                if !line.is_empty() {
                    rendered.push(' ');
                }
            }
            rendered.push_str(line);
            rendered.push_str("\r\n");
            out.extend_from_slice(rendered.as_bytes());
        }
    }

    /// The wire form as a string.
    pub fn to_wire(&self) -> String {
        let mut out = Vec::new();
        self.write_wire(&mut out);
        // Reply text is sanitised to printable ASCII plus UTF-8 text, so
        // this never loses anything.
        String::from_utf8_lossy(&out).into_owned()
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.to_wire().trim_end_matches("\r\n"))
    }
}

/// Replaces control characters (which would break the reply framing) and
/// cuts the text to `room` octets on a character boundary.
fn sanitise_reply_text(text: &str, room: usize) -> String {
    let mut out = String::with_capacity(text.len().min(room));
    for ch in text.chars() {
        let ch = if ch.is_control() { '?' } else { ch };
        if out.len() + ch.len_utf8() > room {
            break;
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multiline_wire_form_repeats_code_and_enhanced_code() {
        let reply = Reply::with_lines(ReplyKey::HelpList, vec!["first".into(), "second".into()]);
        assert_eq!(reply.to_wire(), "214-2.0.0 first\r\n214 2.0.0 second\r\n");
    }

    #[test]
    fn empty_challenge_keeps_the_space() {
        let reply = Reply::with_text(ReplyKey::AuthChallenge, "");
        assert_eq!(reply.to_wire(), "334 \r\n");
    }

    #[test]
    fn long_and_control_text_is_made_safe() {
        let reply = Reply::with_text(ReplyKey::UserUnknown, format!("a\r\nb{}", "x".repeat(900)));
        let wire = reply.to_wire();
        assert!(wire.len() <= MAX_REPLY_LINE);
        assert_eq!(wire.matches("\r\n").count(), 1);
        assert!(wire.starts_with("550 5.1.1 a??b"));
    }
}
