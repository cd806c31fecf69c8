//! Message content and delivery: DATA and BDAT, the checks at the end of
//! the content, and the stored message with the trace headers the server
//! puts on top (Return-Path, Received) and the ones it adds (Date,
//! Message-Id).

use crate::catalogue::{ReplyKey, Verb};
use crate::date::UtcDateTime;
use crate::message::{has_field, header_section_end};
use crate::profile::{BareLineEnding, Profile};
use crate::reply::Reply;
use crate::world::{Delivery, Destination, Envelope};

use super::events::{CloseReason, Event, Output};
use super::framing::Body;
use super::replies::syntax_error;
use super::state::{Chunk, Hello, Recipient, Transaction};
use super::{ClientInfo, Session};

/// Why BDAT's arguments were refused.
enum BdatArgumentError {
    /// More octets than anything can count.
    Uncountable,
    /// Not `<size> [LAST]`.
    Syntax,
}

impl Session {
    pub(super) fn data(&mut self, argument: &str) {
        if !argument.is_empty() {
            self.send(syntax_error(Verb::Data));
            return;
        }
        let refusal = match self.state.transaction_mut() {
            None => Some(ReplyKey::NeedRcpt),
            Some(t) if t.chunks.is_some() => Some(ReplyKey::DataAfterBdat),
            Some(t) if t.recipients.is_empty() && t.rcpt_attempts > 0 => {
                Some(ReplyKey::NoValidRecipients)
            }
            Some(t) if t.recipients.is_empty() => Some(ReplyKey::NeedRcpt),
            Some(_) => None,
        };
        if let Some(key) = refusal {
            self.send(Reply::standard(key));
            return;
        }
        self.state.start_data();
        self.send(Reply::standard(ReplyKey::DataStart));
    }

    pub(super) fn bdat(&mut self, argument: &str) {
        let (size, last) = match bdat_arguments(argument) {
            Ok(arguments) => arguments,
            Err(BdatArgumentError::Uncountable) => {
                // They can never all be read, so there is no way back to
                // the command stream.
                self.send(Reply::standard(ReplyKey::SizeExceeded));
                self.close(CloseReason::Dropped);
                return;
            }
            Err(BdatArgumentError::Syntax) => {
                self.send(syntax_error(Verb::Bdat));
                return;
            }
        };
        let mut transaction = self.state.take_transaction();
        // RFC 3030 section 2: the chunk's octets are read even when the
        // command is refused, or they would be taken for commands.
        let refusal = self
            .memory
            .staged_rejection(&self.profile.faults.reject, Verb::Bdat)
            .or_else(|| chunk_refusal(transaction.as_mut()));
        self.state
            .start_chunk(Chunk::new(transaction, size, last, refusal));
        if size == 0 {
            self.finish_chunk();
        }
    }

    /// The chunk's octets are all read: answer it.
    pub(super) fn finish_chunk(&mut self) {
        let Some(chunk) = self.state.finish_chunk() else {
            return;
        };
        let Chunk {
            transaction,
            last,
            refusal,
            ..
        } = chunk;
        if let Some(reply) = refusal {
            self.state.resume_commands(transaction);
            self.send(reply);
            return;
        }
        let Some(mut transaction) = transaction else {
            return;
        };
        if let Some(key) = transaction.chunks.as_ref().and_then(Body::refusal) {
            // The transaction is over: later chunks get 503.
            self.send(Reply::standard(key));
            return;
        }
        if last {
            let body = transaction.chunks.take().unwrap_or_default();
            let reply = self.finish_message(transaction, body, true);
            self.send(reply);
        } else {
            let received = transaction.chunks.as_ref().map_or(0, |b| b.size);
            self.state.resume_commands(Some(transaction));
            self.send(Reply::with_text(
                ReplyKey::ChunkReceived,
                format!("Ok: {received} octets received"),
            ));
        }
    }

