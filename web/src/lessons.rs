//! Lessons in the app: the packs on offer (built-in and teachers'), which
//! lessons a learner has finished (kept in local storage), and how a
//! lesson's reference solution is played step by step.

use std::collections::BTreeSet;
use std::rc::Rc;

use smtplab_engine::Settings;
use smtplab_lessons::{builtin, Lesson, Pack, Step};

use crate::lab::Lab;
use crate::state::{now_seconds, AppState, Tab};

/// Where progress is kept in the browser.
const PROGRESS_KEY: &str = "smtplab.progress.v1";

/// The packs on offer: the built-in curriculum first, then teachers' packs
/// in the order they were loaded.
#[derive(Debug, Clone)]
pub struct Library {
    /// Every pack.
    pub packs: Vec<Rc<Pack>>,
}

impl Default for Library {
    fn default() -> Self {
        Self {
            packs: vec![Rc::new(builtin().clone())],
        }
    }
}

impl Library {
    /// A pack by id.
    pub fn pack(&self, id: &str) -> Option<&Rc<Pack>> {
        self.packs.iter().find(|p| p.id() == id)
    }

    /// A lesson by pack id and lesson id.
    pub fn lesson(&self, pack: &str, lesson: &str) -> Option<&Lesson> {
        self.pack(pack).and_then(|p| p.lesson(lesson))
    }

    /// Adds a teacher's pack, replacing one with the same id.
    pub fn add(&mut self, pack: Pack) {
        let pack = Rc::new(pack);
        match self.packs.iter_mut().find(|p| p.id() == pack.id()) {
            Some(existing) => *existing = pack,
            None => self.packs.push(pack),
        }
    }

    /// The lesson after `pack`/`lesson` in the same pack.
    pub fn next_lesson(&self, pack: &str, lesson: &str) -> Option<String> {
        let lessons = self.pack(pack)?.lessons();
        let index = lessons.iter().position(|l| l.id() == lesson)?;
        lessons.get(index + 1).map(|l| l.id().to_owned())
    }
}

/// The lesson being worked through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenLesson {
    /// Pack id.
    pub pack: String,
    /// Lesson id.
    pub lesson: String,
    /// Hints revealed so far.
    pub hints_shown: usize,
    /// Solution steps played so far, once "show solution" was pressed.
    pub solution_played: Option<usize>,
    /// Whether every goal is met.
    pub complete: bool,
}

/// The lesson part of the app state.
#[derive(Debug, Clone)]
pub struct LessonState {
    /// Lesson packs on offer.
    pub library: Rc<Library>,
    /// The open lesson, if any.
    pub open: Option<OpenLesson>,
    /// Finished lessons (`pack/lesson`), kept in local storage.
    pub progress: Rc<BTreeSet<String>>,
}

impl Default for LessonState {
    fn default() -> Self {
        Self {
            library: Rc::new(Library::default()),
            open: None,
            progress: Rc::new(load_progress()),
        }
    }
}

impl PartialEq for LessonState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.library, &other.library)
            && self.open == other.open
            && Rc::ptr_eq(&self.progress, &other.progress)
    }
}

/// Everything that changes the lesson state.
#[derive(Debug, Clone, PartialEq)]
pub enum LessonAction {
    /// Open a lesson (pack id, lesson id).
    Open(String, String),
    /// Leave the lesson for the free sandbox.
    Leave,
    /// Reveal the next hint.
    ShowHint,
    /// Play the next step of the reference solution (the first press
    /// starts the lesson over).
    SolutionStep,
    /// Load a teacher's pack from JSON text; `source` names where it came
    /// from, for the error message.
    LoadPack {
        /// The pack's JSON.
        json: String,
        /// A file name or URL.
        source: String,
        /// A lesson to open once loaded.
        open: Option<String>,
    },
    /// Forget all progress.
    ResetProgress,
}

fn open_lesson(state: &mut AppState, pack: &str, lesson: &str) {
    let Some(found) = state.lessons.library.lesson(pack, lesson) else {
        state.notice = Some(format!("There is no lesson `{lesson}` in pack `{pack}`."));
        return;
    };
    let lab = Lab::for_lesson(found);
    state.set_lab(lab);
    state.guide = None;
    state.lessons.open = Some(OpenLesson {
        pack: pack.to_owned(),
        lesson: lesson.to_owned(),
        hints_shown: 0,
        solution_played: None,
        complete: false,
    });
    state.tab = Tab::Lessons;
}

/// After anything that reaches the server: ticks the lesson off when every
/// goal is met, and keeps that in local storage.
pub fn check_lesson(state: &mut AppState) {
    let complete = state
        .lab
        .borrow()
        .lesson()
        .is_some_and(|l| l.checker().is_complete());
    let Some(open) = state.lessons.open.as_mut() else {
        return;
    };
    if complete && !open.complete {
        let mut progress = (*state.lessons.progress).clone();
        progress.insert(progress_key(&open.pack, &open.lesson));
        save_progress(&progress);
        state.lessons.progress = Rc::new(progress);
    }
    open.complete = complete;
}

