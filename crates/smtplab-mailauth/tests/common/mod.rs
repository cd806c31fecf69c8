//! Small networks for tests: zone-file lines grouped into zones, and a
//! resolver whose queries for some names time out.
#![allow(dead_code)]

use core::net::IpAddr;

use smtplab_engine::network::{ClientHost, Domain, Network, Record};
use smtplab_mailauth::{Answers, DnsFailure, Resolver};

/// A network holding just these records, one zone per last two labels.
pub fn network(lines: &[&str]) -> Network {
    let mut domains: Vec<Domain> = Vec::new();
    for line in lines {
        let record: Record = line.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
        let labels: Vec<&str> = record.name.rsplit('.').take(2).collect();
        let zone: String = labels.into_iter().rev().collect::<Vec<_>>().join(".");
        match domains.iter_mut().find(|d| d.name == zone) {
            Some(domain) => domain.records.push(record),
            None => domains.push(Domain {
                name: zone,
                organisation: String::new(),
                records: vec![record],
            }),
        }
    }
    Network {
        domains,
        hosts: Vec::new(),
        client: ClientHost {
            name: "client.example".into(),
            address: "192.0.2.99".parse().unwrap(),
            resolver: "127.0.0.53".parse().unwrap(),
            mailbox: "me@client.example".into(),
            submission_host: "client.example".into(),
        },
    }
}

/// A resolver over a network whose queries for `failing` names time out.
pub struct Flaky {
    pub network: Network,
    pub failing: Vec<&'static str>,
}

impl Flaky {
    fn check(&self, name: &str, record_type: &'static str) -> Result<(), DnsFailure> {
        if self.failing.iter().any(|f| f.eq_ignore_ascii_case(name)) {
            return Err(DnsFailure {
                name: name.to_owned(),
                record_type,
            });
        }
        Ok(())
    }
}

impl Resolver for Flaky {
    fn txt(&self, name: &str) -> Answers<String> {
        self.check(name, "TXT")?;
        self.network.txt(name)
    }
    fn addresses(&self, name: &str, ipv6: bool) -> Answers<IpAddr> {
        self.check(name, "A")?;
        self.network.addresses(name, ipv6)
    }
    fn exchangers(&self, name: &str) -> Answers<String> {
        self.check(name, "MX")?;
        self.network.exchangers(name)
    }
    fn pointers(&self, address: IpAddr) -> Answers<String> {
        self.network.pointers(address)
    }
}
