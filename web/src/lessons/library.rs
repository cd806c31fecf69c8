//! The lesson packs on offer: the built-in curriculum first, then teachers'
//! packs in the order they were loaded.

use std::rc::Rc;

use smtplab_lessons::{builtin, Lesson, Pack};

use crate::i18n::trf;

/// The packs on offer.
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

    /// Why `pack`/`lesson` cannot be opened, in a sentence; `None` when it can.
    pub fn missing(&self, pack: &str, lesson: &str) -> Option<String> {
        match self.pack(pack) {
            None => Some(trf(
                "The lesson pack `{}` is not loaded in this browser: load it again (Lessons tab, \"For teachers: load a lesson pack\"), or open the teacher's ?pack= link.",
                &[pack],
            )),
            Some(found) if found.lesson(lesson).is_none() => Some(trf(
                "The pack \"{}\" has no lesson `{}`.",
                &[crate::lessons::translated::pack_title(found), lesson],
            )),
            Some(_) => None,
        }
    }

    /// Adds a teacher's pack, replacing one with the same id.
    pub fn add(&mut self, pack: Pack) {
        let pack = Rc::new(pack);
        match self.packs.iter_mut().find(|p| p.id() == pack.id()) {
            Some(existing) => *existing = pack,
            None => self.packs.push(pack),
        }
    }

    /// Removes a teacher's pack (the built-in one stays).
    pub fn remove(&mut self, id: &str) {
        self.packs.retain(|p| p.is_builtin() || p.id() != id);
    }

    /// The lesson after `pack`/`lesson` in the same pack.
    pub fn next_lesson(&self, pack: &str, lesson: &str) -> Option<String> {
        let lessons = self.pack(pack)?.lessons();
        let index = lessons.iter().position(|l| l.id() == lesson)?;
        lessons.get(index + 1).map(|l| l.id().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_missing_pack_is_named_as_the_pack_not_the_lesson() {
        let library = Library::default();
        let pack = library.missing("room-12", "intro").unwrap();
        assert!(
            pack.contains("lesson pack `room-12` is not loaded"),
            "{pack}"
        );
        let lesson = library.missing("builtin", "nope").unwrap();
        assert!(lesson.contains("has no lesson `nope`"), "{lesson}");
        let first = library.packs[0].lessons()[0].id().to_owned();
        assert_eq!(library.missing("builtin", &first), None);
    }
}
