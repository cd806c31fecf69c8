//! Checks a network description before anything runs on it: every name a
//! DNS name, every MX pointing at a name with an address, no null MX
//! beside others, smarthost chains that end, domains whose best MX
//! delivers them, a postmaster everywhere. Each error names the field.

use core::fmt;
use std::collections::HashSet;

use super::{in_zone, is_dns_name, normalize_name, Host, Network, RecordData, RecordType};
use super::{SMTP_PORT, SUBMISSION_PORT};

/// Why a network description was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkError {
    /// The field's path, such as `domains[1].records[0]` or `hosts[2].world`.
    pub field: String,
    /// What is wrong with it.
    pub problem: NetworkProblem,
}

/// What is wrong with a network description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NetworkProblem {
    /// Not a DNS name.
    BadName(String),
    /// Two zones or two hosts of the same name.
    Duplicate(String),
    /// A record whose owner is outside the zone it is listed in.
    OutsideZone {
        /// The record's owner.
        owner: String,
        /// The zone it was listed in.
        zone: String,
    },
    /// An MX whose exchange has no A or AAAA record anywhere.
    DanglingMx {
        /// The exchange named.
        exchange: String,
    },
    /// A null MX (RFC 7505) beside other MX records for the same name.
    NullMxNotAlone {
        /// The owner.
        domain: String,
    },
    /// Two hosts listening on one address.
    AddressTaken(core::net::IpAddr),
    /// A host without addresses.
    NoAddress,
    /// A port the simulation does not serve.
    UnsupportedPort(u16),
    /// A smarthost that is not a host of the network.
    UnknownHost(String),
    /// Smarthosts that lead back round: each host's mail would go on for ever.
    RelayLoop {
        /// The hosts, in the order mail would visit them, the first again at the end.
        chain: Vec<String>,
    },
    /// A domain whose most preferred MX only relays it, so mail for it
    /// comes back to that host (Postfix: "mail for ... loops back to myself").
    MailLoop {
        /// The domain.
        domain: String,
        /// Its most preferred MX host.
        host: String,
    },
    /// A host whose world has no postmaster (RFC 5321 section 4.5.1).
    MissingPostmaster,
    /// The host's world is inconsistent.
    InvalidWorld(String),
    /// The host's profile is inconsistent.
    InvalidProfile(String),
}

impl fmt::Display for NetworkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for NetworkError {}

impl fmt::Display for NetworkProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadName(name) => write!(f, "`{name}` is not a DNS name"),
            Self::Duplicate(name) => write!(f, "`{name}` is listed twice"),
            Self::OutsideZone { owner, zone } => {
                write!(f, "`{owner}` is not in the zone `{zone}`")
            }
            Self::DanglingMx { exchange } => write!(
                f,
                "the MX points at `{exchange}`, which has no A or AAAA record (RFC 5321 section 5.1)"
            ),
            Self::NullMxNotAlone { domain } => write!(
                f,
                "`{domain}` has a null MX beside other MX records (RFC 7505 section 3)"
            ),
            Self::AddressTaken(address) => write!(f, "{address} belongs to another host already"),
            Self::NoAddress => f.write_str("a host needs at least one address"),
            Self::UnsupportedPort(port) => {
                write!(f, "port {port} is not served: {SMTP_PORT} or {SUBMISSION_PORT}")
            }
            Self::UnknownHost(name) => write!(f, "`{name}` is not a host of the network"),
            Self::RelayLoop { chain } => {
                write!(f, "smarthosts go round in a loop: {}", chain.join(" -> "))
            }
            Self::MailLoop { domain, host } => write!(
                f,
                "the best MX for `{domain}` is `{host}`, which only relays it: mail would loop back to it"
            ),
            Self::MissingPostmaster => f.write_str(
                "there must be a `postmaster` user or alias (RFC 5321 section 4.5.1)",
            ),
            Self::InvalidWorld(reason) | Self::InvalidProfile(reason) => f.write_str(reason),
        }
    }
}

fn error(field: String, problem: NetworkProblem) -> NetworkError {
    NetworkError { field, problem }
}

impl Network {
    /// Checks the whole description; the first problem found is returned.
    pub fn validate(&self) -> Result<(), NetworkError> {
        self.validate_zones()?;
        self.validate_hosts()?;
        self.validate_routes()?;
        self.validate_client()
    }

