//! The server's log: one readable line per event on standard output, and
//! the wording for deliveries and for the ways a session ends.

use std::fmt;
use std::io::Write;
use std::sync::{Condvar, Mutex, Once};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use smtplab_engine::{CloseReason, Delivery};

/// Lines wait this long at most before they are written, so that under
/// load one write carries many lines instead of each costing a system call
/// (and a terminal redraw).
const FLUSH_DELAY: Duration = Duration::from_millis(50);

/// Past this many bytes waiting (standard output is slow or blocked), the
/// logging session writes them itself, which slows it down instead of
/// letting the log grow without bound.
const MAX_PENDING: usize = 256 * 1024;

/// Lines not yet written, and a signal for the flushing thread.
static PENDING: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static WAITING: Condvar = Condvar::new();
static FLUSHER: Once = Once::new();

/// Queues one time-stamped log line.
pub fn line(args: fmt::Arguments<'_>) {
    let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    let was_empty = pending.is_empty();
    let _ = writeln!(pending, "{} {args}", clock());
    let full = pending.len() >= MAX_PENDING;
    drop(pending);
    if full {
        flush();
    } else if was_empty {
        FLUSHER.call_once(|| {
            std::thread::Builder::new()
                .name("log".into())
                .spawn(flush_forever)
                .expect("start the log thread");
        });
        WAITING.notify_one();
    }
}

/// Writes every queued line now. A closed standard output (`| head`) must
/// not bring the server down, so write errors are ignored.
pub fn flush() {
    // Standard output is locked before the queue is taken, so whoever
    // takes lines first also writes them first.
    let mut out = std::io::stdout().lock();
    let lines = std::mem::take(&mut *PENDING.lock().unwrap_or_else(|e| e.into_inner()));
    if !lines.is_empty() {
        let _ = out.write_all(&lines);
        let _ = out.flush();
    }
}

fn flush_forever() {
    loop {
        let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        let pending = WAITING
            .wait_while(pending, |lines| lines.is_empty())
            .unwrap_or_else(|e| e.into_inner());
        drop(pending);
        std::thread::sleep(FLUSH_DELAY);
        flush();
    }
}

/// `log!("...", ...)`: [`line`] with `format!` syntax.
macro_rules! log {
    ($($arg:tt)*) => {
        $crate::log::line(format_args!($($arg)*))
    };
}

/// The time of day in UTC, `HH:MM:SS`.
fn clock() -> String {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!(
        "{:02}:{:02}:{:02}",
        seconds / 3600 % 24,
        seconds / 60 % 60,
        seconds % 60
    )
}

/// `3F2A9C01B2 from <alice@example.com> to <bob@example.com> (mailbox bob, 312 octets)`.
pub fn delivery(delivery: &Delivery) -> String {
    let recipients: Vec<String> = delivery
        .envelope
        .rcpt_to
        .iter()
        .map(|r| format!("<{r}>"))
        .collect();
    let mut notes = Vec::new();
    if !delivery.mailboxes.is_empty() {
        let noun = if delivery.mailboxes.len() == 1 {
            "mailbox"
        } else {
            "mailboxes"
        };
        notes.push(format!("{noun} {}", delivery.mailboxes.join(", ")));
    }
    if !delivery.relayed_to.is_empty() {
        notes.push(format!(
            "relay to {} held: a sandbox sends nothing on",
            delivery.relayed_to.join(", ")
        ));
    }
    notes.push(format!("{} octets", delivery.message.len()));
    format!(
        "{} from <{}> to {} ({})",
        delivery.queue_id,
        delivery.envelope.mail_from,
        recipients.join(", "),
        notes.join("; ")
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
    ReadFailed(std::io::Error),
    /// Writing failed.
    WriteFailed(std::io::Error),
    /// The client read nothing for a whole idle timeout.
    WriteTimedOut,
    /// A command line went on past the flood limit: answered and cut off.
    LineFlood,
    /// The engine asked for TLS, which this server cannot do.
    TlsUnavailable,
}

impl fmt::Display for Ending {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Engine(CloseReason::Quit) => f.write_str("client said QUIT"),
            Self::Engine(CloseReason::TooManyErrors) => f.write_str("too many errors in a row"),
            Self::Engine(CloseReason::IdleTimeout) => f.write_str("idle timeout"),
            Self::Engine(CloseReason::Shutdown) => f.write_str("server shutting down"),
            Self::Engine(CloseReason::Dropped) => {
                f.write_str("staged fault: dropped without a word")
            }
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
            Self::TlsUnavailable => f.write_str("TLS was asked for but is not available"),
        }
    }
}
