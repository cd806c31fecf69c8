//! A lesson's texts in the page's language: its pack's translation for the
//! language chosen (`translations` in the pack format), else its own.

use smtplab_lessons::{Lesson, LessonTranslation, Pack};

use crate::i18n::{current, tr, Lang};

/// The lesson's translation into the page's language, if it has one.
fn translation(lesson: &Lesson) -> Option<&LessonTranslation> {
    match current() {
        Lang::En => None,
        lang => lesson.translation(lang.tag()),
    }
}

/// The built-in curriculum's title, as `lessons/builtin.json` names it.
const BUILTIN_TITLE: &str = "SMTP by hand";

/// A pack's title: the built-in one's through `tr`, a teacher's as written.
pub fn pack_title(pack: &Pack) -> &str {
    if pack.is_builtin() && pack.title() == BUILTIN_TITLE {
        tr("SMTP by hand")
    } else {
        pack.title()
    }
}

/// The title.
pub fn title(lesson: &Lesson) -> &str {
    translation(lesson)
        .and_then(|t| t.title.as_deref())
        .unwrap_or_else(|| lesson.title())
}

/// The introduction.
pub fn introduction(lesson: &Lesson) -> &str {
    translation(lesson)
        .and_then(|t| t.introduction.as_deref())
        .unwrap_or_else(|| lesson.introduction())
}

/// The description of goal `index`.
pub fn goal(lesson: &Lesson, index: usize) -> &str {
    let own = lesson.goals().get(index).map(|g| g.description.as_str());
    translation(lesson)
        .and_then(|t| t.goals.as_ref())
        .and_then(|goals| goals.get(index))
        .map(String::as_str)
        .or(own)
        .unwrap_or_default()
}

/// The hints.
pub fn hints(lesson: &Lesson) -> &[String] {
    translation(lesson)
        .and_then(|t| t.hints.as_deref())
        .unwrap_or_else(|| lesson.hints())
}