    /// The I/O shell could not store the message it was just handed (a
    /// failed save): the `250 ... queued as` queued for it becomes `451
    /// 4.3.0`, so the client keeps the message and tries again (RFC 5321
    /// section 4.2.5). Call it after taking the [`Event::Delivered`] and
    /// before taking the reply after it; returns whether that reply was
    /// there to change.
    pub fn refuse_delivery(&mut self) -> bool {
        let refusal = self.shaped(Reply::standard(ReplyKey::QueueWriteError));
        let next_reply = self.outputs.iter_mut().find_map(|output| match output {
            Output::Reply(reply) => Some(reply),
            _ => None,
        });
        match next_reply {
            Some(reply) if reply.key == ReplyKey::Queued => {
                *reply = refusal;
                true
            }
            _ => false,
        }
    }

    /// The I/O shell cannot hold the message being received (its memory
    /// for messages in flight is spent): what came is dropped, the rest is
    /// read and dropped, and the end of the message is answered `452 4.3.1`
    /// so the client tries again later. Returns whether a message was being
    /// received and kept until now.
    pub fn refuse_content(&mut self) -> bool {
        self.state
            .body_mut()
            .is_some_and(|body| body.drop_content(ReplyKey::InsufficientStorage))
    }

    /// Checks the finished content and delivers it, giving the final reply.
    pub(super) fn finish_message(
        &mut self,
        transaction: Transaction,
        body: Body,
        chunked: bool,
    ) -> Reply {
        if let Some(key) = content_refusal(&body, chunked, &self.profile) {
            return Reply::standard(key);
        }
        let queue_id = self.ids.next_id();
        let trace = Trace {
            client: &self.client,
            hello: self.hello.as_ref(),
            tls_active: self.tls_active,
            authenticated: self.authenticated.is_some(),
            server: &self.profile.hostname,
            now: self.now,
        };
        let delivery = trace.deliver(transaction, &body.content, &queue_id);
        self.emit(Output::Event(Event::Delivered(Box::new(delivery))));
        Reply::with_text(ReplyKey::Queued, format!("Ok: queued as {queue_id}"))
    }
}

/// `<size> [LAST]`.
fn bdat_arguments(argument: &str) -> Result<(u64, bool), BdatArgumentError> {
    let mut words = argument.split(' ');
    let size_word = words
        .next()
        .filter(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()));
    let size = match size_word.map(str::parse::<u64>) {
        Some(Ok(size)) => Some(size),
        Some(Err(_)) => return Err(BdatArgumentError::Uncountable),
        None => None,
    };
    let last = match words.next() {
        None => Some(false),
        Some(word) if word.eq_ignore_ascii_case("LAST") => Some(true),
        Some(_) => None,
    };
    match (size, last, words.next()) {
        (Some(size), Some(last), None) => Ok((size, last)),
        _ => Err(BdatArgumentError::Syntax),
    }
}

/// Why a chunk cannot join a transaction; otherwise the transaction is
/// marked as sent with BDAT.
fn chunk_refusal(transaction: Option<&mut Transaction>) -> Option<Reply> {
    match transaction {
        None => Some(Reply::standard(ReplyKey::NeedMail)),
        Some(t) if t.recipients.is_empty() => Some(Reply::standard(if t.rcpt_attempts > 0 {
            ReplyKey::NoValidRecipients
        } else {
            ReplyKey::NeedRcpt
        })),
        Some(t) => {
            t.chunks.get_or_insert_with(Body::default);
            None
        }
    }
}

/// Why finished content is refused, if it is.
fn content_refusal(body: &Body, chunked: bool, profile: &Profile) -> Option<ReplyKey> {
    if let Some(key) = body.refusal() {
        return Some(key);
    }
    if chunked {
        return None;
    }
    if body.long_line && profile.reject_long_lines {
        return Some(ReplyKey::TextLineTooLong);
    }
    if body.bare_line_ending && profile.bare_line_ending == BareLineEnding::Refuse {
        return Some(ReplyKey::BareLfData);
    }
    None
}

/// What the trace headers record about the session.
struct Trace<'a> {
    client: &'a ClientInfo,
    hello: Option<&'a Hello>,
    tls_active: bool,
    authenticated: bool,
    server: &'a str,
    now: u64,
}