    fn validate_zones(&self) -> Result<(), NetworkError> {
        let mut seen = HashSet::new();
        for (index, zone) in self.domains.iter().enumerate() {
            let field = format!("domains[{index}]");
            let name = normalize_name(&zone.name);
            if !is_dns_name(&name, false) {
                return Err(error(
                    format!("{field}.name"),
                    NetworkProblem::BadName(zone.name.clone()),
                ));
            }
            if !seen.insert(name.clone()) {
                return Err(error(
                    format!("{field}.name"),
                    NetworkProblem::Duplicate(name),
                ));
            }
            for (at, record) in zone.records.iter().enumerate() {
                let field = format!("{field}.records[{at}]");
                if !in_zone(&record.name, &name) {
                    let problem = NetworkProblem::OutsideZone {
                        owner: record.name.clone(),
                        zone: name.clone(),
                    };
                    return Err(error(field, problem));
                }
                self.validate_record(field, &record.data)?;
            }
            self.validate_null_mx(index)?;
        }
        Ok(())
    }

    fn validate_record(&self, field: String, data: &RecordData) -> Result<(), NetworkError> {
        if let RecordData::Mx { exchange, .. } = data {
            let resolvable = self.records().any(|r| {
                r.name == *exchange && matches!(r.record_type(), RecordType::A | RecordType::Aaaa)
            });
            if !exchange.is_empty() && !resolvable {
                let problem = NetworkProblem::DanglingMx {
                    exchange: exchange.clone(),
                };
                return Err(error(field, problem));
            }
        }
        Ok(())
    }

    fn validate_null_mx(&self, index: usize) -> Result<(), NetworkError> {
        let records = &self.domains[index].records;
        for (at, record) in records.iter().enumerate() {
            let others = records
                .iter()
                .filter(|r| r.name == record.name && r.record_type() == RecordType::Mx)
                .count();
            if record.data.is_null_mx() && others > 1 {
                let problem = NetworkProblem::NullMxNotAlone {
                    domain: record.name.clone(),
                };
                return Err(error(format!("domains[{index}].records[{at}]"), problem));
            }
        }
        Ok(())
    }

    fn validate_hosts(&self) -> Result<(), NetworkError> {
        let mut names = HashSet::new();
        let mut addresses = HashSet::new();
        for (index, host) in self.hosts.iter().enumerate() {
            let field = format!("hosts[{index}]");
            let name = normalize_name(&host.name);
            if !is_dns_name(&name, false) {
                return Err(error(
                    format!("{field}.name"),
                    NetworkProblem::BadName(host.name.clone()),
                ));
            }
            if !names.insert(name.clone()) {
                return Err(error(
                    format!("{field}.name"),
                    NetworkProblem::Duplicate(name),
                ));
            }
            if host.addresses.is_empty() {
                return Err(error(
                    format!("{field}.addresses"),
                    NetworkProblem::NoAddress,
                ));
            }
            for (at, address) in host.addresses.iter().enumerate() {
                if !addresses.insert(*address) {
                    let problem = NetworkProblem::AddressTaken(*address);
                    return Err(error(format!("{field}.addresses[{at}]"), problem));
                }
            }
            validate_host(&field, host)?;
            if let Some(smarthost) = &host.smarthost {
                if self.host(smarthost).is_none() {
                    let problem = NetworkProblem::UnknownHost(smarthost.clone());
                    return Err(error(format!("{field}.smarthost"), problem));
                }
            }
        }
        for (index, host) in self.hosts.iter().enumerate() {
            if let Some(chain) = self.smarthost_loop(host) {
                let problem = NetworkProblem::RelayLoop { chain };
                return Err(error(format!("hosts[{index}].smarthost"), problem));
            }
        }
        Ok(())
    }

    /// The chain of smarthosts from `start`, if it comes back round.
    fn smarthost_loop(&self, start: &Host) -> Option<Vec<String>> {
        let mut chain = vec![start.name.clone()];
        let mut current = start;
        while let Some(next) = current.smarthost.as_deref().and_then(|n| self.host(n)) {
            chain.push(next.name.clone());
            if next.name.eq_ignore_ascii_case(&start.name) {
                return Some(chain);
            }
            if chain.len() > self.hosts.len() {
                // A loop that does not pass through `start`: reported from its own hosts.
                return None;
            }
            current = next;
        }
        None
    }

    fn validate_routes(&self) -> Result<(), NetworkError> {
        for (index, zone) in self.domains.iter().enumerate() {
            for (at, record) in zone.records.iter().enumerate() {
                if record.record_type() != RecordType::Mx {
                    continue;
                }
                let best = super::dns::mail_exchangers(self, &record.name);
                let Ok(exchangers) = best else { continue };
                let Some(first) = exchangers.first() else {
                    continue;
                };
                let Some(host) = first.addresses.iter().find_map(|a| self.host_at(*a)) else {
                    continue;
                };
                if host.relays_for(&record.name) && !host.is_final_for(&record.name) {
                    let problem = NetworkProblem::MailLoop {
                        domain: record.name.clone(),
                        host: host.name.clone(),
                    };
                    return Err(error(format!("domains[{index}].records[{at}]"), problem));
                }
            }
        }
        Ok(())
    }

