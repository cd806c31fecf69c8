//! App state as a Yew `Reducible`: the lab (console, server, mailboxes)
//! plus what the interface shows, changed only through [`Action`]s. The
//! lesson part is a sub-reducer (`lessons.rs`) that returns effects.

use std::cell::RefCell;
use std::rc::Rc;

use smtplab_engine::Settings;
use yew::Reducible;

use crate::clock::now_seconds;
use crate::guide::{guide, Guide};
use crate::i18n::tr;
use crate::lab::Lab;
#[cfg(feature = "lessons")]
use crate::lessons::{LessonAction, LessonEffect, LessonState};
use crate::share::Shared;
pub use crate::tab::Tab;

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
    /// Bumped with every notice, so the same message shown twice is
    /// announced twice.
    pub notice_count: u32,
    /// Why the DNS tab's last change was refused, if it was.
    #[cfg(feature = "network")]
    pub dns_problem: Option<smtplab_engine::network::ZoneEditError>,
    /// How many DNS changes went through (the tab clears its draft on each).
    #[cfg(feature = "network")]
    pub dns_applied: u32,
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
            notice_count: 0,
            #[cfg(feature = "network")]
            dns_problem: None,
            #[cfg(feature = "network")]
            dns_applied: 0,
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
        #[cfg(feature = "network")]
        if self.dns_problem != other.dns_problem || self.dns_applied != other.dns_applied {
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
            && self.notice_count == other.notice_count
    }
}

/// Everything that changes the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Send what was typed (or pasted).
    Submit(String),
    /// The input changed.
    SetDraft(String),
    /// The table's "Try it": connects first when at the shell prompt, then
    /// puts the example into the input.
    TryExample(String),
    /// Ctrl+C in the console, with what was being typed.
    Interrupt(String),
    /// Ctrl+] in the console (telnet's escape).
    Escape,
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
    /// The mail network a command asked for could not be loaded.
    NetworkRefused,
    /// Start again from an empty console with this profile.
    Reset(String),
    /// Change the network's DNS (the DNS tab).
    #[cfg(feature = "network")]
    ChangeDns(crate::lab::DnsChange),
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

impl AppState {
    fn replaced_lab(&mut self, lab: Rc<RefCell<Lab>>) {
        self.lab = lab;
        self.selected = None;
        self.select_last_reply();
    }

    fn select_last_reply(&mut self) {
        let lab = self.lab.borrow();
        if let Some(line) = lab.lines.iter().rev().find(|l| l.reply.is_some()) {
            self.selected = Some(line.id);
        }
    }

    fn set_notice(&mut self, notice: Option<String>) {
        self.notice_count += u32::from(notice.is_some());
        self.notice = notice;
    }

    fn play_guide(&mut self, guide: &'static Guide, played: usize) {
        let played = played.clamp(1, guide.steps.len());
        let script: Vec<String> = guide.steps[..played]
            .iter()
            .map(|step| step.input.to_owned())
            .collect();
        let settings = Settings::preset(guide.profile).unwrap_or_default();
        let lab = Lab::replay(guide.profile, settings, &script, now_seconds());
        self.replaced_lab(Rc::new(RefCell::new(lab)));
        self.guide = Some(GuideProgress { guide, played });
        self.tab = Tab::Explain;
    }

    /// Leaves the open lesson, if any (its goals assume its own server).
    fn forget_lesson(&mut self) {
        #[cfg(feature = "lessons")]
        {
            self.lessons.open = None;
        }
    }

    /// After anything that reaches the server.
    fn after_submit(&mut self) {
        self.guide = None;
        self.select_last_reply();
        #[cfg(feature = "lessons")]
        self.lessons.observe(&self.lab.borrow());
    }

