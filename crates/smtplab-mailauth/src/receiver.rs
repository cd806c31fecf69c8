//! smtplab-mailauth as the engine's receiver checks: install
//! [`MailAuthChecks`] in a `Simulation` and the submission server signs
//! its users' mail, while final delivery runs SPF, DKIM and DMARC.
//!
//! ```text
//!  Incoming on 587 after AUTH, From at the host's domain ──► DKIM-Signature (simulated key)
//!  Incoming for local mailboxes ──► evaluate ──► Authentication-Results, Received-SPF
//!                                          └──► Accept / Quarantine / Reject(550 5.7.1)
//!  anything else (a relay passing mail on) ──► unchanged
//! ```

use smtplab_engine::network::checks::{
    CheckDisposition, CheckOutcome, CheckRefusal, Incoming, ReceiverChecks,
};
use smtplab_engine::network::{Network, SUBMISSION_PORT};
use smtplab_engine::EnhancedCode;

use crate::dkim::sign;
use crate::dmarc::from_domain;
use crate::keys::preferred_key;
use crate::message::Message;
use crate::report::{evaluate, AuthReport, Disposition, Refusal};

/// The checks a receiving host of the simulated network runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MailAuthChecks;

impl ReceiverChecks for MailAuthChecks {
    fn check(&self, network: &Network, incoming: &Incoming<'_>) -> CheckOutcome {
        if incoming.port == SUBMISSION_PORT && incoming.authenticated {
            return signed(network, incoming);
        }
        // A relay passing mail on leaves the verdict to the final host,
        // which sees the whole path.
        if !incoming.final_delivery {
            return CheckOutcome::accept();
        }
        let report = evaluate(
            network,
            incoming.connecting_ip,
            incoming.helo,
            incoming.mail_from,
            incoming.message,
        );
        outcome(&report, incoming.receiver)
    }
}

/// The verdict of a report, with its headers for `receiver`.
pub fn outcome(report: &AuthReport, receiver: &str) -> CheckOutcome {
    let disposition = match &report.disposition {
        Disposition::Accept => CheckDisposition::Accept,
        Disposition::Quarantine { .. } => CheckDisposition::Quarantine,
        Disposition::Reject(refusal) | Disposition::Defer(refusal) => {
            CheckDisposition::Reject(check_refusal(refusal))
        }
    };
    CheckOutcome {
        headers_to_prepend: report.headers_to_add(receiver),
        body_footer: None,
        disposition,
    }
}

fn check_refusal(refusal: &Refusal) -> CheckRefusal {
    CheckRefusal {
        code: refusal.code,
        enhanced: EnhancedCode::parse(refusal.enhanced),
        text: refusal.text.clone(),
    }
}

/// The submission server signs mail whose From is at one of its own
/// domains, with that domain's simulated key; other mail goes unsigned
/// (it would not align with the From anyway).
fn signed(network: &Network, incoming: &Incoming<'_>) -> CheckOutcome {
    let Ok(domain) = from_domain(&Message::parse(incoming.message)) else {
        return CheckOutcome::accept();
    };
    let ours = network
        .host(incoming.receiver)
        .is_some_and(|host| host.world.is_local_domain(&domain));
    let Some((selector, key)) = preferred_key(&domain).filter(|_| ours) else {
        return CheckOutcome::accept();
    };
    match sign(incoming.message, &domain, selector, &key) {
        Ok(field) => CheckOutcome {
            headers_to_prepend: vec![field],
            body_footer: None,
            disposition: CheckDisposition::Accept,
        },
        Err(_) => CheckOutcome::accept(),
    }
}
