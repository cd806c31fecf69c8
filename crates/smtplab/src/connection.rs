//! One TCP connection driven through one engine `Session`: the server moves
//! bytes in, reply bytes out, and time and timers; the engine decides
//! everything a client sees.
//!
//! ```text
//!   socket ──read (READ_CHUNK)──► Session::feed ──► outputs ──► reply bytes ──write──► socket
//!   timer ───────────────────────► Session::handle_timeout          │
//!   Ctrl-C / SIGTERM ────────────► Session::shutdown                ├─► log line
//!                                                                   └─► --save DIR/<queue-id>.eml
//! ```

use std::cell::RefCell;
use std::io::{self, ErrorKind};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use smtplab_engine::{ClientInfo, Event, Output, Session, Settings};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::{sleep_until, timeout, Instant};

use crate::log::{self, Ending};
use crate::save::SaveDir;

/// Bytes read from the socket at a time. Reads land in one buffer per
/// worker thread (see [`read_now`]), so an idle connection holds no read
/// buffer at all.
pub const READ_CHUNK: usize = 16 * 1024;

/// Bytes of one command line past which the server stops listening. The
/// engine already drains an over-long line without storing it and answers
/// `500` at its end; this limit is for a line that never ends, which would
/// otherwise hold the connection forever. It is far above any real line
/// (512 octets for a command, 12 288 for an AUTH response).
pub const LINE_FLOOD_LIMIT: usize = 64 * 1024;

/// After the server closes, how long it keeps reading (and discarding)
/// what the client still sends, so that the final reply is not lost to a
/// TCP reset caused by unread input.
const LINGER_TIME: Duration = Duration::from_secs(1);

/// See [`LINGER_TIME`]: at most this much is read while lingering.
const LINGER_BYTES: usize = 1024 * 1024;

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
    /// What the server remembers between connections (greylisting, staged
    /// rejections), as a real server's databases would.
    pub memory: std::sync::Mutex<smtplab_engine::ServerMemory>,
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

/// Runs session `number` on `stream` until it ends, then logs how.
pub async fn serve(
    mut stream: TcpStream,
    peer: SocketAddr,
    number: u64,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    // Replies are gathered per read and written in one go, so Nagle's
    // algorithm would only add delay.
    let _ = stream.set_nodelay(true);
    log!("#{number} connect from {peer}");
    let started = Instant::now();
    let idle = Duration::from_secs(shared.settings.profile.idle_timeout_secs);
    let seed = session_seed(shared.base_seed, number);
    let memory = shared.memory.lock().map(|m| m.clone()).unwrap_or_default();
    let mut session = Session::with_memory(
        shared.settings.clone(),
        client_info(peer),
        seed,
        unix_now(),
        memory,
    );
    let mut out = Vec::new();
    let mut delivered = 0_u32;
    let mut last_input = Instant::now();
    let mut unended_line = 0_usize;
    // The idle timer is not moved on every read: when it goes off, it
    // checks whether the session really was idle that long, and if not it
    // is set again from the last input.
    let idle_timer = sleep_until(idle_deadline(&session, last_input, idle));
    tokio::pin!(idle_timer);
    let stopping = stop.wait_for(|stopping| *stopping);
    tokio::pin!(stopping);
    let mut stop_seen = false;
    let ending = loop {
        let close = take_outputs(&mut session, &mut out, number, &shared, &mut delivered).await;
        if !out.is_empty() {
            match timeout(idle, stream.write_all(&out)).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => break Ending::WriteFailed(e),
                Err(_) => break Ending::WriteTimedOut,
            }
            out.clear();
            if out.capacity() > MAX_KEPT_OUTPUT {
                out = Vec::new();
            }
        }
        if let Some(ending) = close {
            break ending;
        }
        if unended_line > LINE_FLOOD_LIMIT {
            // The engine is draining an over-long line (see
            // LINE_FLOOD_LIMIT for why its line must be over the engine's
            // own limit by now). A line end makes it give the 500 it gives
            // for any over-long line, with its own formatting and error
            // count; then the server hangs up.
            session.feed(b"\r\n", unix_now());
            let _ = take_outputs(&mut session, &mut out, number, &shared, &mut delivered).await;
            let _ = timeout(idle, stream.write_all(&out)).await;
            break Ending::LineFlood;
        }
        tokio::select! {
            ready = stream.readable() => {
                if let Err(e) = ready {
                    break Ending::ReadFailed(e);
                }
                let read = read_now(&stream, |input| {
                    session.feed(input, unix_now());
                    unended_line = track_unended_line(unended_line, input, &session);
                });
                match read {
                    Ok(Some(0)) => break Ending::ClientClosed {
                        mid_message: session.expects_content(),
                    },
                    Ok(Some(_)) => last_input = Instant::now(),
                    Ok(None) => {}
                    Err(e) => break Ending::ReadFailed(e),
                }
            }
            () = &mut idle_timer => {
                let due = idle_deadline(&session, last_input, idle);
                let now = Instant::now();
                if now >= due {
                    session.handle_timeout(unix_now());
                    // Closed now, unless the clocks disagreed: look again
                    // in a second.
                    idle_timer.as_mut().reset(now + Duration::from_secs(1));
                } else {
                    // There was input since the timer was set.
                    idle_timer.as_mut().reset(due);
                }
            }
            _ = &mut stopping, if !stop_seen => {
                stop_seen = true;
                session.shutdown();
            }
        }
    };
    if let Ok(mut memory) = shared.memory.lock() {
        memory.merge(session.memory());
    }
    linger(&mut stream).await;
    let seconds = started.elapsed().as_secs_f64();
    let messages = match delivered {
        1 => "1 message".to_owned(),
        n => format!("{n} messages"),
    };
    log!("#{number} close: {ending} ({seconds:.1} s, {messages} delivered)");
}

