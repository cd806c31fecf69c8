//! One TCP connection driven through one engine `Session`: the server moves
//! bytes in, reply bytes out, and time and timers; the engine decides
//! everything a client sees.
//!
//! ```text
//!   socket ──read (READ_CHUNK)──► Session::feed ──► outputs ──► reply bytes ──write──► socket
//!   timer ───────────────────────► Session::handle_timeout / expire  │
//!   Ctrl-C / SIGTERM ────────────► Session::shutdown                 ├─► log line
//!                                                                    └─► --save DIR/<queue-id>.eml
//! ```
//!
//! Besides the engine's idle timeout the server keeps its own deadlines
//! (a whole command line, a whole message's content), a flood limit for a
//! line that never ends, and a memory budget for messages across sessions
//! ([`crate::limits`]).
//!
//! When the engine accepts STARTTLS, its `220` is written in clear text and
//! the socket then goes through a TLS handshake ([`crate::transport`]); the
//! session goes on over TLS. With `--tls-listen` the handshake comes first.

use std::io::{self, ErrorKind};
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use smtplab_engine::{ClientInfo, Delivery, Event, Output, Phase, Session, Settings};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{sleep_until, timeout, Instant, Sleep};
use tracing::info;

use crate::escape::untrusted;
use crate::limits::{InFlight, LineWatch};
use crate::log::{self, Ending};
use crate::save::SaveDir;
use crate::tls::ServerTls;
use crate::transport::{linger, with_read_buffer, Arrived, Transport};

/// The reply buffer is kept between reads unless a burst made it this big.
const MAX_KEPT_OUTPUT: usize = 64 * 1024;

/// What every connection shares.
#[derive(Debug)]
pub struct Shared {
    /// The settings each session starts from.
    pub settings: Settings,
    /// `--seed`: session `n` uses `base_seed + n - 1`.
    pub base_seed: u64,
    /// `--save DIR`.
    pub save: Option<SaveDir>,
    /// `--verbose`: log every command and reply line.
    pub verbose: bool,
    /// `--command-timeout`: a whole command line, from its first octet.
    pub command_timeout: Duration,
    /// `--data-timeout`: a whole message's content (or BDAT chunk).
    pub data_timeout: Duration,
    /// `--max-in-flight`: message octets in memory across sessions.
    pub in_flight: InFlight,
    /// What the server remembers between connections (greylisting, staged
    /// rejections), as a real server's databases would.
    pub memory: std::sync::Mutex<smtplab_engine::ServerMemory>,
    /// The certificate and TLS settings; `None` with `--no-tls`.
    pub tls: Option<ServerTls>,
}

/// The queue-id seed of session `number` (counted from 1): the first
/// session uses the `--seed` itself, so `--seed 42` and an engine session
/// with seed 42 give the same queue ids.
pub fn session_seed(base_seed: u64, number: u64) -> u64 {
    base_seed.wrapping_add(number.wrapping_sub(1))
}

/// Who the client is, as the trace headers show it. No DNS lookups: a
/// loopback client is `localhost` (as in the browser), any other is
/// `unknown`, as Postfix writes a client without reverse DNS.
pub fn client_info(peer: SocketAddr) -> ClientInfo {
    let ip = peer.ip().to_canonical();
    let hostname = if ip.is_loopback() {
        "localhost"
    } else {
        "unknown"
    };
    let ip = match ip {
        IpAddr::V4(v4) => v4.to_string(),
        // RFC 5321 section 4.1.3: the IPv6 address-literal tag.
        IpAddr::V6(v6) => format!("IPv6:{v6}"),
    };
    ClientInfo {
        hostname: hostname.into(),
        ip,
    }
}

