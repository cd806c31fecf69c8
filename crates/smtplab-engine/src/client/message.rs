//! A message for the client to send (envelope, parameters, content) and
//! the report of what the server did with it, recipient by recipient.

use super::reply::ServerReply;

/// How the content goes to the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Transfer {
    /// BDAT when the server offers CHUNKING, else DATA.
    #[default]
    Auto,
    /// DATA with dot-stuffing (RFC 5321 section 4.5.2).
    Data,
    /// BDAT in chunks of at most this many octets (RFC 3030); DATA if the
    /// server does not offer CHUNKING.
    Bdat {
        /// Largest chunk, at least 1.
        chunk_size: usize,
    },
}

/// One recipient with its RCPT parameters (NOTIFY=, ORCPT=...).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Recipient {
    /// The address, without angle brackets.
    pub address: String,
    /// Parameters, each `KEYWORD=value` or `KEYWORD`.
    pub parameters: Vec<String>,
}

impl Recipient {
    /// A recipient without parameters.
    pub fn new(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            parameters: Vec::new(),
        }
    }
}

/// A message to send: who from, to whom, and the octets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Outgoing {
    /// The reverse-path, without brackets (empty for the null sender).
    pub mail_from: String,
    /// MAIL parameters (BODY=, RET=, ENVID=...). SIZE= and SMTPUTF8 are
    /// added by the client when the server offers them and they apply.
    pub mail_parameters: Vec<String>,
    /// Recipients, in order.
    pub recipients: Vec<Recipient>,
    /// The message as it should arrive (headers, blank line, body), lines
    /// ended by CRLF; the client dot-stuffs it for DATA.
    pub content: Vec<u8>,
    /// DATA or BDAT.
    pub transfer: Transfer,
}

impl Outgoing {
    /// A message with one DATA or BDAT transfer chosen by the server's
    /// offer.
    pub fn new(mail_from: &str, recipients: &[&str], content: &[u8]) -> Self {
        Self {
            mail_from: mail_from.to_owned(),
            mail_parameters: Vec::new(),
            recipients: recipients.iter().map(|r| Recipient::new(*r)).collect(),
            content: content.to_vec(),
            transfer: Transfer::Auto,
        }
    }

    /// Whether an address or the content needs SMTPUTF8 (RFC 6531).
    pub fn needs_smtputf8(&self) -> bool {
        !self.mail_from.is_ascii() || self.recipients.iter().any(|r| !r.address.is_ascii())
    }
}

/// The content as DATA sends it: every line ended by CRLF (a bare CR or
/// LF becomes CRLF, RFC 5321 section 2.3.8), a leading dot doubled
/// (section 4.5.2), then the `.` line.
pub fn dot_stuff(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + content.len() / 64 + 5);
    let mut at_line_start = true;
    let mut index = 0;
    while index < content.len() {
        let byte = content[index];
        index += 1;
        match byte {
            b'\r' | b'\n' => {
                if byte == b'\r' && content.get(index) == Some(&b'\n') {
                    index += 1;
                }
                out.extend_from_slice(b"\r\n");
                at_line_start = true;
            }
            _ => {
                if at_line_start && byte == b'.' {
                    out.push(b'.');
                }
                out.push(byte);
                at_line_start = false;
            }
        }
    }
    if !at_line_start {
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b".\r\n");
    out
}

/// What became of one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum Outcome {
    /// The server took responsibility for it (RFC 5321 section 6.1).
    Accepted,
    /// A 4xx, or the connection was lost: keep the message, retry later.
    Deferred,
    /// A 5xx: do not retry; a bounce is due.
    Failed,
}

/// What the server answered to one message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MessageReport {
    /// The reply to MAIL, if it came.
    pub mail: Option<ServerReply>,
    /// The reply to each RCPT, in order (`None`: not sent or not answered).
    pub recipients: Vec<Option<ServerReply>>,
    /// The reply to DATA (354) when DATA was used.
    pub data_start: Option<ServerReply>,
    /// The final reply to the content (after `.` or BDAT LAST).
    pub final_reply: Option<ServerReply>,
}

impl MessageReport {
    /// The outcome for recipient `index`.
    pub fn outcome(&self, index: usize) -> Outcome {
        let deciding = match (&self.mail, self.recipients.get(index).cloned().flatten()) {
            (Some(mail), _) if !mail.is_success() => Some(mail.clone()),
            (_, Some(rcpt)) if !rcpt.is_success() => Some(rcpt),
            (_, Some(_)) => self
                .data_start
                .clone()
                .filter(|start| start.code != 354)
                .or_else(|| self.final_reply.clone()),
            _ => None,
        };
        match deciding {
            Some(reply) if reply.is_success() => Outcome::Accepted,
            Some(reply) if reply.code / 100 == 5 => Outcome::Failed,
            _ => Outcome::Deferred,
        }
    }

    /// Outcomes of every recipient, in order.
    pub fn outcomes(&self) -> Vec<Outcome> {
        (0..self.recipients.len())
            .map(|i| self.outcome(i))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_stuffing_doubles_leading_dots_and_ends_with_a_lone_dot() {
        for (content, wire) in [
            (&b""[..], &b".\r\n"[..]),
            (b"a\r\n", b"a\r\n.\r\n"),
            (b"a", b"a\r\n.\r\n"),
            (b".\r\n..x\r\n", b"..\r\n...x\r\n.\r\n"),
            (b"x\n.\ny", b"x\r\n..\r\ny\r\n.\r\n"),
            (b"x\r.\r", b"x\r\n..\r\n.\r\n"),
            (b"a.b\r\n", b"a.b\r\n.\r\n"),
        ] {
            assert_eq!(dot_stuff(content), wire, "{content:?}");
        }
    }

    fn reply(code: u16) -> Option<ServerReply> {
        Some(ServerReply {
            code,
            enhanced: None,
            lines: vec![String::new()],
            bare_lf: false,
            truncated: false,
        })
    }

    #[test]
    fn outcomes_follow_the_deciding_reply() {
        let report = MessageReport {
            mail: reply(250),
            recipients: vec![reply(250), reply(451), reply(550), None],
            data_start: reply(354),
            final_reply: reply(250),
        };
        assert_eq!(
            report.outcomes(),
            [
                Outcome::Accepted,
                Outcome::Deferred,
                Outcome::Failed,
                Outcome::Deferred
            ]
        );
        let refused_sender = MessageReport {
            mail: reply(553),
            recipients: vec![None],
            ..MessageReport::default()
        };
        assert_eq!(refused_sender.outcomes(), [Outcome::Failed]);
        let lost = MessageReport {
            mail: reply(250),
            recipients: vec![reply(250)],
            data_start: reply(354),
            final_reply: None,
        };
        assert_eq!(lost.outcomes(), [Outcome::Deferred]);
    }
}