/// Turns everything the engine queued into reply bytes, log lines and saved
/// files, in order. Returns how the session ends if the engine closed it.
async fn take_outputs(
    session: &mut Session,
    out: &mut Vec<u8>,
    number: u64,
    shared: &Shared,
    delivered: &mut u32,
) -> Option<Ending> {
    let mut ending = None;
    while let Some(output) = session.poll_output() {
        match output {
            Output::Reply(reply) => {
                let start = out.len();
                reply.write_wire(out);
                if shared.verbose {
                    let wire = String::from_utf8_lossy(&out[start..]);
                    for line in wire.split_terminator("\r\n") {
                        log!("#{number} S: {line}");
                    }
                }
            }
            Output::Event(Event::Command { line, .. }) if shared.verbose => {
                log!("#{number} C: {line}");
            }
            Output::Event(Event::Delivered(delivery)) => {
                *delivered += 1;
                let summary = log::delivery(&delivery);
                match &shared.save {
                    None => log!("#{number} delivered {summary}"),
                    Some(save) => match save.save(&delivery).await {
                        Ok(path) => {
                            log!("#{number} delivered {summary}, saved as {}", path.display());
                        }
                        Err(e) => log!(
                            "#{number} delivered {summary}, but saving it in {} failed: {e}",
                            save.dir().display()
                        ),
                    },
                }
            }
            Output::Event(Event::Authenticated { user }) => {
                log!("#{number} authenticated as {user}");
            }
            Output::Event(Event::Closed { reason }) => ending = Some(Ending::Engine(reason)),
            Output::Event(_) => {}
            // STARTTLS is switched off in the profile (serve.rs), so this
            // cannot come; if it did, carrying on in clear text after the
            // client believes it has TLS would be worse than hanging up.
            Output::StartTls => return Some(Ending::TlsUnavailable),
            Output::Close => {
                return Some(ending.unwrap_or(Ending::Engine(smtplab_engine::CloseReason::Dropped)))
            }
        }
    }
    ending
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

/// Bytes of the command line in progress that have no line end yet, after
/// `input` was fed. Message content (DATA, BDAT) does not count: long lines
/// there are the engine's to judge against the message size limit.
fn track_unended_line(so_far: usize, input: &[u8], session: &Session) -> usize {
    if session.expects_content() || session.is_closed() {
        return 0;
    }
    // Only CRLF ends a line for the engine: a stream of bare LFs is one
    // endless line and must be cut off too.
    match input.windows(2).rposition(|pair| pair == b"\r\n") {
        Some(last) => input.len() - last - 2,
        None => so_far.saturating_add(input.len()),
    }
}

thread_local! {
    /// The read buffer of this worker thread. It is only borrowed between
    /// awaits, so one per thread serves every connection, and it is zeroed
    /// once instead of on every read.
    static READ_BUFFER: RefCell<Box<[u8]>> = RefCell::new(vec![0; READ_CHUNK].into_boxed_slice());
}

/// Reads what the socket has now (at most [`READ_CHUNK`]) and hands it to
/// `take`. `Ok(Some(0))` is the end of input, `Ok(None)` nothing to read
/// after all.
fn read_now(stream: &TcpStream, take: impl FnOnce(&[u8])) -> io::Result<Option<usize>> {
    READ_BUFFER.with_borrow_mut(|buf| match stream.try_read(buf) {
        Ok(n) => {
            if n > 0 {
                take(&buf[..n]);
            }
            Ok(Some(n))
        }
        Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(None),
        Err(e) => Err(e),
    })
}

/// Closes our side, then reads and discards what the client still sends
/// for a moment, so that the last reply reaches it (see [`LINGER_TIME`]).
async fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown().await;
    let until = Instant::now() + LINGER_TIME;
    let mut drained = 0_usize;
    while drained < LINGER_BYTES {
        match tokio::time::timeout_at(until, stream.readable()).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) | Err(_) => return,
        }
        match read_now(stream, |_| {}) {
            Ok(Some(0)) | Err(_) => return,
            Ok(Some(n)) => drained += n,
            Ok(None) => {}
        }
    }
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
