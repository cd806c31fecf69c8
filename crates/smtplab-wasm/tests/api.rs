//! The JavaScript API in headless Chromium: constructor options, the shape of
//! replies, errors with their messages, determinism and the catalogue look-ups.
//!
//! Run with `cargo test -p smtplab-wasm --target wasm32-unknown-unknown`
//! (CHROMEDRIVER=/usr/bin/chromedriver; `cargo xtask test` does both).

#![cfg(target_arch = "wasm32")]

use serde_json::{json, Value};
use smtplab_engine::profile::{
    BareLineEnding, EnhancedCodesFrom, ExpnPolicy, Faults, RejectRule, VrfyPolicy, PRESETS,
};
use smtplab_engine::world::{Alias, MailingList, User};
use smtplab_engine::{catalogue, EnhancedCode, Settings, Verb};
use smtplab_wasm::{commands, explain_code, presets, ApiSession, Error};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A JavaScript value from JSON text.
fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("valid JSON in the test")
}

/// A JavaScript value (returned by the API) as JSON, to compare.
fn value(result: Result<JsValue, Error>) -> Value {
    let value = result.unwrap_or_else(|e| panic!("unexpected error: {e}"));
    let text = js_sys::JSON::stringify(&value).expect("JSON-compatible value");
    serde_json::from_str(&String::from(text)).expect("JSON text")
}

fn session(options: &str) -> ApiSession {
    ApiSession::new(js(options)).unwrap_or_else(|e| panic!("{options}: {e}"))
}

/// What JavaScript sees when the call throws: an `Error` and its message.
fn thrown(error: Error) -> String {
    let value: JsValue = error.into();
    let error = value
        .dyn_into::<js_sys::Error>()
        .expect("a JavaScript Error is thrown");
    String::from(error.message())
}

fn codes(replies: &Value) -> Vec<u64> {
    replies
        .as_array()
        .expect("an array of replies")
        .iter()
        .map(|r| r["code"].as_u64().expect("a code"))
        .collect()
}

#[wasm_bindgen_test]
fn no_options_is_the_default_server_with_its_greeting() {
    let session = ApiSession::new(JsValue::UNDEFINED).unwrap();
    let greeting = value(session.greeting());
    assert_eq!(greeting[0]["code"], 220);
    assert_eq!(
        greeting[0]["text"],
        "220 mail.example.com ESMTP smtplab\r\n"
    );
    assert_eq!(greeting[0]["key"], "Greeting");
    assert_eq!(session.phase().unwrap(), "connected");
    assert_eq!(session.expects(), "command");
    assert!(!session.closed());
    assert_eq!(session.engine_settings(), Settings::default());
    let also_default = ApiSession::new(JsValue::NULL).unwrap();
    assert_eq!(also_default.engine_settings(), Settings::default());
}

#[wasm_bindgen_test]
fn a_reply_is_a_plain_object_with_code_lines_wire_text_class_and_explanation() {
    let mut session = session(r#"{"seed": 1, "now": 0}"#);
    let replies = value(session.send("EHLO client.example", None));
    let reply = &replies[0];
    let mut fields: Vec<&str> = reply
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "class",
            "code",
            "enhanced",
            "explanation",
            "key",
            "lines",
            "text"
        ]
    );
    assert_eq!(reply["code"], 250);
    assert_eq!(reply["enhanced"], Value::Null);
    assert_eq!(reply["class"], "success");
    assert_eq!(reply["key"], "EhloOk");
    assert_eq!(reply["lines"][0], "mail.example.com");
    assert!(reply["lines"]
        .as_array()
        .unwrap()
        .contains(&json!("PIPELINING")));
    let text = reply["text"].as_str().unwrap();
    assert!(text.starts_with("250-mail.example.com\r\n250-"), "{text}");
    assert!(text.ends_with("250 CHUNKING\r\n"), "{text}");
    let explanation = &reply["explanation"];
    assert_eq!(explanation["title"], "Hello accepted, extensions listed");
    for field in ["meaning", "why", "next", "rfc"] {
        assert!(!explanation[field].as_str().unwrap().is_empty(), "{field}");
    }
    assert_eq!(session.phase().unwrap(), "greeted");

    let replies = value(session.send("MAIL FROM:<alice@example.com>", None));
    assert_eq!(replies[0]["enhanced"], "2.1.0");
    assert_eq!(replies[0]["text"], "250 2.1.0 Ok\r\n");
}

