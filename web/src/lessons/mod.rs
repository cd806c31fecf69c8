//! Lessons in the app, as a sub-reducer of the app state: the packs on
//! offer, the open lesson, progress, and the reference solution played in a
//! lab of its own so the learner's own attempt is kept. The reducer never
//! sees the app state: it gets the current lab and returns a
//! [`LessonEffect`] for the app state to apply.

mod library;
pub(crate) mod solution;
pub mod storage;
pub mod translated;

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use smtplab_lessons::{Attempt, Pack};

pub use library::Library;
pub use solution::{solution_steps, SolutionStep};
use storage::{load_packs, load_progress, progress_key, save_packs, save_progress};

use crate::clock::now_seconds;
use crate::i18n::{tr, trf};
use crate::lab::Lab;

/// A lab as the app state holds it.
pub type SharedLab = Rc<RefCell<Lab>>;

/// The lesson being worked through.
#[derive(Debug, Clone)]
pub struct OpenLesson {
    /// Pack id.
    pub pack: String,
    /// Lesson id.
    pub lesson: String,
    /// Hints revealed so far.
    pub hints_shown: usize,
    /// Whether every goal is met in the lab on screen.
    pub complete: bool,
    /// Whether the reference solution was shown during this attempt: the
    /// attempt then never counts as passed, and its export says so.
    pub solution_viewed: bool,
    /// While the reference solution plays: the steps played so far, and
    /// the learner's own lab, kept to go back to.
    pub watching: Option<(usize, SharedLab)>,
}

impl PartialEq for OpenLesson {
    fn eq(&self, other: &Self) -> bool {
        let same_watch = match (&self.watching, &other.watching) {
            (None, None) => true,
            (Some((a, la)), Some((b, lb))) => a == b && Rc::ptr_eq(la, lb),
            _ => false,
        };
        same_watch
            && self.pack == other.pack
            && self.lesson == other.lesson
            && self.hints_shown == other.hints_shown
            && self.complete == other.complete
            && self.solution_viewed == other.solution_viewed
    }
}

impl OpenLesson {
    /// The learner's own lab: the kept one while the solution plays, else
    /// the one on screen.
    pub fn own_lab(&self, on_screen: &SharedLab) -> SharedLab {
        self.watching
            .as_ref()
            .map_or_else(|| on_screen.clone(), |(_, own)| own.clone())
    }

    /// The learner's attempt for export: their own typing, marked when the
    /// solution was shown (such an attempt never passes `smtplab check`).
    pub fn attempt(&self, on_screen: &SharedLab) -> Option<Attempt> {
        let own = self.own_lab(on_screen);
        let lab = own.borrow();
        let mut attempt = lab.lesson()?.attempt(&self.pack);
        attempt.solution_shown |= self.solution_viewed;
        Some(attempt)
    }

    /// [`Self::attempt`] in the export format.
    pub fn attempt_text(&self, on_screen: &SharedLab) -> Option<String> {
        self.attempt(on_screen).map(|a| a.to_text())
    }
}

/// The lesson part of the app state.
#[derive(Debug, Clone)]
pub struct LessonState {
    /// Lesson packs on offer.
    pub library: Rc<Library>,
    /// Teachers' packs as loaded (id, source, JSON), kept in local storage.
    loaded: Rc<Vec<(String, String, String)>>,
    /// The open lesson, if any.
    pub open: Option<OpenLesson>,
    /// Finished lessons (`pack/lesson`), kept in local storage.
    pub progress: Rc<BTreeSet<String>>,
}

