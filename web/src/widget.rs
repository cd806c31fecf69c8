//! The embeddable widget: the console (and, on request, the explanation,
//! state diagram and command table) for one independent session, with a
//! read-only demo mode that plays a script step by step.

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use std::rc::Rc;

use crate::components::state_diagram::StateDiagram;
use crate::state::{Action, AppState};
use crate::widget_host::{HostCall, SharedHostLink};

/// Pause between demo steps, long enough to read a reply.
const DEMO_STEP_MS: u32 = 1200;

/// The widget's options, read from the element's attributes or the embed
/// page's URL parameters.
#[derive(Properties, PartialEq, Clone, Debug)]
pub struct WidgetOptions {
    /// Server profile preset.
    #[prop_or_else(|| "default".into())]
    pub profile: AttrValue,
    /// Lines to send: typed in at once, or played one by one in demo mode.
    #[prop_or_default]
    pub script: Vec<String>,
    /// Demo mode: play `script` step by step, read-only, with Replay.
    #[prop_or_default]
    pub autoplay: bool,
    /// The panels shown beside the console.
    #[prop_or_default]
    pub panels: Panels,
    /// CSS height of the transcript.
    #[prop_or_default]
    pub height: Option<AttrValue>,
    /// A built-in lesson to run, with its goals above the console.
    #[prop_or_default]
    pub lesson: Option<AttrValue>,
    /// The host page's line to the widget: events out, calls in.
    #[prop_or_default]
    pub host: Option<SharedHostLink>,
}

/// The words the `panels` attribute takes.
pub const PANEL_NAMES: &[&str] = &["diagram", "table", "mailboxes", "sequence", "noexplain"];

/// The panels a `panels` attribute asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Panels {
    /// The state diagram.
    pub diagram: bool,
    /// The command table.
    pub table: bool,
    /// The explanation of the selected reply (on unless `noexplain`).
    pub explain: bool,
    /// The mail delivered (envelope, headers, the Received chain; the
    /// build with the network only, as the sequence diagram).
    pub mailboxes: bool,
    /// The mail network's sequence diagram (the build with the network).
    pub sequence: bool,
    /// Words that name no panel, for [`WidgetOptions::problem`].
    pub unknown: Vec<String>,
}

impl Default for Panels {
    /// No `panels` attribute: the explanation only.
    fn default() -> Self {
        Self::parse("")
    }
}

impl Panels {
    /// The panels that space-separated words of [`PANEL_NAMES`] name.
    pub fn parse(words: &str) -> Self {
        let named = |name: &str| words.split_whitespace().any(|word| word == name);
        Self {
            diagram: named("diagram"),
            table: named("table"),
            explain: !named("noexplain"),
            mailboxes: named("mailboxes"),
            sequence: named("sequence"),
            unknown: words
                .split_whitespace()
                .filter(|word| !PANEL_NAMES.contains(word))
                .map(str::to_owned)
                .collect(),
        }
    }

    /// What is wrong with the panels asked for, given whether this build
    /// has the mail network.
    fn problem(&self, has_network: bool) -> Option<String> {
        if let Some(word) = self.unknown.first() {
            return Some(format!(
                "smtplab: unknown panel `{word}` in the panels attribute; use any of: {}.",
                PANEL_NAMES.join(", ")
            ));
        }
        ((self.mailboxes || self.sequence) && !has_network).then(|| {
            "smtplab: the mailboxes and sequence panels are in the larger build, which this copy of the widget is not; load widget/smtp-lab.js, which picks it by itself.".to_owned()
        })
    }
}

impl WidgetOptions {
    /// What is wrong with the attributes, in a sentence for the page
    /// author, or `None`.
    pub fn problem(&self) -> Option<String> {
        if let Some(problem) = self.panels.problem(cfg!(feature = "network")) {
            return Some(problem);
        }
        if smtplab_engine::Settings::preset(&self.profile).is_none() {
            let known: Vec<&str> = smtplab_engine::profile::PRESETS
                .iter()
                .map(|(name, _)| *name)
                .collect();
            return Some(format!(
                "smtplab: unknown profile `{}` in the profile attribute; use one of: {}.",
                self.profile,
                known.join(", ")
            ));
        }
        #[cfg(feature = "lessons")]
        if let Some(lesson) = &self.lesson {
            let builtin = smtplab_lessons::builtin();
            if builtin.lesson(lesson).is_none() {
                let known: Vec<&str> = builtin.lessons().iter().map(|l| l.id()).collect();
                return Some(format!(
                    "smtplab: no built-in lesson `{lesson}` (the lesson attribute); the lessons are: {}.",
                    known.join(", ")
                ));
            }
        }
        None
    }

