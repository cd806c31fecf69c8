//! DNS resource records as a zone file writes them (RFC 1035 section 5.1):
//! `example.org. 3600 IN MX 10 mx1.example.org.`, read and written by the
//! same code, so a network file and `dig` show records alike.

use core::fmt;
use core::net::{Ipv4Addr, Ipv6Addr};

/// TTL a record gets when its line gives none (one hour, a common zone default).
pub const DEFAULT_TTL: u32 = 3600;

/// RFC 1035 section 3.3.14: one character-string of a TXT record holds at
/// most 255 octets.
pub const MAX_TXT_STRING: usize = 255;

/// RFC 1035 section 2.3.4: a label is at most 63 octets, a name 253
/// characters in text form (255 octets on the wire).
pub const MAX_DNS_LABEL: usize = 63;
/// See [`MAX_DNS_LABEL`].
pub const MAX_DNS_NAME: usize = 253;

/// The record types the simulated DNS knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    /// IPv4 address (RFC 1035).
    A,
    /// IPv6 address (RFC 3596).
    Aaaa,
    /// Mail exchanger (RFC 1035, RFC 5321 section 5.1).
    Mx,
    /// Text, where SPF and DMARC policies live (RFC 1035, RFC 7208).
    Txt,
    /// Reverse mapping from an address to a name (RFC 1035).
    Ptr,
    /// Start of authority; only synthesised for negative answers.
    Soa,
}

impl RecordType {
    /// The mnemonic as dig writes it (`MX`, `AAAA`...).
    pub fn mnemonic(self) -> &'static str {
        match self {
            Self::A => "A",
            Self::Aaaa => "AAAA",
            Self::Mx => "MX",
            Self::Txt => "TXT",
            Self::Ptr => "PTR",
            Self::Soa => "SOA",
        }
    }

    /// The type for a mnemonic, any case.
    pub fn from_mnemonic(text: &str) -> Option<Self> {
        [
            Self::A,
            Self::Aaaa,
            Self::Mx,
            Self::Txt,
            Self::Ptr,
            Self::Soa,
        ]
        .into_iter()
        .find(|t| t.mnemonic().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mnemonic())
    }
}

/// What a record says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordData {
    /// An IPv4 address.
    A(Ipv4Addr),
    /// An IPv6 address.
    Aaaa(Ipv6Addr),
    /// A mail exchanger; exchange `""` is the null MX of RFC 7505 (`.`).
    Mx {
        /// Lower is tried first.
        preference: u16,
        /// The host, lower case, without the trailing dot.
        exchange: String,
    },
    /// One or more character-strings, each at most [`MAX_TXT_STRING`] octets.
    Txt(Vec<String>),
    /// The name an address maps back to.
    Ptr(String),
    /// Start of authority (primary server, responsible mailbox, serial,
    /// refresh, retry, expire, negative-caching TTL).
    Soa {
        /// Primary name server.
        mname: String,
        /// Responsible person's mailbox, `@` written as `.`.
        rname: String,
        /// Zone serial.
        serial: u32,
        /// Refresh, retry, expire and minimum (negative TTL), in seconds.
        timers: [u32; 4],
    },
}

impl RecordData {
    /// The record's type.
    pub fn record_type(&self) -> RecordType {
        match self {
            Self::A(_) => RecordType::A,
            Self::Aaaa(_) => RecordType::Aaaa,
            Self::Mx { .. } => RecordType::Mx,
            Self::Txt(_) => RecordType::Txt,
            Self::Ptr(_) => RecordType::Ptr,
            Self::Soa { .. } => RecordType::Soa,
        }
    }

    /// Whether this is the null MX of RFC 7505 (`MX 0 .`, any preference).
    pub fn is_null_mx(&self) -> bool {
        matches!(self, Self::Mx { exchange, .. } if exchange.is_empty())
    }
}

