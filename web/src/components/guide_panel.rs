//! Step-through mode: plays a guided session one step at a time, with the
//! step's command, note, the reply and the server state.

use std::rc::Rc;

use smtplab_engine::{Phase, Reply};
use yew::prelude::*;

use crate::components::state_diagram::phase_name;
use crate::guide::GUIDES;
use crate::i18n::{tr, trf};
use crate::state::{Action, GuideProgress};

/// Props of [`GuidePanel`].
#[derive(Properties, PartialEq)]
pub struct GuidePanelProps {
    /// Where the guided session is, if one runs.
    pub progress: Option<GuideProgress>,
    /// The newest reply.
    pub reply: Option<Rc<Reply>>,
    /// The server's state.
    pub phase: Phase,
    /// Start, Next, Back, Take over.
    pub on_action: Callback<Action>,
}

/// The guide controls and the current step.
#[component(GuidePanel)]
pub fn guide_panel(props: &GuidePanelProps) -> Html {
    let send = |action: Action| props.on_action.reform(move |_: MouseEvent| action.clone());
    let Some(progress) = props.progress else {
        let starts = GUIDES.iter().map(|guide| {
            html! { <button type="button" onclick={send(Action::GuideStart(guide.id))}>{ trf("Step through: {}", &[tr(guide.title)]) }</button> }
        });
        return html! { <div class="guide idle">{ for starts }</div> };
    };
    let guide = progress.guide;
    let step = &guide.steps[progress.played - 1];
    let at_start = progress.played <= 1;
    let at_end = progress.played >= guide.steps.len();
    html! {
        <section class="guide" aria-label={tr("Guided session")}>
            <h2>{ tr(guide.title) }</h2>
            <p class="step-count">{ trf("Step {} of {}", &[&progress.played.to_string(), &guide.steps.len().to_string()]) }</p>
            <pre class="step-input">{ step.input }</pre>
            <p>{ tr(step.note) }</p>
            if let Some(reply) = &props.reply {
                <p>{ tr("Server: ") }<code>{ reply.to_string() }</code>{ " — " }{ tr(reply.key.info().title) }</p>
            }
            <p>{ trf("Server state: {}", &[phase_name(props.phase)]) }</p>
            <div class="buttons">
                <button type="button" disabled={at_start} onclick={send(Action::GuideBack)}>{ tr("Back") }</button>
                <button type="button" disabled={at_end} onclick={send(Action::GuideNext)}>{ tr("Next") }</button>
                <button type="button" onclick={send(Action::GuideTakeOver)}>{ tr("Take over typing") }</button>
            </div>
        </section>
    }
}
