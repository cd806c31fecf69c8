//! The receiving host's one call: SPF, every DKIM signature and DMARC for
//! a message, the headers to add, and what to answer the client.

use core::fmt;
use core::net::IpAddr;

use smtplab_engine::network::Network;

use crate::dkim::{self, DkimVerification};
use crate::dmarc::{self, DmarcOutcome, DmarcResult, Policy};
use crate::message::Message;
use crate::resolver::Resolver;
use crate::results::authentication_results;
use crate::spf::{self, SpfOutcome, SpfResult};

/// A reply refusing or deferring the message at the end of DATA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The reply code: 550 or 451.
    pub code: u16,
    /// The enhanced status code (RFC 3463, RFC 7372).
    pub enhanced: &'static str,
    /// The text after the codes.
    pub text: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.code, self.enhanced, self.text)
    }
}

/// What the receiver does with the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Disposition {
    /// Deliver it to the inbox.
    Accept,
    /// Accept it (250) but file it as suspicious: DMARC p=quarantine.
    Quarantine {
        /// The domain whose policy asked for it.
        policy_domain: String,
    },
    /// Refuse it with a 5xx reply.
    Reject(Refusal),
    /// Ask the client to try later with a 4xx reply (a DNS timeout).
    Defer(Refusal),
}

/// Everything the checks found for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthReport {
    /// SPF for the MAIL FROM (or HELO) identity.
    pub spf: SpfOutcome,
    /// Each DKIM-Signature, top first.
    pub dkim: Vec<DkimVerification>,
    /// DMARC for the From domain.
    pub dmarc: DmarcOutcome,
    /// What to do with the message.
    pub disposition: Disposition,
}

/// Runs SPF, DKIM and DMARC over the simulated network for a message
/// received from `connecting_ip`, which said `helo` and `MAIL FROM:<mail_from>`.
pub fn evaluate(
    network: &Network,
    connecting_ip: IpAddr,
    helo: &str,
    mail_from: &str,
    message: &[u8],
) -> AuthReport {
    evaluate_with(network, connecting_ip, helo, mail_from, message)
}

/// [`evaluate`] with any resolver (a test's, one that times out...).
pub fn evaluate_with<R: Resolver + ?Sized>(
    resolver: &R,
    connecting_ip: IpAddr,
    helo: &str,
    mail_from: &str,
    message: &[u8],
) -> AuthReport {
    let spf = spf::check_mail_from(resolver, connecting_ip, helo, mail_from);
    let dkim = dkim::verify_all(resolver, message);
    let parsed = Message::parse(message);
    let dmarc = dmarc::evaluate(resolver, &parsed, message, &spf, &dkim);
    let disposition = disposition(&spf, &dmarc);
    AuthReport {
        spf,
        dkim,
        dmarc,
        disposition,
    }
}

/// DMARC decides when the From domain has a policy; without one, an SPF
/// fail is refused on its own (RFC 7208 section 8.4) and an SPF DNS
/// timeout deferred (section 8.6). DMARC p=none never refuses: RFC 7489
/// section 10.1 warns against refusing on SPF before DMARC has spoken.
fn disposition(spf: &SpfOutcome, dmarc: &DmarcOutcome) -> Disposition {
    let policy_domain = dmarc.policy_domain.clone().unwrap_or_default();
    match dmarc.result {
        DmarcResult::Fail => match dmarc.disposition {
            Policy::Reject => Disposition::Reject(Refusal {
                code: 550,
                enhanced: "5.7.1",
                text: format!("Email rejected per DMARC policy for {policy_domain}"),
            }),
            Policy::Quarantine => Disposition::Quarantine { policy_domain },
            Policy::None => Disposition::Accept,
        },
        DmarcResult::TempError => Disposition::Defer(Refusal {
            code: 451,
            enhanced: "4.4.3",
            text: "Temporary DNS failure looking up the DMARC policy; try again later".to_owned(),
        }),
        DmarcResult::Pass => Disposition::Accept,
        DmarcResult::None | DmarcResult::PermError => spf_disposition(spf),
    }
}

fn spf_disposition(spf: &SpfOutcome) -> Disposition {
    match spf.result {
        SpfResult::Fail => Disposition::Reject(Refusal {
            code: 550,
            enhanced: "5.7.23",
            text: format!(
                "SPF validation failed: {} is not allowed to send mail for {}",
                spf.ip, spf.domain
            ),
        }),
        SpfResult::TempError => Disposition::Defer(Refusal {
            code: 451,
            enhanced: "4.7.24",
            text: format!(
                "Temporary SPF validation error for {}; try again later",
                spf.domain
            ),
        }),
        _ => Disposition::Accept,
    }
}

impl AuthReport {
    /// The `Authentication-Results:` header, `authserv_id` being the
    /// receiving host's name.
    pub fn authentication_results(&self, authserv_id: &str) -> String {
        authentication_results(authserv_id, &self.spf, &self.dkim, &self.dmarc)
    }

    /// The `Received-SPF:` header.
    pub fn received_spf(&self, receiver: &str) -> String {
        self.spf.received_spf(receiver)
    }

    /// The header fields to put on top of the message, in order.
    pub fn headers_to_add(&self, receiver: &str) -> Vec<String> {
        vec![
            self.authentication_results(receiver),
            self.received_spf(receiver),
        ]
    }

    /// One sentence per check, for the learner: SPF, each signature, DMARC,
    /// then what the receiver does.
    pub fn explanations(&self) -> Vec<String> {
        let mut lines = vec![self.spf.explain()];
        if self.dkim.is_empty() {
            lines.push("DKIM none: the message carries no DKIM-Signature.".to_owned());
        }
        lines.extend(self.dkim.iter().map(DkimVerification::explain));
        lines.push(self.dmarc.explain());
        lines.push(self.disposition.explain());
        lines
    }

    /// The SMTP reply for the end of DATA when the message is refused or
    /// deferred (`None`: accept with the usual 250).
    pub fn refusal(&self) -> Option<&Refusal> {
        match &self.disposition {
            Disposition::Reject(refusal) | Disposition::Defer(refusal) => Some(refusal),
            Disposition::Accept | Disposition::Quarantine { .. } => None,
        }
    }
}

impl Disposition {
    /// What the receiver does, in words.
    pub fn explain(&self) -> String {
        match self {
            Self::Accept => "The receiver accepts the message.".to_owned(),
            Self::Quarantine { policy_domain } => format!(
                "The receiver accepts the message (250) but files it as spam, as {policy_domain}'s DMARC policy asks."
            ),
            Self::Reject(refusal) => format!("The receiver refuses the message: {refusal}"),
            Self::Defer(refusal) => format!("The receiver asks the sender to try again later: {refusal}"),
        }
    }
}
