//! An SPF record read into terms (RFC 7208 sections 4.6, 5, 6 and 12):
//! any syntax error anywhere makes the whole record a permerror before
//! a single term is evaluated.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use thiserror::Error;

use super::macros::{MacroString, MacroUse};

/// Why a record (or one of its terms) breaks RFC 7208's grammar.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SyntaxError {
    /// A term is neither a known mechanism nor a `name=value` modifier.
    #[error("`{0}` is not an SPF mechanism or modifier")]
    UnknownTerm(String),
    /// A mechanism without its required `:domain` or `:address`.
    #[error("`{0}` needs an argument after `:`")]
    MissingArgument(String),
    /// A mechanism given an argument it does not take (`all:x`, `all/8`).
    #[error("`{0}` takes no argument")]
    UnexpectedArgument(String),
    /// A bad CIDR length (`/33` for IPv4, `/129` for IPv6, leading zeros).
    #[error("`{0}` is not a valid prefix length")]
    BadPrefixLength(String),
    /// `ip4:` or `ip6:` with something that is not an address.
    #[error("`{0}` is not an IP address")]
    BadAddress(String),
    /// A domain-spec that does not end in a dot and a top label with a
    /// letter, or in a macro.
    #[error("`{0}` is not a domain name")]
    BadDomain(String),
    /// `%` not followed by `{`, `%`, `_` or `-`.
    #[error("a `%` must start a macro (`%{{d}}`) or be written `%%`")]
    BadPercent,
    /// `%{` without its `}`.
    #[error("a macro is missing its closing `}}`")]
    UnclosedMacro,
    /// A macro letter not allowed here.
    #[error("`%{{{0}...}}` is not a macro this place allows")]
    BadMacroLetter(char),
    /// A zero or oversized digit transformer (`%{d0}`).
    #[error("`{0}` is not a valid macro digit count")]
    BadMacroDigits(String),
    /// A character not in `.-+,/_=` used as a macro delimiter.
    #[error("`{0}` is not a macro delimiter")]
    BadMacroDelimiter(char),
    /// A control, space or non-ASCII character.
    #[error("the character {0:?} may not appear in an SPF record")]
    BadCharacter(char),
    /// `redirect=` or `exp=` given twice.
    #[error("the `{0}=` modifier appears twice")]
    DuplicateModifier(&'static str),
}

/// A mechanism's prefix: `+` pass (the default), `-` fail, `~` softfail,
/// `?` neutral.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Qualifier {
    /// `+`
    Pass,
    /// `-`
    Fail,
    /// `~`
    SoftFail,
    /// `?`
    Neutral,
}

impl Qualifier {
    fn from_char(c: char) -> Option<Self> {
        match c {
            '+' => Some(Self::Pass),
            '-' => Some(Self::Fail),
            '~' => Some(Self::SoftFail),
            '?' => Some(Self::Neutral),
            _ => None,
        }
    }
}

/// The address ranges `a` and `mx` compare with: an IPv4 and an IPv6
/// prefix length (`a/24//64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DualCidr {
    /// For IPv4 clients (32 when not given).
    pub v4: u8,
    /// For IPv6 clients (128 when not given).
    pub v6: u8,
}

/// What a directive tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mechanism {
    /// Always matches.
    All,
    /// Matches when the other domain's record passes.
    Include(MacroString),
    /// The domain's A or AAAA addresses.
    A(Option<MacroString>, DualCidr),
    /// The addresses of the domain's MX hosts.
    Mx(Option<MacroString>, DualCidr),
    /// The client's validated reverse name is the domain or below it.
    Ptr(Option<MacroString>),
    /// An IPv4 network.
    Ip4(Ipv4Addr, u8),
    /// An IPv6 network.
    Ip6(Ipv6Addr, u8),
    /// The domain has an A record.
    Exists(MacroString),
}

impl Mechanism {
    /// Whether evaluating it asks the DNS (and so counts towards the limit
    /// of 10, RFC 7208 section 4.6.4).
    pub fn queries_dns(&self) -> bool {
        !matches!(self, Self::All | Self::Ip4(..) | Self::Ip6(..))
    }
}

/// A qualifier and a mechanism, with the text it was written as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// What a match means.
    pub qualifier: Qualifier,
    /// What it tests.
    pub mechanism: Mechanism,
    /// The term as written (`-all`, `ip4:192.0.2.0/24`).
    pub text: String,
}

/// A whole record: its directives in order and its two modifiers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfRecord {
    /// Mechanisms, evaluated left to right.
    pub directives: Vec<Directive>,
    /// `redirect=`: the record to use when nothing matches.
    pub redirect: Option<MacroString>,
    /// `exp=`: where a `fail` finds its explanation.
    pub explanation: Option<MacroString>,
}

/// Whether a TXT string claims to be SPF: `v=spf1` (any case) alone or
/// followed by a space (RFC 7208 section 4.5).
pub fn is_spf_record(text: &str) -> bool {
    let head = text.get(..6).unwrap_or("");
    head.eq_ignore_ascii_case("v=spf1") && matches!(text.as_bytes().get(6), None | Some(b' '))
}

