//! The ESMTP extension registry: each extension's EHLO keyword, settings
//! name, label, RFC and catalogue text, and the `profile.extensions` flags
//! that switch them. The EHLO reply, the catalogue, the web settings panel,
//! the JavaScript API's settings reader and its TypeScript types all read
//! from here, so they cannot disagree.
//!
//! Every property is an exhaustive `match`: a new variant does not compile
//! until each property says something about it. Properties are methods
//! rather than fields of a table because the linker then drops the ones a
//! build never reads (the sandbox page needs keywords and labels, not the
//! catalogue text), so the registry costs the wasm bundles nothing.

use crate::catalogue::Verb;

/// Which service extensions EHLO offers; a parameter or command of an
/// extension that is off is refused. One flag per [`Extension`] with a
/// [`setting`](Extension::setting), named after it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(default)
)]
#[allow(missing_docs)]
pub struct Extensions {
    pub pipelining: bool,
    pub size: bool,
    pub eight_bit_mime: bool,
    pub enhanced_status_codes: bool,
    pub smtputf8: bool,
    pub dsn: bool,
    pub auth: bool,
    pub starttls: bool,
    pub chunking: bool,
}

impl Default for Extensions {
    /// Every extension on, as Postfix offers them.
    fn default() -> Self {
        Self {
            pipelining: true,
            size: true,
            eight_bit_mime: true,
            enhanced_status_codes: true,
            smtputf8: true,
            dsn: true,
            auth: true,
            starttls: true,
            chunking: true,
        }
    }
}

impl Extensions {
    /// Every extension off, as an RFC 821 server.
    pub const NONE: Self = Self {
        pipelining: false,
        size: false,
        eight_bit_mime: false,
        enhanced_status_codes: false,
        smtputf8: false,
        dsn: false,
        auth: false,
        starttls: false,
        chunking: false,
    };
}

/// An EHLO keyword the server may list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Extension {
    Pipelining,
    Size,
    /// Not an extension switch of its own: listed whenever VRFY answers.
    Vrfy,
    Starttls,
    Auth,
    EnhancedStatusCodes,
    EightBitMime,
    Dsn,
    Smtputf8,
    Chunking,
}

impl Extension {
    /// Every keyword, in the order EHLO lists them (Postfix's).
    pub const ALL: [Self; 10] = [
        Self::Pipelining,
        Self::Size,
        Self::Vrfy,
        Self::Starttls,
        Self::Auth,
        Self::EnhancedStatusCodes,
        Self::EightBitMime,
        Self::Dsn,
        Self::Smtputf8,
        Self::Chunking,
    ];