#[wasm_bindgen_test]
fn the_strict_profile_wants_ehlo_first_and_codes_only_after_it() {
    let mut session = session(r#"{"profile": "strict"}"#);
    let replies = value(session.send("MAIL FROM:<alice@example.com>", None));
    assert_eq!(codes(&replies), [503]);
    assert_eq!(replies[0]["enhanced"], Value::Null);
    assert_eq!(replies[0]["class"], "permanent");
    let replies = value(session.send("EHLO x\nMAIL FROM:alice@example.com", None));
    assert_eq!(codes(&replies), [250, 501], "strict paths need <...>");
    assert_eq!(replies[1]["enhanced"], "5.1.7");
}

#[wasm_bindgen_test]
fn settings_are_merged_over_the_preset() {
    let mut session = session(
        r#"{"profile": "locked-down",
            "settings": {"profile": {"hostname": "mx.school.test", "extensions": {"chunking": false}}},
            "client": {"hostname": "pupil.school.test", "ip": "192.0.2.7"}}"#,
    );
    assert_eq!(
        value(session.greeting())[0]["text"],
        "220 mx.school.test ESMTP smtplab\r\n"
    );
    let mut expected = Settings::preset("locked-down").unwrap();
    expected.profile.hostname = "mx.school.test".into();
    expected.profile.extensions.chunking = false;
    assert_eq!(
        session.engine_settings(),
        expected,
        "only the patched fields change"
    );
    let replies = value(session.send("VRFY alice", None));
    assert_eq!(codes(&replies), [252]);

    let replies = value(session.send(
        "EHLO x\nMAIL FROM:<alice@example.com>\nRCPT TO:<bob@example.com>\nDATA\nSubject: hi\n\nHello\n.",
        None,
    ));
    assert_eq!(codes(&replies), [250, 250, 250, 354, 250]);
    let mailboxes = value(session.mailboxes());
    let received = mailboxes["bob"][0]["traceHeaders"].to_string();
    assert!(
        received.contains("pupil.school.test") && received.contains("192.0.2.7"),
        "{received}"
    );
}

