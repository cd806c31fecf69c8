//! The intended use: a receiving host of the default network calls
//! `evaluate` at the end of DATA with the client's address, HELO name and
//! MAIL FROM, adds the headers and answers with the disposition.

use core::net::IpAddr;

use smtplab_engine::network::{dns, Network, Record};
use smtplab_mailauth::dkim::DkimResult;
use smtplab_mailauth::dmarc::DmarcResult;
use smtplab_mailauth::keys::{preferred_key, SIMULATED_KEYS};
use smtplab_mailauth::spf::SpfResult;
use smtplab_mailauth::{evaluate, sign, Disposition};

/// The learner's provider's outgoing server.
const PROVIDER: &str = "203.0.113.10";
/// A machine outside every published SPF record.
const SPAMMER: &str = "192.0.2.66";
/// oldschool.example's only host, which forwards mail.
const FORWARDER: &str = "198.51.100.30";

const MESSAGE: &str = "From: You <you@isp.example>\r\n\
To: Bob <bob@example.org>\r\n\
Subject: Lunch?\r\n\
Date: Thu, 03 Dec 2026 12:00:00 +0000\r\n\
Message-ID: <lunch.1@isp.example>\r\n\
\r\n\
Are you free at noon?\r\n";

/// The default network, plus what the test adds: a DMARC policy for the
/// provider and an SPF record for the forwarder's domain.
fn network() -> Network {
    let mut network = Network::default();
    add(
        &mut network,
        "isp.example",
        "_dmarc.isp.example. TXT \"v=DMARC1; p=quarantine; rua=mailto:dmarc@isp.example\"",
    );
    add(
        &mut network,
        "oldschool.example",
        "oldschool.example. TXT \"v=spf1 a -all\"",
    );
    network
}

fn add(network: &mut Network, zone: &str, line: &str) {
    let record: Record = line.parse().unwrap();
    let zone = network.domains.iter_mut().find(|d| d.name == zone).unwrap();
    zone.records.push(record);
}

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

/// The provider signs with its preferred simulated key, as its
/// submission server would.
fn signed_by_provider(message: &str) -> String {
    let (selector, key) = preferred_key("isp.example").unwrap();
    let field = sign(message.as_bytes(), "isp.example", selector, &key).unwrap();
    format!("{field}{message}")
}

#[test]
fn the_default_network_publishes_every_simulated_key() {
    let network = Network::default();
    for key in SIMULATED_KEYS {
        let published = dns::txt(&network, &key.record_name()).texts;
        assert_eq!(
            published,
            [key.signing_key().unwrap().key_record()],
            "{}",
            key.record_name()
        );
    }
}

#[test]
fn mail_from_the_provider_passes_everything() {
    let message = signed_by_provider(MESSAGE);
    let report = evaluate(
        &network(),
        ip(PROVIDER),
        "smtp.isp.example",
        "you@isp.example",
        message.as_bytes(),
    );
    assert_eq!(report.spf.result, SpfResult::Pass);
    assert_eq!(report.dkim[0].result, DkimResult::Pass);
    assert_eq!(report.dmarc.result, DmarcResult::Pass);
    assert_eq!(report.disposition, Disposition::Accept);
    let headers = report.headers_to_add("mx1.example.org");
    let results = &headers[0];
    assert!(results.starts_with("Authentication-Results: mx1.example.org;\r\n spf=pass smtp.mailfrom=\"you@isp.example\";\r\n dkim=pass header.d=isp.example header.i=\"@isp.example\" header.s=rsa2026 header.a=rsa-sha256 header.b="), "{results}");
    assert!(
        results.ends_with(";\r\n dmarc=pass (p=quarantine dis=none) header.from=isp.example\r\n"),
        "{results}"
    );
    assert!(headers[1].starts_with("Received-SPF: pass (mx1.example.org: domain of you@isp.example designates 203.0.113.10 as permitted sender)"));
    let explanations = report.explanations();
    assert_eq!(explanations.len(), 4);
    assert!(explanations[0].starts_with(
        "SPF passed: 203.0.113.10 is allowed to send for isp.example (ip4:203.0.113.0/24"
    ));
    assert!(explanations[2]
        .starts_with("DMARC passed: a DKIM signature by isp.example and SPF both pass"));
}

#[test]
fn a_forged_example_org_from_is_rejected_per_its_dmarc_policy() {
    let forged = MESSAGE.replace(
        "From: You <you@isp.example>",
        "From: Bob's Boss <boss@example.org>",
    );
    let report = evaluate(
        &network(),
        ip(SPAMMER),
        "spam.example",
        "boss@example.org",
        forged.as_bytes(),
    );
    assert_eq!(report.spf.result, SpfResult::Fail);
    assert!(report.dkim.is_empty());
    assert_eq!(report.dmarc.result, DmarcResult::Fail);
    let refusal = report.refusal().unwrap();
    assert_eq!(
        refusal.to_string(),
        "550 5.7.1 Email rejected per DMARC policy for example.org"
    );
    assert!(report.spf.explain().starts_with(
        "SPF failed: 192.0.2.66 is not listed in example.org's record v=spf1 mx -all"
    ));
    assert!(report
        .authentication_results("mx1.example.org")
        .contains("dkim=none (no signatures)"));
}

#[test]
fn dkim_survives_forwarding_where_spf_fails() {
    let message = signed_by_provider(MESSAGE);
    let report = evaluate(
        &network(),
        ip(FORWARDER),
        "oldschool.example",
        "you@isp.example",
        message.as_bytes(),
    );
    assert_eq!(report.spf.result, SpfResult::Fail);
    assert_eq!(report.dkim[0].result, DkimResult::Pass);
    assert_eq!(report.dmarc.result, DmarcResult::Pass);
    assert_eq!(report.disposition, Disposition::Accept);
}

#[test]
fn a_forwarder_that_edits_the_body_gets_the_message_quarantined() {
    let message = signed_by_provider(MESSAGE).replace("noon", "one");
    let report = evaluate(
        &network(),
        ip(FORWARDER),
        "oldschool.example",
        "you@isp.example",
        message.as_bytes(),
    );
    assert_eq!(report.dkim[0].result, DkimResult::Fail);
    assert!(report.dkim[0].explain().contains("body hash mismatch"));
    assert_eq!(report.dmarc.result, DmarcResult::Fail);
    assert_eq!(
        report.disposition,
        Disposition::Quarantine {
            policy_domain: "isp.example".into()
        }
    );
    assert!(
        report.refusal().is_none(),
        "quarantined mail still gets its 250"
    );
}

#[test]
fn without_dmarc_an_spf_fail_is_refused_on_its_own() {
    let message = MESSAGE.replace("you@isp.example", "web@nomail.example");
    let report = evaluate(
        &network(),
        ip(SPAMMER),
        "spam.example",
        "web@nomail.example",
        message.as_bytes(),
    );
    assert_eq!(report.dmarc.result, DmarcResult::None);
    assert_eq!(
        report.refusal().unwrap().to_string(),
        "550 5.7.23 SPF validation failed: 192.0.2.66 is not allowed to send mail for nomail.example"
    );
}

#[test]
fn a_bounce_is_checked_by_its_helo_name() {
    let report = evaluate(
        &network(),
        ip(FORWARDER),
        "oldschool.example",
        "<>",
        MESSAGE.as_bytes(),
    );
    assert_eq!(report.spf.result, SpfResult::Pass);
    assert!(report
        .authentication_results("mx")
        .contains("spf=pass smtp.helo=oldschool.example"));
}
