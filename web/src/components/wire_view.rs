//! The exact bytes both ways, with CR and LF made visible and C:/S: markers
//! (so dot-stuffing and bare line ends can be seen).

use crate::i18n::tr;
use yew::prelude::*;

/// Props of [`WireView`].
#[derive(Properties, PartialEq)]
pub struct WireViewProps {
    /// The transcript, rendered with CR and LF visible.
    pub text: AttrValue,
}

/// The wire view.
#[component(WireView)]
pub fn wire_view(props: &WireViewProps) -> Html {
    let text = if props.text.is_empty() {
        AttrValue::from(tr(
            "Nothing on the wire yet: connect with telnet localhost smtp.",
        ))
    } else {
        props.text.clone()
    };
    html! {
        <pre class="wire" role="log" aria-label={tr("Wire bytes")} tabindex="0">{ text }</pre>
    }
}
