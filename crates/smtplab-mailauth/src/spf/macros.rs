//! SPF macro strings (RFC 7208 section 7): `%{ir}.%{v}._spf.%{d2}` read
//! into parts once, then expanded for each check.

use core::fmt::Write as _;
use core::net::IpAddr;

use super::record::SyntaxError;

/// The longest domain name a query may use; longer expansions lose labels
/// from the left (RFC 7208 section 7.3).
const MAX_EXPANDED_DOMAIN: usize = 253;

/// One piece of a macro string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MacroPart {
    /// Text taken as it is (`%%`, `%_` and `%-` are stored here already
    /// turned into `%`, a space and `%20`).
    Literal(String),
    /// A `%{...}` expansion.
    Expand(Expansion),
}

/// `%{` letter digits [r] delimiters `}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The macro letter, lower case (`s`, `l`, `o`, `d`, `i`, `p`, `h`, `v`,
    /// and in explanations `c`, `r`, `t`).
    pub letter: char,
    /// Whether the letter was upper case: the value is then URL-encoded.
    pub url_encode: bool,
    /// Keep only this many right-hand parts.
    pub keep: Option<usize>,
    /// Reverse the parts first.
    pub reverse: bool,
    /// Characters the value is split on (`.` when none are given).
    pub delimiters: String,
}

/// A parsed macro string.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MacroString {
    /// Its pieces, in order.
    pub parts: Vec<MacroPart>,
}

/// Where a macro string appears: only explanations may use `c`, `r`, `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MacroUse {
    /// A mechanism's or modifier's domain.
    Domain,
    /// The text of an `exp=` explanation record.
    Explanation,
}

/// The values the letters stand for during one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroValues<'a> {
    /// `%{s}`: the sender, `local@domain`.
    pub sender: &'a str,
    /// `%{d}`: the domain whose record is being read.
    pub domain: &'a str,
    /// `%{i}`, `%{c}`, `%{v}`: the connecting address.
    pub ip: IpAddr,
    /// `%{h}`: the HELO/EHLO name.
    pub helo: &'a str,
    /// `%{p}`: the address's validated name (found by the caller, or `unknown`).
    pub validated_name: &'a str,
    /// `%{r}`: the receiving host.
    pub receiver: &'a str,
    /// `%{t}`: seconds since the epoch (the simulation passes its own clock).
    pub timestamp: u64,
}

impl MacroString {
    /// Reads a macro string; `%` must start one of `%{`, `%%`, `%_`, `%-`.
    pub fn parse(text: &str, usage: MacroUse) -> Result<Self, SyntaxError> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            // Explanation records are prose: spaces are literal there.
            let space_ok = c == ' ' && usage == MacroUse::Explanation;
            if !c.is_ascii_graphic() && !space_ok {
                return Err(SyntaxError::BadCharacter(c));
            }
            if c != '%' {
                literal.push(c);
                rest = &rest[1..];
                continue;
            }
            let (escaped, after) = match rest.as_bytes().get(1) {
                Some(b'%') => ("%", &rest[2..]),
                Some(b'_') => (" ", &rest[2..]),
                Some(b'-') => ("%20", &rest[2..]),
                Some(b'{') => {
                    let close = rest.find('}').ok_or(SyntaxError::UnclosedMacro)?;
                    let expansion = Expansion::parse(&rest[2..close], usage)?;
                    if !literal.is_empty() {
                        parts.push(MacroPart::Literal(core::mem::take(&mut literal)));
                    }
                    parts.push(MacroPart::Expand(expansion));
                    rest = &rest[close + 1..];
                    continue;
                }
                _ => return Err(SyntaxError::BadPercent),
            };
            literal.push_str(escaped);
            rest = after;
        }
        if !literal.is_empty() {
            parts.push(MacroPart::Literal(literal));
        }
        Ok(Self { parts })
    }

    /// Whether any `%{...}` appears (the last part decides how a domain-spec ends).
    pub fn ends_with_expansion(&self) -> bool {
        matches!(self.parts.last(), Some(MacroPart::Expand(_)))
    }

    /// Whether a `%{letter...}` appears (any case).
    pub fn uses(&self, letter: char) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, MacroPart::Expand(e) if e.letter == letter))
    }

    /// The text after the last expansion.
    pub fn trailing_literal(&self) -> &str {
        match self.parts.last() {
            Some(MacroPart::Literal(text)) => text,
            _ => "",
        }
    }

    /// The expanded text.
    pub fn expand(&self, values: &MacroValues<'_>) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                MacroPart::Literal(text) => out.push_str(text),
                MacroPart::Expand(expansion) => out.push_str(&expansion.expand(values)),
            }
        }
        out
    }

    /// The expansion used as a domain name: a trailing dot dropped and,
    /// past 253 characters, labels cut from the left.
    pub fn expand_domain(&self, values: &MacroValues<'_>) -> String {
        let mut name = self.expand(values);
        if name.ends_with('.') {
            name.pop();
        }
        while name.len() > MAX_EXPANDED_DOMAIN {
            match name.find('.') {
                Some(dot) => name.drain(..=dot),
                None => return name,
            };
        }
        name
    }
}

