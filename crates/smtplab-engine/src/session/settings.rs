//! What a session is opened with: the server's settings (profile and world)
//! and who is connecting.

use crate::profile::{Profile, ProfileError};
use crate::world::{World, WorldError};

/// The server's settings: how it behaves and what it knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(default)
)]
pub struct Settings {
    /// How the server answers.
    pub profile: Profile,
    /// Who lives here.
    pub world: World,
    /// Which recipients it takes, and whether MAIL needs AUTH first. Not a
    /// setting of its own in files or the JS API: a network host derives
    /// it from its description and the port ([`crate::network::Host::settings_on`]).
    #[cfg_attr(feature = "serde", serde(skip))]
    pub relay: RelayPolicy,
}

/// What a server accepts beyond its own (final) domains, `world.domains`.
///
/// The default is the one-server sandbox as it always was: local
/// recipients for anyone, any domain once logged in, everything else
/// `554 5.7.1 Relay access denied` (Postfix's `permit_sasl_authenticated,
/// reject_unauth_destination`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelayPolicy {
    /// Domains accepted from anyone and passed on, as a backup MX does
    /// (Postfix's `relay_domains`): they are queued, not delivered here.
    pub relay_domains: Vec<String>,
    /// A submission server (RFC 6409 section 4.3, port 587): MAIL before
    /// a successful AUTH gets `530 5.7.0 Authentication required`.
    pub submission: bool,
}

impl RelayPolicy {
    /// Whether `domain` is accepted from anyone to be relayed (any case,
    /// trailing dot or not).
    pub fn relays_for(&self, domain: &str) -> bool {
        let domain = domain.trim_end_matches('.');
        self.relay_domains
            .iter()
            .any(|d| d.trim_end_matches('.').eq_ignore_ascii_case(domain))
    }
}

impl Settings {
    /// A preset profile with the default world.
    pub fn preset(name: &str) -> Option<Self> {
        Some(Self {
            profile: Profile::preset(name)?,
            world: World::default(),
            relay: RelayPolicy::default(),
        })
    }

    /// Checks profile and world together; the error names the setting.
    pub fn validate(&self) -> Result<(), SettingsError> {
        self.profile.validate()?;
        self.world.validate()?;
        Ok(())
    }
}

/// Why [`Settings::validate`] refused the settings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// A profile setting is wrong.
    #[error(transparent)]
    Profile(#[from] ProfileError),
    /// The world is inconsistent.
    #[error(transparent)]
    World(#[from] WorldError),
}

impl SettingsError {
    /// The setting at fault, as a path (`hostname`, `world.lists.team.members`...).
    pub fn field(&self) -> String {
        match self {
            SettingsError::Profile(error) => error.field(),
            SettingsError::World(error) => error.field(),
        }
    }
}

/// Who is connecting, as the trace headers record it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ClientInfo {
    /// The client's host name as the server resolved it.
    pub hostname: String,
    /// The client's IP address.
    pub ip: String,
}

impl Default for ClientInfo {
    fn default() -> Self {
        Self {
            hostname: "localhost".into(),
            ip: "127.0.0.1".into(),
        }
    }
}
