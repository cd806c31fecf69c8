//! The settings file (`--world FILE`): the engine's `Settings` as JSON,
//! deep-merged over a preset so that a file need only say what differs.
//!
//! The format is documented in `docs/settings.md`. Merging works on JSON
//! values, not on Rust structs, because the engine's own `serde(default)`
//! falls back to the *default* preset, while a file used with
//! `--profile strict` must fall back to the strict one.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use smtplab_engine::Settings;

/// A settings file, read and parsed as JSON but not yet applied.
#[derive(Debug)]
pub struct SettingsFile {
    path: PathBuf,
    value: Value,
}

impl SettingsFile {
    /// Reads `path`; errors name the file (and the line for JSON syntax).
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("{}: cannot read the settings file: {e}", path.display()))?;
        Self::parse(path, &text)
    }

    /// Parses `text` as the content of `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| format!("{}: not valid JSON: {e}", path.display()))?;
        if !value.is_object() {
            return Err(format!(
                "{}: the file must hold one JSON object with `profile` and/or `world` in it",
                path.display()
            ));
        }
        Ok(Self {
            path: path.to_owned(),
            value,
        })
    }

    /// `profile.name` from the file, when it names a preset: the preset to
    /// start from if `--profile` does not say.
    pub fn preset_name(&self) -> Option<&str> {
        self.value
            .pointer("/profile/name")
            .and_then(Value::as_str)
            .filter(|name| smtplab_engine::Profile::preset(name).is_some())
    }

    /// The file laid over `base`: objects merge key by key, anything else
    /// (numbers, strings, lists) replaces the preset's value. The result is
    /// validated; every error names the file and the field.
    pub fn over(&self, base: &Settings) -> Result<Settings, String> {
        let file = self.path.display();
        let mut merged = serde_json::to_value(base).expect("settings always serialize");
        merge(&mut merged, &self.value);
        let settings: Settings = serde_path_to_error::deserialize(&merged).map_err(|e| {
            let field = e.path().to_string();
            format!("{file}: {field}: {}", e.inner())
        })?;
        // serde skips fields it does not know; a misspelt setting must not
        // be silently ignored, so compare with what the settings write back.
        let known = serde_json::to_value(&settings).expect("settings always serialize");
        if let Some(message) = unknown_field(&self.value, &known, "") {
            return Err(format!("{file}: {message}"));
        }
        settings
            .validate()
            .map_err(|message| format!("{file}: {message}"))?;
        Ok(settings)
    }
}

/// Lays `over` onto `base` in place.
fn merge(base: &mut Value, over: &Value) {
    match (base, over) {
        (Value::Object(base), Value::Object(over)) => {
            for (key, value) in over {
                match base.get_mut(key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (slot, value) => *slot = value.clone(),
    }
}

/// The first key in `given` that `known` (the same settings written back)
/// does not have, as a message naming its path and the keys allowed there.
fn unknown_field(given: &Value, known: &Value, path: &str) -> Option<String> {
    match (given, known) {
        (Value::Object(given), Value::Object(known)) => {
            for (key, value) in given {
                let here = join(path, key);
                match known.get(key) {
                    Some(known_value) => {
                        if let Some(found) = unknown_field(value, known_value, &here) {
                            return Some(found);
                        }
                    }
                    None => return Some(unknown_message(&here, known)),
                }
            }
            None
        }
        (Value::Array(given), Value::Array(known)) => given
            .iter()
            .zip(known)
            .enumerate()
            .find_map(|(index, (g, k))| unknown_field(g, k, &format!("{path}[{index}]"))),
        _ => None,
    }
}

fn unknown_message(field: &str, known: &Map<String, Value>) -> String {
    let names: Vec<&str> = known.keys().map(String::as_str).collect();
    format!(
        "{field}: unknown field (the fields here are: {})",
        names.join(", ")
    )
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smtplab_engine::profile::{BareLineEnding, EnhancedCodesFrom};

    fn load(text: &str, preset: &str) -> Result<Settings, String> {
        let base = Settings::preset(preset).unwrap();
        SettingsFile::parse(Path::new("lab.json"), text)?.over(&base)
    }

    #[test]
    fn an_empty_file_is_the_preset_itself() {
        for preset in ["default", "strict", "locked-down", "classic"] {
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
                "lab.json: profile.extensions.pipelining: invalid type: string \"yes\", expected a boolean",
            ),
            (
                r#"{"profile": {"extensons": {}}}"#,
                "lab.json: profile.extensons: unknown field (the fields here are: ",
            ),
            (
                r#"{"world": {"users": [{"name": "zoe", "full_name": "Z", "pasword": "x"}]}}"#,
                "lab.json: world.users[0].pasword: unknown field",
            ),
            (
                r#"{"world": {"users": [{"name": "zoe"}]}}"#,
                "lab.json: world.users[0]: missing field `full_name`",
            ),
            (
                r#"{"profile": {"vrfy": "maybe"}}"#,
                "lab.json: profile.vrfy: unknown variant `maybe`",
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
