//! Mail paths as RFC 5321 section 4.1.2 writes them: `<local@domain>`,
//! `<>`, `<postmaster>`, source routes, quoted local parts, address literals.

use crate::limits::{MAX_DOMAIN, MAX_LOCAL_PART, MAX_PATH};
use core::fmt;

/// A mailbox: a local part and a domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Mailbox {
    /// The part before `@`, as written (quotes kept).
    pub local: String,
    /// The part after `@`, as written.
    pub domain: String,
}

impl Mailbox {
    /// Whether either part holds non-ASCII characters (needs SMTPUTF8).
    pub fn is_ascii(&self) -> bool {
        self.local.is_ascii() && self.domain.is_ascii()
    }
}

impl fmt::Display for Mailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.domain.is_empty() {
            f.write_str(&self.local)
        } else {
            write!(f, "{}@{}", self.local, self.domain)
        }
    }
}

/// How strictly paths are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSyntax {
    /// RFC 5321 exactly: angle brackets required, nothing between the colon
    /// and `<`.
    Strict,
    /// Postfix's default: a space after the colon and a missing pair of
    /// angle brackets are forgiven (the seed article types
    /// `mail from:user@example.com`).
    Lenient,
}

/// Why a path did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathError {
    /// The text is not a path at all.
    Syntax,
}

/// A path split from the parameters that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPath<'a> {
    /// `None` for the null path `<>`; `Some("postmaster")`-style bare local
    /// parts come back as a mailbox with an empty domain.
    pub mailbox: Option<Mailbox>,
    /// Whatever followed the path, for the parameters.
    pub rest: &'a str,
}

/// Reads a path from the start of `text` (what follows `FROM:` or `TO:`).
pub fn parse_path(text: &str, syntax: PathSyntax) -> Result<ParsedPath<'_>, PathError> {
    let text = match syntax {
        PathSyntax::Strict => text,
        PathSyntax::Lenient => text.trim_start_matches(' '),
    };
    let (inner, rest) = if let Some(after_bracket) = text.strip_prefix('<') {
        let close = find_closing_bracket(after_bracket).ok_or(PathError::Syntax)?;
        (&after_bracket[..close], &after_bracket[close + 1..])
    } else {
        if syntax == PathSyntax::Strict {
            return Err(PathError::Syntax);
        }
        let end = text.find(' ').unwrap_or(text.len());
        if end == 0 {
            return Err(PathError::Syntax);
        }
        (&text[..end], &text[end..])
    };
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return Err(PathError::Syntax);
    }
    if inner.len() + 2 > MAX_PATH {
        return Err(PathError::Syntax);
    }
    if inner.is_empty() {
        return Ok(ParsedPath {
            mailbox: None,
            rest,
        });
    }
    let mailbox_text = strip_source_route(inner)?;
    let mailbox = parse_mailbox(mailbox_text)?;
    Ok(ParsedPath {
        mailbox: Some(mailbox),
        rest,
    })
}

/// The index of the `>` that closes a path, skipping quoted strings.
fn find_closing_bracket(text: &str) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (index, ch) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if in_quotes && ch == '\\' {
            escaped = true;
        } else if ch == '"' {
            in_quotes = !in_quotes;
        } else if ch == '>' && !in_quotes {
            return Some(index);
        }
    }
    None
}

/// Drops an RFC 5321 source route (`@a.example,@b.example:`), which servers
/// must accept and ignore (section 4.1.1.3 and appendix C).
fn strip_source_route(text: &str) -> Result<&str, PathError> {
    if !text.starts_with('@') {
        return Ok(text);
    }
    let colon = text.find(':').ok_or(PathError::Syntax)?;
    for hop in text[..colon].split(',') {
        let domain = hop.strip_prefix('@').ok_or(PathError::Syntax)?;
        if !is_domain(domain) {
            return Err(PathError::Syntax);
        }
    }
    Ok(&text[colon + 1..])
}

/// Parses `local@domain`, or a bare local part (only `postmaster` is
/// meaningful without a domain; the caller decides).
pub fn parse_mailbox(text: &str) -> Result<Mailbox, PathError> {
    let at = last_unquoted_at(text);
    let (local, domain) = match at {
        Some(at) => (&text[..at], &text[at + 1..]),
        None => (text, ""),
    };
    if !is_local_part(local) {
        return Err(PathError::Syntax);
    }
    if at.is_some() && !(is_domain(domain) || is_address_literal(domain)) {
        return Err(PathError::Syntax);
    }
    Ok(Mailbox {
        local: local.to_owned(),
        domain: domain.to_owned(),
    })
}

fn last_unquoted_at(text: &str) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    let mut found = None;
    for (index, ch) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if in_quotes && ch == '\\' {
            escaped = true;
        } else if ch == '"' {
            in_quotes = !in_quotes;
        } else if ch == '@' && !in_quotes {
            found = Some(index);
        }
    }
    found
}

/// RFC 5321 `atext`, widened to any non-ASCII character (RFC 6531); the
/// session refuses those unless SMTPUTF8 was asked for.
fn is_atext(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(ch) || !ch.is_ascii()
}

