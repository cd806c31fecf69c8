//! Goals: what a learner must achieve, written as conditions on what
//! happened in the session (commands, replies, deliveries), never on the
//! exact keystrokes, because many different sessions are correct.

use serde::{Deserialize, Deserializer};
use smtplab_engine::Verb;

/// One goal of a lesson: a learner-facing description and the condition
/// that meets it.
///
/// In JSON the condition's fields sit beside the description:
/// `{"description": "...", "kind": "delivered", "to": "bob"}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Goal {
    /// What the learner sees in the goal list, e.g. "Deliver a message to
    /// bob@example.com".
    pub description: String,
    /// When the goal counts as met.
    #[serde(flatten)]
    pub condition: Condition,
}

/// A condition on the session. All conditions but [`Condition::MaxCommands`]
/// are achievements: once met they stay met. `max_commands` is a limit: it
/// holds until the learner goes over it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// A message was accepted (250 after DATA) and matches every field given.
    Delivered(DeliveredCheck),
    /// A reply with this code was received, optionally while `after_verb`
    /// was the latest command (the 354 and the final 250 of DATA both come
    /// "after DATA").
    ReplySeen {
        /// The three-digit reply code.
        code: u16,
        /// The command the reply answered.
        #[serde(default)]
        after_verb: Option<Verb>,
    },
    /// A command with this verb (and argument text, if given) was answered
    /// with this code (any reply, if no code is given).
    CommandAnswered {
        /// The command.
        verb: Verb,
        /// Text the argument must contain, any case (`alice` matches
        /// `VRFY Alice`).
        #[serde(default)]
        argument_contains: Option<String>,
        /// The reply code.
        #[serde(default)]
        code: Option<u16>,
    },
    /// Each step met in order, each strictly after the one before: "a 503
    /// was received and then a message was delivered".
    Sequence {
        /// At least two conditions (no limits among them).
        steps: Vec<Condition>,
    },
    /// A mail transaction in progress was thrown away, by `by` if given
    /// (RSET, or HELO/EHLO/STARTTLS which also reset).
    TransactionReset {
        /// The command that reset it.
        #[serde(default)]
        by: Option<Verb>,
    },
    /// AUTH succeeded, as `user` if given.
    Authenticated {
        /// The account name.
        #[serde(default)]
        user: Option<String>,
    },
    /// STARTTLS succeeded.
    TlsStarted {},
    /// A connection was ended with QUIT (221), not dropped.
    QuitCleanly {},
    /// A limit: no more than `max` commands over the whole attempt (message
    /// content and AUTH responses are not commands).
    MaxCommands {
        /// The most commands allowed.
        max: u32,
    },
    /// At least `min_commands` commands were sent in one go (pasted
    /// together), as a PIPELINING client does.
    Pipelined {
        /// How many commands one submission must hold, at least 2.
        min_commands: u32,
    },
    /// (A lesson with a network.) The learner opened a connection to this
    /// network host, on `port` if given.
    Connected {
        /// The host's name.
        host: String,
        /// The port.
        #[serde(default)]
        port: Option<u16>,
    },
    /// (A lesson with a network.) A message was filed in `mailbox` at
    /// `host` (final delivery), having passed every host in `via` by its
    /// Received chain.
    MailFiled(MailFiledCheck),
    /// (A lesson with a network.) A delivery status notification (RFC
    /// 3464) reached `mailbox` at `host`, with this `action` if given.
    DsnReceived {
        /// The host whose mailbox receives the report.
        host: String,
        /// The user name of the mailbox.
        mailbox: String,
        /// `failed`, `delayed`, `delivered`, `relayed` or `expanded`.
        #[serde(default)]
        action: Option<String>,
        /// Text the report must contain, any case (a recipient, a status code).
        #[serde(default)]
        text_contains: Option<String>,
    },
}

/// Where a message must have ended up, and the way it came.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailFiledCheck {
    /// The host whose mailbox holds it.
    pub host: String,
    /// The user name of the mailbox.
    pub mailbox: String,
    /// Hosts that must appear as `by` in its Received chain (before the last).
    #[serde(default, deserialize_with = "one_or_many")]
    pub via: Vec<String>,
    /// Text the Subject: header must contain.
    #[serde(default)]
    pub subject_contains: Option<String>,
    /// Text the receiver's Authentication-Results header must contain
    /// (`dkim=pass`, `dmarc=fail`), any case: a lesson whose server has
    /// `mail_auth`.
    #[serde(default)]
    pub auth_results_contains: Option<String>,
    /// The folder it must be in instead of the inbox (`Junk`: quarantined).
    #[serde(default)]
    pub folder: Option<String>,
}

impl Condition {
    /// Every `kind`, in the order the authoring guide lists them.
    pub const KINDS: &'static [&'static str] = &[
        "delivered",
        "reply_seen",
        "command_answered",
        "sequence",
        "transaction_reset",
        "authenticated",
        "tls_started",
        "quit_cleanly",
        "max_commands",
        "pipelined",
        "connected",
        "mail_filed",
        "dsn_received",
    ];

    /// The name used in JSON (`"kind"`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Delivered(_) => "delivered",
            Self::ReplySeen { .. } => "reply_seen",
            Self::CommandAnswered { .. } => "command_answered",
            Self::Sequence { .. } => "sequence",
            Self::TransactionReset { .. } => "transaction_reset",
            Self::Authenticated { .. } => "authenticated",
            Self::TlsStarted {} => "tls_started",
            Self::QuitCleanly {} => "quit_cleanly",
            Self::MaxCommands { .. } => "max_commands",
            Self::Pipelined { .. } => "pipelined",
            Self::Connected { .. } => "connected",
            Self::MailFiled(_) => "mail_filed",
            Self::DsnReceived { .. } => "dsn_received",
        }
    }

    /// Whether this is a limit (holds until broken) rather than an
    /// achievement (met once something happens).
    pub fn is_limit(&self) -> bool {
        matches!(self, Self::MaxCommands { .. })
    }

    /// The network host this condition is about, for the kinds that need
    /// a lesson with a network.
    pub fn network_host(&self) -> Option<&str> {
        match self {
            Self::Connected { host, .. } | Self::DsnReceived { host, .. } => Some(host),
            Self::MailFiled(check) => Some(&check.host),
            _ => None,
        }
    }
}

