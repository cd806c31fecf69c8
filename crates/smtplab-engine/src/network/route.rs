//! Where a host sends mail next: for each recipient domain, local
//! delivery or the ordered next hops (a smarthost, or the MX hosts by
//! preference with the host's own entry and everything after it dropped,
//! RFC 5321 section 5.1), or why there is nowhere to send it.

use core::fmt;
use core::net::IpAddr;

use super::dns::{mail_exchangers, MailDnsError};
use super::{normalize_name, Network, SMTP_PORT};
use crate::enhanced_code::EnhancedCode;

/// One place to try, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextHop {
    /// The host name (the MX exchange, or the smarthost).
    pub host: String,
    /// The address to connect to.
    pub address: IpAddr,
    /// The port.
    pub port: u16,
    /// Its MX preference (0 for a smarthost or an implicit MX).
    pub preference: u16,
}

/// What to do with mail for one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The host delivers it itself.
    Local,
    /// Try these, in order, until one takes it.
    Relay(Vec<NextHop>),
}

/// Why mail for a domain cannot go anywhere: every one is permanent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteError {
    /// DNS says there is no mail host.
    Dns(MailDnsError),
    /// The host is the best MX of a domain it does not deliver
    /// (RFC 5321 section 5.1: it must not send to itself or to worse MXs).
    LoopsBack {
        /// The domain.
        domain: String,
        /// The host.
        host: String,
    },
    /// The MX hosts have no addresses.
    NoAddress(String),
}

impl RouteError {
    /// The RFC 3463 status a report gives it.
    pub fn status(&self) -> EnhancedCode {
        match self {
            Self::Dns(MailDnsError::NullMx(_)) => EnhancedCode::new(5, 1, 10),
            Self::Dns(MailDnsError::NoSuchDomain(_)) => EnhancedCode::new(5, 1, 2),
            Self::Dns(MailDnsError::NoMailHost(_)) | Self::NoAddress(_) => {
                EnhancedCode::new(5, 4, 4)
            }
            Self::LoopsBack { .. } => EnhancedCode::new(5, 4, 6),
        }
    }
}

impl fmt::Display for RouteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Dns(error) => write!(f, "{error}"),
            Self::LoopsBack { domain, host } => {
                write!(f, "mail for {domain} loops back to myself ({host})")
            }
            Self::NoAddress(domain) => write!(f, "no MX host for {domain} has an address"),
        }
    }
}

/// The route from host `from` for mail to `domain`.
pub fn route(network: &Network, from: &str, domain: &str) -> Result<Route, RouteError> {
    let domain = normalize_name(domain);
    let sender = network.host(from);
    if sender.is_some_and(|h| h.is_final_for(&domain)) {
        return Ok(Route::Local);
    }
    if let Some(smarthost) = sender.and_then(|h| h.smarthost.as_deref()) {
        let hops = network.host(smarthost).map_or_else(Vec::new, |relay| {
            relay
                .addresses
                .iter()
                .map(|address| NextHop {
                    host: relay.name.clone(),
                    address: *address,
                    port: SMTP_PORT,
                    preference: 0,
                })
                .collect()
        });
        return non_empty(hops, &domain);
    }
    let mut exchangers = mail_exchangers(network, &domain).map_err(RouteError::Dns)?;
    if let Some(own) = exchangers
        .iter()
        .find(|e| e.name.eq_ignore_ascii_case(from))
        .map(|e| e.preference)
    {
        exchangers.retain(|e| e.preference < own);
        if exchangers.is_empty() {
            return Err(RouteError::LoopsBack {
                domain,
                host: from.to_owned(),
            });
        }
    }
    let hops = exchangers
        .iter()
        .flat_map(|e| {
            e.addresses.iter().map(|address| NextHop {
                host: e.name.clone(),
                address: *address,
                port: SMTP_PORT,
                preference: e.preference,
            })
        })
        .collect();
    non_empty(hops, &domain)
}

