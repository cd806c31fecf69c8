//! DKIM against RFC 8463 appendix A (its keys, message and both
//! signatures), round trips through our signer, tampering, and broken
//! signature fields and key records.

mod common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use common::{network, Flaky};
use smtplab_mailauth::dkim::{
    sign, sign_with, verify_all, Canonicalization, DkimFailure, DkimResult, KeyError, SignOptions,
    SigningKey,
};

/// RFC 8463 A.1: the Ed25519 seed (it is RFC 8032's first test key).
const RFC8463_ED25519_SEED: &str = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";

/// RFC 8463 A.1: the RSA key, PKCS#1 DER in base64 (the PEM body).
const RFC8463_RSA_KEY: &str = "\
MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi\
Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM\
KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB\
AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm\
6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe\
zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy\
6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc\
uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy\
WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd\
WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a\
licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst\
o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe\
uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL";

/// RFC 8463 A.2: the two key records.
const RFC8463_ED25519_RECORD: &str =
    "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";
const RFC8463_RSA_RECORD: &str = "v=DKIM1; k=rsa; \
p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

/// RFC 6376 A.1 / RFC 8463 A.3: the message's header and body.
const HEADER: &str = "From: Joe SixPack <joe@football.example.com>\r\n\
To: Suzie Q <suzie@shopping.example.net>\r\n\
Subject: Is dinner ready?\r\n\
Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n\
Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n";
const BODY: &str = "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe.\r\n";

/// RFC 8463 A.3: the two signature fields.
const ED25519_SIGNATURE: &str = "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;\r\n \
d=football.example.com; i=@football.example.com;\r\n \
q=dns/txt; s=brisbane; t=1528637909; h=from : to :\r\n \
subject : date : message-id : from : subject : date;\r\n \
bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n \
b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus\r\n \
Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==\r\n";
const RSA_SIGNATURE: &str = "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;\r\n \
d=football.example.com; i=@football.example.com;\r\n \
q=dns/txt; s=test; t=1528637909; h=from : to : subject :\r\n \
date : message-id : from : subject : date;\r\n \
bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n \
b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3\r\n \
DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz\r\n \
dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=\r\n";
const RFC8463_BODY_HASH: &str = "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=";

fn rfc8463_message() -> String {
    format!("{ED25519_SIGNATURE}{RSA_SIGNATURE}{HEADER}\r\n{BODY}")
}

fn football() -> smtplab_engine::network::Network {
    network(&[
        &format!("brisbane._domainkey.football.example.com. TXT \"{RFC8463_ED25519_RECORD}\""),
        &format!(
            "test._domainkey.football.example.com. TXT \"{}\" \"{}\"",
            &RFC8463_RSA_RECORD[..200],
            &RFC8463_RSA_RECORD[200..]
        ),
    ])
}

#[test]
fn rfc_8463_both_signatures_verify() {
    let results = verify_all(&football(), rfc8463_message().as_bytes());
    assert_eq!(results.len(), 2);
    for verification in &results {
        assert_eq!(
            verification.result,
            DkimResult::Pass,
            "{}",
            verification.explain()
        );
        assert_eq!(
            verification.computed_body_hash.as_deref(),
            Some(RFC8463_BODY_HASH)
        );
        assert_eq!(
            verification.signed_body_hash().as_deref(),
            Some(RFC8463_BODY_HASH)
        );
    }
    assert_eq!(results[0].selector, "brisbane");
    assert!(results[1].explain().starts_with(
        "DKIM passed: football.example.com's signature (selector test) verifies with the rsa-sha256 key"
    ));
}

/// Both algorithms are deterministic, so the RFC's private keys over the
/// bytes we canonicalised must give the RFC's b= values exactly.
#[test]
fn rfc_8463_private_keys_reproduce_its_signatures() {
    let results = verify_all(&football(), rfc8463_message().as_bytes());
    let ed25519 = SigningKey::ed25519_from_base64(RFC8463_ED25519_SEED).unwrap();
    let rsa = SigningKey::rsa_from_base64(RFC8463_RSA_KEY).unwrap();
    for (key, verification) in [(&ed25519, &results[0]), (&rsa, &results[1])] {
        let signed = verification.signature.as_ref().unwrap();
        let digest: [u8; 32] = {
            use sha2::Digest as _;
            sha2::Sha256::digest(&verification.canonical_headers).into()
        };
        assert_eq!(
            STANDARD.encode(key.sign_digest(&digest).unwrap()),
            signed.signature_base64
        );
    }
    assert_eq!(ed25519.key_record(), RFC8463_ED25519_RECORD);
    assert_eq!(rsa.key_record(), RFC8463_RSA_RECORD);
}

