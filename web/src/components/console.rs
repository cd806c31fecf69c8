//! The terminal: the transcript log and the command input, with history,
//! paste-as-one-chunk, Ctrl+C / Ctrl+] and keyboard selection of replies.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use crate::i18n::tr;
use crate::lab::{ConsoleLine, Lab, LineKind};

/// Lines rendered by one [`LineChunk`]. A chunk whose lines did not change
/// is skipped when the console redraws, so pressing Enter costs the same
/// with 20,000 lines as with 200: only the last chunk is compared line by line.
const CHUNK_LINES: usize = 100;

/// What the input line shows, taken from the lab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The prompt before the input (`$`, `smtp>`, `data>`...).
    pub prompt: &'static str,
    /// Whether the server reads message content.
    pub in_content: bool,
    /// The input's placeholder.
    pub placeholder: &'static str,
}

impl Prompt {
    /// The prompt for the lab's state.
    pub fn of(lab: &Lab) -> Self {
        let in_content = lab.in_content();
        let placeholder = if !lab.connected() {
            tr("try: telnet localhost smtp")
        } else if in_content {
            tr("message text; a line with only . ends it")
        } else {
            tr("type an SMTP command, then Enter")
        };
        Self {
            prompt: lab.prompt(),
            in_content,
            placeholder,
        }
    }
}

/// What the console reports to its owner.
#[derive(Clone, PartialEq)]
pub struct ConsoleCallbacks {
    /// Enter (or a multi-line paste): the text to send.
    pub on_submit: Callback<String>,
    /// The input changed.
    pub on_draft: Callback<String>,
    /// A reply was picked to be explained.
    pub on_select: Callback<usize>,
    /// Ctrl+C, with what was being typed.
    pub on_interrupt: Callback<String>,
    /// Ctrl+] (telnet's escape).
    pub on_escape: Callback<()>,
}

/// Props of [`Console`].
#[derive(Properties)]
pub struct ConsoleProps {
    /// Every console line.
    pub lines: Rc<Vec<Rc<ConsoleLine>>>,
    /// Changes whenever the lines do (cheaper to compare than the lines).
    pub version: u64,
    /// The line whose reply is explained.
    pub selected: Option<usize>,
    /// The prompt and placeholder.
    pub prompt: Prompt,
    /// What is in the input.
    pub draft: AttrValue,
    /// What was typed before, oldest first (Up/Down).
    pub history: Rc<Vec<String>>,
    /// Where the console's events go.
    pub callbacks: ConsoleCallbacks,
    /// A demo that plays by itself: no input line.
    #[prop_or_default]
    pub read_only: bool,
    /// CSS height of the transcript (the widget's `height` attribute).
    #[prop_or_default]
    pub height: Option<AttrValue>,
    /// Whether the command line takes the focus when the console appears.
    #[prop_or_default]
    pub autofocus: bool,
}

impl PartialEq for ConsoleProps {
    fn eq(&self, other: &Self) -> bool {
        self.version == other.version
            && Rc::ptr_eq(&self.lines, &other.lines)
            && self.selected == other.selected
            && self.prompt == other.prompt
            && self.draft == other.draft
            && self.callbacks == other.callbacks
            && self.read_only == other.read_only
            && self.height == other.height
            && self.autofocus == other.autofocus
    }
}