impl Trace<'_> {
    /// The delivery of `content` for `transaction`, as stored.
    fn deliver(&self, transaction: Transaction, content: &[u8], queue_id: &str) -> Delivery {
        let mail_from = transaction
            .sender
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let (mailboxes, relayed_to) = route(&transaction.recipients);
        let date = UtcDateTime::from_unix(self.now);
        let trace_headers =
            self.trace_headers(&mail_from, &transaction.recipients, queue_id, &date);
        let header_end = header_section_end(content);
        let added_headers = self.added_headers(&content[..header_end], queue_id, &date);
        let raw = assemble(&trace_headers, content, header_end, &added_headers);
        let message = String::from_utf8_lossy(&raw).into_owned();
        Delivery {
            queue_id: queue_id.to_owned(),
            received_at: self.now,
            envelope: Envelope {
                mail_from,
                rcpt_parameters: transaction
                    .recipients
                    .iter()
                    .map(|r| r.parameters.clone())
                    .collect(),
                rcpt_to: transaction
                    .recipients
                    .into_iter()
                    .map(|r| r.address)
                    .collect(),
                mail_parameters: transaction.mail_parameters,
            },
            mailboxes,
            relayed_to,
            trace_headers,
            added_headers,
            message,
            raw,
            folder: None,
        }
    }

    /// RFC 3848: ESMTP only after EHLO; HELO, or no greeting at all (the
    /// lenient default allows that), is plain SMTP.
    fn protocol(&self) -> String {
        match self.hello {
            Some(Hello { extended: true, .. }) => format!(
                "ESMTP{}{}",
                if self.tls_active { "S" } else { "" },
                if self.authenticated { "A" } else { "" }
            ),
            _ => "SMTP".to_owned(),
        }
    }

    /// Return-Path and Received (RFC 5321 section 4.4).
    fn trace_headers(
        &self,
        mail_from: &str,
        recipients: &[Recipient],
        queue_id: &str,
        date: &UtcDateTime,
    ) -> Vec<String> {
        let helo = self
            .hello
            .map_or(self.client.hostname.as_str(), |h| h.name.as_str());
        let for_clause = match recipients {
            [only] => format!("\r\n\tfor <{}>", only.address),
            _ => String::new(),
        };
        vec![
            format!("Return-Path: <{mail_from}>"),
            format!(
                "Received: from {helo} ({} [{}])\r\n\tby {} (smtplab) with {} id {queue_id}{for_clause};\r\n\t{}",
                self.client.hostname,
                self.client.ip,
                self.server,
                self.protocol(),
                date.rfc5322()
            ),
        ]
    }

    /// Date and Message-Id, when the client left them out.
    fn added_headers(&self, section: &[u8], queue_id: &str, date: &UtcDateTime) -> Vec<String> {
        let mut added = Vec::new();
        if !has_field(section, "Date") {
            added.push(format!("Date: {}", date.rfc5322()));
        }
        if !has_field(section, "Message-ID") {
            added.push(format!(
                "Message-Id: <{}.{queue_id}@{}>",
                date.compact(),
                self.server
            ));
        }
        added
    }
}

/// Local mailboxes (each once) and outside addresses the recipients lead to.
fn route(recipients: &[Recipient]) -> (Vec<String>, Vec<String>) {
    let mut mailboxes: Vec<String> = Vec::new();
    let mut relayed_to = Vec::new();
    for recipient in recipients {
        match &recipient.destination {
            Destination::Local(users) => {
                for user in users {
                    if !mailboxes.contains(user) {
                        mailboxes.push(user.clone());
                    }
                }
            }
            _ => relayed_to.push(recipient.address.clone()),
        }
    }
    (mailboxes, relayed_to)
}

/// The stored octets: exactly what was accepted (8-bit content included),
/// with the server's headers put in.
fn assemble(trace: &[String], content: &[u8], header_end: usize, added: &[String]) -> Vec<u8> {
    let mut raw = Vec::with_capacity(content.len() + 512);
    for header in trace {
        raw.extend_from_slice(header.as_bytes());
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(&content[..header_end]);
    for header in added {
        raw.extend_from_slice(header.as_bytes());
        raw.extend_from_slice(b"\r\n");
    }
    if header_end == 0 && !content.starts_with(b"\r\n") {
        // No header section at all: the added headers need the empty line
        // that separates headers from the body.
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(&content[header_end..]);
    raw
}
