//! The DKIM keys of the simulated domains: fixed test keys, so every run
//! signs alike and no key is made at run time. The default network
//! publishes their public halves at `selector._domainkey.domain`.
//!
//! They are public on purpose (this is a teaching sandbox): never use
//! them for real mail.

use sha2::{Digest as _, Sha256};

use crate::dkim::{Algorithm, SigningKey};

/// One simulated domain's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SimulatedKey {
    /// The signing domain (`d=`).
    pub domain: &'static str,
    /// The selector (`s=`).
    pub selector: &'static str,
    /// The algorithm it signs with.
    pub algorithm: Algorithm,
}

/// Every simulated key, the preferred one of each domain first.
pub const SIMULATED_KEYS: &[SimulatedKey] = &[
    SimulatedKey {
        domain: "isp.example",
        selector: "rsa2026",
        algorithm: Algorithm::RsaSha256,
    },
    SimulatedKey {
        domain: "isp.example",
        selector: "ed2026",
        algorithm: Algorithm::Ed25519Sha256,
    },
    SimulatedKey {
        domain: "example.org",
        selector: "rsa2026",
        algorithm: Algorithm::RsaSha256,
    },
    SimulatedKey {
        domain: "example.org",
        selector: "ed2026",
        algorithm: Algorithm::Ed25519Sha256,
    },
];

/// isp.example's 2048-bit RSA key, PKCS#1 DER in base64.
const ISP_RSA: &str = "\
MIIEogIBAAKCAQEAkykynynS2aQF9QgqVWDBOGZMyJyKyVuEZ/nz/lMacc7i5uMFVy5sGZeHG5/1\
fFDBluQsclceyM736VL7PYKVY8FV+4NFuRUYnGzMvcgr57lwr83tg9+vIAynEdVVsTFbE9He04nH\
n1fcySXYvQvMxSj1TawlNQRmRdaDkwvh6V+DeUloXnqcZ9thV7i1hqBFaXkNrSBr2FVLL1eDaPNI\
tPxUFQ6t8QMknrsR4u0wf0HnpBSE8eU8AY27Hq4pGAeHknwsT4WHlR5Q+eCWFo385XK6TWz1Odlr\
WlCoOPQrg5NtDR64t6gWBD6s0CKwa6RvzI2jF/KU/sg/Q+9nrs2dWQIDAQABAoIBAAMuvOgxoLG8\
Q7S3kdLO3jQ4t3252kvd2CXiLfiuFhWoAm2OiKsIrKXRCnGlKqCe+SYo68fSl9ktQLH3GB/jFxVV\
NRAqF/Psv4otKtsKh93hu3d8iJ/K0qAVe0zTbvWqD5eEzmuHa0hy6f90+2ml5lkijaDkZtmYAsON\
OW3mBTi6zlenDPT/FW3Fw4BgMVIld7wkMu8ML9Shf/gxIVJLPLCu4TZQEwMpNByVfMVR7X8X2hoe\
VdHK8Hi1AVGDhIbNCh5qxca4td1yLuAlMyyQd0RXRFWn5OtgnuhziN2W+4ITytAFm9errBOjG5u1\
/kP7qJg9K0TvuHBTVDvAwsNnuJECgYEAyaZdbrj2xWpyJ1CmU6o8DNi2Jyc1ww7HMpb67Jk5ISeR\
VZvbRJzEGxQZwJUYclTGGUXcTtKjrH2Bz2MOl2TOS5ZhM5CT7odmUirVULnkxEiKHEHv/gFJjMUe\
ftkEQb/n4KOuczNK8Tq1Gb/bQM4lGy1shW6ZmyTGhRGUdeV+IB8CgYEAutMm3i8FNT1gU6aOGidE\
VSyWwVS0rPl69lU2gXtWJ1N0xDfx6GIs3aD6qS5G3kCjFgUIx48anoLRCKiwDv5R35rkByqgVTt3\
ot+lw7f/8xvZUr1rKTQwkgv268K0OvkE+cgB/zR/JWTHHzKrQ213R2UDGejeJW7hWv6jdfiLs4cC\
gYAqfq/D7KC8e7EwzdMvYHmlL2o7mAzBXXTnGWApyiR68y6yftTXgb3mAvdmWUU8mtbgbpN93O/3\
Ir/fZ32ks+6xiTBUwIwcQVZzzGkFyRcHsk3ApLihq73HN6c0jiFShdGkynmx90Y8zeVqVr8qygaR\
0qHDAMrIIhjf5BOIQOOyewKBgCmzH6XQEPWFMY76ShWEVjg8r5mPcpR5SvzYoEXeZah5dEKnyhL4\
dtMxL0G71o2dF8m+bes9AdAHmui33jQ6h8PFKsh+tzLPBzEPgkxhMXvt52AUb2rO/1hZ209cMiZH\
lti5z9hKu2Z5TAimopt2P31sCnkqBQuN6DcLRyj5xRTZAoGAHGBLlMSMze6fNb9cF0Oy54q6jKXI\
dJzyM+PI50m3gsQJBsbPbine9cdAE14NAfexl67pzzEXOCD3xzVILOUWUBUVdyNi9bRlKerTuz0o\
3Rb0bKd3iqaddXSUnH8p0ZyXxJga7dwKtPHJwbXuMY0329AX+bQL1hxDNpCJhuSS59E=";

