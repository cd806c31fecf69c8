//! The side panel's tab registry: every tab's id, label and view, in the
//! order the tab list shows them. The app renders the tab list and the
//! open panel from [`PANELS`] alone, so adding a panel touches this file,
//! the panel's component file and `tab.rs` (see docs/architecture.md,
//! "Where to add a panel").

use smtplab_engine::world::JUNK_FOLDER;
use smtplab_engine::Settings;
use yew::prelude::*;

use crate::components::command_table::CommandTable;
use crate::components::explain::Explain;
use crate::components::explain_panel::ExplainPanel;
use crate::components::mailboxes::{HostMailboxes, Mailboxes};
use crate::components::settings_panel::SettingsPanel;
use crate::state::{Action, AppState};
use crate::tab::Tab;

/// One tab of the side panel.
#[derive(Debug, Clone, Copy)]
pub struct Panel {
    /// Its id, as the state holds it.
    pub tab: Tab,
    /// The tab's label.
    pub label: &'static str,
    /// Builds the panel from the app state: the one place where a panel's
    /// narrow props are taken out of the state.
    pub view: fn(&UseReducerHandle<AppState>) -> Html,
}

/// Every tab, in display order.
pub const PANELS: &[Panel] = &[
    #[cfg(feature = "lessons")]
    Panel {
        tab: Tab::Lessons,
        label: "Lessons",
        view: lessons_view,
    },
    Panel {
        tab: Tab::Explain,
        label: "Explain",
        view: explain_view,
    },
    Panel {
        tab: Tab::Transcript,
        label: "Transcript",
        view: transcript_view,
    },
    Panel {
        tab: Tab::Commands,
        label: "Commands",
        view: commands_view,
    },
    Panel {
        tab: Tab::Mailboxes,
        label: "Mailboxes",
        view: mailboxes_view,
    },
    #[cfg(feature = "network")]
    Panel {
        tab: Tab::Dns,
        label: "DNS",
        view: dns_view,
    },
    #[cfg(feature = "network")]
    Panel {
        tab: Tab::Diagram,
        label: "Diagram",
        view: diagram_view,
    },
    Panel {
        tab: Tab::Settings,
        label: "Settings",
        view: settings_view,
    },
];

/// The registry entry of `tab` (the first panel when the build lacks it).
pub fn panel(tab: Tab) -> &'static Panel {
    PANELS.iter().find(|p| p.tab == tab).unwrap_or(&PANELS[0])
}

/// The element id of a tab's button, which labels its panel.
pub fn tab_id(tab: Tab) -> String {
    format!("tab-{tab:?}").to_ascii_lowercase()
}

/// The selected reply, explained (also the widget's explanation panel).
pub fn explain_view(state: &UseReducerHandle<AppState>) -> Html {
    let lab = state.lab.borrow();
    let line = state
        .selected
        .and_then(|id| lab.lines.iter().find(|l| l.id == id).cloned());
    html! { <Explain {line} /> }
}

/// The command table (also the widget's table panel).
pub fn commands_view(state: &UseReducerHandle<AppState>) -> Html {
    let lab = state.lab.borrow();
    let highlight = lab.last_verb;
    let mode = crate::components::command_table::TryMode::of(&lab);
    drop(lab);
    let state = state.clone();
    let on_try = Callback::from(move |example: String| state.dispatch(Action::TryExample(example)));
    html! { <CommandTable {highlight} {mode} {on_try} /> }
}

fn transcript_view(state: &UseReducerHandle<AppState>) -> Html {
    let lab = state.lab.borrow();
    let settings = std::rc::Rc::new(lab.settings.clone());
    let profile = AttrValue::from(lab.profile_name.clone());
    drop(lab);
    html! { <ExplainPanel {settings} {profile} /> }
}

/// Delivered mail (also the widget's mailboxes panel).
pub fn mailboxes_view(state: &UseReducerHandle<AppState>) -> Html {
    let lab = state.lab.borrow();
    let users: Vec<String> = lab
        .settings
        .world
        .users
        .iter()
        .map(|u| u.name.clone())
        .collect();
    let mailstore = lab.mailstore.clone();
    let network = std::rc::Rc::new(network_mailboxes(&lab));
    drop(lab);
    html! { <Mailboxes users={std::rc::Rc::new(users)} {mailstore} {network} /> }
}

