//! The one page's second half: the sandbox (`index.html`) carries the
//! console alone, and the full app (lessons, packs, the mail network,
//! SPF/DKIM/DMARC) is a second build of this crate that the page loads the
//! first time a learner asks for it (the Lessons tab, a `#lesson=` deep
//! link, `?pack=`, a `dig` or a `telnet` to another host). The session
//! moves across in the address fragment, as a share link carries it.

/// The `<meta name=...>` in `dist/index.html` whose content is the full
/// app's script, relative to the page (`cargo xtask build` writes it).
pub const BUNDLE_META: &str = "smtplab-full-app";

/// The fragment pair that keeps a reload in the full app.
pub const MARKER: &str = "app=full";

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
let started;
export function start_full_app(script) {
  // One load per page; a failed one may be tried again.
  started ??= import(new URL(script, document.baseURI).href)
    .then((module) => module.default({
      module_or_path: new URL(script.replace(/\.js$/, '_bg.wasm'), document.baseURI),
    }))
    .catch((error) => { started = undefined; throw error; });
  return started;
}
"#)]
extern "C" {
    fn start_full_app(script: &str) -> js_sys::Promise;
}

/// The full app's script when this page can load it: in the sandbox build
/// of `index.html` only (the full app itself, tests and the widget have no
/// second half to load).
/// Read once: the tab row asks on every render.
pub fn bundle() -> Option<String> {
    if cfg!(feature = "lessons") || cfg!(not(target_arch = "wasm32")) {
        return None;
    }
    thread_local! {
        static SCRIPT: std::cell::OnceCell<Option<String>> = const { std::cell::OnceCell::new() };
    }
    SCRIPT.with(|script| script.get_or_init(bundle_in_page).clone())
}

fn bundle_in_page() -> Option<String> {
    let meta = web_sys::window()?
        .document()?
        .query_selector(&format!("meta[name='{BUNDLE_META}']"))
        .ok()??;
    meta.get_attribute("content").filter(|s| !s.is_empty())
}

/// Whether an address asks for what only the full app has: a lesson, a
/// teacher's pack, the Lessons tab, or the full app kept across a reload.
pub fn wanted_by(search: &str, fragment: &str) -> bool {
    let in_search = pairs(search).any(|pair| pair.starts_with("pack="));
    in_search
        || pairs(fragment)
            .any(|pair| pair.starts_with("lesson=") || pair == "tab=lessons" || pair == MARKER)
}

/// [`wanted_by`] for this page's address.
pub fn wanted_by_address() -> bool {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return false;
    };
    wanted_by(
        &location.search().unwrap_or_default(),
        &location.hash().unwrap_or_default(),
    )
}

/// The `name=value` pairs of a query or fragment (`?`/`#` and empty pairs left out).
pub fn pairs(part: &str) -> impl Iterator<Item = &str> {
    part.trim_start_matches(['?', '#'])
        .split('&')
        .filter(|pair| !pair.is_empty())
}

/// Starts the full app with `fragment` as the address's fragment (the
/// session it carries), then calls `then` with the outcome: Ok once the
/// full app has mounted, so the caller takes the sandbox down; Err (the
/// fragment put back) with a sentence for the learner.
#[cfg(target_arch = "wasm32")]
pub fn switch(script: String, fragment: String, then: impl FnOnce(Result<(), String>) + 'static) {
    let previous = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    replace_fragment(&fragment);
    wasm_bindgen_futures::spawn_local(async move {
        let outcome = wasm_bindgen_futures::JsFuture::from(start_full_app(&script)).await;
        then(outcome.map(|_| ()).map_err(|error| {
            replace_fragment(&previous);
            let reason = error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "unknown error".to_owned());
            crate::i18n::trf("The lessons and the mail network could not be loaded ({}). Check the connection and try again.", &[&reason])
        }))
    });
}

#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsCast;

/// Outside the browser there is no second half to start.
#[cfg(not(target_arch = "wasm32"))]
pub fn switch(_script: String, _fragment: String, then: impl FnOnce(Result<(), String>) + 'static) {
    then(Err("no browser".to_owned()))
}

thread_local! {
    /// How to take the mounted app down (set by `main.rs` once it mounts).
    static UNMOUNT: std::cell::RefCell<Option<Box<dyn FnOnce()>>> = const { std::cell::RefCell::new(None) };
}

/// Keeps how to take the mounted app down, for when the full app takes over.
pub fn keep_unmount(unmount: Box<dyn FnOnce()>) {
    UNMOUNT.with(|slot| *slot.borrow_mut() = Some(unmount));
}

/// Takes the mounted app down (once the full app has mounted beside it).
pub fn unmount() {
    if let Some(unmount) = UNMOUNT.with(|slot| slot.borrow_mut().take()) {
        unmount();
    }
}

/// Sets the address's fragment without a history entry or a reload
/// (`fragment` with or without its `#`; empty clears it).
pub fn replace_fragment(fragment: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let base = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    let fragment = fragment.trim_start_matches('#');
    let url = if fragment.is_empty() {
        base
    } else {
        format!("{base}#{fragment}")
    };
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lessons_packs_and_the_marker_want_the_full_app() {
        assert!(wanted_by("", "#lesson=dot-stuffing"));
        assert!(wanted_by("?pack=https%3A%2F%2Fx.example%2Fp.json", ""));
        assert!(wanted_by("?lang=zh-CN", "#p=default&tab=lessons"));
        assert!(wanted_by("", "#app=full"));
        assert!(wanted_by("", "#p=default&s=SEVMTw&app=full"));
    }

    #[test]
    fn a_shared_sandbox_session_stays_in_the_sandbox() {
        assert!(!wanted_by("", ""));
        assert!(!wanted_by("?lang=zh-CN", "#p=strict&s=SEVMTw"));
        // Only whole pairs count: a script or pair that merely contains the words does not.
        assert!(!wanted_by("?packs=1", "#p=default&xlesson=1&tab=lessonsx"));
    }

    #[test]
    fn pairs_skip_the_leading_mark_and_empty_pairs() {
        assert_eq!(pairs("#a=1&&b=2&").collect::<Vec<_>>(), vec!["a=1", "b=2"]);
        assert_eq!(pairs("?").count(), 0);
    }
}
