//! The network's DNS, answered deterministically from its zones: plain
//! lookups with NOERROR, NODATA and NXDOMAIN as a resolver reports them,
//! and the mail exchangers of a domain as RFC 5321 section 5.1 finds them
//! (MX by preference, the implicit MX of the A record, the null MX).

use core::fmt;
use core::net::IpAddr;

use super::{absolute, in_zone, normalize_name, Network, Record, RecordData, RecordType};

/// The serial every synthesised SOA carries (zones here never change).
pub const ZONE_SERIAL: u32 = 2_026_120_201;
/// Refresh, retry, expire and negative-caching TTL of a synthesised SOA
/// (the values RIPE-203 recommends).
pub const SOA_TIMERS: [u32; 4] = [86_400, 7_200, 3_600_000, 3_600];

/// A response code, as dig's `status:` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rcode {
    /// The name exists (there may be no records of the type asked).
    NoError,
    /// The name does not exist at all.
    NxDomain,
}

impl Rcode {
    /// The mnemonic (`NOERROR`, `NXDOMAIN`).
    pub fn mnemonic(self) -> &'static str {
        match self {
            Self::NoError => "NOERROR",
            Self::NxDomain => "NXDOMAIN",
        }
    }

    /// The number (RFC 1035 section 4.1.1), as `host` prints it.
    pub fn number(self) -> u8 {
        match self {
            Self::NoError => 0,
            Self::NxDomain => 3,
        }
    }
}

/// What a resolver answers to one question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The name asked, normalised.
    pub name: String,
    /// The type asked.
    pub record_type: RecordType,
    /// The status.
    pub rcode: Rcode,
    /// Records of that name and type.
    pub answers: Vec<Record>,
    /// For a negative answer, the SOA of the zone that denies it.
    pub authority: Vec<Record>,
}

impl Response {
    /// Whether the name exists but has nothing of this type (NODATA).
    pub fn is_nodata(&self) -> bool {
        self.rcode == Rcode::NoError && self.answers.is_empty()
    }
}

/// Asks the network's DNS one question.
pub fn lookup(network: &Network, name: &str, record_type: RecordType) -> Response {
    let name = normalize_name(name);
    let zone = network.zone_of(&name);
    let mut answers: Vec<Record> = zone
        .into_iter()
        .flat_map(|z| z.records.iter())
        .filter(|r| r.name == name && r.record_type() == record_type)
        .cloned()
        .collect();
    if let Some(apex) = zone.filter(|z| record_type == RecordType::Soa && z.name == name) {
        answers.push(soa(&apex.name));
    }
    let exists =
        zone.is_some_and(|z| z.name == name || z.records.iter().any(|r| in_zone(&r.name, &name)));
    let rcode = if exists {
        Rcode::NoError
    } else {
        Rcode::NxDomain
    };
    let authority = if answers.is_empty() {
        vec![soa(zone.map_or("", |z| z.name.as_str()))]
    } else {
        Vec::new()
    };
    Response {
        name,
        record_type,
        rcode,
        answers,
        authority,
    }
}

/// The SOA a zone would send with a negative answer; the root's for
/// names under no zone of the network.
pub fn soa(zone: &str) -> Record {
    let (mname, rname, ttl) = if zone.is_empty() {
        (
            "a.root-servers.net".to_owned(),
            "nstld.verisign-grs.com".to_owned(),
            86_400,
        )
    } else {
        (format!("ns1.{zone}"), format!("hostmaster.{zone}"), 3_600)
    };
    Record {
        name: zone.to_owned(),
        ttl,
        data: RecordData::Soa {
            mname,
            rname,
            serial: ZONE_SERIAL,
            timers: SOA_TIMERS,
        },
    }
}

/// The addresses of a name: A records first, then AAAA.
pub fn addresses(network: &Network, name: &str) -> Vec<IpAddr> {
    let name = normalize_name(name);
    let mut found: Vec<(RecordType, IpAddr)> = network
        .records()
        .filter(|r| r.name == name)
        .filter_map(|r| match r.data {
            RecordData::A(a) => Some((RecordType::A, IpAddr::V4(a))),
            RecordData::Aaaa(a) => Some((RecordType::Aaaa, IpAddr::V6(a))),
            _ => None,
        })
        .collect();
    found.sort_by_key(|(t, _)| *t);
    found.into_iter().map(|(_, a)| a).collect()
}

