//! Lessons in the app: the packs on offer (built-in and teachers'), which
//! lessons a learner has finished (kept in local storage), and how a
//! lesson's reference solution is played step by step.

use std::collections::BTreeSet;
use std::rc::Rc;

use smtplab_lessons::{builtin, Lesson, Pack, Step};

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