impl Expansion {
    fn parse(inner: &str, usage: MacroUse) -> Result<Self, SyntaxError> {
        let mut chars = inner.chars();
        let letter = chars.next().ok_or(SyntaxError::BadMacroLetter('}'))?;
        let lower = letter.to_ascii_lowercase();
        let allowed = match usage {
            MacroUse::Domain => "slodiphv",
            MacroUse::Explanation => "slodiphvcrt",
        };
        if !allowed.contains(lower) {
            return Err(SyntaxError::BadMacroLetter(letter));
        }
        let rest = chars.as_str();
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let keep = match &rest[..digits_end] {
            "" => None,
            digits => match digits.parse::<usize>() {
                Ok(n) if n > 0 => Some(n),
                _ => return Err(SyntaxError::BadMacroDigits(digits.to_owned())),
            },
        };
        let rest = &rest[digits_end..];
        let (reverse, delimiters) = match rest.strip_prefix(['r', 'R']) {
            Some(after) => (true, after),
            None => (false, rest),
        };
        if let Some(bad) = delimiters.chars().find(|c| !".-+,/_=".contains(*c)) {
            return Err(SyntaxError::BadMacroDelimiter(bad));
        }
        Ok(Self {
            letter: lower,
            url_encode: letter.is_ascii_uppercase(),
            keep,
            reverse,
            delimiters: delimiters.to_owned(),
        })
    }

    fn expand(&self, values: &MacroValues<'_>) -> String {
        let value = self.raw_value(values);
        let delimiters = if self.delimiters.is_empty() {
            "."
        } else {
            self.delimiters.as_str()
        };
        let mut parts: Vec<&str> = value.split(|c| delimiters.contains(c)).collect();
        if self.reverse {
            parts.reverse();
        }
        if let Some(keep) = self.keep {
            let skip = parts.len().saturating_sub(keep);
            parts.drain(..skip);
        }
        let joined = parts.join(".");
        if self.url_encode {
            url_encode(&joined)
        } else {
            joined
        }
    }

    fn raw_value(&self, values: &MacroValues<'_>) -> String {
        let (local, sender_domain) = split_sender(values.sender);
        match self.letter {
            's' => values.sender.to_owned(),
            'l' => local.to_owned(),
            'o' => sender_domain.to_owned(),
            'd' => values.domain.to_owned(),
            'i' => dotted_address(values.ip),
            'c' => values.ip.to_string(),
            'p' => values.validated_name.to_owned(),
            'h' => values.helo.to_owned(),
            'v' if values.ip.is_ipv4() => "in-addr".to_owned(),
            'v' => "ip6".to_owned(),
            'r' => values.receiver.to_owned(),
            _ => values.timestamp.to_string(),
        }
    }
}

