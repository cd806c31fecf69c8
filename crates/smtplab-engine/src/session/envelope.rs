//! The envelope: MAIL FROM and RCPT TO, their paths and their ESMTP
//! parameters (SIZE, BODY, SMTPUTF8, DSN's RET/ENVID/NOTIFY/ORCPT, AUTH).

use crate::address::{is_xtext, parse_parameters, parse_path, Mailbox, Parameter, PathSyntax};
use crate::catalogue::{ReplyKey, Verb};
use crate::profile::Profile;
use crate::reply::Reply;

use super::replies::{address_refusal, echo, syntax_error};
use super::state::{Recipient, Transaction};
use super::Session;

impl Session {
    pub(super) fn mail(&mut self, argument: &str) {
        let opened = if self.profile.require_helo && self.hello.is_none() {
            Err(Reply::standard(ReplyKey::NeedHelo))
        } else if self.relay.submission && self.authenticated.is_none() {
            // RFC 6409 section 4.3: a submission server knows its user
            // before it takes any mail.
            Err(Reply::standard(ReplyKey::AuthRequired))
        } else if self.state.transaction_mut().is_some() {
            Err(Reply::standard(ReplyKey::NestedMail))
        } else {
            new_transaction(argument, &self.profile)
        };
        match opened {
            Ok(transaction) => {
                self.state.open_transaction(transaction);
                self.send(Reply::standard(ReplyKey::MailOk));
            }
            Err(reply) => self.send(reply),
        }
    }

    pub(super) fn rcpt(&mut self, argument: &str) {
        let Some(transaction) = self.state.transaction_mut() else {
            self.send(Reply::standard(ReplyKey::NeedMail));
            return;
        };
        let smtputf8 = transaction.smtputf8;
        let sender = transaction
            .sender
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        let accepted = transaction.recipients.len();
        let (mailbox, rest) = match recipient_path(argument, path_syntax(&self.profile)) {
            Ok(found) => found,
            Err(reply) => {
                self.send(reply);
                return;
            }
        };
        // From here on the command named a recipient: if every such
        // attempt fails, DATA answers "no valid recipients" (a syntax error
        // leaves the state unchanged and does not count).
        if let Some(transaction) = self.state.transaction_mut() {
            transaction.rcpt_attempts += 1;
        }
        let checked = self.check_recipient(mailbox, rest, smtputf8, accepted, &sender);
        match checked {
            Ok(recipient) => {
                if let Some(transaction) = self.state.transaction_mut() {
                    transaction.recipients.push(recipient);
                }
                self.send(Reply::standard(ReplyKey::RcptOk));
            }
            Err(reply) => self.send(reply),
        }
    }

    /// Everything that can refuse a well-formed recipient, in order.
    fn check_recipient(
        &mut self,
        mut mailbox: Mailbox,
        parameters: &str,
        smtputf8: bool,
        accepted: usize,
        sender: &str,
    ) -> Result<Recipient, Reply> {
        if mailbox.domain.is_empty() {
            // RFC 5321 section 4.1.1.3: <postmaster> without a domain must
            // always be accepted; no other bare local part is an address.
            if !mailbox.local.eq_ignore_ascii_case("postmaster") {
                return Err(Reply::standard(ReplyKey::BadRecipient));
            }
            mailbox.domain = self.world.primary_domain().to_owned();
        }
        let parameters = check_rcpt_parameters(parameters, self.profile.extensions.dsn)?;
        if accepted >= self.profile.max_recipients {
            return Err(Reply::standard(ReplyKey::TooManyRecipients));
        }
        if !mailbox.is_ascii() && !smtputf8 {
            return Err(Reply::standard(ReplyKey::NonAsciiAddress));
        }
        let address = mailbox.to_string();
        let shown = format!("<{}>", echo(&address));
        let destination = match self.world.destination(&mailbox) {
            crate::world::Destination::UnknownLocal => {
                return Err(address_refusal(ReplyKey::UserUnknown, &shown));
            }
            crate::world::Destination::Remote
                if self.authenticated.is_none() && !self.relay.relays_for(&mailbox.domain) =>
            {
                return Err(address_refusal(ReplyKey::RelayDenied, &shown));
            }
            destination => destination,
        };
        let faults = &self.profile.faults;
        if faults.greylist
            && !self
                .memory
                .greylist_passes(sender, &address, self.now, faults.greylist_delay_secs)
        {
            return Err(address_refusal(ReplyKey::Greylisted, &shown));
        }
        Ok(Recipient {
            address,
            destination,
            parameters,
        })
    }
}

