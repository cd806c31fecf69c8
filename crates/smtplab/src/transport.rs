//! The byte stream under one session: plain TCP, or TLS over it once
//! STARTTLS succeeded (RFC 3207) or from the first octet (`--tls-listen`,
//! RFC 8314). Plain reads land in one buffer per worker thread; a TLS
//! stream reads through rustls into a buffer of its own.

use std::cell::RefCell;
use std::io::{self, ErrorKind};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{timeout, Instant};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// Bytes read from the socket at a time. Plain reads land in one buffer per
/// worker thread (see [`with_read_buffer`]), so an idle plain
/// connection holds no read buffer at all.
pub const READ_CHUNK: usize = 16 * 1024;

/// Decrypted octets taken from rustls at a time. rustls keeps what it
/// decrypted in its own buffer, so a small one here costs no system calls,
/// and an idle TLS session holds only this much of its own.
const TLS_READ_CHUNK: usize = 4 * 1024;

/// After the server closes, how long it keeps reading (and discarding)
/// what the client still sends, so that the final reply is not lost to a
/// TCP reset caused by unread input.
const LINGER_TIME: Duration = Duration::from_secs(1);

/// See [`LINGER_TIME`]: at most this much is read while lingering.
const LINGER_BYTES: usize = 1024 * 1024;

/// How long the TLS close_notify may take to go out at the end.
const CLOSE_NOTIFY_TIME: Duration = Duration::from_secs(1);

thread_local! {
    /// The read buffer of this worker thread. It is only borrowed between
    /// awaits, so one per thread serves every plain connection, and it is
    /// zeroed once instead of on every read.
    static READ_BUFFER: RefCell<Box<[u8]>> = RefCell::new(vec![0; READ_CHUNK].into_boxed_slice());
}

/// The stream a session talks over.
pub enum Transport {
    /// TCP in clear text.
    Plain(TcpStream),
    /// TLS over TCP; `buffer` takes what rustls decrypted.
    Tls {
        /// The TLS stream.
        stream: Box<TlsStream<TcpStream>>,
        /// Decrypted input, [`TLS_READ_CHUNK`] long.
        buffer: Box<[u8]>,
    },
    /// The TCP stream went into a TLS handshake that failed: nothing is
    /// left to talk over.
    Lost,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Plain(_) => "Transport::Plain",
            Self::Tls { .. } => "Transport::Tls",
            Self::Lost => "Transport::Lost",
        })
    }
}

/// What waiting on the transport brought.
#[derive(Debug)]
pub enum Arrived {
    /// The plain socket has something: read it with [`Transport::read_plain`].
    Readable,
    /// This many decrypted octets are in the TLS buffer (0: the client
    /// closed).
    Decrypted(usize),
}

/// The TLS session's protocol version and cipher suite, for the log.
#[derive(Debug, Clone)]
pub struct Negotiated {
    /// `TLSv1_3`, `TLSv1_2`.
    pub version: String,
    /// `TLS13_AES_256_GCM_SHA384`...
    pub cipher: String,
}

impl Transport {
    /// Waits until there is input. Safe to drop half-way: a plain wait
    /// reads nothing, and rustls keeps what it decrypted for the next read.
    pub async fn wait(&mut self) -> io::Result<Arrived> {
        match self {
            Self::Plain(stream) => stream.readable().await.map(|()| Arrived::Readable),
            Self::Tls { stream, buffer } => match stream.read(buffer).await {
                Ok(n) => Ok(Arrived::Decrypted(n)),
                // A client that hangs up without close_notify has still
                // hung up; its replies were all sent.
                Err(e) if e.kind() == ErrorKind::UnexpectedEof => Ok(Arrived::Decrypted(0)),
                Err(e) => Err(e),
            },
            Self::Lost => std::future::pending().await,
        }
    }