#[test]
fn rfc_8463_canonical_header_data_is_the_relaxed_fields() {
    let results = verify_all(&football(), rfc8463_message().as_bytes());
    let data = String::from_utf8(results[0].canonical_headers.clone()).unwrap();
    assert!(data.starts_with(
        "from:Joe SixPack <joe@football.example.com>\r\nto:Suzie Q <suzie@shopping.example.net>\r\n\
         subject:Is dinner ready?\r\ndate:Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n\
         message-id:<20030712040037.46341.5F8J@football.example.com>\r\n\
         dkim-signature:v=1; a=ed25519-sha256; c=relaxed/relaxed; d=football.example.com;"
    ));
    assert!(data.ends_with("bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b="));
}

#[test]
fn our_signatures_verify_in_every_canonicalisation() {
    let unsigned = format!("{HEADER}\r\n{BODY}");
    for (key, record, selector) in [
        (
            SigningKey::ed25519_from_base64(RFC8463_ED25519_SEED).unwrap(),
            RFC8463_ED25519_RECORD,
            "brisbane",
        ),
        (
            SigningKey::rsa_from_base64(RFC8463_RSA_KEY).unwrap(),
            RFC8463_RSA_RECORD,
            "test",
        ),
    ] {
        let _ = record;
        for header in [Canonicalization::Simple, Canonicalization::Relaxed] {
            for body in [Canonicalization::Simple, Canonicalization::Relaxed] {
                let options = SignOptions {
                    header_canonicalization: header,
                    body_canonicalization: body,
                    timestamp: Some(1_528_637_909),
                    ..SignOptions::default()
                };
                let signed = sign_with(
                    unsigned.as_bytes(),
                    "football.example.com",
                    selector,
                    &key,
                    &options,
                )
                .unwrap();
                assert!(
                    signed.field.lines().all(|line| line.len() <= 78),
                    "{}",
                    signed.field
                );
                let message = format!("{}{unsigned}", signed.field);
                let results = verify_all(&football(), message.as_bytes());
                assert_eq!(
                    results[0].result,
                    DkimResult::Pass,
                    "{header}/{body}: {:?}",
                    results[0].failure
                );
                assert_eq!(results[0].canonical_headers, signed.canonical_headers);
                if body == Canonicalization::Relaxed {
                    assert_eq!(signed.body_hash, RFC8463_BODY_HASH);
                }
            }
        }
    }
}

#[test]
fn tampering_is_named_body_or_signature() {
    let key = SigningKey::ed25519_from_base64(RFC8463_ED25519_SEED).unwrap();
    let unsigned = format!("{HEADER}\r\n{BODY}");
    let field = sign(
        unsigned.as_bytes(),
        "football.example.com",
        "brisbane",
        &key,
    )
    .unwrap();
    let signed = format!("{field}{unsigned}");
    let body_changed = signed.replace("We lost", "We won");
    let subject_changed = signed.replace("Is dinner ready?", "Is lunch ready?");
    let refolded = signed.replace("Subject: Is dinner", "Subject:  Is\r\n\tdinner");
    let net = football();
    let body = &verify_all(&net, body_changed.as_bytes())[0];
    assert_eq!(body.result, DkimResult::Fail);
    assert!(matches!(
        body.failure,
        Some(DkimFailure::BodyHashMismatch { .. })
    ));
    assert!(
        body.explain().contains("body hash mismatch"),
        "{}",
        body.explain()
    );
    let subject = &verify_all(&net, subject_changed.as_bytes())[0];
    assert_eq!(subject.failure, Some(DkimFailure::SignatureMismatch));
    assert!(subject.explain().contains("signature mismatch"));
    assert_eq!(
        verify_all(&net, refolded.as_bytes())[0].result,
        DkimResult::Pass,
        "relaxed survives refolding"
    );
    // From is signed twice, so a second From added on the way is caught.
    assert!(
        field.contains("h=from:to:subject:date:message-id:from:subject;"),
        "{field}"
    );
    let added_from = signed.replacen("From:", "From: Mallory <m@evil.example>\r\nFrom:", 1);
    let extra = &verify_all(&net, added_from.as_bytes())[0];
    assert_eq!(extra.failure, Some(DkimFailure::SignatureMismatch));
}

fn verify_with(field: &str, records: &[&str]) -> (DkimResult, Option<DkimFailure>) {
    let message = format!("{field}{HEADER}\r\n{BODY}");
    let results = verify_all(&network(records), message.as_bytes());
    (results[0].result, results[0].failure.clone())
}

