//! What `smtplab serve` says: byte-identical transcripts with the engine,
//! settings files, presets, the verbose log and IPv6.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use common::{scratch, skipped, Client, Server};
use smtplab_engine::{ClientInfo, Event, Output, Session, Settings};

/// The seed article's telnet session, as typed there.
const SEED_SESSION: &[u8] = b"mail from:alice@example.com\r\nrcpt to:bob@example.com\r\ndata\r\nHi, Bob!\r\n        This is test email!\r\n.\r\nquit\r\n";

/// A pipelined ESMTP session: everything in one write.
const PIPELINED: &[u8] = b"EHLO client.example\r\nMAIL FROM:<alice@example.com> BODY=8BITMIME\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<nobody@example.com>\r\nRCPT TO:<team@example.com>\r\nDATA\r\nSubject: pipelined\r\n\r\n..dot\r\n.\r\nVRFY carol\r\nQUIT\r\n";

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// The settings `smtplab serve --profile NAME` runs: the preset itself
/// (with TLS, STARTTLS is offered as the preset says).
fn served_settings(preset: &str) -> Settings {
    Settings::preset(preset).unwrap()
}

/// What the engine itself sends for `input`, and the message it delivers.
fn engine_run(settings: Settings, seed: u64, now: u64, input: &[u8]) -> (Vec<u8>, Vec<String>) {
    let mut session = Session::new(settings, ClientInfo::default(), seed, now);
    session.feed(input, now);
    let mut wire = Vec::new();
    let mut messages = Vec::new();
    for output in session.drain_outputs() {
        match output {
            Output::Reply(reply) => reply.write_wire(&mut wire),
            Output::Event(Event::Delivered(delivery)) => messages.push(delivery.message),
            _ => {}
        }
    }
    (wire, messages)
}

/// Sends `input` over TCP in pieces of `piece` bytes and returns every
/// byte the server sent until it closed, greeting included.
fn served(server: &Server, input: &[u8], piece: usize) -> Vec<u8> {
    let mut client = Client::connect(server.addr);
    client.stream.set_nodelay(true).unwrap();
    for part in input.chunks(piece) {
        client.send(part);
    }
    client.rest()
}

#[test]
fn transcripts_are_byte_identical_to_the_engines() {
    let server = Server::start("transcript", &[]);
    // Sessions 1, 2, 3 run with seeds 42, 43, 44 (--seed 42).
    for (number, input, piece) in [
        (1, SEED_SESSION, SEED_SESSION.len()),
        (2, SEED_SESSION, 1),
        (3, PIPELINED, PIPELINED.len()),
    ] {
        let first_second = unix_now();
        let got = served(&server, input, piece);
        let last_second = unix_now();
        server.wait_for_log(&format!("#{number} close: client said QUIT"));
        let seed = 42 + number - 1;
        let (expected, _) = engine_run(served_settings("default"), seed, first_second, input);
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&expected),
            "session {number}"
        );
        // The saved message is the engine's to the byte, too (its Date is
        // the second the server saw the message in).
        let saved = server.wait_for_log(&format!("#{number} delivered "));
        let path = saved.rsplit_once("saved as ").unwrap().1;
        let message = std::fs::read_to_string(path).unwrap();
        let matches_a_second = (first_second..=last_second).any(|now| {
            engine_run(served_settings("default"), seed, now, input).1 == [message.clone()]
        });
        assert!(matches_a_second, "session {number}:\n{message}");
    }
}

#[test]
fn presets_and_starttls_are_as_announced() {
    let server = Server::start("classic", &["--profile", "classic"]);
    let mut client = Client::connect(server.addr);
    assert_eq!(
        client.reply(),
        "220 mail.example.com Simple Mail Transfer Service Ready\r\n"
    );
    assert_eq!(
        client.command("EHLO x"),
        "500 Error: command not recognized\r\n"
    );
    server.wait_for_log("profile classic (preset classic)");
    server.wait_for_log("TLS: STARTTLS where the profile offers it");

    let server = Server::start("default_ehlo", &[]);
    let mut client = Client::greeted(server.addr);
    let ehlo = client.command("EHLO x");
    assert!(ehlo.contains("250-STARTTLS\r\n"), "{ehlo}");

    let server = Server::start("no_tls_ehlo", &["--no-tls"]);
    server.wait_for_log("TLS is off (--no-tls): STARTTLS is not offered");
    let mut client = Client::greeted(server.addr);
    let ehlo = client.command("EHLO x");
    assert!(!ehlo.contains("STARTTLS"), "{ehlo}");
    assert!(ehlo.contains("250-AUTH PLAIN LOGIN\r\n"), "{ehlo}");
    assert_eq!(
        client.command("STARTTLS"),
        "502 5.5.1 Error: command not implemented\r\n"
    );
}

