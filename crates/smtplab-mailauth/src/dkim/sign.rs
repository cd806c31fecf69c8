//! Making a DKIM-Signature field for a message (RFC 6376 section 5).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use thiserror::Error;

use super::canon::Canonicalization;
use super::key::{PrivateKeyError, SigningKey};
use super::{hashed_body, sha256, signed_data, SIGNATURE_FIELD};
use crate::message::{HeaderField, Message};

/// Fields signed by default when the message has them (From always):
/// the ones RFC 6376 section 5.4.1 recommends that a forger would change.
pub const DEFAULT_SIGNED_FIELDS: &[&str] = &[
    "from",
    "to",
    "cc",
    "subject",
    "date",
    "message-id",
    "reply-to",
    "in-reply-to",
    "references",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
];

/// How base64 in `b=` is folded: this many characters a line.
const SIGNATURE_LINE: usize = 72;

/// Why a message cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignError {
    /// Every DKIM signature covers From (RFC 6376 section 5.4).
    #[error("the message has no From field to sign")]
    NoFrom,
    /// The domain or selector is not a DNS name.
    #[error("`{0}` is not a valid domain or selector")]
    BadName(String),
    /// The key cannot sign.
    #[error(transparent)]
    Key(#[from] PrivateKeyError),
}

/// Choices a signer makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOptions {
    /// The fields to sign, in order (`None`: [`DEFAULT_SIGNED_FIELDS`]
    /// that the message has, then [`OVERSIGNED_FIELDS`] again). Naming a field one more time than it appears
    /// stops anyone adding one (RFC 6376 section 8.15).
    pub headers: Option<Vec<String>>,
    /// `c=` for the header.
    pub header_canonicalization: Canonicalization,
    /// `c=` for the body.
    pub body_canonicalization: Canonicalization,
    /// `t=`, when the caller has a clock (the simulation's).
    pub timestamp: Option<u64>,
}

impl Default for SignOptions {
    fn default() -> Self {
        Self {
            headers: None,
            header_canonicalization: Canonicalization::Relaxed,
            body_canonicalization: Canonicalization::Relaxed,
            timestamp: None,
        }
    }
}

/// A signature and what went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// The whole field, `DKIM-Signature: ...` ending in CRLF, to put on
    /// top of the message.
    pub field: String,
    /// The header bytes that were hashed and signed.
    pub canonical_headers: Vec<u8>,
    /// The canonical body's hash, base64 (`bh=`).
    pub body_hash: String,
}

/// Signs with relaxed/relaxed and the default fields; the field to
/// prepend to the message.
pub fn sign(
    message: &[u8],
    domain: &str,
    selector: &str,
    key: &SigningKey,
) -> Result<String, SignError> {
    sign_with(message, domain, selector, key, &SignOptions::default()).map(|signed| signed.field)
}

/// Signs with the given options.
pub fn sign_with(
    message: &[u8],
    domain: &str,
    selector: &str,
    key: &SigningKey,
    options: &SignOptions,
) -> Result<Signed, SignError> {
    for name in [domain, selector] {
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
        {
            return Err(SignError::BadName(name.to_owned()));
        }
    }
    let message = Message::parse(message);
    if message.fields_named("from").next().is_none() {
        return Err(SignError::NoFrom);
    }
    let headers = options
        .headers
        .clone()
        .unwrap_or_else(|| present_defaults(&message));
    let body = hashed_body(&message, options.body_canonicalization, None).unwrap_or_default();
    let body_hash = STANDARD.encode(sha256(&body));
    let mut tags = vec![
        "v=1".to_owned(),
        format!("a={}", key.algorithm()),
        format!(
            "c={}/{}",
            options.header_canonicalization, options.body_canonicalization
        ),
        format!("d={domain}"),
        format!("s={selector}"),
    ];
    if let Some(t) = options.timestamp {
        tags.push(format!("t={t}"));
    }
    tags.push(format!("h={}", headers.join(":")));
    tags.push(format!("bh={body_hash}"));
    let unsigned = format!("{SIGNATURE_FIELD}: {}", fold_tags(&tags));
    let field = HeaderField {
        name: SIGNATURE_FIELD.to_owned(),
        raw: unsigned.clone().into_bytes(),
    };
    let canonical_headers =
        signed_data(&message, &headers, options.header_canonicalization, &field);
    let signature = key.sign_digest(&sha256(&canonical_headers))?;
    Ok(Signed {
        field: format!("{unsigned}{}\r\n", fold_base64(&STANDARD.encode(signature))),
        canonical_headers,
        body_hash,
    })
}

/// Fields that are named once more than they appear, so that a second
/// one added on the way breaks the signature (RFC 6376 section 8.15).
pub const OVERSIGNED_FIELDS: &[&str] = &["from", "subject"];

fn present_defaults(message: &Message) -> Vec<String> {
    let present = |name: &&&str| message.fields_named(name).next().is_some();
    DEFAULT_SIGNED_FIELDS
        .iter()
        .filter(present)
        .chain(OVERSIGNED_FIELDS.iter().filter(present))
        .map(|name| (*name).to_owned())
        .collect()
}

/// `tag; tag; ...; b=` folded before a tag whenever a line would pass 78
/// characters, ending in the empty `b=` the signature is appended to.
fn fold_tags(tags: &[String]) -> String {
    let mut out = String::new();
    let mut line_length = SIGNATURE_FIELD.len() + 2;
    for tag in tags.iter().map(String::as_str).chain(["b="]) {
        let piece = if tag == "b=" {
            tag.to_owned()
        } else {
            format!("{tag};")
        };
        if line_length + piece.len() + 1 > 78 && !out.is_empty() {
            out.push_str("\r\n ");
            line_length = 1;
        } else if !out.is_empty() {
            out.push(' ');
            line_length += 1;
        }
        line_length += piece.len();
        out.push_str(&piece);
    }
    out
}

/// The signature on lines of its own, each after a fold.
fn fold_base64(text: &str) -> String {
    text.as_bytes()
        .chunks(SIGNATURE_LINE)
        .map(|chunk| format!("\r\n {}", String::from_utf8_lossy(chunk)))
        .collect()
}
