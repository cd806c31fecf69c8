//! `smtplab probe` against `smtplab serve` in its lenient and strict
//! profiles (every case), and against a real Postfix smtpd on loopback.

mod common;
mod postfix;

use std::process::{Command, Output};

use common::{skipped, Server};
use serde_json::Value;

fn probe(target: &str, extra: &[&str]) -> (Output, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .args(["probe", target, "--json", "--timeout", "5"])
        .args(extra)
        .output()
        .expect("run smtplab probe");
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)));
    (output, json)
}

fn ids_with(json: &Value, verdict: &str) -> Vec<String> {
    json["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["verdict"] == verdict)
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

fn listed_cases(strict: bool) -> Vec<String> {
    let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .args(["probe", "--list"])
        .output()
        .unwrap();
    assert!(output.status.success());
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter(|l| strict || !l.ends_with("(strict)"))
        .map(|l| l.split_whitespace().next().unwrap().to_owned())
        .collect()
}

#[test]
fn every_case_passes_against_serve_in_the_lenient_and_the_strict_profile() {
    let rfc_cases = listed_cases(false);
    assert!(rfc_cases.len() >= 25, "{rfc_cases:?}");
    for profile in ["default", "strict"] {
        let server = Server::start(&format!("probe-{profile}"), &["--profile", profile]);
        let (output, json) = probe(&server.addr.to_string(), &["--rcpt", "bob@example.com"]);
        assert_eq!(
            ids_with(&json, "fail"),
            Vec::<String>::new(),
            "{profile}: {json:#}"
        );
        assert_eq!(ids_with(&json, "skip"), Vec::<String>::new(), "{profile}");
        assert_eq!(ids_with(&json, "pass"), rfc_cases, "{profile}");
        assert!(output.status.success(), "{profile}");
    }
}

#[test]
fn the_strict_checks_fail_on_the_lenient_server_and_pass_on_the_strict_one() {
    let lenient = Server::start("probe-strict-on-default", &[]);
    let (output, json) = probe(
        &lenient.addr.to_string(),
        &["--rcpt", "bob@example.com", "--profile", "strict"],
    );
    assert_eq!(
        ids_with(&json, "fail"),
        [
            "mail-before-helo",
            "path-with-space",
            "bare-lf-in-data",
            "long-text-line"
        ]
    );
    assert!(
        !output.status.success(),
        "a failed case makes the exit status non-zero"
    );
    let detail = json["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "mail-before-helo")
        .unwrap()["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        detail,
        "after `MAIL FROM:<probe@probe.example>` expected 503, the server answered 250 2.1.0 Ok"
    );
    let strict = Server::start("probe-strict-on-strict", &["--profile", "strict"]);
    let (output, json) = probe(
        &strict.addr.to_string(),
        &["--rcpt", "bob@example.com", "--profile", "strict"],
    );
    assert_eq!(ids_with(&json, "pass"), listed_cases(true));
    assert!(output.status.success());
}

#[test]
fn without_rcpt_no_message_is_sent_and_message_cases_are_skipped() {
    let server = Server::start("probe-no-rcpt", &[]);
    let (output, json) = probe(&server.addr.to_string(), &[]);
    let skipped_ids = ids_with(&json, "skip");
    assert!(
        skipped_ids.contains(&"data-transparency".to_owned())
            && skipped_ids.contains(&"smuggle-lf-dot-lf".to_owned()),
        "{skipped_ids:?}"
    );
    assert_eq!(ids_with(&json, "fail"), Vec::<String>::new());
    assert!(output.status.success());
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(
        server.saved(),
        Vec::<std::path::PathBuf>::new(),
        "nothing may be delivered without --rcpt"
    );
    let with = Server::start("probe-rcpt-only", &[]);
    probe(&with.addr.to_string(), &["--rcpt", "bob@example.com"]);
    std::thread::sleep(std::time::Duration::from_millis(300));
    for file in with.saved() {
        let message = std::fs::read_to_string(&file).unwrap();
        let envelope_to: Vec<&str> = message.lines().filter(|l| l.contains("for <")).collect();
        assert!(
            envelope_to
                .iter()
                .all(|l| l.contains("for <bob@example.com>")),
            "{message}"
        );
    }
}

#[test]
fn bad_targets_and_options_get_clear_errors() {
    let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .args(["probe", "127.0.0.1:1", "--case", "ehlo"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("cannot connect to 127.0.0.1:1"));
    for (args, message) in [
        (
            &["probe", "127.0.0.1:25", "--case", "nonsense"][..],
            "no case `nonsense`",
        ),
        (
            &["probe", "127.0.0.1:25", "--rcpt", "a b"],
            "is not an address",
        ),
        (
            &["probe", "no-port-here"],
            "cannot use `no-port-here` as HOST:PORT",
        ),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
            .args(args)
            .output()
            .unwrap();
        assert!(!output.status.success(), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
    }
}

#[test]
fn probe_against_postfix_on_loopback_prints_its_results() {
    if let Some(why) = postfix::unavailable() {
        skipped(
            "probe_against_postfix_on_loopback_prints_its_results",
            &format!("!!! NOT RUN: {why} !!!"),
        );
        return;
    }
    let postfix = postfix::Postfix::start("probe");
    let target = format!("127.0.0.1:{}", postfix.port);
    let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .args([
            "probe",
            &target,
            "--rcpt",
            "someone@localhost",
            "--timeout",
            "5",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    eprintln!("smtplab probe against Postfix:\n{text}");
    for case in listed_cases(false) {
        assert!(
            text.lines()
                .any(|l| l.split_whitespace().nth(1) == Some(&case)),
            "no result for {case}:\n{text}"
        );
    }
    assert!(text.contains(&format!("{target}: ")), "{text}");
    for basic in [
        "greeting-quit",
        "ehlo",
        "rcpt-before-mail",
        "pipelining",
        "data-transparency",
    ] {
        assert!(
            text.lines()
                .any(|l| l.starts_with("PASS") && l.contains(basic)),
            "{basic}:\n{text}"
        );
    }
    let (_, json) = probe(&target, &["--rcpt", "someone@localhost"]);
    let failed = json["failed"].as_u64().unwrap();
    assert_eq!(output.status.success(), failed == 0);
    let total = json["passed"].as_u64().unwrap() + failed + json["skipped"].as_u64().unwrap();
    assert_eq!(total as usize, listed_cases(false).len());
    // Postfix's own log of all that, and a swaks session, explain fully.
    let mut captures = vec![postfix.log.clone()];
    if common::installed("swaks") {
        let swaks = Command::new("swaks")
            .args([
                "--server",
                &target,
                "--from",
                "a@probe.example",
                "--to",
                "someone@localhost",
                "--pipeline",
            ])
            .output()
            .unwrap();
        let file = postfix.log.with_file_name("swaks.txt");
        std::fs::write(&file, &swaks.stdout).unwrap();
        captures.push(file);
    }
    for file in captures {
        let explained = Command::new(env!("CARGO_BIN_EXE_smtplab"))
            .arg("explain")
            .arg(&file)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&explained.stdout);
        assert!(explained.status.success(), "{}", file.display());
        let unknown: Vec<&str> = text
            .lines()
            .filter(|l| l.split_whitespace().nth(1) == Some("??"))
            .collect();
        assert_eq!(unknown, Vec::<&str>::new(), "{}", file.display());
        assert!(!text.contains(", unknown "), "{text}");
    }
}
