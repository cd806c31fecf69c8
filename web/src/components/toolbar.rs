//! Keep and share: copy or download the transcript, make a share link,
//! switch to the wire view.

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::share::{embed_snippet, encode, Shared};
use crate::state::{Action, AppState};

/// Props of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
}

fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let clipboard = window.navigator().clipboard();
    // The promise is left to settle on its own; failure shows up as the
    // text staying where the learner can copy it by hand.
    let _ = clipboard.write_text(text);
    true
}

fn download(name: &str, text: &str) -> Result<(), String> {
    let failed = |_| "The browser refused to create the download.".to_owned();
    let window = web_sys::window().ok_or("No window")?;
    let document = window.document().ok_or("No document")?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(failed)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(failed)?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(failed)?
        .dyn_into()
        .map_err(|_| "No anchor".to_owned())?;
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The buttons above the console.
#[component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let share_link = use_state(|| None::<String>);
    let snippet = use_state(|| None::<String>);
    let state = props.state.clone();
    let current = {
        let state = state.clone();
        move || {
            let lab = state.lab.borrow();
            Shared {
                profile: lab.profile_name.trim_end_matches(" (custom)").to_owned(),
                script: lab.script.clone(),
            }
        }
    };

    let on_copy = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let text = state.lab.borrow().export_text();
            let message = if copy_to_clipboard(&text) {
                "Transcript copied to the clipboard."
            } else {
                "Copying is not available here; use Download instead."
            };
            state.dispatch(Action::Notice(Some(message.into())));
        })
    };
    let on_download = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            let text = state.lab.borrow().export_text();
            let notice = match download("smtplab-transcript.txt", &text) {
                Ok(()) => "Transcript downloaded as smtplab-transcript.txt.".to_owned(),
                Err(error) => error,
            };
            state.dispatch(Action::Notice(Some(notice)));
        })
    };
    let on_share = {
        let state = state.clone();
        let share_link = share_link.clone();
        let current = current.clone();
        Callback::from(move |_: MouseEvent| {
            let fragment = encode(&current());
            let Some(window) = web_sys::window() else {
                return;
            };
            let location = window.location();
            let base = format!(
                "{}{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            );
            let link = format!("{base}{fragment}");
            if let Ok(history) = window.history() {
                let _ = history.replace_state_with_url(
                    &wasm_bindgen::JsValue::NULL,
                    "",
                    Some(&fragment),
                );
            }
            copy_to_clipboard(&link);
            share_link.set(Some(link));
            state.dispatch(Action::Notice(Some(
                "Share link copied. Anyone opening it sees this session replayed (custom toggles are not included, only the profile).".into(),
            )));
        })
    };
    let on_embed = {
        let state = state.clone();
        let snippet = snippet.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(location) = web_sys::window().map(|w| w.location()) else {
                return;
            };
            let page = location.href().unwrap_or_default();
            let page = page.split(['#', '?']).next().unwrap_or_default();
            // The site's folder: the page URL up to its last slash.
            let base = &page[..page.rfind('/').map_or(page.len(), |i| i + 1)];
            let text = embed_snippet(base, &current());
            copy_to_clipboard(&text);
            snippet.set(Some(text));
            state.dispatch(Action::Notice(Some(
                "Embed snippet copied: paste it into any HTML page (or use the iframe form)."
                    .into(),
            )));
        })
    };
    let on_wire = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::ToggleWire))
    };
    html! {
        <div class="toolbar">
            <button type="button" onclick={on_copy}>{ "Copy transcript" }</button>
            <button type="button" onclick={on_download}>{ "Download" }</button>
            <button type="button" onclick={on_share}>{ "Share link" }</button>
            <button type="button" onclick={on_embed}>{ "Embed this" }</button>
            <button type="button" aria-pressed={state.wire.to_string()} onclick={on_wire}>{ "Wire view" }</button>
            if let Some(link) = (*share_link).clone() {
                <input class="share-link" type="text" readonly=true aria-label="Share link" value={link} />
            }
            if let Some(text) = (*snippet).clone() {
                <textarea class="snippet" readonly=true aria-label="Embed snippet" rows="6" value={text} />
            }
        </div>
    }
}
