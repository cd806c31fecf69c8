//! App state as a Yew `Reducible`: the lab (console, server, mailboxes)
//! plus what the interface shows, changed only through [`Action`]s.

use std::cell::RefCell;
use std::rc::Rc;

use smtplab_engine::Settings;
use yew::Reducible;

use std::collections::BTreeSet;

use smtplab_lessons::Pack;

use crate::guide::{guide, Guide};
use crate::lab::Lab;
use crate::lessons::{
    load_progress, progress_key, save_progress, solution_steps, Library, SolutionStep,
};
use crate::share::Shared;

/// The side panel's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// The selected reply, explained.
    Explain,
    /// The command table.
    Commands,
    /// Delivered messages.
    Mailboxes,
    /// Server settings.
    Settings,
    /// Lessons and packs.
    Lessons,
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

/// Where a guided session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GuideProgress {
    /// Which guide.
    pub guide: &'static Guide,
    /// How many steps have been played (1 = the first).
    pub played: usize,
}

/// Everything the interface renders.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The lab; shared, mutated in place by the reducer. `version` tells
    /// components it changed.
    pub lab: Rc<RefCell<Lab>>,
    /// Bumped on every change to the lab.
    pub version: u64,
    /// What is in the command input.
    pub draft: String,
    /// The console line whose reply is explained.
    pub selected: Option<usize>,
    /// The side panel's tab.
    pub tab: Tab,
    /// Whether the wire view replaces the console view.
    pub wire: bool,
    /// The guided session, when stepping through one.
    pub guide: Option<GuideProgress>,
    /// A message for the learner (link copied, a bad share link...).
    pub notice: Option<String>,
    /// Lesson packs on offer.
    pub library: Rc<Library>,
    /// The open lesson, if any.
    pub lesson: Option<OpenLesson>,
    /// Finished lessons (`pack/lesson`), kept in local storage.
    pub progress: Rc<BTreeSet<String>>,
}

impl Default for AppState {
    fn default() -> Self {
        Self::with_profile("default")
    }
}

impl AppState {
    /// A fresh state at the shell prompt, the server running `profile` (the
    /// default profile when the name is unknown).
    pub fn with_profile(profile: &str) -> Self {
        let (name, settings) = preset_or_default(profile);
        Self {
            lab: Rc::new(RefCell::new(Lab::new(name, settings))),
            version: 0,
            draft: String::new(),
            selected: None,
            tab: Tab::Explain,
            wire: false,
            guide: None,
            notice: None,
            library: Rc::new(Library::default()),
            lesson: None,
            progress: Rc::new(load_progress()),
        }
    }
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.lab, &other.lab)
            && self.version == other.version
            && self.draft == other.draft
            && self.selected == other.selected
            && self.tab == other.tab
            && self.wire == other.wire
            && self.guide == other.guide
            && self.notice == other.notice
            && Rc::ptr_eq(&self.library, &other.library)
            && self.lesson == other.lesson
            && Rc::ptr_eq(&self.progress, &other.progress)
    }
}

