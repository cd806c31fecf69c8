//! The root component: the page layout, and the start-up that rebuilds a
//! shared session from the URL fragment.

use yew::prelude::*;

use crate::components::command_table::CommandTable;
use crate::components::console::Console;
use crate::components::explain::Explain;
use crate::components::guide_panel::GuidePanel;
use crate::components::mailboxes::Mailboxes;
use crate::components::settings_panel::SettingsPanel;
use crate::components::state_diagram::StateDiagram;
use crate::components::toolbar::Toolbar;
use crate::components::wire_view::WireView;
use crate::share::decode;
use crate::state::{Action, AppState, Tab};

/// The whole page.
#[component(App)]
pub fn app() -> Html {
    let state = use_reducer(AppState::default);

    {
        let state = state.clone();
        use_effect_with((), move |_| {
            let fragment = web_sys::window()
                .and_then(|w| w.location().hash().ok())
                .unwrap_or_default();
            match decode(&fragment) {
                Ok(Some(shared)) => state.dispatch(Action::Restore(shared)),
                Ok(None) => {}
                Err(message) => state.dispatch(Action::Notice(Some(message))),
            }
        });
    }

    let lab = state.lab.borrow();
    let phase = lab.phase;
    let last_transition = lab.last_transition;
    let last_verb = lab.last_verb;
    drop(lab);

    let tab_button = |tab: Tab, label: &'static str| {
        let state = state.clone();
        let selected = state.tab == tab;
        let onclick = Callback::from(move |_: MouseEvent| state.dispatch(Action::ShowTab(tab)));
        html! {
            <button type="button" role="tab" aria-selected={selected.to_string()} class={classes!(selected.then_some("active"))} {onclick}>{ label }</button>
        }
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(Action::Notice(None)))
    };

    html! {
        <div class="app">
            <header>
                <h1>{ "smtplab" }</h1>
                <p class="tagline">{ "Talk SMTP to a simulated mail server, right in this page." }</p>
            </header>
            if let Some(notice) = state.notice.clone() {
                <div class="notice" role="status">
                    <span>{ notice }</span>
                    <button type="button" aria-label="Dismiss" onclick={dismiss}>{ "×" }</button>
                </div>
            }
            <main class="layout">
                <div class="left">
                    <GuidePanel state={state.clone()} />
                    <StateDiagram {phase} {last_transition} />
                    <Toolbar state={state.clone()} />
                    if state.wire {
                        <WireView state={state.clone()} />
                    }
                    <Console state={state.clone()} />
                </div>
                <aside class="right">
                    <div role="tablist" aria-label="Panels" class="tabs">
                        { tab_button(Tab::Explain, "Explain") }
                        { tab_button(Tab::Commands, "Commands") }
                        { tab_button(Tab::Mailboxes, "Mailboxes") }
                        { tab_button(Tab::Settings, "Settings") }
                    </div>
                    <div role="tabpanel" class="panel">
                        { match state.tab {
                            Tab::Explain => html! { <Explain state={state.clone()} /> },
                            Tab::Commands => html! { <CommandTable state={state.clone()} highlight={last_verb} /> },
                            Tab::Mailboxes => html! { <Mailboxes state={state.clone()} /> },
                            Tab::Settings => html! { <SettingsPanel state={state.clone()} /> },
                        } }
                    </div>
                </aside>
            </main>
        </div>
    }
}
