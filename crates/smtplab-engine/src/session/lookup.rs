//! Questions about the world: VRFY (is there such a user?), EXPN (who is on
//! this list?) and HELP (which commands, and how to type them).

use crate::address::parse_mailbox;
use crate::catalogue::{verb_info, ReplyKey, Verb, COMMANDS};
use crate::profile::{Profile, VrfyPolicy};
use crate::reply::Reply;
use crate::world::{LocalName, World};

use super::replies::{address_refusal, echo, syntax_error};
use super::verbs::parse_verb;
use super::Session;

impl Session {
    pub(super) fn vrfy(&mut self, argument: &str) {
        let reply = vrfy_reply(&self.world, self.profile.vrfy, argument.trim());
        self.send(reply);
    }

    pub(super) fn expn(&mut self, argument: &str) {
        let reply = expn_reply(&self.world, argument.trim());
        self.send(reply);
    }

    pub(super) fn help(&mut self, argument: &str) {
        let reply = help_reply(&self.profile, argument.trim());
        self.send(reply);
    }
}

/// What a VRFY or EXPN argument names.
enum Lookup<'a> {
    Found(LocalName<'a>),
    /// Local, but nobody of that name (shown as `<name>`).
    Unknown(String),
    Remote,
    Invalid,
}

fn lookup<'a>(world: &'a World, target: &str) -> Lookup<'a> {
    let bare = target
        .strip_prefix('<')
        .and_then(|t| t.strip_suffix('>'))
        .unwrap_or(target);
    let Ok(mailbox) = parse_mailbox(bare) else {
        return Lookup::Invalid;
    };
    if !mailbox.domain.is_empty() && !world.is_local_domain(&mailbox.domain) {
        return Lookup::Remote;
    }
    match world.local_name(&mailbox.local) {
        Some(found) => Lookup::Found(found),
        None => Lookup::Unknown(format!("<{}>", echo(bare))),
    }
}

/// `Full Name <user@domain>` for each name that is a user.
fn members(world: &World, names: &[String]) -> Vec<String> {
    names
        .iter()
        .filter_map(|name| world.user(name))
        .map(|user| world.display(user))
        .collect()
}

fn vrfy_reply(world: &World, policy: VrfyPolicy, target: &str) -> Reply {
    if target.is_empty() {
        return syntax_error(Verb::Vrfy);
    }
    if policy == VrfyPolicy::CannotVerify {
        return Reply::standard(ReplyKey::VrfyCannot);
    }
    match lookup(world, target) {
        Lookup::Found(LocalName::User(user)) => {
            Reply::with_text(ReplyKey::VrfyOk, world.display(user))
        }
        Lookup::Found(LocalName::Alias(alias)) => {
            Reply::with_lines(ReplyKey::VrfyOk, members(world, &alias.targets))
        }
        Lookup::Found(LocalName::List(list)) => Reply::with_text(
            ReplyKey::VrfyOk,
            format!(
                "{} <{}@{}>",
                list.description,
                list.name,
                world.primary_domain()
            ),
        ),
        Lookup::Remote => Reply::standard(ReplyKey::VrfyCannot),
        Lookup::Unknown(shown) => address_refusal(ReplyKey::UserUnknown, &shown),
        Lookup::Invalid => syntax_error(Verb::Vrfy),
    }
}

fn expn_reply(world: &World, target: &str) -> Reply {
    if target.is_empty() {
        return syntax_error(Verb::Expn);
    }
    match lookup(world, target) {
        Lookup::Found(LocalName::List(list)) => {
            Reply::with_lines(ReplyKey::ExpnOk, members(world, &list.members))
        }
        Lookup::Found(LocalName::Alias(alias)) => {
            Reply::with_lines(ReplyKey::ExpnOk, members(world, &alias.targets))
        }
        Lookup::Found(LocalName::User(user)) => {
            Reply::with_text(ReplyKey::ExpnOk, world.display(user))
        }
        Lookup::Unknown(shown) => address_refusal(ReplyKey::NotAList, &shown),
        Lookup::Remote => Reply::standard(ReplyKey::RelayDenied),
        Lookup::Invalid => syntax_error(Verb::Expn),
    }
}

fn help_reply(profile: &Profile, topic: &str) -> Reply {
    if topic.is_empty() {
        let names: Vec<&str> = COMMANDS
            .iter()
            .filter(|info| profile.offers(info.verb))
            .map(|info| info.name)
            .collect();
        let mut lines = vec!["Commands supported:".to_owned()];
        for row in names.chunks(7) {
            lines.push(format!("  {}", row.join(" ")));
        }
        lines.push("For more on a command, type HELP <command>".into());
        lines.push("End of HELP info".into());
        return Reply::with_lines(ReplyKey::HelpList, lines);
    }
    let info = parse_verb(topic.split(' ').next().unwrap_or(""))
        .and_then(verb_info)
        .filter(|info| profile.offers(info.verb));
    match info {
        Some(info) => Reply::with_lines(
            ReplyKey::HelpTopic,
            vec![format!("Syntax: {}", info.syntax), info.purpose.to_owned()],
        ),
        None => Reply::standard(ReplyKey::HelpUnknown),
    }
}
