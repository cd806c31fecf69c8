//! Keep and share: copy or download the transcript, make a share link or
//! an embed snippet of the session, switch to the wire view.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::i18n::tr;
use crate::share::{embed_snippet, encode, Shared};

/// Props of [`Toolbar`].
#[derive(Properties, PartialEq)]
pub struct ToolbarProps {
    /// The session as a share link or snippet carries it.
    pub shared: Rc<Shared>,
    /// Whether the wire view is on.
    pub wire: bool,
    /// The transcript as text, made on demand.
    pub export_text: Callback<(), String>,
    /// A confirmation or error for the learner.
    pub on_notice: Callback<String>,
    /// Wire view on or off.
    pub on_toggle_wire: Callback<()>,
}

fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    // The promise is left to settle on its own; failure shows up as the
    // text staying where the learner can copy it by hand.
    let _ = window.navigator().clipboard().write_text(text);
    true
}

fn download(name: &str, text: &str) -> Result<(), String> {
    download_as(name, text, "text/plain;charset=utf-8")
}

/// Offers `text` as a file download named `name` of MIME type `mime`.
pub(crate) fn download_as(name: &str, text: &str, mime: &str) -> Result<(), String> {
    let failed = |_| tr("The browser refused to create the download.").to_owned();
    let window = web_sys::window().ok_or("No window")?;
    let document = window.document().ok_or("No document")?;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
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

/// The share link for `shared` on this page, also put into the address bar.
fn share_link(shared: &Shared) -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let fragment = encode(shared);
    let link = format!(
        "{}{}{}{fragment}",
        location.origin().ok()?,
        location.pathname().ok()?,
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&fragment));
    }
    Some(link)
}

/// The embed snippet for `shared`, or why there is none.
fn snippet(shared: &Shared) -> Result<String, String> {
    if shared.lesson.as_deref().is_some_and(|l| l.contains('/')) {
        return Err(tr("Lessons from a teacher's pack cannot be embedded: the widget knows only the built-in lessons. Share the link instead.").into());
    }
    let location = web_sys::window().ok_or("No window")?.location();
    let page = location.href().unwrap_or_default();
    let page = page.split(['#', '?']).next().unwrap_or_default();
    // The site's folder: the page URL up to its last slash.
    let base = &page[..page.rfind('/').map_or(page.len(), |i| i + 1)];
    Ok(embed_snippet(base, shared))
}

fn on_share(
    props: &ToolbarProps,
    notice: Callback<String>,
    shown: UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    let shared = props.shared.clone();
    Callback::from(move |_: MouseEvent| {
        let Some(link) = share_link(&shared) else {
            return;
        };
        copy_to_clipboard(&link);
        shown.set(Some(link));
        notice.emit(tr("Share link copied. Anyone opening it sees this session replayed, on the same server settings.").into());
    })
}

fn on_embed(
    props: &ToolbarProps,
    notice: Callback<String>,
    shown: UseStateHandle<Option<String>>,
) -> Callback<MouseEvent> {
    let shared = props.shared.clone();
    Callback::from(move |_: MouseEvent| match snippet(&shared) {
        Ok(text) => {
            copy_to_clipboard(&text);
            shown.set(Some(text));
            notice.emit(
                tr("Embed snippet copied: paste it into any HTML page (or use the iframe form).")
                    .into(),
            );
        }
        Err(why) => notice.emit(why),
    })
}

/// The buttons above the console.
#[component(Toolbar)]
pub fn toolbar(props: &ToolbarProps) -> Html {
    let shown_link = use_state(|| None::<String>);
    let shown_snippet = use_state(|| None::<String>);
    let notice = props.on_notice.clone();
    let on_copy = {
        let (export, notice) = (props.export_text.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            notice.emit(if copy_to_clipboard(&export.emit(())) {
                tr("Transcript copied to the clipboard.").into()
            } else {
                tr("Copying is not available here; use Download instead.").into()
            });
        })
    };
    let on_download = {
        let (export, notice) = (props.export_text.clone(), notice.clone());
        Callback::from(move |_: MouseEvent| {
            notice.emit(match download("smtplab-transcript.txt", &export.emit(())) {
                Ok(()) => tr("Transcript downloaded as smtplab-transcript.txt.").to_owned(),
                Err(error) => error,
            });
        })
    };
    let on_share = on_share(props, notice.clone(), shown_link.clone());
    let on_embed = on_embed(props, notice, shown_snippet.clone());
    let on_wire = props.on_toggle_wire.reform(|_: MouseEvent| ());
    html! {
        <div class="toolbar">
            <button type="button" onclick={on_copy}>{ tr("Copy transcript") }</button>
            <button type="button" onclick={on_download}>{ tr("Download") }</button>
            <button type="button" onclick={on_share}>{ tr("Share link") }</button>
            <button type="button" onclick={on_embed}>{ tr("Embed this") }</button>
            <button type="button" aria-pressed={props.wire.to_string()} onclick={on_wire}>{ tr("Wire view") }</button>
            if let Some(link) = (*shown_link).clone() {
                <input class="share-link" type="text" readonly=true aria-label={tr("Share link")} value={link} />
            }
            if let Some(text) = (*shown_snippet).clone() {
                <textarea class="snippet" readonly=true aria-label={tr("Embed snippet")} rows="6" value={text} />
            }
        </div>
    }
}
