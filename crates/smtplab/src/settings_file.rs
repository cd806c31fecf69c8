//! The settings file (`--world FILE`): the engine's `Settings` as JSON, laid
//! over a preset so that a file need only say what differs.
//!
//! The format is documented in `docs/settings.md`. The file is read into the
//! engine's [`Patch`] and applied by its patch reader (the one lesson packs
//! and the JavaScript API use), which starts from whichever preset was
//! chosen: the engine's own `serde(default)` would fall back to the
//! *default* preset, while a file used with `--profile strict` must fall back
//! to the strict one.

use std::path::{Path, PathBuf};

use smtplab_engine::patch::{self, Patch, PatchError};
use smtplab_engine::Settings;
use smtplab_engine::SettingsError;

/// Why a settings file could not be used; every message names the file.
///
/// The causes are part of each message rather than `source`s, so that the
/// CLI's error chain does not print them twice.
#[derive(Debug, thiserror::Error)]
pub enum SettingsFileError {
    /// The file could not be read.
    #[error("{}: cannot read the settings file: {reason}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why reading failed.
        reason: std::io::Error,
    },
    /// The file is not JSON (serde_json's message gives line and column).
    #[error("{}: not valid JSON: {reason}", path.display())]
    Json {
        /// The file.
        path: PathBuf,
        /// Where the syntax breaks.
        reason: serde_json::Error,
    },
    /// The file is JSON but not one object.
    #[error("{}: the file must hold one JSON object with `profile` and/or `world` in it", path.display())]
    NotAnObject {
        /// The file.
        path: PathBuf,
    },
    /// A key or value does not fit the settings (the error names the field).
    #[error("{}: {reason}", path.display())]
    Patch {
        /// The file.
        path: PathBuf,
        /// The field and what is wrong with it.
        reason: PatchError,
    },
    /// The merged settings break a rule (an error limit of 0, no postmaster...).
    #[error("{}: {reason}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The rule broken.
        reason: SettingsError,
    },
}

/// A settings file, read and parsed as JSON but not yet applied.
#[derive(Debug)]
pub struct SettingsFile {
    path: PathBuf,
    patch: Patch,
}

impl SettingsFile {
    /// Reads `path`; errors name the file (and the line for JSON syntax).
    pub fn read(path: &Path) -> Result<Self, SettingsFileError> {
        let text = std::fs::read_to_string(path).map_err(|reason| SettingsFileError::Read {
            path: path.to_owned(),
            reason,
        })?;
        Self::parse(path, &text)
    }

