//! The server's TLS identity for `smtplab serve`: a certificate and key read
//! from PEM files (`--tls-cert`, `--tls-key`), checked before anything
//! listens, or a self-signed one made at start; and the rustls settings
//! every STARTTLS and `--tls-listen` handshake uses.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::ServerConfig;
use rustls::sign::CertifiedKey;
use rustls::InconsistentKeys;
use tokio_rustls::TlsAcceptor;

/// Why the server's TLS could not be set up; every message names the file
/// and what is wrong with it.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// A file could not be read.
    #[error("{}: cannot read the {what} file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// "certificate" or "key".
        what: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// The certificate file is not PEM, or holds no certificate.
    #[error("{}: no certificate in it ({reason}); it must hold PEM \"BEGIN CERTIFICATE\" blocks, the server's first", path.display())]
    NoCertificate {
        /// The file.
        path: PathBuf,
        /// What the PEM reader found.
        reason: String,
    },
    /// The key file is not PEM, or holds no private key.
    #[error("{}: no private key in it ({reason}); it must hold one PEM \"PRIVATE KEY\" block (PKCS#8, PKCS#1 or SEC1)", path.display())]
    NoKey {
        /// The file.
        path: PathBuf,
        /// What the PEM reader found.
        reason: String,
    },
    /// The key is PEM but not a key rustls can sign with.
    #[error("{}: the private key cannot be used: {reason}", path.display())]
    BadKey {
        /// The file.
        path: PathBuf,
        /// What rustls said.
        reason: rustls::Error,
    },
    /// The certificate is PEM but not a certificate.
    #[error("{}: the certificate cannot be used: {reason}", path.display())]
    BadCertificate {
        /// The file.
        path: PathBuf,
        /// What rustls said.
        reason: rustls::Error,
    },
    /// The key is not the certificate's.
    #[error("{}: this private key does not belong to the certificate in {}", key.display(), certificate.display())]
    Mismatch {
        /// The certificate file.
        certificate: PathBuf,
        /// The key file.
        key: PathBuf,
    },
    /// Only one of `--tls-cert` and `--tls-key` was given.
    #[error("--tls-cert and --tls-key go together: {0} is missing")]
    HalfPair(&'static str),
    /// The self-signed certificate could not be made.
    #[error("cannot make a self-signed certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the settings.
    #[error("TLS settings: {0}")]
    Config(#[from] rustls::Error),
}

/// Where the certificate came from, for the start-up log.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Made at start for these names.
    SelfSigned(Vec<String>),
    /// Read from `--tls-cert`.
    File(PathBuf),
}

/// What every TLS handshake of the server uses.
#[derive(Clone)]
pub struct ServerTls {
    /// Hands a TCP stream through the handshake.
    pub acceptor: TlsAcceptor,
    /// SHA-256 of the server's certificate, `AB:CD:...` as `openssl x509
    /// -fingerprint -sha256` prints it.
    pub fingerprint: String,
    /// Where the certificate came from.
    pub origin: Origin,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTls")
            .field("fingerprint", &self.fingerprint)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// From `--tls-cert` and `--tls-key` if given (both or neither), else a
    /// certificate made now for `names` (host names and IP addresses).
    pub fn new(
        cert: Option<&Path>,
        key: Option<&Path>,
        names: Vec<String>,
    ) -> Result<Self, TlsSetupError> {
        let (chain, key, origin) = match (cert, key) {
            (Some(cert), Some(key)) => {
                let (chain, key) = read_pair(cert, key)?;
                (chain, key, Origin::File(cert.to_owned()))
            }
            (Some(_), None) => return Err(TlsSetupError::HalfPair("--tls-key")),
            (None, Some(_)) => return Err(TlsSetupError::HalfPair("--tls-cert")),
            (None, None) => {
                let (chain, key) = self_signed(names.clone())?;
                (chain, key, Origin::SelfSigned(names))
            }
        };
        let fingerprint = chain.first().map(|c| fingerprint(c)).unwrap_or_default();
        let config = ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(chain, key)?;
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            fingerprint,
            origin,
        })
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificate chain and key from their files, checked to belong
/// together, so that a wrong pair stops the server at start and not every
/// client at its handshake.
fn read_pair(
    cert_path: &Path,
    key_path: &Path,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsSetupError> {
    let read = |path: &Path, what| {
        std::fs::read(path).map_err(|source| TlsSetupError::Read {
            path: path.to_owned(),
            what,
            source,
        })
    };
    let cert_pem = read(cert_path, "certificate")?;
    let key_pem = read(key_path, "key")?;
    let no_certificate = |reason: String| TlsSetupError::NoCertificate {
        path: cert_path.to_owned(),
        reason,
    };
    let chain = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| no_certificate(pem_problem(&e)))?;
    if chain.is_empty() {
        return Err(no_certificate("no PEM block".into()));
    }
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|e| TlsSetupError::NoKey {
        path: key_path.to_owned(),
        reason: pem_problem(&e),
    })?;
    check_pair(&chain, &key, cert_path, key_path)?;
    Ok((chain, key))
}

