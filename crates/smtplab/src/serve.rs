//! `smtplab serve`: the simulated server on real TCP sockets, with the
//! limits a network service needs (sessions at once, idle timeout, memory)
//! and a graceful shutdown on Ctrl-C or SIGTERM.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::builder::{PossibleValue, PossibleValuesParser};
use smtplab_engine::profile::{EnhancedCodesFrom, PRESETS};
use smtplab_engine::{Reply, ReplyKey, Settings};
use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use crate::connection::{self, Shared};
use crate::save::SaveDir;
use crate::settings_file::SettingsFile;

/// How long a shutdown waits for open sessions to take their 421 and close.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Connections being refused (421, too many sessions) at once; beyond this
/// a connection is closed without a word, so a connection flood cannot
/// pile up refusal tasks.
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
}

fn preset_names() -> PossibleValuesParser {
    PossibleValuesParser::new(
        PRESETS
            .iter()
            .map(|(name, about)| PossibleValue::new(*name).help(*about)),
    )
}

/// Runs `smtplab serve` until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs) -> Result<(), String> {
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
    .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(serve(args, settings, source))
}

/// The preset, then the settings file over it, then the flags over both.
fn effective_settings(args: &ServeArgs) -> Result<(Settings, String), String> {
    let file = args.world.as_deref().map(SettingsFile::read).transpose()?;
    let name = args
        .profile
        .as_deref()
        .or_else(|| file.as_ref().and_then(SettingsFile::preset_name))
        .unwrap_or("default");
    let base = Settings::preset(name).ok_or_else(|| format!("no preset named {name}"))?;
    let (mut settings, source) = match (&file, &args.world) {
        (Some(file), Some(path)) => (
            file.over(&base)?,
            format!("preset {name} with {}", path.display()),
        ),
        _ => (base, format!("preset {name}")),
    };
    if let Some(seconds) = args.idle_timeout {
        settings.profile.idle_timeout_secs = seconds;
    }
    if let Some(octets) = args.max_message_size {
        settings.profile.message_size_limit =
            usize::try_from(octets).map_err(|_| "--max-message-size is too large".to_owned())?;
    }
    // There is no TLS here; offering STARTTLS would be a lie a real client
    // acts on (and then fails its handshake).
    settings.profile.extensions.starttls = false;
    settings.validate().map_err(|e| format!("settings: {e}"))?;
    Ok((settings, source))
}

async fn serve(args: ServeArgs, settings: Settings, source: String) -> Result<(), String> {
    let mut listeners = Vec::new();
    for text in &args.listen {
        for address in resolve(text)? {
            let listener = bind(address).map_err(|e| format!("cannot listen on {address}: {e}"))?;
            listeners.push(listener);
        }
    }
    let save = args.save.as_deref().map(SaveDir::create).transpose()?;
    let base_seed = args.seed.unwrap_or_else(clock_seed);
    let profile = &settings.profile;
    log!("smtplab serve: profile {} ({source})", profile.name);
    log!("STARTTLS is switched off: this sandbox has no TLS, and a server must not offer what it cannot do");
    log!(
        "limits: {} sessions at once, idle timeout {} s, messages up to {} octets; {} thread(s)",
        args.max_sessions,
        profile.idle_timeout_secs,
        profile.message_size_limit,
        args.threads
    );
    match &save {
        Some(save) => log!(
            "sandbox: nothing is sent on; delivered messages are saved to {} as <queue-id>.eml",
            save.dir().display()
        ),
        None => log!("sandbox: nothing is sent on; delivered messages are only logged (--save DIR keeps them)"),
    }
    log!("queue ids from seed {base_seed} (repeat a run with --seed {base_seed})");
    let too_many = refusal_reply(&settings);
    let shared = Arc::new(Shared {
        settings,
        base_seed,
        save,
        verbose: args.verbose,
        memory: Default::default(),
    });
    let sessions = Arc::new(Semaphore::new(args.max_sessions as usize));
    let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
    let numbers = Arc::new(AtomicU64::new(0));
    let (stop_sender, stop) = watch::channel(false);
    for listener in listeners {
        let address = listener
            .local_addr()
            .map_err(|e| format!("listening socket: {e}"))?;
        log!("listening on {address}");
        tokio::spawn(accept_loop(
            listener,
            Accepting {
                shared: Arc::clone(&shared),
                sessions: Arc::clone(&sessions),
                refusing: Arc::clone(&refusing),
                numbers: Arc::clone(&numbers),
                too_many: Arc::clone(&too_many),
                max_sessions: args.max_sessions,
                stop: stop.clone(),
            },
        ));
    }
    log!("ready: press Ctrl-C to stop");

    let signal = wait_for_signal().await?;
    let open = args.max_sessions as usize - sessions.available_permits();
    log!("{signal}: shutting down; sending 421 to {open} open session(s)");
    let _ = stop_sender.send(true);
    // Every session holds a permit until it has closed: all of them back
    // means every session got its 421.
    match tokio::time::timeout(SHUTDOWN_GRACE, sessions.acquire_many(args.max_sessions)).await {
        Ok(_) => log!("stopped"),
        Err(_) => log!(
            "stopped, with {} session(s) still writing after {} s",
            args.max_sessions as usize - sessions.available_permits(),
            SHUTDOWN_GRACE.as_secs()
        ),
    }
    Ok(())
}