/// The transcript and the input under it.
#[component(Console)]
pub fn console(props: &ConsoleProps) -> Html {
    let log_ref = use_node_ref();
    let input_ref = use_node_ref();
    // Position in the history while browsing it with Up/Down.
    let history_position = use_mut_ref(|| None::<usize>);
    {
        // Keep the newest line in view after every change.
        let log_ref = log_ref.clone();
        use_effect_with(props.version, move |_| {
            if let Some(log) = log_ref.cast::<HtmlElement>() {
                log.set_scroll_top(log.scroll_height());
            }
        });
    }
    {
        // The app (not an embedded widget, which must not take the host
        // page's focus) opens with the cursor in the command line.
        let input_ref = input_ref.clone();
        use_effect_with(props.autofocus, move |autofocus| {
            if let Some(input) = input_ref.cast::<HtmlInputElement>().filter(|_| *autofocus) {
                let _ = input.focus();
            }
        });
    }
    let chunks = props.lines.chunks(CHUNK_LINES).map(|chunk| {
        let selected = props.selected.filter(|id| chunk.iter().any(|l| l.id == *id));
        html! { <LineChunk key={chunk[0].id} lines={chunk.to_vec()} {selected} on_select={props.callbacks.on_select.clone()} /> }
    });
    html! {
        <div class="console" role="group" aria-label={tr("Console")}>
            <div class="log" role="log" aria-label={tr("Transcript")} aria-live="polite" tabindex="0" ref={log_ref} onclick={focus_on_click(&input_ref)}
                style={props.height.as_ref().map(|h| format!("height: {h}"))}>
                if props.lines.is_empty() && !props.read_only {
                    <p class="welcome">{ tr("Type telnet localhost smtp and press Enter to connect to the simulated mail server.") }</p>
                }
                { for chunks }
            </div>
            if !props.read_only {
                { input_row(props, &input_ref, &history_position) }
            }
        </div>
    }
}

fn input_row(
    props: &ConsoleProps,
    input_ref: &NodeRef,
    history_position: &Rc<std::cell::RefCell<Option<usize>>>,
) -> Html {
    let callbacks = &props.callbacks;
    let oninput = callbacks.on_draft.reform(|e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        input.value()
    });
    let onkeydown = on_key(
        callbacks.clone(),
        props.history.clone(),
        history_position.clone(),
    );
    let onpaste = on_paste(callbacks.on_submit.clone());
    html! {
        <div class={classes!("input-row", props.prompt.in_content.then_some("content"))}>
            <label class="prompt" for="command-input">{ props.prompt.prompt }</label>
            <input
                id="command-input"
                ref={input_ref.clone()}
                type="text"
                aria-label={tr("Command")}
                placeholder={props.prompt.placeholder}
                autocomplete="off"
                autocapitalize="off"
                spellcheck="false"
                value={props.draft.clone()}
                {oninput}
                {onkeydown}
                {onpaste}
            />
        </div>
    }
}

/// Enter sends, Up/Down browse the history, Ctrl+C interrupts (unless text
/// is selected: then it copies, as usual), Ctrl+] is telnet's escape.
fn on_key(
    callbacks: ConsoleCallbacks,
    history: Rc<Vec<String>>,
    position: Rc<std::cell::RefCell<Option<usize>>>,
) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let key = e.key();
        match key.as_str() {
            "Enter" => {
                e.prevent_default();
                *position.borrow_mut() = None;
                callbacks.on_submit.emit(input.value());
            }
            "c" | "C" if e.ctrl_key() && !has_selection(&input) => {
                e.prevent_default();
                callbacks.on_interrupt.emit(input.value());
            }
            "]" if e.ctrl_key() => {
                e.prevent_default();
                callbacks.on_escape.emit(());
            }
            "ArrowUp" | "ArrowDown" if !history.is_empty() => {
                e.prevent_default();
                let mut position = position.borrow_mut();
                let next = match (key.as_str(), *position) {
                    ("ArrowUp", None) => Some(history.len() - 1),
                    ("ArrowUp", Some(p)) => Some(p.saturating_sub(1)),
                    ("ArrowDown", Some(p)) if p + 1 < history.len() => Some(p + 1),
                    _ => None,
                };
                *position = next;
                let text = next.map(|p| history[p].clone()).unwrap_or_default();
                callbacks.on_draft.emit(text);
            }
            _ => {}
        }
    })
}

/// Whether text is selected in the input or the page (Ctrl+C then copies).
fn has_selection(input: &HtmlInputElement) -> bool {
    let in_input = matches!(
        (input.selection_start(), input.selection_end()),
        (Ok(Some(start)), Ok(Some(end))) if start != end
    );
    in_input
        || web_sys::window()
            .and_then(|w| w.get_selection().ok().flatten())
            .is_some_and(|s| !s.is_collapsed())
}

