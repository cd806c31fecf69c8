//! The DKIM-Signature header field read into its tags (RFC 6376 section
//! 3.5), with every check of section 6.1.1 that needs no DNS.

use core::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use thiserror::Error;

use super::canon::Canonicalization;
use crate::tags::{without_fws, TagError, TagList};

/// The signing algorithms this crate knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 over SHA-256 (RFC 6376).
    RsaSha256,
    /// Ed25519 over the SHA-256 hash (RFC 8463).
    Ed25519Sha256,
}

impl Algorithm {
    /// `rsa-sha256` or `ed25519-sha256`.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::RsaSha256 => "rsa-sha256",
            Self::Ed25519Sha256 => "ed25519-sha256",
        }
    }

    /// The key type a key record must say (`k=`).
    pub fn key_type(self) -> &'static str {
        match self {
            Self::RsaSha256 => "rsa",
            Self::Ed25519Sha256 => "ed25519",
        }
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

/// Why a DKIM-Signature field cannot be used (RFC 6376 section 6.1.1:
/// PERMFAIL before any key is fetched).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    /// The tag list does not read.
    #[error("the signature's tag list is malformed: {0}")]
    Tags(#[from] TagError),
    /// A required tag is absent.
    #[error("the signature has no `{0}=` tag")]
    MissingTag(&'static str),
    /// `v=` is not 1.
    #[error("the signature's version v={0} is not 1")]
    BadVersion(String),
    /// An algorithm other than rsa-sha256 and ed25519-sha256 (rsa-sha1 is
    /// no longer allowed, RFC 8301).
    #[error("the algorithm a={0} is not supported")]
    UnknownAlgorithm(String),
    /// `c=` is not `simple`/`relaxed` for header and body.
    #[error("the canonicalisation c={0} is not known")]
    BadCanonicalization(String),
    /// `h=` does not list From (section 5.4).
    #[error("the signature does not cover the From field (h={0})")]
    FromNotSigned(String),
    /// `i=` is not in the `d=` domain.
    #[error("the identity i={identity} is not within d={domain}")]
    IdentityOutsideDomain {
        /// `i=`.
        identity: String,
        /// `d=`.
        domain: String,
    },
    /// `b=` or `bh=` is not base64.
    #[error("the `{0}=` value is not valid base64")]
    BadBase64(&'static str),
    /// `t=`, `x=` or `l=` is not a number.
    #[error("the `{0}=` value is not a number")]
    BadNumber(&'static str),
    /// `x=` is not after `t=`.
    #[error("the signature expires (x=) before it was made (t=)")]
    ExpiresBeforeSigned,
    /// `q=` names a method other than `dns/txt`.
    #[error("the query method q={0} is not dns/txt")]
    BadQueryMethod(String),
    /// `d=` or `s=` is not a DNS name.
    #[error("`{0}` is not a valid domain or selector")]
    BadName(String),
}

/// A parsed DKIM-Signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DkimSignature {
    /// `a=`.
    pub algorithm: Algorithm,
    /// `c=` for the header.
    pub header_canonicalization: Canonicalization,
    /// `c=` for the body.
    pub body_canonicalization: Canonicalization,
    /// `d=`: the signing domain (SDID).
    pub domain: String,
    /// `s=`: the selector.
    pub selector: String,
    /// `h=`: the signed header field names, in order.
    pub signed_headers: Vec<String>,
    /// `bh=`, decoded.
    pub body_hash: Vec<u8>,
    /// `b=`, decoded.
    pub signature: Vec<u8>,
    /// `b=` as written, folding removed (the first characters go in
    /// Authentication-Results' `header.b`).
    pub signature_base64: String,
    /// `i=`: the agent or user identifier (AUID), `@d` when absent.
    pub identity: String,
    /// `t=`: when it was signed.
    pub timestamp: Option<u64>,
    /// `x=`: when it expires (not enforced: the simulation has no calendar).
    pub expiration: Option<u64>,
    /// `l=`: how many body octets are signed.
    pub body_length: Option<u64>,
}

impl DkimSignature {
    /// Reads the field's value (after `DKIM-Signature:`).
    pub fn parse(value: &str) -> Result<Self, SignatureError> {
        let tags = TagList::parse(value)?;
        let required = |name: &'static str| tags.get(name).ok_or(SignatureError::MissingTag(name));
        let version = required("v")?;
        if version != "1" {
            return Err(SignatureError::BadVersion(version.to_owned()));
        }
        let algorithm = match required("a")? {
            "rsa-sha256" => Algorithm::RsaSha256,
            "ed25519-sha256" => Algorithm::Ed25519Sha256,
            other => return Err(SignatureError::UnknownAlgorithm(other.to_owned())),
        };
        let (header_canonicalization, body_canonicalization) =
            canonicalizations(tags.get("c").unwrap_or("simple/simple"))?;
        let domain = checked_name(required("d")?)?;
        let selector = checked_name(required("s")?)?;
        let signed_headers = signed_header_names(required("h")?)?;
        let signature_base64 = without_fws(required("b")?);
        let signature = decode(&signature_base64, "b")?;
        let body_hash = decode(&without_fws(required("bh")?), "bh")?;
        let identity = identity(tags.get("i"), &domain)?;
        if let Some(method) = tags.get("q") {
            if !without_fws(method).split(':').any(|m| m == "dns/txt") {
                return Err(SignatureError::BadQueryMethod(method.to_owned()));
            }
        }
        let timestamp = number(tags.get("t"), "t")?;
        let expiration = number(tags.get("x"), "x")?;
        if let (Some(t), Some(x)) = (timestamp, expiration) {
            if x <= t {
                return Err(SignatureError::ExpiresBeforeSigned);
            }
        }
        Ok(Self {
            algorithm,
            header_canonicalization,
            body_canonicalization,
            domain,
            selector,
            signed_headers,
            body_hash,
            signature,
            signature_base64,
            identity,
            timestamp,
            expiration,
            body_length: number(tags.get("l"), "l")?,
        })
    }

    /// Where the key lives: `selector._domainkey.domain`.
    pub fn key_name(&self) -> String {
        format!("{}._domainkey.{}", self.selector, self.domain)
    }
}

fn canonicalizations(text: &str) -> Result<(Canonicalization, Canonicalization), SignatureError> {
    let bad = || SignatureError::BadCanonicalization(text.to_owned());
    let (header, body) = text.split_once('/').unwrap_or((text, "simple"));
    Ok((
        Canonicalization::from_keyword(header).ok_or_else(bad)?,
        Canonicalization::from_keyword(body).ok_or_else(bad)?,
    ))
}

fn signed_header_names(text: &str) -> Result<Vec<String>, SignatureError> {
    let names: Vec<String> = without_fws(text)
        .split(':')
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect();
    if !names.iter().any(|name| name.eq_ignore_ascii_case("from")) {
        return Err(SignatureError::FromNotSigned(text.to_owned()));
    }
    Ok(names)
}

fn identity(value: Option<&str>, domain: &str) -> Result<String, SignatureError> {
    let Some(identity) = value else {
        return Ok(format!("@{domain}"));
    };
    let identity_domain = identity.rsplit_once('@').map_or("", |(_, d)| d);
    let within = identity_domain.eq_ignore_ascii_case(domain)
        || identity_domain
            .to_ascii_lowercase()
            .ends_with(&format!(".{domain}"));
    if !within {
        return Err(SignatureError::IdentityOutsideDomain {
            identity: identity.to_owned(),
            domain: domain.to_owned(),
        });
    }
    Ok(identity.to_owned())
}

/// A DNS name (letters, digits, hyphens, underscores in labels), lower case.
fn checked_name(text: &str) -> Result<String, SignatureError> {
    let name = text.to_ascii_lowercase();
    let ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if ok {
        Ok(name)
    } else {
        Err(SignatureError::BadName(text.to_owned()))
    }
}

fn decode(text: &str, tag: &'static str) -> Result<Vec<u8>, SignatureError> {
    STANDARD
        .decode(text)
        .map_err(|_| SignatureError::BadBase64(tag))
}

fn number(value: Option<&str>, tag: &'static str) -> Result<Option<u64>, SignatureError> {
    value
        .map(|v| v.parse().map_err(|_| SignatureError::BadNumber(tag)))
        .transpose()
}