/// The TXT answer to a name, as SPF (RFC 7208 section 4.5), DKIM (RFC 6376
/// section 3.6.2.2) and DMARC (RFC 7489 section 6.6.3) read it: each
/// record's character-strings joined with nothing between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxtAnswer {
    /// NOERROR or NXDOMAIN: both with no texts count as a void lookup.
    pub rcode: Rcode,
    /// One text per TXT record, in zone order.
    pub texts: Vec<String>,
}

/// Asks for the TXT records of `name` and joins each record's strings.
pub fn txt(network: &Network, name: &str) -> TxtAnswer {
    let response = lookup(network, name, RecordType::Txt);
    let texts = response
        .answers
        .iter()
        .filter_map(|record| match &record.data {
            RecordData::Txt(strings) => Some(strings.concat()),
            _ => None,
        })
        .collect();
    TxtAnswer {
        rcode: response.rcode,
        texts,
    }
}

/// The name a reverse lookup of `address` asks for:
/// `10.100.51.198.in-addr.arpa` or the nibbles under `ip6.arpa`.
pub fn reverse_name(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => {
            let [a, b, c, d] = v4.octets();
            format!("{d}.{c}.{b}.{a}.in-addr.arpa")
        }
        IpAddr::V6(v6) => {
            let mut labels: Vec<String> = v6
                .octets()
                .iter()
                .flat_map(|byte| [byte >> 4, byte & 0xf])
                .map(|nibble| format!("{nibble:x}"))
                .collect();
            labels.reverse();
            labels.push("ip6.arpa".into());
            labels.join(".")
        }
    }
}

/// One mail exchanger of a domain, in the order a client tries them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchanger {
    /// The host name.
    pub name: String,
    /// Its MX preference (0 for the implicit MX).
    pub preference: u16,
    /// Whether it is the domain itself, found through its address
    /// records because there is no MX (RFC 5321 section 5.1).
    pub implicit: bool,
    /// Its addresses (empty if the name has none: it cannot be tried).
    pub addresses: Vec<IpAddr>,
}

/// Why a domain has nowhere to send mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailDnsError {
    /// The domain does not exist (NXDOMAIN).
    NoSuchDomain(String),
    /// The domain says it takes no mail (RFC 7505 null MX).
    NullMx(String),
    /// Neither MX nor address records.
    NoMailHost(String),
}

impl fmt::Display for MailDnsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSuchDomain(domain) => write!(
                f,
                "Host or domain name not found. Name service error for name={domain} type=MX: Host not found"
            ),
            Self::NullMx(domain) => write!(
                f,
                "Domain {domain} does not accept mail (nullMX, RFC 7505)"
            ),
            Self::NoMailHost(domain) => write!(
                f,
                "Host or domain name not found. Name service error for name={domain} type=A: No address associated with hostname"
            ),
        }
    }
}

/// Where mail for `domain` goes, RFC 5321 section 5.1: its MX records by
/// preference (equal preferences in zone order, so every run is the same),
/// or, when it has none, the domain itself as an implicit MX.
pub fn mail_exchangers(network: &Network, domain: &str) -> Result<Vec<Exchanger>, MailDnsError> {
    let domain = normalize_name(domain);
    let response = lookup(network, &domain, RecordType::Mx);
    if response.rcode == Rcode::NxDomain {
        return Err(MailDnsError::NoSuchDomain(domain));
    }
    if response.answers.iter().any(|r| r.data.is_null_mx()) {
        return Err(MailDnsError::NullMx(domain));
    }
    let mut exchangers: Vec<Exchanger> = response
        .answers
        .iter()
        .filter_map(|record| match &record.data {
            RecordData::Mx {
                preference,
                exchange,
            } => Some(Exchanger {
                name: exchange.clone(),
                preference: *preference,
                implicit: false,
                addresses: addresses(network, exchange),
            }),
            _ => None,
        })
        .collect();
    if exchangers.is_empty() {
        let own = addresses(network, &domain);
        if own.is_empty() {
            return Err(MailDnsError::NoMailHost(domain));
        }
        exchangers.push(Exchanger {
            name: domain,
            preference: 0,
            implicit: true,
            addresses: own,
        });
    }
    exchangers.sort_by_key(|e| e.preference);
    Ok(exchangers)
}