/// `local@domain` split at the last `@` (RFC 7208 section 4.3: an empty
/// local part is `postmaster`).
pub fn split_sender(sender: &str) -> (&str, &str) {
    match sender.rsplit_once('@') {
        Some(("", domain)) => ("postmaster", domain),
        Some((local, domain)) => (local, domain),
        None => ("postmaster", sender),
    }
}

/// `%{i}`: IPv4 as usual, IPv6 as 32 dot-separated nibbles (RFC 7208
/// section 7.3), so `%{ir}` walks it like a reverse name.
fn dotted_address(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let nibbles: Vec<String> = v6
                .octets()
                .iter()
                .flat_map(|byte| [byte >> 4, byte & 0xf])
                .map(|nibble| format!("{nibble:x}"))
                .collect();
            nibbles.join(".")
        }
    }
}

/// Percent-encodes everything outside RFC 3986's unreserved characters.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> MacroValues<'static> {
        MacroValues {
            sender: "strong-bad@email.example.com",
            domain: "email.example.com",
            ip: "192.0.2.3".parse().unwrap(),
            helo: "mx.example.org",
            validated_name: "mx.example.org",
            receiver: "receiver.example.net",
            timestamp: 0,
        }
    }

    fn expand(text: &str) -> String {
        MacroString::parse(text, MacroUse::Explanation)
            .unwrap()
            .expand(&values())
    }

    /// The examples of RFC 7208 section 7.4.
    #[test]
    fn rfc_7208_section_7_4_examples_expand() {
        for (macro_text, expected) in [
            ("%{s}", "strong-bad@email.example.com"),
            ("%{o}", "email.example.com"),
            ("%{d}", "email.example.com"),
            ("%{d4}", "email.example.com"),
            ("%{d3}", "email.example.com"),
            ("%{d2}", "example.com"),
            ("%{d1}", "com"),
            ("%{dr}", "com.example.email"),
            ("%{d2r}", "example.email"),
            ("%{l}", "strong-bad"),
            ("%{l-}", "strong.bad"),
            ("%{lr}", "strong-bad"),
            ("%{lr-}", "bad.strong"),
            ("%{l1r-}", "strong"),
            (
                "%{ir}.%{v}._spf.%{d2}",
                "3.2.0.192.in-addr._spf.example.com",
            ),
            ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
            (
                "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
                "bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
            ),
            (
                "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
                "3.2.0.192.in-addr.strong.lp._spf.example.com",
            ),
            (
                "%{d2}.trusted-domains.example.net",
                "example.com.trusted-domains.example.net",
            ),
            ("%%%_%-", "% %20"),
            ("%{S}", "strong-bad%40email.example.com"),
        ] {
            assert_eq!(expand(macro_text), expected, "{macro_text}");
        }
    }

    #[test]
    fn ipv6_addresses_expand_to_nibbles() {
        let mut v = values();
        v.ip = "2001:db8::cb01".parse().unwrap();
        let text = MacroString::parse("%{ir}.%{v}._spf.%{d2}", MacroUse::Domain).unwrap();
        assert_eq!(
            text.expand(&v),
            "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"
        );
    }

    #[test]
    fn malformed_macros_are_syntax_errors() {
        for bad in ["%{z}", "%{d0}", "%{", "%x", "%{c}", "%{d2r*}", "50%"] {
            assert!(MacroString::parse(bad, MacroUse::Domain).is_err(), "{bad}");
        }
        assert!(MacroString::parse("%{c}", MacroUse::Explanation).is_ok());
    }

    #[test]
    fn long_expansions_lose_labels_from_the_left() {
        let mut v = values();
        let long_local = "a.".repeat(150);
        let sender = format!("{long_local}x@example.com");
        v.sender = &sender;
        let text = MacroString::parse("%{l}.example.com", MacroUse::Domain).unwrap();
        let name = text.expand_domain(&v);
        assert!(name.len() <= 253);
        assert!(name.ends_with(".x.example.com"));
    }
}