    /// The keyword as EHLO lists it.
    pub fn keyword(self) -> &'static str {
        match self {
            Self::Pipelining => "PIPELINING",
            Self::Size => "SIZE",
            Self::Vrfy => "VRFY",
            Self::Starttls => "STARTTLS",
            Self::Auth => "AUTH",
            Self::EnhancedStatusCodes => "ENHANCEDSTATUSCODES",
            Self::EightBitMime => "8BITMIME",
            Self::Dsn => "DSN",
            Self::Smtputf8 => "SMTPUTF8",
            Self::Chunking => "CHUNKING",
        }
    }

    /// Its flag's name in `profile.extensions` (settings files, lesson
    /// packs, the JavaScript API); `None` for VRFY, which the `vrfy` policy
    /// decides.
    pub fn setting(self) -> Option<&'static str> {
        match self {
            Self::Pipelining => Some("pipelining"),
            Self::Size => Some("size"),
            Self::Vrfy => None,
            Self::Starttls => Some("starttls"),
            Self::Auth => Some("auth"),
            Self::EnhancedStatusCodes => Some("enhanced_status_codes"),
            Self::EightBitMime => Some("eight_bit_mime"),
            Self::Dsn => Some("dsn"),
            Self::Smtputf8 => Some("smtputf8"),
            Self::Chunking => Some("chunking"),
        }
    }

    /// Its flag, `None` for VRFY.
    pub fn flag(self, extensions: &Extensions) -> Option<bool> {
        match self {
            Self::Pipelining => Some(extensions.pipelining),
            Self::Size => Some(extensions.size),
            Self::Vrfy => None,
            Self::Starttls => Some(extensions.starttls),
            Self::Auth => Some(extensions.auth),
            Self::EnhancedStatusCodes => Some(extensions.enhanced_status_codes),
            Self::EightBitMime => Some(extensions.eight_bit_mime),
            Self::Dsn => Some(extensions.dsn),
            Self::Smtputf8 => Some(extensions.smtputf8),
            Self::Chunking => Some(extensions.chunking),
        }
    }

    /// Its flag, to change; `None` for VRFY.
    pub fn flag_mut(self, extensions: &mut Extensions) -> Option<&mut bool> {
        match self {
            Self::Pipelining => Some(&mut extensions.pipelining),
            Self::Size => Some(&mut extensions.size),
            Self::Vrfy => None,
            Self::Starttls => Some(&mut extensions.starttls),
            Self::Auth => Some(&mut extensions.auth),
            Self::EnhancedStatusCodes => Some(&mut extensions.enhanced_status_codes),
            Self::EightBitMime => Some(&mut extensions.eight_bit_mime),
            Self::Dsn => Some(&mut extensions.dsn),
            Self::Smtputf8 => Some(&mut extensions.smtputf8),
            Self::Chunking => Some(&mut extensions.chunking),
        }
    }

    /// What the settings panel calls its switch.
    pub fn label(self) -> &'static str {
        match self {
            Self::Chunking => "CHUNKING (BDAT)",
            other => other.keyword(),
        }
    }

    /// Where it is defined.
    pub fn rfc(self) -> &'static str {
        match self {
            Self::Pipelining => "RFC 2920",
            Self::Size => "RFC 1870",
            Self::Vrfy => "RFC 5321 section 3.5",
            Self::Starttls => "RFC 3207",
            Self::Auth => "RFC 4954",
            Self::EnhancedStatusCodes => "RFC 2034 and RFC 3463",
            Self::EightBitMime => "RFC 6152",
            Self::Dsn => "RFC 3461",
            Self::Smtputf8 => "RFC 6531",
            Self::Chunking => "RFC 3030",
        }
    }

    /// What the catalogue says the keyword in an EHLO reply means.
    pub fn about(self) -> &'static str {
        match self {
            Self::Pipelining => {
                "The client may send several commands without waiting for each reply."
            }
            Self::Size => {
                "The largest message the server accepts, in octets; MAIL FROM may declare SIZE=."
            }
            Self::Vrfy => "The VRFY command is available.",
            Self::Starttls => "The connection can be switched to TLS.",
            Self::Auth => "Clients may log in with the SASL mechanisms listed.",
            Self::EnhancedStatusCodes => "Replies carry an x.y.z code after the reply code.",
            Self::EightBitMime => {
                "The message may contain 8-bit text (MAIL FROM ... BODY=8BITMIME)."
            }
            Self::Dsn => {
                "Delivery status notifications can be requested (RET=, ENVID=, NOTIFY=, ORCPT=)."
            }
            Self::Smtputf8 => "Addresses and headers may use UTF-8 (MAIL FROM ... SMTPUTF8).",
            Self::Chunking => "The BDAT command may send the message in counted chunks.",
        }
    }

    /// The command it brings, which the server refuses while it is off.
    pub fn command(self) -> Option<Verb> {
        match self {
            Self::Vrfy => Some(Verb::Vrfy),
            Self::Starttls => Some(Verb::Starttls),
            Self::Auth => Some(Verb::Auth),
            Self::Chunking => Some(Verb::Bdat),
            Self::Pipelining
            | Self::Size
            | Self::EnhancedStatusCodes
            | Self::EightBitMime
            | Self::Dsn
            | Self::Smtputf8 => None,
        }
    }

    /// Its line in the EHLO reply: the keyword and its parameters.
    pub fn ehlo_line(self, message_size_limit: usize) -> String {
        match self {
            Self::Size => format!("SIZE {message_size_limit}"),
            Self::Auth => "AUTH PLAIN LOGIN".into(),
            other => other.keyword().into(),
        }
    }

    /// Whether it is still listed once TLS is on: STARTTLS is not (RFC 3207
    /// section 4.2).
    pub fn listed_over_tls(self) -> bool {
        self != Self::Starttls
    }

    /// The extension a keyword names (any case).
    pub fn from_keyword(keyword: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|extension| extension.keyword().eq_ignore_ascii_case(keyword))
    }

    /// The extension that brings `verb`, if any: [`command`](Self::command)
    /// read backwards (a test checks the two agree).
    pub fn for_command(verb: Verb) -> Option<Self> {
        match verb {
            Verb::Vrfy => Some(Self::Vrfy),
            Verb::Starttls => Some(Self::Starttls),
            Verb::Auth => Some(Self::Auth),
            Verb::Bdat => Some(Self::Chunking),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_and_settings_are_unique_and_found_again() {
        for (index, extension) in Extension::ALL.into_iter().enumerate() {
            assert_eq!(
                Extension::from_keyword(&extension.keyword().to_lowercase()),
                Some(extension)
            );
            for other in &Extension::ALL[index + 1..] {
                assert_ne!(extension.keyword(), other.keyword());
                if extension.setting().is_some() {
                    assert_ne!(extension.setting(), other.setting());
                }
            }
            for text in [extension.label(), extension.rfc(), extension.about()] {
                assert!(!text.is_empty(), "{extension:?}");
            }
        }
    }

    /// A flag added to `Extensions` without a registry entry (or named
    /// differently there) would be missing from EHLO, the settings panel,
    /// the settings reader and the TypeScript types.
    #[cfg(feature = "serde")]
    #[test]
    fn every_profile_flag_has_its_registry_entry() {
        let json = serde_json::to_value(Extensions::default()).unwrap();
        let mut flags: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut settings: Vec<&str> = Extension::ALL.iter().filter_map(|e| e.setting()).collect();
        flags.sort_unstable();
        settings.sort_unstable();
        assert_eq!(flags, settings);
    }

    #[test]
    fn each_flag_switches_its_own_extension_only() {
        for extension in Extension::ALL {
            let mut extensions = Extensions::NONE;
            let Some(flag) = extension.flag_mut(&mut extensions) else {
                assert_eq!(extension, Extension::Vrfy, "only VRFY has no flag");
                continue;
            };
            *flag = true;
            for other in Extension::ALL {
                let expected = (other == extension).then_some(true);
                let on = other.flag(&extensions).filter(|on| *on);
                assert_eq!(on, expected, "{other:?} after switching {extension:?} on");
            }
        }
    }

    /// A catalogue command row names the extension that brings it, as the
    /// registry says (VRFY is in the basic table although EHLO lists it).
    #[test]
    fn catalogue_commands_name_their_registry_extension() {
        for info in crate::catalogue::COMMANDS {
            let registry = Extension::for_command(info.verb)
                .filter(|extension| *extension != Extension::Vrfy)
                .map(Extension::keyword);
            assert_eq!(info.extension, registry, "{:?}", info.verb);
            if let Some(extension) = Extension::for_command(info.verb) {
                assert_eq!(extension.command(), Some(info.verb));
            }
        }
    }
}
