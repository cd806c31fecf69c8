//! The reference solution, played step by step in a lab of its own while
//! the learner's lab is kept aside.

use smtplab_lessons::{Endpoint, Lesson, Step};

use super::{new_lab, LessonEffect, LessonState, SharedLab};
use crate::clock::now_seconds;
use crate::lab::{DnsChange, Lab};

/// One step of a played solution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolutionStep {
    /// Type this (a connect command, a line, or pasted lines).
    Type(String),
    /// Let this many seconds pass.
    Wait(u64),
    /// Change the DNS, as the DNS tab does.
    Dns(DnsChange),
}

/// A lesson's reference solution as console steps: each connection opens
/// with `telnet localhost smtp`, or `telnet HOST PORT` for a network host.
pub fn solution_steps(lesson: &Lesson) -> Vec<SolutionStep> {
    let solution = lesson.solution();
    let mut steps: Vec<SolutionStep> = solution
        .before
        .iter()
        .map(|edit| SolutionStep::Dns(DnsChange::from(edit)))
        .collect();
    for (index, connection) in solution.connections.iter().enumerate() {
        steps.push(SolutionStep::Type(connect_command(solution.target(index))));
        for step in connection {
            steps.push(match step {
                Step::Send(lines) => SolutionStep::Type(lines.join("\n")),
                Step::Wait(seconds) => SolutionStep::Wait(*seconds),
                Step::Dns(edit) => SolutionStep::Dns(DnsChange::from(edit)),
            });
        }
    }
    steps
}

/// What the learner types to open a solution's connection.
pub fn connect_command(target: Option<&Endpoint>) -> String {
    match target {
        Some(endpoint) => format!("telnet {endpoint}"),
        None => "telnet localhost smtp".to_owned(),
    }
}

/// A fresh lab for `lesson` with the first `played` solution steps done.
fn played_lab(lesson: &Lesson, steps: &[SolutionStep]) -> Lab {
    let mut lab = Lab::for_lesson(lesson);
    let now = now_seconds();
    for step in steps {
        match step {
            SolutionStep::Type(text) => lab.submit(text, now),
            SolutionStep::Wait(seconds) => lab.wait(*seconds),
            SolutionStep::Dns(change) => {
                // The reference solution's changes are checked when its pack loads.
                let _ = lab.change_dns(change);
            }
        }
    }
    lab
}

impl LessonState {
    /// The next solution step; the first keeps `on_screen` (the learner's
    /// lab) aside and marks the attempt as having seen the solution.
    pub(super) fn solution_step(&mut self, on_screen: &SharedLab) -> LessonEffect {
        let library = self.library.clone();
        let Some(open) = self.open.as_mut() else {
            return LessonEffect::default();
        };
        let Some(lesson) = library.lesson(&open.pack, &open.lesson) else {
            return LessonEffect::default();
        };
        let steps = solution_steps(lesson);
        let (played, own) = match open.watching.take() {
            Some((played, own)) => ((played + 1).min(steps.len()), own),
            None => (1.min(steps.len()), on_screen.clone()),
        };
        open.solution_viewed = true;
        open.watching = Some((played, own));
        let lab = played_lab(lesson, &steps[..played]);
        self.observe(&lab);
        LessonEffect {
            lab: Some(new_lab(lab)),
            ..LessonEffect::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lessons::{LessonAction, Library, OpenLesson};
    use std::cell::RefCell;
    use std::rc::Rc;

    #[test]
    fn solution_steps_complete_every_builtin_lesson_in_the_lab() {
        let library = Library::default();
        for lesson in library.packs[0].lessons() {
            let lab = played_lab(lesson, &solution_steps(lesson));
            assert!(
                lab.lesson().unwrap().checker().is_complete(),
                "{}",
                lesson.id()
            );
        }
    }

    fn open_first(state: &mut LessonState) -> (SharedLab, String) {
        let id = state.library.packs[0].lessons()[0].id().to_owned();
        let effect = state.reduce(
            LessonAction::Open {
                pack: "builtin".into(),
                lesson: id.clone(),
                script: vec!["telnet localhost smtp".into(), "EHLO me".into()],
            },
            &Rc::new(RefCell::new(Lab::new("default", Default::default()))),
        );
        (effect.lab.expect("a lesson lab"), id)
    }

    #[test]
    fn a_played_solution_never_counts_and_the_own_attempt_comes_back() {
        let mut state = LessonState::default();
        let (own, id) = open_first(&mut state);
        let mut on_screen = own.clone();
        let steps = solution_steps(state.library.lesson("builtin", &id).unwrap()).len();
        for _ in 0..steps {
            on_screen = state
                .reduce(LessonAction::SolutionStep, &on_screen)
                .lab
                .unwrap();
        }
        let open: &OpenLesson = state.open.as_ref().unwrap();
        assert!(open.complete, "the solution meets every goal");
        assert!(state.progress.is_empty(), "but is not a pass");
        let attempt = open.attempt(&on_screen).unwrap();
        assert!(open
            .attempt_text(&on_screen)
            .unwrap()
            .contains("\nsolution: shown\n"));
        assert_eq!(
            attempt.script,
            own.borrow().lesson().unwrap().script().clone()
        );
        let back = state
            .reduce(LessonAction::BackToOwn, &on_screen)
            .lab
            .unwrap();
        assert!(Rc::ptr_eq(&back, &own), "the learner's lab, as it was");
        assert!(!state.open.as_ref().unwrap().complete);
    }
}