/// Unix seconds, the engine's clock.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The server side a connection drives: one engine [`Session`] on its own
/// ([`LoneSession`]), or one inside the simulated network
/// (`crate::network`), whose accepted messages go on through its queues.
pub trait Engine {
    /// The session, for what it says about itself.
    fn session(&self) -> &Session;
    /// The session, for calls that bring no input (`shutdown`, `expire`,
    /// `refuse_content`...); their outputs come out of
    /// [`Engine::poll_output`].
    fn session_mut(&mut self) -> &mut Session;
    /// Feeds what the client sent, at the time now.
    fn feed(&mut self, input: &[u8]);
    /// Tells the session the time now (its idle timeout).
    fn handle_timeout(&mut self);
    /// The next reply, event or close.
    fn poll_output(&mut self) -> Option<Output>;
    /// The simulated host whose queue takes accepted messages; `None` when
    /// this server is their end (and `--save` writes them at once).
    fn queue_host(&self) -> Option<&str>;
    /// The simulated host and port connected to, for the log.
    fn target(&self) -> Option<String>;
    /// The session is over: keep what the server remembers of it.
    fn finish(&mut self, shared: &Shared);
}

/// The one-server sandbox: a session of its own on the shared settings.
pub struct LoneSession(Session);

impl LoneSession {
    fn open(peer: SocketAddr, number: u64, shared: &Shared) -> Self {
        let memory = shared.memory.lock().map(|m| m.clone()).unwrap_or_default();
        Self(Session::with_memory(
            shared.settings.clone(),
            client_info(peer),
            session_seed(shared.base_seed, number),
            unix_now(),
            memory,
        ))
    }
}

impl Engine for LoneSession {
    fn session(&self) -> &Session {
        &self.0
    }

    fn session_mut(&mut self) -> &mut Session {
        &mut self.0
    }

    fn feed(&mut self, input: &[u8]) {
        self.0.feed(input, unix_now());
    }

    fn handle_timeout(&mut self) {
        self.0.handle_timeout(unix_now());
    }

    fn poll_output(&mut self) -> Option<Output> {
        self.0.poll_output()
    }

    fn queue_host(&self) -> Option<&str> {
        None
    }

    fn target(&self) -> Option<String> {
        None
    }

    fn finish(&mut self, shared: &Shared) {
        if let Ok(mut memory) = shared.memory.lock() {
            memory.merge(self.0.memory());
        }
    }
}

/// Who is on the other end of a new connection, and how it talks.
#[derive(Debug, Clone, Copy)]
pub struct Accepted {
    /// The client's address.
    pub peer: SocketAddr,
    /// The session's number, counted from 1.
    pub number: u64,
    /// TLS from the first octet (`--tls-listen`, RFC 8314).
    pub tls_first: bool,
}

/// Runs the session of `accepted` on `stream` until it ends, then logs how.
pub async fn serve(
    stream: TcpStream,
    accepted: Accepted,
    shared: Arc<Shared>,
    stop: watch::Receiver<bool>,
) {
    let engine = LoneSession::open(accepted.peer, accepted.number, &shared);
    serve_engine(stream, accepted, shared, engine, stop).await;
}

/// Runs `engine` for the session of `accepted` on `stream` until it ends,
/// then logs how.
pub async fn serve_engine<E: Engine>(
    stream: TcpStream,
    accepted: Accepted,
    shared: Arc<Shared>,
    engine: E,
    stop: watch::Receiver<bool>,
) {
    // Replies are gathered per read and written in one go, so Nagle's
    // algorithm would only add delay.
    let _ = stream.set_nodelay(true);
    let Accepted { peer, number, .. } = accepted;
    let tls = if accepted.tls_first {
        " (TLS first)"
    } else {
        ""
    };
    match engine.target() {
        Some(target) => info!(
            "#{number} connect from {peer} to {}{tls}",
            untrusted(&target)
        ),
        None => info!("#{number} connect from {peer}{tls}"),
    }
    let started = Instant::now();
    let mut connection = Connection::open(Transport::Plain(stream), number, shared, engine);
    connection.tls_pending = accepted.tls_first;
    let ending = connection.run(stop).await;
    connection.finish(ending, started).await;
}

