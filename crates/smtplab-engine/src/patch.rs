//! Settings patches: a partial profile or world laid over a preset, written
//! once for every way one arrives (a `serve --world` file, a lesson pack's
//! `server`, the JavaScript API's `settings` option).
//!
//! Objects merge key by key; anything else, lists included, replaces the
//! preset's value whole. A key that is not a setting is refused, and every
//! error names the field by its path (`profile.faults.reject[0].code`).
//!
//! The reader walks the settings by hand over any [`PatchValue`] rather than
//! through serde's derived `Deserialize`: the JavaScript API reads a
//! JavaScript value directly, and serde's visitors for the settings types
//! would cost it 24 KB of its 80 KB gzip budget. JSON documents come in as
//! a [`Patch`], which serde reads with a single visitor. The round-trip test
//! below feeds every setting the engine serializes back through the reader,
//! so a field added to the settings and missed here fails it.

mod network;

use core::fmt;

pub use network::{apply_settings_with_network, read_network, NetworkLoadError};

use crate::catalogue::Verb;
use crate::extension::{Extension, Extensions};
use crate::profile::{
    BareLineEnding, EnhancedCodesFrom, ExpnPolicy, Faults, Profile, RejectRule, VrfyPolicy,
};
use crate::world::{Alias, MailingList, User, World};
use crate::{EnhancedCode, Settings};

/// A value of a settings patch, however the caller holds it: a [`Patch`]
/// read from JSON, or a JavaScript value in the browser API.
pub trait PatchValue: Sized {
    /// Field `name` of an object; `None` when absent or not an object.
    fn field(&self, name: &str) -> Option<Self>;
    /// The field names of an object, in order (empty for anything else).
    fn field_names(&self) -> Vec<String>;
    /// Whether this is an object (not a list, not null).
    fn is_object(&self) -> bool;
    /// How many elements, if this is a list.
    fn list_len(&self) -> Option<usize>;
    /// Element `index` of a list.
    fn element(&self, index: usize) -> Option<Self>;
    /// Whether this is `null`.
    fn is_null(&self) -> bool;
    /// The value, if this is `true` or `false`.
    fn as_bool(&self) -> Option<bool>;
    /// The text, if this is a string.
    fn as_text(&self) -> Option<String>;
    /// The number, if this is a whole number from 0 to `max`.
    fn as_whole(&self, max: u64) -> Option<u64>;
    /// What the value is, for an error message: `a string ("x")`,
    /// `a number (1.5)`, `an array`...
    fn describe(&self) -> String;
}

/// Why a patch was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError {
    /// The field's path, starting with the path the caller gave
    /// (`options.settings.world.users[0].name`).
    pub field: String,
    /// What is wrong with it.
    pub problem: PatchProblem,
}

/// What is wrong with a field of a patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatchProblem {
    /// The key is not a setting at this place.
    UnknownSetting {
        /// The key as given.
        key: String,
        /// The settings this place has.
        known: Vec<&'static str>,
    },
    /// A list element lacks a field it must have.
    Missing(Expected),
    /// The value is of the wrong kind, or out of range.
    Invalid {
        /// What the field takes.
        expected: Expected,
        /// What it was given ([`PatchValue::describe`]).
        got: String,
    },
}

/// What a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// `true` or `false`.
    Flag,
    /// A string.
    Text,
    /// A string or `null`.
    TextOrNull,
    /// A list of strings.
    Texts,
    /// An object.
    Object,
    /// A list.
    List,
    /// A whole number from 0 to the maximum.
    Whole(u64),
    /// A whole number from 0 to the maximum, or `null`.
    WholeOrNull(u64),
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// An SMTP command word.
    Command,
    /// An enhanced status code.
    EnhancedCode,
    /// A DNS record as a zone-file line.
    ZoneLine,
    /// An IPv4 or IPv6 address.
    Address,
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.field.is_empty() {
            f.write_str(&self.field)?;
            f.write_str(": ")?;
        }
        self.problem.fmt(f)
    }
}

impl std::error::Error for PatchError {}

