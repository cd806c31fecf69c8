//! Pack loading: a broken pack is refused whole, with errors naming the
//! lesson, the field and what is wrong.

use serde_json::{json, Value};
use smtplab_lessons::{AddressError, Pack, Problem, Reason, MAX_PACK_BYTES};

fn valid_pack() -> Value {
    json!({
        "format": 1,
        "id": "test-pack",
        "title": "Test pack",
        "author": "A. Teacher",
        "lessons": [
            {
                "id": "first",
                "title": "First",
                "introduction": ["Send bob", "a message."],
                "goals": [
                    { "description": "Deliver to bob", "kind": "delivered", "to": "bob" }
                ],
                "solution": [[
                    "MAIL FROM:<alice@example.com>",
                    "RCPT TO:<bob@example.com>",
                    "DATA",
                    "Hi",
                    "."
                ]]
            },
            {
                "id": "second",
                "title": "Second",
                "introduction": "Say NOOP.",
                "goals": [
                    { "description": "Say NOOP", "kind": "command_answered", "verb": "NOOP", "code": 250 }
                ],
                "solution": [["NOOP"]]
            }
        ]
    })
}

fn first_goal(pack: &mut Value) -> &mut Value {
    &mut pack["lessons"][0]["goals"][0]
}

#[test]
fn the_valid_pack_loads_with_everything_in_place() {
    let pack = Pack::from_json(&valid_pack().to_string()).unwrap();
    assert_eq!(pack.id(), "test-pack");
    assert_eq!(pack.author(), "A. Teacher");
    assert_eq!(pack.lessons().len(), 2);
    assert_eq!(
        pack.lesson("first").unwrap().introduction(),
        "Send bob\na message."
    );
    assert!(pack.lesson("third").is_none());
}

