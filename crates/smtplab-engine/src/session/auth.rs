//! AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms against
//! the world's accounts.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use crate::catalogue::{ReplyKey, Verb};
use crate::reply::Reply;

use super::events::{Event, Output};
use super::replies::syntax_error;
use super::state::AuthStep;
use super::Session;

/// "Username:" in base64, as every LOGIN server sends it.
const LOGIN_USER_PROMPT: &str = "VXNlcm5hbWU6";
/// "Password:" in base64.
const LOGIN_PASSWORD_PROMPT: &str = "UGFzc3dvcmQ6";

impl Session {
    pub(super) fn auth(&mut self, argument: &str) {
        let refusal = if self.hello.is_none() {
            Some(ReplyKey::NeedHelo)
        } else if self.profile.require_tls_for_auth && !self.tls_active {
            Some(ReplyKey::TlsRequiredForAuth)
        } else if self.authenticated.is_some() {
            Some(ReplyKey::AlreadyAuthenticated)
        } else if self.state.transaction_mut().is_some() {
            Some(ReplyKey::AuthInTransaction)
        } else {
            None
        };
        if let Some(key) = refusal {
            self.send(Reply::standard(key));
            return;
        }
        let mut words = argument.split(' ').filter(|w| !w.is_empty());
        let (Some(mechanism), initial, None) = (words.next(), words.next(), words.next()) else {
            self.send(syntax_error(Verb::Auth));
            return;
        };
        match (mechanism.to_ascii_uppercase().as_str(), initial) {
            ("PLAIN", Some(response)) => {
                self.auth_response(AuthStep::PlainResponse, response.as_bytes())
            }
            ("PLAIN", None) => self.challenge(AuthStep::PlainResponse, ""),
            ("LOGIN", Some(response)) => {
                self.auth_response(AuthStep::LoginUser, response.as_bytes())
            }
            ("LOGIN", None) => self.challenge(AuthStep::LoginUser, LOGIN_USER_PROMPT),
            _ => self.send(Reply::standard(ReplyKey::AuthMechanismUnsupported)),
        }
    }

    fn challenge(&mut self, step: AuthStep, text: &str) {
        self.state.await_auth_response(step);
        self.send(Reply::with_text(ReplyKey::AuthChallenge, text));
    }

    /// A SASL response (an initial response or a line after 334).
    pub(super) fn auth_response(&mut self, step: AuthStep, raw: &[u8]) {
        let text = match decode_response(raw) {
            Ok(text) => text,
            Err(key) => {
                self.send(Reply::standard(key));
                return;
            }
        };
        match step {
            AuthStep::LoginUser => self.challenge(
                AuthStep::LoginPassword { user: text },
                LOGIN_PASSWORD_PROMPT,
            ),
            AuthStep::LoginPassword { user } => self.login(&user, &text),
            AuthStep::PlainResponse => match plain_credentials(&text) {
                Some((user, password)) => self.login(user, password),
                None => self.send(Reply::standard(ReplyKey::AuthFailed)),
            },
        }
    }

    fn login(&mut self, user: &str, password: &str) {
        match self
            .world
            .check_login(user, password)
            .map(|u| u.name.clone())
        {
            Some(name) => {
                self.authenticated = Some(name.clone());
                self.emit(Output::Event(Event::Authenticated { user: name }));
                self.send(Reply::standard(ReplyKey::AuthOk));
            }
            None => self.send(Reply::standard(ReplyKey::AuthFailed)),
        }
    }
}

/// A response line as text: `*` cancels, `=` is empty, anything else must
/// be base64.
fn decode_response(raw: &[u8]) -> Result<String, ReplyKey> {
    if raw == b"*" {
        return Err(ReplyKey::AuthCancelled);
    }
    let decoded = if raw == b"=" {
        Vec::new()
    } else {
        BASE64.decode(raw).map_err(|_| ReplyKey::AuthBadBase64)?
    };
    Ok(String::from_utf8_lossy(&decoded).into_owned())
}

/// authzid NUL authcid NUL password (RFC 4616); an authzid other than the
/// user itself is not allowed here.
fn plain_credentials(text: &str) -> Option<(&str, &str)> {
    let mut parts = text.split('\0');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(authzid), Some(user), Some(password), None)
            if authzid.is_empty() || authzid == user =>
        {
            Some((user, password))
        }
        _ => None,
    }
}
