//! DMARC (RFC 7489): the From domain's policy, found at `_dmarc.<domain>`
//! or at its organisational domain, and whether SPF or DKIM passed for a
//! domain aligned with the From domain.

pub mod record;

use core::fmt;

pub use record::{Alignment, DmarcRecord, DmarcRecordError, Policy};

use crate::dkim::{DkimResult, DkimVerification};
use crate::message::Message;
use crate::resolver::Resolver;
use crate::spf::{SpfOutcome, SpfResult};

/// A DMARC result (RFC 7489 section 11.2, RFC 8601).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmarcResult {
    /// An aligned SPF or DKIM pass.
    Pass,
    /// A policy exists and nothing aligned passed.
    Fail,
    /// No policy was found.
    None,
    /// The policy lookup timed out.
    TempError,
    /// The message or the record cannot be evaluated (no single From
    /// domain, a broken record).
    PermError,
}

impl DmarcResult {
    /// The keyword for Authentication-Results.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::None => "none",
            Self::TempError => "temperror",
            Self::PermError => "permerror",
        }
    }
}

impl fmt::Display for DmarcResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Everything one DMARC evaluation found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmarcOutcome {
    /// The result.
    pub result: DmarcResult,
    /// The RFC 5322.From domain (absent when there is not exactly one).
    pub from_domain: Option<String>,
    /// Where the policy record was found.
    pub policy_domain: Option<String>,
    /// The record as published.
    pub record_text: Option<String>,
    /// The record read.
    pub record: Option<DmarcRecord>,
    /// The policy that applies to this From domain (`p=`, or `sp=` for a
    /// subdomain).
    pub requested: Option<Policy>,
    /// What the receiver should do (`None` unless the result is fail).
    pub disposition: Policy,
    /// Whether `pct=` left this message out (one step milder).
    pub sampled_out: bool,
    /// SPF passed for a domain aligned with From.
    pub spf_aligned: bool,
    /// The first passing DKIM `d=` aligned with From.
    pub dkim_aligned: Option<String>,
    /// What went wrong, for temperror and permerror.
    pub problem: Option<String>,
}

/// The organisational domain: a tiny public-suffix rule that fits the
/// simulated network, the last two labels (`mail.example.org` ->
/// `example.org`).
pub fn organizational_domain(domain: &str) -> String {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    let keep = labels.len().min(2);
    labels[labels.len() - keep..].join(".")
}

/// Whether `authenticated` is aligned with `from` (RFC 7489 section 3.1).
pub fn aligned(authenticated: &str, from: &str, mode: Alignment) -> bool {
    let a = authenticated.trim_end_matches('.').to_ascii_lowercase();
    let f = from.trim_end_matches('.').to_ascii_lowercase();
    match mode {
        Alignment::Strict => a == f,
        Alignment::Relaxed => organizational_domain(&a) == organizational_domain(&f),
    }
}

/// Evaluates DMARC for a message given its SPF and DKIM results;
/// `message_bytes` only feeds the deterministic `pct=` sample.
pub fn evaluate<R: Resolver + ?Sized>(
    resolver: &R,
    message: &Message,
    message_bytes: &[u8],
    spf: &SpfOutcome,
    dkim: &[DkimVerification],
) -> DmarcOutcome {
    let mut outcome = DmarcOutcome {
        result: DmarcResult::None,
        from_domain: None,
        policy_domain: None,
        record_text: None,
        record: None,
        requested: None,
        disposition: Policy::None,
        sampled_out: false,
        spf_aligned: false,
        dkim_aligned: None,
        problem: None,
    };
    let from = match from_domain(message) {
        Ok(domain) => domain,
        Err(problem) => return outcome.error(DmarcResult::PermError, problem),
    };
    outcome.from_domain = Some(from.clone());
    let (policy_domain, text) = match find_record(resolver, &from) {
        Ok(Some(found)) => found,
        Ok(None) => return outcome,
        Err(problem) => return outcome.error(DmarcResult::TempError, problem),
    };
    let record = match DmarcRecord::parse(&text) {
        Ok(record) => record,
        Err(error) => return outcome.error(DmarcResult::PermError, error.to_string()),
    };
    judge(
        &mut outcome,
        &record,
        &from,
        &policy_domain,
        spf,
        dkim,
        message_bytes,
    );
    outcome.policy_domain = Some(policy_domain);
    outcome.record_text = Some(text);
    outcome.record = Some(record);
    outcome
}