impl Default for LessonState {
    fn default() -> Self {
        let mut library = Library::default();
        let mut loaded = Vec::new();
        for (id, source, json) in load_packs() {
            // A kept pack that no longer reads (an older format) is dropped.
            if let Ok(pack) = Pack::from_json(&json) {
                library.add(pack);
                loaded.push((id, source, json));
            }
        }
        Self {
            library: Rc::new(library),
            loaded: Rc::new(loaded),
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
    /// Open a lesson and replay what was typed (a shared link's script).
    Open {
        /// Pack id.
        pack: String,
        /// Lesson id.
        lesson: String,
        /// Submissions to replay.
        script: Vec<String>,
    },
    /// Leave the lesson for the free sandbox.
    Leave,
    /// Reveal the next hint.
    ShowHint,
    /// Play the next step of the reference solution (the first press keeps
    /// the learner's lab and starts the solution in a fresh one).
    SolutionStep,
    /// Stop watching the solution and go back to the learner's own lab.
    BackToOwn,
    /// A new attempt at the open lesson, from an empty console.
    StartOver,
    /// Load a teacher's pack from JSON text; `source` names where it came
    /// from, for the error message.
    LoadPack {
        /// The pack's JSON.
        json: String,
        /// A file name or URL.
        source: String,
        /// A lesson to open once loaded.
        open: Option<String>,
        /// Whether to keep it for the next visit (file and paste: yes; a
        /// ?pack=URL is fetched again each time).
        keep: bool,
    },
    /// Forget a teacher's pack.
    RemovePack(String),
    /// Forget all progress.
    ResetProgress,
}

/// What the app state does after a lesson action.
#[derive(Debug, Default)]
pub struct LessonEffect {
    /// Put this lab on screen.
    pub lab: Option<SharedLab>,
    /// Tell the learner this.
    pub notice: Option<String>,
    /// Show the Lessons tab.
    pub show_lessons: bool,
    /// A lesson was opened (the guided session ends).
    pub opened: bool,
}

impl LessonEffect {
    fn notice(text: impl Into<String>) -> Self {
        Self {
            notice: Some(text.into()),
            ..Self::default()
        }
    }
}

fn new_lab(lab: Lab) -> SharedLab {
    Rc::new(RefCell::new(lab))
}

impl LessonState {
    /// Applies a lesson action; `lab` is the lab on screen.
    pub fn reduce(&mut self, action: LessonAction, lab: &SharedLab) -> LessonEffect {
        match action {
            LessonAction::Open {
                pack,
                lesson,
                script,
            } => self.open_lesson(&pack, &lesson, &script),
            LessonAction::Leave => {
                self.open = None;
                LessonEffect {
                    lab: Some(new_lab(Lab::new("default", smtplab_engine::Settings::default()))),
                    notice: Some(tr("Free sandbox: the default server, no goals. Type telnet localhost smtp to start.").into()),
                    ..LessonEffect::default()
                }
            }
            LessonAction::ShowHint => {
                if let Some(open) = self.open.as_mut() {
                    open.hints_shown += 1;
                }
                LessonEffect::default()
            }
            LessonAction::SolutionStep => self.solution_step(lab),
            LessonAction::BackToOwn => self.back_to_own(),
            LessonAction::StartOver => self.start_over(),
            LessonAction::LoadPack {
                json,
                source,
                open,
                keep,
            } => self.load_pack(&json, source, open, keep),
            LessonAction::RemovePack(id) => self.remove_pack(&id),
            LessonAction::ResetProgress => {
                save_progress(&BTreeSet::new());
                self.progress = Rc::new(BTreeSet::new());
                LessonEffect::notice(tr("Progress reset: every lesson is unticked."))
            }
        }
    }

    fn open_lesson(&mut self, pack: &str, lesson: &str, script: &[String]) -> LessonEffect {
        if let Some(problem) = self.library.missing(pack, lesson) {
            return LessonEffect::notice(problem);
        }
        let Some(found) = self.library.lesson(pack, lesson) else {
            return LessonEffect::default();
        };
        let mut lab = Lab::for_lesson(found);
        let now = now_seconds();
        for entry in script {
            lab.submit(entry, now);
        }
        self.open = Some(OpenLesson {
            pack: pack.to_owned(),
            lesson: lesson.to_owned(),
            hints_shown: 0,
            complete: false,
            solution_viewed: false,
            watching: None,
        });
        self.observe(&lab);
        LessonEffect {
            lab: Some(new_lab(lab)),
            show_lessons: true,
            opened: true,
            ..LessonEffect::default()
        }
    }

    fn start_over(&mut self) -> LessonEffect {
        let Some(open) = self.open.clone() else {
            return LessonEffect::default();
        };
        let mut effect = self.open_lesson(&open.pack, &open.lesson, &[]);
        if let Some(reopened) = self.open.as_mut() {
            reopened.hints_shown = open.hints_shown;
        }
        effect.show_lessons = false;
        effect.notice = Some(tr("Started over: a new attempt from an empty console.").into());
        effect
    }

    fn back_to_own(&mut self) -> LessonEffect {
        let Some(open) = self.open.as_mut() else {
            return LessonEffect::default();
        };
        let Some((_, own)) = open.watching.take() else {
            return LessonEffect::default();
        };
        self.observe(&own.borrow());
        LessonEffect {
            lab: Some(own),
            notice: Some(tr("Back to your own attempt, as you left it.").into()),
            ..LessonEffect::default()
        }
    }

    fn load_pack(
        &mut self,
        json: &str,
        source: String,
        open: Option<String>,
        keep: bool,
    ) -> LessonEffect {
        let pack = match Pack::from_json(json) {
            Ok(pack) => pack,
            Err(error) => {
                return LessonEffect::notice(trf(
                    "Could not load the lesson pack from {}: {}",
                    &[&source, &error.to_string()],
                ))
            }
        };
        let (id, title, count) = (
            pack.id().to_owned(),
            pack.title().to_owned(),
            pack.lessons().len(),
        );
        let mut library = (*self.library).clone();
        library.add(pack);
        self.library = Rc::new(library);
        if keep {
            self.keep_packs(|kept| {
                kept.retain(|(kept_id, _, _)| *kept_id != id);
                kept.push((id.clone(), source.clone(), json.to_owned()));
            });
        }
        let kept = if keep {
            tr(" It stays in this browser until you remove it.")
        } else {
            ""
        };
        let mut effect = match open {
            Some(lesson) => self.open_lesson(&id, &lesson, &[]),
            None => LessonEffect::default(),
        };
        effect.notice = Some(trf(
            "Loaded the teacher's pack \"{}\" ({} lessons) from {}.{}",
            &[&title, &count.to_string(), &source, kept],
        ));
        effect.show_lessons = true;
        effect
    }

    fn remove_pack(&mut self, id: &str) -> LessonEffect {
        let mut library = (*self.library).clone();
        library.remove(id);
        self.library = Rc::new(library);
        self.keep_packs(|kept| kept.retain(|(kept_id, _, _)| kept_id != id));
        LessonEffect::notice(trf(
            "Removed the teacher's pack `{}` from this browser.",
            &[id],
        ))
    }

    /// Changes the kept teachers' packs and saves them.
    fn keep_packs(&mut self, change: impl FnOnce(&mut Vec<(String, String, String)>)) {
        let mut kept = (*self.loaded).clone();
        change(&mut kept);
        save_packs(&kept);
        self.loaded = Rc::new(kept);
    }

    /// After anything that reaches the server: marks the lesson complete
    /// when every goal is met, and keeps it as finished only when the
    /// learner did it on their own (never the solution, never after it).
    pub fn observe(&mut self, lab: &Lab) {
        let complete = lab.lesson().is_some_and(|l| l.checker().is_complete());
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let counts = open.watching.is_none() && !open.solution_viewed;
        if complete && !open.complete && counts {
            let mut progress = (*self.progress).clone();
            progress.insert(progress_key(&open.pack, &open.lesson));
            save_progress(&progress);
            self.progress = Rc::new(progress);
        }
        open.complete = complete;
    }
}
