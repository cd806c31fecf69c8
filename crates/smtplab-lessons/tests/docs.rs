//! The authoring guide and its examples stay true: the example pack loads
//! and its solutions pass, the example attempts give the results the guide
//! shows, and the guide documents every goal kind and field.

use smtplab_lessons::{Attempt, Condition, GoalStatus, Pack};

const GUIDE: &str = include_str!("../../../docs/lessons.md");
const EXAMPLE_PACK: &str = include_str!("../../../docs/examples/example-pack.json");
const PASSING: &str = include_str!("../../../docs/examples/attempts/passing-call-again.txt");
const FAILING: &str = include_str!("../../../docs/examples/attempts/failing-homework.txt");

/// The fenced blocks of `language` in the guide, in order.
fn blocks(language: &str) -> Vec<String> {
    let fence = format!("```{language}\n");
    GUIDE
        .split(fence.as_str())
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap().to_owned())
        .collect()
}

#[test]
fn the_example_pack_loads_and_every_solution_passes() {
    let pack = Pack::from_json(EXAMPLE_PACK).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pack.id(), "room-101");
    for lesson in pack.lessons() {
        let mut attempt = Attempt::new(pack.id(), lesson.id());
        attempt.script = lesson.solution().clone();
        let report = pack.replay(&attempt).unwrap();
        assert!(report.passed(), "{report}");
    }
}

#[test]
fn the_example_attempts_pass_and_fail_as_the_guide_says() {
    let pack = Pack::from_json(EXAMPLE_PACK).unwrap();
    let passing = pack.replay(&Attempt::from_text(PASSING).unwrap()).unwrap();
    assert!(passing.passed(), "{passing}");
    assert_eq!(passing.student.as_deref(), Some("Ana Lima"));
    assert!(passing
        .transcript
        .contains("-- dropped by the server without a word --"));

    let failing = pack.replay(&Attempt::from_text(FAILING).unwrap()).unwrap();
    let statuses: Vec<GoalStatus> = failing.goals.iter().map(|g| g.status).collect();
    assert_eq!(
        statuses,
        [GoalStatus::Met, GoalStatus::Pending, GoalStatus::Met]
    );
    // The guide quotes this report.
    for line in failing.to_string().lines() {
        assert!(GUIDE.contains(line), "the guide lacks {line:?}");
    }
}

#[test]
fn the_guide_pack_and_attempt_examples_are_real() {
    let first_pack = &blocks("json")[0];
    let pack = Pack::from_json(first_pack).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pack.id(), "my-first-pack");
    let attempt_block = blocks("text")
        .into_iter()
        .find(|b| b.starts_with("smtplab attempt 1"))
        .unwrap();
    assert_eq!(
        Attempt::from_text(&attempt_block),
        Attempt::from_text(PASSING)
    );
    // Every goal example parses as the kind its section documents.
    for block in blocks("json").iter().filter(|b| b.contains("\"kind\"")) {
        let trimmed = block.trim();
        if trimmed.starts_with('{')
            && trimmed.contains("\"description\"")
            && !trimmed.contains("\"format\"")
        {
            let goal: smtplab_lessons::Goal =
                serde_json::from_str(trimmed).unwrap_or_else(|e| panic!("{trimmed}: {e}"));
            assert!(!goal.description.is_empty());
        }
    }
}

#[test]
fn the_guide_documents_every_goal_kind_and_delivered_field() {
    for kind in Condition::KINDS {
        assert!(
            GUIDE.contains(&format!("### `{kind}`")),
            "no section for {kind}"
        );
    }
    for field in [
        "to",
        "not_to",
        "subject_contains",
        "from_header_contains",
        "to_header_contains",
        "envelope_from",
        "body_contains",
        "body_has_line",
        "mail_parameter",
    ] {
        assert!(
            GUIDE.contains(&format!("| `{field}` |")),
            "{field} undocumented"
        );
        // And the field really exists.
        let json = format!(r#"{{"{field}": "bob"}}"#);
        serde_json::from_str::<smtplab_lessons::DeliveredCheck>(&json).unwrap();
    }
}

#[test]
fn the_guide_translation_example_fits_the_first_pack() {
    let mut pack: serde_json::Value = serde_json::from_str(&blocks("json")[0]).unwrap();
    let example = blocks("json")
        .into_iter()
        .find(|b| b.contains("\"translations\""))
        .expect("the guide shows a translations example");
    let example: serde_json::Value = serde_json::from_str(&example).unwrap();
    pack["lessons"][0]["translations"] = example["translations"].clone();
    let pack = Pack::from_json(&pack.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let translation = pack.lessons()[0].translation("zh-CN").unwrap();
    assert_eq!(translation.title.as_deref(), Some("给 Bob 写信"));
}