/// Alignment, the result, and the disposition once the record is known.
fn judge(
    outcome: &mut DmarcOutcome,
    record: &DmarcRecord,
    from: &str,
    policy_domain: &str,
    spf: &SpfOutcome,
    dkim: &[DkimVerification],
    message_bytes: &[u8],
) {
    outcome.spf_aligned =
        spf.result == SpfResult::Pass && aligned(&spf.domain, from, record.spf_alignment);
    outcome.dkim_aligned = dkim
        .iter()
        .filter(|v| v.result == DkimResult::Pass)
        .find(|v| aligned(&v.domain, from, record.dkim_alignment))
        .map(|v| v.domain.clone());
    let requested = match record.subdomain_policy {
        Some(sp) if policy_domain != from => sp,
        _ => record.policy,
    };
    outcome.requested = Some(requested);
    outcome.result = if outcome.spf_aligned || outcome.dkim_aligned.is_some() {
        DmarcResult::Pass
    } else {
        DmarcResult::Fail
    };
    if outcome.result == DmarcResult::Fail {
        outcome.sampled_out = !in_sample(message_bytes, record.percent);
        outcome.disposition = if outcome.sampled_out {
            requested.milder()
        } else {
            requested
        };
    }
}

/// The single From domain (RFC 7489 section 6.6.1): one From field, whose
/// mailboxes all share one domain; or why there is none.
pub fn from_domain(message: &Message) -> Result<String, String> {
    let fields: Vec<_> = message.fields_named("from").collect();
    let [field] = fields.as_slice() else {
        return Err(format!(
            "the message has {} From fields; DMARC needs exactly one",
            fields.len()
        ));
    };
    let mut domains = mailbox_domains(&field.value());
    domains.sort();
    domains.dedup();
    match domains.as_slice() {
        [domain] => Ok(domain.clone()),
        [] => Err("the From field holds no address with a domain".to_owned()),
        _ => Err(format!(
            "the From field names several domains ({})",
            domains.join(", ")
        )),
    }
}

/// The domains of the mailboxes in an address list: comments and quoted
/// display names removed, `<addr-spec>` preferred.
fn mailbox_domains(value: &str) -> Vec<String> {
    let mut plain = String::with_capacity(value.len());
    let (mut depth, mut quoted, mut escaped) = (0usize, false, false);
    for c in value.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' if depth == 0 => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted && depth > 0 => depth -= 1,
            _ if quoted || depth > 0 => {}
            _ => plain.push(c),
        }
    }
    plain
        .split(',')
        .filter_map(|mailbox| {
            let spec = match (mailbox.find('<'), mailbox.rfind('>')) {
                (Some(open), Some(close)) if open < close => &mailbox[open + 1..close],
                _ => mailbox,
            };
            let (_, domain) = spec.trim().rsplit_once('@')?;
            let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
            (!domain.is_empty()).then_some(domain)
        })
        .collect()
}

