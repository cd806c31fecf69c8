//! `smtplab serve`: the simulated server on real TCP sockets, with the
//! limits a network service needs (sessions at once, idle timeout, memory)
//! and a graceful shutdown on Ctrl-C or SIGTERM.

use std::io;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::builder::{PossibleValue, PossibleValuesParser};
use smtplab_engine::profile::{EnhancedCodesFrom, PRESETS};
use smtplab_engine::{Reply, ReplyKey, Settings};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tracing::info;

use crate::connection::{self, Accepted, Shared};
use crate::escape::untrusted;
use crate::limits::InFlight;
use crate::network::{self, Door, NetworkSetupError, SharedNetwork};
use crate::save::SaveDir;
use crate::settings_file::{SettingsFile, SettingsFileError};
use crate::tls::{Origin, ServerTls, TlsSetupError};

/// How long a shutdown waits for open sessions to take their 421 and close.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Connections being refused (421, too many sessions) at once; beyond this
/// a connection is closed without a word, so a connection flood cannot
/// pile up refusal tasks (docs/serve.md says so).
const MAX_REFUSING: usize = 64;

/// Pending connections the kernel queues before `accept`.
const LISTEN_BACKLOG: i32 = 1024;

/// Options of `smtplab serve`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Nothing is ever delivered anywhere: accepted messages are only logged, and \
                  written to --save DIR if given.\nThe settings file format is described in \
                  docs/settings.md."
)]
pub struct ServeArgs {
    /// Address to listen on; repeat for several. IPv6 as [::1]:2525; a bare
    /// port means 127.0.0.1.
    #[arg(long = "listen", value_name = "ADDR", default_value = "127.0.0.1:2525")]
    pub listen: Vec<String>,

    /// Serve the simulated mail network instead of one server: every host
    /// on real ports of its own (see --network-base-port), messages relayed
    /// hop by hop. FILE is a network description or a settings file with a
    /// `network` key [default: the built-in network].
    #[arg(long, value_name = "FILE", num_args = 0..=1,
          conflicts_with_all = ["listen", "world", "profile", "print_settings"])]
    pub network: Option<Option<PathBuf>>,

    /// With --network: host i of the network listens on this port + 10 i
    /// for its port 25 and + 10 i + 7 for its 587; 0 gives every one any
    /// free port (the start-up table says which).
    #[arg(long, value_name = "PORT", default_value_t = 2500)]
    pub network_base_port: u16,

    /// With --network: the address every host listens on. Anything but a
    /// loopback address opens the network to other machines.
    #[arg(long, value_name = "IP", default_value = "127.0.0.1")]
    pub network_address: IpAddr,

    /// The preset to start from [default: the file's profile.name if it
    /// names a preset, else default].
    #[arg(long, value_name = "NAME", value_parser = preset_names())]
    pub profile: Option<String>,

    /// A JSON settings file (profile and world); whatever it leaves out comes
    /// from the preset.
    #[arg(long, value_name = "FILE")]
    pub world: Option<PathBuf>,

    /// Sessions open at once; a connection beyond it gets 421 4.3.2 and is
    /// closed.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_sessions: u32,

    /// Seconds of silence before a session gets 421 4.4.2 and is closed
    /// [default: the profile's, 300 as RFC 5321 asks].
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub idle_timeout: Option<u64>,

    /// Largest message in octets, as the SIZE extension announces it
    /// [default: the profile's, 10240000].
    #[arg(long, value_name = "OCTETS", value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub max_message_size: Option<u64>,

    /// Seconds a command line may take from its first octet to its CRLF;
    /// then 421 4.4.2 and close, however steadily its octets trickle in.
    #[arg(long, value_name = "SECS", default_value_t = 300,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub command_timeout: u64,

    /// Seconds message content (after 354, or one BDAT chunk) may take from
    /// its first octet to its end; then 421 4.4.2 and close.
    #[arg(long, value_name = "SECS", default_value_t = 600,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub data_timeout: u64,

    /// Octets of messages held in memory by all sessions together; a
    /// message that would go over gets 452 4.3.1 at its end (and is
    /// retried by a real client) [default: 4 x --max-message-size].
    #[arg(long, value_name = "OCTETS", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_in_flight: Option<u64>,

    /// Log every command and reply line, not just connects, deliveries and
    /// closes.
    #[arg(long, short)]
    pub verbose: bool,

    /// Write each delivered message to DIR as <queue-id>.eml.
    #[arg(long, value_name = "DIR")]
    pub save: Option<PathBuf>,

    /// Seed for queue ids (session n uses SEED + n - 1), to repeat a run
    /// exactly [default: from the clock].
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,

    /// Threads serving connections. One serves thousands of sessions and,
    /// measured on 2 cores, more messages per second than several.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: u16,

    /// Print the settings the server would use, as a complete settings file,
    /// and exit.
    #[arg(long)]
    pub print_settings: bool,

    /// Also listen here for implicit TLS (RFC 8314: the TLS handshake
    /// first, then SMTP, as on port 465); repeat for several. Not with
    /// --network.
    #[arg(long, value_name = "ADDR", conflicts_with = "network")]
    pub tls_listen: Vec<String>,

    /// The server's certificate chain, PEM (the server's own first); with
    /// --tls-key [default: a self-signed certificate made at start].
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key of --tls-cert, PEM (PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Refuse AUTH before STARTTLS (530 5.7.0) and leave it out of EHLO
    /// until TLS is on, as a real submission server does.
    #[arg(long)]
    pub require_tls_for_auth: bool,

    /// No TLS at all: STARTTLS is not offered and no certificate is made.
    #[arg(long, conflicts_with_all = ["tls_listen", "tls_cert", "tls_key", "require_tls_for_auth"])]
    pub no_tls: bool,
}

