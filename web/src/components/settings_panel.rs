//! Server settings: pick a profile, toggle extensions and policies. Any
//! change reconnects (the lab says so in the console).

use smtplab_engine::profile::{BareLineEnding, ExpnPolicy, VrfyPolicy, PRESETS};
use smtplab_engine::{Profile, Settings};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::state::{Action, AppState};

/// Props of [`SettingsPanel`].
#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
}

type Toggle = (
    &'static str,
    &'static str,
    fn(&Profile) -> bool,
    fn(&mut Profile, bool),
);

/// Every individually switchable setting.
const TOGGLES: &[Toggle] = &[
    (
        "pipelining",
        "PIPELINING",
        |p| p.extensions.pipelining,
        |p, on| p.extensions.pipelining = on,
    ),
    (
        "size",
        "SIZE",
        |p| p.extensions.size,
        |p, on| p.extensions.size = on,
    ),
    (
        "8bitmime",
        "8BITMIME",
        |p| p.extensions.eight_bit_mime,
        |p, on| p.extensions.eight_bit_mime = on,
    ),
    (
        "enhanced",
        "ENHANCEDSTATUSCODES",
        |p| p.extensions.enhanced_status_codes,
        |p, on| p.extensions.enhanced_status_codes = on,
    ),
    (
        "smtputf8",
        "SMTPUTF8",
        |p| p.extensions.smtputf8,
        |p, on| p.extensions.smtputf8 = on,
    ),
    (
        "dsn",
        "DSN",
        |p| p.extensions.dsn,
        |p, on| p.extensions.dsn = on,
    ),
    (
        "auth",
        "AUTH",
        |p| p.extensions.auth,
        |p, on| p.extensions.auth = on,
    ),
    (
        "starttls",
        "STARTTLS",
        |p| p.extensions.starttls,
        |p, on| p.extensions.starttls = on,
    ),
    (
        "chunking",
        "CHUNKING (BDAT)",
        |p| p.extensions.chunking,
        |p, on| p.extensions.chunking = on,
    ),
    ("ehlo", "EHLO understood", |p| p.ehlo, |p, on| p.ehlo = on),
    (
        "require-helo",
        "HELO/EHLO required first",
        |p| p.require_helo,
        |p, on| p.require_helo = on,
    ),
    (
        "strict-paths",
        "Angle brackets required in paths",
        |p| p.strict_paths,
        |p, on| p.strict_paths = on,
    ),
    (
        "refuse-bare",
        "Refuse bare CR/LF",
        |p| p.bare_line_ending == BareLineEnding::Refuse,
        |p, on| {
            p.bare_line_ending = if on {
                BareLineEnding::Refuse
            } else {
                BareLineEnding::Keep
            }
        },
    ),
    (
        "vrfy",
        "VRFY verifies users",
        |p| p.vrfy == VrfyPolicy::Verify,
        |p, on| {
            p.vrfy = if on {
                VrfyPolicy::Verify
            } else {
                VrfyPolicy::CannotVerify
            }
        },
    ),
    (
        "expn",
        "EXPN allowed",
        |p| p.expn == ExpnPolicy::Expand,
        |p, on| {
            p.expn = if on {
                ExpnPolicy::Expand
            } else {
                ExpnPolicy::Disabled
            }
        },
    ),
    (
        "greylist",
        "Greylist first attempts (451)",
        |p| p.faults.greylist,
        |p, on| p.faults.greylist = on,
    ),
];

/// The settings form.
#[component(SettingsPanel)]
pub fn settings_panel(props: &SettingsPanelProps) -> Html {
    let lab = props.state.lab.borrow();
    let current_name = lab.profile_name.clone();
    let settings = lab.settings.clone();
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
        html! { <option value={*name} selected={current_name == *name}>{ format!("{name}: {about}") }</option> }
    });
    let toggles = TOGGLES.iter().map(|(id, label, read, write)| {
        let onchange = {
            let state = props.state.clone();
            let settings = settings.clone();
            let name = current_name.clone();
            let write = *write;
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let mut changed = settings.clone();
                write(&mut changed.profile, input.checked());
                let label = if name.ends_with("(custom)") { name.clone() } else { format!("{name} (custom)") };
                state.dispatch(Action::ApplySettings(label, Box::new(changed)));
            })
        };
        let field_id = format!("setting-{id}");
        html! {
            <li>
                <input type="checkbox" id={field_id.clone()} checked={read(&settings.profile)} {onchange} />
                <label for={field_id}>{ *label }</label>
            </li>
        }
    });
    html! {
        <form class="settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label for="profile-select">{ "Server profile" }</label>
            <select id="profile-select" onchange={onchange_profile}>{ for presets }</select>
            <fieldset>
                <legend>{ "Extensions and policies" }</legend>
                <ul class="toggles">{ for toggles }</ul>
            </fieldset>
            <p class="muted">{ format!("Message size limit: {} octets. Accounts for AUTH: alice / wonderland, bob / canwefixit. Mailing list: team. Outside domains (example.org, example.net) need AUTH to relay.", settings.profile.message_size_limit) }</p>
        </form>
    }
}
