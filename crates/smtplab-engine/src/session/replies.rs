//! Replies every command handler builds the same way: syntax errors from
//! the catalogue, refusals that name an address, client text cut to size.

use crate::catalogue::{verb_info, ReplyKey, Verb};
use crate::limits::MAX_ECHO;
use crate::reply::Reply;

/// `501 5.5.4 Syntax: ...` with the command's syntax from the catalogue.
pub(super) fn syntax_error(verb: Verb) -> Reply {
    match verb_info(verb) {
        Some(info) => Reply::with_text(ReplyKey::SyntaxError, format!("Syntax: {}", info.syntax)),
        None => Reply::standard(ReplyKey::SyntaxError),
    }
}

/// `<address>: <standard text>`, as refusals that name an address read.
pub(super) fn address_refusal(key: ReplyKey, shown: &str) -> Reply {
    Reply::with_text(key, format!("{shown}: {}", key.info().text))
}

/// Client text cut to [`MAX_ECHO`] octets before it goes into a reply.
pub(super) fn echo(text: &str) -> String {
    let mut end = text.len().min(MAX_ECHO);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}