#[test]
fn verbose_logs_every_command_and_reply() {
    let server = Server::start("verbose", &["--verbose"]);
    let mut client = Client::greeted(server.addr);
    client.command("EHLO verbose.example");
    client.command("QUIT");
    for line in [
        "#1 S: 220 mail.example.com ESMTP smtplab",
        "#1 C: EHLO verbose.example",
        "#1 S: 250-mail.example.com",
        "#1 S: 250 CHUNKING",
        "#1 C: QUIT",
        "#1 S: 221 2.0.0 Bye",
        "#1 close: client said QUIT",
    ] {
        server.wait_for_log(line);
    }
}

#[test]
fn a_partial_settings_file_changes_only_what_it_says() {
    let dir = scratch("settings_file");
    let file = dir.join("lab.json");
    std::fs::write(
        &file,
        r#"{"profile": {"hostname": "mx.school.test"},
            "world": {"domains": ["school.test"],
                      "users": [{"name": "pupil", "full_name": "A Pupil", "password": "secret"}],
                      "aliases": [{"name": "postmaster", "targets": ["pupil"]}], "lists": []}}"#,
    )
    .unwrap();
    let server = Server::start(
        "settings_file_server",
        &["--profile", "strict", "--world", file.to_str().unwrap()],
    );
    let mut client = Client::connect(server.addr);
    assert_eq!(client.reply(), "220 mx.school.test ESMTP smtplab\r\n");
    // Strict (from --profile) still holds for everything the file left out.
    assert_eq!(
        client.command("MAIL FROM:<pupil@school.test>"),
        "503 Error: send HELO/EHLO first\r\n"
    );
    assert_eq!(
        client.command("HELO pc.school.test"),
        "250 mx.school.test\r\n"
    );
    assert_eq!(
        client.command("VRFY pupil"),
        "250 A Pupil <pupil@school.test>\r\n"
    );
}

#[test]
fn a_bad_settings_file_is_refused_naming_the_file_and_the_field() {
    let dir = scratch("bad_settings");
    for (content, expected) in [
        (
            r#"{"profile": {"idle_timeout_secs": "soon"}}"#,
            r#"profile.idle_timeout_secs: must be a whole number from 0 to 1073741824, got a string ("soon")"#,
        ),
        (
            r#"{"world": {"usres": []}}"#,
            "world.usres: unknown setting `usres` (known: domains, users, aliases, lists)",
        ),
    ] {
        let file = dir.join("broken.json");
        std::fs::write(&file, content).unwrap();
        let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
            .args(["serve", "--listen", "127.0.0.1:0", "--world"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            stderr.trim_end(),
            format!("smtplab: error: {}: {expected}", file.display())
        );
    }
}

#[test]
fn the_documented_example_file_is_complete_and_valid() {
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/settings.json");
    let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .args(["serve", "--print-settings", "--world"])
        .arg(&example)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&example).unwrap()).unwrap();
    assert_eq!(printed, written, "the example must spell out every setting");

    let lab = example.with_file_name("school-lab.json");
    let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .args([
            "serve",
            "--print-settings",
            "--profile",
            "strict",
            "--world",
        ])
        .arg(&lab)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["profile"]["hostname"], "mx.school.test");
    assert_eq!(
        printed["profile"]["require_helo"], true,
        "strict underneath"
    );
    assert_eq!(printed["profile"]["faults"]["reject"][0]["verb"], "RCPT");
}

#[test]
fn ipv6_and_ipv4_listeners_side_by_side() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        skipped(
            "ipv6_and_ipv4_listeners_side_by_side",
            "this machine has no IPv6 loopback",
        );
        return;
    }
    let server = Server::start_listening("ipv6", &["[::1]:0", "127.0.0.1:0"], &[]);
    assert!(server.addresses[0].is_ipv6() && server.addresses[1].is_ipv4());
    let mut v4 = Client::greeted(server.addresses[1]);
    assert_eq!(v4.command("NOOP"), "250 2.0.0 Ok\r\n");
    let mut v6 = Client::greeted(server.addresses[0]);
    v6.command("HELO six.example");
    v6.command("MAIL FROM:<alice@example.com>");
    v6.command("RCPT TO:<bob@example.com>");
    v6.command("DATA");
    assert!(v6
        .command("Subject: v6\r\n\r\nover IPv6\r\n.")
        .starts_with("250 "));
    let (_, message) = server.only_saved();
    assert!(
        message.contains("Received: from six.example (localhost [IPv6:::1])"),
        "{message}"
    );
    server.wait_for_log("#2 connect from [::1]:");
}
