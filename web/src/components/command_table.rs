//! The SMTP command table (the seed article's, completed from the engine's
//! catalogue), each row with "Try it", which says what it will do in the
//! console's state.

use smtplab_engine::catalogue::{code_meaning, CommandInfo, COMMANDS};
use smtplab_engine::Verb;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::i18n::tr;
use crate::lab::Lab;

/// What "Try it" does now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryMode {
    /// At the shell prompt: connect first, then fill the command line.
    ConnectFirst,
    /// Connected: fill the command line.
    Fill,
    /// The server reads message content: a command would become body text.
    InMessage,
}

impl TryMode {
    /// The mode for the lab's state.
    pub fn of(lab: &Lab) -> Self {
        if !lab.connected() {
            Self::ConnectFirst
        } else if lab.in_content() {
            Self::InMessage
        } else {
            Self::Fill
        }
    }

    fn caption(self) -> &'static str {
        match self {
            Self::ConnectFirst => tr("Try: connects with telnet localhost smtp first, then puts the example in the command line (press Enter to send it)."),
            Self::Fill => tr("Try: puts the example in the command line; edit it if you like, then press Enter."),
            Self::InMessage => tr("You are typing a message: a command now would become part of its text. End the message with a line holding only a dot, then Try works again."),
        }
    }
}

/// Props of [`CommandTable`].
#[derive(Properties, PartialEq)]
pub struct CommandTableProps {
    /// The row to highlight (the command just sent).
    pub highlight: Option<Verb>,
    /// What "Try it" does now.
    pub mode: TryMode,
    /// "Try it" pressed, with the row's example.
    pub on_try: Callback<String>,
}

/// The table.
#[component(CommandTable)]
pub fn command_table(props: &CommandTableProps) -> Html {
    let rows = COMMANDS.iter().map(|info| command_row(info, props));
    html! {
        <div class="table-wrap">
            <p class="muted try-caption">{ props.mode.caption() }</p>
            <table class="commands" aria-label={tr("SMTP commands")}>
                <thead>
                    <tr><th scope="col">{ tr("Command") }</th><th scope="col">{ tr("Syntax") }</th><th scope="col">{ tr("What it does") }</th><th scope="col">{ tr("Replies") }</th><th scope="col"><span class="visually-hidden">{ tr("Try") }</span></th></tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}

fn command_row(info: &'static CommandInfo, props: &CommandTableProps) -> Html {
    let onclick = {
        let on_try = props.on_try.clone();
        Callback::from(move |_: MouseEvent| {
            on_try.emit(info.example.to_owned());
            focus_command_input();
        })
    };
    let highlighted = props.highlight == Some(info.verb);
    html! {
        <tr class={classes!(highlighted.then_some("highlight"))} aria-current={highlighted.then_some("true")}>
            <th scope="row">
                <span class="verb">{ info.name }</span>
                if let Some(extension) = info.extension {
                    { " " }<span class="tag" title={tr("Service extension")}>{ extension }</span>
                }
            </th>
            <td><code>{ syntax(info.syntax) }</code></td>
            <td>{ tr(info.purpose) }<br /><small>{ info.rfc }</small></td>
            <td>{ reply_codes(info.replies) }</td>
            <td>
                <button type="button" class="try" {onclick} disabled={props.mode == TryMode::InMessage} title={props.mode.caption()}>
                    { tr("Try") }<span class="visually-hidden">{ format!(" {}", info.name) }</span>
                </button>
            </td>
        </tr>
    }
}

/// The reply codes, each with its general meaning as a tooltip.
fn reply_codes(codes: &[u16]) -> Html {
    let items = codes.iter().enumerate().map(|(index, code)| {
        let meaning = code_meaning(*code).map(tr);
        html! { <>{ (index > 0).then_some(", ") }<span title={meaning}>{ code.to_string() }</span></> }
    });
    html! { { for items } }
}

/// The syntax with each word kept whole (a line may break only between
/// words, never inside `FROM:<reverse-path>`).
fn syntax(text: &str) -> Html {
    let words = text.split(' ').enumerate().map(|(index, word)| {
        html! { <>{ (index > 0).then_some(" ") }<span class="word">{ word.to_owned() }</span></> }
    });
    html! { { for words } }
}

/// Moves the focus to the console's input, where the example now is.
fn focus_command_input() {
    use wasm_bindgen::JsCast;
    if let Some(input) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("command-input"))
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
    {
        let _ = input.focus();
    }
}
