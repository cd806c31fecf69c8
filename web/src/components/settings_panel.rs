//! Server settings: pick a profile, toggle extensions and policies. Any
//! change reconnects (the lab says so in the console).

use smtplab_engine::profile::PRESETS;
use smtplab_engine::{Extension, Profile, Settings};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::policies::POLICY_TOGGLES;
use crate::state::{Action, AppState};

/// Props of [`SettingsPanel`].
#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
}

/// The settings form.
#[component(SettingsPanel)]
pub fn settings_panel(props: &SettingsPanelProps) -> Html {
    let lab = props.state.lab.borrow();
    let current = Current {
        name: lab.profile_name.clone(),
        settings: lab.settings.clone(),
    };
    drop(lab);

    let onchange_profile = {
        let state = props.state.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let name = select.value();
            if let Some(settings) = Settings::preset(&name) {
                state.dispatch(Action::ApplySettings(name, Box::new(settings)));
            }
        })
    };
    let presets = PRESETS.iter().map(|(name, about)| {
        html! { <option value={*name} selected={current.name == *name}>{ format!("{name}: {about}") }</option> }
    });
    let profile = &current.settings.profile;
    let extensions = Extension::ALL.into_iter().filter_map(|extension| {
        let checked = extension.flag(&profile.extensions)?;
        let id = extension.keyword().to_ascii_lowercase();
        Some(toggle(
            &props.state,
            &current,
            &id,
            extension.label(),
            checked,
            move |p, on| {
                if let Some(flag) = extension.flag_mut(&mut p.extensions) {
                    *flag = on;
                }
            },
        ))
    });
    let policies = POLICY_TOGGLES.iter().map(|(id, label, read, write)| {
        toggle(&props.state, &current, id, label, read(profile), *write)
    });
    html! {
        <form class="settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label for="profile-select">{ "Server profile" }</label>
            <select id="profile-select" onchange={onchange_profile}>{ for presets }</select>
            <fieldset>
                <legend>{ "Extensions and policies" }</legend>
                <ul class="toggles">{ for extensions }{ for policies }</ul>
            </fieldset>
            <p class="muted">{ format!("Message size limit: {} octets. Accounts for AUTH: alice / wonderland, bob / canwefixit. Mailing list: team. Outside domains (example.org, example.net) need AUTH to relay.", profile.message_size_limit) }</p>
        </form>
    }
}

/// The profile the lab runs, which every switch starts from.
struct Current {
    name: String,
    settings: Settings,
}

/// One checkbox: turning it applies the current settings with `write` done,
/// under the profile's name marked "(custom)".
fn toggle(
    state: &UseReducerHandle<AppState>,
    current: &Current,
    id: &str,
    label: &'static str,
    checked: bool,
    write: impl Fn(&mut Profile, bool) + 'static,
) -> Html {
    let onchange = {
        let state = state.clone();
        let settings = current.settings.clone();
        let name = current.name.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut changed = settings.clone();
            write(&mut changed.profile, input.checked());
            let label = if name.ends_with("(custom)") {
                name.clone()
            } else {
                format!("{name} (custom)")
            };
            state.dispatch(Action::ApplySettings(label, Box::new(changed)));
        })
    };
    let field_id = format!("setting-{id}");
    html! {
        <li>
            <input type="checkbox" id={field_id.clone()} {checked} {onchange} />
            <label for={field_id}>{ label }</label>
        </li>
    }
}
