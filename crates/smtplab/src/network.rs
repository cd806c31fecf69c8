//! `smtplab serve --network`: the engine's simulated mail network on real
//! ports, one or two per simulated host, so that real clients can submit
//! on a provider's 587 and watch the message go on hop by hop.
//!
//! ```text
//!  swaks ──TCP──► 127.0.0.1:2507 ──► NetworkSession (a Session of smtp.isp.example:587)
//!                                        │ Delivered
//!                                        ▼
//!             one Simulation (behind a mutex; its clock follows the real one)
//!                 queues ──hop──► relay ──hop──► MX ──► filed ──► --save DIR/<host>/<id>.eml
//!  a 1-second tick ──► Simulation::advance, so retries run on time
//! ```
//!
//! Everything about a session (limits, deadlines, replies) is the same as
//! in the one-server `serve` ([`crate::connection`]); only where a message
//! goes differs.

use std::collections::{BTreeMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use smtplab_engine::network::simulation::{Connection, NetworkEvent, Simulation};
use smtplab_engine::network::{Availability, Host, Network, SMTP_PORT, SUBMISSION_PORT};
use smtplab_engine::patch::{self, NetworkLoadError, Patch};
use smtplab_engine::{Delivery, Output, Session, Settings};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tracing::info;

use crate::connection::{self, unix_now, Engine, Shared};
use crate::escape::untrusted;
use crate::log;
use crate::save::{CreateError, SaveDir};

/// How often the queues are looked at, so a retry runs within a second
/// of its time even when no client is connected.
const TICK: Duration = Duration::from_secs(1);

/// Real ports per host: host `i` listens on `base + PORTS_PER_HOST * i`
/// plus [`port_offset`].
pub const PORTS_PER_HOST: u16 = 10;

/// Why the network could not be set up; every message names the file and
/// the field, or the flag.
#[derive(Debug, thiserror::Error)]
pub enum NetworkSetupError {
    /// The file could not be read.
    #[error("{}: cannot read the network file: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: std::io::Error,
    },
    /// The file is not JSON.
    #[error("{}: not valid JSON: {reason}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// Where the syntax breaks.
        reason: serde_json::Error,
    },
    /// A field does not fit, or the network does not work (a dangling MX,
    /// a loop, no postmaster); the message starts with the field path.
    #[error("{}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The field and what is wrong with it.
        reason: NetworkLoadError,
    },
    /// The flags made the network invalid (or the default network is).
    #[error("the network: {0}")]
    Settings(String),
    /// A host's real port would be past 65535.
    #[error(
        "--network-base-port {base}: hosts[{index}] ({host}) would need port {port}, past 65535"
    )]
    PortRange {
        /// The flag's value.
        base: u16,
        /// The host's place in the list.
        index: usize,
        /// Its name.
        host: String,
        /// The port it would need.
        port: u32,
    },
    /// A `--save` subfolder.
    #[error(transparent)]
    SaveDir(#[from] CreateError),
}

/// Reads the network: the default one, or `file` (a network description,
/// or a settings file with a `network` key).
pub fn load(file: Option<&Path>) -> Result<Network, NetworkSetupError> {
    let Some(path) = file else {
        return Ok(Network::default());
    };
    let text = std::fs::read_to_string(path).map_err(|reason| NetworkSetupError::Read {
        path: path.to_owned(),
        reason,
    })?;
    let value: Patch = serde_json::from_str(&text).map_err(|reason| NetworkSetupError::Json {
        path: path.to_owned(),
        reason,
    })?;
    let invalid = |reason| NetworkSetupError::Invalid {
        path: path.to_owned(),
        reason,
    };
    if value.get("network").is_none() {
        return patch::read_network(&value, "").map_err(invalid);
    }
    // The settings around it are checked too (their field paths), though
    // only the network is served.
    let mut settings = Settings::default();
    let network = patch::apply_settings_with_network(&mut settings, &value, "").map_err(invalid)?;
    network.ok_or_else(|| NetworkSetupError::Settings("no network in the file".into()))
}

/// What the flags change in every host.
#[derive(Debug, Clone, Copy, Default)]
pub struct Adapt {
    /// `--idle-timeout`.
    pub idle_timeout: Option<u64>,
    /// `--max-message-size`.
    pub message_size: Option<usize>,
    /// Whether the server has TLS; without it no host offers STARTTLS.
    pub tls: bool,
    /// `--require-tls-for-auth`.
    pub require_tls_for_auth: bool,
}

