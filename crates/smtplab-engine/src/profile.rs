//! Server profiles: every setting that changes how the server answers, and
//! the five presets (default, strict, locked-down, classic, submission).

use crate::catalogue::Verb;
use crate::enhanced_code::EnhancedCode;
use crate::extension::Extension;
pub use crate::extension::Extensions;
use crate::limits::{
    DEFAULT_ERROR_LIMIT, DEFAULT_IDLE_TIMEOUT_SECS, DEFAULT_MESSAGE_SIZE, MAX_RECIPIENTS,
};

/// What VRFY does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum VrfyPolicy {
    /// Answer truthfully: 250 with the user's name, 550 if unknown.
    Verify,
    /// 252: will not say, but will accept mail (RFC 5321 section 3.5.3).
    CannotVerify,
    /// 502: the command is switched off.
    Disabled,
}

/// What EXPN does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum ExpnPolicy {
    /// List the members of lists and aliases.
    Expand,
    /// 502: the command is switched off.
    Disabled,
}

/// What a bare CR or LF (one not part of CRLF) does. It never ends a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum BareLineEnding {
    /// Keep it as an ordinary character of the line or message.
    Keep,
    /// Refuse the command line (500) or the message (554).
    Refuse,
}

/// When enhanced status codes are written, if the extension is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(rename_all = "kebab-case")
)]
pub enum EnhancedCodesFrom {
    /// On every reply that has one, from the first command (Postfix).
    Start,
    /// Only once the client has sent EHLO and seen the extension listed
    /// (the strict reading of RFC 2034).
    Ehlo,
}

/// A staged failure: answer `verb` with this reply instead of running it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct RejectRule {
    /// The command to refuse.
    pub verb: Verb,
    /// The reply code, 400 to 599.
    pub code: u16,
    /// Its enhanced status code, if any.
    #[cfg_attr(feature = "serde", serde(default))]
    pub enhanced: Option<EnhancedCode>,
    /// The reply text.
    pub text: String,
    /// How many times to refuse before letting the command through
    /// (`None`: always).
    #[cfg_attr(feature = "serde", serde(default))]
    pub times: Option<u32>,
}

/// Staged real-world failures for lessons.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(default)
)]
pub struct Faults {
    /// Commands answered with a chosen error.
    pub reject: Vec<RejectRule>,
    /// Greylisting: the first RCPT for each sender/recipient pair gets
    /// 451 4.7.1; a retry at least `greylist_delay_secs` later passes.
    pub greylist: bool,
    /// See `greylist`.
    pub greylist_delay_secs: u64,
    /// Drop the connection without a word after this many commands.
    pub disconnect_after: Option<u32>,
}

/// Everything that decides how the server answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(default)
)]
pub struct Profile {
    /// Preset name this profile started from.
    pub name: String,
    /// The server's host name, in the greeting and trace headers.
    pub hostname: String,
    /// Text after the host name in the 220 greeting.
    pub banner: String,
    /// Whether EHLO exists (false: an RFC 821 server answers it with 500).
    pub ehlo: bool,
    /// Whether MAIL (and AUTH, STARTTLS...) need HELO/EHLO first.
    pub require_helo: bool,
    /// Whether AUTH needs TLS first: before it EHLO does not list AUTH and
    /// AUTH gets `530 5.7.0 Must issue a STARTTLS command first`, as
    /// Postfix answers with `smtpd_tls_auth_only`.
    pub require_tls_for_auth: bool,
    /// Whether paths must be exactly `FROM:<...>`.
    pub strict_paths: bool,
    /// What a bare CR or LF does.
    pub bare_line_ending: BareLineEnding,
    /// Whether a message line over 1000 octets is refused.
    pub reject_long_lines: bool,
    /// What VRFY does.
    pub vrfy: VrfyPolicy,
    /// What EXPN does.
    pub expn: ExpnPolicy,
    /// Whether HELP answers.
    pub help: bool,
    /// Extensions offered.
    pub extensions: Extensions,
    /// When enhanced status codes start.
    pub enhanced_codes_from: EnhancedCodesFrom,
    /// Largest message, in octets.
    pub message_size_limit: usize,
    /// Recipients per transaction before 452.
    pub max_recipients: usize,
    /// Consecutive errors before 421.
    pub error_limit: u32,
    /// Seconds of silence before 421 4.4.2.
    pub idle_timeout_secs: u64,
    /// Staged failures.
    pub faults: Faults,
}

impl Default for Profile {
    fn default() -> Self {
        Self {
            name: "default".into(),
            hostname: "mail.example.com".into(),
            banner: "ESMTP smtplab".into(),
            ehlo: true,
            require_helo: false,
            require_tls_for_auth: false,
            strict_paths: false,
            bare_line_ending: BareLineEnding::Keep,
            reject_long_lines: false,
            vrfy: VrfyPolicy::Verify,
            expn: ExpnPolicy::Expand,
            help: true,
            extensions: Extensions::default(),
            enhanced_codes_from: EnhancedCodesFrom::Start,
            message_size_limit: DEFAULT_MESSAGE_SIZE,
            max_recipients: MAX_RECIPIENTS,
            error_limit: DEFAULT_ERROR_LIMIT,
            idle_timeout_secs: DEFAULT_IDLE_TIMEOUT_SECS,
            faults: Faults::default(),
        }
    }
}

