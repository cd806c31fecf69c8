//! Writes what `presets()` returns (each preset's name, description and
//! settings, as the engine serializes them) to `$OUT_DIR/presets.json`.
//!
//! The bundle then holds that text, not serde's `Serialize` code for
//! `Settings`, which weighed 2.8 KB of the 80 KB gzip budget; the JSON is
//! made from the engine on every build, so it cannot go stale.

use std::path::PathBuf;

use smtplab_engine::profile::PRESETS;
use smtplab_engine::Settings;

fn main() {
    let presets: Vec<serde_json::Value> = PRESETS
        .iter()
        .map(|&(name, description)| {
            let settings = Settings::preset(name).expect("every listed preset exists");
            serde_json::json!({ "name": name, "description": description, "settings": settings })
        })
        .collect();
    let json = serde_json::to_string(&presets).expect("settings serialize");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("presets.json"), json).expect("write presets.json");
    println!("cargo:rerun-if-changed=build.rs");
}
