//! The simulated world: local domains, mailboxes, aliases, mailing lists and
//! accounts the server knows, and the mailstore that delivery fills.

use crate::address::Mailbox;
use crate::message::header_fields;

/// A local mailbox (and, with a password, an account for AUTH).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct User {
    /// Local part, lower case.
    pub name: String,
    /// Full name, as VRFY shows it.
    pub full_name: String,
    /// AUTH password; `None` means the user cannot log in.
    #[cfg_attr(feature = "serde", serde(default))]
    pub password: Option<String>,
}

/// An alias: mail for `name` goes to `target` mailboxes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Alias {
    /// Local part, lower case.
    pub name: String,
    /// Local user names it delivers to.
    pub targets: Vec<String>,
}

/// A mailing list that EXPN can expand.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct MailingList {
    /// Local part, lower case.
    pub name: String,
    /// What the list is for.
    pub description: String,
    /// Local user names on the list.
    pub members: Vec<String>,
}

/// Everything the server knows about addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(default)
)]
pub struct World {
    /// Domains delivered locally; the first is the primary one.
    pub domains: Vec<String>,
    /// Local mailboxes and accounts.
    pub users: Vec<User>,
    /// Aliases, `postmaster` among them.
    pub aliases: Vec<Alias>,
    /// Mailing lists.
    pub lists: Vec<MailingList>,
}

impl Default for World {
    /// The default world lives on reserved example domains (RFC 2606):
    /// example.com is local; example.org and example.net are "outside".
    fn default() -> Self {
        let user = |name: &str, full_name: &str, password: Option<&str>| User {
            name: name.into(),
            full_name: full_name.into(),
            password: password.map(Into::into),
        };
        Self {
            domains: vec!["example.com".into(), "mail.example.com".into()],
            users: vec![
                user("alice", "Alice Liddell", Some("wonderland")),
                user("bob", "Bob Builder", Some("canwefixit")),
                user("carol", "Carol Singer", None),
            ],
            aliases: vec![
                Alias {
                    name: "postmaster".into(),
                    targets: vec!["alice".into()],
                },
                Alias {
                    name: "info".into(),
                    targets: vec!["bob".into()],
                },
            ],
            lists: vec![MailingList {
                name: "team".into(),
                description: "Everyone at example.com".into(),
                members: vec!["alice".into(), "bob".into(), "carol".into()],
            }],
        }
    }
}

/// A world that cannot work: which entry ([`WorldError::field`]) and why
/// (the variant, and its message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorldError {
    /// No local domain at all.
    #[error("world.domains must list at least one local domain")]
    NoDomains,
    /// A local domain is not a domain name.
    #[error("world.domains: `{domain}` is not a domain name")]
    Domain {
        /// Its place in `domains` (from 0).
        index: usize,
        /// What was given.
        domain: String,
    },
    /// A user, alias or list name cannot be a local part.
    #[error("world: `{name}` is not a valid local name")]
    LocalName {
        /// `users`, `aliases` or `lists`.
        kind: &'static str,
        /// What was given.
        name: String,
    },
    /// Two entries share a name (any case).
    #[error("world: the name `{name}` is used twice")]
    NameUsedTwice {
        /// Where the second one is: `users`, `aliases` or `lists`.
        kind: &'static str,
        /// The name.
        name: String,
    },
    /// RFC 5321 section 4.5.1: mail for postmaster must be accepted.
    #[error("world: there must be a `postmaster` user or alias (RFC 5321 section 4.5.1)")]
    NoPostmaster,
    /// An alias delivers to someone who is not a user.
    #[error("world.aliases `{alias}`: `{target}` is not a user")]
    AliasTarget {
        /// The alias.
        alias: String,
        /// The target that is not a user.
        target: String,
    },
    /// A list has a member who is not a user.
    #[error("world.lists `{list}`: `{member}` is not a user")]
    ListMember {
        /// The list.
        list: String,
        /// The member who is not a user.
        member: String,
    },
}