/// Lays the flags over every host: no STARTTLS without TLS (offering it
/// would be a lie a real client acts on), TLS before AUTH when asked, and
/// `--idle-timeout` / `--max-message-size` when given.
pub fn adapt(network: &mut Network, flags: &Adapt) {
    for host in &mut network.hosts {
        let profile = &mut host.profile;
        if !flags.tls {
            profile.extensions.starttls = false;
            profile.require_tls_for_auth = false;
        }
        if flags.require_tls_for_auth {
            profile.require_tls_for_auth = true;
        }
        if let Some(seconds) = flags.idle_timeout {
            profile.idle_timeout_secs = seconds;
        }
        if let Some(octets) = flags.message_size {
            profile.message_size_limit = octets;
        }
    }
}

/// The real port's distance from its host's first: 0 for 25, 7 for 587.
pub fn port_offset(port: u16) -> Option<u16> {
    match port {
        SMTP_PORT => Some(0),
        SUBMISSION_PORT => Some(7),
        _ => None,
    }
}

/// One real listening address standing for a host's simulated port.
#[derive(Debug, Clone)]
pub struct Door {
    /// Where to listen (port 0: any free port).
    pub address: SocketAddr,
    /// The simulated host.
    pub host: Arc<str>,
    /// Its simulated port.
    pub port: u16,
}

/// Every host's ports on `address`, host `i` from `base + 10 i`; with
/// `base` 0 every door takes any free port.
pub fn doors(
    network: &Network,
    address: IpAddr,
    base: u16,
) -> Result<Vec<Door>, NetworkSetupError> {
    let mut doors = Vec::new();
    for (index, host) in network.hosts.iter().enumerate() {
        for &port in &host.ports {
            // Validation allows only 25 and 587.
            let Some(offset) = port_offset(port) else {
                continue;
            };
            // Counted in u32 with saturation, so any number of hosts ends
            // in the range error, not in a wrapped-round port.
            let slot = u32::try_from(index).unwrap_or(u32::MAX);
            let real = match base {
                0 => 0,
                _ => u32::from(PORTS_PER_HOST)
                    .saturating_mul(slot)
                    .saturating_add(u32::from(base) + u32::from(offset)),
            };
            let real = u16::try_from(real).map_err(|_| NetworkSetupError::PortRange {
                base,
                index,
                host: host.name.clone(),
                port: real,
            })?;
            doors.push(Door {
                address: SocketAddr::new(address, real),
                host: host.name.as_str().into(),
                port,
            });
        }
    }
    Ok(doors)
}

/// The start-up table: one row per door, with where it was bound.
pub fn table(network: &Network, bound: &[(SocketAddr, &Door)]) -> Vec<String> {
    let rows: Vec<[String; 3]> = bound
        .iter()
        .map(|(address, door)| {
            let host = network.host(&door.host);
            [
                address.to_string(),
                format!("{}:{}", untrusted(&door.host), door.port),
                host.map_or_else(String::new, |h| door_notes(h, door.port)),
            ]
        })
        .collect();
    let width = |column: usize| rows.iter().map(|r| r[column].len()).max().unwrap_or(0);
    let (listen, target) = (width(0).max(6), width(1).max(9));
    let mut lines = vec![format!(
        "  {:<listen$} -> {:<target$}  simulated address, mail for",
        "listen", "host:port"
    )];
    for [address, host, notes] in rows {
        lines.push(format!("  {address:<listen$} -> {host:<target$}  {notes}"));
    }
    lines
}

/// What a row says about its host: addresses and mail domains on the
/// port-25 row, what submission asks on the 587 row, and a host that is
/// not up.
fn door_notes(host: &Host, port: u16) -> String {
    let mut notes = if port == SUBMISSION_PORT {
        "submission: AUTH before MAIL".to_owned()
    } else {
        let addresses: Vec<String> = host.addresses.iter().map(ToString::to_string).collect();
        let mut notes = addresses.join(", ");
        if !host.world.domains.is_empty() {
            notes.push_str(&format!("; {}", untrusted(&host.world.domains.join(", "))));
        }
        notes
    };
    match host.availability {
        Availability::Up => {}
        Availability::Refusing => notes.push_str(" (refusing: connections are closed at once)"),
        Availability::Unreachable => {
            notes.push_str(" (unreachable: connections are closed at once)");
        }
    }
    notes
}

/// The simulation every connection shares, and where final deliveries
/// are written.
#[derive(Debug)]
pub struct SharedNetwork {
    sim: Mutex<Simulation>,
    /// `--save DIR`: one subfolder per host, by host name in lower case.
    saves: Arc<BTreeMap<String, SaveDir>>,
    verbose: bool,
}

