//! Command lines: the verb table, dispatch to each command's handler, and
//! the commands that only change the session itself (HELO/EHLO, RSET, NOOP,
//! QUIT, STARTTLS).

use crate::catalogue::{ReplyKey, Verb};
use crate::profile::BareLineEnding;
use crate::reply::Reply;

use super::events::{CloseReason, Event, Output};
use super::replies::syntax_error;
use super::state::Hello;
use super::verbs::parse_verb;
use super::Session;

impl Session {
    /// A complete line arrived in command or AUTH mode.
    pub(super) fn handle_line(&mut self, raw: &[u8], overflowed: bool) {
        if let Some(step) = self.state.take_auth_step() {
            if overflowed {
                self.send(Reply::standard(ReplyKey::LineTooLong));
            } else {
                self.auth_response(step, raw);
            }
            return;
        }
        if overflowed {
            self.send(Reply::standard(ReplyKey::LineTooLong));
            return;
        }
        let line = String::from_utf8_lossy(raw).into_owned();
        let verb_word = line.split(' ').next().unwrap_or("");
        let verb = parse_verb(verb_word);
        self.emit(Output::Event(Event::Command {
            verb,
            line: line.clone(),
        }));
        self.commands_seen = self.commands_seen.saturating_add(1);
        if self.profile.bare_line_ending == BareLineEnding::Refuse
            && raw.iter().any(|&b| b == b'\r' || b == b'\n')
        {
            self.send(Reply::standard(ReplyKey::BareLfCommand));
        } else if let Some(verb) = verb {
            let argument = line.get(verb_word.len() + 1..).unwrap_or("");
            let valid_utf8 = std::str::from_utf8(raw).is_ok();
            self.command(verb, argument, valid_utf8);
        } else {
            self.send(Reply::standard(ReplyKey::UnknownCommand));
        }
        if let Some(limit) = self.profile.faults.disconnect_after {
            if self.commands_seen >= limit && !self.is_closed() {
                self.report_phase();
                self.close(CloseReason::Dropped);
            }
        }
        self.report_phase();
    }

    fn command(&mut self, verb: Verb, argument: &str, valid_utf8: bool) {
        if !self.profile.offers(verb) {
            // An RFC 821 server has never heard of EHLO.
            let key = if verb == Verb::Ehlo {
                ReplyKey::UnknownCommand
            } else {
                ReplyKey::NotImplemented
            };
            self.send(Reply::standard(key));
            return;
        }
        // BDAT is refused after its size is read, so the chunk is still
        // consumed (see `bdat`).
        if verb != Verb::Bdat && self.staged_fault(verb) {
            return;
        }
        let needs_text = matches!(
            verb,
            Verb::Helo | Verb::Ehlo | Verb::Mail | Verb::Rcpt | Verb::Vrfy | Verb::Expn
        );
        if needs_text && !valid_utf8 {
            self.send(syntax_error(verb));
            return;
        }
        self.dispatch(verb, argument);
    }

    fn dispatch(&mut self, verb: Verb, argument: &str) {
        match verb {
            Verb::Helo | Verb::Ehlo => self.hello(verb, argument),
            Verb::Mail => self.mail(argument),
            Verb::Rcpt => self.rcpt(argument),
            Verb::Data => self.data(argument),
            Verb::Bdat => self.bdat(argument),
            Verb::Rset => self.rset(argument),
            Verb::Vrfy => self.vrfy(argument),
            Verb::Expn => self.expn(argument),
            Verb::Help => self.help(argument),
            Verb::Noop => self.send(Reply::standard(ReplyKey::Ok)),
            Verb::Quit => {
                self.send(Reply::standard(ReplyKey::Bye));
                self.close(CloseReason::Quit);
            }
            Verb::Auth => self.auth(argument),
            Verb::Starttls => self.starttls(argument),
            Verb::Obsolete => self.send(Reply::standard(ReplyKey::NotImplemented)),
        }
    }

    /// Answers with a staged rejection if one fires; says whether it did.
    fn staged_fault(&mut self, verb: Verb) -> bool {
        let Some(reply) = self
            .memory
            .staged_rejection(&self.profile.faults.reject, verb)
        else {
            return false;
        };
        let closing = reply.code == 421;
        self.send(reply);
        // 421 means the service is closing the channel (RFC 5321 section
        // 3.8): a staged one does too.
        if closing {
            self.close(CloseReason::Dropped);
        }
        true
    }

    /// RSET, HELO/EHLO and STARTTLS abandon the transaction in progress.
    pub(super) fn reset_transaction(&mut self, by: Verb) {
        if self.state.abandon_transaction() {
            self.emit(Output::Event(Event::TransactionReset { by }));
        }
    }

    fn hello(&mut self, verb: Verb, argument: &str) {
        let name = argument.trim();
        // A control character (a bare CR or LF kept by a lenient profile)
        // would end up inside the Received header the server writes.
        if name.is_empty() || name.chars().any(char::is_control) {
            self.send(syntax_error(verb));
            return;
        }
        self.reset_transaction(verb);
        let extended = verb == Verb::Ehlo;
        self.hello = Some(Hello {
            name: name.split(' ').next().unwrap_or(name).to_owned(),
            extended,
        });
        let hostname = self.profile.hostname.clone();
        if extended {
            let mut lines = vec![hostname];
            lines.extend(self.extension_lines());
            self.send(Reply::with_lines(ReplyKey::EhloOk, lines));
        } else {
            self.send(Reply::with_text(ReplyKey::HeloOk, hostname));
        }
    }

    /// The extension keywords EHLO lists, in Postfix's order (the
    /// registry's, [`crate::extension`]).
    pub fn extension_lines(&self) -> Vec<String> {
        self.profile.ehlo_lines(self.tls_active)
    }

    fn rset(&mut self, argument: &str) {
        if !argument.is_empty() {
            self.send(syntax_error(Verb::Rset));
            return;
        }
        self.reset_transaction(Verb::Rset);
        self.send(Reply::standard(ReplyKey::Ok));
    }

    fn starttls(&mut self, argument: &str) {
        if !argument.is_empty() {
            self.send(syntax_error(Verb::Starttls));
            return;
        }
        if self.tls_active {
            self.send(Reply::standard(ReplyKey::TlsAlreadyActive));
            return;
        }
        if self.profile.require_helo && self.hello.is_none() {
            self.send(Reply::standard(ReplyKey::NeedHelo));
            return;
        }
        self.send(Reply::standard(ReplyKey::TlsReady));
        self.emit(Output::StartTls);
        self.reset_transaction(Verb::Starttls);
        // RFC 3207 section 4.2: forget everything learnt from the client.
        self.hello = None;
        self.authenticated = None;
        self.tls_active = true;
        self.discard_input = true;
        self.emit(Output::Event(Event::TlsStarted));
    }
}
