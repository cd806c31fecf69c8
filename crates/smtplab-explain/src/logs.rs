//! What a Postfix or Exim log line says about an SMTP conversation: a
//! command or reply it quotes, a reply from the other server with the
//! command it answered and what became of the message, or bookkeeping.

use crate::format::Side;
use crate::text::{t, tf};

/// What became of a message, as the log says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Delivered or handed on.
    Sent,
    /// Kept in the queue to retry.
    Deferred,
    /// Given up: a bounce goes back.
    Bounced,
}

/// One log line, understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogFact {
    /// A command or reply line quoted as sent (Postfix verbose logging:
    /// `< host[ip]: EHLO x`, `> host[ip]: 250 ...`).
    Quoted(Side, String),
    /// A reply quoted in a summary line, with the command it answered.
    Reply {
        /// `nnn text`.
        reply: String,
        /// The command, as the log names it (`RCPT TO`, `end of DATA`).
        answers: Option<String>,
        /// The delivery status the line reports.
        status: Option<Status>,
    },
    /// A problem the server noticed with its client.
    Problem(String),
    /// Anything else: what it is.
    Event(String),
}

/// Reads the message of a Postfix log line from `program`.
pub fn postfix(program: &str, message: &str) -> LogFact {
    if let Some(fact) = quoted(program, message) {
        return fact;
    }
    if let Some(fact) = postfix_reject(message).or_else(|| postfix_status(message)) {
        return fact;
    }
    for (start, what) in [
        ("lost connection after ", t("The client hung up in the middle, without QUIT")),
        ("timeout after ", t("The client went silent and the server gave up")),
        ("improper command pipelining after ", t("The client sent commands before the server's replies, without PIPELINING (or before the greeting): a sign of spamware, and a reason Postfix refuses it (RFC 2920)")),
        ("too many errors after ", t("The client made too many mistakes and was cut off")),
    ] {
        if let Some(rest) = message.strip_prefix(start) {
            return LogFact::Problem(format!("{what} ({start}{rest})"));
        }
    }
    let what = if message.starts_with("connect from ") {
        t("Postfix's SMTP server accepted a TCP connection from this client.")
    } else if let Some(counts) = message.strip_prefix("disconnect from ") {
        disconnect_summary(counts)
    } else if message.starts_with("warning: ") {
        tf("A Postfix warning from {}.", &[&program])
    } else {
        tf(
            "Postfix bookkeeping ({}: {}).",
            &[&program, &program_role(program)],
        )
    };
    LogFact::Event(what)
}

/// Postfix verbose logging quotes the conversation: for `smtpd` (the
/// server) `<` is the client's line and `>` its own reply; for `smtp`
/// (Postfix as client) the other way round.
fn quoted(program: &str, message: &str) -> Option<LogFact> {
    let (arrow, rest) = message.split_at_checked(2)?;
    let incoming = match arrow {
        "< " => true,
        "> " => false,
        _ => return None,
    };
    let (_, line) = rest.split_once("]: ")?;
    let side = match (program, incoming) {
        ("smtpd", true) | ("smtp", false) => Side::Client,
        _ => Side::Server,
    };
    Some(LogFact::Quoted(side, line.to_owned()))
}

/// `NOQUEUE: reject: RCPT from host[ip]: 554 5.7.1 <x>: Relay access denied; from=<...>`
fn postfix_reject(message: &str) -> Option<LogFact> {
    let (_, rest) = message.split_once("reject: ")?;
    let (command, rest) = rest.split_once(" from ")?;
    let (_, reply) = rest.split_once("]: ")?;
    let reply = reply.split("; from=").next().unwrap_or(reply);
    Some(LogFact::Reply {
        reply: reply.to_owned(),
        answers: Some(command.to_owned()),
        status: None,
    })
}

