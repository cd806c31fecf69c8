//! Delivery status notifications: the DSN requests a message carries
//! (RFC 3461: RET and ENVID on MAIL, NOTIFY and ORCPT on RCPT) and the
//! report sent back to the sender (RFC 3464 multipart/report with a
//! human-readable part, the machine-readable status and the original
//! headers or message). A message from the null sender never gets one.

use core::fmt;

use crate::date::rfc5322_date;
use crate::enhanced_code::EnhancedCode;
use crate::message::header_section_end;

/// What the sender asked to be told about one recipient (RFC 3461
/// section 4.1). `None` means NOTIFY was not given: the server's default,
/// here failures and delays, as sendmail does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Notify {
    /// `SUCCESS`.
    pub success: bool,
    /// `FAILURE`.
    pub failure: bool,
    /// `DELAY`.
    pub delay: bool,
    /// Whether NOTIFY was given at all (`NEVER` gives it with all three off).
    pub given: bool,
}

impl Notify {
    /// Reads `NEVER` or a comma list of `SUCCESS`, `FAILURE`, `DELAY`.
    pub fn parse(value: &str) -> Option<Self> {
        let mut notify = Self {
            given: true,
            ..Self::default()
        };
        if value.eq_ignore_ascii_case("NEVER") {
            return Some(notify);
        }
        for word in value.split(',') {
            match word.to_ascii_uppercase().as_str() {
                "SUCCESS" => notify.success = true,
                "FAILURE" => notify.failure = true,
                "DELAY" => notify.delay = true,
                _ => return None,
            }
        }
        Some(notify)
    }

    /// Whether a report of `action` is due.
    pub fn wants(self, action: DsnAction) -> bool {
        match action {
            DsnAction::Failed => self.failure || !self.given,
            DsnAction::Delayed => self.delay || !self.given,
            DsnAction::Delivered | DsnAction::Relayed => self.success,
        }
    }

    /// The parameter as a relay passes it on, if it was given.
    pub fn parameter(self) -> Option<String> {
        if !self.given {
            return None;
        }
        let words: Vec<&str> = [
            (self.success, "SUCCESS"),
            (self.failure, "FAILURE"),
            (self.delay, "DELAY"),
        ]
        .iter()
        .filter(|(on, _)| *on)
        .map(|(_, word)| *word)
        .collect();
        Some(if words.is_empty() {
            "NOTIFY=NEVER".into()
        } else {
            format!("NOTIFY={}", words.join(","))
        })
    }
}

/// How much of the message a failure report returns (RFC 3461 section 4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Ret {
    /// `RET=FULL`: the whole message.
    Full,
    /// `RET=HDRS`, and the default here: its header section.
    #[default]
    Headers,
}

/// The DSN requests of one message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DsnRequest {
    /// RET, if given.
    pub ret: Option<Ret>,
    /// ENVID, decoded from xtext.
    pub envid: Option<String>,
}

impl DsnRequest {
    /// Reads RET= and ENVID= from MAIL parameters; others are ignored.
    pub fn from_mail_parameters(parameters: &[String]) -> Self {
        let mut request = Self::default();
        for (keyword, value) in parameters.iter().filter_map(|p| p.split_once('=')) {
            if keyword.eq_ignore_ascii_case("RET") {
                request.ret = match value.to_ascii_uppercase().as_str() {
                    "FULL" => Some(Ret::Full),
                    "HDRS" => Some(Ret::Headers),
                    _ => request.ret,
                };
            } else if keyword.eq_ignore_ascii_case("ENVID") {
                request.envid = Some(xtext_decode(value));
            }
        }
        request
    }

    /// The MAIL parameters a relay passes on to a server offering DSN.
    pub fn parameters(&self) -> Vec<String> {
        let mut out = Vec::new();
        match self.ret {
            Some(Ret::Full) => out.push("RET=FULL".to_owned()),
            Some(Ret::Headers) => out.push("RET=HDRS".to_owned()),
            None => {}
        }
        if let Some(envid) = &self.envid {
            out.push(format!("ENVID={}", xtext_encode(envid)));
        }
        out
    }
}

/// The per-recipient requests: NOTIFY= and ORCPT= (decoded), from RCPT
/// parameters.
pub fn recipient_requests(parameters: &[String]) -> (Notify, Option<String>) {
    let mut notify = Notify::default();
    let mut orcpt = None;
    for (keyword, value) in parameters.iter().filter_map(|p| p.split_once('=')) {
        if keyword.eq_ignore_ascii_case("NOTIFY") {
            notify = Notify::parse(value).unwrap_or(notify);
        } else if keyword.eq_ignore_ascii_case("ORCPT") {
            orcpt = Some(xtext_decode(value));
        }
    }
    (notify, orcpt)
}

