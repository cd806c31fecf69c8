//! The language explanations are written in: English as in the source, or
//! whatever a translation table installed with [`set_table`] says (the
//! page's Transcript tab hands over its zh-CN table). Every learner-facing
//! text goes through [`t`] or [`tf`] with its English text as the key, so
//! `web/tests/i18n.rs` finds each key in the source and fails on a missing
//! translation. SMTP lines and RFC references are never translated.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Display;

thread_local! {
    static TABLE: RefCell<BTreeMap<String, String>> = const { RefCell::new(BTreeMap::new()) };
}

/// Explanations from now on read through `table` (English text ->
/// translation); an empty table means English.
pub fn set_table(table: BTreeMap<String, String>) {
    TABLE.with(|t| *t.borrow_mut() = table);
}

/// `english` in the installed language (itself without a translation).
pub fn t(english: &str) -> String {
    TABLE.with(|table| {
        table
            .borrow()
            .get(english)
            .filter(|translated| !translated.is_empty())
            .map_or_else(|| english.to_owned(), Clone::clone)
    })
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

    #[test]
    fn a_table_translates_and_english_is_the_fallback() {
        assert_eq!(tf("{} of {} lines", &[&1, &"two"]), "1 of two lines");
        set_table(BTreeMap::from([(
            "{} of {} lines".to_owned(),
            "{} / {} 行".to_owned(),
        )]));
        assert_eq!(tf("{} of {} lines", &[&1, &2]), "1 / 2 行");
        assert_eq!(t("Not in the table"), "Not in the table");
        set_table(BTreeMap::new());
        assert_eq!(t("{} of {} lines"), "{} of {} lines");
    }
}