    fn validate_client(&self) -> Result<(), NetworkError> {
        let client = &self.client;
        if !is_dns_name(&normalize_name(&client.name), false) {
            return Err(error(
                "client.name".into(),
                NetworkProblem::BadName(client.name.clone()),
            ));
        }
        if self.host_at(client.address).is_some() {
            let problem = NetworkProblem::AddressTaken(client.address);
            return Err(error("client.address".into(), problem));
        }
        if self.host(&client.submission_host).is_none() {
            let problem = NetworkProblem::UnknownHost(client.submission_host.clone());
            return Err(error("client.submission_host".into(), problem));
        }
        Ok(())
    }
}

fn validate_host(field: &str, host: &Host) -> Result<(), NetworkError> {
    if let Some(port) = host
        .ports
        .iter()
        .find(|p| ![SMTP_PORT, SUBMISSION_PORT].contains(p))
    {
        return Err(error(
            format!("{field}.ports"),
            NetworkProblem::UnsupportedPort(*port),
        ));
    }
    for (at, domain) in host.relay_domains.iter().enumerate() {
        if !is_dns_name(&normalize_name(domain), false) {
            let problem = NetworkProblem::BadName(domain.clone());
            return Err(error(format!("{field}.relay_domains[{at}]"), problem));
        }
    }
    if host.world.local_name("postmaster").is_none() {
        return Err(error(
            format!("{field}.world"),
            NetworkProblem::MissingPostmaster,
        ));
    }
    host.world.validate().map_err(|reason| {
        error(
            format!("{field}.world"),
            NetworkProblem::InvalidWorld(reason.to_string()),
        )
    })?;
    validate_forwards(field, host)?;
    host.settings_on(SMTP_PORT)
        .profile
        .validate()
        .map_err(|reason| {
            error(
                format!("{field}.profile"),
                NetworkProblem::InvalidProfile(reason.to_string()),
            )
        })
}