impl fmt::Display for PatchProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `write_str` pieces rather than `write!`: this is in the JavaScript
        // API's bundle, where each formatting call costs bytes.
        match self {
            Self::UnknownSetting { key, known } => {
                f.write_str("unknown setting `")?;
                f.write_str(key)?;
                f.write_str("` (known: ")?;
                write_list(f, known, ", ")?;
                f.write_str(")")
            }
            Self::Missing(expected) => {
                f.write_str("is missing (")?;
                expected.fmt(f)?;
                f.write_str(")")
            }
            Self::Invalid { expected, got } => {
                f.write_str("must be ")?;
                expected.fmt(f)?;
                f.write_str(", got ")?;
                f.write_str(got)
            }
        }
    }
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (text, max) = match self {
            Self::Flag => ("true or false", None),
            Self::Text => ("a string", None),
            Self::TextOrNull => ("a string or null", None),
            Self::Texts => ("a list of strings", None),
            Self::Object => ("an object", None),
            Self::List => ("a list", None),
            Self::Whole(max) | Self::WholeOrNull(max) => ("a whole number from 0 to ", Some(max)),
            Self::OneOf(words) => {
                f.write_str("one of \"")?;
                write_list(f, words, "\", \"")?;
                return f.write_str("\"");
            }
            Self::Command => ("an SMTP command such as \"DATA\"", None),
            Self::EnhancedCode => ("an enhanced status code such as \"5.7.1\"", None),
            Self::ZoneLine => (
                "a zone-file line such as \"example.org. 3600 IN MX 10 mx1.example.org.\"",
                None,
            ),
            Self::Address => ("an IP address such as \"192.0.2.10\"", None),
        };
        f.write_str(text)?;
        if let Some(max) = max {
            max.fmt(f)?;
        }
        if matches!(self, Self::WholeOrNull(_)) {
            f.write_str(", or null")?;
        }
        Ok(())
    }
}

/// `items` with `separator` between them, written without allocating.
fn write_list(f: &mut fmt::Formatter<'_>, items: &[&str], separator: &str) -> fmt::Result {
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            f.write_str(separator)?;
        }
        f.write_str(item)?;
    }
    Ok(())
}

/// Lays `patch` (`{ profile: {...}, world: {...} }`) over `settings`.
/// `path` names the patch in errors (empty: field paths start at
/// `profile`). On error `settings` may be partly changed.
pub fn apply_settings<V: PatchValue>(
    settings: &mut Settings,
    patch: V,
    path: &str,
) -> Result<(), PatchError> {
    apply_settings_reader(settings, patch, path, &mut |_| {})
}

/// [`apply_settings`], with `more` reading the keys a caller adds (the
/// network description of [`network::apply_settings_with_network`]).
fn apply_settings_reader<V: PatchValue>(
    settings: &mut Settings,
    patch: V,
    path: &str,
    more: &mut dyn FnMut(&mut Reader<V>),
) -> Result<(), PatchError> {
    read_whole(patch, path, |o| {
        o.object("profile", &mut |o| profile(&mut settings.profile, o));
        o.object("world", &mut |o| world(&mut settings.world, o));
        more(o);
    })
}

/// Lays a partial profile over `profile`.
pub fn apply_profile<V: PatchValue>(
    target: &mut Profile,
    patch: V,
    path: &str,
) -> Result<(), PatchError> {
    read_whole(patch, path, |o| profile(target, o))
}

/// Lays a partial world over `world`.
pub fn apply_world<V: PatchValue>(
    target: &mut World,
    patch: V,
    path: &str,
) -> Result<(), PatchError> {
    read_whole(patch, path, |o| world(target, o))
}

fn read_whole<V: PatchValue>(
    patch: V,
    path: &str,
    read: impl FnOnce(&mut Reader<V>),
) -> Result<(), PatchError> {
    let mut reader = Reader::new(patch, path.to_owned());
    if reader.value.is_object() {
        read(&mut reader);
    } else {
        let value = reader.value.describe();
        reader.fail_with("", Expected::Object, Some(value));
    }
    reader.finish()
}

