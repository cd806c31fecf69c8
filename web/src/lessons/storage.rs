//! What the classroom keeps in the browser's local storage: finished
//! lessons, and the teachers' packs loaded from a file or pasted, so they
//! survive a reload. Storage may be refused (private windows); then both
//! last until the page closes.

use std::collections::BTreeSet;

/// Finished lessons (`pack/lesson`).
const PROGRESS_KEY: &str = "smtplab.progress.v1";
/// Teachers' packs: a list of `[id, source, json]`.
const PACKS_KEY: &str = "smtplab.packs.v1";

/// The progress key of a lesson.
pub fn progress_key(pack: &str, lesson: &str) -> String {
    format!("{pack}/{lesson}")
}

/// Finished lessons, from local storage.
pub fn load_progress() -> BTreeSet<String> {
    load(PROGRESS_KEY).unwrap_or_default()
}

/// Keeps progress in local storage.
pub fn save_progress(progress: &BTreeSet<String>) {
    save(PROGRESS_KEY, progress);
}

/// A teacher's pack as kept: id, where it came from, its JSON.
pub type KeptPack = (String, String, String);

/// The teachers' packs kept from earlier visits.
pub fn load_packs() -> Vec<KeptPack> {
    load(PACKS_KEY).unwrap_or_default()
}

/// Keeps the teachers' packs.
pub fn save_packs(packs: &[KeptPack]) {
    save(PACKS_KEY, &packs);
}

#[cfg(target_arch = "wasm32")]
fn load<T: for<'de> serde::Deserialize<'de>>(key: &str) -> Option<T> {
    use gloo_storage::Storage as _;
    gloo_storage::LocalStorage::get(key).ok()
}

#[cfg(target_arch = "wasm32")]
fn save<T: serde::Serialize>(key: &str, value: &T) {
    use gloo_storage::Storage as _;
    let _ = gloo_storage::LocalStorage::set(key, value);
}

#[cfg(not(target_arch = "wasm32"))]
fn load<T>(key: &str) -> Option<T> {
    let _ = key;
    None
}

#[cfg(not(target_arch = "wasm32"))]
fn save<T>(key: &str, value: &T) {
    let _ = (key, value);
}
