//! The lesson list: every pack's lessons with progress ticks, progress
//! reset (after a confirmation), and teachers' packs: loading one from a
//! file or pasted text, removing one.

use std::collections::BTreeSet;
use std::rc::Rc;

use smtplab_lessons::Pack;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::i18n::{tr, trf};
use crate::lessons::storage::progress_key;
use crate::lessons::translated::pack_title;
use crate::lessons::LessonAction;
use crate::state::{Action, AppState};

/// The Lessons tab's view, from the app state (the panel registry's entry).
pub fn view(state: &UseReducerHandle<AppState>) -> Html {
    let lessons = &state.lessons;
    let current = lessons
        .open
        .as_ref()
        .map(|l| (l.pack.clone(), l.lesson.clone()));
    let state = state.clone();
    let on_action = Callback::from(move |action| state.dispatch(action));
    html! {
        <LessonList packs={lessons.library.packs.clone()} progress={lessons.progress.clone()} {current} {on_action} />
    }
}

/// Props of [`LessonList`].
#[derive(Properties)]
pub struct LessonListProps {
    /// The packs on offer.
    pub packs: Vec<Rc<Pack>>,
    /// Finished lessons (`pack/lesson`).
    pub progress: Rc<BTreeSet<String>>,
    /// The open lesson (pack, lesson).
    pub current: Option<(String, String)>,
    /// What the list asks for.
    pub on_action: Callback<Action>,
}

impl PartialEq for LessonListProps {
    fn eq(&self, other: &Self) -> bool {
        // Packs are never changed in place: a new pack is a new Rc.
        self.packs.len() == other.packs.len()
            && self
                .packs
                .iter()
                .zip(&other.packs)
                .all(|(a, b)| Rc::ptr_eq(a, b))
            && Rc::ptr_eq(&self.progress, &other.progress)
            && self.current == other.current
            && self.on_action == other.on_action
    }
}

/// The list of lessons.
#[component(LessonList)]
pub fn lesson_list(props: &LessonListProps) -> Html {
    let confirming = use_state(|| false);
    let lesson_action = |action: LessonAction| {
        props
            .on_action
            .reform(move |_: MouseEvent| Action::Lesson(action.clone()))
    };
    let packs = props
        .packs
        .iter()
        .map(|pack| pack_view(pack, props, &lesson_action));
    let ask = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(true))
    };
    let cancel = {
        let confirming = confirming.clone();
        Callback::from(move |_: MouseEvent| confirming.set(false))
    };
    let reset = {
        let (confirming, on_action) = (confirming.clone(), props.on_action.clone());
        Callback::from(move |_: MouseEvent| {
            confirming.set(false);
            on_action.emit(Action::Lesson(LessonAction::ResetProgress));
        })
    };
    html! {
        <div class="lessons">
            { for packs }
            if *confirming {
                <div class="confirm" role="alertdialog" aria-label={tr("Reset progress?")}>
                    <p>{ match props.progress.len() {
                        1 => tr("Forget the lesson you finished? This cannot be undone.").to_owned(),
                        done => trf("Forget all {} lessons you finished? This cannot be undone.", &[&done.to_string()]),
                    } }</p>
                    <button type="button" onclick={reset}>{ tr("Yes, forget my progress") }</button>
                    <button type="button" onclick={cancel}>{ tr("Cancel") }</button>
                </div>
            } else {
                <button type="button" onclick={ask}>{ tr("Reset progress") }</button>
            }
            { load_pack(&props.on_action) }
        </div>
    }
}

fn pack_view(
    pack: &Rc<Pack>,
    props: &LessonListProps,
    lesson_action: &impl Fn(LessonAction) -> Callback<MouseEvent>,
) -> Html {
    let finished = |id: &str| props.progress.contains(&progress_key(pack.id(), id));
    let done = pack.lessons().iter().filter(|l| finished(l.id())).count();
    let items = pack.lessons().iter().map(|lesson| {
        let is_done = finished(lesson.id());
        let is_current = props
            .current
            .as_ref()
            .is_some_and(|(p, l)| p == pack.id() && l == lesson.id());
        let open = lesson_action(LessonAction::Open {
            pack: pack.id().to_owned(),
            lesson: lesson.id().to_owned(),
            script: Vec::new(),
        });
        html! {
            <li class={classes!(is_done.then_some("finished"))}>
                <button type="button" onclick={open} aria-current={is_current.then_some("true")}>
                    <span class="mark" aria-hidden="true">{ if is_done { "✓" } else { "○" } }</span>
                    { crate::lessons::translated::title(lesson).to_owned() }
                    if is_done { <span class="visually-hidden">{ tr(" (done)") }</span> }
                </button>
            </li>
        }
    });
    html! {
        <section class="pack" aria-label={pack_title(pack).to_owned()}>
            <h2>
                { pack_title(pack) }
                if !pack.is_builtin() { <span class="tag">{ tr("teacher's") }</span> }
                <span class="count">{ trf(" {} of {} done", &[&done.to_string(), &pack.lessons().len().to_string()]) }</span>
            </h2>
            if !pack.is_builtin() {
                <button type="button" class="remove-pack" onclick={lesson_action(LessonAction::RemovePack(pack.id().to_owned()))}>
                    { tr("Remove") }<span class="visually-hidden">{ trf(" the pack {}", &[pack.title()]) }</span>
                </button>
            }
            <ol class="lesson-list">{ for items }</ol>
        </section>
    }
}

/// Loading a teacher's pack from a file or pasted JSON.
fn load_pack(on_action: &Callback<Action>) -> Html {
    let pasted = NodeRef::default();
    let on_file = {
        let on_action = on_action.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            let on_action = on_action.clone();
            yew::platform::spawn_local(async move {
                let name = file.name();
                let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                on_action.emit(match text.ok().and_then(|t| t.as_string()) {
                    Some(json) => Action::Lesson(LessonAction::LoadPack {
                        json,
                        source: format!("the file {name}"),
                        open: None,
                        keep: true,
                    }),
                    None => Action::Notice(Some(trf("Could not read the file {}.", &[&name]))),
                });
            });
        })
    };
    let on_paste = {
        let (on_action, pasted) = (on_action.clone(), pasted.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = pasted.cast::<HtmlTextAreaElement>() {
                on_action.emit(Action::Lesson(LessonAction::LoadPack {
                    json: area.value(),
                    source: "the pasted text".into(),
                    open: None,
                    keep: true,
                }));
            }
        })
    };
    html! {
        <details class="load-pack">
            <summary>{ tr("For teachers: load a lesson pack") }</summary>
            <label>{ tr("From a file: ") }<input type="file" accept=".json,application/json" aria-label={tr("Lesson pack file")} onchange={on_file} /></label>
            <label>{ tr("Or paste its JSON:") }<textarea ref={pasted} rows="5" aria-label={tr("Lesson pack JSON")} /></label>
            <button type="button" onclick={on_paste}>{ tr("Load pasted pack") }</button>
            <p class="muted">{ tr("Packs loaded here stay in this browser until removed. Or link to one: add ?pack=URL to this page's address (the file must allow being fetched from here). See docs/lessons.md for the format.") }</p>
        </details>
    }
}
