//! The DNS questions SPF, DKIM and DMARC ask, answered from the simulated
//! network (or from a test's own resolver that can also time out).

use core::net::IpAddr;

use smtplab_engine::network::dns;
use smtplab_engine::network::{Network, RecordData, RecordType};
use thiserror::Error;

/// A query that got no answer at all (a timeout or SERVFAIL): SPF and
/// DMARC call it a temporary error, DKIM a TEMPFAIL.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("the DNS query for {name} {record_type} timed out")]
pub struct DnsFailure {
    /// The name asked.
    pub name: String,
    /// The type asked, as dig writes it.
    pub record_type: &'static str,
}

/// What a lookup found: an empty list is NODATA or NXDOMAIN alike (both
/// are "void lookups" for RFC 7208 section 4.6.4).
pub type Answers<T> = Result<Vec<T>, DnsFailure>;

/// The four kinds of question the mail authentication checks ask.
pub trait Resolver {
    /// TXT records of `name`, each record's strings joined.
    fn txt(&self, name: &str) -> Answers<String>;
    /// A records (`ipv6` false) or AAAA records (`ipv6` true) of `name`.
    fn addresses(&self, name: &str, ipv6: bool) -> Answers<IpAddr>;
    /// MX targets of `name`, by preference.
    fn exchangers(&self, name: &str) -> Answers<String>;
    /// PTR names of `address`.
    fn pointers(&self, address: IpAddr) -> Answers<String>;
}

/// The simulated network never times out: every answer comes from its zones.
impl Resolver for Network {
    fn txt(&self, name: &str) -> Answers<String> {
        Ok(dns::txt(self, name).texts)
    }

    fn addresses(&self, name: &str, ipv6: bool) -> Answers<IpAddr> {
        let record_type = if ipv6 {
            RecordType::Aaaa
        } else {
            RecordType::A
        };
        let found = dns::lookup(self, name, record_type)
            .answers
            .into_iter()
            .filter_map(|record| match record.data {
                RecordData::A(a) => Some(IpAddr::V4(a)),
                RecordData::Aaaa(a) => Some(IpAddr::V6(a)),
                _ => None,
            })
            .collect();
        Ok(found)
    }

    fn exchangers(&self, name: &str) -> Answers<String> {
        let mut found: Vec<(u16, String)> = dns::lookup(self, name, RecordType::Mx)
            .answers
            .into_iter()
            .filter_map(|record| match record.data {
                RecordData::Mx {
                    preference,
                    exchange,
                } => Some((preference, exchange)),
                _ => None,
            })
            .collect();
        found.sort_by_key(|(preference, _)| *preference);
        Ok(found.into_iter().map(|(_, name)| name).collect())
    }

    fn pointers(&self, address: IpAddr) -> Answers<String> {
        let name = dns::reverse_name(address);
        let found = dns::lookup(self, &name, RecordType::Ptr)
            .answers
            .into_iter()
            .filter_map(|record| match record.data {
                RecordData::Ptr(target) => Some(target),
                _ => None,
            })
            .collect();
        Ok(found)
    }
}