/// `QUEUEID: to=<x>, relay=..., status=deferred (host h[ip] said: 451 ... (in reply to RCPT TO command))`
fn postfix_status(message: &str) -> Option<LogFact> {
    let (_, rest) = message.split_once("status=")?;
    let (word, detail) = rest.split_once(' ').unwrap_or((rest, ""));
    let status = match word {
        "sent" | "delivered" => Status::Sent,
        "deferred" => Status::Deferred,
        "bounced" | "expired" => Status::Bounced,
        _ => return None,
    };
    let detail = detail.trim().trim_start_matches('(').trim_end_matches(')');
    let said = detail
        .split_once(" said: ")
        .map_or(detail, |(_, said)| said);
    let (reply, answers) = match said.rsplit_once(" (in reply to ") {
        Some((reply, command)) => (
            reply,
            Some(command.trim_end_matches(" command").trim_end_matches(')')),
        ),
        None => (said, None),
    };
    if !starts_with_code(reply) {
        let what = match status {
            Status::Sent => tf("The message was delivered: {}.", &[&detail]),
            Status::Deferred => tf(
                "The message was kept in the queue to try again later: {}.",
                &[&detail],
            ),
            Status::Bounced => tf(
                "The message was given up on; a bounce goes to the sender: {}.",
                &[&detail],
            ),
        };
        return Some(LogFact::Event(what));
    }
    Some(LogFact::Reply {
        reply: reply.to_owned(),
        answers: answers.map(str::to_owned),
        status: Some(status),
    })
}

/// Reads the message of an Exim main-log line.
pub fn exim(message: &str) -> LogFact {
    let mut words = message.splitn(3, ' ');
    let first = words.next().unwrap_or("");
    let flag = if crate::format::is_exim_id(first) {
        words.next().unwrap_or("")
    } else {
        ""
    };
    if let Some((_, error)) = message.split_once("SMTP error from remote mail server after ") {
        let (command, reply) = error.split_once(": ").unwrap_or((error, ""));
        let command = command.split(':').next().unwrap_or(command);
        let status = match flag {
            "**" => Some(Status::Bounced),
            "==" => Some(Status::Deferred),
            _ => None,
        };
        return LogFact::Reply {
            reply: reply.to_owned(),
            answers: Some(command.to_owned()),
            status,
        };
    }
    if let Some((_, confirmation)) = message.split_once(" C=\"") {
        let reply = confirmation.split('"').next().unwrap_or("");
        return LogFact::Reply {
            reply: reply.to_owned(),
            answers: Some("end of DATA".to_owned()),
            status: Some(Status::Sent),
        };
    }
    if message.contains(" rejected ") {
        return LogFact::Problem(tf(
            "Exim refused a command from its client: {}",
            &[&message],
        ));
    }
    let what = match flag {
        "<=" => t("A message arrived (<=): sender, host, protocol (P=) and size (S=)."),
        "=>" => t("A delivery (=>) to this address succeeded."),
        "->" => t("Another address (->) went with the same delivery."),
        ">>" => t("A cutthrough delivery (>>) was made while the client waited."),
        "*>" => t("A delivery was suppressed (*>) by -N."),
        "**" => t("A delivery failed for good (**): a bounce goes to the sender."),
        "==" => t("A delivery was deferred (==): Exim will retry."),
        "Completed" => t("Exim is done with this message (Completed)."),
        _ => t("An Exim log entry (connection, queue run or housekeeping)."),
    };
    LogFact::Event(what)
}

fn starts_with_code(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 3
        && bytes[..3].iter().all(u8::is_ascii_digit)
        && (b'2'..=b'5').contains(&bytes[0])
        && bytes.get(3).is_none_or(|b| *b == b' ' || *b == b'-')
}

