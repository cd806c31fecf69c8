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
}

impl Settings {
    /// A preset profile with the default world.
    pub fn preset(name: &str) -> Option<Self> {
        Some(Self {
            profile: Profile::preset(name)?,
            world: World::default(),
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
