//! SPF (RFC 7208), DKIM (RFC 6376, RFC 8463) and DMARC (RFC 7489) over the
//! simulated network's DNS, with the `Received-SPF` and
//! `Authentication-Results` (RFC 8601) headers a receiver adds and a
//! plain-English sentence for each result. Pure and deterministic: no
//! clock, no randomness, no I/O; it builds for wasm32-unknown-unknown.
//!
//! ```text
//!  report::evaluate(network, ip, helo, mail_from, message) -> AuthReport
//!     ├─ spf::check_mail_from ── resolver (Network's DNS) ──► SpfOutcome
//!     ├─ dkim::verify_all (message, canon, tags, key records) ──► DkimVerification each
//!     ├─ dmarc::evaluate (From domain, _dmarc record, alignment) ──► DmarcOutcome
//!     └─ disposition: Accept / Quarantine / Reject(550 5.7.x) / Defer(451)
//!  dkim::sign(message, domain, selector, key) ──► DKIM-Signature field (keys: the simulated domains')
//!  receiver::MailAuthChecks: the engine's ReceiverChecks hook (sign on 587, check at final delivery)
//! ```

pub mod dkim;
pub mod dmarc;
pub mod keys;
pub mod message;
pub mod receiver;
pub mod report;
pub mod resolver;
pub mod results;
pub mod spf;
pub mod tags;

pub use dkim::sign;
pub use receiver::MailAuthChecks;
pub use report::{evaluate, evaluate_with, AuthReport, Disposition, Refusal};
pub use resolver::{Answers, DnsFailure, Resolver};