/// RFC 3461 section 4: `+XX` is the octet XX; everything else stands for itself.
pub fn xtext_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|h| core::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[index], hex) {
            (b'+', Some(octet)) => {
                out.push(octet);
                index += 3;
            }
            (octet, _) => {
                out.push(octet);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The inverse of [`xtext_decode`]: `+`, `=`, controls, space and non-ASCII as `+XX`.
pub fn xtext_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if (b'!'..=b'~').contains(&byte) && byte != b'+' && byte != b'=' {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("+{byte:02X}"));
        }
    }
    out
}

/// What a report says became of a recipient (RFC 3464 section 2.3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DsnAction {
    /// Delivery failed; no more attempts.
    Failed,
    /// Not delivered yet; still being retried.
    Delayed,
    /// Delivered to the mailbox.
    Delivered,
    /// Handed to a server that does not do DSN: no more reports will come.
    Relayed,
}

impl fmt::Display for DsnAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Failed => "failed",
            Self::Delayed => "delayed",
            Self::Delivered => "delivered",
            Self::Relayed => "relayed",
        })
    }
}

/// One recipient's block of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecipientReport {
    /// The address the reporting host tried.
    pub address: String,
    /// ORCPT, as given (`rfc822;Bob@example.org`).
    pub original: Option<String>,
    /// What happened.
    pub action: DsnAction,
    /// The RFC 3463 status.
    pub status: EnhancedCode,
    /// The server that answered, if one did.
    pub remote_mta: Option<String>,
    /// Its reply (`550 5.1.1 ...`) or what went wrong before one came.
    pub diagnostic: String,
    /// When it was last tried.
    pub last_attempt: u64,
    /// For a delay: when the host gives up.
    pub will_retry_until: Option<u64>,
}

/// Everything a report is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report<'a> {
    /// The host writing it.
    pub reporting_mta: &'a str,
    /// Its queue id for the original message.
    pub queue_id: &'a str,
    /// The original reverse-path (the report goes there).
    pub sender: &'a str,
    /// The original message's DSN requests.
    pub request: &'a DsnRequest,
    /// When the original arrived.
    pub arrival: u64,
    /// The recipients reported on, all wanting this report.
    pub recipients: &'a [RecipientReport],
    /// The original message, as queued.
    pub original: &'a [u8],
}