#[test]
fn each_problem_names_the_lesson_the_field_and_what_is_wrong() {
    type Mutation = fn(&mut Value);
    let cases: Vec<(&str, Mutation, Option<&str>, &str, &str)> = vec![
        (
            "format missing",
            |p| {
                p.as_object_mut().unwrap().remove("format");
            },
            None,
            "format",
            "missing",
        ),
        (
            "newer format",
            |p| p["format"] = json!(2),
            None,
            "format",
            "reads format 1, the pack says 2",
        ),
        (
            "format as text",
            |p| p["format"] = json!("1"),
            None,
            "format",
            "the pack says \"1\"",
        ),
        (
            "typo at the top",
            |p| p["autor"] = json!("x"),
            None,
            "autor",
            "unknown field `autor`",
        ),
        (
            "no lessons",
            |p| p["lessons"] = json!([]),
            None,
            "lessons",
            "at least one lesson",
        ),
        (
            "bad pack id",
            |p| p["id"] = json!("My Pack"),
            None,
            "id",
            "not a valid id",
        ),
        (
            "reserved pack id",
            |p| p["id"] = json!("builtin"),
            None,
            "id",
            "reserved",
        ),
        (
            "empty author",
            |p| p["author"] = json!(" "),
            None,
            "author",
            "must not be empty",
        ),
        (
            "duplicate lesson ids",
            |p| p["lessons"][1]["id"] = json!("first"),
            Some("first"),
            "id",
            "duplicate lesson id: lessons[0] has it too",
        ),
        (
            "bad lesson id",
            |p| p["lessons"][0]["id"] = json!("First Lesson"),
            Some("lessons[0]"),
            "id",
            "not a valid id",
        ),
        (
            "missing title",
            |p| {
                p["lessons"][1].as_object_mut().unwrap().remove("title");
            },
            Some("second"),
            "",
            "missing field `title`",
        ),
        (
            "unknown preset",
            |p| p["lessons"][0]["server"] = json!({"preset": "fancy"}),
            Some("first"),
            "server.preset",
            "unknown preset `fancy` (known: default, strict, locked-down, classic, submission)",
        ),
        (
            "unknown profile setting",
            |p| p["lessons"][0]["server"] = json!({"profile": {"vrfy_policy": "disabled"}}),
            Some("first"),
            "server.profile.vrfy_policy",
            "unknown setting `vrfy_policy`",
        ),
        (
            "nested unknown setting",
            |p| p["lessons"][0]["server"] = json!({"profile": {"faults": {"greylisting": true}}}),
            Some("first"),
            "server.profile.faults.greylisting",
            "unknown setting",
        ),
        (
            "bad profile value",
            |p| p["lessons"][0]["server"] = json!({"profile": {"vrfy": "sometimes"}}),
            Some("first"),
            "server.profile.vrfy",
            r#"must be one of "verify", "cannot-verify", "disabled", got a string ("sometimes")"#,
        ),
        (
            "broken world",
            |p| {
                p["lessons"][0]["server"] = json!({"add_lists": [{"name": "chess", "description": "c", "members": ["zed"]}]})
            },
            Some("first"),
            "server",
            "world.lists `chess`: `zed` is not a user",
        ),
        (
            "bad reject rule",
            |p| p["lessons"][0]["server"] = json!({"profile": {"faults": {"reject": [{"verb": "DATA", "code": 250, "text": "no"}]}}}),
            Some("first"),
            "server",
            "must be an error code",
        ),
        (
            "no goals",
            |p| p["lessons"][0]["goals"] = json!([]),
            Some("first"),
            "goals",
            "at least one goal",
        ),
        (
            "only a limit",
            |p| {
                p["lessons"][0]["goals"] =
                    json!([{"description": "d", "kind": "max_commands", "max": 3}])
            },
            Some("first"),
            "goals",
            "every goal is a limit",
        ),
        (
            "unknown goal kind",
            |p| first_goal(p)["kind"] = json!("deliverd"),
            Some("first"),
            "goals[0]",
            "unknown variant `deliverd`",
        ),
        (
            "goal field typo",
            |p| first_goal(p)["subject_contain"] = json!("x"),
            Some("first"),
            "goals[0]",
            "unknown field `subject_contain`",
        ),
        (
            "goal without description",
            |p| {
                first_goal(p).as_object_mut().unwrap().remove("description");
            },
            Some("first"),
            "goals[0]",
            "missing field `description`",
        ),
        (
            "blank description",
            |p| first_goal(p)["description"] = json!(""),
            Some("first"),
            "goals[0].description",
            "must not be empty",
        ),
        (
            "unknown mailbox",
            |p| first_goal(p)["to"] = json!("dave"),
            Some("first"),
            "goals[0].to",
            "unknown mailbox `dave`",
        ),
        (
            "unknown mailbox in a list",
            |p| first_goal(p)["to"] = json!(["bob", "dave@example.com"]),
            Some("first"),
            "goals[0].to[1]",
            "unknown mailbox `dave@example.com`",
        ),
        (
            "not an address",
            |p| first_goal(p)["to"] = json!("bob smith"),
            Some("first"),
            "goals[0].to",
            "is not an address",
        ),
        (
            "to and not_to clash",
            |p| first_goal(p)["not_to"] = json!("team"),
            Some("first"),
            "goals[0].not_to",
            "could never be met",
        ),
        (
            "empty text",
            |p| first_goal(p)["subject_contains"] = json!(""),
            Some("first"),
            "goals[0].subject_contains",
            "leave the field out",
        ),
        (
            "bad envelope sender",
            |p| first_goal(p)["envelope_from"] = json!("alice"),
            Some("first"),
            "goals[0].envelope_from",
            "not an address",
        ),
        (
            "bad reply code",
            |p| *first_goal(p) = json!({"description": "d", "kind": "reply_seen", "code": 999}),
            Some("first"),
            "goals[0].code",
            "999 is not an SMTP reply code",
        ),
        (
            "unknown verb",
            |p| {
                *first_goal(p) =
                    json!({"description": "d", "kind": "command_answered", "verb": "SEND"})
            },
            Some("first"),
            "goals[0]",
            "unknown variant `SEND`",
        ),
        (
            "short sequence",
            |p| *first_goal(p) = json!({"description": "d", "kind": "sequence", "steps": [{"kind": "quit_cleanly"}]}),
            Some("first"),
            "goals[0].steps",
            "at least two steps",
        ),
        (
            "limit in a sequence",
            |p| *first_goal(p) = json!({"description": "d", "kind": "sequence", "steps": [{"kind": "quit_cleanly"}, {"kind": "max_commands", "max": 3}]}),
            Some("first"),
            "goals[0].steps[1]",
            "cannot be a step of a sequence",
        ),
        (
            "unknown mailbox in a sequence",
            |p| *first_goal(p) = json!({"description": "d", "kind": "sequence", "steps": [{"kind": "quit_cleanly"}, {"kind": "delivered", "to": "zed"}]}),
            Some("first"),
            "goals[0].steps[1].to",
            "unknown mailbox `zed`",
        ),
        (
            "account without password",
            |p| {
                *first_goal(p) =
                    json!({"description": "d", "kind": "authenticated", "user": "carol"})
            },
            Some("first"),
            "goals[0].user",
            "`carol` has no account",
        ),
        (
            "pipelining of one",
            |p| {
                *first_goal(p) = json!({"description": "d", "kind": "pipelined", "min_commands": 1})
            },
            Some("first"),
            "goals[0].min_commands",
            "at least 2",
        ),
        (
            "zero limit",
            |p| {
                p["lessons"][0]["goals"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"description": "d", "kind": "max_commands", "max": 0}))
            },
            Some("first"),
            "goals[1].max",
            "at least 1",
        ),
        (
            "empty solution",
            |p| p["lessons"][0]["solution"] = json!([]),
            Some("first"),
            "solution",
            "is empty",
        ),
        (
            "empty connection",
            |p| p["lessons"][1]["solution"] = json!([["NOOP"], []]),
            Some("second"),
            "solution[1]",
            "nothing typed",
        ),
        (
            "line break in a line",
            |p| p["lessons"][1]["solution"] = json!([["NOOP\r\nNOOP"]]),
            Some("second"),
            "solution[0][0]",
            "line break",
        ),
        (
            "empty pipeline",
            |p| p["lessons"][1]["solution"] = json!([["NOOP", {"pipeline": []}]]),
            Some("second"),
            "solution[0][1]",
            "at least one line",
        ),
        (
            "zero wait",
            |p| p["lessons"][1]["solution"] = json!([["NOOP", {"wait": 0}]]),
            Some("second"),
            "solution[0][1]",
            "at least 1 second",
        ),
        (
            "unknown step",
            |p| p["lessons"][1]["solution"] = json!([["NOOP", {"sleep": 3}]]),
            Some("second"),
            "solution[0][1]",
            "unknown field `sleep`",
        ),
        (
            "solution misses a goal",
            |p| p["lessons"][1]["solution"] = json!([["HELP"]]),
            Some("second"),
            "solution",
            "does not meet goals[0] (\"Say NOOP\")",
        ),
        (
            "disabled twice",
            |p| p["lessons"][1]["disabled_commands"] = json!(["VRFY", "VRFY"]),
            Some("second"),
            "disabled_commands[1]",
            "VRFY is listed twice",
        ),
        (
            "disabled command needed",
            |p| p["lessons"][1]["disabled_commands"] = json!(["NOOP"]),
            Some("second"),
            "solution",
            "does not meet goals[0]",
        ),
        (
            "empty hint",
            |p| p["lessons"][1]["hints"] = json!(["Try NOOP", " "]),
            Some("second"),
            "hints[1]",
            "must not be empty",
        ),
    ];
    for (name, mutate, lesson, field, message) in cases {
        let mut pack = valid_pack();
        mutate(&mut pack);
        let error = Pack::from_json(&pack.to_string()).expect_err(name);
        let Problem {
            lesson: got_lesson,
            field: got_field,
            reason: got_reason,
        } = &error.problems[0];
        assert_eq!(got_lesson.as_deref(), lesson, "{name}: {error}");
        assert_eq!(got_field, field, "{name}: {error}");
        assert!(got_reason.to_string().contains(message), "{name}: {error}");
        assert_eq!(error.problems.len(), 1, "{name}: {error}");
    }
}