/// A single line pastes into the field as usual; several lines are sent
/// at once, as one pipelined chunk.
fn on_paste(on_submit: Callback<String>) -> Callback<Event> {
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
        if text.trim_end_matches(['\r', '\n']).contains('\n') {
            e.prevent_default();
            let input: HtmlInputElement = e.target_unchecked_into();
            on_submit.emit(format!("{}{text}", input.value()));
        }
    })
}

/// A click in the log focuses the input, unless the learner selects text.
fn focus_on_click(input_ref: &NodeRef) -> Callback<MouseEvent> {
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
}

/// Props of [`LineChunk`].
#[derive(Properties)]
struct ChunkProps {
    /// Up to [`CHUNK_LINES`] consecutive lines.
    lines: Vec<Rc<ConsoleLine>>,
    /// The selected line, if it is in this chunk.
    selected: Option<usize>,
    /// A reply was picked.
    on_select: Callback<usize>,
}

impl PartialEq for ChunkProps {
    fn eq(&self, other: &Self) -> bool {
        // The callback is made afresh on every render of the app but always
        // asks for the same thing, so it does not count: comparing it would
        // redraw every line on every Enter.
        self.selected == other.selected
            && self.lines.len() == other.lines.len()
            && self
                .lines
                .iter()
                .zip(&other.lines)
                .all(|(a, b)| Rc::ptr_eq(a, b))
    }
}

/// A run of console lines, redrawn only when one of them changes; its box
/// lets the browser skip laying out the runs that are out of view.
#[component(LineChunk)]
fn line_chunk(props: &ChunkProps) -> Html {
    let rows = props.lines.iter().map(|line| {
        let selected = props.selected == Some(line.id);
        html! { <LineView key={line.id} line={line.clone()} {selected} on_select={props.on_select.clone()} /> }
    });
    html! { <div class="chunk">{ for rows }</div> }
}

/// Props of [`LineView`].
#[derive(Properties)]
pub struct LineProps {
    /// The line.
    pub line: Rc<ConsoleLine>,
    /// Whether its explanation is open.
    pub selected: bool,
    /// The reply was picked.
    pub on_select: Callback<usize>,
}

impl PartialEq for LineProps {
    fn eq(&self, other: &Self) -> bool {
        // Lines never change once written, so identity is enough and keeps
        // long transcripts cheap to re-render.
        // (The callback is left out for the reason given in ChunkProps.)
        Rc::ptr_eq(&self.line, &other.line) && self.selected == other.selected
    }
}

/// One console line; replies are buttons that open their explanation.
#[component(LineView)]
fn line_view(props: &LineProps) -> Html {
    let line = &props.line;
    let Some(reply) = &line.reply else {
        let class_name = match line.kind {
            LineKind::ShellInput => "shell-in",
            LineKind::ShellOutput => "shell-out",
            LineKind::ClientInput => "client",
            LineKind::ContentInput => "content",
            LineKind::Reply => "reply",
        };
        return html! { <div class={classes!("line", class_name)}>{ line.text.clone() }</div> };
    };
    // A symbol as well as a colour, so the class never depends on colour alone.
    let (class_name, symbol, label) = match reply.code / 100 {
        2 => ("ok", "✓", tr("success")),
        3 => ("more", "…", tr("go on")),
        4 => ("transient", "⟳", tr("temporary failure")),
        _ => ("permanent", "✗", tr("permanent failure")),
    };
    let id = line.id;
    let onclick = props.on_select.reform(move |_: MouseEvent| id);
    html! {
        <button
            type="button"
            class={classes!("line", "reply", class_name, props.selected.then_some("selected"))}
            aria-pressed={props.selected.to_string()}
            title={tr("Explain this reply")}
            {onclick}
        >
            <span class="cue" role="img" aria-label={label}>{ symbol }</span>
            <span class="text">{ line.text.clone() }</span>
        </button>
    }
}