    /// Reads what the plain socket has now into `buf` (this thread's, from
    /// [`with_read_buffer`]). `Ok(Some(0))` is the end of input, `Ok(None)`
    /// nothing to read after all.
    pub fn read_plain(&self, buf: &mut [u8]) -> io::Result<Option<usize>> {
        let Self::Plain(stream) = self else {
            return Ok(None);
        };
        match stream.try_read(buf) {
            Ok(n) => Ok(Some(n)),
            Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The TLS buffer, taken out so the caller may feed it while holding
    /// the connection; give it back with [`Transport::return_buffer`].
    pub fn take_buffer(&mut self) -> Box<[u8]> {
        match self {
            Self::Tls { buffer, .. } => std::mem::take(buffer),
            _ => Box::default(),
        }
    }

    /// See [`Transport::take_buffer`].
    pub fn return_buffer(&mut self, taken: Box<[u8]>) {
        if let Self::Tls { buffer, .. } = self {
            *buffer = taken;
        }
    }

    /// Writes all of `bytes` and pushes them out (TLS records included).
    pub async fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        match self {
            Self::Plain(stream) => stream.write_all(bytes).await,
            Self::Tls { stream, .. } => {
                stream.write_all(bytes).await?;
                stream.flush().await
            }
            Self::Lost => Err(io::Error::new(
                ErrorKind::NotConnected,
                "the connection was lost in its TLS handshake",
            )),
        }
    }

    /// Runs the server side of a TLS handshake on the plain stream, within
    /// `limit`. Nothing read before it is kept: rustls reads the socket from
    /// here on, so octets the client sent in clear text after STARTTLS
    /// either were dropped by the engine or now fail the handshake.
    pub async fn start_tls(
        &mut self,
        acceptor: &TlsAcceptor,
        limit: Duration,
    ) -> io::Result<Negotiated> {
        if !matches!(self, Self::Plain(_)) {
            // The engine never asks twice; a TLS stream is left as it is.
            return Err(io::Error::new(ErrorKind::InvalidInput, "TLS is already on"));
        }
        let Self::Plain(stream) = std::mem::replace(self, Self::Lost) else {
            return Err(io::Error::new(ErrorKind::InvalidInput, "TLS is already on"));
        };
        let stream = match timeout(limit, acceptor.accept(stream)).await {
            Ok(result) => result?,
            Err(_) => {
                let seconds = limit.as_secs();
                let message = format!("handshake not finished within {seconds} s");
                return Err(io::Error::new(ErrorKind::TimedOut, message));
            }
        };
        let (_, session) = stream.get_ref();
        let negotiated = Negotiated {
            version: session
                .protocol_version()
                .map_or_else(|| "?".into(), |v| format!("{v:?}")),
            cipher: session
                .negotiated_cipher_suite()
                .map_or_else(|| "?".into(), |s| format!("{:?}", s.suite())),
        };
        *self = Self::Tls {
            stream: Box::new(stream),
            buffer: vec![0; TLS_READ_CHUNK].into_boxed_slice(),
        };
        Ok(negotiated)
    }

    /// Closes our side (after a TLS close_notify), then reads and discards
    /// what the client still sends for a moment, so that the last reply
    /// reaches it (see [`LINGER_TIME`]).
    pub async fn close(&mut self) {
        match self {
            Self::Plain(stream) => linger(stream).await,
            Self::Tls { stream, .. } => {
                let _ = timeout(CLOSE_NOTIFY_TIME, stream.shutdown()).await;
                linger(stream.get_mut().0).await;
            }
            Self::Lost => {}
        }
    }
}

/// Runs `work` with this thread's read buffer. Never call it again from
/// inside `work`.
pub fn with_read_buffer<R>(work: impl FnOnce(&mut [u8]) -> R) -> R {
    READ_BUFFER.with_borrow_mut(|buf| work(buf))
}

/// Reads what the socket has now (at most [`READ_CHUNK`]) and drops it.
/// `Ok(Some(0))` is the end of input, `Ok(None)` nothing to read after all.
fn read_and_drop(stream: &TcpStream) -> io::Result<Option<usize>> {
    READ_BUFFER.with_borrow_mut(|buf| match stream.try_read(buf) {
        Ok(n) => Ok(Some(n)),
        Err(e) if e.kind() == ErrorKind::WouldBlock => Ok(None),
        Err(e) => Err(e),
    })
}

/// Shuts down our side of `stream`, then drains it for [`LINGER_TIME`].
pub async fn linger(stream: &mut TcpStream) {
    let _ = stream.shutdown().await;
    let until = Instant::now() + LINGER_TIME;
    let mut drained = 0_usize;
    while drained < LINGER_BYTES {
        match tokio::time::timeout_at(until, stream.readable()).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) | Err(_) => return,
        }
        match read_and_drop(stream) {
            Ok(Some(0)) | Err(_) => return,
            Ok(Some(n)) => drained += n,
            Ok(None) => {}
        }
    }
}