#[test]
fn text_that_is_not_a_pack_gets_a_plain_message() {
    for (text, expected) in [
        ("", "the pack is empty"),
        ("format: 1", "a pack is a JSON object"),
        ("{\"format\": 1,", "not valid JSON"),
        ("[1, 2]", "a pack is a JSON object"),
    ] {
        let error = Pack::from_json(text).unwrap_err();
        assert_eq!(error.problems[0].lesson, None);
        assert!(error.to_string().contains(expected), "{text:?}: {error}");
    }
}

#[test]
fn parse_errors_give_the_line_and_the_lesson_by_id() {
    let mut pack = valid_pack();
    pack["lessons"][1]["goals"][0]["code"] = json!("250");
    let text = serde_json::to_string_pretty(&pack).unwrap();
    let error = Pack::from_json(&text).unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("lesson `second`, field `goals[0]`: "),
        "{message}"
    );
    assert!(message.contains("at line "), "{message}");
}

#[test]
fn every_problem_of_every_lesson_is_reported_at_once() {
    let mut pack = valid_pack();
    pack["title"] = json!("");
    pack["lessons"][0]["goals"][0]["to"] = json!("dave");
    pack["lessons"][0]["hints"] = json!([""]);
    pack["lessons"][1]["server"] = json!({"preset": "fancy"});
    let error = Pack::from_json(&pack.to_string()).unwrap_err();
    let rendered: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [
            "pack, field `title`: must not be empty",
            "lesson `first`, field `hints[0]`: must not be empty",
            "lesson `first`, field `goals[0].to`: unknown mailbox `dave`: `dave` is not a user, alias or list in this lesson's world",
            "lesson `second`, field `server.preset`: unknown preset `fancy` (known: default, strict, locked-down, classic, submission)",
        ]
    );
}

