//! SPF (RFC 7208): whether the connecting address may send mail for the
//! MAIL FROM domain (or, for bounces, the HELO name), its `Received-SPF`
//! header (section 9.1), and a sentence a learner can read.

mod eval;
pub mod macros;
pub mod record;

use core::fmt;
use core::net::IpAddr;

pub use eval::{MAX_DNS_LOOKUPS, MAX_NAMES_PER_LOOKUP, MAX_VOID_LOOKUPS};
pub use record::{SpfRecord, SyntaxError};

use crate::resolver::Resolver;
use eval::{Abort, Evaluator};

/// The seven results of RFC 7208 section 2.6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpfResult {
    /// No record, or no checkable domain.
    None,
    /// The domain says nothing either way (`?`, or no match).
    Neutral,
    /// The address is permitted.
    Pass,
    /// The address is not permitted.
    Fail,
    /// Probably not permitted (`~`).
    SoftFail,
    /// A DNS query got no answer; try again later.
    TempError,
    /// The records are broken.
    PermError,
}

impl SpfResult {
    /// The result's name as headers write it.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Neutral => "neutral",
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::SoftFail => "softfail",
            Self::TempError => "temperror",
            Self::PermError => "permerror",
        }
    }
}

impl fmt::Display for SpfResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Which identity was checked (RFC 7208 section 2.3, 2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// The MAIL FROM address.
    MailFrom,
    /// The HELO name (used when MAIL FROM is the null path `<>`).
    Helo,
}

impl Identity {
    /// `mailfrom` or `helo`, as the headers write it.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::MailFrom => "mailfrom",
            Self::Helo => "helo",
        }
    }
}

/// Everything one SPF check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpfOutcome {
    /// The result.
    pub result: SpfResult,
    /// Which identity was checked.
    pub identity: Identity,
    /// The sender used for macros: the MAIL FROM address, or
    /// `postmaster@<helo>`.
    pub sender: String,
    /// The domain checked (the sender's domain).
    pub domain: String,
    /// The connecting address.
    pub ip: IpAddr,
    /// The HELO/EHLO name.
    pub helo: String,
    /// The domain whose record decided (after includes and redirects).
    pub decided_in: String,
    /// That record's text.
    pub record: Option<String>,
    /// The directive that matched, as written.
    pub matched: Option<String>,
    /// A fail's explanation from the domain's `exp=`.
    pub explanation: Option<String>,
    /// What went wrong, for temperror and permerror.
    pub problem: Option<String>,
    /// DNS-querying terms evaluated (limit [`MAX_DNS_LOOKUPS`]).
    pub dns_lookups: u32,
}

/// Checks the MAIL FROM identity, or the HELO identity when MAIL FROM is
/// empty (`mail_from` with or without angle brackets).
pub fn check_mail_from<R: Resolver + ?Sized>(
    resolver: &R,
    ip: IpAddr,
    helo: &str,
    mail_from: &str,
) -> SpfOutcome {
    let path = mail_from
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>');
    if path.is_empty() {
        return check(
            resolver,
            ip,
            helo,
            &format!("postmaster@{helo}"),
            Identity::Helo,
        );
    }
    let sender = if path.contains('@') {
        path.to_owned()
    } else {
        format!("postmaster@{path}")
    };
    check(resolver, ip, helo, &sender, Identity::MailFrom)
}

/// check_host() for `sender`'s domain.
pub fn check<R: Resolver + ?Sized>(
    resolver: &R,
    ip: IpAddr,
    helo: &str,
    sender: &str,
    identity: Identity,
) -> SpfOutcome {
    let (_, domain) = macros::split_sender(sender);
    let domain = domain.to_ascii_lowercase();
    let mut evaluator = Evaluator::new(resolver, ip, sender, helo);
    let checked = evaluator.check_host(&domain);
    let mut outcome = SpfOutcome {
        result: SpfResult::None,
        identity,
        sender: sender.to_owned(),
        domain: domain.clone(),
        ip,
        helo: helo.to_owned(),
        decided_in: domain,
        record: None,
        matched: None,
        explanation: None,
        problem: None,
        dns_lookups: evaluator.lookups,
    };
    match checked {
        Ok(checked) => {
            outcome.result = checked.result;
            outcome.decided_in = checked.domain;
            outcome.record = checked.record;
            outcome.matched = checked.matched;
            outcome.explanation = checked.explanation;
        }
        Err(Abort::Temporary(problem)) => {
            outcome.result = SpfResult::TempError;
            outcome.problem = Some(problem);
        }
        Err(Abort::Permanent(problem)) => {
            outcome.result = SpfResult::PermError;
            outcome.problem = Some(problem);
        }
    }
    outcome
}

