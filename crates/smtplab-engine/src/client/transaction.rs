//! The mail transaction on the client side: MAIL, RCPT for each
//! recipient, then DATA with dot-stuffed content or BDAT chunks, as one
//! pipelined group when the server offers PIPELINING (RFC 2920) and one
//! command at a time otherwise.

use super::{
    dot_stuff, unsafe_in_command, Awaiting, Client, ClientError, ClientEvent, MessageReport,
    Outgoing, ServerReply, Transaction, Transfer,
};

impl Client {
    pub(super) fn start_message(&mut self, message: Box<Outgoing>, now: u64) {
        if let Some(why) = self.refusal(&message) {
            self.event(ClientEvent::Error(ClientError::BadMessage(why)));
            let report = MessageReport {
                recipients: vec![None; message.recipients.len()],
                ..MessageReport::default()
            };
            self.event(ClientEvent::Message(Box::new(report)));
            return;
        }
        let capabilities = self.capabilities.clone().unwrap_or_default();
        let chunk_size = match message.transfer {
            Transfer::Auto => Some(usize::MAX),
            Transfer::Data => None,
            Transfer::Bdat { chunk_size } => Some(chunk_size.max(1)),
        }
        .filter(|_| capabilities.chunking());
        let transaction = Transaction {
            report: MessageReport {
                recipients: vec![None; message.recipients.len()],
                ..MessageReport::default()
            },
            pipelined: capabilities.pipelining(),
            chunk_size,
            chunk_offset: 0,
            chunk_refused: false,
            message,
        };
        let pipelined = transaction.pipelined;
        let recipients = transaction.message.recipients.len();
        let mail_line = self.mail_line(&transaction.message);
        self.transaction = Some(transaction);
        self.command(&mail_line, Awaiting::Mail, now);
        if pipelined {
            // RFC 2920 section 3.1: MAIL, the RCPTs and DATA (or the BDAT
            // chunks, RFC 3030 section 4.2) go in one group.
            for index in 0..recipients {
                self.send_rcpt(index, now);
            }
            self.send_body_start(now);
        }
    }

    /// Why this message cannot be sent to this server, if it cannot.
    fn refusal(&self, message: &Outgoing) -> Option<String> {
        if message.recipients.is_empty() {
            return Some("it has no recipients".into());
        }
        let mut problems = core::iter::once(unsafe_in_command(&message.mail_from, "the sender"))
            .chain(
                message
                    .recipients
                    .iter()
                    .map(|r| unsafe_in_command(&r.address, "a recipient")),
            )
            .flatten();
        if let Some(problem) = problems.next() {
            return Some(problem);
        }
        let parameters = message
            .mail_parameters
            .iter()
            .chain(message.recipients.iter().flat_map(|r| &r.parameters));
        for parameter in parameters {
            if parameter.is_empty() || parameter.chars().any(|c| c.is_control() || c == ' ') {
                return Some(format!(
                    "parameter `{}` is not one word",
                    parameter.escape_debug()
                ));
            }
        }
        let capabilities = self.capabilities.clone().unwrap_or_default();
        if message.needs_smtputf8() && !capabilities.has("SMTPUTF8") {
            return Some("a non-ASCII address needs SMTPUTF8, which the server does not offer (RFC 6531 section 3.2)".into());
        }
        match capabilities.size_limit() {
            Some(limit) if message.content.len() as u64 > limit => Some(format!(
                "{} octets is over the server's SIZE limit of {limit} (RFC 1870 section 6)",
                message.content.len()
            )),
            _ => None,
        }
    }

    fn mail_line(&self, message: &Outgoing) -> String {
        let capabilities = self.capabilities.clone().unwrap_or_default();
        let mut line = format!("MAIL FROM:<{}>", message.mail_from);
        let given = |keyword: &str| {
            message.mail_parameters.iter().any(|p| {
                p.split('=')
                    .next()
                    .is_some_and(|k| k.eq_ignore_ascii_case(keyword))
            })
        };
        if capabilities.has("SIZE") && !given("SIZE") {
            line.push_str(&format!(" SIZE={}", message.content.len()));
        }
        if message.needs_smtputf8() && !given("SMTPUTF8") {
            line.push_str(" SMTPUTF8");
        }
        for parameter in &message.mail_parameters {
            line.push(' ');
            line.push_str(parameter);
        }
        line
    }