#[test]
fn malformed_signature_fields_are_neutral_or_permerror() {
    let key = format!("brisbane._domainkey.football.example.com. TXT \"{RFC8463_ED25519_RECORD}\"");
    let good = "v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; bh=AAAA; b=AAAA";
    for (field, expected) in [
        ("v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; bh=AAAA;; b=AAAA", DkimResult::Neutral),
        ("v=2; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; bh=AAAA; b=AAAA", DkimResult::Neutral),
        ("v=1; a=rsa-sha1; d=football.example.com; s=brisbane; h=from; bh=AAAA; b=AAAA", DkimResult::Neutral),
        ("v=1; a=ed25519-sha256; c=loose; d=football.example.com; s=brisbane; h=from; bh=AAAA; b=AAAA", DkimResult::Neutral),
        ("v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; bh=!!!; b=AAAA", DkimResult::Neutral),
        ("v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; bh=AAAA; b=AAAA; t=soon", DkimResult::Neutral),
        ("v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=to; bh=AAAA; b=AAAA", DkimResult::PermError),
        ("v=1; a=ed25519-sha256; d=football.example.com; h=from; bh=AAAA; b=AAAA", DkimResult::PermError),
        ("v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; bh=AAAA; b=AAAA; i=joe@evil.example", DkimResult::PermError),
        ("v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; bh=AAAA; b=AAAA; t=20; x=10", DkimResult::PermError),
        ("garbage", DkimResult::Neutral),
        ("", DkimResult::PermError),
        (good, DkimResult::Fail),
    ] {
        let (result, failure) = verify_with(&format!("DKIM-Signature: {field}\r\n"), &[&key]);
        assert_eq!(result, expected, "{field}: {failure:?}");
    }
}

#[test]
fn key_record_problems_are_permerror_and_timeouts_temperror() {
    let field = "DKIM-Signature: v=1; a=ed25519-sha256; d=football.example.com; s=brisbane; h=from; bh=AAAA; b=AAAA\r\n";
    let name = "brisbane._domainkey.football.example.com.";
    for (record, expected) in [
        (
            None,
            DkimFailure::NoKey("brisbane._domainkey.football.example.com".into()),
        ),
        (
            Some("v=DKIM1; k=ed25519; p="),
            DkimFailure::Key(KeyError::Revoked),
        ),
        (
            Some("v=DKIM1; k=ed25519; p=!!"),
            DkimFailure::Key(KeyError::BadBase64),
        ),
        (
            Some("v=DKIM1; k=ed25519; p=AAAA"),
            DkimFailure::Key(KeyError::BadKey("Ed25519")),
        ),
        (
            Some("v=DKIM1; k=dsa; p=AAAA"),
            DkimFailure::Key(KeyError::UnknownKeyType("dsa".into())),
        ),
        (
            Some("k=ed25519; v=DKIM1; p=AAAA"),
            DkimFailure::Key(KeyError::BadVersion),
        ),
        (
            Some("v=DKIM1; k=ed25519"),
            DkimFailure::Key(KeyError::MissingKey),
        ),
        (
            Some("v=DKIM1; h=sha1; k=ed25519; p=AAAA"),
            DkimFailure::Key(KeyError::HashNotAllowed("sha1".into())),
        ),
        (
            Some("v=DKIM1; s=tlsrpt; k=ed25519; p=AAAA"),
            DkimFailure::Key(KeyError::NotForEmail("tlsrpt".into())),
        ),
        (
            Some(RFC8463_RSA_RECORD),
            DkimFailure::Key(KeyError::KeyTypeMismatch {
                signature: smtplab_mailauth::dkim::Algorithm::Ed25519Sha256,
                key: "rsa",
            }),
        ),
    ] {
        let line = record.map(|r| format!("{name} TXT \"{r}\""));
        let lines: Vec<&str> = line
            .iter()
            .map(String::as_str)
            .chain(["football.example.com. A 192.0.2.1"])
            .collect();
        let (result, failure) = verify_with(field, &lines);
        assert_eq!(result, DkimResult::PermError, "{record:?}");
        assert_eq!(failure, Some(expected), "{record:?}");
    }
    let flaky = Flaky {
        network: network(&["football.example.com. A 192.0.2.1"]),
        failing: vec!["brisbane._domainkey.football.example.com"],
    };
    let message = format!("{field}{HEADER}\r\n{BODY}");
    let results = verify_all(&flaky, message.as_bytes());
    assert_eq!(results[0].result, DkimResult::TempError);
}

#[test]
fn short_rsa_keys_are_refused() {
    let field = "DKIM-Signature: v=1; a=rsa-sha256; d=football.example.com; s=old; h=from; bh=AAAA; b=AAAA\r\n";
    let (result, failure) = verify_with(
        field,
        &["old._domainkey.football.example.com. TXT \"v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANmBe10IgY+u7h3enWTukkqtUD5PR52Tb/mPfjC0QJTocVBq6Za/PlzfV+Py92VaCak19F4WrbVTK5Gg5tW220MCAwEAAQ==\""],
    );
    assert_eq!(result, DkimResult::PermError);
    assert_eq!(failure, Some(DkimFailure::Key(KeyError::KeyTooSmall(512))));
}

#[test]
fn signing_needs_a_from_and_sane_names() {
    let key = SigningKey::ed25519_from_base64(RFC8463_ED25519_SEED).unwrap();
    assert!(sign(b"Subject: x\r\n\r\nbody\r\n", "example.org", "s", &key).is_err());
    assert!(sign(HEADER.as_bytes(), "bad domain", "s", &key).is_err());
    assert!(SigningKey::ed25519_from_base64("AAAA").is_err());
    assert!(SigningKey::rsa_from_base64("AAAA").is_err());
}
