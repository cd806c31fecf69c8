//! Reads a settings patch (any part of the engine's settings JSON) onto a
//! preset, field by field, with an error that names the field.
//!
//! Written out rather than derived, for size: serde's derived `Deserialize`
//! for `Settings` through serde-wasm-bindgen cost 24 KB of the bundle's
//! 80 KB gzip budget (the visitors for thirteen types, the deserializer, and
//! the float formatting its error messages pull in). The reader records the
//! first error and carries on instead of returning early at every field,
//! which keeps each field to a call or two.
//!
//! The field names and enum spellings are the engine's serde names. The test
//! `every_preset_round_trips_through_the_settings_reader` (tests/api.rs)
//! feeds each preset, as the engine serializes it, back through this reader,
//! so a field added to the engine and missed here fails it.

use js_sys::{Array, Object, Reflect};
use smtplab_engine::profile::{
    BareLineEnding, EnhancedCodesFrom, ExpnPolicy, Extensions, Faults, RejectRule, VrfyPolicy,
};
use smtplab_engine::session::parse_verb;
use smtplab_engine::world::{Alias, MailingList, User};
use smtplab_engine::{EnhancedCode, Profile, Settings, Verb, World};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::options::{describe, is_plain_object, whole_number};

/// Applies `patch` to `settings`: objects merge key by key, anything else
/// (lists included) replaces the value. Unknown keys are errors.
pub(crate) fn apply(settings: &mut Settings, patch: &JsValue, path: &str) -> Result<(), Error> {
    let mut fields = Fields::new(patch.clone(), path.to_owned());
    fields.object("profile", |o| profile(&mut settings.profile, o));
    fields.object("world", |o| world(&mut settings.world, o));
    fields.finish()
}

/// Longest idle timeout or greylist delay: about 34 years, so adding it to
/// any clock a JavaScript number holds cannot overflow.
const MAX_SECONDS: u64 = 1 << 30;

const U32_MAX: u64 = u32::MAX as u64;

fn profile(p: &mut Profile, o: &mut Fields) {
    o.text("name", &mut p.name);
    o.text("hostname", &mut p.hostname);
    o.text("banner", &mut p.banner);
    o.flag("ehlo", &mut p.ehlo);
    o.flag("require_helo", &mut p.require_helo);
    o.flag("strict_paths", &mut p.strict_paths);
    if let Some(i) = o.choice("bare_line_ending", &["keep", "refuse"]) {
        p.bare_line_ending = [BareLineEnding::Keep, BareLineEnding::Refuse][i];
    }
    o.flag("reject_long_lines", &mut p.reject_long_lines);
    if let Some(i) = o.choice("vrfy", &["verify", "cannot-verify", "disabled"]) {
        p.vrfy = [
            VrfyPolicy::Verify,
            VrfyPolicy::CannotVerify,
            VrfyPolicy::Disabled,
        ][i];
    }
    if let Some(i) = o.choice("expn", &["expand", "disabled"]) {
        p.expn = [ExpnPolicy::Expand, ExpnPolicy::Disabled][i];
    }
    o.flag("help", &mut p.help);
    o.object("extensions", |o| extensions(&mut p.extensions, o));
    if let Some(i) = o.choice("enhanced_codes_from", &["start", "ehlo"]) {
        p.enhanced_codes_from = [EnhancedCodesFrom::Start, EnhancedCodesFrom::Ehlo][i];
    }
    if let Some(n) = o.number("message_size_limit", U32_MAX) {
        p.message_size_limit = n as usize;
    }
    if let Some(n) = o.number("max_recipients", U32_MAX) {
        p.max_recipients = n as usize;
    }
    if let Some(n) = o.number("error_limit", U32_MAX) {
        p.error_limit = n as u32;
    }
    if let Some(n) = o.number("idle_timeout_secs", MAX_SECONDS) {
        p.idle_timeout_secs = n;
    }
    o.object("faults", |o| faults(&mut p.faults, o));
}

fn extensions(e: &mut Extensions, o: &mut Fields) {
    o.flag("pipelining", &mut e.pipelining);
    o.flag("size", &mut e.size);
    o.flag("eight_bit_mime", &mut e.eight_bit_mime);
    o.flag("enhanced_status_codes", &mut e.enhanced_status_codes);
    o.flag("smtputf8", &mut e.smtputf8);
    o.flag("dsn", &mut e.dsn);
    o.flag("auth", &mut e.auth);
    o.flag("starttls", &mut e.starttls);
    o.flag("chunking", &mut e.chunking);
}