impl Report<'_> {
    /// The report message, headers and all, CRLF line ends; `None` when
    /// the original came from the null sender (RFC 3461 section 6.2: no
    /// report about a report) or there is nobody to report on.
    pub fn to_message(&self, now: u64) -> Option<Vec<u8>> {
        if self.sender.is_empty() || self.recipients.is_empty() {
            return None;
        }
        let boundary = format!("{}.{now}/{}", self.queue_id, self.reporting_mta);
        let mut out = self.top_headers(now, &boundary);
        out.push_str("This is a MIME-encapsulated message.\r\n\r\n");
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n{}\r\n",
            self.human_text()
        ));
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n{}",
            self.status_fields()
        ));
        let (kind, returned) = self.returned();
        out.push_str(&format!(
            "--{boundary}\r\nContent-Description: Undelivered Message\r\nContent-Type: {kind}\r\n\r\n"
        ));
        let mut bytes = out.into_bytes();
        bytes.extend_from_slice(returned);
        if !returned.ends_with(b"\r\n") {
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        Some(bytes)
    }

    fn worst(&self) -> DsnAction {
        let actions: Vec<DsnAction> = self.recipients.iter().map(|r| r.action).collect();
        [DsnAction::Failed, DsnAction::Delayed, DsnAction::Relayed]
            .into_iter()
            .find(|a| actions.contains(a))
            .unwrap_or(DsnAction::Delivered)
    }

    fn top_headers(&self, now: u64, boundary: &str) -> String {
        let subject = match self.worst() {
            DsnAction::Failed => "Undelivered Mail Returned to Sender",
            DsnAction::Delayed => "Delayed Mail (still being retried)",
            DsnAction::Delivered | DsnAction::Relayed => "Successful Mail Delivery Report",
        };
        format!(
            "From: Mail Delivery System <MAILER-DAEMON@{mta}>\r\nTo: <{to}>\r\nSubject: {subject}\r\nDate: {date}\r\nMessage-ID: <{id}.{now}@{mta}>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"{boundary}\"\r\n\r\n",
            mta = self.reporting_mta,
            to = self.sender,
            date = rfc5322_date(now),
            id = self.queue_id,
        )
    }

    fn human_text(&self) -> String {
        let mut text = format!(
            "This is the mail system at host {}.\r\n\r\n",
            self.reporting_mta
        );
        text.push_str(match self.worst() {
            DsnAction::Failed => "I'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients.\r\n",
            DsnAction::Delayed => "Your message could not be delivered yet. It will be retried\r\nuntil it is too old; you do not need to send it again.\r\n",
            _ => "Your message was delivered or passed on, as you asked to be told.\r\n",
        });
        for recipient in self.recipients {
            text.push_str(&format!(
                "\r\n<{}>: {}\r\n",
                recipient.address, recipient.diagnostic
            ));
        }
        text
    }

    fn status_fields(&self) -> String {
        let mut fields = format!("Reporting-MTA: dns; {}\r\n", self.reporting_mta);
        if let Some(envid) = &self.request.envid {
            fields.push_str(&format!("Original-Envelope-Id: {envid}\r\n"));
        }
        fields.push_str(&format!("Arrival-Date: {}\r\n", rfc5322_date(self.arrival)));
        for recipient in self.recipients {
            fields.push_str(&format!(
                "\r\nFinal-Recipient: rfc822; {}\r\n",
                recipient.address
            ));
            if let Some(original) = &recipient.original {
                let (kind, address) = original.split_once(';').unwrap_or(("rfc822", original));
                fields.push_str(&format!(
                    "Original-Recipient: {kind}; {}\r\n",
                    address.trim()
                ));
            }
            fields.push_str(&format!(
                "Action: {}\r\nStatus: {}\r\n",
                recipient.action, recipient.status
            ));
            if let Some(mta) = &recipient.remote_mta {
                fields.push_str(&format!("Remote-MTA: dns; {mta}\r\n"));
                fields.push_str(&format!(
                    "Diagnostic-Code: smtp; {}\r\n",
                    recipient.diagnostic
                ));
            }
            fields.push_str(&format!(
                "Last-Attempt-Date: {}\r\n",
                rfc5322_date(recipient.last_attempt)
            ));
            if let Some(until) = recipient.will_retry_until {
                fields.push_str(&format!("Will-Retry-Until: {}\r\n", rfc5322_date(until)));
            }
        }
        fields.push_str("\r\n");
        fields
    }

    /// The third part: headers only (RET=HDRS, the default, and every
    /// report that is not a failure) or the whole message (RET=FULL).
    fn returned(&self) -> (&'static str, &[u8]) {
        let full = self.request.ret == Some(Ret::Full) && self.worst() == DsnAction::Failed;
        if full {
            ("message/rfc822", self.original)
        } else {
            let end = header_section_end(self.original);
            ("text/rfc822-headers", &self.original[..end])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_values_parse_and_decide_reports() {
        for (value, parsed) in [
            ("NEVER", Some((false, false, false))),
            ("success,Failure", Some((true, true, false))),
            ("DELAY", Some((false, false, true))),
            ("NEVER,SUCCESS", None),
            ("SOMETIMES", None),
        ] {
            let notify = Notify::parse(value).map(|n| (n.success, n.failure, n.delay));
            assert_eq!(notify, parsed, "{value}");
        }
        let default = Notify::default();
        assert!(default.wants(DsnAction::Failed) && default.wants(DsnAction::Delayed));
        assert!(!default.wants(DsnAction::Delivered) && !default.wants(DsnAction::Relayed));
        let never = Notify::parse("NEVER").unwrap();
        assert!(!never.wants(DsnAction::Failed));
        assert_eq!(never.parameter().as_deref(), Some("NOTIFY=NEVER"));
        assert_eq!(default.parameter(), None);
    }

    #[test]
    fn xtext_round_trips() {
        for (text, encoded) in [
            ("plain", "plain"),
            ("a+b=c", "a+2Bb+3Dc"),
            ("two words", "two+20words"),
        ] {
            assert_eq!(xtext_encode(text), encoded);
            assert_eq!(xtext_decode(encoded), text);
        }
        assert_eq!(
            xtext_decode("broken+2"),
            "broken+2",
            "a cut +XX stays as written"
        );
    }

    #[test]
    fn mail_parameters_give_ret_and_envid() {
        let request = DsnRequest::from_mail_parameters(&[
            "SIZE=10".into(),
            "ret=full".into(),
            "ENVID=a+2Bb".into(),
        ]);
        assert_eq!(request.ret, Some(Ret::Full));
        assert_eq!(request.envid.as_deref(), Some("a+b"));
        assert_eq!(request.parameters(), ["RET=FULL", "ENVID=a+2Bb"]);
        let (notify, orcpt) =
            recipient_requests(&["NOTIFY=SUCCESS,DELAY".into(), "ORCPT=rfc822;x+40y".into()]);
        assert!(notify.success && notify.delay && !notify.failure);
        assert_eq!(orcpt.as_deref(), Some("rfc822;x@y"));
    }
}