/// One session and everything the server keeps for it.
struct Connection<E> {
    transport: Transport,
    number: u64,
    shared: Arc<Shared>,
    engine: E,
    /// Reply bytes gathered for the next write.
    out: Vec<u8>,
    delivered: u32,
    last_input: Instant,
    line: LineWatch,
    /// When the message content being read began.
    content_since: Option<Instant>,
    /// Octets this session has taken from [`Shared::in_flight`].
    charged: usize,
    /// The engine is draining a message refused for want of memory: its
    /// octets are not kept, so they are not counted.
    draining: bool,
    /// A deadline that moved earlier than the timer, for the timer.
    earlier_deadline: Option<Instant>,
    /// How the session ends when the server, not the engine, closed it.
    cut_off: Option<Ending>,
    /// A TLS handshake is due once the replies so far are written (the
    /// engine's 220 to STARTTLS, or nothing yet with `--tls-listen`).
    tls_pending: bool,
}

impl<E: Engine> Connection<E> {
    fn open(transport: Transport, number: u64, shared: Arc<Shared>, engine: E) -> Self {
        Self {
            transport,
            number,
            shared,
            engine,
            out: Vec::new(),
            delivered: 0,
            last_input: Instant::now(),
            line: LineWatch::default(),
            content_since: None,
            charged: 0,
            draining: false,
            earlier_deadline: None,
            cut_off: None,
            tls_pending: false,
        }
    }

    fn idle(&self) -> Duration {
        Duration::from_secs(self.engine.session().profile().idle_timeout_secs)
    }

    async fn run(&mut self, mut stop: watch::Receiver<bool>) -> Ending {
        // The timer is not moved on every read: when it goes off it checks
        // which deadline, if any, has really passed, and if none it is set
        // again; it is moved earlier only when a new deadline starts.
        let timer = sleep_until(self.next_deadline());
        tokio::pin!(timer);
        let stopping = stop.wait_for(|stopping| *stopping);
        tokio::pin!(stopping);
        let mut stop_seen = false;
        if self.tls_pending {
            // --tls-listen: the handshake before the greeting.
            self.engine.session_mut().start_in_tls();
            if let Err(ending) = self.start_tls().await {
                return ending;
            }
        }
        loop {
            if let Some(ending) = self.answer().await {
                return ending;
            }
            if self.line.flooded() {
                return self.cut_flood().await;
            }
            if let Some(deadline) = self.earlier_deadline.take() {
                if deadline < timer.deadline() {
                    timer.as_mut().reset(deadline);
                }
            }
            tokio::select! {
                arrived = self.transport.wait() => {
                    let ending = match arrived {
                        Ok(arrived) => self.read(arrived),
                        Err(e) => Some(Ending::ReadFailed(e)),
                    };
                    if let Some(ending) = ending {
                        return ending;
                    }
                }
                () = &mut timer => self.on_timer(timer.as_mut()),
                _ = &mut stopping, if !stop_seen => {
                    stop_seen = true;
                    self.engine.session_mut().shutdown();
                }
            }
        }
    }

    /// Takes the engine's outputs and writes the replies. Returns how the
    /// session ends if it does.
    async fn answer(&mut self) -> Option<Ending> {
        let close = self.take_outputs().await;
        if !self.out.is_empty() {
            if let Err(ending) = self.write_out().await {
                return Some(ending);
            }
        }
        if let Some(ending) = close {
            return Some(self.cut_off.take().unwrap_or(ending));
        }
        if self.tls_pending {
            return self.start_tls().await.err();
        }
        None
    }

