//! The built-in curriculum: a pack embedded from `lessons/builtin.json`,
//! kept as JSON so teachers can read it as a worked example of the format.

use std::sync::OnceLock;

use crate::pack::Pack;

/// The built-in curriculum's JSON text.
pub const BUILTIN_JSON: &str = include_str!("../lessons/builtin.json");

/// The built-in curriculum, parsed and validated once.
///
/// # Panics
///
/// If the embedded JSON does not validate, which the crate's tests rule out.
pub fn builtin() -> &'static Pack {
    static PACK: OnceLock<Pack> = OnceLock::new();
    PACK.get_or_init(|| match Pack::load(BUILTIN_JSON, true) {
        Ok(pack) => pack,
        Err(error) => panic!("the built-in curriculum does not validate:\n{error}"),
    })
}
