//! The network's live sequence diagram: hosts as columns, every command
//! and reply as an arrow, queue decisions as notes, drawn by the engine
//! (`Diagram::to_svg`) and downloadable as an SVG file.

use crate::i18n::tr;
use yew::prelude::*;

/// Props of [`NetworkDiagram`].
#[derive(Properties, PartialEq)]
pub struct NetworkDiagramProps {
    /// The diagram as SVG markup, made by the engine, which escapes every
    /// text it draws; empty while nothing has crossed the network.
    pub svg: AttrValue,
    /// The learner asked to download the SVG.
    pub on_export: Callback<()>,
}

/// The sequence diagram panel.
#[component(NetworkDiagram)]
pub fn network_diagram(props: &NetworkDiagramProps) -> Html {
    if props.svg.is_empty() {
        return html! {
            <p class="muted">{ tr("Nothing has crossed the network yet. Try dig MX example.org, then telnet mx1.example.org 25: every command, reply and relay is drawn here.") }</p>
        };
    }
    let onclick = props.on_export.reform(|_: MouseEvent| ());
    html! {
        <div class="diagram-panel">
            <p class="muted">{ tr("Hosts are columns; each arrow is a command or a reply (green 2xx, blue 3xx, orange 4xx, red 5xx); grey notes are what the queues decided.") }</p>
            <button type="button" {onclick}>{ tr("Export SVG") }</button>
            <div class="diagram" role="img" aria-label={tr("Sequence diagram of the conversations in the mail network")}>
                // Safe to insert: the engine writes the markup itself and
                // escapes every label, host name and typed command in it.
                { Html::from_html_unchecked(props.svg.clone()) }
            </div>
        </div>
    }
}
