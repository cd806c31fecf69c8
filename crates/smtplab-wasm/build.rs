//! Writes two files into `$OUT_DIR`, both made from the engine on every
//! build so they cannot go stale:
//!
//! * `presets.json`: what `presets()` returns (each preset's name,
//!   description and settings, as the engine serializes them). The bundle
//!   then holds that text, not serde's `Serialize` code for `Settings`,
//!   which weighed 2.8 KB of the 80 KB gzip budget.
//! * `extensions.d.ts`: the TypeScript `Extensions` interface, one flag per
//!   entry of the engine's extension registry (`types.rs` includes it).

use std::path::{Path, PathBuf};

use smtplab_engine::profile::PRESETS;
use smtplab_engine::{Extension, Settings};

fn main() {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    write(&out.join("presets.json"), &presets_json());
    write(&out.join("extensions.d.ts"), &extension_types());
    println!("cargo:rerun-if-changed=build.rs");
}

fn presets_json() -> String {
    let presets: Vec<serde_json::Value> = PRESETS
        .iter()
        .map(|&(name, description)| {
            let settings = Settings::preset(name).expect("every listed preset exists");
            serde_json::json!({ "name": name, "description": description, "settings": settings })
        })
        .collect();
    serde_json::to_string(&presets).expect("settings serialize")
}

fn extension_types() -> String {
    let mut text = String::from(
        "\n/** Service extensions EHLO offers (VRFY is listed whenever `vrfy` is not \"disabled\"). */\nexport interface Extensions {\n",
    );
    for extension in Extension::ALL {
        if let Some(name) = extension.setting() {
            text.push_str(&format!(
                "  /** {} ({}): {} */\n  {name}: boolean;\n",
                extension.keyword(),
                extension.rfc(),
                extension.about()
            ));
        }
    }
    text.push_str("}\n");
    text
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}
