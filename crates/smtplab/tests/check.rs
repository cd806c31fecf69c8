//! `smtplab check`: the binary replays attempt files against a pack and
//! reports each goal; the exit status says whether every attempt passed.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use smtplab_lessons::{builtin, Attempt};

fn repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

const PACK: &str = "docs/examples/example-pack.json";
const PASSING: &str = "docs/examples/attempts/passing-call-again.txt";
const FAILING: &str = "docs/examples/attempts/failing-homework.txt";

fn check(args: &[&str]) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .arg("check")
        .args(args)
        .output()
        .unwrap();
    (
        status.success(),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

/// A fresh folder for test `name`.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("check")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_passing_attempt_passes_with_every_goal_ticked() {
    let (ok, stdout, stderr) = check(&[&repo(PACK), &repo(PASSING)]);
    assert!(ok, "{stdout}{stderr}");
    assert!(stdout.contains("passing-call-again.txt: room-101 / call-again (A server that hangs up), Ana Lima: PASSED (2 of 2 goals met)\n  [x] Deliver a message to alice@example.com\n  [x] End a session with QUIT\n"), "{stdout}");
    assert!(
        stdout.ends_with("1 attempt: 1 passed, 0 did not pass\n"),
        "{stdout}"
    );
    assert_eq!(stderr, "");
}

#[test]
fn a_failing_attempt_names_the_unmet_goal_and_fails_the_run() {
    let (ok, stdout, stderr) = check(&[&repo(PACK), &repo(FAILING)]);
    assert!(!ok);
    assert!(stdout.contains("NOT PASSED (2 of 3 goals met)\n  [x] See that VRFY is switched off in this lab (502)\n  [ ] The teacher receives your homework"), "{stdout}");
    assert!(
        stderr.contains("smtplab: error: 1 attempt: 0 passed, 1 did not pass"),
        "{stderr}"
    );
}

#[test]
fn every_file_is_checked_even_after_a_bad_one() {
    let dir = scratch("bad-files");
    let garbage = dir.join("garbage.txt");
    std::fs::write(&garbage, "hello teacher\n").unwrap();
    let missing = dir.join("missing.txt");
    let (ok, stdout, stderr) = check(&[
        &repo(PACK),
        missing.to_str().unwrap(),
        garbage.to_str().unwrap(),
        &repo(FAILING),
        &repo(PASSING),
    ]);
    assert!(!ok);
    assert!(
        stderr.contains(&format!("{}: cannot read", missing.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{}: not an attempt file: line 1: the file must start with `smtplab attempt 1`",
            garbage.display()
        )),
        "{stderr}"
    );
    assert!(stdout.contains("Ben Okafor: NOT PASSED"), "{stdout}");
    assert!(stdout.contains("Ana Lima: PASSED"), "{stdout}");
    assert!(
        stdout.ends_with("4 attempts: 1 passed, 1 did not pass, 2 could not be checked\n"),
        "{stdout}"
    );
}

#[test]
fn attempts_for_another_pack_or_lesson_are_refused_by_name() {
    let dir = scratch("other-pack");
    let unknown = dir.join("unknown-lesson.txt");
    std::fs::write(
        &unknown,
        "smtplab attempt 1\npack: room-101\nlesson: recess\n",
    )
    .unwrap();
    let (ok, _, stderr) = check(&[&repo(PACK), unknown.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("unknown-lesson.txt: pack `room-101` has no lesson `recess`"),
        "{stderr}"
    );
    let (ok, _, stderr) = check(&["builtin", &repo(PASSING)]);
    assert!(!ok);
    assert!(stderr.contains("passing-call-again.txt: the attempt is for pack `room-101`, but it was checked against pack `builtin`"), "{stderr}");
}

#[test]
fn the_builtin_curriculum_checks_exported_attempts() {
    let dir = scratch("builtin");
    let lesson = builtin().lesson("dot-stuffing").unwrap();
    let mut attempt = Attempt::new("builtin", "dot-stuffing");
    attempt.student = Some("Chris".into());
    attempt.script = lesson.solution().clone();
    let solved = dir.join("solved.txt");
    std::fs::write(&solved, attempt.to_text()).unwrap();
    let (ok, stdout, stderr) = check(&["builtin", solved.to_str().unwrap(), "--transcript"]);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("builtin / dot-stuffing (A line that starts with a dot), Chris: PASSED"),
        "{stdout}"
    );
    // The replayed conversation, with the stuffed line as typed.
    assert!(
        stdout.contains("-- connection 1 --\nS: 220 mail.example.com ESMTP smtplab\n"),
        "{stdout}"
    );
    assert!(stdout.contains("C: ..profile\n"), "{stdout}");
}

