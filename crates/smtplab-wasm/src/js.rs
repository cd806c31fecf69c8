//! Reading plain JavaScript values: what kind a value is, whole numbers,
//! object keys, and the description of a value in an error message.

use js_sys::{Array, Object};
use wasm_bindgen::{JsCast, JsValue};

/// Whether an option or field counts as not given (`undefined` or `null`).
pub(crate) fn is_absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// An object that is not an array (nor `null`).
pub(crate) fn is_plain_object(value: &JsValue) -> bool {
    value.is_object() && !Array::is_array(value)
}

/// The own enumerable keys of an object, in order.
pub(crate) fn own_names(object: &JsValue) -> Vec<String> {
    Object::keys(object.unchecked_ref::<Object>())
        .iter()
        .filter_map(|key| key.as_string())
        .collect()
}

/// A whole number from 0 to `max` (at most 2^53 - 1).
pub(crate) fn whole_number(value: &JsValue, max: u64) -> Option<u64> {
    let n = value.as_f64()?;
    (n.fract() == 0.0 && n >= 0.0 && n <= max as f64).then_some(n as u64)
}

/// A value's kind for an error message: `a string ("x")`, `a number (5)`,
/// `an array`... JavaScript writes the values, so no float formatting is
/// in the bundle.
pub(crate) fn describe(value: &JsValue) -> String {
    let kind = value.js_typeof().as_string().unwrap_or_default();
    let shown = match kind.as_str() {
        _ if value.is_null() => return "null".into(),
        _ if Array::is_array(value) => return "an array".into(),
        "undefined" => return kind,
        "object" => return "an object".into(),
        "string" => js_sys::JSON::stringify(value).map(String::from),
        "number" | "boolean" => Ok(value.unchecked_ref::<Object>().to_string().into()),
        _ => Err(JsValue::NULL),
    };
    let article = if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an "
    } else {
        "a "
    };
    let mut text = String::from(article);
    text.push_str(&kind);
    if let Ok(shown) = shown {
        text.push_str(" (");
        text.push_str(&shown);
        text.push(')');
    }
    text
}