fn faults(f: &mut Faults, o: &mut Fields) {
    o.list("reject", &mut f.reject, |o| RejectRule {
        verb: o.verb("verb"),
        code: o.required_number("code", 599) as u16,
        enhanced: o.enhanced_code("enhanced"),
        text: o.required_text("text"),
        times: o.count("times").flatten(),
    });
    o.flag("greylist", &mut f.greylist);
    if let Some(n) = o.number("greylist_delay_secs", MAX_SECONDS) {
        f.greylist_delay_secs = n;
    }
    if let Some(count) = o.count("disconnect_after") {
        f.disconnect_after = count;
    }
}

fn world(w: &mut World, o: &mut Fields) {
    o.list("domains", &mut w.domains, Fields::itself);
    o.list("users", &mut w.users, |o| User {
        name: o.required_text("name"),
        full_name: o.required_text("full_name"),
        password: o.optional_text("password"),
    });
    o.list("aliases", &mut w.aliases, |o| Alias {
        name: o.required_text("name"),
        targets: o.required_texts("targets"),
    });
    o.list("lists", &mut w.lists, |o| MailingList {
        name: o.required_text("name"),
        description: o.required_text("description"),
        members: o.required_texts("members"),
    });
}

/// One JavaScript value being read (an object, or a list element): hands out
/// fields by name, remembers the names it knows so `finish` can refuse the
/// rest, and keeps the first error.
struct Fields {
    value: JsValue,
    path: String,
    known: Vec<&'static str>,
    error: Option<Error>,
}

impl Fields {
    fn new(value: JsValue, path: String) -> Self {
        Self {
            value,
            path,
            known: Vec::new(),
            error: None,
        }
    }

    /// Records an error about `name` (the first one wins).
    #[inline(never)]
    fn fail(&mut self, name: &str, expected: &str, value: &JsValue) {
        if self.error.is_none() {
            let field = if name.is_empty() {
                self.path.clone()
            } else {
                format!("{}.{name}", self.path)
            };
            let message = if value.is_undefined() {
                format!("is missing ({expected})")
            } else {
                format!("must be {expected}, got {}", describe(value))
            };
            self.error = Some(Error::field(&field, message));
        }
    }

    /// The field's value, `None` when absent (`undefined`) or after an error.
    #[inline(never)]
    fn get(&mut self, name: &'static str) -> Option<JsValue> {
        self.known.push(name);
        if self.error.is_some() || !is_plain_object(&self.value) {
            return None;
        }
        Reflect::get(&self.value, &JsValue::from_str(name))
            .ok()
            .filter(|value| !value.is_undefined())
    }

    #[inline(never)]
    fn flag(&mut self, name: &'static str, target: &mut bool) {
        if let Some(value) = self.get(name) {
            match value.as_bool() {
                Some(flag) => *target = flag,
                None => self.fail(name, "true or false", &value),
            }
        }
    }

    #[inline(never)]
    fn text(&mut self, name: &'static str, target: &mut String) {
        if let Some(value) = self.get(name) {
            match value.as_string() {
                Some(text) => *target = text,
                None => self.fail(name, "a string", &value),
            }
        }
    }

    #[inline(never)]
    fn number(&mut self, name: &'static str, max: u64) -> Option<u64> {
        let value = self.get(name)?;
        match whole_number(&value, max) {
            Some(n) => Some(n),
            None => {
                self.fail(name, &format!("a whole number from 0 to {max}"), &value);
                None
            }
        }
    }

    /// One of `words`, as its index.
    #[inline(never)]
    fn choice(&mut self, name: &'static str, words: &[&str]) -> Option<usize> {
        let value = self.get(name)?;
        let text = value.as_string().unwrap_or_default();
        let index = words.iter().position(|word| *word == text);
        if index.is_none() {
            let mut expected = String::from("one of ");
            for (i, word) in words.iter().enumerate() {
                if i > 0 {
                    expected.push_str(", ");
                }
                expected.push('"');
                expected.push_str(word);
                expected.push('"');
            }
            self.fail(name, &expected, &value);
        }
        index
    }

    fn object(&mut self, name: &'static str, read: impl FnOnce(&mut Fields)) {
        if let Some(mut fields) = self.nested(name) {
            read(&mut fields);
            self.adopt(fields);
        }
    }

    /// A field that holds an object, to read on its own.
    #[inline(never)]
    fn nested(&mut self, name: &'static str) -> Option<Fields> {
        let value = self.get(name)?;
        if is_plain_object(&value) {
            Some(Fields::new(value, format!("{}.{name}", self.path)))
        } else {
            self.fail(name, "an object", &value);
            None
        }
    }

    /// Takes a nested reader's error, or its unknown key.
    #[inline(never)]
    fn adopt(&mut self, nested: Fields) {
        if let Err(error) = nested.finish() {
            self.error.get_or_insert(error);
        }
    }

