//! The exact bytes both ways, with CR and LF made visible and C:/S: markers
//! (so dot-stuffing and bare line ends can be seen).

use yew::prelude::*;

use crate::state::AppState;

/// Props of [`WireView`].
#[derive(Properties, PartialEq)]
pub struct WireViewProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
}

/// The wire view.
#[component(WireView)]
pub fn wire_view(props: &WireViewProps) -> Html {
    let text = props.state.lab.borrow().transcript.render(true);
    let text = if text.is_empty() {
        "Nothing on the wire yet: connect with telnet localhost smtp.".to_owned()
    } else {
        text
    };
    html! {
        <pre class="wire" role="log" aria-label="Wire bytes" tabindex="0">{ text }</pre>
    }
}