    /// The TLS handshake, once the `220` to STARTTLS is out (or at once
    /// with `--tls-listen`); it must be done within `--command-timeout`.
    /// A failed one ends the session: nothing more can be said in clear
    /// text to a client that believes it is talking TLS.
    async fn start_tls(&mut self) -> Result<(), Ending> {
        self.tls_pending = false;
        let Some(tls) = &self.shared.tls else {
            return Err(Ending::TlsUnavailable);
        };
        let limit = self.shared.command_timeout;
        match self.transport.start_tls(&tls.acceptor, limit).await {
            Ok(negotiated) => {
                info!(
                    "#{} TLS on: {} {}",
                    self.number, negotiated.version, negotiated.cipher
                );
                // A line the client had begun in clear text was dropped.
                self.line = LineWatch::default();
                self.last_input = Instant::now();
                Ok(())
            }
            Err(e) => Err(Ending::TlsHandshakeFailed(e)),
        }
    }

    async fn write_out(&mut self) -> Result<(), Ending> {
        match timeout(self.idle(), self.transport.write_all(&self.out)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(Ending::WriteFailed(e)),
            Err(_) => return Err(Ending::WriteTimedOut),
        }
        self.out.clear();
        if self.out.capacity() > MAX_KEPT_OUTPUT {
            self.out = Vec::new();
        }
        Ok(())
    }

    /// Reads what the socket has (or takes what TLS decrypted) and feeds it
    /// to the engine.
    fn read(&mut self, arrived: Arrived) -> Option<Ending> {
        let result = match arrived {
            Arrived::Readable => with_read_buffer(|buf| {
                let got = self.transport.read_plain(buf);
                if let Ok(Some(n @ 1..)) = got {
                    self.feed(&buf[..n]);
                }
                got
            }),
            Arrived::Decrypted(n) => {
                let buffer = self.transport.take_buffer();
                if let Some(input) = buffer.get(..n).filter(|input| !input.is_empty()) {
                    self.feed(input);
                }
                self.transport.return_buffer(buffer);
                Ok(Some(n))
            }
        };
        match result {
            Ok(Some(0)) => Some(Ending::ClientClosed {
                mid_message: self.engine.session().expects_content(),
            }),
            Ok(Some(_)) => {
                self.last_input = Instant::now();
                None
            }
            Ok(None) => None,
            Err(e) => Some(Ending::ReadFailed(e)),
        }
    }

    fn feed(&mut self, input: &[u8]) {
        // Everything read inside a transaction counts, so that content
        // pipelined behind DATA, or BDAT chunks read with their command,
        // are counted too; the commands among it are a few octets.
        if matches!(
            self.engine.session().phase(),
            Phase::ReceivingData | Phase::RecipientsGiven
        ) {
            self.charge(input.len());
        }
        self.engine.feed(input);
        let session = self.engine.session();
        let reading_commands = !session.expects_content() && !session.is_closed();
        let expects_content = session.expects_content();
        let now = Instant::now();
        if self.line.observe(input, reading_commands, now) {
            self.earlier_deadline = Some(now + self.shared.command_timeout);
        }
        match (expects_content, self.content_since) {
            (true, None) => {
                self.content_since = Some(now);
                self.earlier_deadline = Some(now + self.shared.data_timeout);
            }
            (false, Some(_)) => self.content_since = None,
            _ => {}
        }
    }

    /// Counts `octets` of a transaction against the memory budget; past it,
    /// the engine drops the message being read and refuses it at its end.
    fn charge(&mut self, octets: usize) {
        let budget = &self.shared.in_flight;
        if self.draining {
            return;
        }
        if budget.take(octets) {
            self.charged += octets;
            return;
        }
        if self.engine.session_mut().refuse_content() {
            self.draining = true;
            info!(
                "#{} message refused: {} octets of messages already in memory \
                 (--max-in-flight); it is drained and answered 452",
                self.number,
                budget.used()
            );
        }
        budget.give_back(std::mem::take(&mut self.charged));
    }

    /// The message is delivered or gone: its octets no longer count.
    fn release_charge(&mut self) {
        self.shared
            .in_flight
            .give_back(std::mem::take(&mut self.charged));
        self.draining = false;
    }