impl SharedNetwork {
    /// Starts the simulation at the time now, with a folder per host under
    /// `save` if given.
    pub fn new(
        network: Network,
        seed: u64,
        save: Option<&Path>,
        verbose: bool,
    ) -> Result<Self, NetworkSetupError> {
        let mut saves = BTreeMap::new();
        if let Some(dir) = save {
            for host in &network.hosts {
                let name = host.name.to_ascii_lowercase();
                // Host names are DNS names (checked), so no `/` or `..`.
                let folder = SaveDir::create(&dir.join(&name))?;
                saves.insert(name, folder);
            }
        }
        let sim = Simulation::new(network, unix_now(), seed)
            .map_err(|error| NetworkSetupError::Settings(error.to_string()))?;
        Ok(Self {
            sim: Mutex::new(sim),
            saves: Arc::new(saves),
            verbose,
        })
    }

    /// The `--save` subfolder of each host, for the start-up log.
    pub fn save_dirs(&self) -> impl Iterator<Item = &Path> {
        self.saves.values().map(SaveDir::dir)
    }

    /// Runs `work` on the simulation with its clock moved up to now (so
    /// queued attempts that fell due have run); with `report`, then writes
    /// out what the simulation did.
    fn with_sim<T>(&self, report: bool, work: impl FnOnce(&mut Simulation) -> T) -> T {
        // A panic elsewhere cannot leave the simulation half-changed in a
        // way that matters more than stopping every session would.
        let mut sim = self.sim.lock().unwrap_or_else(PoisonError::into_inner);
        let now = unix_now();
        if now > sim.now() {
            let behind = now - sim.now();
            sim.advance(behind);
        }
        let result = work(&mut sim);
        if report {
            let entries = sim.take_log();
            let filed = sim.take_mailstores();
            sim.clear_diagram();
            drop(sim);
            self.log_events(entries.into_iter().map(|entry| entry.event));
            self.write_out(filed);
        }
        result
    }

    /// Relay hops and queue events, with `--verbose`; a stalled run always.
    fn log_events(&self, events: impl Iterator<Item = NetworkEvent>) {
        for event in events {
            match event {
                // The connection logs its own connect; filed messages are
                // logged as they are written out.
                NetworkEvent::Connected { .. }
                | NetworkEvent::ConnectFailed { .. }
                | NetworkEvent::Filed { .. } => {}
                NetworkEvent::Stalled => info!("network: {event}"),
                event if self.verbose => info!("network: {}", untrusted(&event.to_string())),
                _ => {}
            }
        }
    }

    /// Final deliveries: logged, and written to the host's folder.
    fn write_out(&self, filed: BTreeMap<String, smtplab_engine::Mailstore>) {
        for (host, store) in filed {
            for delivery in store.deliveries {
                let summary = log::delivery(&delivery);
                let host = host.clone();
                if !self.saves.contains_key(&host) {
                    info!("{} delivered {summary}", untrusted(&host));
                    continue;
                }
                let saves = Arc::clone(&self.saves);
                // File writes block; the save moves the work off this
                // thread, and the simulation need not wait for it.
                tokio::spawn(async move {
                    if let Some(save) = saves.get(&host) {
                        save_final(save, &host, delivery, &summary).await;
                    }
                });
            }
        }
    }

    /// Moves the simulated clock on every [`TICK`], so retries and delay
    /// warnings happen on time with no client connected.
    pub async fn tick(self: Arc<Self>) {
        let mut interval = tokio::time::interval(TICK);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            self.with_sim(true, |_| ());
        }
    }
}

/// Writes one final delivery and logs where (or why not: the message was
/// accepted long ago, so there is no client to give a 451 to).
async fn save_final(save: &SaveDir, host: &str, delivery: Delivery, summary: &str) {
    let host = untrusted(host);
    match save.save(Box::new(delivery)).await {
        Ok(path) => info!("{host} delivered {summary}, saved as {}", path.display()),
        Err(e) => info!(
            "{host} delivered {summary}, not saved: writing it in {} failed: {e}",
            save.dir().display()
        ),
    }
}

/// Serves connection `number` as `door`'s host and port, or closes it at
/// once if the simulated host does not take connections.
pub async fn serve(
    network: Arc<SharedNetwork>,
    door: Arc<Door>,
    stream: TcpStream,
    peer: SocketAddr,
    number: u64,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
) {
    let opened = network.with_sim(true, |sim| sim.connect(&door.host, door.port));
    let connection = match opened {
        Ok(connection) => connection,
        Err(error) => {
            info!(
                "#{number} connect from {peer} to {}:{}: the simulated host is not taking \
                 connections ({error}); closed",
                untrusted(&door.host),
                door.port
            );
            return;
        }
    };
    let engine = NetworkSession {
        network,
        connection,
        pending: VecDeque::new(),
    };
    let accepted = connection::Accepted {
        peer,
        number,
        tls_first: false,
    };
    connection::serve_engine(stream, accepted, shared, engine, stop).await;
}

