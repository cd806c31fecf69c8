//! The root component: the page layout, and the start-up that rebuilds a
//! shared session from the URL fragment.

use yew::prelude::*;

use crate::components::command_table::CommandTable;
use crate::components::console::Console;
use crate::components::explain::Explain;
use crate::components::guide_panel::GuidePanel;
#[cfg(feature = "lessons")]
use crate::components::lesson_list::LessonList;
#[cfg(feature = "lessons")]
use crate::components::lesson_panel::LessonPanel;
use crate::components::mailboxes::Mailboxes;
use crate::components::settings_panel::SettingsPanel;
use crate::components::state_diagram::StateDiagram;
use crate::components::toolbar::Toolbar;
use crate::components::wire_view::WireView;
#[cfg(feature = "lessons")]
use crate::lessons::LessonAction;
use crate::share::decode;
use crate::state::{Action, AppState, Tab};

/// The whole page.
#[component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);

    {
        let state = state.clone();
        use_effect_with((), move |_| start_from_address(&state));
    }
    #[cfg(feature = "lessons")]
    {
        // Keep the address a deep link to the open lesson.
        let lesson = state
            .lessons
            .open
            .as_ref()
            .map(|l| (l.pack.clone(), l.lesson.clone()));
        use_effect_with(lesson, |lesson| {
            if let Some((pack, id)) = lesson {
                let fragment = format!("#lesson={}", lesson_link(pack, id));
                if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                    let _ = history.replace_state_with_url(
                        &wasm_bindgen::JsValue::NULL,
                        "",
                        Some(&fragment),
                    );
                }
            }
        });
    }

    let lab = state.lab.borrow();
    let phase = lab.phase;
    let last_transition = lab.last_transition;
    let last_verb = lab.last_verb;
    drop(lab);

    let tab_button = |tab: Tab, label: &'static str| {
        let state = state.clone();
        let selected = state.tab == tab;
        let onclick = Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowTab(tab)));
        html! {
            <button type="button" role="tab" aria-selected={selected.to_string()} class={classes!(selected.then_some("active"))} {onclick}>{ label }</button>
        }
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Notice(None)))
    };

    html! {
        <div class="app">
            <header>
                <h1>{ "smtplab" }</h1>
                <p class="tagline">{ "Talk SMTP to a simulated mail server, right in this page." }</p>
            </header>
            if let Some(notice) = state.notice.clone() {
                <div class="notice" role="status">
                    <span>{ notice }</span>
                    <button type="button" aria-label="Dismiss" onclick={dismiss}>{ "×" }</button>
                </div>
            }
            <main class="layout">
                <div class="left">
                    { lesson_or_guide(&state) }
                    <StateDiagram {phase} {last_transition} />
                    <Toolbar state={state.clone()} />
                    if state.wire {
                        <WireView state={state.clone()} />
                    }
                    <Console state={state.clone()} />
                </div>
                <aside class="right">
                    <div role="tablist" aria-label="Panels" class="tabs">
                        { lessons_tab(&state) }
                        { tab_button(Tab::Explain, "Explain") }
                        { tab_button(Tab::Commands, "Commands") }
                        { tab_button(Tab::Mailboxes, "Mailboxes") }
                        { tab_button(Tab::Settings, "Settings") }
                    </div>
                    <div role="tabpanel" class="panel">
                        { match state.tab {
                            Tab::Explain => html! { <Explain state={state.clone()} /> },
                            Tab::Commands => html! { <CommandTable state={state.clone()} highlight={last_verb} /> },
                            Tab::Mailboxes => html! { <Mailboxes state={state.clone()} /> },
                            Tab::Settings => html! { <SettingsPanel state={state.clone()} /> },
                            Tab::Lessons => lesson_list(&state),
                        } }
                    </div>
                </aside>
            </main>
        </div>
    }
}

/// The lesson panel when a lesson is open, else the guided sessions.
fn lesson_or_guide(state: &UseReducerHandle<AppState>) -> Html {
    #[cfg(feature = "lessons")]
    if state.lessons.open.is_some() {
        return html! { <LessonPanel state={state.clone()} /> };
    }
    html! { <GuidePanel state={state.clone()} /> }
}