impl WorldError {
    /// The entry at fault, as a path into the world.
    pub fn field(&self) -> String {
        match self {
            WorldError::NoDomains => "world.domains".into(),
            WorldError::Domain { index, .. } => format!("world.domains[{index}]"),
            WorldError::LocalName { kind, .. } | WorldError::NameUsedTwice { kind, .. } => {
                format!("world.{kind}")
            }
            WorldError::NoPostmaster => "world.aliases".into(),
            WorldError::AliasTarget { alias, .. } => format!("world.aliases.{alias}.targets"),
            WorldError::ListMember { list, .. } => format!("world.lists.{list}.members"),
        }
    }
}

/// Where an address leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// Local mailboxes (user names), after aliases and lists.
    Local(Vec<String>),
    /// A local domain, but nobody of that name.
    UnknownLocal,
    /// Another domain: relaying.
    Remote,
}

/// What kind of local name a local part is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalName<'a> {
    /// A mailbox.
    User(&'a User),
    /// An alias.
    Alias(&'a Alias),
    /// A mailing list.
    List(&'a MailingList),
}

impl World {
    /// Checks that every alias and list points at real users and names are
    /// unique; the error names the offending entry.
    pub fn validate(&self) -> Result<(), WorldError> {
        if self.domains.is_empty() {
            return Err(WorldError::NoDomains);
        }
        if let Some(index) = self
            .domains
            .iter()
            .position(|d| !crate::address::is_domain(d))
        {
            return Err(WorldError::Domain {
                index,
                domain: self.domains[index].clone(),
            });
        }
        self.validate_names()?;
        // RFC 5321 section 4.5.1: every server must accept mail for
        // postmaster.
        if self.local_name("postmaster").is_none() {
            return Err(WorldError::NoPostmaster);
        }
        let is_user = |name: &String| self.users.iter().any(|u| u.name.eq_ignore_ascii_case(name));
        for alias in &self.aliases {
            if let Some(bad) = alias.targets.iter().find(|t| !is_user(t)) {
                return Err(WorldError::AliasTarget {
                    alias: alias.name.clone(),
                    target: bad.clone(),
                });
            }
        }
        for list in &self.lists {
            if let Some(bad) = list.members.iter().find(|m| !is_user(m)) {
                return Err(WorldError::ListMember {
                    list: list.name.clone(),
                    member: bad.clone(),
                });
            }
        }
        Ok(())
    }

    /// Every user, alias and list name is a local part, used once.
    fn validate_names(&self) -> Result<(), WorldError> {
        let mut names: Vec<&str> = Vec::new();
        let all_names = (self.users.iter().map(|u| ("users", u.name.as_str())))
            .chain(self.aliases.iter().map(|a| ("aliases", a.name.as_str())))
            .chain(self.lists.iter().map(|l| ("lists", l.name.as_str())));
        for (kind, name) in all_names {
            if name.is_empty() || name.contains(['@', ' ', '<', '>']) {
                return Err(WorldError::LocalName {
                    kind,
                    name: name.to_owned(),
                });
            }
            if names.iter().any(|seen| seen.eq_ignore_ascii_case(name)) {
                return Err(WorldError::NameUsedTwice {
                    kind,
                    name: name.to_owned(),
                });
            }
            names.push(name);
        }
        Ok(())
    }

    /// The primary local domain.
    pub fn primary_domain(&self) -> &str {
        self.domains.first().map_or("example.com", String::as_str)
    }

    /// Whether `domain` is delivered here (any case).
    pub fn is_local_domain(&self, domain: &str) -> bool {
        self.domains.iter().any(|d| d.eq_ignore_ascii_case(domain))
    }

    /// Looks up a local part (any case).
    pub fn local_name(&self, local: &str) -> Option<LocalName<'_>> {
        if let Some(user) = self
            .users
            .iter()
            .find(|u| u.name.eq_ignore_ascii_case(local))
        {
            return Some(LocalName::User(user));
        }
        if let Some(alias) = self
            .aliases
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(local))
        {
            return Some(LocalName::Alias(alias));
        }
        self.lists
            .iter()
            .find(|l| l.name.eq_ignore_ascii_case(local))
            .map(LocalName::List)
    }

    /// A user by name.
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.name.eq_ignore_ascii_case(name))
    }

    /// Where mail for `mailbox` goes. A mailbox without a domain is taken
    /// to be in the primary domain.
    pub fn destination(&self, mailbox: &Mailbox) -> Destination {
        if !mailbox.domain.is_empty() && !self.is_local_domain(&mailbox.domain) {
            return Destination::Remote;
        }
        match self.local_name(&mailbox.local) {
            Some(LocalName::User(user)) => Destination::Local(vec![user.name.clone()]),
            Some(LocalName::Alias(alias)) => Destination::Local(alias.targets.clone()),
            Some(LocalName::List(list)) => Destination::Local(list.members.clone()),
            None => Destination::UnknownLocal,
        }
    }

    /// The account `user` with `password`, if they match.
    pub fn check_login(&self, user: &str, password: &str) -> Option<&User> {
        // Accept the bare name or name@local-domain, as most servers do.
        let name = match user.rsplit_once('@') {
            Some((local, domain)) if self.is_local_domain(domain) => local,
            Some(_) => return None,
            None => user,
        };
        self.user(name)
            .filter(|u| u.password.as_deref() == Some(password))
    }

    /// `Full Name <user@primary-domain>`, as VRFY and EXPN show a user.
    pub fn display(&self, user: &User) -> String {
        format!(
            "{} <{}@{}>",
            user.full_name,
            user.name,
            self.primary_domain()
        )
    }
}