/// Longest idle timeout or greylist delay: about 34 years, so adding it to
/// any clock a JavaScript number holds cannot overflow.
const MAX_SECONDS: u64 = 1 << 30;

const U32_MAX: u64 = u32::MAX as u64;

fn profile<V: PatchValue>(p: &mut Profile, o: &mut Reader<V>) {
    o.text("name", &mut p.name);
    o.text("hostname", &mut p.hostname);
    o.text("banner", &mut p.banner);
    o.flag("ehlo", &mut p.ehlo);
    o.flag("require_helo", &mut p.require_helo);
    o.flag("require_tls_for_auth", &mut p.require_tls_for_auth);
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
    o.object("extensions", &mut |o| extensions(&mut p.extensions, o));
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
    o.object("faults", &mut |o| faults(&mut p.faults, o));
}

fn extensions<V: PatchValue>(e: &mut Extensions, o: &mut Reader<V>) {
    for extension in Extension::ALL.iter().copied() {
        if let (Some(name), Some(flag)) = (extension.setting(), extension.flag_mut(e)) {
            o.flag(name, flag);
        }
    }
}

fn faults<V: PatchValue>(f: &mut Faults, o: &mut Reader<V>) {
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

fn world<V: PatchValue>(w: &mut World, o: &mut Reader<V>) {
    o.list("domains", &mut w.domains, Reader::itself);
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

/// One value being read (an object, or a list element): hands out fields by
/// name, remembers the names it knows so `finish` can refuse the rest, and
/// keeps the first error. Carrying on after an error, rather than returning
/// at every field, keeps each field to a call or two (the wasm build counts
/// every byte).
struct Reader<V> {
    value: V,
    path: String,
    known: Vec<&'static str>,
    error: Option<PatchError>,
}

impl<V: PatchValue> Reader<V> {
    fn new(value: V, path: String) -> Self {
        Self {
            value,
            path,
            known: Vec::new(),
            error: None,
        }
    }

    fn child_path(&self, name: &str) -> String {
        let mut path = self.path.clone();
        if !path.is_empty() && !name.is_empty() {
            path.push('.');
        }
        path.push_str(name);
        path
    }

    /// Records an error about `name` (the first one wins); `got` is the
    /// value's description, `None` when the field is missing.
    #[inline(never)]
    fn fail_with(&mut self, name: &str, expected: Expected, got: Option<String>) {
        if self.error.is_none() {
            let problem = match got {
                Some(got) => PatchProblem::Invalid { expected, got },
                None => PatchProblem::Missing(expected),
            };
            self.error = Some(PatchError {
                field: self.child_path(name),
                problem,
            });
        }
    }

    fn fail(&mut self, name: &str, expected: Expected, value: Option<&V>) {
        self.fail_with(name, expected, value.map(PatchValue::describe));
    }

    /// The field's value, `None` when absent or after an error.
    #[inline(never)]
    fn get(&mut self, name: &'static str) -> Option<V> {
        self.known.push(name);
        if self.error.is_some() {
            return None;
        }
        self.value.field(name)
    }

    #[inline(never)]
    fn flag(&mut self, name: &'static str, target: &mut bool) {
        if let Some(value) = self.get(name) {
            match value.as_bool() {
                Some(flag) => *target = flag,
                None => self.fail(name, Expected::Flag, Some(&value)),
            }
        }
    }

    #[inline(never)]
    fn text(&mut self, name: &'static str, target: &mut String) {
        if let Some(value) = self.get(name) {
            match value.as_text() {
                Some(text) => *target = text,
                None => self.fail(name, Expected::Text, Some(&value)),
            }
        }
    }

    #[inline(never)]
    fn number(&mut self, name: &'static str, max: u64) -> Option<u64> {
        let value = self.get(name)?;
        let number = value.as_whole(max);
        if number.is_none() {
            self.fail(name, Expected::Whole(max), Some(&value));
        }
        number
    }

    /// One of `words`, as its index.
    #[inline(never)]
    fn choice(&mut self, name: &'static str, words: &'static [&'static str]) -> Option<usize> {
        let value = self.get(name)?;
        let text = value.as_text().unwrap_or_default();
        let index = words.iter().position(|word| *word == text);
        if index.is_none() {
            self.fail(name, Expected::OneOf(words), Some(&value));
        }
        index
    }

    /// Reads object field `name` with `read`. (A `dyn` reader keeps one
    /// copy of this code for every object; so does `each` for lists.)
    #[inline(never)]
    fn object(&mut self, name: &'static str, read: &mut dyn FnMut(&mut Self)) {
        if let Some(mut nested) = self.nested(name) {
            read(&mut nested);
            self.adopt(nested);
        }
    }

    /// A field that holds an object, to read on its own.
    #[inline(never)]
    fn nested(&mut self, name: &'static str) -> Option<Self> {
        let value = self.get(name)?;
        if value.is_object() {
            Some(Self::new(value, self.child_path(name)))
        } else {
            self.fail(name, Expected::Object, Some(&value));
            None
        }
    }

    /// Takes a nested reader's error, or its unknown key.
    #[inline(never)]
    fn adopt(&mut self, nested: Self) {
        if let Err(error) = nested.finish() {
            self.error.get_or_insert(error);
        }
    }

    /// A list replaces the preset's list whole; `read` makes each element.
    fn list<T>(&mut self, name: &'static str, target: &mut Vec<T>, read: impl Fn(&mut Self) -> T) {
        let mut out = Vec::new();
        if self.each(name, &mut |element| out.push(read(element))) {
            *target = out;
        }
    }

    /// Reads each element of list field `name` with `read`; whether the
    /// list was there and read without an error.
    #[inline(never)]
    fn each(&mut self, name: &'static str, read: &mut dyn FnMut(&mut Self)) -> bool {
        let Some(value) = self.get(name) else {
            return false;
        };
        let Some(len) = value.list_len() else {
            self.fail(name, Expected::List, Some(&value));
            return false;
        };
        let path = self.child_path(name);
        for index in 0..len {
            if let Some(item) = value.element(index) {
                let mut element = Self::new(item, format!("{path}[{index}]"));
                read(&mut element);
                self.adopt(element);
            }
        }
        self.error.is_none()
    }

    /// A list element that is itself a string.
    fn itself(&mut self) -> String {
        match self.value.as_text() {
            Some(text) => text,
            None => {
                let got = self.value.describe();
                self.fail_with("", Expected::Text, Some(got));
                String::new()
            }
        }
    }

    /// A field a list element must have; `None` (reported) if it is missing
    /// or the element is not an object.
    #[inline(never)]
    fn required(&mut self, name: &'static str, expected: Expected) -> Option<V> {
        if !self.value.is_object() {
            let got = self.value.describe();
            self.fail_with("", Expected::Object, Some(got));
        }
        let value = self.get(name);
        if value.is_none() {
            self.fail(name, expected, None);
        }
        value
    }

    #[inline(never)]
    fn required_text(&mut self, name: &'static str) -> String {
        let value = self.required(name, Expected::Text);
        let text = value.as_ref().and_then(PatchValue::as_text);
        if text.is_none() && value.is_some() {
            self.fail(name, Expected::Text, value.as_ref());
        }
        text.unwrap_or_default()
    }

    #[inline(never)]
    fn required_texts(&mut self, name: &'static str) -> Vec<String> {
        let value = self.required(name, Expected::Texts);
        let texts: Option<Vec<String>> = value.as_ref().and_then(|list| {
            (0..list.list_len()?)
                .map(|index| list.element(index)?.as_text())
                .collect()
        });
        if texts.is_none() && value.is_some() {
            self.fail(name, Expected::Texts, value.as_ref());
        }
        texts.unwrap_or_default()
    }

    #[inline(never)]
    fn required_number(&mut self, name: &'static str, max: u64) -> u64 {
        let value = self.required(name, Expected::Whole(max));
        let number = value.as_ref().and_then(|value| value.as_whole(max));
        if number.is_none() && value.is_some() {
            self.fail(name, Expected::Whole(max), value.as_ref());
        }
        number.unwrap_or_default()
    }

    /// An optional string: absent or `null` is none.
    #[inline(never)]
    fn optional_text(&mut self, name: &'static str) -> Option<String> {
        let value = self.get(name).filter(|value| !value.is_null())?;
        let text = value.as_text();
        if text.is_none() {
            self.fail(name, Expected::TextOrNull, Some(&value));
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
        let count = value.as_whole(U32_MAX).map(|n| n as u32);
        if count.is_none() {
            self.fail(name, Expected::WholeOrNull(U32_MAX), Some(&value));
            return None;
        }
        Some(count)
    }

    #[inline(never)]
    fn verb(&mut self, name: &'static str) -> Verb {
        let value = self.required(name, Expected::Command);
        let word = value.as_ref().and_then(PatchValue::as_text);
        // `parse_verb` reads command words; OBSOLETE is only the serde name
        // of SEND, SOML, SAML, TURN and ETRN.
        let verb = match word.as_deref() {
            Some("OBSOLETE") => Some(Verb::Obsolete),
            Some(word) => crate::session::parse_verb(word),
            None => None,
        };
        if verb.is_none() && value.is_some() {
            self.fail(name, Expected::Command, value.as_ref());
        }
        verb.unwrap_or(Verb::Noop)
    }

    #[inline(never)]
    fn enhanced_code(&mut self, name: &'static str) -> Option<EnhancedCode> {
        let value = self.get(name).filter(|value| !value.is_null())?;
        let code = value.as_text().and_then(|text| EnhancedCode::parse(&text));
        if code.is_none() {
            self.fail(name, Expected::EnhancedCode, Some(&value));
        }
        code
    }

    /// The first error, else an error for a key no reader asked for.
    #[inline(never)]
    fn finish(self) -> Result<(), PatchError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let unknown = self
            .value
            .field_names()
            .into_iter()
            .find(|key| !self.known.contains(&key.as_str()));
        match unknown {
            Some(key) => Err(PatchError {
                field: self.child_path(&key),
                problem: PatchProblem::UnknownSetting {
                    key,
                    known: self.known,
                },
            }),
            None => Ok(()),
        }
    }
}

/// A patch as plain data, what a JSON document holds: how settings files and
/// lesson packs carry one. serde reads it from any self-describing format.
#[derive(Debug, Clone, PartialEq)]
pub enum Patch {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A whole number, 0 or more.
    Whole(u64),
    /// A negative whole number.
    Negative(i64),
    /// A number with a fraction or exponent.
    Fraction(f64),
    /// A string.
    Text(String),
    /// A list.
    List(Vec<Patch>),
    /// An object, its fields in the order written.
    Object(Vec<(String, Patch)>),
}

impl Default for Patch {
    /// The empty object: a patch that changes nothing.
    fn default() -> Self {
        Self::Object(Vec::new())
    }
}

impl Patch {
    /// Field `name`, if this is an object that has it.
    pub fn get(&self, name: &str) -> Option<&Patch> {
        match self {
            Self::Object(fields) => fields
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value),
            _ => None,
        }
    }

    /// The text, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::Text(text) => Some(text),
            _ => None,
        }
    }
}

