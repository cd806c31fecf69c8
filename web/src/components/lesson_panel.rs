//! The open lesson beside the console: introduction, goals ticked as they
//! are met, hints one at a time, the solution step by step, the success
//! moment, and the attempt export for the teacher.

use yew::prelude::*;

use smtplab_lessons::GoalStatus;

use crate::lessons::solution_steps;
use crate::lessons::LessonAction;
use crate::state::{Action, AppState};

/// Props of [`LessonPanel`].
#[derive(Properties, PartialEq)]
pub struct LessonPanelProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
}

/// The lesson panel (renders nothing when no lesson is open).
#[component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let state = &props.state;
    let attempt_text = use_state(|| None::<String>);
    let Some(open) = state.lessons.open.clone() else {
        return html! {};
    };
    let Some(lesson) = state.lessons.library.lesson(&open.pack, &open.lesson) else {
        return html! {};
    };
    let lab = state.lab.borrow();
    let statuses = lab
        .lesson()
        .map(|l| l.checker().statuses())
        .unwrap_or_default();
    let attempt = lab.lesson().map(|l| l.attempt(&open.pack).to_text());
    drop(lab);

    let dispatch = |action: Action| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.dispatch(action.clone()))
    };
    let goals = lesson.goals().iter().zip(statuses).map(|(goal, status)| {
        let (mark, label, class) = match status {
            GoalStatus::Met => ("✓", "met", "met"),
            GoalStatus::Pending => ("○", "not yet", "pending"),
            GoalStatus::Failed => ("✗", "broken", "failed"),
        };
        html! {
            <li class={classes!("goal", class)}>
                <span class="mark" aria-hidden="true">{ mark }</span>
                { goal.description.clone() }
                <span class="visually-hidden">{ format!(" ({label})") }</span>
            </li>
        }
    });
    let hints = lesson.hints();
    let shown = open.hints_shown.min(hints.len());
    let steps = solution_steps(lesson);
    let solution_label = match open.solution_played {
        None => "Show solution".to_owned(),
        Some(played) if played >= steps.len() => "Solution shown".to_owned(),
        Some(played) => format!("Solution: next step ({} of {})", played + 1, steps.len()),
    };
    let solution_done = open.solution_played.is_some_and(|p| p >= steps.len());
    let next = state.lessons.library.next_lesson(&open.pack, &open.lesson);
    let teacher_pack = state
        .lessons
        .library
        .pack(&open.pack)
        .filter(|p| !p.is_builtin())
        .map(|p| p.title().to_owned());
    let on_export = {
        let attempt_text = attempt_text.clone();
        Callback::from(move |_: MouseEvent| attempt_text.set(attempt.clone()))
    };

    html! {
        <section class={classes!("lesson", open.complete.then_some("complete"))} aria-label="Lesson">
            <div class="lesson-head">
                <h2>{ lesson.title() }</h2>
                if let Some(title) = teacher_pack {
                    <span class="tag">{ format!("teacher's pack: {title}") }</span>
                }
            </div>
            <div class="intro">
                { for lesson.introduction().split("\n\n").map(paragraph) }
            </div>
            <h3>{ "Goals" }</h3>
            <ul class="goals" aria-label="Goals">{ for goals }</ul>
            if open.complete {
                <div class="success" role="status">
                    <strong>{ "Lesson complete! Every goal is met." }</strong>
                    if let Some(next_id) = next {
                        <button type="button" onclick={dispatch(Action::Lesson(LessonAction::Open(open.pack.clone(), next_id)))}>{ "Next lesson" }</button>
                    }
                </div>
            }
            if shown > 0 {
                <ol class="hints" aria-label="Hints">
                    { for hints[..shown].iter().map(|h| html! { <li>{ h.clone() }</li> }) }
                </ol>
            }
            <div class="buttons">
                <button type="button" disabled={shown >= hints.len()} onclick={dispatch(Action::Lesson(LessonAction::ShowHint))}>
                    { if hints.is_empty() { "No hints".to_owned() } else { format!("Hint ({shown} of {})", hints.len()) } }
                </button>
                <button type="button" disabled={solution_done} onclick={dispatch(Action::Lesson(LessonAction::SolutionStep))}>{ solution_label }</button>
                <button type="button" onclick={on_export}>{ "Export attempt" }</button>
                <button type="button" onclick={dispatch(Action::Lesson(LessonAction::Leave))}>{ "Free sandbox" }</button>
            </div>
            if let Some(text) = (*attempt_text).clone() {
                <label class="attempt">
                    { "Your attempt, for your teacher (copy it, or save it as a .txt file):" }
                    <textarea readonly=true rows="8" aria-label="Attempt" value={text} />
                </label>
            }
        </section>
    }
}

/// A paragraph of lesson text: `backticks` become code, everything else
/// stays plain text (lesson text is never parsed as HTML).
fn paragraph(text: &str) -> Html {
    let pieces = text.split('`').enumerate().map(|(index, piece)| {
        if index % 2 == 1 {
            html! { <code>{ piece.to_owned() }</code> }
        } else {
            html! { { piece.to_owned() } }
        }
    });
    html! { <p>{ for pieces }</p> }
}
