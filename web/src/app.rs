//! The root component: the page layout, the tab list from the panel
//! registry, and the start-up that rebuilds a shared session (or opens a
//! lesson) from the address.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::console::{Console, ConsoleCallbacks, Prompt};
use crate::components::guide_panel::GuidePanel;
use crate::components::state_diagram::StateDiagram;
use crate::components::toolbar::Toolbar;
use crate::components::wire_view::WireView;
use crate::i18n::{tr, Lang};
use crate::panels::{panel, tab_id, PANELS};
use crate::share::Shared;
use crate::state::{Action, AppState};

/// What the page hands the app when it mounts it.
#[derive(Properties, PartialEq, Default)]
pub struct AppProps {
    /// A problem to show at once (the full app could not be loaded, so the
    /// sandbox mounted instead).
    #[prop_or_default]
    pub problem: Option<String>,
}

/// The whole page.
#[component(App)]
pub fn app(props: &AppProps) -> Html {
    let state = use_reducer(AppState::default);
    let lang = use_state(crate::i18n::current);
    {
        let state = state.clone();
        let lang = lang.clone();
        let problem = props.problem.clone();
        use_effect_with((), move |_| start_up(state, lang, problem));
    }
    #[cfg(feature = "lessons")]
    {
        let lesson = state
            .lessons
            .open
            .as_ref()
            .map(|l| (l.pack.clone(), l.lesson.clone()));
        use_effect_with(lesson, |lesson| {
            crate::address::keep_lesson_link(lesson.as_ref())
        });
    }
    use_network_switch(&state);
    let lab = state.lab.borrow();
    let (phase, last_transition) = (lab.phase, lab.last_transition);
    let transcript = state
        .wire
        .then(|| AttrValue::from(lab.transcript.render(true)));
    drop(lab);
    html! {
        <div class="app" key={lang.tag()}>
            <header>
                <h1>{ "smtplab" }</h1>
                <p class="tagline">{ tr("Talk SMTP to a simulated mail server, right in this page.") }</p>
                { language_menu(&state, &lang) }
            </header>
            { notice(&state) }
            <main class="layout">
                <div class="left">
                    // The console comes first, so the first screen shows the
                    // prompt; an open lesson stays above it (it says what to do).
                    if lesson_open(&state) {
                        { lesson_or_guide(&state) }
                    }
                    { console(&state, false, None, true) }
                    { toolbar(&state) }
                    if let Some(text) = transcript {
                        <WireView {text} />
                    }
                    <StateDiagram {phase} {last_transition} />
                    if !lesson_open(&state) {
                        { lesson_or_guide(&state) }
                    }
                </div>
                <aside class="right" aria-label={tr("Panels")}>
                    { tab_list(&state) }
                    <div role="tabpanel" class="panel" aria-labelledby={tab_id(state.tab)}>
                        { (panel(state.tab).view)(&state) }
                    </div>
                </aside>
            </main>
        </div>
    }
}

/// When a command in the sandbox asks for the mail network, the page
/// loads the full app and moves the session there.
#[hook]
fn use_network_switch(state: &UseReducerHandle<AppState>) {
    let wanted = state.lab.borrow().network_wanted();
    let state = state.clone();
    use_effect_with(wanted, move |wanted| {
        if *wanted {
            switch_to_full_app(&state, "");
        }
    });
}

/// Loads the full app (lessons, packs, the mail network) into this page
/// and hands it the session, with `extra` fragment pairs (`&tab=lessons`);
/// the sandbox leaves once it has mounted, or stays and says why not.
fn switch_to_full_app(state: &UseReducerHandle<AppState>, extra: &str) {
    use crate::full_app;
    let Some(script) = full_app::bundle() else {
        return;
    };
    let fragment = format!(
        "{}{extra}&{}",
        crate::share::encode(&shared(state)),
        full_app::MARKER
    );
    state.dispatch(Action::Notice(Some(
        tr("Loading the lessons and the mail network (once)…").to_owned(),
    )));
    let state = state.clone();
    full_app::switch(script, fragment, move |outcome| match outcome {
        Ok(()) => full_app::unmount(),
        Err(problem) => {
            state.dispatch(Action::NetworkRefused);
            state.dispatch(Action::Notice(Some(problem)));
        }
    });
}

