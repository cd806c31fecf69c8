//! Server settings: pick a profile, toggle extensions and policies. Any
//! change reconnects (the lab says so in the console).

use smtplab_engine::profile::PRESETS;
use smtplab_engine::{Extension, Profile, Settings};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use std::rc::Rc;

use crate::i18n::{tr, trf};
use crate::policies::{PolicyToggle, POLICY_TOGGLES};

/// Props of [`SettingsPanel`].
#[derive(Properties, PartialEq)]
pub struct SettingsPanelProps {
    /// The name of the profile the lab runs ("strict", "default (custom)").
    pub profile_name: AttrValue,
    /// The settings the lab runs, which every switch starts from.
    pub settings: Rc<Settings>,
    /// Asks the lab to run these settings under this profile name.
    pub on_apply: Callback<(String, Settings)>,
}

/// The settings form.
#[component(SettingsPanel)]
pub fn settings_panel(props: &SettingsPanelProps) -> Html {
    let current = Current {
        name: props.profile_name.to_string(),
        settings: Settings::clone(&props.settings),
    };

    let onchange_profile = {
        let on_apply = props.on_apply.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let name = select.value();
            if let Some(settings) = Settings::preset(&name) {
                on_apply.emit((name, settings));
            }
        })
    };
    let presets = PRESETS.iter().map(|(name, about)| {
        html! { <option value={*name} selected={current.name == *name}>{ format!("{name}: {}", tr(about)) }</option> }
    });
    let profile = &current.settings.profile;
    let count = Extension::ALL.len() + POLICY_TOGGLES.len();
    let toggles = (0..count).filter_map(Switch::nth).map(|switch| {
        let checked = switch.read(profile);
        let onchange = {
            let on_apply = props.on_apply.clone();
            let settings = current.settings.clone();
            let name = current.name.clone();
            Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let mut changed = settings.clone();
                switch.write(&mut changed.profile, input.checked());
                let label = if name.ends_with("(custom)") {
                    name.clone()
                } else {
                    format!("{name} (custom)")
                };
                on_apply.emit((label, changed));
            })
        };
        let field_id = format!("setting-{}", switch.id());
        html! {
            <li>
                <input type="checkbox" id={field_id.clone()} {checked} {onchange} />
                <label for={field_id} title={switch.about()}>{ switch.label() }</label>
            </li>
        }
    });
    html! {
        <form class="settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <label for="profile-select">{ tr("Server profile") }</label>
            <select id="profile-select" onchange={onchange_profile}>{ for presets }</select>
            <fieldset>
                <legend>{ tr("Extensions and policies") }</legend>
                <ul class="toggles">{ for toggles }</ul>
            </fieldset>
            <p class="muted">{ trf("Message size limit: {} octets. Accounts for AUTH: alice / wonderland, bob / canwefixit. Mailing list: team. Outside domains (example.org, example.net) need AUTH to relay.", &[&profile.message_size_limit.to_string()]) }</p>
        </form>
    }
}

/// One checkbox of the form: an extension's flag (from the engine's
/// registry) or one of [`POLICY_TOGGLES`].
#[derive(Debug, Clone, Copy)]
enum Switch {
    Extension(Extension),
    Policy(&'static PolicyToggle),
}

impl Switch {
    /// Switch `index`: the extensions with a flag, in EHLO order, then the
    /// policies. (An index range keeps the iterator, and the bundle, small.)
    fn nth(index: usize) -> Option<Self> {
        match Extension::ALL.get(index) {
            Some(extension) => extension.setting().map(|_| Self::Extension(*extension)),
            None => POLICY_TOGGLES
                .get(index - Extension::ALL.len())
                .map(Self::Policy),
        }
    }

    fn id(self) -> &'static str {
        match self {
            Self::Extension(extension) => extension.setting().unwrap_or_default(),
            Self::Policy((id, ..)) => id,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::Extension(extension) => extension.label(),
            Self::Policy((_, label, ..)) => tr(label),
        }
    }

    /// What the switch's keyword means (extensions only), for its tooltip.
    fn about(self) -> Option<&'static str> {
        match self {
            Self::Extension(extension) => Some(tr(extension.about())),
            Self::Policy(_) => None,
        }
    }

    fn read(self, profile: &Profile) -> bool {
        match self {
            Self::Extension(extension) => extension.flag(&profile.extensions).unwrap_or(false),
            Self::Policy((_, _, read, _)) => read(profile),
        }
    }

    fn write(self, profile: &mut Profile, on: bool) {
        match self {
            Self::Extension(extension) => {
                if let Some(flag) = extension.flag_mut(&mut profile.extensions) {
                    *flag = on;
                }
            }
            Self::Policy((_, _, _, write)) => write(profile, on),
        }
    }
}

/// The profile the lab runs, which every switch starts from.
struct Current {
    name: String,
    settings: Settings,
}
