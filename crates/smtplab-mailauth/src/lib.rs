//! SPF (RFC 7208), DKIM (RFC 6376, RFC 8463) and DMARC (RFC 7489) over the
//! simulated network's DNS, with the `Received-SPF` and
//! `Authentication-Results` (RFC 8601) headers a receiver adds and a
//! plain-English sentence for each result. Pure and deterministic: no
//! clock, no randomness, no I/O; it builds for wasm32-unknown-unknown.

pub mod resolver;
pub mod spf;

pub use resolver::{Answers, DnsFailure, Resolver};
pub mod dkim;
pub mod dmarc;
pub mod keys;
pub mod message;
pub mod report;
pub mod results;
pub mod tags;

pub use dkim::sign;
pub use report::{evaluate, evaluate_with, AuthReport, Disposition, Refusal};
