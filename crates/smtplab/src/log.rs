//! The server's log: one line per event on standard output, `HH:MM:SS
//! text`, through `tracing`; and the wording for deliveries and for the
//! ways a session ends. Text from clients goes through
//! [`crate::escape::untrusted`] before it is logged.

use std::fmt;
use std::io::{self, BufWriter};
use std::time::{SystemTime, UNIX_EPOCH};

use smtplab_engine::{CloseReason, Delivery};
use tracing::{Event, Subscriber};
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

use crate::escape::untrusted;

/// Bytes of log lines gathered before a write: under load one write
/// carries many lines instead of each costing a system call.
const WRITE_BUFFER: usize = 64 * 1024;

/// Lines queued for the writer thread before a logging session waits for
/// it, so a slow or blocked standard output slows the server down instead
/// of letting the queue grow without bound (or dropping lines).
const QUEUED_LINES: usize = 16 * 1024;

/// Starts the log. Lines are written by a thread of their own; keep the
/// guard until the end, dropping it writes what is still queued.
pub fn init() -> WorkerGuard {
    // A closed standard output (`| head`) must not bring the server down:
    // the writer thread ignores write errors.
    let (writer, guard) = NonBlockingBuilder::default()
        .lossy(false)
        .buffered_lines_limit(QUEUED_LINES)
        .thread_name("log")
        .finish(BufWriter::with_capacity(WRITE_BUFFER, io::stdout()));
    // Only one subscriber per process; a second init (tests) keeps the first.
    let _ = tracing_subscriber::fmt()
        .event_format(ClockLine)
        .with_writer(writer)
        .try_init();
    guard
}

/// `HH:MM:SS message`: the documented log format (docs/serve.md).
#[derive(Debug)]
struct ClockLine;

impl<S, N> FormatEvent<S, N> for ClockLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        write!(writer, "{} ", clock())?;
        context.format_fields(writer.by_ref(), event)?;
        writeln!(writer)
    }
}

/// The time of day in UTC, `HH:MM:SS`.
fn clock() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    smtplab_engine::date::UtcDateTime::from_unix(seconds).time_of_day()
}

/// `3F2A9C01B2 from <alice@example.com> to <bob@example.com> (mailbox bob, 312 octets)`.
pub fn delivery(delivery: &Delivery) -> String {
    let recipients: Vec<String> = delivery
        .envelope
        .rcpt_to
        .iter()
        .map(|r| format!("<{}>", untrusted(r)))
        .collect();
    let mut notes = Vec::new();
    if !delivery.mailboxes.is_empty() {
        let noun = if delivery.mailboxes.len() == 1 {
            "mailbox"
        } else {
            "mailboxes"
        };
        notes.push(format!(
            "{noun} {}",
            untrusted(&delivery.mailboxes.join(", "))
        ));
    }
    if !delivery.relayed_to.is_empty() {
        notes.push(format!(
            "relay to {} held: a sandbox sends nothing on",
            untrusted(&delivery.relayed_to.join(", "))
        ));
    }
    notes.push(format!("{} octets", delivery.raw.len()));
    format!(
        "{} from <{}> to {} ({})",
        untrusted(&delivery.queue_id),
        untrusted(&delivery.envelope.mail_from),
        recipients.join(", "),
        notes.join("; ")
    )
}

/// `3F2A9C01B2 from <you@isp.example> to <bob@example.org> (312 octets) at
/// smtp.isp.example`: a message a simulated host took into its queue.
pub fn queued(delivery: &Delivery, host: &str) -> String {
    let recipients: Vec<String> = delivery
        .envelope
        .rcpt_to
        .iter()
        .map(|r| format!("<{}>", untrusted(r)))
        .collect();
    format!(
        "{} from <{}> to {} ({} octets) at {}",
        untrusted(&delivery.queue_id),
        untrusted(&delivery.envelope.mail_from),
        recipients.join(", "),
        delivery.raw.len(),
        untrusted(host)
    )
}

/// How a session ended, in words.
#[derive(Debug)]
pub enum Ending {
    /// The engine closed it.
    Engine(CloseReason),
    /// The client closed its side; `mid_message` when it was sending a
    /// message, which is then dropped.
    ClientClosed {
        /// Whether DATA or BDAT content was being read.
        mid_message: bool,
    },
    /// Reading failed (a reset, usually).
    ReadFailed(io::Error),
    /// Writing failed.
    WriteFailed(io::Error),
    /// The client read nothing for a whole idle timeout.
    WriteTimedOut,
    /// A command line went on past the flood limit: answered and cut off.
    LineFlood,
    /// A command line was still unfinished this many seconds after its
    /// first octet.
    CommandTooSlow(u64),
    /// Message content was still unfinished this many seconds after it
    /// started.
    ContentTooSlow(u64),
    /// The engine asked for TLS, which this server cannot do.
    TlsUnavailable,
    /// The TLS handshake (after STARTTLS, or first with `--tls-listen`)
    /// failed or took too long.
    TlsHandshakeFailed(io::Error),
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Engine(reason) => f.write_str(match reason {
                CloseReason::Quit => "client said QUIT",
                CloseReason::TooManyErrors => "too many errors in a row",
                CloseReason::IdleTimeout => "idle timeout",
                CloseReason::Shutdown => "server shutting down",
                CloseReason::Dropped => "staged fault: dropped without a word",
            }),
            Self::ClientClosed { mid_message: true } => {
                f.write_str("client disconnected in the middle of a message (nothing delivered)")
            }
            Self::ClientClosed { mid_message: false } => {
                f.write_str("client disconnected without QUIT")
            }
            Self::ReadFailed(e) => write!(f, "read failed: {e}"),
            Self::WriteFailed(e) => write!(f, "write failed: {e}"),
            Self::WriteTimedOut => f.write_str("client stopped reading replies (write timeout)"),
            Self::LineFlood => {
                f.write_str("command line far over the length limit: answered 500 and cut off")
            }
            Self::CommandTooSlow(secs) => write!(
                f,
                "command line not finished within {secs} s (--command-timeout): answered 421"
            ),
            Self::ContentTooSlow(secs) => write!(
                f,
                "message content not finished within {secs} s (--data-timeout): answered 421"
            ),
            Self::TlsUnavailable => f.write_str("TLS was asked for but is not available"),
            Self::TlsHandshakeFailed(e) => write!(f, "TLS handshake failed: {e}"),
        }
    }
}
