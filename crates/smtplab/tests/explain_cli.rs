//! `smtplab explain FILE`: text and JSON output, replay, standard input,
//! and clear messages for binary and huge input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../smtplab-explain/tests/data")
        .join(name)
}

fn explain(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .arg("explain")
        .args(args)
        .output()
        .expect("run smtplab explain")
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("explain-cli");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn a_swaks_transcript_is_explained_line_by_line() {
    let file = data("swaks-postfix-relay-denied.txt");
    let output = explain(&[file.to_str().unwrap()]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("    17 C>  -> RCPT TO:<bob@example.net>\n"),
        "{text}"
    );
    assert!(text.contains("    18 S< <** 554 5.7.1 <bob@example.net>: Relay access denied\n          = 554 Relay denied: "), "{text}");
    assert!(
        text.contains("21 lines, 506 octets. Formats: swaks output 21."),
        "{text}"
    );
    assert!(!text.contains(" ?? "), "{text}");
}

#[test]
fn json_and_replay_show_the_simulated_server_beside_the_real_one() {
    let file = data("swaks-postfix-delivery.txt");
    let output = explain(&[file.to_str().unwrap(), "--json", "--replay", "strict"]);
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["lines"].as_array().unwrap().len(), 36);
    assert_eq!(json["lines"][2]["kind"], "reply");
    let replay = json["replay"].as_array().unwrap();
    let mail = replay
        .iter()
        .find(|s| s["sent"].as_str().unwrap().starts_with("MAIL"))
        .unwrap();
    assert_eq!(mail["recorded"][0], "250 2.1.0 Ok");
    assert_eq!(mail["simulated"][0], "250 2.1.0 Ok");
    let text = explain(&[file.to_str().unwrap(), "--replay", "default"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Replay against the simulated server (profile default):"),
        "{text}"
    );
    assert!(
        text.contains("          simulated:  220 mail.example.com ESMTP smtplab"),
        "{text}"
    );
}

#[test]
fn standard_input_and_exact_bytes() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .args(["explain", "-", "--line-ends"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"220 mx\r\nHELO a\0b\r\n250 mx\r\nNOOP\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("     2 C> HELO a\\0b\\r\\n\n"), "{text}");
    assert!(text.contains("     4 C> NOOP\\n\n"), "{text}");
    assert!(text.contains("! error: a bare LF ends this line"), "{text}");
}

#[test]
fn binary_and_huge_files_get_clear_messages_quickly() {
    let binary = scratch("binary.bin");
    std::fs::write(
        &binary,
        (0..=255u8).cycle().take(10_000).collect::<Vec<u8>>(),
    )
    .unwrap();
    let output = explain(&[binary.to_str().unwrap()]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("looks like a binary file"));

    let huge = scratch("huge.txt");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&huge).unwrap());
    let line = b"C: NOOP\n";
    for _ in 0..(100 * 1024 * 1024 / line.len()) {
        file.write_all(line).unwrap();
    }
    drop(file);
    let output = explain(&[huge.to_str().unwrap()]);
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    let tail: Vec<&str> = text.lines().rev().take(3).collect();
    assert!(
        text.contains("note: Stopped after 100000 lines"),
        "{tail:?}"
    );
    assert!(
        text.contains(&format!("is {} octets in all", 100 * 1024 * 1024)),
        "{tail:?}"
    );
    let _ = std::fs::remove_file(&huge);
}