impl PatchValue for &Patch {
    fn field(&self, name: &str) -> Option<Self> {
        Patch::get(self, name)
    }

    fn field_names(&self) -> Vec<String> {
        match self {
            Patch::Object(fields) => fields.iter().map(|(key, _)| key.clone()).collect(),
            _ => Vec::new(),
        }
    }

    fn is_object(&self) -> bool {
        matches!(self, Patch::Object(_))
    }

    fn list_len(&self) -> Option<usize> {
        match self {
            Patch::List(items) => Some(items.len()),
            _ => None,
        }
    }

    fn element(&self, index: usize) -> Option<Self> {
        match *self {
            Patch::List(items) => items.get(index),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Patch::Null)
    }

    fn as_bool(&self) -> Option<bool> {
        match self {
            Patch::Bool(flag) => Some(*flag),
            _ => None,
        }
    }

    fn as_text(&self) -> Option<String> {
        self.as_str().map(str::to_owned)
    }

    fn as_whole(&self, max: u64) -> Option<u64> {
        let number = match self {
            Patch::Whole(n) => *n,
            // JSON does not tell 300 from 300.0; JavaScript does not either.
            Patch::Fraction(f) if f.fract() == 0.0 && (0.0..=max as f64).contains(f) => *f as u64,
            _ => return None,
        };
        (number <= max).then_some(number)
    }

