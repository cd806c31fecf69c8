//! Verifying every DKIM-Signature of a message (RFC 6376 section 6), each
//! with a result keyword for Authentication-Results (RFC 8601 section
//! 2.7.1) and the reason in words.

use core::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use thiserror::Error;

use super::key::{KeyError, KeyRecord};
use super::signature::{DkimSignature, SignatureError};
use super::{hashed_body, sha256, signed_data, SIGNATURE_FIELD};
use crate::message::{HeaderField, Message};
use crate::resolver::{DnsFailure, Resolver};
use crate::tags::TagList;

/// A signature's result (RFC 8601 section 2.7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DkimResult {
    /// The signature verified.
    Pass,
    /// It did not: the body or a signed field changed, or the key differs.
    Fail,
    /// It could not be read (syntax errors).
    Neutral,
    /// The key could not be fetched for now.
    TempError,
    /// A required piece is missing or unusable (no key, bad key, missing tag).
    PermError,
}

impl DkimResult {
    /// The keyword: `pass`, `fail`, `neutral`, `temperror`, `permerror`.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Neutral => "neutral",
            Self::TempError => "temperror",
            Self::PermError => "permerror",
        }
    }
}

impl fmt::Display for DkimResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Why a signature did not pass.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DkimFailure {
    /// The field itself is unusable.
    #[error(transparent)]
    Malformed(#[from] SignatureError),
    /// The key query timed out.
    #[error(transparent)]
    KeyUnavailable(#[from] DnsFailure),
    /// No TXT record where the key should be.
    #[error("no key record at {0}")]
    NoKey(String),
    /// The key record is unusable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The key says t=s but i= is in a subdomain.
    #[error("the key allows only i= in exactly {0} (t=s)")]
    StrictIdentity(String),
    /// `l=` is longer than the body.
    #[error("l= says more body octets are signed than the message has")]
    BodyTooShort,
    /// The body was changed after signing.
    #[error("body hash mismatch: the body was changed after signing (bh={declared}, but the body hashes to {computed})")]
    BodyHashMismatch {
        /// `bh=`.
        declared: String,
        /// What the received body hashes to.
        computed: String,
    },
    /// The signed header fields (or the key) do not match the signature.
    #[error("signature mismatch: a signed header field was changed, or the key is not the one that signed")]
    SignatureMismatch,
}

/// One signature's verification, with what a page needs to explain it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DkimVerification {
    /// The result.
    pub result: DkimResult,
    /// Why it did not pass.
    pub failure: Option<DkimFailure>,
    /// The parsed signature (absent when it does not read).
    pub signature: Option<DkimSignature>,
    /// `d=` as written, even in a broken signature ("" when absent).
    pub domain: String,
    /// `s=` as written.
    pub selector: String,
    /// The header bytes that were hashed (empty when it did not get so far).
    pub canonical_headers: Vec<u8>,
    /// The received body's hash, base64 (absent when not computed).
    pub computed_body_hash: Option<String>,
    /// The key record's t=y: the domain is only testing.
    pub testing: bool,
}

/// Verifies every DKIM-Signature, top first.
pub fn verify_all<R: Resolver + ?Sized>(resolver: &R, message: &[u8]) -> Vec<DkimVerification> {
    let message = Message::parse(message);
    message
        .fields_named(SIGNATURE_FIELD)
        .map(|field| verify_field(resolver, &message, field))
        .collect()
}

fn verify_field<R: Resolver + ?Sized>(
    resolver: &R,
    message: &Message,
    field: &HeaderField,
) -> DkimVerification {
    let value = field.value();
    let loose = TagList::parse(&value).unwrap_or_default();
    let mut verification = DkimVerification {
        result: DkimResult::PermError,
        failure: None,
        signature: None,
        domain: loose.get("d").unwrap_or("").to_owned(),
        selector: loose.get("s").unwrap_or("").to_owned(),
        canonical_headers: Vec::new(),
        computed_body_hash: None,
        testing: false,
    };
    let signature = match DkimSignature::parse(&value) {
        Ok(signature) => signature,
        Err(error) => return verification.failed(malformed_result(&error), error.into()),
    };
    verification.signature = Some(signature.clone());
    let record = match fetch_key(resolver, &signature) {
        Ok(record) => record,
        Err((result, failure)) => return verification.failed(result, failure),
    };
    verification.testing = record.testing;
    let Some(body) = hashed_body(
        message,
        signature.body_canonicalization,
        signature.body_length,
    ) else {
        return verification.failed(DkimResult::PermError, DkimFailure::BodyTooShort);
    };
    let body_hash = sha256(&body);
    let computed = STANDARD.encode(body_hash);
    verification.computed_body_hash = Some(computed.clone());
    let data = signed_data(
        message,
        &signature.signed_headers,
        signature.header_canonicalization,
        field,
    );
    verification.canonical_headers.clone_from(&data);
    if body_hash.as_slice() != signature.body_hash.as_slice() {
        let declared = STANDARD.encode(&signature.body_hash);
        return verification.failed(
            DkimResult::Fail,
            DkimFailure::BodyHashMismatch { declared, computed },
        );
    }
    if !record.key.verifies(&sha256(&data), &signature.signature) {
        return verification.failed(DkimResult::Fail, DkimFailure::SignatureMismatch);
    }
    verification.result = DkimResult::Pass;
    verification
}

/// RFC 8601: syntax errors are `neutral`; a missing or contradictory
/// required piece is `permerror`.
fn malformed_result(error: &SignatureError) -> DkimResult {
    match error {
        SignatureError::MissingTag(_)
        | SignatureError::FromNotSigned(_)
        | SignatureError::IdentityOutsideDomain { .. }
        | SignatureError::ExpiresBeforeSigned => DkimResult::PermError,
        _ => DkimResult::Neutral,
    }
}

/// The first usable key record at `selector._domainkey.domain`.
fn fetch_key<R: Resolver + ?Sized>(
    resolver: &R,
    signature: &DkimSignature,
) -> Result<KeyRecord, (DkimResult, DkimFailure)> {
    let name = signature.key_name();
    let texts = resolver
        .txt(&name)
        .map_err(|failure| (DkimResult::TempError, failure.into()))?;
    let mut first_error = None;
    for text in &texts {
        match KeyRecord::parse(text) {
            Ok(record) => return check_key(record, signature),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Err(match first_error {
        Some(error) => (DkimResult::PermError, error.into()),
        None => (DkimResult::PermError, DkimFailure::NoKey(name)),
    })
}

fn check_key(
    record: KeyRecord,
    signature: &DkimSignature,
) -> Result<KeyRecord, (DkimResult, DkimFailure)> {
    let key_type = record.key.key_type();
    if key_type != signature.algorithm.key_type() {
        let mismatch = KeyError::KeyTypeMismatch {
            signature: signature.algorithm,
            key: key_type,
        };
        return Err((DkimResult::PermError, mismatch.into()));
    }
    let identity_domain = signature.identity.rsplit_once('@').map_or("", |(_, d)| d);
    if record.strict_identity && !identity_domain.eq_ignore_ascii_case(&signature.domain) {
        let failure = DkimFailure::StrictIdentity(signature.domain.clone());
        return Err((DkimResult::PermError, failure));
    }
    Ok(record)
}

impl DkimVerification {
    fn failed(mut self, result: DkimResult, failure: DkimFailure) -> Self {
        self.result = result;
        self.failure = Some(failure);
        self
    }

    /// The body hash the signature carries (`bh=`), base64, beside which
    /// [`DkimVerification::computed_body_hash`] is the received body's.
    pub fn signed_body_hash(&self) -> Option<String> {
        self.signature
            .as_ref()
            .map(|s| STANDARD.encode(&s.body_hash))
    }

    /// One plain-English sentence for a learner.
    pub fn explain(&self) -> String {
        let who = if self.domain.is_empty() {
            "a signature with no d= domain".to_owned()
        } else {
            format!("{}'s signature (selector {})", self.domain, self.selector)
        };
        match (&self.failure, self.signature.as_ref()) {
            (None, Some(signature)) => format!(
                "DKIM passed: {who} verifies with the {} key published at {}: the signed fields and the body are as they were signed.",
                signature.algorithm,
                signature.key_name()
            ),
            (Some(failure), _) => format!("DKIM {}: {who}: {failure}.", self.result),
            (None, None) => format!("DKIM {}: {who}.", self.result),
        }
    }
}