/// Applies a lesson action.
pub fn reduce(next: &mut AppState, action: LessonAction) {
    match action {
        LessonAction::Open(pack, lesson) => open_lesson(next, &pack, &lesson),
        LessonAction::Leave => {
            next.lessons.open = None;
            next.set_lab(Lab::new("default", Settings::default()));
            next.notice = Some(
                "Free sandbox: the default server, no goals. Type telnet localhost smtp to start."
                    .into(),
            );
        }
        LessonAction::ShowHint => {
            if let Some(open) = next.lessons.open.as_mut() {
                open.hints_shown += 1;
            }
        }
        LessonAction::SolutionStep => {
            let Some(open) = next.lessons.open.clone() else {
                return;
            };
            let library = next.lessons.library.clone();
            let Some(lesson) = library.lesson(&open.pack, &open.lesson) else {
                return;
            };
            let steps = solution_steps(lesson);
            let played = open.solution_played.map_or(1, |p| p + 1).min(steps.len());
            // Start over, then play the steps so far: the learner sees
            // exactly the reference session.
            let mut lab = Lab::for_lesson(lesson);
            let now = now_seconds();
            for step in &steps[..played] {
                match step {
                    SolutionStep::Type(text) => lab.submit(text, now),
                    SolutionStep::Wait(seconds) => lab.wait(*seconds),
                }
            }
            next.set_lab(lab);
            if let Some(open) = next.lessons.open.as_mut() {
                open.solution_played = Some(played);
                open.complete = false;
            }
            check_lesson(next);
        }
        LessonAction::LoadPack { json, source, open } => match Pack::from_json(&json) {
            Ok(pack) => {
                let id = pack.id().to_owned();
                let title = pack.title().to_owned();
                let count = pack.lessons().len();
                let mut library = (*next.lessons.library).clone();
                library.add(pack);
                next.lessons.library = Rc::new(library);
                next.notice = Some(format!(
                    "Loaded the teacher's pack \"{title}\" ({count} lessons) from {source}."
                ));
                next.tab = Tab::Lessons;
                if let Some(lesson) = open {
                    open_lesson(next, &id, &lesson);
                }
            }
            Err(error) => {
                next.notice = Some(format!(
                    "Could not load the lesson pack from {source}: {error}"
                ));
            }
        },
        LessonAction::ResetProgress => {
            save_progress(&BTreeSet::new());
            next.lessons.progress = Rc::new(BTreeSet::new());
            next.notice = Some("Progress reset: every lesson is unticked.".into());
        }
    }
}

/// The progress key of a lesson.
pub fn progress_key(pack: &str, lesson: &str) -> String {
    format!("{pack}/{lesson}")
}

/// Finished lessons, from local storage (empty outside a browser or when
/// storage is unavailable, e.g. in a private window that refuses it).
pub fn load_progress() -> BTreeSet<String> {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo_storage::Storage as _;
        gloo_storage::LocalStorage::get(PROGRESS_KEY).unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = PROGRESS_KEY;
        BTreeSet::new()
    }
}

/// Keeps progress in local storage; failure (storage full or refused) is
/// not fatal, progress then lasts until the page closes.
pub fn save_progress(progress: &BTreeSet<String>) {
    #[cfg(target_arch = "wasm32")]
    {
        use gloo_storage::Storage as _;
        let _ = gloo_storage::LocalStorage::set(PROGRESS_KEY, progress);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = progress;
    }
}

/// One step of a played solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolutionStep {
    /// Type this (a connect command, a line, or pasted lines).
    Type(String),
    /// Let this many seconds pass.
    Wait(u64),
}

/// A lesson's reference solution as console steps: each connection opens
/// with `telnet localhost smtp`.
pub fn solution_steps(lesson: &Lesson) -> Vec<SolutionStep> {
    let mut steps = Vec::new();
    for connection in &lesson.solution().connections {
        steps.push(SolutionStep::Type("telnet localhost smtp".into()));
        for step in connection {
            steps.push(match step {
                Step::Send(lines) => SolutionStep::Type(lines.join("\n")),
                Step::Wait(seconds) => SolutionStep::Wait(*seconds),
            });
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::Lab;

    #[test]
    fn solution_steps_complete_every_builtin_lesson_in_the_lab() {
        let library = Library::default();
        for lesson in library.packs[0].lessons() {
            let mut lab = Lab::for_lesson(lesson);
            for step in solution_steps(lesson) {
                match step {
                    SolutionStep::Type(text) => lab.submit(&text, 0),
                    SolutionStep::Wait(seconds) => lab.wait(seconds),
                }
            }
            assert!(
                lab.lesson().unwrap().checker().is_complete(),
                "{}",
                lesson.id()
            );
        }
    }

    #[test]
    fn next_lesson_follows_the_pack_order_and_ends() {
        let library = Library::default();
        let lessons = library.packs[0].lessons();
        let first = lessons[0].id();
        assert_eq!(
            library.next_lesson("builtin", first).as_deref(),
            Some(lessons[1].id())
        );
        assert_eq!(
            library.next_lesson("builtin", lessons.last().unwrap().id()),
            None
        );
        assert!(library.lesson("builtin", "nope").is_none());
    }
}