/// `disconnect from h[ip] ehlo=1 mail=1 rcpt=0/1 data=0/1 commands=2/4`
fn disconnect_summary(counts: &str) -> String {
    let failed: Vec<&str> = counts
        .split(' ')
        .filter(|word| {
            word.split_once('=')
                .and_then(|(_, v)| v.split_once('/'))
                .is_some_and(|(ok, tried)| ok != tried)
        })
        .collect();
    if failed.is_empty() {
        t("The client disconnected; the counts say how many of each command it sent (all succeeded).")
    } else {
        tf(
            "The client disconnected. In the counts, ok/tried shows failed commands: {}.",
            &[&failed.join(", ")],
        )
    }
}

fn program_role(program: &str) -> String {
    match program {
        "smtpd" => t("the SMTP server"),
        "smtp" => t("the SMTP client delivering to other servers"),
        "cleanup" => t("checks and completes the headers"),
        "qmgr" => t("the queue manager"),
        "local" => t("delivery to local mailboxes"),
        "pickup" => t("picks up locally submitted mail"),
        "bounce" => t("writes bounce messages"),
        "anvil" => t("connection rate statistics"),
        _ => t("a Postfix daemon"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postfix_lines_give_replies_and_the_command_they_answer() {
        assert_eq!(
            postfix("smtpd", "NOQUEUE: reject: RCPT from unknown[127.0.0.1]: 554 5.7.1 <x@example.org>: Relay access denied; from=<a@b> to=<x@example.org> proto=ESMTP helo=<c>"),
            LogFact::Reply { reply: "554 5.7.1 <x@example.org>: Relay access denied".into(), answers: Some("RCPT".into()), status: None }
        );
        assert_eq!(
            postfix("smtp", "4F2A: to=<b@example.net>, relay=mx.example.net[192.0.2.1]:25, delay=1, dsn=4.7.1, status=deferred (host mx.example.net[192.0.2.1] said: 451 4.7.1 Greylisted (in reply to RCPT TO command))"),
            LogFact::Reply { reply: "451 4.7.1 Greylisted".into(), answers: Some("RCPT TO".into()), status: Some(Status::Deferred) }
        );
        assert_eq!(
            postfix("smtpd", "< unknown[127.0.0.1]: MAIL FROM:<a@b>"),
            LogFact::Quoted(Side::Client, "MAIL FROM:<a@b>".into())
        );
        assert_eq!(
            postfix("smtp", "< mx[192.0.2.1]: 250 ok"),
            LogFact::Quoted(Side::Server, "250 ok".into())
        );
        assert!(
            matches!(postfix("smtpd", "improper command pipelining after EHLO from x[1.2.3.4]: MAIL"), LogFact::Problem(p) if p.contains("RFC 2920"))
        );
        assert!(
            matches!(postfix("smtpd", "disconnect from x[1.2.3.4] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4"), LogFact::Event(e) if e.contains("rcpt=0/1"))
        );
        assert!(
            matches!(postfix("local", "4F2A: to=<a@b>, relay=local, status=sent (delivered to mailbox)"), LogFact::Event(e) if e.contains("delivered"))
        );
    }

    #[test]
    fn exim_lines_give_replies_and_status() {
        assert_eq!(
            exim("1tXyZa-000abc-de ** b@example.net R=dnslookup T=remote_smtp H=mx [192.0.2.1]: SMTP error from remote mail server after RCPT TO:<b@example.net>: 550 5.1.1 No such user"),
            LogFact::Reply { reply: "550 5.1.1 No such user".into(), answers: Some("RCPT TO".into()), status: Some(Status::Bounced) }
        );
        assert_eq!(
            exim("1tXyZa-000abc-de => b@example.net R=dnslookup T=remote_smtp H=mx [192.0.2.1] C=\"250 2.0.0 Ok: queued as 4F2A\""),
            LogFact::Reply { reply: "250 2.0.0 Ok: queued as 4F2A".into(), answers: Some("end of DATA".into()), status: Some(Status::Sent) }
        );
        assert!(
            matches!(exim("1tXyZa-000abc-de <= a@b H=x [1.2.3.4] P=esmtp S=300"), LogFact::Event(e) if e.contains("arrived"))
        );
    }
}