impl fmt::Display for Exchanger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.preference, absolute(&self.name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn network() -> Network {
        Network::default()
    }

    #[test]
    fn lookups_report_answers_nodata_and_nxdomain() {
        let net = network();
        for (name, record_type, rcode, answers) in [
            ("example.org", RecordType::Mx, Rcode::NoError, 2),
            ("EXAMPLE.ORG.", RecordType::Mx, Rcode::NoError, 2),
            ("example.org", RecordType::Txt, Rcode::NoError, 1),
            ("mx1.example.org", RecordType::Aaaa, Rcode::NoError, 1),
            ("mx2.example.org", RecordType::Aaaa, Rcode::NoError, 0),
            ("example.org", RecordType::A, Rcode::NoError, 0),
            ("nosuch.example.org", RecordType::A, Rcode::NxDomain, 0),
            ("nowhere.invalid", RecordType::Mx, Rcode::NxDomain, 0),
            ("dsl.isp.example", RecordType::A, Rcode::NoError, 0),
            (
                "10.100.51.198.in-addr.arpa",
                RecordType::Ptr,
                Rcode::NoError,
                1,
            ),
        ] {
            let response = lookup(&net, name, record_type);
            assert_eq!(response.rcode, rcode, "{name} {record_type}");
            assert_eq!(response.answers.len(), answers, "{name} {record_type}");
            assert_eq!(
                response.authority.len(),
                usize::from(answers == 0),
                "{name} {record_type}"
            );
        }
        let negative = lookup(&net, "nowhere.invalid", RecordType::A);
        assert_eq!(negative.authority[0].name, "", "the root denies it");
        let nodata = lookup(&net, "example.org", RecordType::A);
        assert!(nodata.is_nodata());
        assert_eq!(nodata.authority[0].name, "example.org");
    }

    #[test]
    fn exchangers_follow_rfc_5321_section_5_1() {
        let net = network();
        let org = mail_exchangers(&net, "example.org").unwrap();
        let names: Vec<(&str, u16)> = org
            .iter()
            .map(|e| (e.name.as_str(), e.preference))
            .collect();
        assert_eq!(names, [("mx1.example.org", 10), ("mx2.example.org", 20)]);
        assert_eq!(org[0].addresses.len(), 2, "A first, then AAAA");
        assert!(org[0].addresses[0].is_ipv4());
        let implicit = mail_exchangers(&net, "oldschool.example").unwrap();
        assert_eq!(implicit.len(), 1);
        assert!(implicit[0].implicit);
        assert_eq!(implicit[0].name, "oldschool.example");
        for (domain, expected) in [
            (
                "nomail.example",
                MailDnsError::NullMx("nomail.example".into()),
            ),
            (
                "nowhere.example.org",
                MailDnsError::NoSuchDomain("nowhere.example.org".into()),
            ),
            (
                "dsl.isp.example",
                MailDnsError::NoMailHost("dsl.isp.example".into()),
            ),
        ] {
            assert_eq!(mail_exchangers(&net, domain), Err(expected), "{domain}");
        }
    }

    #[test]
    fn preferences_sort_whatever_the_zone_order() {
        let mut net = network();
        net.domains[1].records.swap(0, 1);
        let org = mail_exchangers(&net, "example.org").unwrap();
        assert_eq!(org[0].name, "mx1.example.org");
    }

    #[test]
    fn txt_answers_join_each_records_strings() {
        let mut net = network();
        net.domains[1].records.push(
            "split.example.org. TXT \"v=spf1 \" \"-all\""
                .parse()
                .unwrap(),
        );
        let split = txt(&net, "split.example.org");
        assert_eq!(split.texts, ["v=spf1 -all"]);
        assert_eq!(txt(&net, "example.org").texts, ["v=spf1 mx -all"]);
        let none = txt(&net, "nosuch.example.org");
        assert_eq!((none.rcode, none.texts.len()), (Rcode::NxDomain, 0));
    }

    #[test]
    fn reverse_names_spell_addresses_backwards() {
        assert_eq!(
            reverse_name("198.51.100.10".parse().unwrap()),
            "10.100.51.198.in-addr.arpa"
        );
        assert_eq!(
            reverse_name("2001:db8::1".parse().unwrap()),
            "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"
        );
    }
}
