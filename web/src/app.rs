//! The root component: the page layout, and the start-up that rebuilds a
//! shared session from the URL fragment.

use yew::prelude::*;

use crate::components::command_table::CommandTable;
use crate::components::console::Console;
use crate::components::explain::Explain;
use crate::components::guide_panel::GuidePanel;
use crate::components::mailboxes::Mailboxes;
use crate::components::settings_panel::SettingsPanel;
use crate::components::state_diagram::StateDiagram;
use crate::components::toolbar::Toolbar;
use crate::components::wire_view::WireView;
use crate::share::decode;
use crate::state::{Action, AppState, Tab};

/// The whole page.
#[component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);

    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let fragment = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            match decode(&fragment) {
                Ok(Some(shared)) => state.dispatch(Action::Restore(shared)),
                Ok(None) => {}
                Err(message) => state.dispatch(Action::Notice(Some(message))),
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
                    <GuidePanel state={state.clone()} />
                    <StateDiagram {phase} {last_transition} />
                    <Toolbar state={state.clone()} />
                    if state.wire {
                        <WireView state={state.clone()} />
                    }
                    <Console state={state.clone()} />
                </div>
                <aside class="right">
                    <div role="tablist" aria-label="Panels" class="tabs">
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
                        } }
                    </div>
                </aside>
            </main>
        </div>
    }
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
