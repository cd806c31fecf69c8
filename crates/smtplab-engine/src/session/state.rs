//! The session's states and the only code that moves between them: every
//! transition is a named method here, so the state diagram can be read off
//! this file.
//!
//! ```text
//!   Commands(None) ──MAIL──► Commands(Some) ──DATA──► Data ──"."──► Commands(None)
//!        │   ▲                    │  ▲ ──BDAT──► Chunk ──octets read──┘ (or back to Commands(Some))
//!        │   └──RSET/EHLO/STARTTLS┘
//!        └──AUTH──► Auth ──response line──► Commands(None)
//!   any ──QUIT / 421 / drop──► Closed
//! ```

use crate::address::Mailbox;
use crate::reply::Reply;
use crate::world::Destination;

use super::events::Phase;
use super::framing::{Body, ChunkCounter, DataReader};

/// What HELO/EHLO told the server.
#[derive(Debug, Clone)]
pub(super) struct Hello {
    pub(super) name: String,
    pub(super) extended: bool,
}

/// An accepted recipient.
#[derive(Debug, Clone)]
pub(super) struct Recipient {
    pub(super) address: String,
    pub(super) destination: Destination,
    /// Its RCPT parameters as given (NOTIFY=, ORCPT=).
    pub(super) parameters: Vec<String>,
}

/// A mail transaction, from MAIL FROM on.
#[derive(Debug)]
pub(super) struct Transaction {
    pub(super) sender: Option<Mailbox>,
    pub(super) mail_parameters: Vec<String>,
    pub(super) smtputf8: bool,
    pub(super) recipients: Vec<Recipient>,
    pub(super) rcpt_attempts: u32,
    /// BDAT chunks received so far, when the message is sent with BDAT.
    pub(super) chunks: Option<Body>,
}

/// Where a SASL exchange is.
#[derive(Debug)]
pub(super) enum AuthStep {
    PlainResponse,
    LoginUser,
    LoginPassword { user: String },
}

/// A BDAT chunk being read. A refused chunk is read all the same
/// (RFC 3030 section 2), or its octets would be taken for commands.
#[derive(Debug)]
pub(super) struct Chunk {
    pub(super) transaction: Option<Transaction>,
    counter: ChunkCounter,
    pub(super) last: bool,
    pub(super) refusal: Option<Reply>,
}

impl Chunk {
    pub(super) fn new(
        transaction: Option<Transaction>,
        size: u64,
        last: bool,
        refusal: Option<Reply>,
    ) -> Self {
        Self {
            transaction,
            counter: ChunkCounter::new(size),
            last,
            refusal,
        }
    }

    /// Takes the chunk's share of `input` (kept unless refused); returns
    /// how many bytes that was.
    pub(super) fn read(&mut self, input: &[u8], limit: usize) -> usize {
        let take = self.counter.take(input.len());
        if let Some(body) = self
            .transaction
            .as_mut()
            .and_then(|t| t.chunks.as_mut())
            .filter(|_| self.refusal.is_none())
        {
            body.push(&input[..take], limit);
        }
        take
    }

    /// Whether every octet has been read.
    pub(super) fn is_complete(&self) -> bool {
        self.counter.is_done()
    }
}

#[derive(Debug)]
pub(super) enum State {
    /// Reading command lines, with or without a transaction open.
    Commands(Option<Transaction>),
    /// Reading message content after 354.
    Data(Transaction, Box<DataReader>),
    /// Reading the octets of a BDAT chunk.
    Chunk(Chunk),
    /// Reading SASL responses after 334.
    Auth(AuthStep),
    /// Nothing more is read.
    Closed,
}

impl State {
    /// The phase a learner sees; `greeted` says whether HELO/EHLO was
    /// accepted.
    pub(super) fn phase(&self, greeted: bool) -> Phase {
        match self {
            State::Closed => Phase::Closed,
            State::Data(..) | State::Chunk(_) => Phase::ReceivingData,
            State::Commands(Some(transaction)) if transaction.recipients.is_empty() => {
                Phase::SenderGiven
            }
            State::Commands(Some(_)) => Phase::RecipientsGiven,
            State::Commands(None) | State::Auth(_) if greeted => Phase::Greeted,
            State::Commands(None) | State::Auth(_) => Phase::Connected,
        }
    }