/// The language menu ("Language / 语言" in both languages, so either
/// reader finds it): switches at once, and the address follows.
fn language_menu(state: &UseReducerHandle<AppState>, lang: &UseStateHandle<Lang>) -> Html {
    let onchange = {
        let (state, lang) = (state.clone(), lang.clone());
        Callback::from(move |event: Event| {
            use wasm_bindgen::JsCast;
            let chosen = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
                .and_then(|select| Lang::from_tag(&select.value()));
            if let Some(chosen) = chosen {
                choose_language(&state, &lang, chosen, true);
            }
        })
    };
    let options = Lang::ALL.iter().map(|option| {
        html! { <option value={option.tag()} selected={*option == **lang}>{ option.name() }</option> }
    });
    html! {
        <label class="lang-menu">
            { "Language / 语言 " }
            <select id="lang-select" {onchange}>{ for options }</select>
        </label>
    }
}

/// The address's session, in the language the page starts in: for a
/// language other than English the table first, so the notices and shell
/// lines the session makes read in it.
fn start_up(
    state: UseReducerHandle<AppState>,
    lang: UseStateHandle<Lang>,
    problem: Option<String>,
) {
    let from_address = move |state: &UseReducerHandle<AppState>| {
        crate::address::start_from_address(state, problem.is_some());
        if problem.is_some() {
            state.dispatch(Action::Notice(problem));
        }
    };
    let initial = crate::i18n::initial_lang();
    if initial == Lang::En {
        from_address(&state);
        return;
    }
    yew::platform::spawn_local(async move {
        switch_language(&state, &lang, initial, false).await;
        from_address(&state);
    });
}

/// Shows the page in `chosen`: at once for English, after the table has
/// loaded for Chinese (a failed load says so and keeps English). With
/// `write_address`, the address's `?lang=` follows.
fn choose_language(
    state: &UseReducerHandle<AppState>,
    lang: &UseStateHandle<Lang>,
    chosen: Lang,
    write_address: bool,
) {
    let (state, lang) = (state.clone(), lang.clone());
    yew::platform::spawn_local(async move {
        switch_language(&state, &lang, chosen, write_address).await;
    });
}

/// [`choose_language`]'s work, done when it returns.
async fn switch_language(
    state: &UseReducerHandle<AppState>,
    lang: &UseStateHandle<Lang>,
    chosen: Lang,
    write_address: bool,
) {
    if chosen != Lang::En {
        if let Err(problem) = crate::i18n::load_table().await {
            state.dispatch(Action::Notice(Some(problem)));
            return;
        }
    }
    crate::i18n::set_current(chosen);
    crate::i18n::show_in_page(chosen, write_address);
    lang.set(chosen);
}

/// The confirmation or error of the moment, fixed in view wherever the
/// page is scrolled.
pub fn notice(state: &UseReducerHandle<AppState>) -> Html {
    let Some(text) = state.notice.clone() else {
        return html! {};
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Notice(None)))
    };
    html! {
        <div class="notice" role="status" key={state.notice_count}>
            <span>{ text }</span>
            <button type="button" aria-label={tr("Dismiss")} onclick={dismiss}>{ "×" }</button>
        </div>
    }
}

/// The console, wired to the state.
pub fn console(
    state: &UseReducerHandle<AppState>,
    read_only: bool,
    height: Option<AttrValue>,
    autofocus: bool,
) -> Html {
    let lab = state.lab.borrow();
    let lines = Rc::new(lab.lines.clone());
    let history = Rc::new(
        lab.script
            .iter()
            .filter(|entry| !crate::lab::is_dns_change(entry))
            .cloned()
            .collect::<Vec<_>>(),
    );
    let prompt = Prompt::of(&lab);
    drop(lab);
    let dispatch = |make: fn(String) -> Action| {
        let state = state.clone();
        Callback::from(move |text: String| state.dispatch(make(text)))
    };
    let callbacks = ConsoleCallbacks {
        on_submit: dispatch(Action::Submit),
        on_draft: dispatch(Action::SetDraft),
        on_interrupt: dispatch(Action::Interrupt),
        on_select: {
            let state = state.clone();
            Callback::from(move |id| state.dispatch(Action::Select(id)))
        },
        on_escape: {
            let state = state.clone();
            Callback::from(move |()| state.dispatch(Action::Escape))
        },
    };
    html! {
        <Console {lines} version={state.version} selected={state.selected} {prompt}
            draft={AttrValue::from(state.draft.clone())} {history} {callbacks} {read_only} {height} {autofocus} />
    }
}