    #[cfg(feature = "lessons")]
    fn apply_lesson(&mut self, effect: LessonEffect) {
        if let Some(lab) = effect.lab {
            self.replaced_lab(lab);
            self.draft.clear();
        }
        if effect.opened {
            self.guide = None;
        }
        if effect.show_lessons {
            self.tab = Tab::Lessons;
        }
        if effect.notice.is_some() {
            self.set_notice(effect.notice);
        }
    }

    fn guide_action(&mut self, action: &Action) {
        match (action, self.guide) {
            (Action::GuideStart(id), _) => {
                if let Some(guide) = guide(id) {
                    self.play_guide(guide, 1);
                }
            }
            (Action::GuideNext, Some(progress)) => {
                self.play_guide(progress.guide, progress.played + 1);
            }
            (Action::GuideBack, Some(progress)) => {
                self.play_guide(progress.guide, progress.played.saturating_sub(1));
            }
            (Action::GuideTakeOver, _) => self.guide = None,
            _ => {}
        }
    }

    fn try_example(&mut self, example: String) {
        let (connected, in_content) = {
            let lab = self.lab.borrow();
            (lab.connected(), lab.in_content())
        };
        if in_content {
            self.set_notice(Some(tr("You are typing message content: end it with a line holding only a dot, then try a command.").into()));
            return;
        }
        if !connected {
            self.lab
                .borrow_mut()
                .submit("telnet localhost smtp", now_seconds());
            self.after_submit();
        }
        self.draft = example;
        self.guide = None;
    }

    /// A change from the DNS tab: made whole, or refused with the reason.
    #[cfg(feature = "network")]
    fn change_dns(&mut self, change: &crate::lab::DnsChange) {
        let result = self.lab.borrow_mut().change_dns(change);
        match result {
            Ok(()) => {
                self.dns_problem = None;
                self.dns_applied = self.dns_applied.wrapping_add(1);
                #[cfg(feature = "lessons")]
                self.lessons.observe(&self.lab.borrow());
            }
            Err(problem) => self.dns_problem = Some(problem),
        }
    }

    fn restore(&mut self, shared: Shared) {
        #[cfg(feature = "lessons")]
        if let Some(link) = &shared.lesson {
            let (pack, lesson) = crate::share::lesson_parts(link);
            let effect = self.lessons.reduce(
                LessonAction::Open {
                    pack,
                    lesson,
                    script: shared.script.clone(),
                },
                &self.lab.clone(),
            );
            self.apply_lesson(effect);
            return;
        }
        let settings = shared.settings();
        let lab = Lab::replay(
            &shared.profile_name(),
            settings,
            &shared.script,
            now_seconds(),
        );
        self.replaced_lab(Rc::new(RefCell::new(lab)));
        self.guide = None;
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
                next.after_submit();
            }
            Action::SetDraft(text) => next.draft = text,
            Action::TryExample(text) => next.try_example(text),
            Action::Interrupt(draft) => {
                next.lab.borrow_mut().interrupt(&draft);
                next.draft.clear();
            }
            Action::Escape => next.lab.borrow_mut().escape(),
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
            Action::GuideStart(_)
            | Action::GuideNext
            | Action::GuideBack
            | Action::GuideTakeOver => {
                next.guide_action(&action);
            }
            Action::Restore(shared) => next.restore(shared),
            Action::Notice(notice) => next.set_notice(notice),
            Action::NetworkRefused => next.lab.borrow_mut().network_refused(),
            Action::Reset(profile) => {
                let (name, settings) = preset_or_default(&profile);
                next.replaced_lab(Rc::new(RefCell::new(Lab::new(name, settings))));
                next.guide = None;
                next.forget_lesson();
                next.draft.clear();
            }
            #[cfg(feature = "network")]
            Action::ChangeDns(change) => next.change_dns(&change),
            #[cfg(feature = "lessons")]
            Action::Lesson(action) => {
                let lab = next.lab.clone();
                let effect = next.lessons.reduce(action, &lab);
                next.apply_lesson(effect);
            }
        }
        Rc::new(next)
    }
}