impl SpfRecord {
    /// Reads a record known to start with `v=spf1`.
    pub fn parse(text: &str) -> Result<Self, SyntaxError> {
        let mut record = Self {
            directives: Vec::new(),
            redirect: None,
            explanation: None,
        };
        for term in text.get(6..).unwrap_or("").split(' ') {
            if term.is_empty() {
                continue;
            }
            if let Some(c) = term.chars().find(|c| !c.is_ascii_graphic()) {
                return Err(SyntaxError::BadCharacter(c));
            }
            match modifier_split(term) {
                Some((name, value)) => record.add_modifier(name, value)?,
                None => record.directives.push(parse_directive(term)?),
            }
        }
        Ok(record)
    }

    fn add_modifier(&mut self, name: &str, value: &str) -> Result<(), SyntaxError> {
        let (slot, label) = if name.eq_ignore_ascii_case("redirect") {
            (&mut self.redirect, "redirect")
        } else if name.eq_ignore_ascii_case("exp") {
            (&mut self.explanation, "exp")
        } else {
            // Unknown modifiers are ignored, but their value must still be
            // a macro string (RFC 7208 section 6).
            MacroString::parse(value, MacroUse::Domain)?;
            return Ok(());
        };
        if slot.is_some() {
            return Err(SyntaxError::DuplicateModifier(label));
        }
        *slot = Some(domain_spec(value)?);
        Ok(())
    }
}

/// `name=value` when the term starts with a modifier name
/// (ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )) followed by `=`.
fn modifier_split(term: &str) -> Option<(&str, &str)> {
    let (name, value) = term.split_once('=')?;
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    (first_ok && rest_ok).then_some((name, value))
}

fn parse_directive(term: &str) -> Result<Directive, SyntaxError> {
    let mut body = term;
    let mut qualifier = Qualifier::Pass;
    if let Some(q) = term.chars().next().and_then(Qualifier::from_char) {
        qualifier = q;
        body = &term[1..];
    }
    let name_end = body.find([':', '/']).unwrap_or(body.len());
    let (name, arguments) = body.split_at(name_end);
    let mechanism = parse_mechanism(&name.to_ascii_lowercase(), arguments, term)?;
    Ok(Directive {
        qualifier,
        mechanism,
        text: term.to_owned(),
    })
}

fn parse_mechanism(name: &str, arguments: &str, term: &str) -> Result<Mechanism, SyntaxError> {
    let unknown = || SyntaxError::UnknownTerm(term.to_owned());
    match name {
        "all" if arguments.is_empty() => Ok(Mechanism::All),
        "all" => Err(SyntaxError::UnexpectedArgument(term.to_owned())),
        "include" | "exists" => {
            // A trailing `/24` is caught by the domain check: `com/24`
            // is no top label.
            let spec = domain_spec(required_argument(arguments, term)?)?;
            Ok(if name == "include" {
                Mechanism::Include(spec)
            } else {
                Mechanism::Exists(spec)
            })
        }
        "a" | "mx" => {
            let (rest, cidr) = split_dual_cidr(arguments)?;
            let target = optional_domain(rest, term)?;
            Ok(if name == "a" {
                Mechanism::A(target, cidr)
            } else {
                Mechanism::Mx(target, cidr)
            })
        }
        "ptr" if arguments.starts_with('/') => {
            Err(SyntaxError::UnexpectedArgument(term.to_owned()))
        }
        "ptr" => Ok(Mechanism::Ptr(optional_domain(arguments, term)?)),
        "ip4" => parse_ip4(required_argument(arguments, term)?),
        "ip6" => parse_ip6(required_argument(arguments, term)?),
        _ => Err(unknown()),
    }
}

fn required_argument<'a>(arguments: &'a str, term: &str) -> Result<&'a str, SyntaxError> {
    match arguments.strip_prefix(':') {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(SyntaxError::MissingArgument(term.to_owned())),
    }
}

fn optional_domain(arguments: &str, term: &str) -> Result<Option<MacroString>, SyntaxError> {
    if arguments.is_empty() {
        return Ok(None);
    }
    required_argument(arguments, term)
        .and_then(domain_spec)
        .map(Some)
}

/// A domain-spec: a macro string ending in `.toplabel` (with a letter in
/// it, or a hyphenated alphanumeric label) or in a macro.
fn domain_spec(text: &str) -> Result<MacroString, SyntaxError> {
    let spec = MacroString::parse(text, MacroUse::Domain)?;
    if spec.ends_with_expansion() {
        return Ok(spec);
    }
    let bad = || SyntaxError::BadDomain(text.to_owned());
    let tail = spec.trailing_literal();
    let tail = tail.strip_suffix('.').unwrap_or(tail);
    let (before, top) = tail.rsplit_once('.').ok_or_else(bad)?;
    let before_ok = !before.is_empty() || spec.parts.len() > 1;
    if before_ok && is_top_label(top) {
        Ok(spec)
    } else {
        Err(bad())
    }
}