impl SpfOutcome {
    /// One plain-English sentence for a learner.
    pub fn explain(&self) -> String {
        let ip = self.ip;
        let domain = &self.domain;
        let record = self.record.as_deref().unwrap_or("");
        let in_record = format!("{}'s record {record}", self.decided_in);
        let matched = self.matched.as_deref().unwrap_or("");
        match self.result {
            SpfResult::Pass => format!("SPF passed: {ip} is allowed to send for {domain} ({matched} in {in_record})."),
            SpfResult::Fail if matched.ends_with("all") => format!(
                "SPF failed: {ip} is not listed in {in_record}, which ends in {matched}: the domain says mail from elsewhere is forged.{}",
                self.explanation_sentence()
            ),
            SpfResult::Fail => format!(
                "SPF failed: {in_record} names {ip} in {matched}, which says mail from it is forged.{}",
                self.explanation_sentence()
            ),
            SpfResult::SoftFail => format!("SPF softfail: {ip} is not listed in {in_record}; {matched} asks receivers to accept but suspect the mail."),
            SpfResult::Neutral if self.matched.is_some() => format!("SPF neutral: {in_record} matches {ip} with {matched}, which says nothing either way."),
            SpfResult::Neutral => format!("SPF neutral: nothing in {in_record} matches {ip}, and without an `all` that says nothing either way."),
            SpfResult::None => format!("SPF none: {domain} publishes no SPF record, so nothing can be said about {ip}."),
            SpfResult::TempError => format!("SPF temperror: {}; the receiver should try again later.", self.problem.as_deref().unwrap_or("a DNS query failed")),
            SpfResult::PermError => format!("SPF permerror: {}; the domain must fix its record.", self.problem.as_deref().unwrap_or("the record is broken")),
        }
    }

    fn explanation_sentence(&self) -> String {
        self.explanation
            .as_ref()
            .map_or(String::new(), |e| format!(" Its explanation: {e}"))
    }

    /// The `Received-SPF:` header (RFC 7208 section 9.1), with `receiver`
    /// the receiving host's name, as one line ending in CRLF.
    pub fn received_spf(&self, receiver: &str) -> String {
        let who = match self.identity {
            Identity::MailFrom => format!("domain of {}", self.sender),
            Identity::Helo => format!("domain of {}", self.helo),
        };
        let comment = match self.result {
            SpfResult::Pass => format!("{who} designates {} as permitted sender", self.ip),
            SpfResult::Fail | SpfResult::SoftFail => {
                format!("{who} does not designate {} as permitted sender", self.ip)
            }
            SpfResult::Neutral => format!("{} is neither permitted nor denied by {who}", self.ip),
            SpfResult::None => format!("{who} does not publish an SPF record"),
            SpfResult::TempError => "a DNS lookup failed".to_owned(),
            SpfResult::PermError => "the SPF record is broken".to_owned(),
        };
        let mut pairs = vec![
            format!("client-ip={}", self.ip),
            format!("envelope-from={}", quoted(&self.sender)),
            format!("helo={}", quoted(&self.helo)),
        ];
        if let Some(problem) = &self.problem {
            pairs.push(format!("problem={}", quoted(problem)));
        }
        pairs.push(format!("receiver={}", quoted(receiver)));
        pairs.push(format!("identity={}", self.identity.keyword()));
        if let Some(matched) = &self.matched {
            pairs.push(format!("mechanism={}", quoted(matched)));
        }
        format!(
            "Received-SPF: {} ({receiver}: {comment}) {};\r\n",
            self.result,
            pairs.join("; ")
        )
    }
}

/// A header value as a dot-atom when it is one, else a quoted string.
pub(crate) fn quoted(value: &str) -> String {
    let atom = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b));
    if atom && !value.starts_with('.') && !value.ends_with('.') && !value.contains("..") {
        return value.to_owned();
    }
    let escaped: String = value
        .chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            _ => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}