/// Every network host that holds mail, each mailbox with its messages
/// (and its Junk folder, when the receiver's checks filed mail there).
fn network_mailboxes(lab: &crate::lab::Lab) -> Vec<HostMailboxes> {
    let Some(simulation) = lab.simulation() else {
        return Vec::new();
    };
    simulation
        .network()
        .hosts
        .iter()
        .filter_map(|host| {
            let store = simulation.mailstore(&host.name)?;
            let mut boxes = Vec::new();
            for user in &host.world.users {
                boxes.push((
                    user.name.clone(),
                    store.mailbox(&user.name).cloned().collect(),
                ));
                let junk: Vec<_> = store.folder(&user.name, JUNK_FOLDER).cloned().collect();
                if !junk.is_empty() {
                    boxes.push((format!("{}/{JUNK_FOLDER}", user.name), junk));
                }
            }
            let checks = checks(lab, &host.name, &boxes);
            Some(HostMailboxes {
                host: host.name.clone(),
                boxes,
                checks,
            })
        })
        .collect()
}

/// What the receiver's checks found for each message that carries
/// Authentication-Results, by queue id (`Lab::checked_mail`).
#[cfg(feature = "lessons")]
fn checks(
    lab: &crate::lab::Lab,
    host: &str,
    boxes: &[(String, Vec<smtplab_engine::Delivery>)],
) -> Vec<(String, crate::components::mailboxes::CheckedMail)> {
    boxes
        .iter()
        .flat_map(|(_, messages)| messages.iter())
        .filter_map(|m| Some((m.queue_id.clone(), lab.checked_mail(host, m)?)))
        .collect()
}

#[cfg(not(feature = "lessons"))]
fn checks(
    _lab: &crate::lab::Lab,
    _host: &str,
    _boxes: &[(String, Vec<smtplab_engine::Delivery>)],
) -> Vec<(String, crate::components::mailboxes::CheckedMail)> {
    Vec::new()
}

/// The network's zones, with edit, delete and add.
#[cfg(feature = "network")]
fn dns_view(state: &UseReducerHandle<AppState>) -> Html {
    use crate::components::dns_panel::{DnsPanel, ZoneView};

    let lab = state.lab.borrow();
    let zones: Vec<ZoneView> = lab
        .simulation()
        .map(|s| s.network().domains.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|zone| ZoneView {
            name: zone.name.clone(),
            organisation: zone.organisation.clone(),
            records: zone.records.iter().map(ToString::to_string).collect(),
        })
        .collect();
    drop(lab);
    let problem = state.dns_problem.clone();
    let applied = state.dns_applied;
    let state = state.clone();
    let on_change = Callback::from(move |change| state.dispatch(Action::ChangeDns(change)));
    html! { <DnsPanel zones={std::rc::Rc::new(zones)} {problem} {applied} {on_change} /> }
}

/// The network's sequence diagram, with its SVG download (also the widget's sequence panel).
#[cfg(feature = "network")]
pub fn diagram_view(state: &UseReducerHandle<AppState>) -> Html {
    use crate::components::network_diagram::NetworkDiagram;

    let lab = state.lab.borrow();
    let svg = lab
        .simulation()
        .map(|s| s.diagram())
        .filter(|d| !d.steps.is_empty())
        .map(|d| d.to_svg())
        .unwrap_or_default();
    drop(lab);
    let svg = AttrValue::from(svg);
    let state = state.clone();
    let file = svg.clone();
    let on_export = Callback::from(move |()| {
        let saved = crate::components::toolbar::download_as(
            "smtplab-network.svg",
            &file,
            "image/svg+xml;charset=utf-8",
        );
        if let Err(problem) = saved {
            state.dispatch(Action::Notice(Some(problem)));
        }
    });
    html! { <NetworkDiagram {svg} {on_export} /> }
}

fn settings_view(state: &UseReducerHandle<AppState>) -> Html {
    let lab = state.lab.borrow();
    let profile_name = AttrValue::from(lab.profile_name.clone());
    let settings = std::rc::Rc::new(lab.settings.clone());
    drop(lab);
    let state = state.clone();
    let on_apply = Callback::from(move |(name, settings): (String, Settings)| {
        state.dispatch(Action::ApplySettings(name, Box::new(settings)))
    });
    html! { <SettingsPanel {profile_name} {settings} {on_apply} /> }
}

#[cfg(feature = "lessons")]
fn lessons_view(state: &UseReducerHandle<AppState>) -> Html {
    crate::components::lesson_list::view(state)
}

