//! The network a learner starts in: their provider, a recipient with a
//! primary and a backup MX, a domain that takes no mail (null MX), one
//! that is down, an old host found through its A record, the
//! single-server example.com of the one-host lab, and an alumni service
//! that forwards its addresses (and runs a list that adds a footer). Names and addresses are
//! the reserved ones (RFC 2606, RFC 6761; RFC 5737 and RFC 3849).

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::{
    Availability, ClientHost, Domain, Forward, Host, Network, Record, SMTP_PORT, SUBMISSION_PORT,
};
use crate::profile::Profile;
use crate::world::{Alias, User, World};

impl Default for Network {
    fn default() -> Self {
        Self {
            domains: vec![
                zone("isp.example", "Your Internet provider", ISP_RECORDS),
                zone(
                    "example.org",
                    "Example Org, where your friend Bob works",
                    ORG_RECORDS,
                ),
                zone(
                    "nomail.example",
                    "A web-only company that takes no mail",
                    NOMAIL_RECORDS,
                ),
                zone(
                    "down.example",
                    "A company whose mail server is switched off",
                    DOWN_RECORDS,
                ),
                zone(
                    "oldschool.example",
                    "A hobbyist's machine with no MX record",
                    OLDSCHOOL_RECORDS,
                ),
                zone("example.com", "The one-server lab", COM_RECORDS),
                zone(
                    "113.0.203.in-addr.arpa",
                    "Your provider's addresses",
                    ISP_REVERSE,
                ),
                zone(
                    "100.51.198.in-addr.arpa",
                    "Example Org's addresses",
                    ORG_REVERSE,
                ),
                zone("2.0.192.in-addr.arpa", "Hosting addresses", HOSTING_REVERSE),
                zone(
                    "alumni.example",
                    "An alumni service: addresses for life, forwarded",
                    ALUMNI_RECORDS,
                ),
            ],
            hosts: vec![
                isp_host(),
                org_primary(),
                org_backup(),
                down_host(),
                oldschool_host(),
                com_host(),
                alumni_host(),
            ],
            client: ClientHost {
                name: "pc42.dsl.isp.example".into(),
                address: v4(203, 0, 113, 42),
                resolver: v4(127, 0, 0, 53),
                mailbox: "you@isp.example".into(),
                submission_host: "smtp.isp.example".into(),
            },
        }
    }
}

const ISP_RECORDS: &[&str] = &[
    "isp.example. 3600 IN MX 10 smtp.isp.example.",
    "isp.example. 3600 IN TXT \"v=spf1 ip4:203.0.113.0/24 -all\"",
    "smtp.isp.example. 3600 IN A 203.0.113.10",
    "pc42.dsl.isp.example. 3600 IN A 203.0.113.42",
    // DKIM public keys (the private halves are smtplab-mailauth's test keys).
    "rsa2026._domainkey.isp.example. 3600 IN TXT \"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAkykynynS2aQF9QgqVWDBOGZMyJyKyVuEZ/nz/lMacc7i5uMFVy5sGZeHG5/1fFDBluQsclceyM736VL7PYKVY8FV+4NFuRUYnGzMvcgr57lwr83tg9+vIAynEdVVsTFbE9He04nHn1fcySXYvQvMxSj1TawlNQRmRdaDkwvh6V+DeUloXnqcZ9thV7i1\" \"hqBFaXkNrSBr2FVLL1eDaPNItPxUFQ6t8QMknrsR4u0wf0HnpBSE8eU8AY27Hq4pGAeHknwsT4WHlR5Q+eCWFo385XK6TWz1OdlrWlCoOPQrg5NtDR64t6gWBD6s0CKwa6RvzI2jF/KU/sg/Q+9nrs2dWQIDAQAB\"",
    "ed2026._domainkey.isp.example. 3600 IN TXT \"v=DKIM1; k=ed25519; p=wS6LFOjF72G7HRDdhVTQZZKpBk3Awf3QODtZbELjZ1k=\"",
];

