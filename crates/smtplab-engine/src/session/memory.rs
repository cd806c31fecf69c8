//! What a server remembers from one connection to the next: greylisting's
//! first attempts and how often each staged rejection has fired.

use std::collections::VecDeque;

use crate::catalogue::{ReplyKey, Verb};
use crate::profile::RejectRule;
use crate::reply::Reply;

/// Greylist pairs remembered; older ones are forgotten so a client cannot
/// grow the list without bound.
const GREYLIST_MEMORY: usize = 1024;

/// What a server remembers about its clients from one connection to the
/// next: greylisting's first attempts and how often each staged rejection
/// has fired. Take it from a finished session with
/// [`Session::memory`](super::Session::memory) and hand it to the next with
/// [`Session::with_memory`](super::Session::with_memory), so that "QUIT and
/// try again later" works as it does against a real greylisting server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerMemory {
    greylist: VecDeque<(String, String, u64)>,
    rejections_used: Vec<u32>,
}

impl ServerMemory {
    /// Takes in what another session learnt (for a server running several
    /// sessions at once): greylist pairs it has not seen, and the higher
    /// count of each staged rejection.
    pub fn merge(&mut self, other: &ServerMemory) {
        for entry in &other.greylist {
            let known = self
                .greylist
                .iter()
                .any(|(s, r, _)| *s == entry.0 && *r == entry.1);
            if !known {
                self.remember_pair(entry.clone());
            }
        }
        if self.rejections_used.len() < other.rejections_used.len() {
            self.rejections_used.resize(other.rejections_used.len(), 0);
        }
        for (mine, theirs) in self.rejections_used.iter_mut().zip(&other.rejections_used) {
            *mine = (*mine).max(*theirs);
        }
    }

    /// Makes room for a count per staged rejection rule.
    pub(super) fn track_rejections(&mut self, rules: usize) {
        self.rejections_used.resize(rules, 0);
    }

    /// The staged rejection for `verb`, if a rule still fires; counts it.
    pub(super) fn staged_rejection(&mut self, rules: &[RejectRule], verb: Verb) -> Option<Reply> {
        let index = rules.iter().enumerate().position(|(i, rule)| {
            rule.verb == verb
                && rule
                    .times
                    .is_none_or(|times| self.rejections_used[i] < times)
        })?;
        self.rejections_used[index] += 1;
        let rule = &rules[index];
        Some(Reply::new(
            rule.code,
            rule.enhanced,
            vec![rule.text.clone()],
            ReplyKey::InjectedFault,
        ))
    }

    /// Greylisting: the first try of a sender/recipient pair is refused and
    /// remembered; a try `delay_secs` after the first passes.
    pub(super) fn greylist_passes(
        &mut self,
        sender: &str,
        recipient: &str,
        now: u64,
        delay_secs: u64,
    ) -> bool {
        let sender = sender.to_ascii_lowercase();
        let recipient = recipient.to_ascii_lowercase();
        let seen = self
            .greylist
            .iter()
            .find(|(s, r, _)| *s == sender && *r == recipient)
            .map(|(_, _, first)| *first);
        match seen {
            Some(first) => now >= first.saturating_add(delay_secs),
            None => {
                self.remember_pair((sender, recipient, now));
                false
            }
        }
    }

    fn remember_pair(&mut self, entry: (String, String, u64)) {
        if self.greylist.len() == GREYLIST_MEMORY {
            self.greylist.pop_front();
        }
        self.greylist.push_back(entry);
    }
}