    /// Splits a script attribute: one submission per line; a line holding
    /// only `|` separates submissions that span several lines (message
    /// content).
    pub fn parse_script(text: &str) -> Vec<String> {
        let mut steps = Vec::new();
        let mut current: Vec<&str> = Vec::new();
        let mut in_content = false;
        for line in text.lines().map(str::trim_end) {
            let trimmed = line.trim_start();
            if trimmed.is_empty() && current.is_empty() && !in_content {
                continue;
            }
            // Message content (after DATA) is one step, up to the lone dot.
            if in_content {
                current.push(line);
                if trimmed == "." {
                    steps.push(current.join("\n"));
                    current.clear();
                    in_content = false;
                }
                continue;
            }
            steps.push(trimmed.to_owned());
            in_content = trimmed.eq_ignore_ascii_case("DATA");
        }
        if !current.is_empty() {
            steps.push(current.join("\n"));
        }
        // A script that starts talking SMTP connects first, as a reader
        // would have to.
        // (`help` alone is the pretend shell's own command.)
        let talks_smtp = steps
            .first()
            .and_then(|s| s.split_whitespace().next())
            .is_some_and(|w| w != "help" && smtplab_engine::session::parse_verb(w).is_some());
        if talks_smtp {
            steps.insert(0, "telnet localhost smtp".to_owned());
        }
        steps
    }
}

/// One widget.
#[component(Widget)]
pub fn widget(options: &WidgetOptions) -> Html {
    let state = {
        let options = options.clone();
        use_reducer(move || opening_state(&options))
    };
    // How many script steps have been played (demo mode).
    let played = use_state(|| 0usize);
    {
        let (state, options) = (state.clone(), options.clone());
        use_effect_with(state.version, move |_| report_to_host(&state, &options));
    }
    {
        let (state, played) = (state.clone(), played.clone());
        let script = options.script.clone();
        let autoplay = options.autoplay;
        use_effect_with(*played, move |count| {
            let count = *count;
            let timer = (autoplay && count < script.len()).then(|| {
                Timeout::new(if count == 0 { 300 } else { DEMO_STEP_MS }, move || {
                    state.dispatch(Action::Submit(script[count].clone()));
                    played.set(count + 1);
                })
            });
            move || drop(timer)
        });
    }
    if let Some(problem) = options.problem() {
        return html! { <div class="widget"><p class="widget-error" role="alert">{ problem }</p></div> };
    }
    let lab = state.lab.borrow();
    let (phase, last_transition) = (lab.phase, lab.last_transition);
    drop(lab);
    html! {
        <div class="widget">
            { lesson_view(&state, options) }
            { crate::app::notice(&state) }
            if options.panels.diagram {
                <StateDiagram {phase} {last_transition} />
            }
            { crate::app::console(&state, options.autoplay, options.height.clone(), false) }
            if options.autoplay {
                { demo_bar(&state, &played, options) }
            }
            if options.panels.explain {
                <div class="panel">{ crate::panels::explain_view(&state) }</div>
            }
            if options.panels.table {
                <div class="panel">{ crate::panels::commands_view(&state) }</div>
            }
            { network_panels(&state, options) }
        </div>
    }
}

/// The state the widget opens with: the lesson open, and the script typed
/// in unless it autoplays (the learner starts from where the author left
/// off). Built before the first render, so the host's first update already
/// holds the whole script.
fn opening_state(options: &WidgetOptions) -> AppState {
    let mut state = Rc::new(AppState::with_profile(&options.profile));
    if options.problem().is_none() {
        let script = if options.autoplay {
            &[][..]
        } else {
            &options.script[..]
        };
        for action in fresh_session(options, script) {
            state = yew::Reducible::reduce(state, action);
        }
    }
    Rc::try_unwrap(state).unwrap_or_else(|shared| (*shared).clone())
}

/// The actions that start the widget's session afresh and type `script` in.
fn fresh_session(options: &WidgetOptions, script: &[String]) -> Vec<Action> {
    #[cfg(feature = "lessons")]
    if let Some(lesson) = &options.lesson {
        return vec![Action::Lesson(crate::lessons::LessonAction::Open {
            pack: smtplab_lessons::BUILTIN_PACK_ID.to_owned(),
            lesson: lesson.to_string(),
            script: script.to_vec(),
        })];
    }
    let reset = Action::Reset(options.profile.to_string());
    std::iter::once(reset)
        .chain(script.iter().cloned().map(Action::Submit))
        .collect()
}

/// After each new state: the host hears what is new (the link diffs it
/// against what it was already told); from the first on, the widget takes
/// the host's calls. (The handle detaches the link when it unmounts.)
fn report_to_host(state: &UseReducerHandle<AppState>, options: &WidgetOptions) {
    let Some(SharedHostLink(link)) = &options.host else {
        return;
    };
    if !link.takes_calls() {
        let (dispatcher, setup) = (state.dispatcher(), options.clone());
        link.accept_calls(Callback::from(move |call| {
            let actions = match call {
                HostCall::Send(text) => vec![Action::Submit(text)],
                HostCall::Reset => fresh_session(&setup, &[]),
                HostCall::Load(script) => {
                    fresh_session(&setup, &WidgetOptions::parse_script(&script))
                }
            };
            for action in actions {
                dispatcher.dispatch(action);
            }
        }));
    }
    link.updated(&learners_lab(state), options.lesson.as_deref());
}