    fn next_deadline(&self) -> Instant {
        let line = self.line.since().map(|t| t + self.shared.command_timeout);
        let content = self.content_since.map(|t| t + self.shared.data_timeout);
        let idle = idle_deadline(self.engine.session(), self.last_input, self.idle());
        [line, content]
            .into_iter()
            .flatten()
            .fold(idle, Instant::min)
    }

    fn on_timer(&mut self, timer: Pin<&mut Sleep>) {
        // Taken before `now`: once the engine's deadline has passed, it is
        // "now" as of this call, which must count as passed.
        let idle_due = idle_deadline(self.engine.session(), self.last_input, self.idle());
        let now = Instant::now();
        let shared = &self.shared;
        let line_late = self
            .line
            .since()
            .is_some_and(|t| now >= t + shared.command_timeout);
        let content_late = self
            .content_since
            .is_some_and(|t| now >= t + shared.data_timeout);
        if line_late || content_late {
            self.cut_off = Some(if line_late {
                Ending::CommandTooSlow(shared.command_timeout.as_secs())
            } else {
                Ending::ContentTooSlow(shared.data_timeout.as_secs())
            });
            self.engine.session_mut().expire();
        } else if now >= idle_due {
            self.engine.handle_timeout();
        }
        // Closed now, unless the clocks disagreed: look again in a second.
        let again = if self.engine.session().is_closed() {
            now + Duration::from_secs(1)
        } else {
            self.next_deadline()
        };
        timer.reset(again.max(now + Duration::from_millis(1)));
    }

    /// A command line that never ends: the engine is draining it (see
    /// `LINE_FLOOD_LIMIT` for why it is over the engine's own limit by now).
    /// A line end makes it give the 500 it gives for any over-long line,
    /// with its own formatting and error count; then the server hangs up.
    async fn cut_flood(&mut self) -> Ending {
        self.engine.feed(b"\r\n");
        let _ = self.take_outputs().await;
        let _ = self.write_out().await;
        Ending::LineFlood
    }

    /// Turns everything the engine queued into reply bytes, log lines and
    /// saved files, in order. Returns how the session ends if the engine
    /// closed it.
    async fn take_outputs(&mut self) -> Option<Ending> {
        let mut ending = None;
        while let Some(output) = self.engine.poll_output() {
            match output {
                Output::Reply(reply) => {
                    let start = self.out.len();
                    reply.write_wire(&mut self.out);
                    if self.shared.verbose {
                        self.log_sent(start);
                    }
                }
                Output::Event(event) => {
                    if let Some(reason) = self.note(event).await {
                        ending = Some(Ending::Engine(reason));
                    }
                }
                // The 220 is queued before it: the handshake starts once
                // the replies so far are written (see `answer`). Without
                // TLS the profile offers no STARTTLS, so this cannot come;
                // if it did, carrying on in clear text after the client
                // believes it has TLS would be worse than hanging up.
                Output::StartTls if self.shared.tls.is_some() => self.tls_pending = true,
                Output::StartTls => return Some(Ending::TlsUnavailable),
                Output::Close => {
                    return Some(
                        ending.unwrap_or(Ending::Engine(smtplab_engine::CloseReason::Dropped)),
                    )
                }
            }
        }
        ending
    }

    fn log_sent(&self, start: usize) {
        let wire = String::from_utf8_lossy(&self.out[start..]);
        for line in wire.split_terminator("\r\n") {
            info!("#{} S: {}", self.number, untrusted(line));
        }
    }

    /// Logs (and saves) what an event says; the reason if the engine closed.
    async fn note(&mut self, event: Event) -> Option<smtplab_engine::CloseReason> {
        let number = self.number;
        match event {
            Event::Command { line, .. } if self.shared.verbose => {
                info!("#{number} C: {}", untrusted(&line));
            }
            Event::Delivered(delivery) => self.deliver(delivery).await,
            Event::Authenticated { user } => {
                info!("#{number} authenticated as {}", untrusted(&user));
            }
            // Out of the transaction (its message delivered, refused or
            // abandoned), even if the same read opened the next one.
            Event::StateChanged { to, .. }
                if !matches!(to, Phase::ReceivingData | Phase::RecipientsGiven) =>
            {
                self.release_charge();
            }
            Event::Closed { reason } => return Some(reason),
            _ => {}
        }
        None
    }