    /// Parses `text` as the content of `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self, SettingsFileError> {
        let patch: Patch =
            serde_json::from_str(text).map_err(|reason| SettingsFileError::Json {
                path: path.to_owned(),
                reason,
            })?;
        if !matches!(patch, Patch::Object(_)) {
            return Err(SettingsFileError::NotAnObject {
                path: path.to_owned(),
            });
        }
        Ok(Self {
            path: path.to_owned(),
            patch,
        })
    }

    /// `profile.name` from the file, when it names a preset: the preset to
    /// start from if `--profile` does not say.
    pub fn preset_name(&self) -> Option<&str> {
        self.patch
            .get("profile")
            .and_then(|profile| profile.get("name"))
            .and_then(Patch::as_str)
            .filter(|name| smtplab_engine::Profile::preset(name).is_some())
    }

    /// The file laid over `base`: objects merge key by key, anything else
    /// (numbers, strings, lists) replaces the preset's value. The result is
    /// validated; every error names the file and the field.
    pub fn over(&self, base: &Settings) -> Result<Settings, SettingsFileError> {
        let mut settings = base.clone();
        patch::apply_settings(&mut settings, &self.patch, "").map_err(|reason| {
            SettingsFileError::Patch {
                path: self.path.clone(),
                reason,
            }
        })?;
        settings
            .validate()
            .map_err(|reason| SettingsFileError::Invalid {
                path: self.path.clone(),
                reason,
            })?;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smtplab_engine::profile::{BareLineEnding, EnhancedCodesFrom};

    fn load(text: &str, preset: &str) -> Result<Settings, String> {
        let base = Settings::preset(preset).unwrap();
        SettingsFile::parse(Path::new("lab.json"), text)
            .and_then(|file| file.over(&base))
            .map_err(|error| error.to_string())
    }

    #[test]
    fn an_empty_file_is_the_preset_itself() {
        for preset in ["default", "strict", "locked-down", "classic", "submission"] {
            assert_eq!(load("{}", preset), Ok(Settings::preset(preset).unwrap()));
        }
    }

    #[test]
    fn a_partial_file_keeps_the_chosen_preset_for_everything_it_leaves_out() {
        let settings = load(
            r#"{"profile": {"hostname": "mx.school.test", "extensions": {"dsn": false}}}"#,
            "strict",
        )
        .unwrap();
        let strict = Settings::preset("strict").unwrap();
        assert_eq!(settings.profile.hostname, "mx.school.test");
        assert!(!settings.profile.extensions.dsn);
        // Untouched siblings come from strict, not from the default preset.
        assert!(settings.profile.extensions.pipelining);
        assert!(settings.profile.require_helo);
        assert_eq!(settings.profile.bare_line_ending, BareLineEnding::Refuse);
        assert_eq!(
            settings.profile.enhanced_codes_from,
            EnhancedCodesFrom::Ehlo
        );
        assert_eq!(settings.world, strict.world);
    }

    #[test]
    fn lists_replace_the_preset_list_whole() {
        let settings = load(
            r#"{"world": {"users": [{"name": "zoe", "full_name": "Zoe Z"}], "aliases": [{"name": "postmaster", "targets": ["zoe"]}], "lists": []}}"#,
            "default",
        )
        .unwrap();
        assert_eq!(settings.world.users.len(), 1);
        assert_eq!(settings.world.users[0].password, None);
        assert_eq!(settings.world.domains, ["example.com", "mail.example.com"]);
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        for (text, expected) in [
            (
                r#"{"profile": {"extensions": {"pipelining": "yes"}}}"#,
                r#"lab.json: profile.extensions.pipelining: must be true or false, got a string ("yes")"#,
            ),
            (
                r#"{"profile": {"extensons": {}}}"#,
                "lab.json: profile.extensons: unknown setting `extensons` (known: name, hostname, ",
            ),
            (
                r#"{"world": {"users": [{"name": "zoe", "full_name": "Z", "pasword": "x"}]}}"#,
                "lab.json: world.users[0].pasword: unknown setting `pasword` (known: name, full_name, password)",
            ),
            (
                r#"{"world": {"users": [{"name": "zoe"}]}}"#,
                "lab.json: world.users[0].full_name: is missing (a string)",
            ),
            (
                r#"{"profile": {"vrfy": "maybe"}}"#,
                r#"lab.json: profile.vrfy: must be one of "verify", "cannot-verify", "disabled", got a string ("maybe")"#,
            ),
            (
                r#"{"profile": {"hostname": "not a host"}}"#,
                "lab.json: hostname `not a host` is not a domain name",
            ),
            (
                r#"{"world": {"lists": [{"name": "l", "description": "", "members": ["zed"]}]}}"#,
                "lab.json: world.lists `l`: `zed` is not a user",
            ),
            (
                "{\"profile\": {\n  \"hostname\": }",
                "lab.json: not valid JSON: expected value at line 2 column 15",
            ),
            ("[1, 2]", "lab.json: the file must hold one JSON object"),
        ] {
            let error = load(text, "default").unwrap_err();
            assert!(error.starts_with(expected), "{text}\n got: {error}");
        }
    }

    #[test]
    fn the_preset_comes_from_the_file_when_it_names_one() {
        let file =
            SettingsFile::parse(Path::new("x"), r#"{"profile": {"name": "classic"}}"#).unwrap();
        assert_eq!(file.preset_name(), Some("classic"));
        let file =
            SettingsFile::parse(Path::new("x"), r#"{"profile": {"name": "my lab"}}"#).unwrap();
        assert_eq!(file.preset_name(), None);
    }
}