/// The presets, by name, with a line saying what each is for.
pub const PRESETS: &[(&str, &str)] = &[
    (
        "default",
        "Modelled on Postfix's defaults: forgiving, every extension on, VRFY and EXPN answer.",
    ),
    (
        "strict",
        "RFC 5321 to the letter: HELO/EHLO first, <...> paths, bare CR/LF and long lines refused.",
    ),
    (
        "locked-down",
        "A hardened public server: VRFY answers 252 without verifying, EXPN is refused with 502.",
    ),
    (
        "classic",
        "An RFC 821 server: no EHLO, no extensions, no enhanced status codes.",
    ),
    (
        "submission",
        "A mail submission server as on port 587 (RFC 6409): AUTH is offered only after STARTTLS, so passwords never cross the wire in clear.",
    ),
];

impl Profile {
    /// A preset by name (see [`PRESETS`]).
    pub fn preset(name: &str) -> Option<Self> {
        let base = Self::default();
        let profile = match name {
            "default" => base,
            "strict" => Self {
                name: name.into(),
                require_helo: true,
                strict_paths: true,
                bare_line_ending: BareLineEnding::Refuse,
                reject_long_lines: true,
                enhanced_codes_from: EnhancedCodesFrom::Ehlo,
                ..base
            },
            "locked-down" => Self {
                name: name.into(),
                vrfy: VrfyPolicy::CannotVerify,
                expn: ExpnPolicy::Disabled,
                ..base
            },
            "classic" => Self {
                name: name.into(),
                banner: "Simple Mail Transfer Service Ready".into(),
                ehlo: false,
                extensions: Extensions::NONE,
                ..base
            },
            "submission" => Self {
                name: name.into(),
                require_tls_for_auth: true,
                ..base
            },
            _ => return None,
        };
        Some(profile)
    }

    /// Checks settings that would make the server misbehave; the error
    /// names the setting and what is wrong with it.
    pub fn validate(&self) -> Result<(), ProfileError> {
        if !crate::address::is_domain(&self.hostname) {
            return Err(ProfileError::Hostname {
                hostname: self.hostname.clone(),
            });
        }
        if self.banner.chars().any(char::is_control) {
            return Err(ProfileError::Banner);
        }
        if self.max_recipients == 0 {
            return Err(ProfileError::MaxRecipients);
        }
        if self.message_size_limit == 0 {
            return Err(ProfileError::MessageSizeLimit);
        }
        if !(1..=86_400).contains(&self.idle_timeout_secs) {
            return Err(ProfileError::IdleTimeout {
                secs: self.idle_timeout_secs,
            });
        }
        if self.error_limit == 0 {
            return Err(ProfileError::ErrorLimit);
        }
        for (index, rule) in self.faults.reject.iter().enumerate() {
            if !(400..600).contains(&rule.code) {
                return Err(ProfileError::RejectCode {
                    index,
                    verb: rule.verb,
                    code: rule.code,
                });
            }
            if rule
                .enhanced
                .is_some_and(|e| u16::from(e.class) != rule.code / 100)
            {
                return Err(ProfileError::RejectEnhancedClass {
                    index,
                    code: rule.code,
                });
            }
        }
        Ok(())
    }

    /// Whether the server recognises and offers `verb` at all.
    pub fn offers(&self, verb: Verb) -> bool {
        match verb {
            Verb::Ehlo => self.ehlo,
            Verb::Expn => self.expn == ExpnPolicy::Expand,
            Verb::Help => self.help,
            Verb::Obsolete => false,
            // VRFY, AUTH, STARTTLS, BDAT: their extension decides.
            _ => Extension::for_command(verb)
                .is_none_or(|extension| self.offers_extension(extension)),
        }
    }

    /// Whether EHLO lists `extension`: its flag, or for VRFY the policy.
    pub fn offers_extension(&self, extension: Extension) -> bool {
        extension
            .flag(&self.extensions)
            .unwrap_or(self.vrfy != VrfyPolicy::Disabled)
    }

    /// The extension lines of the EHLO reply, in the registry's order.
    /// STARTTLS is not listed once TLS is on (RFC 3207 section 4.2); AUTH
    /// not before it when [`Profile::require_tls_for_auth`].
    pub fn ehlo_lines(&self, tls_active: bool) -> Vec<String> {
        // A plain loop: the iterator chain cost the sandbox bundle 0.4 KB.
        let mut lines = Vec::new();
        for extension in Extension::ALL {
            let listed = if tls_active {
                extension.listed_over_tls()
            } else {
                !(self.require_tls_for_auth && extension == Extension::Auth)
            };
            if self.offers_extension(extension) && listed {
                lines.push(extension.ehlo_line(self.message_size_limit));
            }
        }
        lines
    }
}

