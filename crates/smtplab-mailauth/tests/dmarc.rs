//! DMARC: where the policy is found, which policy applies, alignment
//! modes, pct, and the messages and records it cannot use.

mod common;

use common::{network, Flaky};
use smtplab_mailauth::dkim::SigningKey;
use smtplab_mailauth::dmarc::{DmarcResult, Policy};
use smtplab_mailauth::{evaluate_with, sign, AuthReport, Resolver};

/// RFC 8032's first test seed, published below as example.org's key.
const SEED: &str = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";
const KEY_RECORD: &str =
    "s1._domainkey.example.org. TXT \"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"";
const SENDER_IP: &str = "192.0.2.10";
const SPF: &str = "example.org. TXT \"v=spf1 ip4:192.0.2.10 -all\"";
const MAIL_SPF: &str = "mail.example.org. TXT \"v=spf1 ip4:192.0.2.10 -all\"";

fn message(from: &str) -> String {
    format!("From: <{from}>\r\nTo: <x@example.net>\r\nSubject: hi\r\n\r\nhello\r\n")
}

fn run<R: Resolver>(resolver: &R, ip: &str, mail_from: &str, message: &str) -> AuthReport {
    evaluate_with(
        resolver,
        ip.parse().unwrap(),
        "helo.example.org",
        mail_from,
        message.as_bytes(),
    )
}

fn signed(from: &str, domain: &str) -> String {
    let key = SigningKey::ed25519_from_base64(SEED).unwrap();
    let text = message(from);
    let field = sign(text.as_bytes(), domain, "s1", &key).unwrap();
    format!("{field}{text}")
}

#[test]
fn relaxed_alignment_accepts_subdomains_strict_does_not() {
    for (policy, mail_from, expected) in [
        (
            "v=DMARC1; p=reject",
            "bounce@mail.example.org",
            DmarcResult::Pass,
        ),
        (
            "v=DMARC1; p=reject; aspf=s",
            "bounce@mail.example.org",
            DmarcResult::Fail,
        ),
        (
            "v=DMARC1; p=reject; aspf=s",
            "bounce@example.org",
            DmarcResult::Pass,
        ),
    ] {
        let net = network(&[
            SPF,
            MAIL_SPF,
            &format!("_dmarc.example.org. TXT \"{policy}\""),
        ]);
        let report = run(&net, SENDER_IP, mail_from, &message("a@example.org"));
        assert_eq!(report.dmarc.result, expected, "{policy} {mail_from}");
        assert_eq!(report.dmarc.spf_aligned, expected == DmarcResult::Pass);
    }
}

#[test]
fn dkim_alignment_follows_adkim() {
    let text = signed("a@news.example.org", "example.org");
    for (policy, expected) in [
        ("v=DMARC1; p=reject", DmarcResult::Pass),
        ("v=DMARC1; p=reject; adkim=s", DmarcResult::Fail),
    ] {
        let net = network(&[KEY_RECORD, &format!("_dmarc.example.org. TXT \"{policy}\"")]);
        let report = run(&net, "203.0.113.1", "x@elsewhere.example", &text);
        assert_eq!(report.dmarc.result, expected, "{policy}");
        assert_eq!(
            report.dmarc.policy_domain.as_deref(),
            Some("example.org"),
            "found at the organisational domain"
        );
    }
}

#[test]
fn subdomains_get_sp_and_the_domain_itself_p() {
    let net = network(&["_dmarc.example.org. TXT \"v=DMARC1; p=reject; sp=quarantine\""]);
    let outsider = "203.0.113.1";
    let sub = run(
        &net,
        outsider,
        "x@elsewhere.example",
        &message("a@news.example.org"),
    );
    assert_eq!(sub.dmarc.requested, Some(Policy::Quarantine));
    assert_eq!(sub.dmarc.disposition, Policy::Quarantine);
    let apex = run(
        &net,
        outsider,
        "x@elsewhere.example",
        &message("a@example.org"),
    );
    assert_eq!(apex.dmarc.disposition, Policy::Reject);
    assert_eq!(
        apex.refusal().unwrap().to_string(),
        "550 5.7.1 Email rejected per DMARC policy for example.org"
    );
}

#[test]
fn pct_zero_softens_the_policy_one_step() {
    let net = network(&["_dmarc.example.org. TXT \"v=DMARC1; p=reject; pct=0\""]);
    let report = run(
        &net,
        "203.0.113.1",
        "x@elsewhere.example",
        &message("a@example.org"),
    );
    assert_eq!(report.dmarc.result, DmarcResult::Fail);
    assert!(report.dmarc.sampled_out);
    assert_eq!(report.dmarc.disposition, Policy::Quarantine);
    assert!(report
        .dmarc
        .explain()
        .contains("pct= left this message out"));
}

#[test]
fn no_record_or_several_records_mean_none() {
    for lines in [
        vec![],
        vec![
            "_dmarc.example.org. TXT \"v=DMARC1; p=reject\"",
            "_dmarc.example.org. TXT \"v=DMARC1; p=none\"",
        ],
        vec!["_dmarc.example.org. TXT \"not a policy\""],
    ] {
        let lines: Vec<&str> = lines
            .into_iter()
            .chain(["example.org. A 192.0.2.1"])
            .collect();
        let report = run(
            &network(&lines),
            "203.0.113.1",
            "x@elsewhere.example",
            &message("a@example.org"),
        );
        assert_eq!(report.dmarc.result, DmarcResult::None, "{lines:?}");
        assert!(report.dmarc.explain().starts_with("DMARC none"));
    }
}

#[test]
fn unusable_messages_records_and_timeouts() {
    let policy = "_dmarc.example.org. TXT \"v=DMARC1; p=reject\"";
    let net = network(&[policy]);
    for (text, problem) in [
        (
            "To: x@example.net\r\n\r\nbody\r\n".to_owned(),
            "0 From fields",
        ),
        (
            format!("From: b@example.org\r\n{}", message("a@example.org")),
            "2 From fields",
        ),
        (
            "From: a@example.org, b@example.net\r\n\r\nbody\r\n".to_owned(),
            "several domains",
        ),
        ("From: Nobody\r\n\r\nbody\r\n".to_owned(), "no address"),
    ] {
        let report = run(&net, "203.0.113.1", "x@elsewhere.example", &text);
        assert_eq!(report.dmarc.result, DmarcResult::PermError, "{text}");
        assert!(
            report.dmarc.problem.as_deref().unwrap().contains(problem),
            "{:?}",
            report.dmarc.problem
        );
    }
    let broken = network(&["_dmarc.example.org. TXT \"v=DMARC1; p=reject; pct=200\""]);
    let report = run(
        &broken,
        "203.0.113.1",
        "x@elsewhere.example",
        &message("a@example.org"),
    );
    assert_eq!(report.dmarc.result, DmarcResult::PermError);
    let flaky = Flaky {
        network: net,
        failing: vec!["_dmarc.example.org"],
    };
    let report = run(
        &flaky,
        "203.0.113.1",
        "x@elsewhere.example",
        &message("a@example.org"),
    );
    assert_eq!(report.dmarc.result, DmarcResult::TempError);
    assert_eq!(report.refusal().unwrap().code, 451);
}
