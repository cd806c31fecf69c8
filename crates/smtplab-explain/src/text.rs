//! The language explanations are written in: English as in the source, or
//! whatever a lookup installed with [`set_lookup`] returns (the page's
//! Transcript tab hands its zh-CN table to the explainer module, which
//! looks texts up in it). Every learner-facing text goes through [`t`] or
//! [`tf`] with its English text as the key, so `web/tests/i18n.rs` finds
//! each key in the source and fails on a missing translation. SMTP lines
//! and RFC references are never translated.

use std::cell::Cell;
use std::fmt::Display;

/// A translation of an English text, or `None` to keep the English.
pub type Lookup = fn(&str) -> Option<String>;

thread_local! {
    static LOOKUP: Cell<Option<Lookup>> = const { Cell::new(None) };
}

/// Explanations from now on read through `lookup`; `None` means English.
pub fn set_lookup(lookup: Option<Lookup>) {
    LOOKUP.with(|l| l.set(lookup));
}

/// `english` in the installed language (itself without a translation).
pub fn t(english: &str) -> String {
    LOOKUP
        .with(Cell::get)
        .and_then(|lookup| lookup(english))
        .filter(|translated| !translated.is_empty())
        .unwrap_or_else(|| english.to_owned())
}

/// [`t`] of a template, then each `{}` replaced by the next of `values`
/// (a translation may move the `{}`s but keeps their order).
pub fn tf(template: &str, values: &[&dyn Display]) -> String {
    let translated = t(template);
    let mut parts = translated.split("{}");
    let mut out = parts.next().unwrap_or_default().to_owned();
    for (index, part) in parts.enumerate() {
        if let Some(value) = values.get(index) {
            out.push_str(&value.to_string());
        }
        out.push_str(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn made_up(english: &str) -> Option<String> {
        (english == "{} of {} lines").then(|| "{} / {} 行".to_owned())
    }

    #[test]
    fn a_lookup_translates_and_english_is_the_fallback() {
        assert_eq!(tf("{} of {} lines", &[&1, &"two"]), "1 of two lines");
        set_lookup(Some(made_up));
        assert_eq!(tf("{} of {} lines", &[&1, &2]), "1 / 2 行");
        assert_eq!(t("Not in the table"), "Not in the table");
        set_lookup(None);
        assert_eq!(t("{} of {} lines"), "{} of {} lines");
    }
}
