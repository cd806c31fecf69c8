//! The command words the session recognises, any case, as catalogue verbs.

use crate::catalogue::Verb;

/// The verb for a command word, any case.
pub fn parse_verb(word: &str) -> Option<Verb> {
    const WORDS: &[(&str, Verb)] = &[
        ("HELO", Verb::Helo),
        ("EHLO", Verb::Ehlo),
        ("MAIL", Verb::Mail),
        ("RCPT", Verb::Rcpt),
        ("DATA", Verb::Data),
        ("BDAT", Verb::Bdat),
        ("RSET", Verb::Rset),
        ("VRFY", Verb::Vrfy),
        ("EXPN", Verb::Expn),
        ("HELP", Verb::Help),
        ("NOOP", Verb::Noop),
        ("QUIT", Verb::Quit),
        ("AUTH", Verb::Auth),
        ("STARTTLS", Verb::Starttls),
        ("SEND", Verb::Obsolete),
        ("SOML", Verb::Obsolete),
        ("SAML", Verb::Obsolete),
        ("TURN", Verb::Obsolete),
        ("ETRN", Verb::Obsolete),
    ];
    WORDS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(word))
        .map(|(_, verb)| *verb)
}
