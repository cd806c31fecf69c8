//! The simulated mail network: organisations' DNS zones, the mail hosts
//! with their own profile and world, and the learner's machine; DNS
//! answers over it as a resolver and as a mail client (RFC 5321 section
//! 5.1) sees them, `dig`/`host`/`nslookup` output, routing, a relaying
//! host's queue on the simulated clock, and delivery status notifications.
//!
//! Everything here is a pure function of the network description (and,
//! for the queue, of the time passed in), like the rest of the engine:
//!
//! ```text
//!  Network ──► dns::lookup, dns::mail_exchangers ──► shell::run (dig, host, nslookup)
//!     └──► route::route(host, domain) ──► Local | Relay(next hops in order)
//!  queue::Queue: enqueue ──► start(now) ──► Attempt.next_hop ⇄ record(result) ──► finish(now)
//!                                  ──► Accepted / Local / Deferred{retry_at} / Failed / Report (dsn)
//!  simulation::Simulation: connect + feed (the learner) ──► each host's Queue ──► hop::run_queue
//!                          advance(seconds) ──► retries ──► mailstores, diagram, log
//! ```

pub mod checks;
mod default;
pub mod diagram;
pub mod dns;
pub mod dsn;
mod edit;
pub mod hop;
pub mod queue;
mod record;
pub mod route;
pub mod shell;
pub mod simulation;
pub mod trace;
mod validate;

use core::net::IpAddr;

use crate::profile::Profile;
use crate::session::{RelayPolicy, Settings};
use crate::world::World;

pub use edit::{ZoneEdit, ZoneEditError};
pub use record::{
    absolute, is_dns_name, normalize_name, Record, RecordData, RecordError, RecordType,
    DEFAULT_TTL, MAX_TXT_STRING,
};
pub use validate::{NetworkError, NetworkProblem};

/// RFC 5321 section 4.5.4: the SMTP port, where MX hosts receive mail.
pub const SMTP_PORT: u16 = 25;
/// RFC 6409 section 3.1: the submission port, where users hand in mail
/// after AUTH.
pub const SUBMISSION_PORT: u16 = 587;

/// One organisation's DNS zone.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Domain {
    /// The zone's name, such as `example.org` or `100.51.198.in-addr.arpa`.
    pub name: String,
    /// Who runs it, as the learner sees it ("Example Org, the recipient").
    #[cfg_attr(feature = "serde", serde(default))]
    pub organisation: String,
    /// Its records, each a zone-file line; owners are the zone or below it.
    pub records: Vec<Record>,
}

/// Whether a host answers connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Availability {
    /// It accepts connections on its ports.
    #[default]
    Up,
    /// The machine answers, but nothing listens: "Connection refused".
    Refusing,
    /// The machine is off or cut off: connections time out.
    Unreachable,
}

/// A simulated mail server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Host {
    /// Its name: the greeting, HELO and Received headers use it (it
    /// replaces `profile.hostname`).
    pub name: String,
    /// The addresses it listens on.
    pub addresses: Vec<IpAddr>,
    /// Which organisation runs it.
    #[cfg_attr(feature = "serde", serde(default))]
    pub organisation: String,
    /// Whether it answers.
    #[cfg_attr(feature = "serde", serde(default))]
    pub availability: Availability,
    /// Ports it listens on: [`SMTP_PORT`], and [`SUBMISSION_PORT`] for a
    /// provider's submission server.
    #[cfg_attr(feature = "serde", serde(default = "default_ports"))]
    pub ports: Vec<u16>,
    /// Domains it accepts on port 25 without delivering them itself, and
    /// relays on to a more preferred MX (a backup MX).
    #[cfg_attr(feature = "serde", serde(default))]
    pub relay_domains: Vec<String>,
    /// A host all outgoing mail goes through instead of the recipients' MX
    /// (Postfix's `relayhost`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub smarthost: Option<String>,
    /// The account this host logs in to its smarthost with (Postfix's
    /// `smtp_sasl_password_maps`).
    #[cfg_attr(feature = "serde", serde(default))]
    pub smarthost_login: Option<Login>,
    /// Mailboxes whose mail this host sends on to another address instead
    /// of filing it (a `.forward` file, an alumni address for life).
    #[cfg_attr(feature = "serde", serde(default))]
    pub forwards: Vec<Forward>,
    /// How it answers.
    #[cfg_attr(feature = "serde", serde(default))]
    pub profile: Profile,
    /// Who lives there: its local domains, users and aliases.
    #[cfg_attr(feature = "serde", serde(default))]
    pub world: World,
}