/// What each accept loop needs.
struct Accepting {
    shared: Arc<Shared>,
    sessions: Arc<Semaphore>,
    refusing: Arc<Semaphore>,
    numbers: Arc<AtomicU64>,
    too_many: Arc<[u8]>,
    max_sessions: u32,
    stop: watch::Receiver<bool>,
}

async fn accept_loop(listener: TcpListener, mut ctx: Accepting) {
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = ctx.stop.wait_for(|stopping| *stopping) => return,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // Out of file descriptors, usually: wait instead of spinning.
                log!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let number = ctx.numbers.fetch_add(1, Ordering::Relaxed) + 1;
        match Arc::clone(&ctx.sessions).try_acquire_owned() {
            Ok(permit) => {
                let shared = Arc::clone(&ctx.shared);
                let stop = ctx.stop.clone();
                tokio::spawn(async move {
                    connection::serve(stream, peer, number, shared, stop).await;
                    drop(permit);
                });
            }
            Err(_) => {
                let limit = ctx.max_sessions;
                let Ok(slot) = Arc::clone(&ctx.refusing).try_acquire_owned() else {
                    log!("#{number} refused {peer}: too many sessions ({limit}), closed without a reply");
                    continue;
                };
                let reply = Arc::clone(&ctx.too_many);
                tokio::spawn(async move {
                    log!(
                        "#{number} refused {peer}: too many sessions ({limit} open), answered 421"
                    );
                    if let Err(e) = connection::refuse(stream, &reply).await {
                        log!("#{number} refusal not sent: {e}");
                    }
                    drop(slot);
                });
            }
        }
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
fn resolve(text: &str) -> Result<Vec<SocketAddr>, String> {
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(vec![address]);
    }
    if let Ok(port) = text.parse::<u16>() {
        return Ok(vec![SocketAddr::from(([127, 0, 0, 1], port))]);
    }
    let addresses: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|e| format!("--listen {text}: not an address to listen on ({e})"))?
        .collect();
    if addresses.is_empty() {
        return Err(format!("--listen {text}: the name has no address"));
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
async fn wait_for_signal() -> Result<&'static str, String> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate =
            signal(SignalKind::terminate()).map_err(|e| format!("cannot watch SIGTERM: {e}"))?;
        tokio::select! {
            result = tokio::signal::ctrl_c() => {
                result.map_err(|e| format!("cannot watch Ctrl-C: {e}"))?;
                Ok("Ctrl-C")
            }
            _ = terminate.recv() => Ok("SIGTERM"),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c()
            .await
            .map_err(|e| format!("cannot watch Ctrl-C: {e}"))?;
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
        assert!(resolve("nonsense here").unwrap_err().contains("--listen"));
    }
}