    /// Saves a delivered message before its `250` goes out; if that fails
    /// the engine answers `451` instead, so the client keeps the message.
    async fn deliver(&mut self, delivery: Box<Delivery>) {
        let number = self.number;
        if let Some(host) = self.engine.queue_host() {
            self.delivered += 1;
            info!("#{number} queued {}", log::queued(&delivery, host));
            return;
        }
        let summary = log::delivery(&delivery);
        let Some(save) = &self.shared.save else {
            self.delivered += 1;
            info!("#{number} delivered {summary}");
            return;
        };
        match save.save(delivery).await {
            Ok(path) => {
                self.delivered += 1;
                info!("#{number} delivered {summary}, saved as {}", path.display());
            }
            Err(e) => {
                self.engine.session_mut().refuse_delivery();
                info!(
                    "#{number} not saved: {summary}: writing it in {} failed: {e}; \
                     answered 451, so the client keeps it and tries again",
                    save.dir().display()
                );
            }
        }
    }

    /// Hands what the session learnt to the server, lingers, logs the end.
    async fn finish(mut self, ending: Ending, started: Instant) {
        self.release_charge();
        self.engine.finish(&self.shared);
        self.transport.close().await;
        let seconds = started.elapsed().as_secs_f64();
        let messages = match self.delivered {
            1 => "1 message".to_owned(),
            n => format!("{n} messages"),
        };
        info!(
            "#{} close: {ending} ({seconds:.1} s, {messages} delivered)",
            self.number
        );
    }
}

/// When to tell the engine the time: its own deadline (whole seconds), but
/// never before a full idle period after the last input, so a 1-second
/// timeout is not cut short by the rounding to whole seconds.
fn idle_deadline(session: &Session, last_input: Instant, idle: Duration) -> Instant {
    let exact = last_input + idle;
    let Some(deadline) = session.poll_timeout() else {
        return exact;
    };
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let until = u128::from(deadline)
        .saturating_mul(1000)
        .saturating_sub(now_ms);
    let engine =
        Instant::now() + Duration::from_millis(u64::try_from(until).unwrap_or(u64::MAX / 2));
    engine.max(exact)
}

/// Writes `reply` to a connection the server will not run a session for,
/// then closes it.
pub async fn refuse(mut stream: TcpStream, reply: &[u8]) -> io::Result<()> {
    let result = match timeout(Duration::from_secs(5), stream.write_all(reply)).await {
        Ok(result) => result,
        Err(_) => Err(io::Error::new(ErrorKind::TimedOut, "write timed out")),
    };
    linger(&mut stream).await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_one_uses_the_seed_itself_and_later_ones_differ() {
        assert_eq!(session_seed(42, 1), 42);
        assert_eq!(session_seed(42, 2), 43);
        assert_eq!(session_seed(u64::MAX, 2), 0);
    }

    #[test]
    fn clients_are_named_without_dns() {
        for (peer, hostname, ip) in [
            ("127.0.0.1:1000", "localhost", "127.0.0.1"),
            ("192.0.2.7:25", "unknown", "192.0.2.7"),
            ("[::1]:25", "localhost", "IPv6:::1"),
            ("[2001:db8::1]:25", "unknown", "IPv6:2001:db8::1"),
            ("[::ffff:192.0.2.7]:25", "unknown", "192.0.2.7"),
        ] {
            let info = client_info(peer.parse().unwrap());
            assert_eq!((info.hostname.as_str(), info.ip.as_str()), (hostname, ip));
        }
    }
}
