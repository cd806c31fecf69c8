//! Blank Yew counter app: the size and speed baseline that `cargo xtask size` and
//! `e2e/timing.mjs` compare smtplab-web against.
//!
//! It has an input labelled "Command" only so that the timing script can use the
//! same "usable console" probe for both apps.

use yew::prelude::*;

#[function_component(App)]
fn app() -> Html {
    let count = use_state(|| 0_u32);
    let onclick = {
        let count = count.clone();
        Callback::from(move |_| count.set(*count + 1))
    };
    html! {
        <main>
            <button {onclick}>{ "+1" }</button>
            <p>{ *count }</p>
            <input type="text" aria-label="Command" />
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