    fn describe(&self) -> String {
        match self {
            Patch::Null => "null".into(),
            Patch::Bool(flag) => format!("a boolean ({flag})"),
            Patch::Whole(n) => format!("a number ({n})"),
            Patch::Negative(n) => format!("a number ({n})"),
            Patch::Fraction(f) => format!("a number ({f})"),
            Patch::Text(text) => format!("a string ({text:?})"),
            Patch::List(_) => "an array".into(),
            Patch::Object(_) => "an object".into(),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Patch {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PatchVisitor)
    }
}

struct PatchVisitor;

impl<'de> serde::de::Visitor<'de> for PatchVisitor {
    type Value = Patch;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a settings value")
    }

    fn visit_bool<E>(self, flag: bool) -> Result<Patch, E> {
        Ok(Patch::Bool(flag))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Patch, E> {
        Ok(Patch::Whole(n))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Patch, E> {
        Ok(u64::try_from(n).map_or(Patch::Negative(n), Patch::Whole))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Patch, E> {
        Ok(Patch::Fraction(f))
    }

    fn visit_str<E>(self, text: &str) -> Result<Patch, E> {
        Ok(Patch::Text(text.to_owned()))
    }

    fn visit_string<E>(self, text: String) -> Result<Patch, E> {
        Ok(Patch::Text(text))
    }

    fn visit_unit<E>(self) -> Result<Patch, E> {
        Ok(Patch::Null)
    }

    fn visit_none<E>(self) -> Result<Patch, E> {
        Ok(Patch::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, inner: D) -> Result<Patch, D::Error> {
        serde::Deserialize::deserialize(inner)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Patch, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Patch::List(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Patch, A::Error> {
        let mut fields: Vec<(String, Patch)> = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Patch>()? {
            // The last of a repeated key wins, as in JSON.parse.
            fields.retain(|(seen, _)| *seen != key);
            fields.push((key, value));
        }
        Ok(Patch::Object(fields))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(json: &str) -> Patch {
        serde_json::from_str(json).expect("valid JSON in the test")
    }

    fn applied(json: &str, preset: &str) -> Result<Settings, String> {
        let mut settings = Settings::preset(preset).unwrap();
        apply_settings(&mut settings, &patch(json), "").map_err(|e| e.to_string())?;
        Ok(settings)
    }

    #[test]
    fn an_empty_patch_is_the_preset_and_objects_merge_key_by_key() {
        for preset in ["default", "strict", "locked-down", "classic"] {
            assert_eq!(applied("{}", preset), Ok(Settings::preset(preset).unwrap()));
        }
        let settings = applied(
            r#"{"profile": {"hostname": "mx.school.test", "extensions": {"dsn": false}}}"#,
            "strict",
        )
        .unwrap();
        let mut expected = Settings::preset("strict").unwrap();
        expected.profile.hostname = "mx.school.test".into();
        expected.profile.extensions.dsn = false;
        assert_eq!(settings, expected);
    }

    #[test]
    fn lists_replace_the_preset_list_whole() {
        let settings = applied(
            r#"{"world": {"users": [{"name": "zoe", "full_name": "Zoe Z"}], "domains": ["school.test"]}}"#,
            "default",
        )
        .unwrap();
        assert_eq!(
            settings.world.users,
            [User {
                name: "zoe".into(),
                full_name: "Zoe Z".into(),
                password: None
            }]
        );
        assert_eq!(settings.world.domains, ["school.test"]);
        assert_eq!(settings.world.aliases, World::default().aliases);
    }

    #[test]
    fn every_error_names_the_field_and_what_it_takes() {
        for (json, expected) in [
            (
                r#"{"profile": {"extensions": {"size": false, "pipelining": "yes"}}}"#,
                r#"profile.extensions.pipelining: must be true or false, got a string ("yes")"#,
            ),
            (
                r#"{"profile": {"vrfy": "maybe"}}"#,
                r#"profile.vrfy: must be one of "verify", "cannot-verify", "disabled", got a string ("maybe")"#,
            ),
            (
                r#"{"profile": {"requireHelo": true}}"#,
                "profile.requireHelo: unknown setting `requireHelo` (known: name, hostname, banner, ehlo, \
                 require_helo, require_tls_for_auth, strict_paths, bare_line_ending, reject_long_lines, vrfy, expn, help, \
                 extensions, enhanced_codes_from, message_size_limit, max_recipients, error_limit, \
                 idle_timeout_secs, faults)",
            ),
            (
                r#"{"world": {"usres": []}}"#,
                "world.usres: unknown setting `usres` (known: domains, users, aliases, lists)",
            ),
            (
                r#"{"world": {"users": [{"name": "dave"}]}}"#,
                "world.users[0].full_name: is missing (a string)",
            ),
            (
                r#"{"world": {"users": ["dave"]}}"#,
                r#"world.users[0]: must be an object, got a string ("dave")"#,
            ),
            (
                r#"{"world": {"users": [{"name": "d", "full_name": "D", "pasword": "x"}]}}"#,
                "world.users[0].pasword: unknown setting `pasword` (known: name, full_name, password)",
            ),
            (
                r#"{"world": {"domains": "example.com"}}"#,
                r#"world.domains: must be a list, got a string ("example.com")"#,
            ),
            (
                r#"{"world": {"domains": [1]}}"#,
                "world.domains[0]: must be a string, got a number (1)",
            ),
            (
                r#"{"world": {"aliases": [{"name": "a", "targets": "bob"}]}}"#,
                r#"world.aliases[0].targets: must be a list of strings, got a string ("bob")"#,
            ),
            (
                r#"{"profile": {"faults": {"reject": [{"verb": "FOO", "code": 550, "text": "no"}]}}}"#,
                r#"profile.faults.reject[0].verb: must be an SMTP command such as "DATA", got a string ("FOO")"#,
            ),
            (
                r#"{"profile": {"faults": {"reject": [{"verb": "DATA", "code": 550, "text": "no", "enhanced": "5.x"}]}}}"#,
                r#"profile.faults.reject[0].enhanced: must be an enhanced status code such as "5.7.1", got a string ("5.x")"#,
            ),
            (
                r#"{"profile": {"max_recipients": 1.5}}"#,
                "profile.max_recipients: must be a whole number from 0 to 4294967295, got a number (1.5)",
            ),
            (
                r#"{"profile": {"idle_timeout_secs": -1}}"#,
                "profile.idle_timeout_secs: must be a whole number from 0 to 1073741824, got a number (-1)",
            ),
            (
                r#"{"profile": {"faults": {"disconnect_after": "soon"}}}"#,
                r#"profile.faults.disconnect_after: must be a whole number from 0 to 4294967295, or null, got a string ("soon")"#,
            ),
            (
                r#"{"profile": {"faults": []}}"#,
                "profile.faults: must be an object, got an array",
            ),
            ("[1]", "must be an object, got an array"),
        ] {
            assert_eq!(applied(json, "default"), Err(expected.into()), "{json}");
        }
    }

    #[test]
    fn the_path_given_starts_every_field() {
        let mut profile = Profile::default();
        let error = apply_profile(&mut profile, &patch(r#"{"help": 1}"#), "server.profile");
        assert_eq!(
            error.unwrap_err().to_string(),
            "server.profile.help: must be true or false, got a number (1)"
        );
        let mut world = World::default();
        let error = apply_world(&mut world, &patch(r#"{"lists": [{}]}"#), "server.world");
        assert_eq!(
            error.unwrap_err(),
            PatchError {
                field: "server.world.lists[0].name".into(),
                problem: PatchProblem::Missing(Expected::Text),
            }
        );
    }

    #[test]
    fn every_extension_setting_is_read_by_its_registry_name() {
        for extension in Extension::ALL {
            let Some(name) = extension.setting() else {
                continue;
            };
            let mut settings = Settings::default();
            let json = format!(r#"{{"profile": {{"extensions": {{"{name}": false}}}}}}"#);
            apply_settings(&mut settings, &patch(&json), "").unwrap();
            assert_eq!(extension.flag(&settings.profile.extensions), Some(false));
            assert!(!settings.profile.offers_extension(extension), "{name}");
        }
    }

    /// Every field the engine serializes comes back whole through the
    /// reader: each preset, and settings with every value off its default.
    #[test]
    fn every_setting_round_trips_through_the_reader() {
        let mut unusual = Settings::preset("classic").unwrap();
        let profile = &mut unusual.profile;
        profile.name = "unusual".into();
        profile.hostname = "mx.school.test".into();
        profile.banner = "Welcome".into();
        profile.require_helo = true;
        profile.strict_paths = true;
        profile.bare_line_ending = BareLineEnding::Refuse;
        profile.reject_long_lines = true;
        profile.vrfy = VrfyPolicy::Disabled;
        profile.expn = ExpnPolicy::Disabled;
        profile.help = false;
        profile.extensions.dsn = true;
        profile.enhanced_codes_from = EnhancedCodesFrom::Ehlo;
        profile.message_size_limit = 1234;
        profile.max_recipients = 3;
        profile.error_limit = 4;
        profile.idle_timeout_secs = 60;
        profile.faults = Faults {
            reject: vec![
                RejectRule {
                    verb: Verb::Mail,
                    code: 451,
                    enhanced: EnhancedCode::parse("4.7.1"),
                    text: "Try later".into(),
                    times: Some(2),
                },
                RejectRule {
                    verb: Verb::Obsolete,
                    code: 502,
                    enhanced: None,
                    text: "No".into(),
                    times: None,
                },
            ],
            greylist: true,
            greylist_delay_secs: 30,
            disconnect_after: Some(5),
        };
        unusual.world = World {
            domains: vec!["school.test".into()],
            users: vec![User {
                name: "ann".into(),
                full_name: "Ann Example".into(),
                password: Some("secret".into()),
            }],
            aliases: vec![Alias {
                name: "postmaster".into(),
                targets: vec!["ann".into()],
            }],
            lists: vec![MailingList {
                name: "class".into(),
                description: "Everyone".into(),
                members: vec!["ann".into()],
            }],
        };
        let presets = crate::profile::PRESETS
            .iter()
            .map(|(name, _)| Settings::preset(name));
        for settings in presets.flatten().chain([unusual]) {
            let json = serde_json::to_string(&settings).unwrap();
            let mut read = Settings::preset("default").unwrap();
            read.profile.extensions = Extensions::NONE;
            apply_settings(&mut read, &patch(&json), "").unwrap();
            assert_eq!(read, settings, "{json}");
        }
    }

    #[test]
    fn json_values_become_patch_values() {
        assert_eq!(
            patch(r#"{"a": [null, true, 3, -3, 1.5, "x"], "a": {}}"#),
            Patch::Object(vec![("a".into(), Patch::Object(vec![]))])
        );
        assert_eq!(
            patch(r#"[null, true, 3, -3, 1.5, "x"]"#),
            Patch::List(vec![
                Patch::Null,
                Patch::Bool(true),
                Patch::Whole(3),
                Patch::Negative(-3),
                Patch::Fraction(1.5),
                Patch::Text("x".into()),
            ])
        );
        assert_eq!((&Patch::Fraction(300.0)).as_whole(400), Some(300));
        assert_eq!((&Patch::Whole(500)).as_whole(400), None);
    }
}