impl fmt::Display for RecordData {
    /// The RDATA as dig writes it: `10 mx1.example.org.`, `"v=spf1 -all"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::A(address) => write!(f, "{address}"),
            Self::Aaaa(address) => write!(f, "{address}"),
            Self::Mx {
                preference,
                exchange,
            } => write!(f, "{preference} {}", absolute(exchange)),
            Self::Txt(strings) => {
                let quoted: Vec<String> = strings.iter().map(|s| quote_txt(s)).collect();
                f.write_str(&quoted.join(" "))
            }
            Self::Ptr(name) => f.write_str(&absolute(name)),
            Self::Soa {
                mname,
                rname,
                serial,
                timers,
            } => write!(
                f,
                "{} {} {serial} {} {} {} {}",
                absolute(mname),
                absolute(rname),
                timers[0],
                timers[1],
                timers[2],
                timers[3]
            ),
        }
    }
}

/// One resource record, class IN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The owner name, lower case, without the trailing dot.
    pub name: String,
    /// Time to live, in seconds.
    pub ttl: u32,
    /// What it says.
    pub data: RecordData,
}

impl Record {
    /// A record with the default TTL.
    pub fn new(name: &str, data: RecordData) -> Self {
        Self {
            name: normalize_name(name),
            ttl: DEFAULT_TTL,
            data,
        }
    }

    /// The record's type.
    pub fn record_type(&self) -> RecordType {
        self.data.record_type()
    }
}

impl fmt::Display for Record {
    /// The zone-file line, one space between fields:
    /// `example.org. 3600 IN MX 10 mx1.example.org.`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} IN {} {}",
            absolute(&self.name),
            self.ttl,
            self.record_type(),
            self.data
        )
    }
}

/// Why a zone-file line is not a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    /// Fewer fields than `name type data`.
    TooShort,
    /// The owner name or a name in the data is not a DNS name.
    BadName(String),
    /// The class is not IN.
    UnsupportedClass(String),
    /// A type this DNS does not serve.
    UnknownType(String),
    /// The data does not fit the type.
    BadData {
        /// The record type.
        record_type: RecordType,
        /// What is wrong.
        reason: &'static str,
    },
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooShort => f.write_str(
                "a record is `name [ttl] [IN] type data`, such as `example.org. 3600 IN MX 10 mx.example.org.`",
            ),
            Self::BadName(name) => write!(f, "`{name}` is not a DNS name"),
            Self::UnsupportedClass(class) => {
                write!(f, "class `{class}` is not served: only IN")
            }
            Self::UnknownType(name) => {
                write!(f, "type `{name}` is not served: A, AAAA, MX, TXT or PTR")
            }
            Self::BadData {
                record_type,
                reason,
            } => write!(f, "bad {record_type} data: {reason}"),
        }
    }
}

impl std::error::Error for RecordError {}

impl core::str::FromStr for Record {
    type Err = RecordError;

    /// Reads `name [ttl] [IN] type data`; names may end in a dot or not
    /// (every name is taken as absolute).
    fn from_str(line: &str) -> Result<Self, RecordError> {
        let line = line.trim();
        let (name, rest) = split_field(line).ok_or(RecordError::TooShort)?;
        let name = checked_name(name, true)?;
        let (mut field, mut rest) = split_field(rest).ok_or(RecordError::TooShort)?;
        let mut ttl = DEFAULT_TTL;
        if let Ok(seconds) = field.parse::<u32>() {
            ttl = seconds;
            (field, rest) = split_field(rest).ok_or(RecordError::TooShort)?;
        }
        if field.eq_ignore_ascii_case("IN") {
            (field, rest) = split_field(rest).ok_or(RecordError::TooShort)?;
        } else if ["CH", "HS", "CS"]
            .iter()
            .any(|c| field.eq_ignore_ascii_case(c))
        {
            return Err(RecordError::UnsupportedClass(field.to_owned()));
        }
        let record_type = RecordType::from_mnemonic(field)
            .filter(|t| *t != RecordType::Soa)
            .ok_or_else(|| RecordError::UnknownType(field.to_owned()))?;
        let data = parse_data(record_type, rest.trim())?;
        Ok(Self { name, ttl, data })
    }
}

