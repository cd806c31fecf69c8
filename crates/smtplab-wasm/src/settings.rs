//! The `settings` option: a JavaScript object laid over the preset by the
//! engine's settings patch reader (`smtplab_engine::patch`), which reads the
//! value directly, field by field.
//!
//! Going through serde instead (serde-wasm-bindgen into the engine's derived
//! `Deserialize`) cost 24 KB of the bundle's 80 KB gzip budget: the visitors
//! for thirteen types, the deserializer, and the float formatting its error
//! messages pull in. The engine's test
//! `every_setting_round_trips_through_the_reader` and this crate's
//! `every_preset_round_trips_through_the_settings_reader` (tests/api.rs)
//! feed every setting back through the reader, so a field added to the
//! engine and missed there fails them.

use js_sys::{Array, Reflect};
use smtplab_engine::patch::{self, PatchValue};
use smtplab_engine::Settings;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::js::{describe, is_plain_object, own_names, whole_number};

/// Applies `patch` to `settings`: objects merge key by key, anything else
/// (lists included) replaces the value. Unknown keys are errors.
pub(crate) fn apply(settings: &mut Settings, patch: &JsValue, path: &str) -> Result<(), Error> {
    patch::apply_settings(settings, Js(patch.clone()), path)
        .map_err(|error| Error::field(&error.field, error.problem))
}

/// A JavaScript value as the patch reader sees it: `undefined` is absent.
struct Js(JsValue);

impl PatchValue for Js {
    fn field(&self, name: &str) -> Option<Self> {
        if !is_plain_object(&self.0) {
            return None;
        }
        Reflect::get(&self.0, &JsValue::from_str(name))
            .ok()
            .filter(|value| !value.is_undefined())
            .map(Js)
    }

    fn field_names(&self) -> Vec<String> {
        if is_plain_object(&self.0) {
            own_names(&self.0)
        } else {
            Vec::new()
        }
    }

    fn is_object(&self) -> bool {
        is_plain_object(&self.0)
    }

    fn list_len(&self) -> Option<usize> {
        Array::is_array(&self.0).then(|| self.0.unchecked_ref::<Array>().length() as usize)
    }

    fn element(&self, index: usize) -> Option<Self> {
        Array::is_array(&self.0).then(|| Js(self.0.unchecked_ref::<Array>().get(index as u32)))
    }

    fn is_null(&self) -> bool {
        self.0.is_null()
    }

    fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn as_text(&self) -> Option<String> {
        self.0.as_string()
    }

    fn as_whole(&self, max: u64) -> Option<u64> {
        whole_number(&self.0, max)
    }

    fn describe(&self) -> String {
        describe(&self.0)
    }
}