const ORG_RECORDS: &[&str] = &[
    "example.org. 3600 IN MX 10 mx1.example.org.",
    "example.org. 3600 IN MX 20 mx2.example.org.",
    "example.org. 3600 IN TXT \"v=spf1 mx -all\"",
    "mx1.example.org. 3600 IN A 198.51.100.10",
    "mx1.example.org. 3600 IN AAAA 2001:db8:51::10",
    "mx2.example.org. 3600 IN A 198.51.100.20",
    "_dmarc.example.org. 3600 IN TXT \"v=DMARC1; p=reject\"",
    "rsa2026._domainkey.example.org. 3600 IN TXT \"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxVANOFKpn+PjA4dbRO4eFmLKOMB5WFMOhMu1+HB+Pzw05i9rQDTtf+UvAF78kCn4tIlI8et6+6PlSGsCqavXSYavKLVxDRwymlhfGevCG25HDcliYw1gxoNnaQqZktw6SbO7x5if3SzMU+Ce8BA1xFIPCA2j+clEfYt3Gl0hG5scR163yeVrpE7yrT3W\" \"sW2E89svZTC4Y5JmETARmH3bkoU355ebJPs9M4WCLO7qDsTdwxCBhoWp1W3UT/Al9cbOdCYnzQXYP6KLlZ8ZbDDKm5fw8iapiNOzqSkPtdaZlIiG37RHZtfVXVudGiMkPdAsLPS7lH9AblKP6xTDcjXwkQIDAQAB\"",
    "ed2026._domainkey.example.org. 3600 IN TXT \"v=DKIM1; k=ed25519; p=BFq/fCgYzBLSDV+DH9x871mn9BPDC4IlpxNKvwTiZzo=\"",
];

const NOMAIL_RECORDS: &[&str] = &[
    "nomail.example. 3600 IN MX 0 .",
    "nomail.example. 3600 IN A 192.0.2.80",
    "nomail.example. 3600 IN TXT \"v=spf1 -all\"",
];

const DOWN_RECORDS: &[&str] = &[
    "down.example. 3600 IN MX 10 mail.down.example.",
    "mail.down.example. 3600 IN A 192.0.2.25",
];

const OLDSCHOOL_RECORDS: &[&str] = &["oldschool.example. 3600 IN A 198.51.100.30"];

const COM_RECORDS: &[&str] = &[
    "example.com. 3600 IN MX 10 mail.example.com.",
    "mail.example.com. 3600 IN A 192.0.2.10",
];

const ALUMNI_RECORDS: &[&str] = &[
    "alumni.example. 3600 IN MX 10 mail.alumni.example.",
    "alumni.example. 3600 IN TXT \"v=spf1 a:mail.alumni.example -all\"",
    "mail.alumni.example. 3600 IN A 192.0.2.40",
];

const ISP_REVERSE: &[&str] = &[
    "10.113.0.203.in-addr.arpa. 3600 IN PTR smtp.isp.example.",
    "42.113.0.203.in-addr.arpa. 3600 IN PTR pc42.dsl.isp.example.",
];

const ORG_REVERSE: &[&str] = &[
    "10.100.51.198.in-addr.arpa. 3600 IN PTR mx1.example.org.",
    "20.100.51.198.in-addr.arpa. 3600 IN PTR mx2.example.org.",
    "30.100.51.198.in-addr.arpa. 3600 IN PTR oldschool.example.",
];

const HOSTING_REVERSE: &[&str] = &[
    "10.2.0.192.in-addr.arpa. 3600 IN PTR mail.example.com.",
    "25.2.0.192.in-addr.arpa. 3600 IN PTR mail.down.example.",
    "40.2.0.192.in-addr.arpa. 3600 IN PTR mail.alumni.example.",
    "80.2.0.192.in-addr.arpa. 3600 IN PTR nomail.example.",
];

fn zone(name: &str, organisation: &str, lines: &[&str]) -> Domain {
    Domain {
        name: name.into(),
        organisation: organisation.into(),
        // The lines above are tested to parse (default_network_is_valid).
        records: lines
            .iter()
            .filter_map(|line| line.parse::<Record>().ok())
            .collect(),
    }
}

fn v4(a: u8, b: u8, c: u8, d: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(a, b, c, d))
}

fn user(name: &str, full_name: &str, password: Option<&str>) -> User {
    User {
        name: name.into(),
        full_name: full_name.into(),
        password: password.map(Into::into),
    }
}

/// A world with these local domains and users; postmaster goes to the first user.
fn world(domains: &[&str], users: Vec<User>) -> World {
    let postmaster = users.first().map(|u| u.name.clone()).into_iter().collect();
    World {
        domains: domains.iter().map(|d| (*d).into()).collect(),
        users,
        aliases: vec![Alias {
            name: "postmaster".into(),
            targets: postmaster,
        }],
        lists: Vec::new(),
    }
}