fn preset_names() -> PossibleValuesParser {
    PossibleValuesParser::new(
        PRESETS
            .iter()
            .map(|(name, about)| PossibleValue::new(*name).help(*about)),
    )
}

/// Why `smtplab serve` could not start or run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The runtime did not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(io::Error),
    /// `--profile` (or the file's `profile.name`) names no preset.
    #[error("no preset named {0}")]
    NoPreset(String),
    /// The settings file could not be read or applied (its own message
    /// names the file and the field).
    #[error(transparent)]
    SettingsFile(#[from] SettingsFileError),
    /// The flags and the file together make invalid settings.
    #[error("settings: {0}")]
    Settings(String),
    /// A flag's value does not fit.
    #[error("{flag}: {reason}")]
    Flag {
        /// The flag.
        flag: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// `--listen` is not an address.
    #[error("--listen {text}: not an address to listen on ({source})")]
    BadAddress {
        /// What was given.
        text: String,
        /// Why it does not resolve.
        source: io::Error,
    },
    /// `--listen` names a host without addresses.
    #[error("--listen {0}: the name has no address")]
    NoAddress(String),
    /// Binding a listening socket failed.
    #[error("cannot listen on {address}: {source}")]
    Listen {
        /// Where.
        address: SocketAddr,
        /// Why.
        source: io::Error,
    },
    /// The `--save` folder.
    #[error(transparent)]
    SaveDir(#[from] crate::save::CreateError),
    /// `--network`: the file, the flags or a `--save` subfolder.
    #[error(transparent)]
    Network(#[from] NetworkSetupError),
    /// The certificate or key files, or the TLS settings.
    #[error(transparent)]
    Tls(#[from] TlsSetupError),
    /// Ctrl-C or SIGTERM cannot be watched.
    #[error("cannot watch {signal}: {source}")]
    Signal {
        /// Which.
        signal: &'static str,
        /// Why.
        source: io::Error,
    },
}

/// Runs `smtplab serve` until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> Result<(), ServeError> {
    let (settings, source) = effective_settings(&args)?;
    if args.print_settings {
        let json = serde_json::to_string_pretty(&settings).expect("settings always serialize");
        println!("{json}");
        return Ok(());
    }
    // A single-threaded runtime saves the hand-overs between threads that
    // dominate when each session mostly waits for its client.
    let runtime = match args.threads {
        1 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        threads => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(usize::from(threads))
            .enable_all()
            .build(),
    }
    .map_err(ServeError::Runtime)?;
    runtime.block_on(serve(args, settings, source))
}

/// The preset, then the settings file over it, then the flags over both.
fn effective_settings(args: &ServeArgs) -> Result<(Settings, String), ServeError> {
    let file = args
        .world
        .as_deref()
        .map(SettingsFile::read)
        .transpose()
        .map_err(ServeError::SettingsFile)?;
    let name = args
        .profile
        .as_deref()
        .or_else(|| file.as_ref().and_then(SettingsFile::preset_name))
        .unwrap_or("default");
    let base = Settings::preset(name).ok_or_else(|| ServeError::NoPreset(name.to_owned()))?;
    let (mut settings, source) = match (&file, &args.world) {
        (Some(file), Some(path)) => (
            file.over(&base).map_err(ServeError::SettingsFile)?,
            format!("preset {name} with {}", path.display()),
        ),
        _ => (base, format!("preset {name}")),
    };
    if let Some(seconds) = args.idle_timeout {
        settings.profile.idle_timeout_secs = seconds;
    }
    if let Some(octets) = args.max_message_size {
        settings.profile.message_size_limit = octets_flag("--max-message-size", octets)?;
    }
    if args.require_tls_for_auth {
        settings.profile.require_tls_for_auth = true;
    }
    if args.no_tls {
        // Offering STARTTLS without TLS would be a lie a real client acts
        // on (and then fails its handshake).
        settings.profile.extensions.starttls = false;
        if settings.profile.require_tls_for_auth {
            return Err(ServeError::Flag {
                flag: "--no-tls",
                reason: "the settings require TLS before AUTH (require_tls_for_auth), \
                         so no client could ever log in"
                    .into(),
            });
        }
    }
    settings
        .validate()
        .map_err(|e| ServeError::Settings(e.to_string()))?;
    Ok((settings, source))
}

fn octets_flag(flag: &'static str, octets: u64) -> Result<usize, ServeError> {
    usize::try_from(octets).map_err(|_| ServeError::Flag {
        flag,
        reason: "too large for this machine".into(),
    })
}

/// `--max-in-flight`, or four of the `largest` messages by default; never
/// less than one largest message, which could otherwise never arrive.
fn in_flight_limit(args: &ServeArgs, largest: usize) -> Result<usize, ServeError> {
    let Some(octets) = args.max_in_flight else {
        return Ok(largest.saturating_mul(4));
    };
    let limit = octets_flag("--max-in-flight", octets)?;
    if limit < largest {
        return Err(ServeError::Flag {
            flag: "--max-in-flight",
            reason: format!(
                "{limit} octets is less than one message of the largest size ({largest} octets)"
            ),
        });
    }
    Ok(limit)
}

/// Where an accept loop's connections go.
#[derive(Clone)]
enum Route {
    /// The one-server sandbox; `tls_first` on a `--tls-listen` socket.
    Lone { tls_first: bool },
    /// A host and port of the simulated network.
    Simulated {
        network: Arc<SharedNetwork>,
        door: Arc<Door>,
    },
}

/// Listening sockets and where each one's connections go.
type Listeners = Vec<(TcpListener, Route)>;

async fn serve(args: ServeArgs, settings: Settings, source: String) -> Result<(), ServeError> {
    let (shared, listeners) = match &args.network {
        None => lone_setup(&args, settings, &source)?,
        Some(file) => network_setup(&args, settings, file.as_deref())?,
    };
    let sessions = Arc::new(Semaphore::new(args.max_sessions as usize));
    let (stop_sender, stop) = watch::channel(false);
    let accepting = Accepting {
        too_many: refusal_reply(&shared.settings),
        shared,
        sessions: Arc::clone(&sessions),
        refusing: Arc::new(Semaphore::new(MAX_REFUSING)),
        numbers: Arc::new(AtomicU64::new(0)),
        max_sessions: args.max_sessions,
        stop,
    };
    for (listener, route) in listeners {
        tokio::spawn(accept_loop(listener, accepting.clone(), route));
    }
    info!("ready: press Ctrl-C to stop");
    let signal = wait_for_signal().await?;
    shut_down(signal, &sessions, args.max_sessions, &stop_sender).await;
    Ok(())
}

/// The one-server sandbox on every `--listen` address.
fn lone_setup(
    args: &ServeArgs,
    settings: Settings,
    source: &str,
) -> Result<(Arc<Shared>, Listeners), ServeError> {
    let plain = resolve_all(&args.listen)?;
    let implicit = resolve_all(&args.tls_listen)?;
    let mut names = vec![settings.profile.hostname.clone()];
    names.extend(plain.iter().chain(&implicit).map(|a| a.ip().to_string()));
    // Checked before anything listens: a broken file stops the start.
    let tls = server_tls(args, names)?;
    let mut listeners = Vec::new();
    for (addresses, tls_first) in [(plain, false), (implicit, true)] {
        for address in addresses {
            let listener =
                bind(address).map_err(|source| ServeError::Listen { address, source })?;
            listeners.push((listener, Route::Lone { tls_first }));
        }
    }
    let largest = settings.profile.message_size_limit;
    let shared = Arc::new(Shared {
        in_flight: InFlight::new(in_flight_limit(args, largest)?),
        save: args.save.as_deref().map(SaveDir::create).transpose()?,
        tls,
        ..shared_parts(args, settings)
    });
    log_start(args, &shared, source);
    for (listener, route) in &listeners {
        let tls_first = matches!(route, Route::Lone { tls_first: true });
        if let Ok(address) = listener.local_addr() {
            match tls_first {
                true => info!("listening on {address} (implicit TLS)"),
                false => info!("listening on {address}"),
            }
        }
    }
    Ok((shared, listeners))
}

/// Every address of `texts` (`--listen` or `--tls-listen` values).
fn resolve_all(texts: &[String]) -> Result<Vec<SocketAddr>, ServeError> {
    let mut addresses = Vec::new();
    for text in texts {
        addresses.extend(resolve(text)?);
    }
    Ok(addresses)
}

/// The server's certificate: from `--tls-cert`/`--tls-key`, or made now for
/// `names` (the host names clients will connect to) and the loopback
/// addresses; `None` with `--no-tls`.
fn server_tls(args: &ServeArgs, mut names: Vec<String>) -> Result<Option<ServerTls>, ServeError> {
    if args.no_tls {
        return Ok(None);
    }
    names.extend(["localhost", "127.0.0.1", "::1"].map(String::from));
    // An unspecified address (0.0.0.0, ::) is nobody's name.
    names.retain(|name| !matches!(name.parse::<IpAddr>(), Ok(ip) if ip.is_unspecified()));
    let mut seen = std::collections::HashSet::new();
    names.retain(|name| seen.insert(name.to_ascii_lowercase()));
    let tls = ServerTls::new(args.tls_cert.as_deref(), args.tls_key.as_deref(), names)?;
    Ok(Some(tls))
}

/// What both kinds of server share, before the memory budget and the save
/// folder are known.
fn shared_parts(args: &ServeArgs, settings: Settings) -> Shared {
    Shared {
        in_flight: InFlight::new(0),
        save: None,
        base_seed: args.seed.unwrap_or_else(clock_seed),
        verbose: args.verbose,
        command_timeout: Duration::from_secs(args.command_timeout),
        data_timeout: Duration::from_secs(args.data_timeout),
        memory: Default::default(),
        tls: None,
        settings,
    }
}

/// `--network`: the network read and checked, then every host's doors
/// bound; nothing listens if anything is wrong.
fn network_setup(
    args: &ServeArgs,
    settings: Settings,
    file: Option<&Path>,
) -> Result<(Arc<Shared>, Listeners), ServeError> {
    let mut description = network::load(file)?;
    let tls = network_tls(args, &mut description)?;
    let doors = network::doors(&description, args.network_address, args.network_base_port)?;
    let largest = description
        .hosts
        .iter()
        .map(|host| host.profile.message_size_limit)
        .max()
        .unwrap_or(settings.profile.message_size_limit);
    let shared = Arc::new(Shared {
        in_flight: InFlight::new(in_flight_limit(args, largest)?),
        tls,
        ..shared_parts(args, settings)
    });
    let simulation = SharedNetwork::new(
        description.clone(),
        shared.base_seed,
        args.save.as_deref(),
        args.verbose,
    )?;
    let simulation = Arc::new(simulation);
    let bound = bind_doors(doors)?;
    let what = file.map_or_else(
        || "the default network".to_owned(),
        |f| f.display().to_string(),
    );
    log_network_start(args, &shared, &description, &what, &simulation);
    let rows: Vec<(SocketAddr, &Door)> = bound.iter().map(|(_, a, d)| (*a, d.as_ref())).collect();
    for line in network::table(&description, &rows) {
        info!("{line}");
    }
    tokio::spawn(Arc::clone(&simulation).tick());
    let listeners = bound
        .into_iter()
        .map(|(listener, _, door)| {
            let network = Arc::clone(&simulation);
            (listener, Route::Simulated { network, door })
        })
        .collect();
    Ok((shared, listeners))
}

/// One certificate for every host (their names, and the address they
/// listen on), and the flags laid over every host.
fn network_tls(
    args: &ServeArgs,
    description: &mut smtplab_engine::network::Network,
) -> Result<Option<ServerTls>, ServeError> {
    let size = args
        .max_message_size
        .map(|octets| octets_flag("--max-message-size", octets))
        .transpose()?;
    let mut names: Vec<String> = description.hosts.iter().map(|h| h.name.clone()).collect();
    names.push(args.network_address.to_string());
    let tls = server_tls(args, names)?;
    let flags = network::Adapt {
        idle_timeout: args.idle_timeout,
        message_size: size,
        tls: tls.is_some(),
        require_tls_for_auth: args.require_tls_for_auth,
    };
    network::adapt(description, &flags);
    Ok(tls)
}

/// Each door's listening socket, and the address it got (its port, when
/// `--network-base-port 0` left the choice to the system).
fn bind_doors(doors: Vec<Door>) -> Result<Vec<(TcpListener, SocketAddr, Arc<Door>)>, ServeError> {
    let mut bound = Vec::new();
    for door in doors {
        let address = door.address;
        let listener = bind(address).map_err(|source| ServeError::Listen { address, source })?;
        let address = listener.local_addr().unwrap_or(address);
        bound.push((listener, address, Arc::new(door)));
    }
    Ok(bound)
}

/// What the server runs with, said once at the start.
fn log_start(args: &ServeArgs, shared: &Shared, source: &str) {
    let profile = &shared.settings.profile;
    info!("smtplab serve: profile {} ({source})", profile.name);
    log_limits(
        args,
        shared,
        profile.idle_timeout_secs,
        profile.message_size_limit,
    );
    match &shared.save {
        Some(save) => info!(
            "sandbox: nothing is sent on; delivered messages are saved to {} as <queue-id>.eml",
            save.dir().display()
        ),
        None => info!("sandbox: nothing is sent on; delivered messages are only logged (--save DIR keeps them)"),
    }
    log_seed(shared);
}

fn log_limits(args: &ServeArgs, shared: &Shared, idle: u64, message_size: usize) {
    log_tls(shared);
    info!(
        "limits: {} sessions at once, idle timeout {idle} s, a command line within {} s, \
         message content within {} s, messages up to {message_size} octets, {} octets of \
         messages in memory at once; {} thread(s)",
        args.max_sessions,
        args.command_timeout,
        args.data_timeout,
        shared.in_flight.limit(),
        args.threads
    );
}

/// Whether and how TLS is offered, and the certificate's fingerprint (for
/// a client to pin, or a student to compare with what `openssl s_client`
/// shows).
fn log_tls(shared: &Shared) {
    let Some(tls) = &shared.tls else {
        info!("TLS is off (--no-tls): STARTTLS is not offered");
        return;
    };
    // The profile decides (the submission preset, a --world file, or the flag).
    let auth = match shared.settings.profile.require_tls_for_auth {
        true => "; AUTH only after STARTTLS",
        false => "",
    };
    info!("TLS: STARTTLS where the profile offers it{auth}");
    match &tls.origin {
        Origin::SelfSigned(names) => info!(
            "TLS certificate: self-signed, made at start for {}",
            untrusted(&names.join(", "))
        ),
        Origin::File(path) => info!("TLS certificate: {}", path.display()),
    }
    info!("TLS certificate SHA-256 fingerprint: {}", tls.fingerprint);
}

fn log_seed(shared: &Shared) {
    let seed = shared.base_seed;
    info!("queue ids from seed {seed} (repeat a run with --seed {seed})");
}

/// The same for `--network`, before the port table.
fn log_network_start(
    args: &ServeArgs,
    shared: &Shared,
    network: &smtplab_engine::network::Network,
    what: &str,
    simulation: &SharedNetwork,
) {
    info!(
        "smtplab serve --network: {what}, {} hosts, each with its own profile",
        network.hosts.len()
    );
    let first = network.hosts.first().map(|h| &h.profile);
    let idle = args.idle_timeout.or(first.map(|p| p.idle_timeout_secs));
    let size = first.map_or(0, |p| p.message_size_limit);
    log_limits(args, shared, idle.unwrap_or(0), size);
    let client = &network.client;
    info!(
        "a real client is {} [{}] to the simulated hosts; queues run on the real clock",
        untrusted(&client.name),
        client.address
    );
    if !args.network_address.is_loopback() {
        info!(
            "--network-address {}: every simulated host is open to other machines",
            args.network_address
        );
    }
    let folders = simulation.save_dirs().count();
    match args.save.as_deref() {
        Some(dir) => info!(
            "sandbox: nothing leaves the simulation; final deliveries are saved to {}/<host>/<queue-id>.eml ({} folders)",
            dir.display(),
            folders
        ),
        None => info!("sandbox: nothing leaves the simulation; final deliveries are only logged (--save DIR keeps them)"),
    }
    log_seed(shared);
}

/// Sends every open session its 421 and waits for them to close.
async fn shut_down(
    signal: &str,
    sessions: &Semaphore,
    max_sessions: u32,
    stop: &watch::Sender<bool>,
) {
    let open = max_sessions as usize - sessions.available_permits();
    info!("{signal}: shutting down; sending 421 to {open} open session(s)");
    let _ = stop.send(true);
    // Every session holds a permit until it has closed: all of them back
    // means every session got its 421.
    match tokio::time::timeout(SHUTDOWN_GRACE, sessions.acquire_many(max_sessions)).await {
        Ok(_) => info!("stopped"),
        Err(_) => info!(
            "stopped, with {} session(s) still writing after {} s",
            max_sessions as usize - sessions.available_permits(),
            SHUTDOWN_GRACE.as_secs()
        ),
    }
}

/// What each accept loop needs.
#[derive(Clone)]
struct Accepting {
    shared: Arc<Shared>,
    sessions: Arc<Semaphore>,
    refusing: Arc<Semaphore>,
    numbers: Arc<AtomicU64>,
    too_many: Arc<[u8]>,
    max_sessions: u32,
    stop: watch::Receiver<bool>,
}

async fn accept_loop(listener: TcpListener, mut ctx: Accepting, route: Route) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = ctx.stop.wait_for(|stopping| *stopping) => return,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors, usually: wait instead of spinning.
                info!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let number = ctx.numbers.fetch_add(1, Ordering::Relaxed) + 1;
        match Arc::clone(&ctx.sessions).try_acquire_owned() {
            Ok(permit) => {
                let shared = Arc::clone(&ctx.shared);
                let stop = ctx.stop.clone();
                let route = route.clone();
                tokio::spawn(async move {
                    match route {
                        Route::Lone { tls_first } => {
                            let accepted = Accepted {
                                peer,
                                number,
                                tls_first,
                            };
                            connection::serve(stream, accepted, shared, stop).await;
                        }
                        Route::Simulated { network, door } => {
                            network::serve(network, door, stream, peer, number, shared, stop).await;
                        }
                    }
                    drop(permit);
                });
            }
            Err(_) => ctx.refuse(stream, peer, number),
        }
    }
}

impl Accepting {
    /// A connection over the session limit gets its 421, unless
    /// [`MAX_REFUSING`] others are being answered already.
    fn refuse(&self, stream: TcpStream, peer: SocketAddr, number: u64) {
        let limit = self.max_sessions;
        let Ok(slot) = Arc::clone(&self.refusing).try_acquire_owned() else {
            info!("#{number} refused {peer}: too many sessions ({limit}), closed without a reply");
            return;
        };
        let reply = Arc::clone(&self.too_many);
        tokio::spawn(async move {
            info!("#{number} refused {peer}: too many sessions ({limit} open), answered 421");
            if let Err(e) = connection::refuse(stream, &reply).await {
                info!("#{number} refusal not sent: {e}");
            }
            drop(slot);
        });
    }
}

/// `421 4.3.2 <hostname> Too many connections...`, formatted as the engine
/// formats its other 421 replies for this profile (host name first; the
/// enhanced code only where the profile would send one before EHLO).
fn refusal_reply(settings: &Settings) -> Arc<[u8]> {
    let profile = &settings.profile;
    let text = format!(
        "{} {}",
        profile.hostname,
        ReplyKey::TooManySessions.info().text
    );
    let mut reply = Reply::with_text(ReplyKey::TooManySessions, text);
    if !profile.extensions.enhanced_status_codes
        || profile.enhanced_codes_from == EnhancedCodesFrom::Ehlo
    {
        reply = reply.without_enhanced();
    }
    reply.to_wire().into_bytes().into()
}

/// `127.0.0.1:2525`, `[::1]:2525`, `localhost:2525` or a bare port.
fn resolve(text: &str) -> Result<Vec<SocketAddr>, ServeError> {
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(vec![address]);
    }
    if let Ok(port) = text.parse::<u16>() {
        return Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))]);
    }
    let addresses: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|source| ServeError::BadAddress {
            text: text.to_owned(),
            source,
        })?
        .collect();
    if addresses.is_empty() {
        return Err(ServeError::NoAddress(text.to_owned()));
    }
    Ok(addresses)
}