    fn send_rcpt(&mut self, index: usize, now: u64) {
        let Some(recipient) = self
            .transaction
            .as_ref()
            .and_then(|t| t.message.recipients.get(index))
        else {
            return;
        };
        let mut line = format!("RCPT TO:<{}>", recipient.address);
        for parameter in &recipient.parameters {
            line.push(' ');
            line.push_str(parameter);
        }
        self.command(&line, Awaiting::Rcpt(index), now);
    }

    /// DATA, or every BDAT chunk when pipelining (the first chunk only
    /// when not).
    fn send_body_start(&mut self, now: u64) {
        let Some(transaction) = self.transaction.as_ref() else {
            return;
        };
        if transaction.chunk_size.is_none() {
            self.command("DATA", Awaiting::Data, now);
            return;
        }
        let pipelined = transaction.pipelined;
        while self.send_next_chunk(now) && pipelined {}
    }

    /// Sends the next BDAT chunk; false once the last has gone.
    fn send_next_chunk(&mut self, now: u64) -> bool {
        let Some(transaction) = self.transaction.as_mut() else {
            return false;
        };
        let content = &transaction.message.content;
        let start = transaction.chunk_offset.min(content.len());
        let size = transaction
            .chunk_size
            .unwrap_or(usize::MAX)
            .min(content.len() - start);
        let end = start + size;
        let last = end == content.len();
        let line = format!("BDAT {size}{}", if last { " LAST" } else { "" });
        let mut bytes = format!("{line}\r\n").into_bytes();
        bytes.extend_from_slice(&content[start..end]);
        transaction.chunk_offset = end;
        self.send(bytes);
        self.expect(Awaiting::Bdat { last }, line, now);
        !last
    }

    pub(super) fn on_mail(&mut self, reply: ServerReply, now: u64) {
        let Some(transaction) = self.transaction.as_mut() else {
            return;
        };
        let accepted = reply.is_success();
        transaction.report.mail = Some(reply);
        if transaction.pipelined {
            return;
        }
        if accepted {
            self.send_rcpt(0, now);
        } else {
            self.finish_message();
        }
    }

    pub(super) fn on_rcpt(&mut self, index: usize, reply: ServerReply, now: u64) {
        let Some(transaction) = self.transaction.as_mut() else {
            return;
        };
        if let Some(slot) = transaction.report.recipients.get_mut(index) {
            *slot = Some(reply);
        }
        if transaction.pipelined {
            return;
        }
        if index + 1 < transaction.message.recipients.len() {
            self.send_rcpt(index + 1, now);
        } else if transaction.any_recipient_accepted() {
            self.send_body_start(now);
        } else {
            self.finish_message();
            self.command("RSET", Awaiting::Rset, now);
        }
    }

    pub(super) fn on_data(&mut self, reply: ServerReply, now: u64) {
        let Some(transaction) = self.transaction.as_mut() else {
            return;
        };
        let go_ahead = reply.code == 354;
        transaction.report.data_start = Some(reply);
        if !go_ahead {
            self.finish_message();
            return;
        }
        // RFC 2920 section 3.1: a 354 after every RCPT failed still needs
        // the content ended, so send only the dot.
        let content = if transaction.any_recipient_accepted() {
            dot_stuff(&transaction.message.content)
        } else {
            b".\r\n".to_vec()
        };
        self.send(content);
        self.expect(Awaiting::Content, "<message content>".into(), now);
    }

    pub(super) fn on_content(&mut self, reply: ServerReply) {
        if let Some(transaction) = self.transaction.as_mut() {
            transaction.report.final_reply = Some(reply);
        }
        self.finish_message();
    }

    pub(super) fn on_bdat(&mut self, last: bool, reply: ServerReply, now: u64) {
        let Some(transaction) = self.transaction.as_mut() else {
            return;
        };
        let refused = !reply.is_success();
        if refused && !transaction.chunk_refused {
            transaction.chunk_refused = true;
            transaction.report.final_reply = Some(reply);
        } else if last && !transaction.chunk_refused {
            transaction.report.final_reply = Some(reply);
        }
        if last {
            self.finish_message();
        } else if !transaction.pipelined {
            if refused {
                self.finish_message();
                self.command("RSET", Awaiting::Rset, now);
            } else {
                self.send_next_chunk(now);
            }
        }
    }

    fn finish_message(&mut self) {
        if let Some(transaction) = self.transaction.take() {
            self.event(ClientEvent::Message(Box::new(transaction.report)));
        }
    }
}