fn host(name: &str, organisation: &str, address: IpAddr, world: World) -> Host {
    Host {
        name: name.into(),
        addresses: vec![address],
        organisation: organisation.into(),
        availability: Availability::Up,
        ports: vec![SMTP_PORT],
        relay_domains: Vec::new(),
        smarthost: None,
        smarthost_login: None,
        forwards: Vec::new(),
        profile: Profile::default(),
        world,
    }
}

fn isp_host() -> Host {
    let users = vec![
        user("you", "You, the learner", Some("secret")),
        user("abuse", "Provider abuse desk", None),
    ];
    Host {
        ports: vec![SMTP_PORT, SUBMISSION_PORT],
        ..host(
            "smtp.isp.example",
            "Your Internet provider",
            v4(203, 0, 113, 10),
            world(&["isp.example", "smtp.isp.example"], users),
        )
    }
}

fn org_primary() -> Host {
    let users = vec![
        user("admin", "Example Org IT", None),
        user("bob", "Bob Example", Some("builder")),
        user("carol", "Carol Example", None),
    ];
    let mut primary = host(
        "mx1.example.org",
        "Example Org",
        v4(198, 51, 100, 10),
        world(&["example.org", "mx1.example.org"], users),
    );
    primary.addresses.push(IpAddr::V6(Ipv6Addr::new(
        0x2001, 0xdb8, 0x51, 0, 0, 0, 0, 0x10,
    )));
    primary
}

fn org_backup() -> Host {
    Host {
        relay_domains: vec!["example.org".into()],
        ..host(
            "mx2.example.org",
            "Example Org",
            v4(198, 51, 100, 20),
            world(
                &["mx2.example.org"],
                vec![user("admin", "Example Org IT", None)],
            ),
        )
    }
}

fn down_host() -> Host {
    Host {
        availability: Availability::Unreachable,
        ..host(
            "mail.down.example",
            "Down Ltd",
            v4(192, 0, 2, 25),
            world(&["down.example"], vec![user("info", "Down Ltd", None)]),
        )
    }
}

fn oldschool_host() -> Host {
    Host {
        profile: Profile::preset("classic").unwrap_or_default(),
        ..host(
            "oldschool.example",
            "A hobbyist",
            v4(198, 51, 100, 30),
            world(
                &["oldschool.example"],
                vec![user("root", "Charlie Root", None)],
            ),
        )
    }
}

fn com_host() -> Host {
    host(
        "mail.example.com",
        "The one-server lab",
        v4(192, 0, 2, 10),
        World::default(),
    )
}

/// Bob's address for life, forwarded to his work address, and a list
/// whose one member is Bob too, which signs every message with a footer.
fn alumni_host() -> Host {
    let users = vec![
        user("office", "Alumni office", None),
        user("bob", "Bob Example (class of 2010)", None),
        user("friends", "The class of 2010 list", None),
    ];
    Host {
        forwards: vec![
            Forward {
                user: "bob".into(),
                to: "bob@example.org".into(),
                footer: None,
            },
            Forward {
                user: "friends".into(),
                to: "bob@example.org".into(),
                footer: Some(ALUMNI_FOOTER.into()),
            },
        ],
        ..host(
            "mail.alumni.example",
            "Alumni service",
            v4(192, 0, 2, 40),
            world(&["alumni.example", "mail.alumni.example"], users),
        )
    }
}

/// What the friends list adds to every message it passes on.
const ALUMNI_FOOTER: &str =
    "\r\n--\r\nfriends@alumni.example, the class of 2010 list. To leave, write to office@alumni.example.\r\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_line_parses() {
        for lines in [
            ISP_RECORDS,
            ORG_RECORDS,
            NOMAIL_RECORDS,
            DOWN_RECORDS,
            OLDSCHOOL_RECORDS,
            COM_RECORDS,
            ALUMNI_RECORDS,
            ISP_REVERSE,
            ORG_REVERSE,
            HOSTING_REVERSE,
        ] {
            for line in lines {
                let record: Record = line.parse().unwrap_or_else(|e| panic!("{line}: {e}"));
                assert_eq!(record.to_string(), *line);
            }
        }
    }

    #[test]
    fn every_host_is_found_at_its_records_address() {
        let network = Network::default();
        for host in &network.hosts {
            let found = crate::network::dns::addresses(&network, &host.name);
            assert_eq!(found, host.addresses, "{}", host.name);
        }
    }
}