fn split_field(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    if text.is_empty() {
        return None;
    }
    let end = text.find([' ', '\t']).unwrap_or(text.len());
    Some((&text[..end], &text[end..]))
}

fn parse_data(record_type: RecordType, text: &str) -> Result<RecordData, RecordError> {
    let bad = |reason| RecordError::BadData {
        record_type,
        reason,
    };
    let data = match record_type {
        RecordType::A => RecordData::A(text.parse().map_err(|_| bad("not an IPv4 address"))?),
        RecordType::Aaaa => RecordData::Aaaa(text.parse().map_err(|_| bad("not an IPv6 address"))?),
        RecordType::Mx => {
            let (preference, exchange) = split_field(text)
                .ok_or(bad("`preference exchange`, such as `10 mx.example.org.`"))?;
            let preference = preference
                .parse()
                .map_err(|_| bad("the preference is a number from 0 to 65535"))?;
            let exchange = exchange.trim();
            if exchange.parse::<core::net::IpAddr>().is_ok() {
                return Err(bad("the exchange must be a host name, not an address (RFC 7505 section 3 forbids it too)"));
            }
            let exchange = if exchange == "." {
                String::new()
            } else {
                checked_name(exchange, false)?
            };
            RecordData::Mx {
                preference,
                exchange,
            }
        }
        RecordType::Txt => RecordData::Txt(parse_txt(text).map_err(bad)?),
        RecordType::Ptr => RecordData::Ptr(checked_name(text, false)?),
        RecordType::Soa => return Err(RecordError::UnknownType("SOA".into())),
    };
    Ok(data)
}

/// Quoted character-strings, `"a" "b"`, with `\"` and `\\` escapes; a
/// lone unquoted word is one string.
fn parse_txt(text: &str) -> Result<Vec<String>, &'static str> {
    if !text.starts_with('"') {
        if text.is_empty() || text.contains([' ', '\t', '"']) {
            return Err("quote the text: \"v=spf1 -all\"");
        }
        return Ok(vec![text.to_owned()]);
    }
    let mut strings = Vec::new();
    let mut chars = text.chars();
    loop {
        match chars.next() {
            None => break,
            Some(' ' | '\t') => continue,
            Some('"') => strings.push(read_quoted(&mut chars)?),
            Some(_) => return Err("text outside quotes"),
        }
    }
    if strings.iter().any(|s| s.len() > MAX_TXT_STRING) {
        return Err("a quoted string holds at most 255 octets (RFC 1035 section 3.3.14): split it");
    }
    Ok(strings)
}

fn read_quoted(chars: &mut core::str::Chars<'_>) -> Result<String, &'static str> {
    let mut out = String::new();
    loop {
        match chars.next() {
            None => return Err("a quote is not closed"),
            Some('"') => return Ok(out),
            Some('\\') => out.push(chars.next().ok_or("a quote is not closed")?),
            Some(ch) => out.push(ch),
        }
    }
}

fn quote_txt(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for ch in text.chars() {
        if ch == '"' || ch == '\\' {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('"');
    out
}

/// A name, lower case, without its trailing dot.
pub fn normalize_name(name: &str) -> String {
    name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase()
}

/// The name with a trailing dot, as dig shows it (the root is `.`).
pub fn absolute(name: &str) -> String {
    format!("{name}.")
}

/// Whether `name` (without a trailing dot) is a DNS name: ASCII labels of
/// letters, digits and hyphens, 63 octets each. Owner names may also hold
/// underscores (`_dmarc.example.org`, RFC 8552).
pub fn is_dns_name(name: &str, owner: bool) -> bool {
    !name.is_empty()
        && name.len() <= MAX_DNS_NAME
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= MAX_DNS_LABEL
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || (owner && b == b'_'))
        })
}

