//! DKIM keys: the TXT key record at `selector._domainkey.domain` (RFC
//! 6376 section 3.6.1, RFC 8463 section 4.2) and the private keys that
//! sign.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::{Signer as _, Verifier as _};
use rsa::pkcs1::{DecodeRsaPrivateKey as _, DecodeRsaPublicKey as _};
use rsa::pkcs8::{DecodePublicKey as _, EncodePublicKey as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{Pkcs1v15Sign, RsaPrivateKey, RsaPublicKey};
use sha2::Sha256;
use thiserror::Error;

use super::signature::Algorithm;
use crate::tags::{without_fws, TagError, TagList};

/// RFC 8301 section 3.2: verifiers must not accept RSA keys under 1024 bits.
pub const MIN_RSA_BITS: usize = 1024;

/// Why a key record cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum KeyError {
    /// The tag list does not read.
    #[error("the key record's tag list is malformed: {0}")]
    Tags(#[from] TagError),
    /// `v=` present but not first or not `DKIM1`.
    #[error("the key record's version must be v=DKIM1, first")]
    BadVersion,
    /// `k=` other than rsa and ed25519.
    #[error("the key type k={0} is not supported")]
    UnknownKeyType(String),
    /// No `p=` tag.
    #[error("the key record has no p= tag")]
    MissingKey,
    /// `p=` empty: the key was withdrawn.
    #[error("the key has been revoked (empty p=)")]
    Revoked,
    /// `p=` is not base64.
    #[error("the p= value is not valid base64")]
    BadBase64,
    /// `p=` does not hold a key of its type.
    #[error("the p= value is not a valid {0} public key")]
    BadKey(&'static str),
    /// An RSA key shorter than [`MIN_RSA_BITS`].
    #[error("the RSA key has {0} bits; at least 1024 are required (RFC 8301)")]
    KeyTooSmall(usize),
    /// `h=` lists hashes but not sha256.
    #[error("the key record does not allow sha256 (h={0})")]
    HashNotAllowed(String),
    /// `s=` lists services but not email.
    #[error("the key is not for email (s={0})")]
    NotForEmail(String),
    /// The signature's algorithm needs another key type.
    #[error("the signature uses {signature} but the key is k={key}")]
    KeyTypeMismatch {
        /// The signature's `a=`.
        signature: Algorithm,
        /// The record's `k=`.
        key: &'static str,
    },
}

/// A public key ready to verify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    /// An RSA key.
    Rsa(Box<RsaPublicKey>),
    /// An Ed25519 key.
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// A key record's contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRecord {
    /// The key.
    pub key: PublicKey,
    /// `t=y`: the domain is testing DKIM.
    pub testing: bool,
    /// `t=s`: `i=` must be exactly `d=`'s domain.
    pub strict_identity: bool,
}

impl KeyRecord {
    /// Reads a key record's TXT text.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let tags = TagList::parse(text)?;
        if let Some(version) = tags.get("v") {
            if version != "DKIM1" || tags.first_name() != Some("v") {
                return Err(KeyError::BadVersion);
            }
        }
        check_listed(tags.get("h"), "sha256").map_err(KeyError::HashNotAllowed)?;
        check_listed(tags.get("s"), "email").map_err(KeyError::NotForEmail)?;
        let flags = without_fws(tags.get("t").unwrap_or(""));
        let flags: Vec<&str> = flags.split(':').collect();
        let encoded = without_fws(tags.get("p").ok_or(KeyError::MissingKey)?);
        if encoded.is_empty() {
            return Err(KeyError::Revoked);
        }
        let der = STANDARD.decode(encoded).map_err(|_| KeyError::BadBase64)?;
        let key = match tags.get("k").unwrap_or("rsa") {
            "rsa" => PublicKey::Rsa(Box::new(rsa_public_key(&der)?)),
            "ed25519" => PublicKey::Ed25519(ed25519_public_key(&der)?),
            other => return Err(KeyError::UnknownKeyType(other.to_owned())),
        };
        Ok(Self {
            key,
            testing: flags.contains(&"y"),
            strict_identity: flags.contains(&"s"),
        })
    }
}

/// `Err(list)` when a colon-separated list is given and lacks `wanted`
/// (`*` for services means any).
fn check_listed(list: Option<&str>, wanted: &str) -> Result<(), String> {
    let Some(list) = list else { return Ok(()) };
    let compact = without_fws(list);
    if compact.split(':').any(|item| item == wanted || item == "*") {
        Ok(())
    } else {
        Err(list.to_owned())
    }
}

