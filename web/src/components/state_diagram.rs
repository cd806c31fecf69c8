//! The server's state as a small diagram: the current state highlighted and
//! the last transition named, so a 503 is plainly "wrong state".

use crate::i18n::{tr, trf};
use smtplab_engine::Phase;
use yew::prelude::*;

/// Props of [`StateDiagram`].
#[derive(Properties, PartialEq)]
pub struct StateDiagramProps {
    /// Where the server is.
    pub phase: Phase,
    /// The last change.
    pub last_transition: Option<(Phase, Phase)>,
}

/// Each state the diagram shows: its phase, name and what comes next
/// (English; shown through [`tr`]).
pub const STATES: &[(Phase, &str, &str)] = &[
    (
        Phase::Connected,
        "Connected",
        "greeting sent; say HELO/EHLO",
    ),
    (Phase::Greeted, "Greeted", "ready for MAIL FROM"),
    (Phase::SenderGiven, "Sender given", "add RCPT TO"),
    (
        Phase::RecipientsGiven,
        "Recipients given",
        "more RCPT TO, or DATA",
    ),
    (Phase::ReceivingData, "Receiving data", "end with a lone ."),
    (Phase::Closed, "Closed", "not connected"),
];

/// A learner-facing name for a phase.
pub fn phase_name(phase: Phase) -> &'static str {
    STATES
        .iter()
        .find(|(p, _, _)| *p == phase)
        .map_or("?", |(_, name, _)| tr(name))
}

/// The diagram.
#[component(StateDiagram)]
pub fn state_diagram(props: &StateDiagramProps) -> Html {
    let nodes = STATES.iter().map(|(phase, name, hint)| {
        let current = *phase == props.phase;
        html! {
            <li class={classes!("state", current.then_some("current"))} aria-current={current.then_some("step")}>
                <strong>{ tr(name) }</strong>
                <small>{ tr(hint) }</small>
            </li>
        }
    });
    let transition = match props.last_transition {
        Some((from, to)) => trf("Last move: {} → {}", &[phase_name(from), phase_name(to)]),
        None => tr("No move yet").to_owned(),
    };
    html! {
        <figure class="diagram" aria-label={tr("Server state")}>
            <ol class="states">{ for nodes }</ol>
            <figcaption>{ trf("State: {}. {}.", &[phase_name(props.phase), &transition]) }</figcaption>
        </figure>
    }
}