/// What a delivered message must look like. Every field is optional; an
/// empty check matches any delivery. Text comparisons ignore case except
/// `body_has_line`, which is exact.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveredCheck {
    /// Who must receive it (all of them, in the same message): a local
    /// name (`bob`), a local address (`team@example.com`, reaching every
    /// member), or an outside address (`friend@example.org`, relayed). One
    /// string or a list.
    #[serde(default, deserialize_with = "one_or_many")]
    pub to: Vec<String>,
    /// Who must not receive it, written as `to`.
    #[serde(default, deserialize_with = "one_or_many")]
    pub not_to: Vec<String>,
    /// Text the Subject: header must contain.
    #[serde(default)]
    pub subject_contains: Option<String>,
    /// Text the From: header must contain.
    #[serde(default)]
    pub from_header_contains: Option<String>,
    /// Text the To: header must contain.
    #[serde(default)]
    pub to_header_contains: Option<String>,
    /// The envelope sender (MAIL FROM), exactly but in any case; `<>` or an
    /// empty string for the null sender.
    #[serde(default)]
    pub envelope_from: Option<String>,
    /// Text the body must contain (within one line).
    #[serde(default)]
    pub body_contains: Option<String>,
    /// A line the body must hold exactly, as stored (after the server
    /// removed dot-stuffing).
    #[serde(default)]
    pub body_has_line: Option<String>,
    /// A MAIL FROM parameter the message was sent with: a keyword (`SIZE`)
    /// or keyword and value (`BODY=8BITMIME`).
    #[serde(default)]
    pub mail_parameter: Option<String>,
}

/// Accepts `"x"` or `["x", "y"]`.
fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    match OneOrMany::deserialize(deserializer) {
        Ok(OneOrMany::One(one)) => Ok(vec![one]),
        Ok(OneOrMany::Many(many)) => Ok(many),
        Err(_) => Err(serde::de::Error::custom(
            "expected an address or a list of addresses",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_listed_and_reads_back() {
        let samples = [
            Condition::Delivered(DeliveredCheck::default()),
            Condition::ReplySeen {
                code: 250,
                after_verb: None,
            },
            Condition::CommandAnswered {
                verb: Verb::Noop,
                argument_contains: None,
                code: None,
            },
            Condition::Sequence { steps: Vec::new() },
            Condition::TransactionReset { by: None },
            Condition::Authenticated { user: None },
            Condition::TlsStarted {},
            Condition::QuitCleanly {},
            Condition::MaxCommands { max: 1 },
            Condition::Pipelined { min_commands: 2 },
            Condition::Connected {
                host: "mx1.example.org".into(),
                port: None,
            },
            Condition::MailFiled(MailFiledCheck {
                host: "mx1.example.org".into(),
                mailbox: "bob".into(),
                ..MailFiledCheck::default()
            }),
            Condition::DsnReceived {
                host: "smtp.isp.example".into(),
                mailbox: "you".into(),
                action: None,
                text_contains: None,
            },
        ];
        let kinds: Vec<&str> = samples.iter().map(Condition::kind).collect();
        assert_eq!(kinds, Condition::KINDS);
        for (kind, sample) in Condition::KINDS.iter().zip(&samples) {
            let json = match sample {
                Condition::ReplySeen { .. } => {
                    r#"{"code": 250}"#.replace('{', &format!(r#"{{"kind": "{kind}", "#))
                }
                Condition::CommandAnswered { .. } => {
                    r#"{"verb": "NOOP"}"#.replace('{', &format!(r#"{{"kind": "{kind}", "#))
                }
                Condition::Sequence { .. } => format!(r#"{{"kind": "{kind}", "steps": []}}"#),
                Condition::MaxCommands { .. } => format!(r#"{{"kind": "{kind}", "max": 1}}"#),
                Condition::Pipelined { .. } => {
                    format!(r#"{{"kind": "{kind}", "min_commands": 2}}"#)
                }
                Condition::Connected { .. } => {
                    format!(r#"{{"kind": "{kind}", "host": "mx1.example.org"}}"#)
                }
                Condition::MailFiled(_) => {
                    format!(r#"{{"kind": "{kind}", "host": "mx1.example.org", "mailbox": "bob"}}"#)
                }
                Condition::DsnReceived { .. } => {
                    format!(r#"{{"kind": "{kind}", "host": "smtp.isp.example", "mailbox": "you"}}"#)
                }
                _ => format!(r#"{{"kind": "{kind}"}}"#),
            };
            let read: Condition = serde_json::from_str(&json).unwrap();
            assert_eq!(&read, sample, "{json}");
        }
    }

    #[test]
    fn addresses_may_be_one_or_many() {
        let one: DeliveredCheck = serde_json::from_str(r#"{"to": "bob"}"#).unwrap();
        let many: DeliveredCheck = serde_json::from_str(r#"{"to": ["bob", "carol"]}"#).unwrap();
        assert_eq!(one.to, ["bob"]);
        assert_eq!(many.to, ["bob", "carol"]);
        let error = serde_json::from_str::<DeliveredCheck>(r#"{"to": 5}"#).unwrap_err();
        assert!(
            error.to_string().contains("an address or a list"),
            "{error}"
        );
    }
}
