//! Text from clients and students made safe to print: every control
//! character is shown as an escape, so that a crafted command or name can
//! neither start a forged log line nor drive the terminal (colours, cursor
//! moves, a carriage return that overwrites what came before).

use std::fmt;

/// `text` for a log line or a terminal: `\r`, `\n`, `\t`, `\xHH` for the
/// other ASCII controls and DEL, `\u{HHHH}` for the C1 controls and the
/// Unicode characters that reorder or break lines (bidirectional controls,
/// line and paragraph separators). Everything else is shown as it is.
pub fn untrusted(text: &str) -> Untrusted<'_> {
    Untrusted(text)
}

/// See [`untrusted`]: formats its text escaped, without allocating.
#[derive(Debug, Clone, Copy)]
pub struct Untrusted<'a>(&'a str);

impl fmt::Display for Untrusted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(index) = rest.find(needs_escape) {
            f.write_str(&rest[..index])?;
            let c = rest[index..].chars().next().unwrap_or_default();
            match c {
                '\r' => f.write_str("\\r")?,
                '\n' => f.write_str("\\n")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_ascii() => write!(f, "\\x{:02x}", u32::from(c))?,
                c => write!(f, "\\u{{{:04x}}}", u32::from(c))?,
            }
            rest = &rest[index + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_and_everything_else_kept() {
        for (text, shown) in [
            ("plain text, ünïcode ✓", "plain text, ünïcode ✓"),
            ("a\r\nb\tc", "a\\r\\nb\\tc"),
            ("\x1b[2J\x00\x7f", "\\x1b[2J\\x00\\x7f"),
            ("\u{9b}31m", "\\u{009b}31m"),
            ("abc\u{202e}fed", "abc\\u{202e}fed"),
            ("line\u{2028}sep", "line\\u{2028}sep"),
            ("", ""),
        ] {
            assert_eq!(untrusted(text).to_string(), shown, "{text:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn escaped_text_has_no_control_characters(text in "\\PC*|[\\x00-\\x1f\\x7f-\\u{9f}\\u{2028}-\\u{202e}a-z]*") {
            let shown = untrusted(&text).to_string();
            proptest::prop_assert!(!shown.chars().any(needs_escape), "{shown:?}");
            if !text.chars().any(needs_escape) {
                proptest::prop_assert_eq!(shown, text);
            }
        }
    }
}