#[cfg(feature = "serde")]
fn default_ports() -> Vec<u16> {
    vec![SMTP_PORT]
}

impl Host {
    /// The server settings for a session on this host's `port`: its
    /// relay domains on port 25 (a backup MX takes them from anyone), and
    /// AUTH before MAIL on the submission port (RFC 6409).
    pub fn settings_on(&self, port: u16) -> Settings {
        let mut profile = self.profile.clone();
        profile.hostname.clone_from(&self.name);
        Settings {
            profile,
            world: self.world.clone(),
            relay: RelayPolicy {
                relay_domains: self.relay_domains.clone(),
                submission: port == SUBMISSION_PORT,
            },
        }
    }

    /// Whether mail for `domain` is delivered here.
    pub fn is_final_for(&self, domain: &str) -> bool {
        self.world.is_local_domain(domain)
    }

    /// Whether this host accepts `domain` on port 25 to pass it on.
    pub fn relays_for(&self, domain: &str) -> bool {
        self.relay_domains
            .iter()
            .any(|d| d.eq_ignore_ascii_case(domain))
    }

    /// Whether it listens on `port`.
    pub fn listens_on(&self, port: u16) -> bool {
        self.ports.contains(&port)
    }
}

/// A mailbox forwarded elsewhere: the host re-sends each message for
/// `user` to `to` from its own address, with the envelope sender kept (no
/// SRS), which is what breaks SPF at the next host.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Forward {
    /// The local user whose mail is forwarded.
    pub user: String,
    /// The address it goes to.
    pub to: String,
    /// Text the host appends to the body on the way (a mailing list's
    /// footer, CRLF line ends): what breaks a DKIM body hash.
    #[cfg_attr(feature = "serde", serde(default))]
    pub footer: Option<String>,
}

impl Host {
    /// Where mail for local user `user` is forwarded, if it is.
    pub fn forward_of(&self, user: &str) -> Option<&Forward> {
        self.forwards
            .iter()
            .find(|f| f.user.eq_ignore_ascii_case(user))
    }
}

/// An account on another host.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Login {
    /// The user name.
    pub user: String,
    /// The password.
    pub password: String,
}

/// The learner's own machine.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct ClientHost {
    /// Its name, as its PTR record gives it.
    pub name: String,
    /// Its address, which servers see in Received headers.
    pub address: IpAddr,
    /// The resolver `dig` and `nslookup` ask (a local stub, as on most
    /// Linux machines).
    pub resolver: IpAddr,
    /// The learner's own address at their provider.
    pub mailbox: String,
    /// The submission server the learner's mail program uses.
    pub submission_host: String,
}

/// The whole simulated network.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(deny_unknown_fields)
)]
pub struct Network {
    /// DNS zones, one per organisation (reverse zones too).
    pub domains: Vec<Domain>,
    /// Mail servers.
    pub hosts: Vec<Host>,
    /// The learner's machine.
    pub client: ClientHost,
}

impl Network {
    /// A host by name (any case, trailing dot or not).
    pub fn host(&self, name: &str) -> Option<&Host> {
        let name = normalize_name(name);
        self.hosts
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(&name))
    }

    /// The host listening on `address`, if any.
    pub fn host_at(&self, address: IpAddr) -> Option<&Host> {
        self.hosts.iter().find(|h| h.addresses.contains(&address))
    }

    /// The zone `name` belongs to: the one with the longest matching
    /// suffix.
    pub fn zone_of(&self, name: &str) -> Option<&Domain> {
        let name = normalize_name(name);
        self.domains
            .iter()
            .filter(|zone| in_zone(&name, &zone.name))
            .max_by_key(|zone| zone.name.len())
    }

    /// Every record in the network, zone by zone.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        self.domains.iter().flat_map(|d| d.records.iter())
    }
}

/// Whether `name` is `zone` or below it (both normalised).
pub(crate) fn in_zone(name: &str, zone: &str) -> bool {
    let zone = normalize_name(zone);
    name == zone
        || name
            .strip_suffix(zone.as_str())
            .is_some_and(|head| head.ends_with('.'))
}