fn path_syntax(profile: &Profile) -> PathSyntax {
    if profile.strict_paths {
        PathSyntax::Strict
    } else {
        PathSyntax::Lenient
    }
}

/// MAIL FROM's argument as a new transaction, or the reply refusing it.
fn new_transaction(argument: &str, profile: &Profile) -> Result<Transaction, Reply> {
    let path_text = strip_keyword(argument, "FROM:").ok_or_else(|| syntax_error(Verb::Mail))?;
    let parsed = parse_path(path_text, path_syntax(profile))
        .map_err(|_| Reply::standard(ReplyKey::BadSender))?;
    if parsed.mailbox.as_ref().is_some_and(|m| m.domain.is_empty()) {
        return Err(Reply::standard(ReplyKey::BadSender));
    }
    let mut smtputf8 = false;
    let mut given: Vec<String> = Vec::new();
    for parameter in &split_parameters(parsed.rest)? {
        check_mail_parameter(parameter, profile)?;
        // Only reached when the extension is on (otherwise unsupported).
        smtputf8 |= parameter.keyword.eq_ignore_ascii_case("SMTPUTF8");
        given.push(parameter_text(parameter.keyword, parameter.value));
    }
    if parsed.mailbox.as_ref().is_some_and(|m| !m.is_ascii()) && !smtputf8 {
        return Err(Reply::standard(ReplyKey::NonAsciiAddress));
    }
    Ok(Transaction {
        sender: parsed.mailbox,
        mail_parameters: given,
        smtputf8,
        recipients: Vec::new(),
        rcpt_attempts: 0,
        chunks: None,
    })
}

/// RCPT TO's mailbox and what follows it; a syntax error does not count as
/// a refused recipient.
fn recipient_path(argument: &str, syntax: PathSyntax) -> Result<(Mailbox, &str), Reply> {
    let path_text = strip_keyword(argument, "TO:").ok_or_else(|| syntax_error(Verb::Rcpt))?;
    let parsed =
        parse_path(path_text, syntax).map_err(|_| Reply::standard(ReplyKey::BadRecipient))?;
    let mailbox = parsed
        .mailbox
        .ok_or_else(|| Reply::standard(ReplyKey::BadRecipient))?;
    Ok((mailbox, parsed.rest))
}

fn split_parameters(text: &str) -> Result<Vec<Parameter<'_>>, Reply> {
    parse_parameters(text)
        .map_err(|_| invalid_parameter(format!("Bad parameter syntax: {}", echo(text.trim()))))
}

fn check_mail_parameter(parameter: &Parameter<'_>, profile: &Profile) -> Result<(), Reply> {
    let extensions = &profile.extensions;
    let value = parameter.value;
    let upper_value = || value.map(str::to_ascii_uppercase);
    match parameter.keyword.to_ascii_uppercase().as_str() {
        "SIZE" if extensions.size => check_size(value, profile.message_size_limit),
        "BODY" if extensions.eight_bit_mime => match upper_value().as_deref() {
            Some("7BIT" | "8BITMIME") => Ok(()),
            _ => Err(invalid_parameter(format!(
                "Bad BODY keyword: {}",
                echo(value.unwrap_or(""))
            ))),
        },
        "SMTPUTF8" if extensions.smtputf8 => value.map_or(Ok(()), |_| {
            Err(invalid_parameter("SMTPUTF8 takes no value"))
        }),
        "RET" if extensions.dsn => match upper_value().as_deref() {
            Some("FULL" | "HDRS") => Ok(()),
            _ => Err(invalid_parameter("Bad RET parameter: use FULL or HDRS")),
        },
        "ENVID" if extensions.dsn => match value {
            Some(v) if is_xtext(v) && v.len() <= 100 => Ok(()),
            _ => Err(invalid_parameter("Bad ENVID parameter syntax")),
        },
        "AUTH" if extensions.auth => match value {
            Some(v) if v == "<>" || is_xtext(v) => Ok(()),
            _ => Err(invalid_parameter("Bad AUTH parameter syntax")),
        },
        _ => Err(unsupported_parameter(parameter)),
    }
}