/// The envelope of a delivered message, kept apart from its headers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Envelope {
    /// MAIL FROM (empty for the null reverse-path `<>`).
    pub mail_from: String,
    /// Every accepted RCPT TO, in order.
    pub rcpt_to: Vec<String>,
    /// MAIL parameters as given (SIZE=, BODY=, SMTPUTF8, RET=, ENVID=...).
    pub mail_parameters: Vec<String>,
    /// Each accepted recipient's RCPT parameters (NOTIFY=, ORCPT=), in the
    /// order of `rcpt_to`: a relay passes the DSN requests on with them.
    #[cfg_attr(feature = "serde", serde(default))]
    pub rcpt_parameters: Vec<Vec<String>>,
}

/// A message the server accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Delivery {
    /// The queue id from the `250 ... queued as` reply.
    pub queue_id: String,
    /// When it was accepted (Unix seconds, the injected clock).
    pub received_at: u64,
    /// The envelope.
    pub envelope: Envelope,
    /// Local mailboxes (user names) it went to.
    pub mailboxes: Vec<String>,
    /// Outside addresses it would be relayed to (a sandbox never sends).
    pub relayed_to: Vec<String>,
    /// Header lines the server put on top (Return-Path, Received).
    pub trace_headers: Vec<String>,
    /// Header lines the server added because the client left them out.
    pub added_headers: Vec<String>,
    /// The whole message as stored, CRLF line ends, trace headers first,
    /// as text (octets that are not UTF-8 shown as U+FFFD).
    pub message: String,
    /// The same message as the exact octets stored (what `.eml` files hold).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub raw: Vec<u8>,
    /// The folder it was filed in when not the inbox: [`JUNK_FOLDER`] for
    /// mail the receiver's checks quarantined.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub folder: Option<String>,
}

/// The folder quarantined mail goes to (DMARC p=quarantine).
pub const JUNK_FOLDER: &str = "Junk";

impl Delivery {
    /// The header section of the stored message (up to the first empty
    /// line), folded lines unfolded.
    pub fn headers(&self) -> Vec<(String, String)> {
        header_fields(self.message.as_bytes())
    }

    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers()
            .into_iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// The message as a relay passes it on: the stored octets without the
    /// Return-Path the server put on top, which only final delivery adds
    /// (RFC 5321 section 4.4), so it is not repeated at every hop.
    pub fn relayed_content(&self) -> Vec<u8> {
        let return_path = self
            .trace_headers
            .first()
            .filter(|field| field.starts_with("Return-Path:"));
        let stripped = return_path.and_then(|field| {
            self.raw
                .strip_prefix(field.as_bytes())
                .and_then(|rest| rest.strip_prefix(b"\r\n"))
        });
        stripped.unwrap_or(&self.raw).to_vec()
    }

    /// Each accepted recipient with its RCPT parameters, in order.
    pub fn recipients(&self) -> impl Iterator<Item = (&str, &[String])> {
        let envelope = &self.envelope;
        envelope.rcpt_to.iter().enumerate().map(|(index, address)| {
            let parameters = envelope.rcpt_parameters.get(index);
            (address.as_str(), parameters.map_or(&[][..], Vec::as_slice))
        })
    }