/// Everything that changes the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send what was typed (or pasted).
    Submit(String),
    /// The input changed.
    SetDraft(String),
    /// Put an example into the input (the table's "Try it").
    TryExample(String),
    /// Explain the reply on this console line.
    Select(usize),
    /// Show a side-panel tab.
    ShowTab(Tab),
    /// Switch between console and wire view.
    ToggleWire,
    /// Use these server settings (reconnects).
    ApplySettings(String, Box<Settings>),
    /// Start a guided session.
    GuideStart(&'static str),
    /// Play the next step.
    GuideNext,
    /// Go back a step.
    GuideBack,
    /// Leave step mode and keep typing from here.
    GuideTakeOver,
    /// Rebuild a shared session.
    Restore(Shared),
    /// Show or clear a message.
    Notice(Option<String>),
    /// Start again from an empty console with this profile.
    Reset(String),
    /// Open a lesson (pack id, lesson id).
    OpenLesson(String, String),
    /// Leave the lesson for the free sandbox.
    LeaveLesson,
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

/// The named preset, or the default profile when the name is unknown.
fn preset_or_default(profile: &str) -> (&str, Settings) {
    match Settings::preset(profile) {
        Some(settings) => (profile, settings),
        None => ("default", Settings::default()),
    }
}

/// Unix seconds from the browser clock (the engine never reads a clock).
pub fn now_seconds() -> u64 {
    #[cfg(target_arch = "wasm32")]
    {
        (js_sys::Date::now() / 1000.0) as u64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

impl AppState {
    fn replaced_lab(&mut self, lab: Lab) {
        self.lab = Rc::new(RefCell::new(lab));
        self.selected = None;
        self.select_last_reply();
    }

    fn select_last_reply(&mut self) {
        let lab = self.lab.borrow();
        if let Some(line) = lab.lines.iter().rev().find(|l| l.reply.is_some()) {
            self.selected = Some(line.id);
        }
    }

    fn play_guide(&mut self, guide: &'static Guide, played: usize) {
        let played = played.clamp(1, guide.steps.len());
        let script: Vec<String> = guide.steps[..played]
            .iter()
            .map(|step| step.input.to_owned())
            .collect();
        let settings = Settings::preset(guide.profile).unwrap_or_default();
        self.replaced_lab(Lab::replay(guide.profile, settings, &script, now_seconds()));
        self.guide = Some(GuideProgress { guide, played });
        self.tab = Tab::Explain;
    }
}

impl AppState {
    fn open_lesson(&mut self, pack: &str, lesson: &str) -> bool {
        let Some(found) = self.library.lesson(pack, lesson) else {
            self.notice = Some(format!("There is no lesson `{lesson}` in pack `{pack}`."));
            return false;
        };
        let lab = Lab::for_lesson(found);
        self.replaced_lab(lab);
        self.guide = None;
        self.lesson = Some(OpenLesson {
            pack: pack.to_owned(),
            lesson: lesson.to_owned(),
            hints_shown: 0,
            solution_played: None,
            complete: false,
        });
        self.tab = Tab::Lessons;
        true
    }

    /// After anything that reaches the server: tick the lesson off when
    /// every goal is met.
    fn check_lesson(&mut self) {
        let complete = self
            .lab
            .borrow()
            .lesson()
            .is_some_and(|l| l.checker().is_complete());
        let Some(open) = self.lesson.as_mut() else {
            return;
        };
        if complete && !open.complete {
            let mut progress = (*self.progress).clone();
            progress.insert(progress_key(&open.pack, &open.lesson));
            save_progress(&progress);
            self.progress = Rc::new(progress);
        }
        open.complete = complete;
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.version += 1;
        match action {
            Action::Submit(text) => {
                next.lab.borrow_mut().submit(&text, now_seconds());
                next.draft.clear();
                next.guide = None;
                next.select_last_reply();
                next.check_lesson();
            }
            Action::SetDraft(text) => next.draft = text,
            Action::TryExample(text) => {
                next.draft = text;
                next.guide = None;
            }
            Action::Select(id) => {
                next.selected = Some(id);
                next.tab = Tab::Explain;
            }
            Action::ShowTab(tab) => next.tab = tab,
            Action::ToggleWire => next.wire = !next.wire,
            Action::ApplySettings(name, settings) => {
                next.lab
                    .borrow_mut()
                    .apply_settings(&name, *settings, now_seconds());
                next.lesson = None;
                next.select_last_reply();
            }
            Action::GuideStart(id) => {
                if let Some(guide) = guide(id) {
                    next.play_guide(guide, 1);
                }
            }
            Action::GuideNext => {
                if let Some(progress) = next.guide {
                    next.play_guide(progress.guide, progress.played + 1);
                }
            }
            Action::GuideBack => {
                if let Some(progress) = next.guide {
                    next.play_guide(progress.guide, progress.played.saturating_sub(1));
                }
            }
            Action::GuideTakeOver => next.guide = None,
            Action::Restore(shared) => {
                let settings = Settings::preset(&shared.profile).unwrap_or_default();
                next.replaced_lab(Lab::replay(
                    &shared.profile,
                    settings,
                    &shared.script,
                    now_seconds(),
                ));
                next.guide = None;
            }
            Action::Notice(notice) => next.notice = notice,
            Action::Reset(profile) => {
                let (name, settings) = preset_or_default(&profile);
                next.replaced_lab(Lab::new(name, settings));
                next.guide = None;
                next.lesson = None;
                next.draft.clear();
            }
            Action::OpenLesson(pack, lesson) => {
                next.open_lesson(&pack, &lesson);
            }
            Action::LeaveLesson => {
                next.lesson = None;
                next.replaced_lab(Lab::new("default", Settings::default()));
                next.notice = Some("Free sandbox: the default server, no goals. Type telnet localhost smtp to start.".into());
            }
            Action::ShowHint => {
                if let Some(open) = next.lesson.as_mut() {
                    open.hints_shown += 1;
                }
            }
            Action::SolutionStep => {
                let Some(open) = next.lesson.clone() else {
                    return Rc::new(next);
                };
                let Some(lesson) = next.library.lesson(&open.pack, &open.lesson) else {
                    return Rc::new(next);
                };
                let steps = solution_steps(lesson);
                let played = open.solution_played.map_or(0, |p| p + 1).min(steps.len());
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
                next.replaced_lab(lab);
                if let Some(open) = next.lesson.as_mut() {
                    open.solution_played = Some(played);
                    open.complete = false;
                }
                next.check_lesson();
            }
            Action::LoadPack { json, source, open } => match Pack::from_json(&json) {
                Ok(pack) => {
                    let id = pack.id().to_owned();
                    let title = pack.title().to_owned();
                    let count = pack.lessons().len();
                    let mut library = (*next.library).clone();
                    library.add(pack);
                    next.library = Rc::new(library);
                    next.notice = Some(format!(
                        "Loaded the teacher's pack \"{title}\" ({count} lessons) from {source}."
                    ));
                    next.tab = Tab::Lessons;
                    if let Some(lesson) = open {
                        next.open_lesson(&id, &lesson);
                    }
                }
                Err(error) => {
                    next.notice = Some(format!(
                        "Could not load the lesson pack from {source}: {error}"
                    ));
                }
            },
            Action::ResetProgress => {
                save_progress(&BTreeSet::new());
                next.progress = Rc::new(BTreeSet::new());
                next.notice = Some("Progress reset: every lesson is unticked.".into());
            }
        }
        Rc::new(next)
    }
}