/// example.org's 2048-bit RSA key, PKCS#1 DER in base64.
const ORG_RSA: &str = "\
MIIEpAIBAAKCAQEAxVANOFKpn+PjA4dbRO4eFmLKOMB5WFMOhMu1+HB+Pzw05i9rQDTtf+UvAF78\
kCn4tIlI8et6+6PlSGsCqavXSYavKLVxDRwymlhfGevCG25HDcliYw1gxoNnaQqZktw6SbO7x5if\
3SzMU+Ce8BA1xFIPCA2j+clEfYt3Gl0hG5scR163yeVrpE7yrT3WsW2E89svZTC4Y5JmETARmH3b\
koU355ebJPs9M4WCLO7qDsTdwxCBhoWp1W3UT/Al9cbOdCYnzQXYP6KLlZ8ZbDDKm5fw8iapiNOz\
qSkPtdaZlIiG37RHZtfVXVudGiMkPdAsLPS7lH9AblKP6xTDcjXwkQIDAQABAoIBAAK5S7jB3bUB\
uPlW9HiM68tTPAzWQwk9ep30miDxZvFscqOqVtSlM7xKykWFqil7Ji4ngS3+Gj2legWax5JsIeh8\
5Ie0oIMbMcDNyetM+j91cWOUSqhzekkR7jr7R4Uz3IChC5gHkvkN9Hikc/aRrLer9SiUl/Vw6jeB\
oJMTjctTHbls///BLeth/LIjSknd0+po+AWGngZh1KGM1gCkqVmANHJWjmBVBouszgDF32WOp/1E\
u8DCfxkgkRGLUzGEa/RLk7wF53gDguGdu7Yj+Wd/iZRvVdaxOlGu16ilHFvVTuWSEpXS/GqcecJR\
OMtvdGZBd3tV6LYjVaEgQgBYRZkCgYEA+XdeMg47q2hCcxP4ReYZphCjFZ/jZt8lDOfXtRTUv/et\
IGkkRHHv1QpCU/ZHx7Uv7R2J4P+OPScM4kLRvHz16fywG3X+zcUlaEzzqAMlneaiys0nj6XRoRqR\
+z68oUsjGlkXPQKqMOOcsBKrrw3DKS/KIdMfG987PRWYpBNLlwkCgYEAynsAjjJ1IRjJixse8DD8\
JIYV/Mq+wskfSCWL2JCJQ71lwPcrWJ4P7vvmnNeft6IipQu1DPmjS3HuVjl637+YXdsXS0JkDk9X\
qbn87S8T6Qb8jgMQl1CIIqP0ld2upJSeDsr7RUz3hDa2vq6A3rllDGif4Yfq5lo8C4a/IyBZp0kC\
gYBYurpIN4PFramk4L93rSYGSPiYomvxlQDKnFO+1o/tT5zGYF9D8PqK3cFFt91EDQ/k2JLH8l2X\
JqKQf4+16QRWm0fQHKHqcmqhtG0dnzDr/rJ8S4f8sc/j611s7Z2OCPmNT47SZnY+OVbr0Vg7RTvb\
FGJisYLpGPcq/Nlz0mEacQKBgQCajI5c+0iKDahwZDAWN92NZ0dLH9nBRdB5uibnE1Oif+M2CbNt\
PaB90oowtyiy+q+k+K2mDLnGcVzxNYiDVnPPV9aM3E0Q2yDXbR4QUDnLSUjmgJJeXNq8Thb3eTC/\
cKzAL9DhEaFvqm+MVhgJaMsnUIiQlbUHRGLGjYBBKIUl+QKBgQCWod9MORVbtWltq/U67x0TPUHy\
EDNPJanpPZXu+U0GNwV5MNMIvSo3zckwC+rLLef/LTNqPHmZY1foDgOyiycl2QfFU2O/k90LvZNp\
Tei2DL16A4e0m9PQdhBQGz/K0NYkLpnWPJsD40yTUtMV+kIzf9FMX+B7TFeBjp13cr9Fdw==";

impl SimulatedKey {
    /// The private key: the embedded RSA key, or an Ed25519 key whose seed
    /// is the SHA-256 of `smtplab dkim <selector>._domainkey.<domain>`.
    pub fn signing_key(&self) -> Option<SigningKey> {
        match self.algorithm {
            Algorithm::RsaSha256 => {
                let text = match self.domain {
                    "isp.example" => ISP_RSA,
                    "example.org" => ORG_RSA,
                    _ => return None,
                };
                SigningKey::rsa_from_base64(text).ok()
            }
            Algorithm::Ed25519Sha256 => {
                let label = format!("smtplab dkim {}._domainkey.{}", self.selector, self.domain);
                let seed: [u8; 32] = Sha256::digest(label.as_bytes()).into();
                Some(SigningKey::Ed25519(Box::new(
                    ed25519_dalek::SigningKey::from_bytes(&seed),
                )))
            }
        }
    }

    /// The name its public key is published at.
    pub fn record_name(&self) -> String {
        format!("{}._domainkey.{}", self.selector, self.domain)
    }
}

/// The key for `domain` with `selector`, if the network has one.
pub fn simulated_key(domain: &str, selector: &str) -> Option<SigningKey> {
    SIMULATED_KEYS
        .iter()
        .find(|k| {
            k.domain.eq_ignore_ascii_case(domain) && k.selector.eq_ignore_ascii_case(selector)
        })
        .and_then(SimulatedKey::signing_key)
}

/// The preferred key of `domain`: its selector and key.
pub fn preferred_key(domain: &str) -> Option<(&'static str, SigningKey)> {
    let key = SIMULATED_KEYS
        .iter()
        .find(|k| k.domain.eq_ignore_ascii_case(domain))?;
    Some((key.selector, key.signing_key()?))
}