/// The lab the host hears about: the learner's own, also while a lesson's
/// solution plays on screen (the solution meets no goal of theirs).
fn learners_lab(state: &AppState) -> Rc<std::cell::RefCell<crate::lab::Lab>> {
    #[cfg(feature = "lessons")]
    if let Some(open) = &state.lessons.open {
        return open.own_lab(&state.lab);
    }
    state.lab.clone()
}

fn demo_bar(
    state: &UseReducerHandle<AppState>,
    played: &UseStateHandle<usize>,
    options: &WidgetOptions,
) -> Html {
    let replay = {
        let (state, played) = (state.clone(), played.clone());
        let profile = options.profile.to_string();
        Callback::from(move |_: MouseEvent| {
            state.dispatch(Action::Reset(profile.clone()));
            played.set(0);
        })
    };
    let total = options.script.len();
    let finished = **played >= total;
    html! {
        <div class="demo-bar">
            <span class="muted">{ format!("Demo: step {} of {total}", (**played).min(total)) }</span>
            <button type="button" onclick={replay} disabled={!finished}>{ "Replay" }</button>
        </div>
    }
}

/// The mailboxes and the sequence diagram, when asked for. Only the build
/// with the network has them (the console build stays small; `problem`
/// says so there, and smtp-lab.js picks the larger build for them).
fn network_panels(state: &UseReducerHandle<AppState>, options: &WidgetOptions) -> Html {
    #[cfg(feature = "network")]
    {
        html! {
            <>
                if options.panels.mailboxes {
                    <div class="panel">{ crate::panels::mailboxes_view(state) }</div>
                }
                if options.panels.sequence {
                    <div class="panel">{ crate::panels::diagram_view(state) }</div>
                }
            </>
        }
    }
    #[cfg(not(feature = "network"))]
    {
        let _ = (state, options);
        Html::default()
    }
}

/// The lesson panel, when the widget runs a lesson.
fn lesson_view(state: &UseReducerHandle<AppState>, options: &WidgetOptions) -> Html {
    #[cfg(feature = "lessons")]
    {
        let _ = options;
        crate::panels::lesson_panel_view(state)
    }
    #[cfg(not(feature = "lessons"))]
    {
        let _ = state;
        match &options.lesson {
            Some(lesson) => html! {
                <p class="notice" role="status">{ format!("This copy of the widget cannot run lessons (asked for `{lesson}`); load widget/smtp-lab.js, which picks the lesson build by itself.") }</p>
            },
            None => html! {},
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Panels, WidgetOptions};

    #[test]
    fn scripts_split_into_steps_with_message_content_as_one() {
        let steps = WidgetOptions::parse_script(
            "\n  telnet localhost smtp\n  mail from:alice@example.com\n  data\nHi, Bob!\n  indented\n.\n  quit\n",
        );
        assert_eq!(
            steps,
            [
                "telnet localhost smtp",
                "mail from:alice@example.com",
                "data",
                "Hi, Bob!\n  indented\n.",
                "quit"
            ]
        );
    }

    fn options_with_panels(words: &str) -> WidgetOptions {
        WidgetOptions {
            profile: "default".into(),
            script: Vec::new(),
            autoplay: false,
            panels: Panels::parse(words),
            height: None,
            lesson: None,
            host: None,
        }
    }

    #[test]
    fn the_panels_attribute_names_panels_and_a_typo_is_said() {
        let options = options_with_panels("table  mailboxes noexplain");
        let panels = &options.panels;
        assert!(panels.table && panels.mailboxes);
        assert!(!panels.explain && !panels.diagram && !panels.sequence);
        assert_eq!(options.problem(), None);

        let typo = options_with_panels("table tabel");
        assert_eq!(
            typo.problem().as_deref(),
            Some("smtplab: unknown panel `tabel` in the panels attribute; use any of: diagram, table, mailboxes, sequence, noexplain.")
        );
    }

    #[test]
    fn the_network_panels_are_the_larger_builds() {
        for words in ["sequence", "mailboxes", "table mailboxes sequence"] {
            let options = options_with_panels(words);
            assert_eq!(options.panels.problem(true), None, "{words}");
            assert!(
                options
                    .panels
                    .problem(false)
                    .is_some_and(|p| p.contains("the larger build")),
                "{words}"
            );
        }
        assert_eq!(
            options_with_panels("table diagram").panels.problem(false),
            None
        );
    }

    #[test]
    fn a_script_that_starts_with_an_smtp_command_connects_first() {
        assert_eq!(
            WidgetOptions::parse_script("EHLO x\nQUIT"),
            ["telnet localhost smtp", "EHLO x", "QUIT"]
        );
        assert_eq!(WidgetOptions::parse_script("help"), ["help"]);
    }
}