#[wasm_bindgen_test]
fn a_whole_message_lands_in_the_mailbox_with_events() {
    let mut session = session(r#"{"seed": 7, "now": 1800000000}"#);
    let replies = value(session.send(
        "EHLO x\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<team@example.com>\r\nDATA\r\n",
        None,
    ));
    assert_eq!(codes(&replies), [250, 250, 250, 354]);
    assert_eq!(session.expects(), "content");
    assert_eq!(session.phase().unwrap(), "receiving-data");
    assert_eq!(value(session.send("Subject: Lunch", None)), json!([]));
    assert_eq!(value(session.send("", None)), json!([]), "the blank line");
    assert_eq!(value(session.send("..at noon", None)), json!([]));
    let replies = value(session.send(".", None));
    assert_eq!(codes(&replies), [250]);
    let queued = replies[0]["lines"][0].as_str().unwrap().to_owned();

    let mailboxes = value(session.mailboxes());
    let names: Vec<&String> = mailboxes.as_object().unwrap().keys().collect();
    assert_eq!(names, ["alice", "bob", "carol"], "every user, in order");
    let message = &mailboxes["carol"][0];
    assert!(
        queued.ends_with(message["queueId"].as_str().unwrap()),
        "{queued}"
    );
    assert_eq!(message["receivedAt"], 1_800_000_000u64);
    assert_eq!(message["envelope"]["mailFrom"], "alice@example.com");
    assert_eq!(message["envelope"]["rcptTo"], json!(["team@example.com"]));
    assert_eq!(message["mailboxes"], json!(["alice", "bob", "carol"]));
    assert_eq!(message["body"], ".at noon\r\n", "dot-stuffing undone");
    let headers = message["headers"].as_array().unwrap();
    assert!(headers.contains(&json!({"name": "Subject", "value": "Lunch"})));
    let raw = message["raw"].as_str().unwrap();
    assert!(raw.contains("\r\nSubject: Lunch\r\n"), "{raw}");
    assert!(raw.ends_with("\r\n\r\n.at noon\r\n"), "{raw}");
    assert_eq!(value(session.outbox()), json!([]));

    let events = value(session.events());
    let events = events.as_array().unwrap();
    assert_eq!(
        events[0],
        json!({"type": "command", "verb": "EHLO", "line": "EHLO x"})
    );
    assert!(
        events.contains(&json!({"type": "state-changed", "from": "connected", "to": "greeted"}))
    );
    let delivered = events
        .iter()
        .find(|e| e["type"] == "delivered")
        .expect("a delivered event");
    assert_eq!(delivered["message"], *message);
    assert_eq!(value(session.events()), json!([]), "only new events");

    let replies = value(session.send("QUIT", None));
    assert_eq!(codes(&replies), [221]);
    assert!(session.closed());
    assert_eq!(session.phase().unwrap(), "closed");
    assert!(session.expects().is_null());
    let events = value(session.events());
    assert!(
        events
            .as_array()
            .unwrap()
            .contains(&json!({"type": "closed", "reason": "quit"})),
        "{events}"
    );
    let error = session.send("NOOP", None).unwrap_err();
    assert_eq!(
        thrown(error),
        "send: the session is closed; create a new Session to connect again"
    );
}

#[wasm_bindgen_test]
fn the_transcript_shows_both_sides() {
    let mut session = session(r#"{"seed": 1, "now": 0}"#);
    session.send("NOOP\nHELO x", None).unwrap();
    assert_eq!(
        session.transcript(None),
        "S: 220 mail.example.com ESMTP smtplab\nC: NOOP\nC: HELO x\nS: 250 2.0.0 Ok\nS: 250 mail.example.com\n"
    );
    assert!(session
        .transcript(Some(true))
        .starts_with("S: 220 mail.example.com ESMTP smtplab\\r\\n\nC: NOOP\\r\\n\n"));
}

#[wasm_bindgen_test]
fn send_raw_keeps_the_bytes_and_lines_may_arrive_in_pieces() {
    let mut session = session(r#"{"profile": "strict"}"#);
    assert_eq!(value(session.send_raw("NO", None)), json!([]));
    assert_eq!(codes(&value(session.send_raw("OP\r\n", None))), [250]);
    let replies = value(session.send_raw("NOOP\nNOOP\r\n", None));
    assert_eq!(codes(&replies), [500], "strict refuses a bare LF");
    assert_eq!(replies[0]["key"], "BareLfCommand");
}

#[wasm_bindgen_test]
fn the_same_seed_and_clock_give_the_same_queue_ids() {
    let script = "HELO x\nMAIL FROM:<a@example.org>\nRCPT TO:<bob@example.com>\nDATA\nhi\n.\nMAIL FROM:<a@example.org>\nRCPT TO:<bob@example.com>\nDATA\nagain\n.";
    let run = |options: &str| {
        let mut session = session(options);
        let replies = value(session.send(script, Some(1_800_000_000.0)));
        let queued: Vec<String> = replies
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["key"] == "Queued")
            .map(|r| r["text"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(queued.len(), 2);
        assert_ne!(queued[0], queued[1]);
        (queued, session.transcript(None), session.seed())
    };
    let first = run(r#"{"seed": 42, "now": 1800000000}"#);
    let second = run(r#"{"seed": 42, "now": 1800000000}"#);
    assert_eq!(first, second);
    assert_eq!(first.2, 42.0);
    let other = run(r#"{"seed": 43, "now": 1800000000}"#);
    assert_ne!(first.0, other.0);

    // Without a seed each session picks its own, which reproduces it.
    let unseeded = session("{}");
    let seed = unseeded.seed();
    assert!(seed >= 0.0 && seed.fract() == 0.0);
    let again = run(&format!(r#"{{"seed": {seed}, "now": 1800000000}}"#));
    let replay = run(&format!(r#"{{"seed": {seed}, "now": 1800000000}}"#));
    assert_eq!(again, replay);
}

#[wasm_bindgen_test]
fn the_idle_timeout_closes_with_421() {
    let mut session = session(r#"{"now": 1000}"#);
    assert_eq!(value(session.tick(Some(1200.0))), json!([]));
    assert_eq!(codes(&value(session.send("NOOP", Some(1200.0)))), [250]);
    let replies = value(session.send("NOOP", Some(1200.0 + 300.0)));
    assert_eq!(codes(&replies), [421]);
    assert_eq!(replies[0]["enhanced"], "4.4.2");
    assert!(session.closed());
    let transcript = session.transcript(None);
    assert_eq!(transcript.matches("C: NOOP").count(), 1, "{transcript}");
    assert!(
        transcript.ends_with("S: 421 4.4.2 mail.example.com Error: timeout exceeded\n"),
        "{transcript}"
    );
}

#[wasm_bindgen_test]
fn bad_options_throw_errors_that_name_the_option() {
    for (options, expected) in [
        (
            r#""strict""#,
            r#"options: must be an object such as { profile: "strict" }, got a string ("strict")"#,
        ),
        (
            r#"{"profile": "strictest"}"#,
            "options.profile: unknown profile `strictest` (known: default, strict, locked-down, classic, submission)",
        ),
        (
            r#"{"profile": 5}"#,
            "options.profile: must be a preset name (a string), got a number (5)",
        ),
        (
            r#"{"profle": "strict"}"#,
            "options: unknown option `profle` (known: profile, settings, seed, now, client)",
        ),
        (
            r#"{"settings": [1]}"#,
            r#"options.settings: must be an object such as { profile: { vrfy: "disabled" } }, got an array"#,
        ),
        (
            r#"{"settings": {"profile": {"vrfy": "maybe"}}}"#,
            r#"options.settings.profile.vrfy: must be one of "verify", "cannot-verify", "disabled", got a string ("maybe")"#,
        ),
        (
            r#"{"settings": {"profile": {"extensions": {"size": false, "pipelining": "yes"}}}}"#,
            r#"options.settings.profile.extensions.pipelining: must be true or false, got a string ("yes")"#,
        ),
        (
            r#"{"settings": {"profile": {"requireHelo": true}}}"#,
            "options.settings.profile.requireHelo: unknown setting `requireHelo` (known: name, hostname, banner, ehlo, require_helo,",
        ),
        (
            r#"{"settings": {"world": {"users": [{"name": "dave"}]}}}"#,
            "options.settings.world.users[0].full_name: is missing (a string)",
        ),
        (
            r#"{"settings": {"world": {"users": ["dave"]}}}"#,
            r#"options.settings.world.users[0]: must be an object, got a string ("dave")"#,
        ),
        (
            r#"{"settings": {"world": {"domains": "example.com"}}}"#,
            r#"options.settings.world.domains: must be a list, got a string ("example.com")"#,
        ),
        (
            r#"{"settings": {"profile": {"faults": {"reject": [{"verb": "FOO", "code": 550, "text": "no"}]}}}}"#,
            r#"options.settings.profile.faults.reject[0].verb: must be an SMTP command such as "DATA", got a string ("FOO")"#,
        ),
        (
            r#"{"settings": {"profile": {"faults": {"reject": [{"verb": "DATA", "code": 250, "text": "no"}]}}}}"#,
            "options.settings: faults.reject: code 250 for Data must be an error code (400 to 599)",
        ),
        (
            r#"{"settings": {"profile": {"max_recipients": 1.5}}}"#,
            "options.settings.profile.max_recipients: must be a whole number from 0 to 4294967295, got a number (1.5)",
        ),
        (
            r#"{"settings": {"profile": {"faults": {"disconnect_after": "soon"}}}}"#,
            r#"options.settings.profile.faults.disconnect_after: must be a whole number from 0 to 4294967295, or null, got a string ("soon")"#,
        ),
        (
            r#"{"settings": {"world": {"users": [{"name": "dave", "full_name": "Dave", "pasword": "x"}]}}}"#,
            "options.settings.world.users[0].pasword: unknown setting `pasword` (known: name, full_name, password)",
        ),
        (
            r#"{"settings": {"profile": {"hostname": "not a host"}}}"#,
            "options.settings: hostname `not a host` is not a domain name",
        ),
        (
            r#"{"settings": {"world": {"lists": [{"name": "x", "description": "", "members": ["zed"]}]}}}"#,
            "options.settings: world.lists `x`: `zed` is not a user",
        ),
        (
            r#"{"seed": -1}"#,
            "options.seed: must be a whole number from 0 to 9007199254740991, got a number (-1)",
        ),
        (
            r#"{"seed": 1.5}"#,
            "options.seed: must be a whole number from 0 to 9007199254740991, got a number (1.5)",
        ),
        (
            r#"{"now": "today"}"#,
            r#"options.now: must be Unix seconds (a number), got a string ("today")"#,
        ),
        (
            r#"{"now": -5}"#,
            "options.now: must be Unix seconds from 0 to 9007199254740991, got a number (-5)",
        ),
        (
            r#"{"client": {"ip": "not-an-ip"}}"#,
            "options.client.ip: `not-an-ip` is not an IPv4 or IPv6 address",
        ),
        (
            r#"{"client": {"hostname": "a b"}}"#,
            "options.client.hostname: `a b` is not a host name",
        ),
        (
            r#"{"client": {"name": "x"}}"#,
            "options.client: unknown field `name` (known: hostname, ip)",
        ),
    ] {
        let error = ApiSession::new(js(options)).expect_err(options);
        let message = thrown(error);
        assert!(
            message.starts_with(expected),
            "{options}\n  threw:    {message}\n  expected: {expected}"
        );
    }
}

#[wasm_bindgen_test]
fn bad_arguments_throw_too() {
    let mut session = session("{}");
    let error = session.send("NOOP", Some(f64::NAN)).unwrap_err();
    assert_eq!(
        thrown(error),
        "send(now): must be Unix seconds from 0 to 9007199254740991, got a number (NaN)"
    );
    let error = explain_code(JsValue::from_str("abc")).unwrap_err();
    assert_eq!(
        thrown(error),
        r#"explainCode(code): expected a reply code such as 550 or an enhanced status code such as "5.1.1", got a string ("abc")"#
    );
    assert!(explain_code(JsValue::from_f64(55.5)).is_err());
    assert!(explain_code(JsValue::TRUE).is_err());
}

#[wasm_bindgen_test]
fn explain_code_gives_the_class_and_every_catalogue_entry() {
    let explained = value(explain_code(JsValue::from_f64(550.0)));
    assert_eq!(explained["code"], 550);
    assert_eq!(explained["enhanced"], Value::Null);
    assert_eq!(explained["class"], "permanent");
    assert!(explained["classMeaning"]
        .as_str()
        .unwrap()
        .starts_with("5xx: permanent failure"));
    let replies = explained["replies"].as_array().unwrap();
    let keys: Vec<&str> = replies.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert!(keys.contains(&"UserUnknown"), "{keys:?}");
    assert!(replies.iter().all(|r| r["code"] == 550));
    let unknown = replies.iter().find(|r| r["key"] == "UserUnknown").unwrap();
    assert_eq!(unknown["enhanced"], "5.1.1");
    assert_eq!(unknown["title"], "No such user");
    for field in ["text", "meaning", "why", "next", "rfc"] {
        assert!(!unknown[field].as_str().unwrap().is_empty(), "{field}");
    }

    assert_eq!(
        value(explain_code(JsValue::from_str("550"))),
        explained,
        "a string works too"
    );

    let enhanced = value(explain_code(JsValue::from_str("5.7.1")));
    assert_eq!(enhanced["code"], Value::Null);
    assert_eq!(enhanced["enhanced"], "5.7.1");
    assert_eq!(enhanced["class"], "permanent");
    let keys: Vec<&str> = enhanced["replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert!(keys.contains(&"RelayDenied"), "{keys:?}");

    let nonsense = value(explain_code(JsValue::from_f64(999.0)));
    assert_eq!(nonsense["class"], Value::Null);
    assert_eq!(nonsense["replies"], json!([]));
    assert!(nonsense["classMeaning"]
        .as_str()
        .unwrap()
        .starts_with("Not an SMTP reply code"));
}

/// The settings reader knows every field the engine serializes: each preset,
/// and settings with every value off its default, come back whole.
#[wasm_bindgen_test]
fn every_preset_round_trips_through_the_settings_reader() {
    let mut unusual = Settings::preset("classic").unwrap();
    let profile = &mut unusual.profile;
    profile.name = "unusual".into();
    profile.hostname = "mx.school.test".into();
    profile.banner = "Welcome".into();
    profile.require_helo = true;
    profile.strict_paths = true;
    profile.bare_line_ending = BareLineEnding::Refuse;
    profile.reject_long_lines = true;
    profile.vrfy = VrfyPolicy::Disabled;
    profile.expn = ExpnPolicy::Disabled;
    profile.help = false;
    profile.extensions.dsn = true;
    profile.enhanced_codes_from = EnhancedCodesFrom::Ehlo;
    profile.message_size_limit = 1234;
    profile.max_recipients = 3;
    profile.error_limit = 4;
    profile.idle_timeout_secs = 60;
    profile.faults = Faults {
        reject: vec![
            RejectRule {
                verb: Verb::Mail,
                code: 451,
                enhanced: EnhancedCode::parse("4.7.1"),
                text: "Try later".into(),
                times: Some(2),
            },
            RejectRule {
                verb: Verb::Obsolete,
                code: 502,
                enhanced: None,
                text: "No".into(),
                times: None,
            },
        ],
        greylist: true,
        greylist_delay_secs: 30,
        disconnect_after: Some(5),
    };
    unusual.world.domains = vec!["school.test".into()];
    unusual.world.users = vec![
        User {
            name: "ann".into(),
            full_name: "Ann Example".into(),
            password: Some("secret".into()),
        },
        User {
            name: "ben".into(),
            full_name: "Ben Example".into(),
            password: None,
        },
    ];
    unusual.world.aliases = vec![
        Alias {
            name: "staff".into(),
            targets: vec!["ann".into()],
        },
        Alias {
            name: "postmaster".into(),
            targets: vec!["ben".into()],
        },
    ];
    unusual.world.lists = vec![MailingList {
        name: "class".into(),
        description: "Everyone".into(),
        members: vec!["ann".into(), "ben".into()],
    }];
    let mut cases: Vec<Settings> = PRESETS
        .iter()
        .map(|(name, _)| Settings::preset(name).unwrap())
        .collect();
    cases.push(unusual);
    for settings in cases {
        let patch = serde_json::to_string(&settings).unwrap();
        let session = session(&format!(r#"{{"settings": {patch}}}"#));
        assert_eq!(session.engine_settings(), settings, "{patch}");
    }
}

#[wasm_bindgen_test]
fn commands_and_presets_come_from_the_catalogue() {
    let commands = value(commands());
    let names: Vec<&str> = commands
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let catalogue: Vec<&str> = catalogue::COMMANDS.iter().map(|c| c.name).collect();
    assert_eq!(names, catalogue, "commands() follows the catalogue");
    assert!(names.contains(&"STARTTLS"));
    let mail = &commands[2];
    assert_eq!(mail["syntax"], "MAIL FROM:<reverse-path> [parameters]");
    assert_eq!(mail["verb"], "MAIL");
    assert_eq!(mail["basic"], true);
    assert_eq!(mail["extension"], Value::Null);
    assert_eq!(mail["replies"][0], 250);

    let presets = value(presets());
    let names: Vec<&str> = presets
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["default", "strict", "locked-down", "classic", "submission"]
    );
    assert_eq!(presets[1]["settings"]["profile"]["require_helo"], true);
    for (preset, (name, description)) in presets.as_array().unwrap().iter().zip(PRESETS) {
        assert_eq!(preset["description"], *description);
        let settings = serde_json::to_value(Settings::preset(name).unwrap()).unwrap();
        assert_eq!(preset["settings"], settings, "{name}");
    }
    assert!(!presets[3]["description"].as_str().unwrap().is_empty());
}

/// The engine in wasm32 gives byte for byte the transcript the native
/// build stored (crates/smtplab-engine/tests/golden.rs checks natively).
#[wasm_bindgen_test]
fn wasm_output_is_byte_identical_to_native() {
    let stored = include_str!("../../smtplab-engine/tests/golden/transcript.txt");
    assert_eq!(smtplab_engine::golden::golden_transcript(), stored);
}