    /// A list replaces the preset's list whole; `read` makes each element.
    fn list<T>(
        &mut self,
        name: &'static str,
        target: &mut Vec<T>,
        read: impl Fn(&mut Fields) -> T,
    ) {
        if let Some(elements) = self.elements(name) {
            let mut out = Vec::with_capacity(elements.len());
            for mut element in elements {
                out.push(read(&mut element));
                self.adopt(element);
            }
            if self.error.is_none() {
                *target = out;
            }
        }
    }

    /// The elements of a list field, each to be read as `Fields`.
    #[inline(never)]
    fn elements(&mut self, name: &'static str) -> Option<Vec<Fields>> {
        let value = self.get(name)?;
        if !Array::is_array(&value) {
            self.fail(name, "a list", &value);
            return None;
        }
        let items: Array = value.unchecked_into();
        Some(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| Fields::new(item, format!("{}.{name}[{index}]", self.path)))
                .collect(),
        )
    }

    /// A list element that is itself a string.
    fn itself(&mut self) -> String {
        let value = self.value.clone();
        match value.as_string() {
            Some(text) => text,
            None => {
                self.fail("", "a string", &value);
                String::new()
            }
        }
    }

    /// A field a list element must have; `undefined` (reported) if it is missing.
    #[inline(never)]
    fn required(&mut self, name: &'static str) -> JsValue {
        if !is_plain_object(&self.value) {
            let value = self.value.clone();
            self.fail("", "an object", &value);
        }
        self.get(name).unwrap_or(JsValue::UNDEFINED)
    }

    #[inline(never)]
    fn required_text(&mut self, name: &'static str) -> String {
        let value = self.required(name);
        value.as_string().unwrap_or_else(|| {
            self.fail(name, "a string", &value);
            String::new()
        })
    }

    #[inline(never)]
    fn required_texts(&mut self, name: &'static str) -> Vec<String> {
        let value = self.required(name);
        let texts: Option<Vec<String>> = if Array::is_array(&value) {
            value
                .unchecked_ref::<Array>()
                .iter()
                .map(|item| item.as_string())
                .collect()
        } else {
            None
        };
        texts.unwrap_or_else(|| {
            self.fail(name, "a list of strings", &value);
            Vec::new()
        })
    }

    #[inline(never)]
    fn required_number(&mut self, name: &'static str, max: u64) -> u64 {
        let value = self.required(name);
        whole_number(&value, max).unwrap_or_else(|| {
            self.fail(name, &format!("a whole number from 0 to {max}"), &value);
            0
        })
    }

    /// An optional string: absent or `null` is none.
    #[inline(never)]
    fn optional_text(&mut self, name: &'static str) -> Option<String> {
        let value = self.get(name).filter(|value| !value.is_null())?;
        let text = value.as_string();
        if text.is_none() {
            self.fail(name, "a string or null", &value);
        }
        text
    }

    /// An optional count: `None` when absent, `Some(None)` for `null`.
    #[inline(never)]
    fn count(&mut self, name: &'static str) -> Option<Option<u32>> {
        let value = self.get(name)?;
        if value.is_null() {
            return Some(None);
        }
        match whole_number(&value, U32_MAX) {
            Some(n) => Some(Some(n as u32)),
            None => {
                self.fail(
                    name,
                    &format!("a whole number from 0 to {U32_MAX}, or null"),
                    &value,
                );
                None
            }
        }
    }

    #[inline(never)]
    fn verb(&mut self, name: &'static str) -> Verb {
        let value = self.required(name);
        let word = value.as_string().unwrap_or_default();
        // `parse_verb` reads command words; OBSOLETE is only the serde name
        // of SEND, SOML, SAML, TURN and ETRN.
        let verb = if word == "OBSOLETE" {
            Some(Verb::Obsolete)
        } else {
            parse_verb(&word)
        };
        verb.unwrap_or_else(|| {
            self.fail(name, "an SMTP command such as \"DATA\"", &value);
            Verb::Noop
        })
    }

    #[inline(never)]
    fn enhanced_code(&mut self, name: &'static str) -> Option<EnhancedCode> {
        let value = self.get(name).filter(|value| !value.is_null())?;
        let code = value
            .as_string()
            .and_then(|text| EnhancedCode::parse(&text));
        if code.is_none() {
            self.fail(name, "an enhanced status code such as \"5.7.1\"", &value);
        }
        code
    }

    /// The first error, else an error for a key no reader asked for.
    #[inline(never)]
    fn finish(self) -> Result<(), Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if !is_plain_object(&self.value) {
            return Ok(());
        }
        for key in Object::keys(self.value.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !self.known.contains(&key.as_str()) {
                let mut message = String::from("unknown setting (known:");
                for (i, name) in self.known.iter().enumerate() {
                    message.push_str(if i == 0 { " " } else { ", " });
                    message.push_str(name);
                }
                message.push(')');
                return Err(Error::field(&format!("{}.{key}", self.path), message));
            }
        }
        Ok(())
    }
}