/// RFC 1870: 1*20DIGIT; a size too big for u64 is simply too big.
fn check_size(value: Option<&str>, limit: usize) -> Result<(), Reply> {
    match value {
        Some(digits)
            if (1..=20).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) =>
        {
            let size = digits.parse::<u64>().unwrap_or(u64::MAX);
            if size > limit as u64 {
                Err(Reply::standard(ReplyKey::SizeExceeded))
            } else {
                Ok(())
            }
        }
        _ => Err(invalid_parameter("Bad message size syntax")),
    }
}

/// The RCPT parameters, checked, as given (`NOTIFY=FAILURE`...): kept
/// with the recipient so a relay passes the DSN requests on.
fn check_rcpt_parameters(text: &str, dsn: bool) -> Result<Vec<String>, Reply> {
    let mut given = Vec::new();
    for parameter in &split_parameters(text)? {
        let keyword = parameter.keyword.to_ascii_uppercase();
        let verdict = match (keyword.as_str(), parameter.value) {
            ("NOTIFY", Some(value)) if dsn => check_notify(value),
            ("ORCPT", Some(value)) if dsn => value
                .split_once(';')
                .filter(|(kind, address)| !kind.is_empty() && is_xtext(address))
                .map(|_| ())
                .ok_or("Bad ORCPT parameter: use rfc822;address"),
            ("NOTIFY" | "ORCPT", None) if dsn => Err("DSN parameters need a value"),
            _ => return Err(unsupported_parameter(parameter)),
        };
        verdict.map_err(invalid_parameter)?;
        given.push(parameter_text(parameter.keyword, parameter.value));
    }
    Ok(given)
}

/// RFC 3461 section 4.1: NEVER alone, or any of SUCCESS, FAILURE, DELAY.
fn check_notify(value: &str) -> Result<(), &'static str> {
    let words: Vec<String> = value.split(',').map(str::to_ascii_uppercase).collect();
    let never_alone = !words.iter().any(|w| w == "NEVER") || words.len() == 1;
    let known = words
        .iter()
        .all(|w| matches!(w.as_str(), "NEVER" | "SUCCESS" | "FAILURE" | "DELAY"));
    (known && never_alone)
        .then_some(())
        .ok_or("Bad NOTIFY parameter: NEVER, or SUCCESS,FAILURE,DELAY")
}

fn invalid_parameter(text: impl Into<String>) -> Reply {
    Reply::with_text(ReplyKey::ParamInvalid, text)
}

fn unsupported_parameter(parameter: &Parameter<'_>) -> Reply {
    Reply::with_text(
        ReplyKey::ParamUnsupported,
        format!(
            "Unsupported option: {}",
            echo(&parameter_text(parameter.keyword, parameter.value))
        ),
    )
}

/// The text after a case-insensitive keyword such as `FROM:`.
fn strip_keyword<'a>(argument: &'a str, keyword: &str) -> Option<&'a str> {
    let head = argument.get(..keyword.len())?;
    head.eq_ignore_ascii_case(keyword)
        .then(|| &argument[keyword.len()..])
}

fn parameter_text(keyword: &str, value: Option<&str>) -> String {
    match value {
        Some(value) => format!("{keyword}={value}"),
        None => keyword.to_owned(),
    }
}