/// The Lessons tab; in the sandbox build (no lessons inside) a link to the
/// classroom page instead.
fn lessons_tab(state: &UseReducerHandle<AppState>) -> Html {
    #[cfg(feature = "lessons")]
    {
        let selected = state.tab == Tab::Lessons;
        let state = state.clone();
        let onclick =
            Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowTab(Tab::Lessons)));
        html! {
            <button type="button" role="tab" aria-selected={selected.to_string()} class={classes!(selected.then_some("active"))} {onclick}>{ "Lessons" }</button>
        }
    }
    #[cfg(not(feature = "lessons"))]
    {
        let _ = state;
        html! { <a class="tab-link" href="lessons.html">{ "Lessons ↗" }</a> }
    }
}

fn lesson_list(state: &UseReducerHandle<AppState>) -> Html {
    #[cfg(feature = "lessons")]
    {
        html! { <LessonList state={state.clone()} /> }
    }
    #[cfg(not(feature = "lessons"))]
    {
        let _ = state;
        html! {}
    }
}

/// `pack/lesson` for a teacher's lesson, just `lesson` for a built-in one.
#[cfg(feature = "lessons")]
fn lesson_link(pack: &str, lesson: &str) -> String {
    if pack == smtplab_lessons::BUILTIN_PACK_ID {
        lesson.to_owned()
    } else {
        format!("{pack}/{lesson}")
    }
}

/// Reads the address: `#p=...&s=...` replays a shared session; lesson
/// links are handled by [`open_from_address`].
fn start_from_address(state: &UseReducerHandle<AppState>) {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return;
    };
    let fragment = location.hash().unwrap_or_default();
    if open_from_address(state, &location, &fragment) {
        return;
    }
    match decode(&fragment) {
        Ok(Some(shared)) => state.dispatch(Action::Restore(shared)),
        Ok(None) => {}
        Err(message) => state.dispatch(Action::Notice(Some(message))),
    }
}

/// Lesson links on the sandbox page go to the classroom page.
#[cfg(not(feature = "lessons"))]
fn open_from_address(
    _state: &UseReducerHandle<AppState>,
    location: &web_sys::Location,
    fragment: &str,
) -> bool {
    let search = location.search().unwrap_or_default();
    if fragment.starts_with("#lesson=") || search.contains("pack=") {
        let _ = location.replace(&format!("lessons.html{search}{fragment}"));
        return true;
    }
    false
}

/// `#lesson=ID` (or `#lesson=PACK/ID`) opens a lesson, and `?pack=URL`
/// fetches a teacher's pack first. Returns whether the address asked for
/// either.
#[cfg(feature = "lessons")]
fn open_from_address(
    state: &UseReducerHandle<AppState>,
    location: &web_sys::Location,
    fragment: &str,
) -> bool {
    let lesson = fragment.strip_prefix("#lesson=").map(decode_component);
    let pack_url = location.search().ok().and_then(|search| {
        search
            .trim_start_matches('?')
            .split('&')
            .find_map(|pair| pair.strip_prefix("pack=").map(decode_component))
    });
    if let Some(url) = pack_url {
        let state = state.clone();
        let open = lesson.map(|l| l.rsplit('/').next().unwrap_or_default().to_owned());
        yew::platform::spawn_local(async move {
            match fetch_text(&url).await {
                Ok(json) => state.dispatch(Action::Lesson(LessonAction::LoadPack {
                    json,
                    source: url,
                    open,
                })),
                Err(error) => state.dispatch(Action::Notice(Some(format!(
                    "Could not load the lesson pack from {url}: {error}"
                )))),
            }
        });
        return true;
    }
    if let Some(lesson) = lesson {
        let (pack, id) = lesson.split_once('/').map_or(
            (smtplab_lessons::BUILTIN_PACK_ID.to_owned(), lesson.clone()),
            |(p, l)| (p.to_owned(), l.to_owned()),
        );
        state.dispatch(Action::Lesson(LessonAction::Open(pack, id)));
        return true;
    }
    false
}