/// A profile setting that would make the server misbehave: which setting
/// ([`ProfileError::field`]) and why (the variant, and its message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// The host name is not a domain name.
    #[error("hostname `{hostname}` is not a domain name")]
    Hostname {
        /// What was given.
        hostname: String,
    },
    /// The banner holds a line break or another control character.
    #[error("banner must be one line of text")]
    Banner,
    /// No recipient would ever be accepted.
    #[error("max_recipients must be at least 1")]
    MaxRecipients,
    /// No message would ever fit.
    #[error("message_size_limit must be at least 1")]
    MessageSizeLimit,
    /// The idle timeout is outside 1 second to 1 day.
    #[error("idle_timeout_secs must be from 1 to 86400 seconds, not {secs}")]
    IdleTimeout {
        /// What was given.
        secs: u64,
    },
    /// The session would close before the first error.
    #[error("error_limit must be at least 1")]
    ErrorLimit,
    /// A staged rejection's code is not an error code.
    #[error("faults.reject: code {code} for {verb:?} must be an error code (400 to 599)")]
    RejectCode {
        /// Which rule (from 0).
        index: usize,
        /// The command it refuses.
        verb: Verb,
        /// What was given.
        code: u16,
    },
    /// A staged rejection's enhanced code is of another class than its code.
    #[error("faults.reject: enhanced code class must match reply code {code}")]
    RejectEnhancedClass {
        /// Which rule (from 0).
        index: usize,
        /// The rule's reply code.
        code: u16,
    },
}

impl ProfileError {
    /// The setting at fault, as a path into the profile.
    pub fn field(&self) -> String {
        match self {
            ProfileError::Hostname { .. } => "hostname".into(),
            ProfileError::Banner => "banner".into(),
            ProfileError::MaxRecipients => "max_recipients".into(),
            ProfileError::MessageSizeLimit => "message_size_limit".into(),
            ProfileError::IdleTimeout { .. } => "idle_timeout_secs".into(),
            ProfileError::ErrorLimit => "error_limit".into(),
            ProfileError::RejectCode { index, .. } => format!("faults.reject[{index}].code"),
            ProfileError::RejectEnhancedClass { index, .. } => {
                format!("faults.reject[{index}].enhanced")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ehlo_lists_an_extension_exactly_when_it_is_on() {
        for extension in Extension::ALL {
            let mut profile = Profile {
                extensions: Extensions::NONE,
                vrfy: VrfyPolicy::Disabled,
                ..Profile::default()
            };
            assert_eq!(profile.ehlo_lines(false), Vec::<String>::new());
            match extension.flag_mut(&mut profile.extensions) {
                Some(flag) => *flag = true,
                None => profile.vrfy = VrfyPolicy::CannotVerify,
            }
            let lines = profile.ehlo_lines(false);
            assert_eq!(lines.len(), 1, "{extension:?}: {lines:?}");
            assert!(lines[0].starts_with(extension.keyword()), "{lines:?}");
            let over_tls = profile.ehlo_lines(true);
            assert_eq!(over_tls.is_empty(), extension == Extension::Starttls);
        }
    }

    #[test]
    fn commands_of_extensions_are_offered_only_with_them() {
        for extension in Extension::ALL {
            let Some(verb) = extension.command() else {
                continue;
            };
            assert_eq!(Extension::for_command(verb), Some(extension));
            let brought: Vec<Extension> = Extension::ALL
                .into_iter()
                .filter(|e| e.command() == Some(verb))
                .collect();
            assert_eq!(brought, [extension], "one extension per command");
            let mut profile = Profile::default();
            assert!(profile.offers(verb), "{verb:?}");
            match extension.flag_mut(&mut profile.extensions) {
                Some(flag) => *flag = false,
                None => profile.vrfy = VrfyPolicy::Disabled,
            }
            assert!(!profile.offers(verb), "{verb:?} with {extension:?} off");
        }
    }

    #[test]
    fn every_preset_exists_and_is_valid() {
        for (name, _) in PRESETS {
            let profile = Profile::preset(name).unwrap();
            assert_eq!(profile.name, *name);
            assert_eq!(profile.validate(), Ok(()));
        }
        assert!(Profile::preset("nonsense").is_none());
    }

    #[test]
    fn validation_names_the_bad_setting() {
        let mut profile = Profile::default();
        profile.faults.reject.push(RejectRule {
            verb: Verb::Data,
            code: 250,
            enhanced: None,
            text: "x".into(),
            times: None,
        });
        let error = profile.validate().unwrap_err();
        assert_eq!(
            error,
            ProfileError::RejectCode {
                index: 0,
                verb: Verb::Data,
                code: 250
            }
        );
        assert_eq!(error.field(), "faults.reject[0].code");
        assert_eq!(
            error.to_string(),
            "faults.reject: code 250 for Data must be an error code (400 to 599)"
        );
        let profile = Profile {
            hostname: "not a host".into(),
            ..Profile::default()
        };
        let error = profile.validate().unwrap_err();
        assert_eq!(error.field(), "hostname");
        assert_eq!(
            error.to_string(),
            "hostname `not a host` is not a domain name"
        );
    }
}