/// RFC 7208's toplabel: alphanumerics with at least one letter, or
/// alphanumerics and hyphens, not starting or ending with a hyphen.
fn is_top_label(label: &str) -> bool {
    let alnum_or_hyphen = label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    let has_letter = label.chars().any(|c| c.is_ascii_alphabetic());
    let has_hyphen = label.contains('-');
    !label.is_empty()
        && alnum_or_hyphen
        && !label.starts_with('-')
        && !label.ends_with('-')
        && (has_letter || has_hyphen)
}

/// Splits `[:domain][/v4][//v6]` into the domain part and the lengths.
fn split_dual_cidr(arguments: &str) -> Result<(&str, DualCidr), SyntaxError> {
    let mut cidr = DualCidr { v4: 32, v6: 128 };
    let mut rest = arguments;
    if let Some((head, v6)) = split_trailing_length(rest, "//") {
        cidr.v6 = prefix_length(v6, 128)?;
        rest = head;
    }
    if let Some((head, v4)) = split_trailing_length(rest, "/") {
        cidr.v4 = prefix_length(v4, 32)?;
        rest = head;
    }
    if rest.ends_with('/') {
        return Err(SyntaxError::BadPrefixLength(arguments.to_owned()));
    }
    Ok((rest, cidr))
}

/// `text` = head + separator + digits, when it ends like that.
fn split_trailing_length<'a>(text: &'a str, separator: &str) -> Option<(&'a str, &'a str)> {
    let digits_start = text
        .char_indices()
        .rev()
        .find(|(_, c)| !c.is_ascii_digit())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let head = text[..digits_start].strip_suffix(separator)?;
    if separator == "/" && head.ends_with('/') {
        return None;
    }
    Some((head, &text[digits_start..]))
}

/// A prefix length without leading zeros, at most `max` (RFC 7208 section 12).
fn prefix_length(digits: &str, max: u8) -> Result<u8, SyntaxError> {
    let bad = || SyntaxError::BadPrefixLength(format!("/{digits}"));
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
        return Err(bad());
    }
    match digits.parse::<u8>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(bad()),
    }
}

fn parse_ip4(argument: &str) -> Result<Mechanism, SyntaxError> {
    let (address, length) = match argument.split_once('/') {
        Some((address, length)) => (address, prefix_length(length, 32)?),
        None => (argument, 32),
    };
    let address = address
        .parse()
        .map_err(|_| SyntaxError::BadAddress(address.to_owned()))?;
    Ok(Mechanism::Ip4(address, length))
}

fn parse_ip6(argument: &str) -> Result<Mechanism, SyntaxError> {
    let (address, length) = match argument.split_once('/') {
        Some((address, length)) => (address, prefix_length(length, 128)?),
        None => (argument, 128),
    };
    let address = address
        .parse()
        .map_err(|_| SyntaxError::BadAddress(address.to_owned()))?;
    Ok(Mechanism::Ip6(address, length))
}

/// Whether `client` is in `network/length` (same family only).
pub fn in_network(client: IpAddr, network: IpAddr, length: u8) -> bool {
    match (client, network) {
        (IpAddr::V4(c), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(length)).unwrap_or(0);
            u32::from(c) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(c), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(length)).unwrap_or(0);
            u128::from(c) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pass => "+",
            Self::Fail => "-",
            Self::SoftFail => "~",
            Self::Neutral => "?",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_tag_is_case_insensitive_and_stands_alone() {
        assert!(is_spf_record("v=spf1"));
        assert!(is_spf_record("V=SpF1 -all"));
        assert!(!is_spf_record("v=spf10 -all"));
        assert!(!is_spf_record("v=spf1-all"));
        assert!(!is_spf_record("spf2.0/pra -all"));
    }

    #[test]
    fn terms_read_with_their_qualifiers_and_lengths() {
        let record =
            SpfRecord::parse("v=spf1  a/24//64 mx:example.org ~ip4:192.0.2.0/24 ?ip6:2001:db8::/32 -all exp=why.%{d} foo=bar ")
                .unwrap();
        assert_eq!(record.directives.len(), 5);
        assert_eq!(
            record.directives[0].mechanism,
            Mechanism::A(None, DualCidr { v4: 24, v6: 64 })
        );
        assert_eq!(record.directives[2].qualifier, Qualifier::SoftFail);
        assert_eq!(
            record.directives[3].mechanism,
            Mechanism::Ip6("2001:db8::".parse().unwrap(), 32)
        );
        assert!(record.explanation.is_some());
        assert!(record.redirect.is_none());
    }

    #[test]
    fn networks_match_by_prefix() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(in_network(ip("192.0.2.200"), ip("192.0.2.0"), 24));
        assert!(!in_network(ip("192.0.3.1"), ip("192.0.2.0"), 24));
        assert!(in_network(ip("10.0.0.1"), ip("192.0.2.0"), 0));
        assert!(in_network(ip("2001:db8::1"), ip("2001:db8::"), 32));
        assert!(!in_network(ip("2001:db8::1"), ip("192.0.2.0"), 0));
    }
}