/// Undoes URL percent-encoding (`%2F` and friends) in one address part.
#[cfg(feature = "lessons")]
fn decode_component(text: &str) -> String {
    js_sys::decode_uri_component(text)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| text.to_owned())
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

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    //! Renders the whole app into a real browser DOM and drives it the way a
    //! learner would (`cargo xtask test`, wasm tests step).

    use std::time::Duration;

    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
    use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

    use super::App;

    wasm_bindgen_test_configure!(run_in_browser);

    async fn settle() {
        yew::platform::time::sleep(Duration::from_millis(20)).await;
    }

    /// Waits (up to ~2 s) until `selector` in `root` has text containing `needle`.
    async fn wait_for_text(root: &Element, selector: &str, needle: &str) -> Element {
        for _ in 0..100 {
            if let Some(found) = root.query_selector(selector).unwrap() {
                if found.text_content().unwrap_or_default().contains(needle) {
                    return found;
                }
            }
            settle().await;
        }
        panic!(
            "{selector} never showed {needle:?}; DOM: {}",
            root.inner_html()
        );
    }

    fn mount() -> Element {
        let document = web_sys::window().unwrap().document().unwrap();
        let root = document.create_element("div").unwrap();
        document.body().unwrap().append_child(&root).unwrap();
        yew::Renderer::<App>::with_root(root.clone()).render();
        root
    }

    async fn type_line(root: &Element, text: &str) {
        let input: HtmlInputElement = root
            .query_selector("input[aria-label='Command']")
            .unwrap()
            .expect("command input")
            .dyn_into()
            .unwrap();
        input.set_value(text);
        let init = KeyboardEventInit::new();
        init.set_key("Enter");
        init.set_bubbles(true);
        init.set_cancelable(true);
        let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
        input.dispatch_event(&event).unwrap();
        settle().await;
    }

    #[wasm_bindgen_test]
    async fn telnet_connects_and_replies_are_explained_on_click() {
        let root = mount();
        wait_for_text(&root, "h1", "smtplab").await;
        type_line(&root, "telnet localhost smtp").await;
        wait_for_text(&root, "[role=log]", "220 mail.example.com ESMTP smtplab").await;
        type_line(&root, "RCPT TO:<bob@example.com>").await;
        let log = wait_for_text(&root, "[role=log]", "503 5.5.1 Error: need MAIL command").await;
        // The newest reply is explained at once.
        wait_for_text(&root, "[role=tabpanel]", "Bad sequence of commands").await;
        // Clicking the greeting explains the greeting instead.
        let greeting: HtmlElement = log
            .query_selector("button.reply")
            .unwrap()
            .expect("a reply button")
            .dyn_into()
            .unwrap();
        greeting.click();
        wait_for_text(&root, "[role=tabpanel]", "Service ready").await;
        // The state diagram marks the current state.
        wait_for_text(&root, ".state.current", "Connected").await;
    }

    #[wasm_bindgen_test]
    async fn command_table_try_it_fills_the_input() {
        let root = mount();
        wait_for_text(&root, "h1", "smtplab").await;
        let tab: HtmlElement = root
            .query_selector_all("[role=tab]")
            .unwrap()
            .item(1)
            .expect("Commands tab")
            .dyn_into()
            .unwrap();
        tab.click();
        let table = wait_for_text(&root, "table[aria-label='SMTP commands']", "VRFY").await;
        let rows = table.query_selector_all("tbody tr").unwrap();
        assert!(rows.length() >= 11, "every seed command and EHLO has a row");
        let try_vrfy: HtmlElement = table
            .query_selector("button[aria-label='Try VRFY']")
            .unwrap()
            .expect("Try VRFY")
            .dyn_into()
            .unwrap();
        try_vrfy.click();
        settle().await;
        let input: HtmlInputElement = root
            .query_selector("input[aria-label='Command']")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        assert_eq!(input.value(), "VRFY alice");
    }
}
