//! The page's language: English (built in) or Simplified Chinese, whose
//! table (`i18n/zh-CN.json`, English text -> translation) is fetched the
//! first time it is chosen, so the wasm carries no translations.
//!
//! [`tr`] looks a learner-visible English text up; the English text is the
//! key. SMTP on the wire never goes through it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

/// A language the page can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English, the texts as written in the code.
    #[default]
    En,
    /// Simplified Chinese, from `i18n/zh-CN.json`.
    ZhCn,
}

impl Lang {
    /// Every language, in the order the language menu lists them.
    pub const ALL: [Self; 2] = [Self::En, Self::ZhCn];

    /// The BCP 47 tag (`<html lang>`, `?lang=`, `&l=`).
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::ZhCn => "zh-CN",
        }
    }

    /// The language's own name, for the menu.
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::ZhCn => "简体中文",
        }
    }

    /// The language a tag names (`zh`, `zh-CN`, `zh-Hans`... are Chinese).
    pub fn from_tag(tag: &str) -> Option<Self> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Self::ZhCn)
        } else if tag.starts_with("en") {
            Some(Self::En)
        } else {
            None
        }
    }
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
    static TABLE: RefCell<HashMap<&'static str, &'static str>> = RefCell::new(HashMap::new());
    static TABLE_JSON: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The language texts are shown in now.
pub fn current() -> Lang {
    CURRENT.with(Cell::get)
}

/// Shows texts in `lang` from now on (English until its table is loaded).
pub fn set_current(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// Whether the zh-CN table has been loaded.
pub fn table_loaded() -> bool {
    TABLE.with(|t| !t.borrow().is_empty())
}

/// Installs the zh-CN table (pairs of English text and translation).
pub fn install_table(pairs: impl IntoIterator<Item = (String, String)>) {
    let table: HashMap<&'static str, &'static str> = pairs
        .into_iter()
        .map(|(english, chinese)| {
            let english: &'static str = Box::leak(english.into_boxed_str());
            let chinese: &'static str = Box::leak(chinese.into_boxed_str());
            (english, chinese)
        })
        .collect();
    TABLE.with(|t| *t.borrow_mut() = table);
}

/// The loaded table's JSON text while a language other than English is
/// shown, for the explainer module (which reads it itself); else `None`.
pub fn table_json() -> Option<String> {
    if current() == Lang::En {
        return None;
    }
    TABLE_JSON.with(|json| Some(json.borrow().clone()).filter(|json| !json.is_empty()))
}

/// The text in the current language: the translation of `english`, or
/// `english` itself when the language is English or has no translation.
pub fn tr(english: &'static str) -> &'static str {
    if current() == Lang::En {
        return english;
    }
    TABLE.with(|t| t.borrow().get(english).copied().unwrap_or(english))
}

/// [`tr`] of a template, then each `{}` in it replaced by the next of
/// `values` (translations may move the `{}`s but keep their order).
pub fn trf(template: &'static str, values: &[&str]) -> String {
    let mut out = String::new();
    let mut parts = tr(template).split("{}");
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (index, part) in parts.enumerate() {
        out.push_str(values.get(index).copied().unwrap_or_default());
        out.push_str(part);
    }
    out
}

/// The language the address asks for: `?lang=` first, then a share link's
/// `&l=` in the fragment.
pub fn lang_in_address(search: &str, fragment: &str) -> Option<Lang> {
    let query = search.trim_start_matches('?').split('&');
    let fragment_pairs = fragment.trim_start_matches('#').split('&');
    query
        .filter_map(|pair| pair.strip_prefix("lang="))
        .chain(fragment_pairs.filter_map(|pair| pair.strip_prefix("l=")))
        .find_map(Lang::from_tag)
}

/// The language to start in: the address's, else the browser's (Chinese
/// when `navigator.language` starts with `zh`), else English.
pub fn initial_lang() -> Lang {
    let Some(window) = web_sys::window() else {
        return Lang::En;
    };
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let fragment = location.hash().unwrap_or_default();
    lang_in_address(&search, &fragment)
        .or_else(|| {
            window
                .navigator()
                .language()
                .filter(|tag| tag.to_ascii_lowercase().starts_with("zh"))
                .map(|_| Lang::ZhCn)
        })
        .unwrap_or(Lang::En)
}

/// Sets `<html lang>` and, with `write_address`, the address's `?lang=`
/// (no reload, fragment kept).
pub fn show_in_page(lang: Lang, write_address: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", lang.tag());
    }
    if !write_address {
        return;
    }
    let location = window.location();
    let search = location.search().unwrap_or_default();
    let mut pairs: Vec<String> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
        .map(str::to_owned)
        .collect();
    pairs.push(format!("lang={}", lang.tag()));
    let address = format!(
        "{}?{}{}",
        location.pathname().unwrap_or_default(),
        pairs.join("&"),
        location.hash().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&address));
    }
}

/// Fetches and installs the zh-CN table (once per page); `Err` is a
/// sentence for the notice.
pub async fn load_table() -> Result<(), String> {
    if table_loaded() {
        return Ok(());
    }
    let installed = match fetch_text("i18n/zh-CN.json").await {
        Ok(text) => install_json(text),
        Err(problem) => Err(problem),
    };
    installed.map_err(|problem| {
        format!("The Chinese texts could not be loaded ({problem}); the page stays in English.")
    })
}

/// Installs the zh-CN table from its JSON text (a widget's page fetched
/// it), unless one is installed already; `Err` says what is wrong with it.
pub fn install_json(text: String) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    if table_loaded() {
        return Ok(());
    }
    let parsed = js_sys::JSON::parse(&text).map_err(|_| "the file is not JSON".to_owned())?;
    let object: js_sys::Object = parsed
        .dyn_into()
        .map_err(|_| "the file is not a JSON object".to_owned())?;
    let pairs: Vec<(String, String)> = js_sys::Object::entries(&object)
        .iter()
        .filter_map(|entry| {
            let pair: js_sys::Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect();
    install_table(pairs);
    TABLE_JSON.with(|json| *json.borrow_mut() = text);
    Ok(())
}

/// GETs a text file.
async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| "the server could not be reached".to_owned())?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "not an HTTP response".to_owned())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = response
        .text()
        .map_err(|_| "the body could not be read".to_owned())?;
    JsFuture::from(text)
        .await
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| "the body is not text".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_names_the_language() {
        assert_eq!(lang_in_address("?lang=zh-CN", ""), Some(Lang::ZhCn));
        assert_eq!(
            lang_in_address("", "#p=default&l=zh-CN&s="),
            Some(Lang::ZhCn)
        );
        assert_eq!(lang_in_address("?lang=en", "#l=zh-CN"), Some(Lang::En));
        assert_eq!(lang_in_address("?pack=x", "#p=default"), None);
    }

    #[test]
    fn translations_fall_back_to_english() {
        install_table([("Hello {}".to_owned(), "你好 {}".to_owned())]);
        set_current(Lang::ZhCn);
        assert_eq!(trf("Hello {}", &["Bob"]), "你好 Bob");
        assert_eq!(tr("Untranslated"), "Untranslated");
        set_current(Lang::En);
        assert_eq!(trf("Hello {}", &["Bob"]), "Hello Bob");
    }
}