fn non_empty(hops: Vec<NextHop>, domain: &str) -> Result<Route, RouteError> {
    if hops.is_empty() {
        Err(RouteError::NoAddress(domain.to_owned()))
    } else {
        Ok(Route::Relay(hops))
    }
}

/// The domain of an address (after the last `@`), lower case; empty for a
/// bare local part.
pub fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map_or_else(String::new, |(_, domain)| normalize_name(domain))
}

/// Recipient indexes grouped by domain, in order of first appearance:
/// one connection per destination, as MTAs batch them.
pub fn group_by_domain<'a>(
    addresses: impl IntoIterator<Item = &'a str>,
) -> Vec<(String, Vec<usize>)> {
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (index, address) in addresses.into_iter().enumerate() {
        let domain = domain_of(address);
        match groups.iter_mut().find(|(d, _)| *d == domain) {
            Some((_, members)) => members.push(index),
            None => groups.push((domain, vec![index])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hops(route: Result<Route, RouteError>) -> Vec<(String, String)> {
        match route {
            Ok(Route::Relay(hops)) => hops
                .into_iter()
                .map(|h| (h.host, h.address.to_string()))
                .collect(),
            other => panic!("{other:?}"),
        }
    }

    fn pair(host: &str, address: &str) -> (String, String) {
        (host.into(), address.into())
    }

    #[test]
    fn routes_from_each_host() {
        let net = Network::default();
        assert_eq!(
            hops(route(&net, "smtp.isp.example", "Example.ORG")),
            [
                pair("mx1.example.org", "198.51.100.10"),
                pair("mx1.example.org", "2001:db8:51::10"),
                pair("mx2.example.org", "198.51.100.20"),
            ]
        );
        // The backup MX drops itself and everything at or after its preference.
        assert_eq!(
            hops(route(&net, "mx2.example.org", "example.org")),
            [
                pair("mx1.example.org", "198.51.100.10"),
                pair("mx1.example.org", "2001:db8:51::10")
            ]
        );
        assert_eq!(
            route(&net, "mx1.example.org", "example.org"),
            Ok(Route::Local)
        );
        assert_eq!(
            hops(route(&net, "smtp.isp.example", "oldschool.example")),
            [pair("oldschool.example", "198.51.100.30")]
        );
        assert_eq!(
            hops(route(&net, "smtp.isp.example", "down.example")),
            [pair("mail.down.example", "192.0.2.25")],
            "a host that is down is still the route: the attempt finds out"
        );
    }

    #[test]
    fn unroutable_domains_fail_with_their_status() {
        let mut net = Network::default();
        net.hosts[2].world.domains.clear();
        net.domains[1].records[0] = "example.org MX 30 mx1.example.org".parse().unwrap();
        for (domain, from, status) in [
            ("nomail.example", "smtp.isp.example", "5.1.10"),
            ("nosuch.example", "smtp.isp.example", "5.1.2"),
            ("dsl.isp.example", "mx1.example.org", "5.4.4"),
            ("example.org", "mx2.example.org", "5.4.6"),
        ] {
            let error = route(&net, from, domain).unwrap_err();
            assert_eq!(error.status().to_string(), status, "{domain}: {error}");
        }
    }

    #[test]
    fn a_smarthost_takes_everything_not_local() {
        let mut net = Network::default();
        net.hosts[5].smarthost = Some("smtp.isp.example".into());
        assert_eq!(
            hops(route(&net, "mail.example.com", "nomail.example")),
            [pair("smtp.isp.example", "203.0.113.10")]
        );
        assert_eq!(
            route(&net, "mail.example.com", "example.com"),
            Ok(Route::Local)
        );
    }

    #[test]
    fn recipients_group_by_domain_in_order() {
        let groups = group_by_domain(["a@x.example", "b@Y.example", "c@X.EXAMPLE", "postmaster"]);
        assert_eq!(
            groups,
            [
                ("x.example".to_owned(), vec![0, 2]),
                ("y.example".to_owned(), vec![1]),
                (String::new(), vec![3]),
            ]
        );
    }
}
