//! App state as a Yew `Reducible`: the lab (console, server, mailboxes)
//! plus what the interface shows, changed only through [`Action`]s.

use std::cell::RefCell;
use std::rc::Rc;

use smtplab_engine::Settings;
use yew::Reducible;

use crate::guide::{guide, Guide};
use crate::lab::Lab;
#[cfg(feature = "lessons")]
use crate::lessons::{LessonAction, LessonState};
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
    /// Lessons: packs, the open lesson, progress.
    #[cfg(feature = "lessons")]
    pub lessons: LessonState,
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
            #[cfg(feature = "lessons")]
            lessons: LessonState::default(),
        }
    }
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        #[cfg(feature = "lessons")]
        if self.lessons != other.lessons {
            return false;
        }
        Rc::ptr_eq(&self.lab, &other.lab)
            && self.version == other.version
            && self.draft == other.draft
            && self.selected == other.selected
            && self.tab == other.tab
            && self.wire == other.wire
            && self.guide == other.guide
            && self.notice == other.notice
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
    /// Something about lessons.
    #[cfg(feature = "lessons")]
    Lesson(LessonAction),
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
    /// Leaves the open lesson, if any (its goals assume its own server).
    fn forget_lesson(&mut self) {
        #[cfg(feature = "lessons")]
        {
            self.lessons.open = None;
        }
    }

    /// After anything that reaches the server.
    fn after_submit(&mut self) {
        #[cfg(feature = "lessons")]
        crate::lessons::check_lesson(self);
    }

    /// Replaces the lab (used by the lesson reducer).
    #[cfg(feature = "lessons")]
    pub(crate) fn set_lab(&mut self, lab: Lab) {
        self.replaced_lab(lab);
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
                next.after_submit();
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
                next.forget_lesson();
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
                next.forget_lesson();
                next.draft.clear();
            }
            #[cfg(feature = "lessons")]
            Action::Lesson(action) => crate::lessons::reduce(&mut next, action),
        }
        Rc::new(next)
    }
}