/// The open lesson's panel beside the console (the classroom and the
/// lesson widget); nothing when no lesson is open.
#[cfg(feature = "lessons")]
pub fn lesson_panel_view(state: &UseReducerHandle<AppState>) -> Html {
    use crate::components::lesson_panel::LessonPanel;

    let Some(open) = state.lessons.open.clone() else {
        return Html::default();
    };
    let Some(pack) = state.lessons.library.pack(&open.pack).cloned() else {
        return Html::default();
    };
    let statuses = state
        .lab
        .borrow()
        .lesson()
        .map(|l| l.checker().statuses())
        .unwrap_or_default();
    let next = state.lessons.library.next_lesson(&open.pack, &open.lesson);
    let attempt = open.attempt_text(&state.lab);
    let state = state.clone();
    let on_action = Callback::from(move |action| state.dispatch(Action::Lesson(action)));
    html! { <LessonPanel {pack} {open} {statuses} {next} {attempt} {on_action} /> }
}

#[cfg(all(test, feature = "network"))]
mod tests {
    use super::*;
    use crate::lab::Lab;

    #[test]
    fn network_mailboxes_list_the_hosts_holding_mail_with_every_user() {
        let mut lab = Lab::new("default", Settings::default());
        assert!(network_mailboxes(&lab).is_empty());
        for line in [
            "telnet mx1.example.org 25",
            "HELO x",
            "MAIL FROM:<you@isp.example>",
            "RCPT TO:<bob@example.org>",
            "DATA",
            "hi",
            ".",
        ] {
            lab.submit(line, 1_000);
        }
        let hosts = network_mailboxes(&lab);
        assert_eq!(hosts.len(), 1);
        assert_eq!(hosts[0].host, "mx1.example.org");
        let counts: Vec<(&str, usize)> = hosts[0]
            .boxes
            .iter()
            .map(|(user, messages)| (user.as_str(), messages.len()))
            .collect();
        assert_eq!(counts, [("admin", 0), ("bob", 1), ("carol", 0)]);
    }

    #[cfg(feature = "lessons")]
    #[test]
    fn checked_mail_comes_with_a_sentence_per_result() {
        let mut lab = Lab::new("default", Settings::default());
        for line in [
            "telnet mx1.example.org 25",
            "EHLO pc42.dsl.isp.example",
            "MAIL FROM:<you@isp.example>",
            "RCPT TO:<bob@example.org>",
            "DATA",
            "From: You <you@isp.example>",
            "",
            "hi",
            ".",
        ] {
            lab.submit(line, 1_000);
        }
        let hosts = network_mailboxes(&lab);
        let bob = &hosts[0].boxes[1].1[0];
        assert!(bob
            .header("Authentication-Results")
            .is_some_and(|r| r.contains("spf=pass")));
        let (queue_id, checked) = &hosts[0].checks[0];
        assert_eq!(queue_id, &bob.queue_id);
        assert!(checked.sentences.len() >= 3, "{checked:?}");
        assert!(
            checked.sentences[0].starts_with("SPF passed"),
            "{checked:?}"
        );
        // What was found stays true of this message after the DNS changes.
        lab.change_dns(&crate::lab::DnsChange {
            delete: Some("isp.example. 3600 IN TXT \"v=spf1 ip4:203.0.113.0/24 -all\"".into()),
            add: None,
        })
        .unwrap();
        let after = network_mailboxes(&lab);
        assert_eq!(after[0].checks[0].1, *checked);
    }

    #[cfg(feature = "lessons")]
    #[test]
    fn a_signature_shows_its_hashed_fields_and_both_body_hashes() {
        let mut lab = Lab::new("default", Settings::default());
        for line in [
            "telnet smtp.isp.example 587",
            "EHLO pc42.dsl.isp.example",
            "AUTH PLAIN AHlvdQBzZWNyZXQ=",
            "MAIL FROM:<you@isp.example>",
            "RCPT TO:<bob@example.org>",
            "DATA",
            "From: You <you@isp.example>",
            "Subject: Signed",
            "",
            "hi",
            ".",
        ] {
            lab.submit(line, 1_000);
        }
        let hosts = network_mailboxes(&lab);
        let mx1 = hosts.iter().find(|h| h.host == "mx1.example.org").unwrap();
        let signatures = &mx1.checks[0].1.signatures;
        assert!(!signatures.is_empty(), "{:?}", mx1.checks);
        let first = &signatures[0];
        assert_eq!(first.result, "pass");
        assert_eq!(first.domain, "isp.example");
        assert!(first.signed_body_hash.is_some());
        assert_eq!(first.signed_body_hash, first.computed_body_hash);
        let hashed = first.canonical_headers.to_ascii_lowercase();
        assert!(
            hashed.contains("subject:") && hashed.contains("signed"),
            "{hashed}"
        );
        assert!(hashed.contains("dkim-signature:"), "{hashed}");
        assert!(!first.canonical_headers.contains('\r'));
    }
}