fn checked_name(name: &str, owner: bool) -> Result<String, RecordError> {
    let normalized = normalize_name(name);
    if is_dns_name(&normalized, owner) {
        Ok(normalized)
    } else {
        Err(RecordError::BadName(name.to_owned()))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Record {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Record {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let line = String::deserialize(deserializer)?;
        line.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_lines_read_and_write_back() {
        for (line, written) in [
            (
                "example.org. 3600 IN MX 10 mx1.example.org.",
                "example.org. 3600 IN MX 10 mx1.example.org.",
            ),
            (
                "Example.ORG MX 20 MX2.example.org",
                "example.org. 3600 IN MX 20 mx2.example.org.",
            ),
            (
                "nomail.example. 300 IN MX 0 .",
                "nomail.example. 300 IN MX 0 .",
            ),
            (
                "mx1.example.org A 198.51.100.10",
                "mx1.example.org. 3600 IN A 198.51.100.10",
            ),
            (
                "mx1.example.org 60 AAAA 2001:DB8::10",
                "mx1.example.org. 60 IN AAAA 2001:db8::10",
            ),
            (
                r#"example.org TXT "v=spf1 mx -all" "part \"two\"""#,
                r#"example.org. 3600 IN TXT "v=spf1 mx -all" "part \"two\"""#,
            ),
            (
                "_dmarc.example.org TXT v=DMARC1;p=none",
                "_dmarc.example.org. 3600 IN TXT \"v=DMARC1;p=none\"",
            ),
            (
                "10.100.51.198.in-addr.arpa. IN PTR mx1.example.org.",
                "10.100.51.198.in-addr.arpa. 3600 IN PTR mx1.example.org.",
            ),
        ] {
            let record: Record = line.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
            assert_eq!(record.to_string(), written, "{line}");
            assert_eq!(written.parse::<Record>().unwrap(), record, "{written}");
        }
    }

    #[test]
    fn bad_lines_say_what_is_wrong() {
        for (line, expected) in [
            ("example.org", RecordError::TooShort),
            ("example.org 3600 IN", RecordError::TooShort),
            ("exa mple", RecordError::UnknownType("mple".into())),
            (
                "bad!name.org. A 192.0.2.1",
                RecordError::BadName("bad!name.org.".into()),
            ),
            (
                "mx.example.org MX 10 under_score.org",
                RecordError::BadName("under_score.org".into()),
            ),
            (
                "example.org CH TXT x",
                RecordError::UnsupportedClass("CH".into()),
            ),
            (
                "example.org CNAME other.org",
                RecordError::UnknownType("CNAME".into()),
            ),
            ("example.org SOA x", RecordError::UnknownType("SOA".into())),
            ("-x.org A 192.0.2.1", RecordError::BadName("-x.org".into())),
        ] {
            assert_eq!(line.parse::<Record>(), Err(expected), "{line}");
        }
        for (line, record_type) in [
            ("example.org A 300.1.1.1", RecordType::A),
            ("example.org AAAA 192.0.2.1", RecordType::Aaaa),
            ("example.org MX mx.example.org", RecordType::Mx),
            ("example.org MX 70000 mx.example.org", RecordType::Mx),
            ("example.org MX 10 192.0.2.1", RecordType::Mx),
            ("example.org TXT \"open", RecordType::Txt),
            ("example.org TXT two words", RecordType::Txt),
        ] {
            match line.parse::<Record>() {
                Err(RecordError::BadData { record_type: t, .. }) => {
                    assert_eq!(t, record_type, "{line}")
                }
                other => panic!("{line}: {other:?}"),
            }
        }
        let long = format!("example.org TXT \"{}\"", "a".repeat(256));
        assert!(matches!(
            long.parse::<Record>(),
            Err(RecordError::BadData { .. })
        ));
        let fits = format!("example.org TXT \"{}\" \"b\"", "a".repeat(255));
        assert!(fits.parse::<Record>().is_ok());
    }

    #[test]
    fn null_mx_is_recognised() {
        let null: Record = "nomail.example MX 0 .".parse().unwrap();
        assert!(null.data.is_null_mx());
        let real: Record = "example.org MX 0 mx.example.org".parse().unwrap();
        assert!(!real.data.is_null_mx());
    }
}