#[test]
fn an_attempt_with_the_solution_shown_is_reported_and_not_a_pass() {
    let dir = scratch("solution-shown");
    let lesson = builtin().lesson("dot-stuffing").unwrap();
    let mut attempt = Attempt::new("builtin", "dot-stuffing");
    attempt.student = Some("Chris".into());
    attempt.script = lesson.solution().clone();
    attempt.solution_shown = true;
    let shown = dir.join("shown.txt");
    std::fs::write(&shown, attempt.to_text()).unwrap();
    let (ok, stdout, stderr) = check(&["builtin", shown.to_str().unwrap()]);
    assert!(!ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("shown.txt: builtin / dot-stuffing (A line that starts with a dot), Chris: SOLUTION SHOWN, not a pass ("),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("1 attempt: 0 passed, 0 did not pass, 1 solution shown\n"),
        "{stdout}"
    );
}

#[test]
fn check_applies_the_idle_timeout_and_reads_files_with_a_byte_order_mark() {
    let dir = scratch("idle-bom");
    let attempt = dir.join("idle.txt");
    std::fs::write(
        &attempt,
        "\u{feff}smtplab attempt 1\npack: builtin\nlesson: first-message\n\nconnect\n> HELO client.example\nwait 100000\n> NOOP\n",
    )
    .unwrap();
    let pack = dir.join("pack.json");
    let text = std::fs::read_to_string(repo(PACK)).unwrap();
    std::fs::write(&pack, format!("\u{feff}{text}")).unwrap();
    let (ok, stdout, stderr) = check(&[pack.to_str().unwrap()]);
    assert!(ok, "{stdout}{stderr}");
    let (ok, stdout, stderr) = check(&["builtin", attempt.to_str().unwrap(), "--transcript"]);
    assert!(!ok);
    assert!(
        stdout.contains("idle.txt: builtin / first-message"),
        "{stdout}{stderr}"
    );
    assert!(
        stdout.contains("C: HELO client.example\nS: 250 mail.example.com\nS: 421 4.4.2 "),
        "{stdout}"
    );
    assert!(
        stdout.contains("-- closed by the server: idle too long --"),
        "{stdout}"
    );
}

#[test]
fn a_pack_file_over_the_size_limit_is_refused() {
    let dir = scratch("huge-pack");
    let pack = dir.join("huge.json");
    let text = std::fs::read_to_string(repo(PACK)).unwrap();
    let padded = text.replacen(
        "\"format\": 1,",
        &format!(
            "\"format\": 1, \"padding\": \"{}\",",
            "x".repeat(smtplab_lessons::MAX_PACK_BYTES)
        ),
        1,
    );
    std::fs::write(&pack, padded).unwrap();
    let (ok, stdout, stderr) = check(&[pack.to_str().unwrap()]);
    assert!(!ok);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains(&format!(
            "packs are limited to {} bytes",
            smtplab_lessons::MAX_PACK_BYTES
        )),
        "{stderr}"
    );
}

#[test]
fn a_pack_alone_is_validated_and_listed() {
    let (ok, stdout, _) = check(&[&repo(PACK)]);
    assert!(ok);
    assert!(
        stdout.starts_with("room-101: Room 101: the school mail server by A. Teacher, 3 lessons"),
        "{stdout}"
    );
    assert!(
        stdout.contains("  call-again  A server that hangs up (2 goals)\n"),
        "{stdout}"
    );
    let (ok, stdout, _) = check(&["builtin"]);
    assert!(ok);
    assert!(stdout.contains("25 lessons"), "{stdout}");
}

#[test]
fn a_broken_pack_is_named_with_every_problem() {
    let dir = scratch("broken-pack");
    let pack = dir.join("pack.json");
    let text = std::fs::read_to_string(repo(PACK))
        .unwrap()
        .replace(
            "\"to\": \"teacher@school.test\"",
            "\"to\": \"head@school.test\"",
        )
        .replace("\"preset\": \"default\"", "\"preset\": \"lenient\"");
    std::fs::write(&pack, text).unwrap();
    let (ok, stdout, stderr) = check(&[pack.to_str().unwrap(), &repo(PASSING)]);
    assert!(!ok);
    assert_eq!(stdout, "");
    assert!(
        stderr.contains(&format!(
            "smtplab: error: {}: the pack does not load:\n",
            pack.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "  lesson `homework`, field `goals[1].to`: unknown mailbox `head@school.test`"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("  lesson `queue-full`, field `server.preset`: unknown preset `lenient`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("  lesson `call-again`, field `server.preset`: unknown preset `lenient`"),
        "{stderr}"
    );
    let (ok, _, stderr) = check(&[dir.join("nope.json").to_str().unwrap()]);
    assert!(!ok);
    assert!(
        stderr.contains("nope.json: cannot read the pack"),
        "{stderr}"
    );
}