/// The policy record for `from`, else its organisational domain's: the
/// domain it was found at and its text. Several DMARC records at one name
/// count as none (RFC 7489 section 6.6.3).
fn find_record<R: Resolver + ?Sized>(
    resolver: &R,
    from: &str,
) -> Result<Option<(String, String)>, String> {
    let organization = organizational_domain(from);
    let mut candidates = vec![from.to_owned()];
    if organization != from {
        candidates.push(organization);
    }
    for domain in candidates {
        let texts = resolver
            .txt(&format!("_dmarc.{domain}"))
            .map_err(|failure| failure.to_string())?;
        let records: Vec<String> = texts
            .into_iter()
            .filter(|t| record::is_dmarc_record(t))
            .collect();
        if let [only] = records.as_slice() {
            return Ok(Some((domain, only.clone())));
        }
    }
    Ok(None)
}

/// Whether the message falls within `pct=`: a hash of its bytes picks a
/// number from 0 to 99, so the same message always gets the same answer.
fn in_sample(message: &[u8], percent: u8) -> bool {
    use sha2::{Digest as _, Sha256};
    if percent >= 100 {
        return true;
    }
    let digest = Sha256::digest(message);
    let pick = u16::from_be_bytes([digest[0], digest[1]]) % 100;
    pick < u16::from(percent)
}

impl DmarcOutcome {
    fn error(mut self, result: DmarcResult, problem: String) -> Self {
        self.result = result;
        self.problem = Some(problem);
        self
    }

    /// One plain-English sentence for a learner.
    pub fn explain(&self) -> String {
        let from = self.from_domain.as_deref().unwrap_or("?");
        let at = self.policy_domain.as_deref().unwrap_or(from);
        let requested = self.requested.unwrap_or(Policy::None);
        match self.result {
            DmarcResult::Pass => {
                let how = match (&self.dkim_aligned, self.spf_aligned) {
                    (Some(d), true) => format!("a DKIM signature by {d} and SPF both pass"),
                    (Some(d), false) => format!("a DKIM signature by {d} passes"),
                    (None, _) => "SPF passes for the MAIL FROM domain".to_owned(),
                };
                format!("DMARC passed: {how}, aligned with the From domain {from}; {at}'s policy p={requested} is not needed.")
            }
            DmarcResult::Fail => format!(
                "DMARC failed: neither SPF nor any DKIM signature passed for a domain aligned with the From domain {from}, so {at}'s policy applies: {}{}.",
                self.disposition,
                if self.sampled_out { format!(" (p={requested}, but pct= left this message out)") } else { String::new() }
            ),
            DmarcResult::None => format!("DMARC none: neither _dmarc.{from} nor its organisational domain publishes a policy, so the receiver decides alone."),
            DmarcResult::TempError => format!("DMARC temperror: {}; try again later.", self.problem.as_deref().unwrap_or("a DNS query failed")),
            DmarcResult::PermError => format!("DMARC permerror: {}.", self.problem.as_deref().unwrap_or("the policy cannot be used")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisational_domains_and_alignment() {
        assert_eq!(organizational_domain("mail.Example.ORG."), "example.org");
        assert_eq!(organizational_domain("example"), "example");
        assert!(aligned(
            "bounce.example.org",
            "example.org",
            Alignment::Relaxed
        ));
        assert!(!aligned(
            "bounce.example.org",
            "example.org",
            Alignment::Strict
        ));
        assert!(!aligned("example.net", "example.org", Alignment::Relaxed));
    }

    #[test]
    fn from_domains_skip_display_names_and_comments() {
        for (value, expected) in [
            (
                "Joe <joe@football.example.com>",
                vec!["football.example.com"],
            ),
            ("\"a@evil.example\" <b@good.example>", vec!["good.example"]),
            ("b@good.example (c@evil.example)", vec!["good.example"]),
            ("x@a.example, y@b.example", vec!["a.example", "b.example"]),
            ("undisclosed-recipients:;", vec![]),
        ] {
            assert_eq!(mailbox_domains(value), expected, "{value}");
        }
    }

    #[test]
    fn samples_are_deterministic() {
        assert!(in_sample(b"anything", 100));
        assert!(!in_sample(b"anything", 0));
        assert_eq!(in_sample(b"same", 50), in_sample(b"same", 50));
    }
}
