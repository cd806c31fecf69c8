//! The terminal: the transcript log and the command input, with history,
//! paste-as-one-chunk and keyboard selection of replies.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::lab::{ConsoleLine, LineKind};
use crate::state::{Action, AppState};

/// Props of [`Console`].
#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
    /// A demo that plays by itself: no input line.
    #[prop_or_default]
    pub read_only: bool,
    /// CSS height of the transcript (the widget's `height` attribute).
    #[prop_or_default]
    pub height: Option<AttrValue>,
}

/// The transcript and the input under it.
#[component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let state = props.state.clone();
    let log_ref = use_node_ref();
    let input_ref = use_node_ref();
    // Position in the history while browsing it with Up/Down.
    let history_position = use_mut_ref(|| None::<usize>);

    {
        // Keep the newest line in view after every change.
        let log_ref = log_ref.clone();
        use_effect_with(state.version, move |_| {
            if let Some(log) = log_ref.cast::<HtmlElement>() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    }

    let lab = state.lab.borrow();
    let prompt = lab.prompt();
    let in_content = lab.in_content();
    let placeholder = if !lab.connected() {
        "try: telnet localhost smtp"
    } else if in_content {
        "message text; a line with only . ends it"
    } else {
        "type an SMTP command, then Enter"
    };
    let history: Vec<String> = lab.script.clone();
    let lines: Vec<Rc<ConsoleLine>> = lab.lines.clone();
    drop(lab);

    let oninput = {
        let state = state.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            state.dispatch(Action::SetDraft(input.value()));
        })
    };
    let onkeydown = {
        let state = state.clone();
        let history_position = history_position.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            match key.as_str() {
                "Enter" => {
                    e.prevent_default();
                    *history_position.borrow_mut() = None;
                    let input: HtmlInputElement = e.target_unchecked_into();
                    state.dispatch(Action::Submit(input.value()));
                }
                "ArrowUp" | "ArrowDown" if !history.is_empty() => {
                    e.prevent_default();
                    let mut position = history_position.borrow_mut();
                    let next = match (key.as_str(), *position) {
                        ("ArrowUp", None) => Some(history.len() - 1),
                        ("ArrowUp", Some(p)) => Some(p.saturating_sub(1)),
                        ("ArrowDown", Some(p)) if p + 1 < history.len() => Some(p + 1),
                        _ => None,
                    };
                    *position = next;
                    let text = next.map(|p| history[p].clone()).unwrap_or_default();
                    state.dispatch(Action::SetDraft(text));
                }
                _ => {}
            }
        })
    };
    let onpaste = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let Some(clipboard) = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(web_sys::ClipboardEvent::clipboard_data)
            else {
                return;
            };
            let Ok(text) = clipboard.get_data("text") else {
                return;
            };
            // A single line pastes into the field as usual; several lines
            // are sent at once, as one pipelined chunk.
            if text.trim_end_matches(['\r', '\n']).contains('\n') {
                e.prevent_default();
                let input: HtmlInputElement = e.target_unchecked_into();
                let typed = input.value();
                state.dispatch(Action::Submit(format!("{typed}{text}")));
            }
        })
    };
    let focus_input = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let selecting_text = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting_text {
                if let Some(input) = input_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                }
            }
        })
    };

    let selected = state.selected;
    let rows = lines.into_iter().map(|line| {
        let is_selected = selected == Some(line.id);
        let key = line.id;
        html! { <LineView {key} {line} selected={is_selected} state={state.clone()} /> }
    });

    html! {
        <section class="console" aria-label="Console">
            <div class="log" role="log" aria-label="Transcript" aria-live="polite" tabindex="0" ref={log_ref} onclick={focus_input}
                style={props.height.as_ref().map(|h| format!("height: {h}"))}>
                { for rows }
            </div>
            if !props.read_only {
            <div class={classes!("input-row", in_content.then_some("content"))}>
                <label class="prompt" for="command-input">{ prompt }</label>
                <input
                    id="command-input"
                    ref={input_ref}
                    type="text"
                    aria-label="Command"
                    {placeholder}
                    autocomplete="off"
                    autocapitalize="off"
                    spellcheck="false"
                    value={state.draft.clone()}
                    {oninput}
                    {onkeydown}
                    {onpaste}
                />
            </div>
            }
        </section>
    }
}

/// Props of [`LineView`].
#[derive(Properties)]
pub struct LineProps {
    /// The line.
    pub line: Rc<ConsoleLine>,
    /// Whether its explanation is open.
    pub selected: bool,
    /// To dispatch selection.
    pub state: UseReducerHandle<AppState>,
}

impl PartialEq for LineProps {
    fn eq(&self, other: &Self) -> bool {
        // Lines never change once written, so identity is enough and keeps
        // long transcripts cheap to re-render.
        Rc::ptr_eq(&self.line, &other.line) && self.selected == other.selected
    }
}

/// One console line; replies are buttons that open their explanation.
#[component(LineView)]
fn line_view(props: &LineProps) -> Html {
    let line = &props.line;
    match (&line.reply, line.kind) {
        (Some(reply), _) => {
            let class_name = match reply.code / 100 {
                2 => "ok",
                3 => "more",
                4 => "transient",
                _ => "permanent",
            };
            // A symbol as well as a colour, so the class never depends on
            // colour alone.
            let (symbol, label) = match reply.code / 100 {
                2 => ("✓", "success"),
                3 => ("…", "go on"),
                4 => ("⟳", "temporary failure"),
                _ => ("✗", "permanent failure"),
            };
            let onclick = {
                let state = props.state.clone();
                let id = line.id;
                Callback::from(move |_: MouseEvent| state.dispatch(Action::Select(id)))
            };
            html! {
                <button
                    type="button"
                    class={classes!("line", "reply", class_name, props.selected.then_some("selected"))}
                    aria-pressed={props.selected.to_string()}
                    title="Explain this reply"
                    {onclick}
                >
                    <span class="cue" aria-label={label}>{ symbol }</span>
                    <span class="text">{ line.text.clone() }</span>
                </button>
            }
        }
        (None, kind) => {
            let class_name = match kind {
                LineKind::ShellInput => "shell-in",
                LineKind::ShellOutput => "shell-out",
                LineKind::ClientInput => "client",
                LineKind::ContentInput => "content",
                LineKind::Reply => "reply",
            };
            html! { <div class={classes!("line", class_name)}>{ line.text.clone() }</div> }
        }
    }
}
