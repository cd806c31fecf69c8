//! The `Authentication-Results` header (RFC 8601) for the SPF, DKIM and
//! DMARC results of one message.

use crate::dkim::{DkimResult, DkimVerification};
use crate::dmarc::DmarcOutcome;
use crate::spf::{quoted, Identity, SpfOutcome};

/// How many characters of `b=` go in `header.b` (RFC 6008 suggests 8,
/// enough to tell signatures apart).
const SIGNATURE_PREFIX: usize = 8;

/// The header, folded one result a line, ending in CRLF.
pub fn authentication_results(
    authserv_id: &str,
    spf: &SpfOutcome,
    dkim: &[DkimVerification],
    dmarc: &DmarcOutcome,
) -> String {
    let mut results = vec![spf_result(spf)];
    if dkim.is_empty() {
        results.push("dkim=none (no signatures)".to_owned());
    }
    results.extend(dkim.iter().map(dkim_result));
    results.push(dmarc_result(dmarc));
    format!(
        "Authentication-Results: {authserv_id};\r\n {}\r\n",
        results.join(";\r\n ")
    )
}

fn spf_result(spf: &SpfOutcome) -> String {
    let property = match spf.identity {
        Identity::MailFrom => format!("smtp.mailfrom={}", quoted(&spf.sender)),
        Identity::Helo => format!("smtp.helo={}", quoted(&spf.helo)),
    };
    let comment = match &spf.problem {
        Some(problem) => format!(" ({})", comment_text(problem)),
        None => String::new(),
    };
    format!("spf={}{comment} {property}", spf.result)
}

fn dkim_result(verification: &DkimVerification) -> String {
    let mut text = format!("dkim={}", verification.result);
    if let Some(failure) = &verification.failure {
        text.push_str(&format!(" reason={}", quoted(&failure.to_string())));
    }
    if verification.result == DkimResult::Pass && verification.testing {
        text.push_str(" (test mode)");
    }
    if !verification.domain.is_empty() {
        text.push_str(&format!(" header.d={}", quoted(&verification.domain)));
    }
    if let Some(signature) = &verification.signature {
        text.push_str(&format!(
            " header.i={} header.s={} header.a={}",
            quoted(&signature.identity),
            quoted(&signature.selector),
            signature.algorithm
        ));
        let prefix: String = signature
            .signature_base64
            .chars()
            .take(SIGNATURE_PREFIX)
            .collect();
        if !prefix.is_empty() {
            text.push_str(&format!(" header.b={}", quoted(&prefix)));
        }
    }
    text
}

fn dmarc_result(dmarc: &DmarcOutcome) -> String {
    let mut text = format!("dmarc={}", dmarc.result);
    if let Some(requested) = dmarc.requested {
        text.push_str(&format!(" (p={requested} dis={})", dmarc.disposition));
    } else if let Some(problem) = &dmarc.problem {
        text.push_str(&format!(" ({})", comment_text(problem)));
    }
    if let Some(from) = &dmarc.from_domain {
        text.push_str(&format!(" header.from={}", quoted(from)));
    }
    text
}

/// Text safe inside a header comment: no parentheses, backslashes or
/// control characters.
fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '(' | ')' | '\\' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}