/// Each forward names a user of the host and a whole address elsewhere.
fn validate_forwards(field: &str, host: &Host) -> Result<(), NetworkError> {
    for (at, forward) in host.forwards.iter().enumerate() {
        let field = format!("{field}.forwards[{at}]");
        if !host
            .world
            .users
            .iter()
            .any(|u| u.name.eq_ignore_ascii_case(&forward.user))
        {
            let reason = format!("`{}` is not a user of this host", forward.user);
            return Err(error(field, NetworkProblem::InvalidWorld(reason)));
        }
        let domain = forward.to.rsplit_once('@').map(|(_, d)| d);
        if !domain.is_some_and(|d| is_dns_name(&normalize_name(d), false)) {
            let reason = format!("`{}` is not an address such as bob@example.org", forward.to);
            return Err(error(field, NetworkProblem::InvalidWorld(reason)));
        }
        if domain.is_some_and(|d| host.is_final_for(d)) {
            let reason = format!(
                "`{}` is delivered here: a forward goes to another domain",
                forward.to
            );
            return Err(error(field, NetworkProblem::InvalidWorld(reason)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::{Record, SMTP_PORT};

    fn record(line: &str) -> Record {
        line.parse().unwrap()
    }

    #[test]
    fn default_network_is_valid_and_has_every_teaching_case() {
        let network = Network::default();
        assert_eq!(network.validate(), Ok(()));
        let org = super::super::dns::mail_exchangers(&network, "example.org").unwrap();
        assert!(org.len() == 2 && org[0].preference < org[1].preference);
        assert!(network
            .host("mx2.example.org")
            .unwrap()
            .relays_for("example.org"));
        assert!(network.host("smtp.isp.example").unwrap().listens_on(587));
        assert_eq!(
            network.host("mail.down.example").unwrap().availability,
            super::super::Availability::Unreachable
        );
    }

    #[test]
    fn broken_networks_are_refused_with_the_field() {
        type Breakage = fn(&mut Network);
        let cases: [(Breakage, &str, NetworkProblem); 12] = [
            (
                |n| {
                    n.domains[1]
                        .records
                        .push(record("example.org MX 30 mx3.example.org"))
                },
                "domains[1].records[9]",
                NetworkProblem::DanglingMx {
                    exchange: "mx3.example.org".into(),
                },
            ),
            (
                |n| {
                    n.domains[2]
                        .records
                        .push(record("nomail.example MX 10 mx1.example.org"))
                },
                "domains[2].records[0]",
                NetworkProblem::NullMxNotAlone {
                    domain: "nomail.example".into(),
                },
            ),
            (
                |n| {
                    n.domains[1]
                        .records
                        .push(record("elsewhere.example A 192.0.2.99"))
                },
                "domains[1].records[9]",
                NetworkProblem::OutsideZone {
                    owner: "elsewhere.example".into(),
                    zone: "example.org".into(),
                },
            ),
            (
                |n| n.domains[3].name = "example.org".into(),
                "domains[3].name",
                NetworkProblem::Duplicate("example.org".into()),
            ),
            (
                |n| n.domains[0].name = "not a zone".into(),
                "domains[0].name",
                NetworkProblem::BadName("not a zone".into()),
            ),
            (
                |n| n.hosts[1].world.aliases.clear(),
                "hosts[1].world",
                NetworkProblem::MissingPostmaster,
            ),
            (
                |n| n.hosts[2].addresses = n.hosts[1].addresses.clone(),
                "hosts[2].addresses[0]",
                NetworkProblem::AddressTaken("198.51.100.10".parse().unwrap()),
            ),
            (
                |n| n.hosts[0].ports.push(2525),
                "hosts[0].ports",
                NetworkProblem::UnsupportedPort(2525),
            ),
            (
                |n| n.hosts[0].smarthost = Some("relay.nowhere.example".into()),
                "hosts[0].smarthost",
                NetworkProblem::UnknownHost("relay.nowhere.example".into()),
            ),
            (
                |n| {
                    n.hosts[0].smarthost = Some("mx2.example.org".into());
                    n.hosts[2].smarthost = Some("smtp.isp.example".into());
                },
                "hosts[0].smarthost",
                NetworkProblem::RelayLoop {
                    chain: vec![
                        "smtp.isp.example".into(),
                        "mx2.example.org".into(),
                        "smtp.isp.example".into(),
                    ],
                },
            ),
            (
                // The backup becomes the best MX: it relays to... itself.
                |n| n.domains[1].records[1] = record("example.org MX 5 mx2.example.org"),
                "domains[1].records[0]",
                NetworkProblem::MailLoop {
                    domain: "example.org".into(),
                    host: "mx2.example.org".into(),
                },
            ),
            (
                |n| n.client.address = "203.0.113.10".parse().unwrap(),
                "client.address",
                NetworkProblem::AddressTaken("203.0.113.10".parse().unwrap()),
            ),
        ];
        for (breakage, field, problem) in cases {
            let mut network = Network::default();
            breakage(&mut network);
            let expected = NetworkError {
                field: field.into(),
                problem,
            };
            assert_eq!(network.validate(), Err(expected.clone()), "{expected}");
        }
    }

    #[cfg(feature = "serde")]
    #[test]
    fn json_descriptions_round_trip_and_refuse_unknown_keys() {
        let network = Network::default();
        let json = serde_json::to_string(&network).unwrap();
        assert!(
            json.contains(r#""example.org. 3600 IN MX 20 mx2.example.org.""#),
            "records are zone lines"
        );
        let back: Network = serde_json::from_str(&json).unwrap();
        assert_eq!(back, network);
        let minimal = r#"{
            "domains": [{"name": "tiny.example", "records": [
                "tiny.example MX 10 mx.tiny.example", "mx.tiny.example A 192.0.2.7"]}],
            "hosts": [{"name": "mx.tiny.example", "addresses": ["192.0.2.7"],
                "world": {"domains": ["tiny.example"], "users": [{"name": "a", "full_name": "A"}],
                    "aliases": [{"name": "postmaster", "targets": ["a"]}], "lists": []}}],
            "client": {"name": "pc.tiny.example", "address": "192.0.2.8", "resolver": "127.0.0.53",
                "mailbox": "a@tiny.example", "submission_host": "mx.tiny.example"}
        }"#;
        let tiny: Network = serde_json::from_str(minimal).unwrap();
        assert_eq!(tiny.validate(), Ok(()));
        assert_eq!(tiny.hosts[0].ports, [SMTP_PORT], "port 25 by default");
        let unknown = minimal.replace(r#""addresses""#, r#""adresses""#);
        let error = serde_json::from_str::<Network>(&unknown)
            .unwrap_err()
            .to_string();
        assert!(error.contains("unknown field `adresses`"), "{error}");
        let bad_record = minimal.replace("MX 10 mx.tiny.example", "MX ten mx.tiny.example");
        let error = serde_json::from_str::<Network>(&bad_record)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("bad MX data: the preference is a number"),
            "{error}"
        );
    }

    #[test]
    fn errors_read_as_sentences_with_their_field() {
        let mut network = Network::default();
        network.hosts[3].ports = vec![SMTP_PORT, 26];
        assert_eq!(
            network.validate().unwrap_err().to_string(),
            "hosts[3].ports: port 26 is not served: 25 or 587"
        );
        let mut network = Network::default();
        network.hosts[4]
            .world
            .lists
            .push(crate::world::MailingList {
                name: "fans".into(),
                description: String::new(),
                members: vec!["nobody".into()],
            });
        let error = network.validate().unwrap_err();
        assert_eq!(error.field, "hosts[4].world");
        assert!(
            matches!(error.problem, NetworkProblem::InvalidWorld(_)),
            "{error}"
        );
    }
}
