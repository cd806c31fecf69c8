//! The one escaping of text for HTML and XML (SVG) output: the explained
//! transcript lines in the page and the network's sequence diagram.

/// Writes `text` into `out` with `&`, `<`, `>`, `"` and `'` escaped, so it
/// can stand in element content and in quoted attribute values. Control
/// characters, which XML 1.0 does not allow, become U+FFFD.
pub fn escape_into(out: &mut String, text: &str) {
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// [`escape_into`] a new string.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_characters_and_controls_are_escaped() {
        assert_eq!(
            escape("<a href=\"x\">Tom & 'Jerry'</a>\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;\u{fffd}"
        );
        assert_eq!(escape("plain text"), "plain text");
    }
}
