//! The page address: what it asks for at start-up (`#p=...&s=...` replays a
//! shared session, `#lesson=...` opens a lesson, `?pack=URL` fetches a
//! teacher's pack, `tab=lessons` shows the Lessons tab, `app=full` keeps a
//! reload in the full app), and the deep link kept while a lesson is open.

use yew::UseReducerHandle;

use crate::i18n::tr;
use crate::share::decode;
use crate::state::{Action, AppState};

/// Reads the address once the app is mounted. `load_failed`: the sandbox
/// mounted because the full app, which the address asks for, did not load
/// (the page says so already).
pub fn start_from_address(state: &UseReducerHandle<AppState>, load_failed: bool) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let fragment = location.hash().unwrap_or_default();
    let search = location.search().unwrap_or_default();
    #[cfg(feature = "lessons")]
    if let Some(url) = pack_url(&search) {
        fetch_pack_then_open(state, url, fragment);
        return;
    }
    if !cfg!(feature = "lessons") && crate::full_app::wanted_by(&search, &fragment) {
        if !load_failed {
            state.dispatch(Action::Notice(Some(
                tr("This page was built without the lessons and the mail network (run cargo xtask build).").to_owned(),
            )));
        }
        if has_pair(&fragment, "lesson=") {
            return;
        }
    }
    restore(state, &fragment);
}

/// Replays the session the fragment carries, then shows the tab it names;
/// the full app keeps only its marker, so a reload stays in it without
/// replaying the session twice.
fn restore(state: &UseReducerHandle<AppState>, fragment: &str) {
    match decode(fragment) {
        Ok(Some(shared)) => state.dispatch(Action::Restore(shared)),
        Ok(None) => {}
        Err(message) => state.dispatch(Action::Notice(Some(message))),
    }
    if cfg!(feature = "lessons") {
        if has_pair(fragment, "tab=lessons") {
            state.dispatch(Action::ShowTab(crate::tab::Tab::Lessons));
        }
        if has_pair(fragment, crate::full_app::MARKER) && !has_pair(fragment, "lesson=") {
            crate::full_app::replace_fragment(crate::full_app::MARKER);
        }
    }
}

/// Whether the query or fragment holds a pair starting with `start`.
fn has_pair(part: &str, start: &str) -> bool {
    crate::full_app::pairs(part).any(|pair| pair.starts_with(start))
}

/// Keeps the address a deep link to the open lesson.
#[cfg(feature = "lessons")]
pub fn keep_lesson_link(lesson: Option<&(String, String)>) {
    let Some((pack, id)) = lesson else {
        return;
    };
    let link = if pack == smtplab_lessons::BUILTIN_PACK_ID {
        id.clone()
    } else {
        format!("{pack}/{id}")
    };
    crate::full_app::replace_fragment(&format!("lesson={link}"));
}

#[cfg(feature = "lessons")]
fn pack_url(search: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("pack="))
        .map(|url| {
            js_sys::decode_uri_component(url)
                .ok()
                .and_then(|s| s.as_string())
                .unwrap_or_else(|| url.to_owned())
        })
}

/// `?pack=URL`: fetches the pack (again on every visit: the teacher may
/// update it), then opens what the fragment asks for.
#[cfg(feature = "lessons")]
fn fetch_pack_then_open(state: &UseReducerHandle<AppState>, url: String, fragment: String) {
    use crate::lessons::LessonAction;
    let state = state.clone();
    yew::platform::spawn_local(async move {
        match fetch_text(&url).await {
            Ok(json) => {
                state.dispatch(Action::Lesson(LessonAction::LoadPack {
                    json,
                    source: url,
                    open: None,
                    keep: false,
                }));
                match decode(&fragment) {
                    Ok(Some(shared)) => state.dispatch(Action::Restore(shared)),
                    Ok(None) => {}
                    Err(message) => state.dispatch(Action::Notice(Some(message))),
                }
            }
            Err(error) => state.dispatch(Action::Notice(Some(crate::i18n::trf(
                "Could not load the lesson pack from {}: {}",
                &[&url, &error],
            )))),
        }
    });
}

/// GETs a URL and returns its body, or a sentence saying what went wrong.
#[cfg(feature = "lessons")]
async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|_| "the address could not be reached (offline, wrong address, or the server does not allow this page to read it)".to_owned())?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| "not an HTTP response".to_owned())?;
    if !response.ok() {
        return Err(format!(
            "the server answered HTTP {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let body = response
        .text()
        .map_err(|_| "the body could not be read".to_owned())?;
    JsFuture::from(body)
        .await
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| "the body is not text".to_owned())
}
