//! What the receiving hosts' checks (SPF, DKIM, DMARC) found for each
//! message they filed, for the Mailboxes tab (classroom build only): one
//! sentence per result and each DKIM signature's canonicalised header
//! fields and body hashes.
//!
//! The checks are run again as the receiver ran them (the client's
//! address and HELO from its Received field), which gives the same answers
//! as long as DNS has not changed since; so before a DNS change the lab
//! keeps what every filed message's checks found ([`Frozen`]).

use std::collections::BTreeMap;

use smtplab_engine::network::simulation::Simulation;
use smtplab_engine::network::trace::received_chain;
use smtplab_engine::Delivery;
use smtplab_mailauth::dkim::DkimVerification;

use crate::components::mailboxes::{CheckedMail, SignatureDetail};

/// What the checks found for messages filed before a DNS change, by
/// (host, queue id).
pub(super) type Frozen = BTreeMap<(String, String), CheckedMail>;

/// The checks `host` ran on `delivery`, run again over the network as it
/// is now; `None` when it carries no Authentication-Results.
fn check_now(simulation: &Simulation, host: &str, delivery: &Delivery) -> Option<CheckedMail> {
    delivery.header("Authentication-Results")?;
    let chain = received_chain(&delivery.raw);
    let hop = chain.iter().rev().find(|hop| {
        hop.by
            .as_deref()
            .is_some_and(|by| by.eq_ignore_ascii_case(host))
    })?;
    let address = hop.client_address.as_deref()?.parse().ok()?;
    let helo = hop.helo.as_deref().unwrap_or_default();
    let report = smtplab_mailauth::evaluate(
        simulation.network(),
        address,
        helo,
        &delivery.envelope.mail_from,
        &delivery.raw,
    );
    Some(CheckedMail {
        sentences: report.explanations(),
        signatures: report.dkim.iter().map(signature_detail).collect(),
    })
}

fn signature_detail(verification: &DkimVerification) -> SignatureDetail {
    let canonicalization = verification
        .signature
        .as_ref()
        .map(|s| format!("{}/{}", s.header_canonicalization, s.body_canonicalization));
    SignatureDetail {
        domain: verification.domain.clone(),
        selector: verification.selector.clone(),
        result: verification.result.keyword().to_owned(),
        canonicalization: canonicalization.unwrap_or_default(),
        canonical_headers: String::from_utf8_lossy(&verification.canonical_headers)
            .replace('\r', ""),
        signed_body_hash: verification.signed_body_hash(),
        computed_body_hash: verification.computed_body_hash.clone(),
    }
}

/// Every message the network's hosts filed, with its host.
fn filed(simulation: &Simulation) -> impl Iterator<Item = (&str, &Delivery)> {
    simulation.network().hosts.iter().flat_map(move |host| {
        simulation
            .mailstore(&host.name)
            .into_iter()
            .flat_map(|store| store.deliveries.iter())
            .map(move |delivery| (host.name.as_str(), delivery))
    })
}

/// Keeps what the checks found for every filed message not kept yet.
pub(super) fn freeze(simulation: &Simulation, frozen: &mut Frozen) {
    for (host, delivery) in filed(simulation) {
        let key = (host.to_owned(), delivery.queue_id.clone());
        if frozen.contains_key(&key) {
            continue;
        }
        if let Some(checked) = check_now(simulation, host, delivery) {
            frozen.insert(key, checked);
        }
    }
}

/// What the checks found for `delivery` at `host`: as kept before a DNS
/// change, else as they run now.
pub(super) fn checked(
    simulation: &Simulation,
    frozen: &Frozen,
    host: &str,
    delivery: &Delivery,
) -> Option<CheckedMail> {
    let key = (host.to_owned(), delivery.queue_id.clone());
    match frozen.get(&key) {
        Some(kept) => Some(kept.clone()),
        None => check_now(simulation, host, delivery),
    }
}