/// An RSA key as SubjectPublicKeyInfo (what RFC 6376 publishes) or as a
/// bare PKCS#1 RSAPublicKey (what some tools publish).
fn rsa_public_key(der: &[u8]) -> Result<RsaPublicKey, KeyError> {
    let key = RsaPublicKey::from_public_key_der(der)
        .or_else(|_| RsaPublicKey::from_pkcs1_der(der))
        .map_err(|_| KeyError::BadKey("RSA"))?;
    let bits = key.n().bits();
    if bits < MIN_RSA_BITS {
        return Err(KeyError::KeyTooSmall(bits));
    }
    Ok(key)
}

/// RFC 8463 section 4.2: the bare 32-byte key.
fn ed25519_public_key(bytes: &[u8]) -> Result<ed25519_dalek::VerifyingKey, KeyError> {
    let bytes: &[u8; 32] = bytes.try_into().map_err(|_| KeyError::BadKey("Ed25519"))?;
    ed25519_dalek::VerifyingKey::from_bytes(bytes).map_err(|_| KeyError::BadKey("Ed25519"))
}

impl PublicKey {
    /// `rsa` or `ed25519`.
    pub fn key_type(&self) -> &'static str {
        match self {
            Self::Rsa(_) => "rsa",
            Self::Ed25519(_) => "ed25519",
        }
    }

    /// Whether `signature` signs the SHA-256 `digest` of the signed data.
    pub fn verifies(&self, digest: &[u8; 32], signature: &[u8]) -> bool {
        match self {
            Self::Rsa(key) => key
                .verify(Pkcs1v15Sign::new::<Sha256>(), digest, signature)
                .is_ok(),
            Self::Ed25519(key) => ed25519_dalek::Signature::from_slice(signature)
                .is_ok_and(|signature| key.verify(digest, &signature).is_ok()),
        }
    }
}

/// Why a private key does not load.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PrivateKeyError {
    /// The bytes are not a PKCS#1 RSA private key.
    #[error("not a PKCS#1 DER RSA private key")]
    BadRsaKey,
    /// The text is not base64.
    #[error("the key is not valid base64")]
    BadBase64,
    /// An Ed25519 seed is 32 bytes.
    #[error("an Ed25519 private key is a 32-byte seed")]
    BadEd25519Seed,
    /// The RSA key is too short to hold a SHA-256 PKCS#1 signature.
    #[error("the RSA key is too short to sign")]
    CannotSign,
}

/// A private key that signs.
#[derive(Debug, Clone)]
pub enum SigningKey {
    /// An RSA key (rsa-sha256).
    Rsa(Box<RsaPrivateKey>),
    /// An Ed25519 key (ed25519-sha256).
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

impl SigningKey {
    /// An RSA key from base64 PKCS#1 DER (a PEM file's body).
    pub fn rsa_from_base64(text: &str) -> Result<Self, PrivateKeyError> {
        let der = STANDARD
            .decode(without_fws(text))
            .map_err(|_| PrivateKeyError::BadBase64)?;
        let key = RsaPrivateKey::from_pkcs1_der(&der).map_err(|_| PrivateKeyError::BadRsaKey)?;
        Ok(Self::Rsa(Box::new(key)))
    }

    /// An Ed25519 key from its base64 32-byte seed (RFC 8032 section 5.1.5).
    pub fn ed25519_from_base64(text: &str) -> Result<Self, PrivateKeyError> {
        let seed = STANDARD
            .decode(without_fws(text))
            .map_err(|_| PrivateKeyError::BadBase64)?;
        let seed: [u8; 32] = seed
            .try_into()
            .map_err(|_| PrivateKeyError::BadEd25519Seed)?;
        Ok(Self::Ed25519(Box::new(
            ed25519_dalek::SigningKey::from_bytes(&seed),
        )))
    }

    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> Algorithm {
        match self {
            Self::Rsa(_) => Algorithm::RsaSha256,
            Self::Ed25519(_) => Algorithm::Ed25519Sha256,
        }
    }

    /// The signature of a SHA-256 `digest` (PKCS#1 v1.5 is deterministic,
    /// Ed25519 too: no random source is used).
    pub fn sign_digest(&self, digest: &[u8; 32]) -> Result<Vec<u8>, PrivateKeyError> {
        match self {
            Self::Rsa(key) => key
                .sign(Pkcs1v15Sign::new::<Sha256>(), digest)
                .map_err(|_| PrivateKeyError::CannotSign),
            Self::Ed25519(key) => Ok(key.sign(digest).to_bytes().to_vec()),
        }
    }

    /// The TXT text that publishes the public half:
    /// `v=DKIM1; k=ed25519; p=...`.
    pub fn key_record(&self) -> String {
        let public = match self {
            Self::Rsa(key) => RsaPublicKey::from(key.as_ref())
                .to_public_key_der()
                .map(|der| der.as_bytes().to_vec())
                .unwrap_or_default(),
            Self::Ed25519(key) => key.verifying_key().to_bytes().to_vec(),
        };
        format!(
            "v=DKIM1; k={}; p={}",
            self.algorithm().key_type(),
            STANDARD.encode(public)
        )
    }
}