fn check_pair(
    chain: &[CertificateDer<'static>],
    key: &PrivateKeyDer<'static>,
    cert_path: &Path,
    key_path: &Path,
) -> Result<(), TlsSetupError> {
    let signing = provider()
        .key_provider
        .load_private_key(key.clone_key())
        .map_err(|reason| TlsSetupError::BadKey {
            path: key_path.to_owned(),
            reason,
        })?;
    match CertifiedKey::new(chain.to_vec(), signing).keys_match() {
        // Unknown: the key cannot say its public half; rustls lets that by.
        Ok(()) | Err(rustls::Error::InconsistentKeys(InconsistentKeys::Unknown)) => Ok(()),
        Err(rustls::Error::InconsistentKeys(InconsistentKeys::KeyMismatch)) => {
            Err(TlsSetupError::Mismatch {
                certificate: cert_path.to_owned(),
                key: key_path.to_owned(),
            })
        }
        Err(reason) => Err(TlsSetupError::BadCertificate {
            path: cert_path.to_owned(),
            reason,
        }),
    }
}

/// The PEM reader's complaint in words.
fn pem_problem(error: &pem::Error) -> String {
    match error {
        pem::Error::NoItemsFound => "no PEM block of that kind".into(),
        pem::Error::MissingSectionEnd { .. } => "a PEM block has no END line".into(),
        pem::Error::IllegalSectionStart { .. } => "a PEM BEGIN line is malformed".into(),
        pem::Error::Base64Decode(_) => "a PEM block is not valid base64".into(),
        other => other.to_string(),
    }
}

/// A new key pair and a certificate for `names` (the first also its
/// common name, which `openssl s_client` and swaks show), signed by itself.
fn self_signed(
    names: Vec<String>,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), TlsSetupError> {
    let common_name = names.first().cloned().unwrap_or_else(|| "smtplab".into());
    let mut params = rcgen::CertificateParams::new(names)?;
    let mut subject = rcgen::DistinguishedName::new();
    subject.push(rcgen::DnType::CommonName, common_name);
    subject.push(rcgen::DnType::OrganizationName, "smtplab sandbox");
    params.distinguished_name = subject;
    let key_pair = rcgen::KeyPair::generate()?;
    let cert = params.self_signed(&key_pair)?;
    let key = PrivateKeyDer::Pkcs8(key_pair.serialize_der().into());
    Ok((vec![cert.der().clone()], key))
}

/// SHA-256 of `certificate`, as colon-separated upper-case hex pairs.
pub fn fingerprint(certificate: &CertificateDer<'_>) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, certificate.as_ref());
    let pairs: Vec<String> = digest
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect();
    pairs.join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Vec<String> {
        vec!["mail.example.com".into(), "127.0.0.1".into()]
    }

    #[test]
    fn a_self_signed_certificate_is_made_with_a_fingerprint() {
        let tls = ServerTls::new(None, None, names()).unwrap();
        assert_eq!(tls.fingerprint.len(), 32 * 3 - 1, "{}", tls.fingerprint);
        assert!(matches!(tls.origin, Origin::SelfSigned(ref n) if n == &names()));
    }

    #[test]
    fn broken_or_mismatched_files_name_the_file_and_the_fault() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, text).unwrap();
            path
        };
        let one = rcgen::generate_simple_self_signed(names()).unwrap();
        let other = rcgen::generate_simple_self_signed(names()).unwrap();
        let cert = write("cert.pem", &one.cert.pem());
        let key = write("key.pem", &one.key_pair.serialize_pem());
        let other_key = write("other.pem", &other.key_pair.serialize_pem());
        let junk = write("junk.pem", "not a certificate\n");
        let missing = dir.path().join("missing.pem");
        assert!(ServerTls::new(Some(&cert), Some(&key), vec![]).is_ok());
        for (cert, key, wanted) in [
            (
                &missing,
                &key,
                "missing.pem: cannot read the certificate file: ",
            ),
            (&junk, &key, "junk.pem: no certificate in it (no PEM block"),
            (&cert, &junk, "junk.pem: no private key in it ("),
            (
                &cert,
                &other_key,
                "other.pem: this private key does not belong to the certificate in ",
            ),
        ] {
            let error = ServerTls::new(Some(cert), Some(key), vec![]).unwrap_err();
            assert!(error.to_string().contains(wanted), "{error}");
        }
        let half = ServerTls::new(Some(&cert), None, vec![]).unwrap_err();
        assert_eq!(
            half.to_string(),
            "--tls-cert and --tls-key go together: --tls-key is missing"
        );
    }
}