/// A real client's session with one simulated host: its outputs pass
/// through the simulation, which queues what it accepts.
pub struct NetworkSession {
    network: Arc<SharedNetwork>,
    connection: Connection,
    /// Outputs the simulation handed back, not yet taken.
    pending: VecDeque<Output>,
}

impl Engine for NetworkSession {
    fn session(&self) -> &Session {
        self.connection.session()
    }

    fn session_mut(&mut self) -> &mut Session {
        self.connection.session_mut()
    }

    fn feed(&mut self, input: &[u8]) {
        let connection = &mut self.connection;
        // Not reported yet: the hops it set off are logged after this
        // session's own replies and events (see poll_output).
        let outputs = self
            .network
            .with_sim(false, |sim| sim.feed(connection, input));
        self.pending.extend(outputs);
    }

    fn handle_timeout(&mut self) {
        let connection = &mut self.connection;
        let outputs = self
            .network
            .with_sim(false, |sim| sim.handle_timeout(connection));
        self.pending.extend(outputs);
    }

    fn poll_output(&mut self) -> Option<Output> {
        if self.pending.is_empty() {
            // Outputs of calls made on the session directly (shutdown,
            // expire...) go through the simulation too, so a message
            // still reaches the queue.
            let connection = &mut self.connection;
            let outputs = self
                .network
                .with_sim(true, |sim| sim.take_outputs(connection));
            self.pending.extend(outputs);
        }
        self.pending.pop_front()
    }

    fn queue_host(&self) -> Option<&str> {
        Some(self.connection.host())
    }

    fn target(&self) -> Option<String> {
        Some(format!(
            "{}:{}",
            self.connection.host(),
            self.connection.port()
        ))
    }

    fn finish(&mut self, _shared: &Shared) {
        // The simulation kept the host's memory at every take_outputs.
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_i_listens_ten_ports_after_host_i_minus_one() {
        let network = Network::default();
        let loopback = IpAddr::from([127, 0, 0, 1]);
        let planned = doors(&network, loopback, 2500).unwrap();
        let mapped: Vec<(u16, String)> = planned
            .iter()
            .map(|d| (d.address.port(), format!("{}:{}", d.host, d.port)))
            .collect();
        assert_eq!(mapped[0], (2500, "smtp.isp.example:25".to_owned()));
        assert_eq!(mapped[1], (2507, "smtp.isp.example:587".to_owned()));
        assert_eq!(mapped[2], (2510, "mx1.example.org:25".to_owned()));
        assert_eq!(mapped[6], (2550, "mail.example.com:25".to_owned()));
        assert!(doors(&network, loopback, 0)
            .unwrap()
            .iter()
            .all(|d| d.address.port() == 0));
    }

    #[test]
    fn ports_past_65535_are_refused_with_the_host() {
        let network = Network::default();
        let error = doors(&network, IpAddr::from([127, 0, 0, 1]), 65_500).unwrap_err();
        assert_eq!(
            error.to_string(),
            "--network-base-port 65500: hosts[4] (oldschool.example) would need port 65540, past 65535"
        );
    }

    #[test]
    fn the_table_has_a_row_per_door_and_says_which_hosts_are_down() {
        let network = Network::default();
        let planned = doors(&network, IpAddr::from([127, 0, 0, 1]), 2500).unwrap();
        let bound: Vec<(SocketAddr, &Door)> = planned.iter().map(|d| (d.address, d)).collect();
        let lines = table(&network, &bound);
        assert_eq!(lines.len(), planned.len() + 1);
        assert_eq!(
            lines[2],
            "  127.0.0.1:2507 -> smtp.isp.example:587    submission: AUTH before MAIL"
        );
        assert!(lines[5].ends_with("(unreachable: connections are closed at once)"));
    }

    #[test]
    fn without_tls_every_host_loses_starttls_and_takes_the_flags() {
        let mut network = Network::default();
        let flags = Adapt {
            idle_timeout: Some(30),
            message_size: Some(1000),
            ..Adapt::default()
        };
        adapt(&mut network, &flags);
        for host in &network.hosts {
            assert!(!host.profile.extensions.starttls, "{}", host.name);
            assert_eq!(host.profile.idle_timeout_secs, 30);
            assert_eq!(host.profile.message_size_limit, 1000);
        }
        let mut network = Network::default();
        let with_tls = Adapt {
            tls: true,
            require_tls_for_auth: true,
            ..Adapt::default()
        };
        adapt(&mut network, &with_tls);
        let isp = network.host("smtp.isp.example").unwrap();
        assert!(isp.profile.extensions.starttls);
        assert!(isp.profile.require_tls_for_auth);
    }
}
