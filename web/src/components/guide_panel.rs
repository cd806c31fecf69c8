//! Step-through mode: plays a guided session one step at a time, with the
//! step's command, note, the reply and the server state.

use yew::prelude::*;

use crate::components::state_diagram::phase_name;
use crate::guide::GUIDES;
use crate::state::{Action, AppState};

/// Props of [`GuidePanel`].
#[derive(Properties, PartialEq)]
pub struct GuidePanelProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
}

/// The guide controls and the current step.
#[component(GuidePanel)]
pub fn guide_panel(props: &GuidePanelProps) -> Html {
    let state = &props.state;
    let Some(progress) = state.guide else {
        let starts = GUIDES.iter().map(|guide| {
            let onclick = {
                let state = state.clone();
                let id = guide.id;
                Callback::from(move |_: MouseEvent| state.dispatch(Action::GuideStart(id)))
            };
            html! { <button type="button" {onclick}>{ format!("Step through: {}", guide.title) }</button> }
        });
        return html! { <div class="guide idle">{ for starts }</div> };
    };
    let guide = progress.guide;
    let step = &guide.steps[progress.played - 1];
    let at_start = progress.played <= 1;
    let at_end = progress.played >= guide.steps.len();
    let dispatch = |action: Action| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(action.clone()))
    };
    let lab = state.lab.borrow();
    let reply = lab.lines.iter().rev().find_map(|l| l.reply.clone());
    let phase = phase_name(lab.phase);
    drop(lab);
    html! {
        <section class="guide" aria-label="Guided session">
            <h2>{ guide.title }</h2>
            <p class="step-count">{ format!("Step {} of {}", progress.played, guide.steps.len()) }</p>
            <pre class="step-input">{ step.input }</pre>
            <p>{ step.note }</p>
            if let Some(reply) = reply {
                <p>{ "Server: " }<code>{ reply.to_string() }</code>{ format!(" — {}", reply.key.info().title) }</p>
            }
            <p>{ format!("Server state: {phase}") }</p>
            <div class="buttons">
                <button type="button" disabled={at_start} onclick={dispatch(Action::GuideBack)}>{ "Back" }</button>
                <button type="button" disabled={at_end} onclick={dispatch(Action::GuideNext)}>{ "Next" }</button>
                <button type="button" onclick={dispatch(Action::GuideTakeOver)}>{ "Take over typing" }</button>
            </div>
        </section>
    }
}
