//! The DMARC policy record at `_dmarc.<domain>` (RFC 7489 section 6.3).

use core::fmt;

use thiserror::Error;

use crate::tags::{without_fws, TagError, TagList};

/// What the domain owner asks receivers to do with failing mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Policy {
    /// Only report.
    None,
    /// Treat as suspicious (a spam folder).
    Quarantine,
    /// Refuse it during the SMTP transaction.
    Reject,
}

impl Policy {
    /// `none`, `quarantine` or `reject`.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Quarantine => "quarantine",
            Self::Reject => "reject",
        }
    }

    fn from_keyword(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "none" => Some(Self::None),
            "quarantine" => Some(Self::Quarantine),
            "reject" => Some(Self::Reject),
            _ => None,
        }
    }

    /// One step milder, for mail `pct=` leaves out (RFC 7489 section 6.6.4).
    pub fn milder(self) -> Self {
        match self {
            Self::Reject => Self::Quarantine,
            Self::Quarantine | Self::None => Self::None,
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// How closely an authenticated domain must match the From domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alignment {
    /// Same organisational domain (`mail.example.org` ~ `example.org`).
    Relaxed,
    /// Exactly the same domain.
    Strict,
}

impl Alignment {
    /// `r` or `s`.
    pub fn letter(self) -> char {
        match self {
            Self::Relaxed => 'r',
            Self::Strict => 's',
        }
    }
}

/// Why a `_dmarc` TXT record is not a policy.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DmarcRecordError {
    /// The tag list does not read.
    #[error("the DMARC record's tag list is malformed: {0}")]
    Tags(#[from] TagError),
    /// It does not start with `v=DMARC1`.
    #[error("a DMARC record starts with v=DMARC1")]
    NotDmarc,
    /// No usable `p=` (and no `rua=` that would make it p=none).
    #[error("the DMARC record has no valid p= policy")]
    NoPolicy,
    /// A tag with a value outside its grammar.
    #[error("the DMARC tag {tag}={value} is not valid")]
    BadTag {
        /// The tag.
        tag: &'static str,
        /// Its value.
        value: String,
    },
}

/// A DMARC policy record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmarcRecord {
    /// `p=`.
    pub policy: Policy,
    /// `sp=`: for subdomains of the organisational domain.
    pub subdomain_policy: Option<Policy>,
    /// `adkim=`.
    pub dkim_alignment: Alignment,
    /// `aspf=`.
    pub spf_alignment: Alignment,
    /// `pct=`: the share of failing mail the policy applies to.
    pub percent: u8,
    /// `rua=`: where aggregate reports go (read, never sent).
    pub aggregate_reports: Vec<String>,
    /// `ruf=`: where failure reports go (read, never sent).
    pub failure_reports: Vec<String>,
}

/// Whether a TXT text is meant as DMARC (so several such texts are
/// "more than one record", RFC 7489 section 6.6.3).
pub fn is_dmarc_record(text: &str) -> bool {
    let text = text.trim_start();
    text.get(..2) == Some("v=")
        && text[2..]
            .trim_start()
            .get(..6)
            .is_some_and(|v| v.eq_ignore_ascii_case("DMARC1"))
}

impl DmarcRecord {
    /// Reads a record.
    pub fn parse(text: &str) -> Result<Self, DmarcRecordError> {
        let tags = TagList::parse(text)?;
        if tags.first_name() != Some("v") || tags.get("v") != Some("DMARC1") {
            return Err(DmarcRecordError::NotDmarc);
        }
        let uris = |tag| {
            tags.get(tag)
                .map(|v| without_fws(v).split(',').map(str::to_owned).collect())
                .unwrap_or_default()
        };
        let aggregate_reports: Vec<String> = uris("rua");
        // RFC 7489 section 6.6.3: a bad p= with a rua= is read as p=none.
        let policy = match tags.get("p").and_then(Policy::from_keyword) {
            Some(policy) => policy,
            None if !aggregate_reports.is_empty() => Policy::None,
            None => return Err(DmarcRecordError::NoPolicy),
        };
        let subdomain_policy = match tags.get("sp") {
            Some(value) => Some(Policy::from_keyword(value).ok_or_else(|| bad("sp", value))?),
            None => None,
        };
        Ok(Self {
            policy,
            subdomain_policy,
            dkim_alignment: alignment(tags.get("adkim"), "adkim")?,
            spf_alignment: alignment(tags.get("aspf"), "aspf")?,
            percent: percent(tags.get("pct"))?,
            aggregate_reports,
            failure_reports: uris("ruf"),
        })
    }
}

fn bad(tag: &'static str, value: &str) -> DmarcRecordError {
    DmarcRecordError::BadTag {
        tag,
        value: value.to_owned(),
    }
}

fn alignment(value: Option<&str>, tag: &'static str) -> Result<Alignment, DmarcRecordError> {
    match value {
        None | Some("r") => Ok(Alignment::Relaxed),
        Some("s") => Ok(Alignment::Strict),
        Some(other) => Err(bad(tag, other)),
    }
}

fn percent(value: Option<&str>) -> Result<u8, DmarcRecordError> {
    match value {
        None => Ok(100),
        Some(text) => match text.parse::<u8>() {
            Ok(n) if n <= 100 => Ok(n),
            _ => Err(bad("pct", text)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_with_defaults() {
        let record = DmarcRecord::parse("v=DMARC1; p=quarantine; sp=reject; aspf=s; pct=20; rua=mailto:a@example.org,mailto:b@example.org").unwrap();
        assert_eq!(record.policy, Policy::Quarantine);
        assert_eq!(record.subdomain_policy, Some(Policy::Reject));
        assert_eq!(record.spf_alignment, Alignment::Strict);
        assert_eq!(record.dkim_alignment, Alignment::Relaxed);
        assert_eq!(record.percent, 20);
        assert_eq!(record.aggregate_reports.len(), 2);
        let bare = DmarcRecord::parse("v=DMARC1; p=reject").unwrap();
        assert_eq!((bare.percent, bare.subdomain_policy), (100, None));
    }

    #[test]
    fn broken_records_say_why() {
        for (text, error) in [
            ("p=reject; v=DMARC1", DmarcRecordError::NotDmarc),
            ("v=DMARC2; p=reject", DmarcRecordError::NotDmarc),
            ("v=DMARC1", DmarcRecordError::NoPolicy),
            ("v=DMARC1; p=bounce", DmarcRecordError::NoPolicy),
            ("v=DMARC1; p=none; pct=101", bad("pct", "101")),
            ("v=DMARC1; p=none; adkim=x", bad("adkim", "x")),
            ("v=DMARC1; p=none; sp=maybe", bad("sp", "maybe")),
        ] {
            assert_eq!(DmarcRecord::parse(text), Err(error), "{text}");
        }
        let lenient = DmarcRecord::parse("v=DMARC1; p=bounce; rua=mailto:r@example.org").unwrap();
        assert_eq!(lenient.policy, Policy::None);
        assert!(is_dmarc_record("v=DMARC1; p=none"));
        assert!(!is_dmarc_record("v=spf1 -all"));
    }
}