#[test]
fn server_changes_reach_the_settings() {
    let mut pack = valid_pack();
    pack["lessons"][1]["server"] = json!({
        "preset": "strict",
        "profile": {"vrfy": "disabled", "faults": {"greylist": true}},
        "world": {"domains": ["school.example"]},
        "add_users": [{"name": "dave", "full_name": "Dave Davies", "password": "pw"}],
        "add_aliases": [{"name": "office", "targets": ["dave"]}]
    });
    pack["lessons"][1]["disabled_commands"] = json!(["HELP"]);
    let pack = Pack::from_json(&pack.to_string()).unwrap();
    let settings = pack.lesson("second").unwrap().settings();
    assert_eq!(settings.profile.name, "strict");
    assert!(
        settings.profile.require_helo,
        "the preset's own values stay"
    );
    assert_eq!(
        settings.profile.vrfy,
        smtplab_engine::profile::VrfyPolicy::Disabled
    );
    assert!(settings.profile.faults.greylist);
    assert_eq!(settings.profile.faults.greylist_delay_secs, 0);
    assert_eq!(settings.world.domains, ["school.example"]);
    assert!(
        settings.world.user("alice").is_some(),
        "lists not given stay"
    );
    assert!(settings.world.user("dave").is_some());
    assert_eq!(settings.world.aliases.last().unwrap().name, "office");
    let rule = &settings.profile.faults.reject[0];
    assert_eq!((rule.verb, rule.code), (smtplab_engine::Verb::Help, 502));
}

