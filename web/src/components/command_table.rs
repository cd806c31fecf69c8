//! The SMTP command table (the seed article's, completed from the engine's
//! catalogue), each row with "Try it".

use smtplab_engine::catalogue::COMMANDS;
use smtplab_engine::Verb;
use web_sys::HtmlElement;
use yew::prelude::*;

use crate::state::{Action, AppState};

/// Props of [`CommandTable`].
#[derive(Properties, PartialEq)]
pub struct CommandTableProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
    /// The row to highlight (the command just sent).
    pub highlight: Option<Verb>,
}

/// The table.
#[component(CommandTable)]
pub fn command_table(props: &CommandTableProps) -> Html {
    let rows = COMMANDS.iter().map(|info| {
        let onclick = {
            let state = props.state.clone();
            let example = info.example.to_owned();
            Callback::from(move |_: MouseEvent| {
                state.dispatch(Action::TryExample(example.clone()));
                if let Some(input) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("command-input"))
                {
                    use wasm_bindgen::JsCast;
                    if let Ok(input) = input.dyn_into::<HtmlElement>() {
                        let _ = input.focus();
                    }
                }
            })
        };
        let codes: Vec<String> = info.replies.iter().map(u16::to_string).collect();
        let highlighted = props.highlight == Some(info.verb);
        html! {
            <tr class={classes!(highlighted.then_some("highlight"))} aria-current={highlighted.then_some("true")}>
                <th scope="row">
                    { info.name }
                    if let Some(extension) = info.extension {
                        <span class="tag" title="Service extension">{ extension }</span>
                    }
                </th>
                <td><code>{ info.syntax }</code></td>
                <td>{ info.purpose }<br /><small>{ info.rfc }</small></td>
                <td>{ codes.join(", ") }</td>
                <td><button type="button" {onclick} aria-label={format!("Try {}", info.name)}>{ "Try it" }</button></td>
            </tr>
        }
    });
    html! {
        <div class="table-wrap">
            <table class="commands" aria-label="SMTP commands">
                <thead>
                    <tr><th scope="col">{ "Command" }</th><th scope="col">{ "Syntax" }</th><th scope="col">{ "What it does" }</th><th scope="col">{ "Replies" }</th><th scope="col"><span class="visually-hidden">{ "Try" }</span></th></tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}
