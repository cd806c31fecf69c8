//! The embeddable widget: the console (and, on request, the explanation,
//! state diagram and command table) for one independent session, with a
//! read-only demo mode that plays a script step by step.

use gloo_timers::callback::Timeout;
use yew::prelude::*;

use crate::components::command_table::CommandTable;
use crate::components::console::Console;
use crate::components::explain::Explain;
use crate::components::state_diagram::StateDiagram;
use crate::state::{Action, AppState};

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
    /// Show the state diagram.
    #[prop_or_default]
    pub diagram: bool,
    /// Show the command table.
    #[prop_or_default]
    pub table: bool,
    /// Show the explanation of the selected reply.
    #[prop_or(true)]
    pub explain: bool,
    /// CSS height of the transcript.
    #[prop_or_default]
    pub height: Option<AttrValue>,
    /// A built-in lesson to run, with its goals above the console.
    #[prop_or_default]
    pub lesson: Option<AttrValue>,
}

impl WidgetOptions {
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
        steps
    }
}

/// One widget.
#[component(Widget)]
pub fn widget(options: &WidgetOptions) -> Html {
    let profile = options.profile.to_string();
    let state = use_reducer(move || AppState::with_profile(&profile));
    // How many script steps have been played (demo mode).
    let played = use_state(|| 0usize);

    {
        // Without autoplay the script is typed in at once, so the learner
        // starts from where the author left off.
        let state = state.clone();
        let options = options.clone();
        use_effect_with((), move |_| {
            #[cfg(feature = "lessons")]
            if let Some(lesson) = &options.lesson {
                state.dispatch(Action::Lesson(crate::lessons::LessonAction::Open(
                    smtplab_lessons::BUILTIN_PACK_ID.to_owned(),
                    lesson.to_string(),
                )));
            }
            if !options.autoplay {
                for step in &options.script {
                    state.dispatch(Action::Submit(step.clone()));
                }
            }
        });
    }
    {
        let state = state.clone();
        let played = played.clone();
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

    let replay = {
        let state = state.clone();
        let played = played.clone();
        let profile = options.profile.to_string();
        Callback::from(move |_: MouseEvent| {
            state.dispatch(Action::Reset(profile.clone()));
            played.set(0);
        })
    };
    let lab = state.lab.borrow();
    let phase = lab.phase;
    let last_transition = lab.last_transition;
    let last_verb = lab.last_verb;
    drop(lab);
    let finished = *played >= options.script.len();

    html! {
        <div class="widget">
            { lesson_view(&state, options) }
            if options.diagram {
                <StateDiagram {phase} {last_transition} />
            }
            <Console state={state.clone()} read_only={options.autoplay} height={options.height.clone()} />
            if options.autoplay {
                <div class="demo-bar">
                    <span class="muted">{ format!("Demo: step {} of {}", (*played).min(options.script.len()), options.script.len()) }</span>
                    <button type="button" onclick={replay} disabled={!finished}>{ "Replay" }</button>
                </div>
            }
            if options.explain {
                <div class="panel"><Explain state={state.clone()} /></div>
            }
            if options.table {
                <div class="panel"><CommandTable state={state.clone()} highlight={last_verb} /></div>
            }
        </div>
    }
}

/// The lesson panel, when the widget runs a lesson.
fn lesson_view(state: &UseReducerHandle<AppState>, options: &WidgetOptions) -> Html {
    #[cfg(feature = "lessons")]
    {
        let _ = options;
        html! { <crate::components::lesson_panel::LessonPanel state={state.clone()} /> }
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
    use super::WidgetOptions;

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
}