    /// The open transaction, while commands are read.
    pub(super) fn transaction_mut(&mut self) -> Option<&mut Transaction> {
        match self {
            State::Commands(transaction) => transaction.as_mut(),
            _ => None,
        }
    }

    /// The DATA reader, while content is read.
    pub(super) fn data_reader_mut(&mut self) -> Option<&mut DataReader> {
        match self {
            State::Data(_, reader) => Some(reader),
            _ => None,
        }
    }

    /// The BDAT chunk, while its octets are read.
    pub(super) fn chunk_mut(&mut self) -> Option<&mut Chunk> {
        match self {
            State::Chunk(chunk) => Some(chunk),
            _ => None,
        }
    }

    /// The content received so far for the message in progress: DATA
    /// content, or the BDAT chunks (during a chunk or between chunks).
    pub(super) fn body_mut(&mut self) -> Option<&mut Body> {
        match self {
            State::Data(_, reader) => Some(&mut reader.body),
            State::Chunk(chunk) => chunk.transaction.as_mut()?.chunks.as_mut(),
            State::Commands(Some(transaction)) => transaction.chunks.as_mut(),
            _ => None,
        }
    }

    /// MAIL FROM accepted: the transaction opens.
    pub(super) fn open_transaction(&mut self, transaction: Transaction) {
        *self = State::Commands(Some(transaction));
    }

    /// RSET, HELO/EHLO or STARTTLS: the transaction (if any) is abandoned;
    /// says whether there was one.
    pub(super) fn abandon_transaction(&mut self) -> bool {
        match self {
            State::Commands(transaction) => transaction.take().is_some(),
            _ => false,
        }
    }

    /// Takes the transaction out, leaving commands without one.
    pub(super) fn take_transaction(&mut self) -> Option<Transaction> {
        match self {
            State::Commands(transaction) => transaction.take(),
            _ => None,
        }
    }

    /// Commands go on with `transaction` (after a chunk).
    pub(super) fn resume_commands(&mut self, transaction: Option<Transaction>) {
        *self = State::Commands(transaction);
    }

    /// 354 sent: content is read for the open transaction.
    pub(super) fn start_data(&mut self) {
        if let Some(transaction) = self.take_transaction() {
            // The CRLF that ended the DATA line counts as the first CRLF of
            // the end-of-data sequence, so the reader starts at the start of
            // a line.
            *self = State::Data(transaction, Box::default());
        }
    }

    /// The lone dot arrived: back to commands, with the transaction and
    /// its content handed over.
    pub(super) fn finish_data(&mut self) -> Option<(Transaction, Body)> {
        match std::mem::replace(self, State::Commands(None)) {
            State::Data(transaction, reader) => Some((transaction, reader.body)),
            other => {
                *self = other;
                None
            }
        }
    }

    /// BDAT accepted or refused: its octets are read next.
    pub(super) fn start_chunk(&mut self, chunk: Chunk) {
        *self = State::Chunk(chunk);
    }

    /// The chunk's octets are read: back to commands (without a
    /// transaction until the caller resumes one), the chunk handed over.
    pub(super) fn finish_chunk(&mut self) -> Option<Chunk> {
        match std::mem::replace(self, State::Commands(None)) {
            State::Chunk(chunk) => Some(chunk),
            other => {
                *self = other;
                None
            }
        }
    }

    /// 334 sent: the next line is a SASL response.
    pub(super) fn await_auth_response(&mut self, step: AuthStep) {
        *self = State::Auth(step);
    }

    /// A SASL response line arrived: back to commands, with the step it
    /// answers.
    pub(super) fn take_auth_step(&mut self) -> Option<AuthStep> {
        match std::mem::replace(self, State::Commands(None)) {
            State::Auth(step) => Some(step),
            other => {
                *self = other;
                None
            }
        }
    }

    /// The connection closes; nothing more is read.
    pub(super) fn close(&mut self) {
        *self = State::Closed;
    }
}