    /// The body: everything after the first empty line.
    pub fn body(&self) -> &str {
        self.message
            .split_once("\r\n\r\n")
            .map_or("", |(_, body)| body)
    }
}

/// Delivered messages, by mailbox.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Mailstore {
    /// Every delivery, in order.
    pub deliveries: Vec<Delivery>,
}

impl Mailstore {
    /// Files a delivery.
    pub fn deliver(&mut self, delivery: Delivery) {
        self.deliveries.push(delivery);
    }

    /// Messages in one local mailbox's inbox, oldest first.
    pub fn mailbox<'a>(&'a self, user: &'a str) -> impl Iterator<Item = &'a Delivery> + 'a {
        self.deliveries.iter().filter(move |d| {
            d.folder.is_none() && d.mailboxes.iter().any(|m| m.eq_ignore_ascii_case(user))
        })
    }

    /// Messages in one of a local mailbox's other folders (`Junk`), oldest first.
    pub fn folder<'a>(
        &'a self,
        user: &'a str,
        folder: &'a str,
    ) -> impl Iterator<Item = &'a Delivery> + 'a {
        self.deliveries.iter().filter(move |d| {
            d.folder.as_deref() == Some(folder)
                && d.mailboxes.iter().any(|m| m.eq_ignore_ascii_case(user))
        })
    }

    /// Messages held for outside domains (never sent anywhere).
    pub fn outbox(&self) -> impl Iterator<Item = &Delivery> {
        self.deliveries.iter().filter(|d| !d.relayed_to.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailbox(local: &str, domain: &str) -> Mailbox {
        Mailbox {
            local: local.into(),
            domain: domain.into(),
        }
    }

    #[test]
    fn destinations_follow_users_aliases_and_lists() {
        let world = World::default();
        for (address, expected) in [
            (
                mailbox("alice", "example.com"),
                Destination::Local(vec!["alice".into()]),
            ),
            (
                mailbox("ALICE", "EXAMPLE.COM"),
                Destination::Local(vec!["alice".into()]),
            ),
            (
                mailbox("Postmaster", ""),
                Destination::Local(vec!["alice".into()]),
            ),
            (
                mailbox("info", "mail.example.com"),
                Destination::Local(vec!["bob".into()]),
            ),
            (
                mailbox("team", "example.com"),
                Destination::Local(vec!["alice".into(), "bob".into(), "carol".into()]),
            ),
            (mailbox("dave", "example.com"), Destination::UnknownLocal),
            (mailbox("dave", "example.org"), Destination::Remote),
        ] {
            assert_eq!(world.destination(&address), expected, "{address}");
        }
    }

    #[test]
    fn default_world_is_valid_and_broken_worlds_are_named() {
        assert_eq!(World::default().validate(), Ok(()));
        let mut world = World::default();
        world.lists[0].members.push("zed".into());
        let error = world.validate().unwrap_err();
        assert_eq!(
            error,
            WorldError::ListMember {
                list: "team".into(),
                member: "zed".into()
            }
        );
        assert_eq!(error.field(), "world.lists.team.members");
        assert_eq!(error.to_string(), "world.lists `team`: `zed` is not a user");
        let mut world = World::default();
        world.aliases.push(Alias {
            name: "Alice".into(),
            targets: vec!["bob".into()],
        });
        let error = world.validate().unwrap_err();
        assert_eq!(error.to_string(), "world: the name `Alice` is used twice");
        assert_eq!(error.field(), "world.aliases");
        let mut world = World::default();
        world.aliases.clear();
        assert_eq!(world.validate(), Err(WorldError::NoPostmaster));
    }

    #[test]
    fn logins_need_the_right_password() {
        let world = World::default();
        assert!(world.check_login("alice", "wonderland").is_some());
        assert!(world
            .check_login("alice@example.com", "wonderland")
            .is_some());
        assert!(world.check_login("alice", "wrong").is_none());
        assert!(world.check_login("carol", "").is_none());
        assert!(world
            .check_login("alice@example.org", "wonderland")
            .is_none());
    }
}