/// The session as share links and snippets carry it.
pub fn shared(state: &AppState) -> Shared {
    let lab = state.lab.borrow();
    #[cfg(feature = "lessons")]
    let lesson = state.lessons.open.as_ref().map(|open| {
        let own = open.own_lab(&state.lab);
        let script = own.borrow().script.clone();
        (crate::share::lesson_link(&open.pack, &open.lesson), script)
    });
    #[cfg(not(feature = "lessons"))]
    let lesson: Option<(String, Vec<String>)> = None;
    let (lesson, script) = match lesson {
        Some((link, script)) => (Some(link), script),
        None => (None, lab.script.clone()),
    };
    let profile = lab.profile_name.trim_end_matches(" (custom)").to_owned();
    Shared {
        switches: crate::share::changed_switches(&profile, &lab.settings.profile),
        profile,
        script,
        lesson,
        lang: crate::i18n::current(),
        network: lab.needs_network,
    }
}

fn toolbar(state: &UseReducerHandle<AppState>) -> Html {
    let export_text = {
        let state = state.clone();
        Callback::from(move |()| state.lab.borrow().export_text())
    };
    let on_notice = {
        let state = state.clone();
        Callback::from(move |text| state.dispatch(Action::Notice(Some(text))))
    };
    let on_toggle_wire = {
        let state = state.clone();
        Callback::from(move |()| state.dispatch(Action::ToggleWire))
    };
    html! { <Toolbar shared={Rc::new(shared(state))} wire={state.wire} {export_text} {on_notice} {on_toggle_wire} /> }
}

/// The tab buttons, from the registry. The sandbox page shows a Lessons
/// tab first too, which loads the full app (with the lessons) on first use.
fn tab_list(state: &UseReducerHandle<AppState>) -> Html {
    let lessons_on_first_use = crate::full_app::bundle().is_some().then(|| {
        let state = state.clone();
        let onclick = Callback::from(move |_: MouseEvent| switch_to_full_app(&state, "&tab=lessons"));
        html! {
            <button type="button" role="tab" id={tab_id(crate::tab::Tab::Lessons)} aria-selected="false" {onclick}>{ tr("Lessons") }</button>
        }
    });
    let buttons = PANELS.iter().map(|entry| {
        let selected = state.tab == entry.tab;
        let tab = entry.tab;
        let onclick = {
            let state = state.clone();
            Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowTab(tab)))
        };
        html! {
            <button type="button" role="tab" id={tab_id(tab)} aria-selected={selected.to_string()} class={classes!(selected.then_some("active"))} {onclick}>{ tr(entry.label) }</button>
        }
    });
    html! {
        <div class="tab-row">
            <div role="tablist" aria-label={tr("Panels")} class="tabs">{ for lessons_on_first_use }{ for buttons }</div>
        </div>
    }
}

/// Whether a lesson is open beside the console (never in the sandbox build).
fn lesson_open(state: &AppState) -> bool {
    #[cfg(feature = "lessons")]
    return state.lessons.open.is_some();
    #[cfg(not(feature = "lessons"))]
    {
        let _ = state;
        false
    }
}

/// The lesson panel when a lesson is open, else the guided sessions.
fn lesson_or_guide(state: &UseReducerHandle<AppState>) -> Html {
    #[cfg(feature = "lessons")]
    if state.lessons.open.is_some() {
        return crate::panels::lesson_panel_view(state);
    }
    let lab = state.lab.borrow();
    let reply = lab.lines.iter().rev().find_map(|l| l.reply.clone());
    let phase = lab.phase;
    drop(lab);
    let progress = state.guide;
    let state = state.clone();
    let on_action = Callback::from(move |action| state.dispatch(action));
    html! { <GuidePanel {progress} {reply} {phase} {on_action} /> }
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
            .query_selector("#tab-commands")
            .unwrap()
            .expect("a Commands tab")
            .dyn_into()
            .unwrap();
        tab.click();
        let table = wait_for_text(&root, "table[aria-label='SMTP commands']", "VRFY").await;
        let rows = table.query_selector_all("tbody tr").unwrap();
        assert!(rows.length() >= 11, "every seed command and EHLO has a row");
        // At the shell prompt, "Try" connects first, as its caption says.
        wait_for_text(
            &root,
            ".try-caption",
            "connects with telnet localhost smtp first",
        )
        .await;
        let buttons = table.query_selector_all("button.try").unwrap();
        let try_vrfy: HtmlElement = (0..buttons.length())
            .filter_map(|i| buttons.item(i))
            .find(|b| b.text_content().unwrap_or_default() == "Try VRFY")
            .expect("Try VRFY")
            .dyn_into()
            .unwrap();
        try_vrfy.click();
        settle().await;
        wait_for_text(&root, "[role=log]", "220 mail.example.com").await;
        let input: HtmlInputElement = root
            .query_selector("input[aria-label='Command']")
            .unwrap()
            .unwrap()
            .dyn_into()
            .unwrap();
        assert_eq!(input.value(), "VRFY alice");
    }
}