/// A listening socket. IPv6 sockets are IPv6 only, so `--listen [::]:25`
/// and `--listen 0.0.0.0:25` can be used together.
fn bind(address: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = Socket::new(
        Domain::for_address(address),
        Type::STREAM,
        Some(Protocol::TCP),
    )?;
    if address.is_ipv6() {
        socket.set_only_v6(true)?;
    }
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&address.into())?;
    socket.listen(LISTEN_BACKLOG)?;
    TcpListener::from_std(socket.into())
}

/// Waits for Ctrl-C or SIGTERM and says which came.
async fn wait_for_signal() -> Result<&'static str, ServeError> {
    let watch_failed = |signal| move |source| ServeError::Signal { signal, source };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate()).map_err(watch_failed("SIGTERM"))?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => {
                result.map_err(watch_failed("Ctrl-C"))?;
                Ok("Ctrl-C")
            }
            _ = terminate.recv() => Ok("SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .map_err(watch_failed("Ctrl-C"))?;
        Ok("Ctrl-C")
    }
}

/// A seed that differs from run to run, for when `--seed` is not given.
fn clock_seed() -> u64 {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    // Low bits change fastest; fold the rest in and mix with the process id.
    (nanos as u64) ^ ((nanos >> 64) as u64) ^ (u64::from(std::process::id()) << 40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_follows_the_profiles_enhanced_code_rule() {
        for (preset, expected) in [
            (
                "default",
                "421 4.3.2 mail.example.com Too many connections, try again later\r\n",
            ),
            (
                "strict",
                "421 mail.example.com Too many connections, try again later\r\n",
            ),
            (
                "classic",
                "421 mail.example.com Too many connections, try again later\r\n",
            ),
        ] {
            let reply = refusal_reply(&Settings::preset(preset).unwrap());
            assert_eq!(std::str::from_utf8(&reply).unwrap(), expected, "{preset}");
        }
    }

    #[test]
    fn listen_addresses_take_several_forms() {
        for (text, expected) in [
            ("127.0.0.1:2525", "127.0.0.1:2525"),
            ("[::1]:2525", "[::1]:2525"),
            ("2626", "127.0.0.1:2626"),
        ] {
            assert_eq!(resolve(text).unwrap(), [expected.parse().unwrap()]);
        }
        assert!(resolve("nonsense here")
            .unwrap_err()
            .to_string()
            .starts_with("--listen nonsense here: "));
    }
}
