//! DKIM (RFC 6376, RFC 8463): signing and verifying with rsa-sha256 and
//! ed25519-sha256, simple and relaxed canonicalisation, and the exact
//! bytes that were hashed, so a page can show them.

pub mod canon;
pub mod key;
mod sign;
pub mod signature;
mod verify;

use sha2::{Digest as _, Sha256};

pub use canon::Canonicalization;
pub use key::{KeyError, KeyRecord, PrivateKeyError, PublicKey, SigningKey};
pub use sign::{sign, sign_with, SignError, SignOptions, Signed};
pub use signature::{Algorithm, DkimSignature, SignatureError};
pub use verify::{verify_all, DkimFailure, DkimResult, DkimVerification};

use crate::message::{HeaderField, Message};

/// The field name signatures are written under.
pub const SIGNATURE_FIELD: &str = "DKIM-Signature";

/// SHA-256 of some bytes.
fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// The canonical body, cut to `l=` octets when given (`None`: the body is
/// shorter than `l=` says).
fn hashed_body(message: &Message, canon: Canonicalization, length: Option<u64>) -> Option<Vec<u8>> {
    let mut body = canon::body(canon, &message.body);
    if let Some(length) = length {
        let length = usize::try_from(length).ok()?;
        if length > body.len() {
            return None;
        }
        body.truncate(length);
    }
    Some(body)
}

/// What the signature covers (RFC 6376 section 3.7): each `h=` name takes
/// the lowest field of that name not yet taken (a name with none left
/// adds nothing), then the signature field itself with its `b=` value
/// emptied and no final CRLF.
fn signed_data(
    message: &Message,
    names: &[String],
    canon: Canonicalization,
    signature_field: &HeaderField,
) -> Vec<u8> {
    let mut taken = vec![false; message.fields.len()];
    let mut data = Vec::new();
    for name in names {
        let found = message
            .fields
            .iter()
            .enumerate()
            .rev()
            .find(|(index, field)| !taken[*index] && field.is(name));
        if let Some((index, field)) = found {
            taken[index] = true;
            data.extend(canon::header(canon, field));
        }
    }
    let emptied = HeaderField {
        name: signature_field.name.clone(),
        raw: without_b_value(&signature_field.raw),
    };
    let mut own = canon::header(canon, &emptied);
    if own.ends_with(b"\r\n") {
        own.truncate(own.len() - 2);
    }
    data.extend(own);
    data
}

/// The field with everything after `b=` in its tag removed (tag values
/// cannot hold `;`, so splitting on it finds the tag exactly).
fn without_b_value(raw: &[u8]) -> Vec<u8> {
    let colon = raw
        .iter()
        .position(|&b| b == b':')
        .map_or(raw.len(), |i| i + 1);
    let mut out = raw[..colon].to_vec();
    let value = &raw[colon..];
    let mut first = true;
    for part in value.split(|&b| b == b';') {
        if !first {
            out.push(b';');
        }
        first = false;
        let equals = part.iter().position(|&b| b == b'=');
        let is_b = equals.is_some_and(|eq| {
            part[..eq]
                .iter()
                .filter(|b| !b.is_ascii_whitespace())
                .eq(b"b".iter())
        });
        match equals {
            Some(eq) if is_b => out.extend_from_slice(&part[..=eq]),
            _ => out.extend_from_slice(part),
        }
    }
    out
}