fn is_local_part(local: &str) -> bool {
    if local.is_empty() || local.len() > MAX_LOCAL_PART {
        return false;
    }
    if let Some(quoted) = local.strip_prefix('"') {
        let Some(inner) = quoted.strip_suffix('"') else {
            return false;
        };
        let mut escaped = false;
        for ch in inner.chars() {
            if escaped {
                if !(' '..='~').contains(&ch) {
                    return false;
                }
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' || (ch.is_ascii() && !(' '..='~').contains(&ch)) {
                return false;
            }
        }
        return !escaped;
    }
    local
        .split('.')
        .all(|atom| !atom.is_empty() && atom.chars().all(is_atext))
}

/// A domain name: dot-separated labels of letters, digits and hyphens
/// (non-ASCII allowed for SMTPUTF8), no label starting or ending in `-`.
pub fn is_domain(domain: &str) -> bool {
    if domain.is_empty() || domain.len() > MAX_DOMAIN {
        return false;
    }
    domain.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || !ch.is_ascii())
    })
}

/// `[192.0.2.1]` or `[IPv6:2001:db8::1]`.
fn is_address_literal(domain: &str) -> bool {
    let Some(inner) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) else {
        return false;
    };
    if let Some(v6) = inner.strip_prefix("IPv6:") {
        return v6.parse::<core::net::Ipv6Addr>().is_ok();
    }
    inner.parse::<core::net::Ipv4Addr>().is_ok()
}

/// One ESMTP parameter from MAIL or RCPT, such as `SIZE=1000`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter<'a> {
    /// The keyword, as written.
    pub keyword: &'a str,
    /// The value after `=`, if any.
    pub value: Option<&'a str>,
}

/// Splits what follows a path into parameters; `Err` carries the first
/// malformed one.
pub fn parse_parameters(text: &str) -> Result<Vec<Parameter<'_>>, &str> {
    let mut parameters = Vec::new();
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let (keyword, value) = match word.split_once('=') {
            Some((keyword, value)) => (keyword, Some(value)),
            None => (word, None),
        };
        let keyword_ok = keyword
            .chars()
            .next()
            .is_some_and(|first| first.is_ascii_alphanumeric())
            && keyword
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-');
        let value_ok = value.is_none_or(|v| {
            !v.is_empty() && v.chars().all(|ch| ('!'..='~').contains(&ch) && ch != '=')
        });
        if !keyword_ok || !value_ok {
            return Err(word);
        }
        parameters.push(Parameter { keyword, value });
    }
    Ok(parameters)
}

/// RFC 3461 `xtext`: printable ASCII, `+` only as `+XX` hex escape.
pub fn is_xtext(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => {
                let hex = bytes.get(index + 1..index + 3);
                if !hex.is_some_and(|h| h.iter().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F'))) {
                    return false;
                }
                index += 3;
            }
            b'!'..=b'~' if bytes[index] != b'=' => index += 1,
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(text: &str, syntax: PathSyntax) -> Option<String> {
        parse_path(text, syntax)
            .ok()
            .map(|parsed| parsed.mailbox.map_or(String::new(), |m| m.to_string()))
    }

    #[test]
    fn paths_parse_as_rfc_5321_and_postfix_read_them() {
        use PathSyntax::{Lenient, Strict};
        for (text, syntax, expected) in [
            ("<alice@example.com>", Strict, Some("alice@example.com")),
            ("<>", Strict, Some("")),
            ("<postmaster>", Strict, Some("postmaster")),
            (
                "<@relay.example,@b.example:bob@example.com>",
                Strict,
                Some("bob@example.com"),
            ),
            (
                "<\"john doe\"@example.com>",
                Strict,
                Some("\"john doe\"@example.com"),
            ),
            ("<user@[192.0.2.1]>", Strict, Some("user@[192.0.2.1]")),
            (
                "<user@[IPv6:2001:db8::1]>",
                Strict,
                Some("user@[IPv6:2001:db8::1]"),
            ),
            ("<\"a>b\"@example.com>", Strict, Some("\"a>b\"@example.com")),
            ("alice@example.com", Strict, None),
            (" <alice@example.com>", Strict, None),
            ("alice@example.com", Lenient, Some("alice@example.com")),
            (" <alice@example.com>", Lenient, Some("alice@example.com")),
            ("<alice@example.com", Strict, None),
            ("<alice@@example.com>", Strict, None),
            ("<alice@-bad.example>", Strict, None),
            ("<.alice@example.com>", Strict, None),
            ("<alice..b@example.com>", Strict, None),
            ("<alice@example.com>x", Strict, None),
            ("<user@[999.0.0.1]>", Strict, None),
            ("<@relay.example:>", Strict, None),
            ("", Lenient, None),
        ] {
            assert_eq!(
                mailbox(text, syntax).as_deref(),
                expected,
                "{text:?} {syntax:?}"
            );
        }
    }

    #[test]
    fn rest_of_line_is_left_for_parameters() {
        let parsed =
            parse_path("<a@example.com> SIZE=10 BODY=8BITMIME", PathSyntax::Strict).unwrap();
        let parameters = parse_parameters(parsed.rest).unwrap();
        assert_eq!(parameters.len(), 2);
        assert_eq!(
            parameters[0],
            Parameter {
                keyword: "SIZE",
                value: Some("10")
            }
        );
        assert_eq!(parse_parameters(" SIZE="), Err("SIZE="));
        assert_eq!(parse_parameters(" =x"), Err("=x"));
    }

    #[test]
    fn xtext_needs_proper_hex_escapes() {
        assert!(is_xtext("abc+2Bdef"));
        assert!(!is_xtext("abc+2b"));
        assert!(!is_xtext("a=b"));
        assert!(!is_xtext("a b"));
    }
}