#[test]
fn a_pack_saved_with_a_byte_order_mark_loads() {
    let text = format!(
        "\u{feff}{}",
        serde_json::to_string_pretty(&valid_pack()).unwrap()
    );
    let pack = Pack::from_json(&text).unwrap();
    assert_eq!(pack.id(), "test-pack");
}

#[test]
fn a_pack_over_the_size_limit_is_refused_with_its_size() {
    let mut pack = valid_pack();
    pack["description"] = json!("x".repeat(MAX_PACK_BYTES));
    let text = pack.to_string();
    let error = Pack::from_json(&text).unwrap_err();
    assert_eq!(error.problems.len(), 1);
    assert_eq!(error.problems[0].lesson, None);
    let message = error.to_string();
    assert!(
        message.contains(&format!(
            "the pack is {} bytes; packs are limited to {MAX_PACK_BYTES} bytes",
            text.len()
        )),
        "{message}"
    );
    // Just under the limit still loads.
    pack["description"] = json!("");
    let room = MAX_PACK_BYTES - pack.to_string().len();
    pack["description"] = json!("x".repeat(room));
    assert_eq!(pack.to_string().len(), MAX_PACK_BYTES);
    assert!(Pack::from_json(&pack.to_string()).is_ok());
}

#[test]
fn problems_carry_a_typed_reason() {
    let mut pack = valid_pack();
    pack["lessons"][1]["id"] = json!("first");
    first_goal(&mut pack)["to"] = json!("dave");
    let error = Pack::from_json(&pack.to_string()).unwrap_err();
    let reasons: Vec<&Reason> = error.problems.iter().map(|p| &p.reason).collect();
    assert!(
        reasons.contains(&&Reason::Address(AddressError::UnknownMailbox {
            text: "dave".into(),
            local: "dave".into(),
        })),
        "{error}"
    );
    assert!(
        reasons.contains(&&Reason::DuplicateLessonId { first: 0 }),
        "{error}"
    );
    let mut pack = valid_pack();
    pack["lessons"][0]["server"] = json!({"preset": "fancy", "profile": {}});
    pack["lessons"][1]["server"] = json!({"profile": {"vrfy_policy": "x"}});
    let error = Pack::from_json(&pack.to_string()).unwrap_err();
    assert!(
        matches!(&error.problems[0].reason, Reason::UnknownPreset { name, .. } if name == "fancy"),
        "{error}"
    );
    assert!(
        matches!(&error.problems[1].reason, Reason::Patch(_)),
        "{error}"
    );
    assert_eq!(error.problems[1].field, "server.profile.vrfy_policy");
}

#[test]
fn translations_load_and_their_lists_must_match_the_lesson() {
    let mut pack = valid_pack();
    let goals = pack["lessons"][0]["goals"].as_array().map_or(0, Vec::len);
    let hints = pack["lessons"][0]["hints"].as_array().map_or(0, Vec::len);
    pack["lessons"][0]["translations"] = json!({
        "zh-CN": {
            "title": "第一课",
            "introduction": ["第一段。", "第二段。"],
            "goals": vec!["目标"; goals],
            "hints": vec!["提示"; hints],
        }
    });
    let loaded = Pack::from_json(&pack.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let translation = loaded.lessons()[0].translation("zh-CN").unwrap();
    assert_eq!(translation.title.as_deref(), Some("第一课"));
    assert_eq!(
        translation.introduction.as_deref(),
        Some("第一段。\n第二段。")
    );
    assert!(loaded.lessons()[0].translation("fr").is_none());

    pack["lessons"][0]["translations"]["zh-CN"]["goals"] =
        json!(["只有一个", "多了", "更多", "太多"]);
    let error = Pack::from_json(&pack.to_string()).unwrap_err();
    let rendered: Vec<String> = error.problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [format!("lesson `first`, field `translations.zh-CN.goals`: has 4 entries; the lesson has {goals}, and the translation needs one for each")]
    );
}
