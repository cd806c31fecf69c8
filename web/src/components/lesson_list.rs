//! The lesson list: every pack's lessons with progress ticks, progress
//! reset, and loading a teacher's pack from a file or pasted text.

use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::lessons::progress_key;
use crate::lessons::LessonAction;
use crate::state::{Action, AppState};

/// Props of [`LessonList`].
#[derive(Properties, PartialEq)]
pub struct LessonListProps {
    /// The app state.
    pub state: UseReducerHandle<AppState>,
}

/// The list of lessons.
#[component(LessonList)]
pub fn lesson_list(props: &LessonListProps) -> Html {
    let state = &props.state;
    let pasted = use_node_ref();
    let current = state
        .lessons
        .open
        .as_ref()
        .map(|l| (l.pack.clone(), l.lesson.clone()));

    let packs = state.lessons.library.packs.iter().map(|pack| {
        let done = pack
            .lessons()
            .iter()
            .filter(|l| state.lessons.progress.contains(&progress_key(pack.id(), l.id())))
            .count();
        let items = pack.lessons().iter().map(|lesson| {
            let finished = state.lessons.progress.contains(&progress_key(pack.id(), lesson.id()));
            let is_current = current.as_ref().is_some_and(|(p, l)| p == pack.id() && l == lesson.id());
            let onclick = {
                let state = state.clone();
                let pack = pack.id().to_owned();
                let id = lesson.id().to_owned();
                Callback::from(move |_: MouseEvent| state.dispatch(Action::Lesson(LessonAction::Open(pack.clone(), id.clone()))))
            };
            html! {
                <li class={classes!(finished.then_some("finished"))}>
                    <button type="button" {onclick} aria-current={is_current.then_some("true")}>
                        <span class="mark" aria-hidden="true">{ if finished { "✓" } else { "○" } }</span>
                        { lesson.title() }
                        if finished { <span class="visually-hidden">{ " (done)" }</span> }
                    </button>
                </li>
            }
        });
        html! {
            <section class="pack">
                <h3>
                    { pack.title() }
                    if !pack.is_builtin() { <span class="tag">{ "teacher's" }</span> }
                    <span class="count">{ format!(" {done} of {} done", pack.lessons().len()) }</span>
                </h3>
                <ol class="lesson-list">{ for items }</ol>
            </section>
        }
    });

    let on_file = {
        let state = state.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            let state = state.clone();
            let name = file.name();
            yew::platform::spawn_local(async move {
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                match text.ok().and_then(|t| t.as_string()) {
                    Some(json) => state.dispatch(Action::Lesson(LessonAction::LoadPack {
                        json,
                        source: format!("the file {name}"),
                        open: None,
                    })),
                    None => state.dispatch(Action::Notice(Some(format!(
                        "Could not read the file {name}."
                    )))),
                }
            });
        })
    };
    let on_paste = {
        let state = state.clone();
        let pasted = pasted.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = pasted.cast::<HtmlTextAreaElement>() {
                state.dispatch(Action::Lesson(LessonAction::LoadPack {
                    json: area.value(),
                    source: "the pasted text".into(),
                    open: None,
                }));
            }
        })
    };
    let on_reset = {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| {
            state.dispatch(Action::Lesson(LessonAction::ResetProgress))
        })
    };
    html! {
        <div class="lessons">
            { for packs }
            <button type="button" onclick={on_reset}>{ "Reset progress" }</button>
            <details class="load-pack">
                <summary>{ "For teachers: load a lesson pack" }</summary>
                <label>{ "From a file: " }<input type="file" accept=".json,application/json" aria-label="Lesson pack file" onchange={on_file} /></label>
                <label>{ "Or paste its JSON:" }<textarea ref={pasted} rows="5" aria-label="Lesson pack JSON" /></label>
                <button type="button" onclick={on_paste}>{ "Load pasted pack" }</button>
                <p class="muted">{ "Or link to it: add ?pack=URL to this page's address (the file must allow being fetched from here). See docs/lessons.md for the format." }</p>
            </details>
        </div>
    }
}
