//! The open lesson beside the console: introduction (Markdown), goals ticked
//! as they are met, hints one at a time, the solution step by step in a lab
//! of its own, start over, the success moment, and the attempt export.

use std::rc::Rc;

use yew::prelude::*;

use smtplab_lessons::{GoalStatus, Lesson, Pack};

use crate::components::markdown::markdown;
use crate::i18n::{tr, trf};
use crate::lessons::{solution_steps, translated, LessonAction, OpenLesson};

/// Props of [`LessonPanel`]: the open lesson, where its goals stand, and
/// one callback for every lesson button.
#[derive(Properties)]
pub struct LessonPanelProps {
    /// The pack the open lesson is in.
    pub pack: Rc<Pack>,
    /// The open lesson: which one, hints shown, solution shown or playing.
    pub open: OpenLesson,
    /// Each goal's status, in the lesson's order.
    pub statuses: Vec<GoalStatus>,
    /// The next lesson of the pack, if any.
    pub next: Option<String>,
    /// The attempt as exported for `smtplab check`.
    pub attempt: Option<String>,
    /// Hint, solution step, start over, leave, next lesson.
    pub on_action: Callback<LessonAction>,
}

impl PartialEq for LessonPanelProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.pack, &other.pack)
            && self.open == other.open
            && self.statuses == other.statuses
            && self.next == other.next
            && self.attempt == other.attempt
            && self.on_action == other.on_action
    }
}

/// The lesson panel (renders nothing when the pack lacks the lesson).
#[component(LessonPanel)]
pub fn lesson_panel(props: &LessonPanelProps) -> Html {
    let attempt_text = use_state(|| None::<String>);
    let open = &props.open;
    let Some(lesson) = props.pack.lesson(&open.lesson) else {
        return html! {};
    };
    let teacher_pack = (!props.pack.is_builtin()).then(|| props.pack.title().to_owned());
    let dispatch = dispatcher(&props.on_action);
    let on_export = {
        let attempt_text = attempt_text.clone();
        let attempt = props.attempt.clone();
        Callback::from(move |_: MouseEvent| attempt_text.set(attempt.clone()))
    };
    html! {
        <section class={classes!("lesson", (open.complete && open.watching.is_none() && !open.solution_viewed).then_some("complete"))} aria-label={tr("Lesson")}>
            <div class="lesson-head">
                <h2>{ translated::title(lesson) }</h2>
                if let Some(title) = teacher_pack {
                    <span class="tag">{ trf("teacher's pack: {}", &[&title.to_string()]) }</span>
                }
            </div>
            <div class="intro">{ markdown(translated::introduction(lesson)) }</div>
            <h3>{ tr("Goals") }</h3>
            { goal_list(lesson, props.statuses.clone()) }
            { outcome(open, props.next.clone(), &dispatch) }
            { hints(lesson, open.hints_shown) }
            { buttons(lesson, open, &dispatch, on_export) }
            if let Some(text) = (*attempt_text).clone() {
                <label class="attempt">
                    { tr("Your attempt, for your teacher (copy it, or save it as a .txt file):") }
                    <textarea readonly=true rows="8" aria-label={tr("Attempt")} value={text} />
                </label>
            }
        </section>
    }
}

/// Makes click callbacks that ask for a lesson action.
fn dispatcher(on_action: &Callback<LessonAction>) -> impl Fn(LessonAction) -> Callback<MouseEvent> {
    let on_action = on_action.clone();
    move |action: LessonAction| on_action.reform(move |_: MouseEvent| action.clone())
}

fn goal_list(lesson: &Lesson, statuses: Vec<GoalStatus>) -> Html {
    let goals = (0..lesson.goals().len())
        .zip(statuses)
        .map(|(index, status)| {
            let (mark, label, class) = match status {
                GoalStatus::Met => ("✓", tr("met"), "met"),
                GoalStatus::Pending => ("○", tr("not yet"), "pending"),
                GoalStatus::Failed => ("✗", tr("broken"), "failed"),
            };
            html! {
                <li class={classes!("goal", class)}>
                    <span class="mark" aria-hidden="true">{ mark }</span>
                    { translated::goal(lesson, index).to_owned() }
                    <span class="visually-hidden">{ format!(" ({label})") }</span>
                </li>
            }
        });
    html! { <ul class="goals" aria-label={tr("Goals")}>{ for goals }</ul> }
}

/// What the goals being met means: a pass, the solution's run, or a run
/// after the solution was seen (never a pass).
fn outcome(
    open: &OpenLesson,
    next: Option<String>,
    dispatch: &impl Fn(LessonAction) -> Callback<MouseEvent>,
) -> Html {
    if let Some((played, _)) = &open.watching {
        let done = if open.complete {
            tr(" The reference solution meets every goal; it does not count as your pass.")
        } else {
            ""
        };
        return html! {
            <div class="watching" role="status">
                { trf("You are watching the reference solution (step {}). Your own attempt is kept.", &[&played.to_string()]) }{ done }
                <button type="button" onclick={dispatch(LessonAction::BackToOwn)}>{ tr("Back to my attempt") }</button>
            </div>
        };
    }
    if !open.complete {
        return html! {};
    }
    if open.solution_viewed {
        return html! {
            <div class="watching" role="status">
                { tr("Every goal is met, but you saw the solution during this attempt, so it is not ticked as done. Start over to do it on your own.") }
            </div>
        };
    }
    html! {
        <div class="success" role="status">
            <strong>{ tr("Lesson complete! Every goal is met.") }</strong>
            if let Some(lesson) = next {
                <button type="button" onclick={dispatch(LessonAction::Open { pack: open.pack.clone(), lesson, script: Vec::new() })}>{ tr("Next lesson") }</button>
            }
        </div>
    }
}

fn hints(lesson: &Lesson, shown: usize) -> Html {
    let hints = translated::hints(lesson);
    let shown = shown.min(hints.len());
    if shown == 0 {
        return html! {};
    }
    html! {
        <ol class="hints" aria-label={tr("Hints")}>
            { for hints[..shown].iter().map(|h| html! { <li>{ h.clone() }</li> }) }
        </ol>
    }
}

fn buttons(
    lesson: &Lesson,
    open: &OpenLesson,
    dispatch: &impl Fn(LessonAction) -> Callback<MouseEvent>,
    on_export: Callback<MouseEvent>,
) -> Html {
    let hints = lesson.hints().len();
    let shown = open.hints_shown.min(hints);
    let steps = solution_steps(lesson).len();
    let (solution_label, solution_done) = match &open.watching {
        None => (tr("Show solution").to_owned(), false),
        Some((played, _)) if *played >= steps => (tr("Solution shown").to_owned(), true),
        Some((played, _)) => (
            trf(
                "Solution: next step ({} of {})",
                &[&(played + 1).to_string(), &steps.to_string()],
            ),
            false,
        ),
    };
    html! {
        <div class="buttons">
            <button type="button" disabled={shown >= hints} onclick={dispatch(LessonAction::ShowHint)}>
                { if hints == 0 { tr("No hints").to_owned() } else { trf("Hint ({} of {})", &[&shown.to_string(), &hints.to_string()]) } }
            </button>
            <button type="button" disabled={solution_done} onclick={dispatch(LessonAction::SolutionStep)}>{ solution_label }</button>
            <button type="button" onclick={dispatch(LessonAction::StartOver)}>{ tr("Start over") }</button>
            <button type="button" onclick={on_export}>{ tr("Export attempt") }</button>
            <button type="button" onclick={dispatch(LessonAction::Leave)}>{ tr("Free sandbox") }</button>
        </div>
    }
}
