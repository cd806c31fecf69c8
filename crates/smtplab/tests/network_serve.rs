//! `smtplab serve --network`: real clients (swaks, smtplib, a raw socket)
//! talk to the hosts of the simulated network on ports of their own, and
//! what the final host delivers lands in its `--save` subfolder with one
//! Received header per hop. A broken network file is refused before
//! anything listens, with its field path.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{installed, scratch, skipped, Client, Server};

/// The example network with a smarthost: submission, relay, MX.
fn smarthost_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/network-smarthost.json")
}

fn smarthost_network(name: &str) -> Server {
    let file = smarthost_file();
    let file = file.to_str().expect("a UTF-8 path");
    Server::start_network(name, &["--network", file], &["--verbose"])
}

/// The Received fields of a saved message, newest (topmost) first, each
/// with its folded lines joined.
fn received_fields(message: &str) -> Vec<String> {
    let header = message.split("\r\n\r\n").next().unwrap_or_default();
    let mut fields: Vec<String> = Vec::new();
    let mut in_received = false;
    for line in header.split("\r\n") {
        if line.starts_with([' ', '\t']) {
            if in_received {
                if let Some(field) = fields.last_mut() {
                    field.push(' ');
                    field.push_str(line.trim());
                }
            }
            continue;
        }
        in_received = line.to_ascii_lowercase().starts_with("received:");
        if in_received {
            fields.push(line.to_owned());
        }
    }
    fields
}

/// Runs swaks against `address` with AUTH PLAIN as you / secret.
fn swaks_submit(address: std::net::SocketAddr, to: &str) -> String {
    let output = Command::new("swaks")
        .args(["--server", &address.to_string()])
        .args(["--ehlo", "pc42.dsl.isp.example"])
        .args(["--from", "you@isp.example", "--to", to])
        .args([
            "--auth",
            "PLAIN",
            "--auth-user",
            "you",
            "--auth-password",
            "secret",
        ])
        .args(["--header", "Subject: over three hops"])
        .args(["--body", "Sent with swaks through the network."])
        .args(["--timeout", "20"])
        .output()
        .expect("run swaks");
    let transcript = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "swaks failed:\n{transcript}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    transcript
}

#[test]
fn swaks_submits_on_587_and_the_final_host_saves_it_with_three_received_headers() {
    if !installed("swaks") {
        skipped("swaks_submits_on_587...", "swaks is not installed");
        return;
    }
    let server = smarthost_network("network_swaks");
    let transcript = swaks_submit(server.door("smtp.isp.example:587"), "bob@example.org");
    assert!(
        transcript.contains("<-  235 2.7.0 Authentication successful"),
        "{transcript}"
    );
    let message = server.only_saved_at("mx1.example.org");
    assert!(
        message.starts_with("Return-Path: <you@isp.example>\r\n"),
        "{message}"
    );
    let received = received_fields(&message);
    assert_eq!(received.len(), 3, "{message}");
    for (field, from, by, with) in [
        (0, "relay.isp.example", "mx1.example.org", "ESMTP "),
        (1, "smtp.isp.example", "relay.isp.example", "ESMTPA "),
        (2, "pc42.dsl.isp.example", "smtp.isp.example", "ESMTPA "),
    ] {
        let text = &received[field];
        assert!(
            text.starts_with(&format!("Received: from {from} "))
                && text.contains(&format!(" by {by} (smtplab) with {with}")),
            "Received #{field}: {text}"
        );
    }
    assert!(message.contains("\r\nSubject: over three hops\r\n"));
    assert!(server.saved_at("relay.isp.example").is_empty());
    assert!(server.saved_at("smtp.isp.example").is_empty());
    // The file is in place a moment before its log line.
    server.wait_for_log("mx1.example.org delivered ");
    let log = server.log().join("\n");
    for expected in [
        "to smtp.isp.example:587",
        "network: smtp.isp.example -> relay.isp.example[203.0.113.25]:25: Accepted (250 2.0.0 Ok: queued as ",
        "network: relay.isp.example -> mx1.example.org[198.51.100.10]:25: Accepted",
        "saved as ",
    ] {
        assert!(log.contains(expected), "no {expected:?} in\n{log}");
    }
}

#[test]
fn the_start_up_table_maps_every_host_port_to_a_real_one() {
    let server = Server::start_network("network_table", &["--network"], &[]);
    let targets: Vec<&str> = server.doors.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        targets,
        [
            "smtp.isp.example:25",
            "smtp.isp.example:587",
            "mx1.example.org:25",
            "mx2.example.org:25",
            "mail.down.example:25",
            "oldschool.example:25",
            "mail.example.com:25",
            "mail.alumni.example:25",
        ]
    );
    assert!(server.doors.iter().all(|(_, a)| a.ip().is_loopback()));
    server.wait_for_log("mail.down.example:25 ");
    server.wait_for_log("(unreachable: connections are closed at once)");
}

#[test]
fn the_mx_refuses_to_relay_and_submission_asks_for_auth_first() {
    let server = Server::start_network("network_policy", &["--network"], &[]);
    let mut mx = Client::greeted(server.door("mx1.example.org:25"));
    assert!(mx
        .command("EHLO pc42.dsl.isp.example")
        .starts_with("250-mx1.example.org"));
    assert!(mx
        .command("MAIL FROM:<you@isp.example>")
        .starts_with("250 "));
    assert_eq!(
        mx.command("RCPT TO:<someone@stranger.example>"),
        "554 5.7.1 <someone@stranger.example>: Relay access denied\r\n"
    );
    assert!(mx.command("RCPT TO:<bob@example.org>").starts_with("250 "));
    let mut submission = Client::greeted(server.door("smtp.isp.example:587"));
    submission.command("EHLO pc42.dsl.isp.example");
    assert_eq!(
        submission.command("MAIL FROM:<you@isp.example>"),
        "530 5.7.0 Authentication required\r\n"
    );
    let mut down = Client::connect(server.door("mail.down.example:25"));
    assert!(
        down.is_closed_by_server(),
        "an unreachable host never greets"
    );
    server.wait_for_log("the simulated host is not taking connections");
}

/// Starts `serve --network FILE` where FILE is the smarthost example
/// edited by `edit`; returns its exit status and standard error.
fn refused(name: &str, edit: impl Fn(&str) -> String) -> (bool, String) {
    let text = std::fs::read_to_string(smarthost_file()).unwrap();
    let file = scratch(name).join("network.json");
    std::fs::write(&file, edit(&text)).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .args(["serve", "--network-base-port", "0", "--network"])
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains("ready"), "it must not listen: {stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.success(), stderr)
}

/// A change to the example file's text.
type Edit = fn(&str) -> String;

#[test]
fn a_broken_network_file_is_refused_at_start_with_its_field_path() {
    let cases: [(&str, Edit, &str); 4] = [
        (
            "network_dangling_mx",
            |t| t.replace("MX 10 mx1.example.org.", "MX 10 mx9.example.org."),
            "domains[1].records[0]: the MX points at `mx9.example.org`, which has no A or AAAA record",
        ),
        (
            "network_relay_loop",
            |t| t.replacen(
                r#""addresses": ["203.0.113.25"],"#,
                r#""addresses": ["203.0.113.25"], "smarthost": "smtp.isp.example","#,
                1,
            ),
            "smarthosts go round in a loop: ",
        ),
        (
            "network_no_postmaster",
            |t| t.replace(r#"{ "name": "postmaster", "targets": ["admin"] }"#, ""),
            "hosts[2].world: there must be a `postmaster` user or alias",
        ),
        (
            "network_in_settings",
            |t| format!(r#"{{"profile": {{}}, "network": {}}}"#, t.replace("\"ports\": [25, 587]", "\"ports\": [25, 2525]")),
            "network.hosts[0].ports: port 2525 is not served",
        ),
    ];
    for (name, edit, expected) in cases {
        let (ok, stderr) = refused(name, edit);
        assert!(!ok, "{name}: it must fail");
        assert!(
            stderr.contains("network.json: ") && stderr.contains(expected),
            "{name}: no {expected:?} in {stderr}"
        );
    }
}

/// A Python smtplib client: logs in on 587 as you / secret and sends one
/// message with `received` extra Received fields; prints nothing.
const SMTPLIB_SUBMIT: &str = r#"
import smtplib, sys
host, port, to, received = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
trace = "".join("Received: from loop%d.example by loop%d.example; Thu, 3 Dec 2026 06:00:00 +0000\r\n" % (i, i + 1) for i in range(received))
message = trace + "From: you@isp.example\r\nTo: %s\r\nSubject: smtplib over the network\r\n\r\nHello.\r\n" % to
with smtplib.SMTP(host, port, local_hostname="pc42.dsl.isp.example", timeout=20) as smtp:
    smtp.login("you", "secret")
    smtp.sendmail("you@isp.example", [to], message)
"#;

fn smtplib_submit(server: &Server, to: &str, received: usize) {
    let door = server.door("smtp.isp.example:587");
    let output = Command::new("python3")
        .args(["-c", SMTPLIB_SUBMIT, "127.0.0.1"])
        .arg(door.port().to_string())
        .arg(to)
        .arg(received.to_string())
        .output()
        .expect("python3 is needed for these tests");
    assert!(
        output.status.success(),
        "smtplib failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stderr),
        server.log().join("\n")
    );
}

#[test]
fn smtplib_submits_through_the_default_network() {
    let server = Server::start_network("network_smtplib", &["--network"], &[]);
    smtplib_submit(&server, "bob@example.org", 0);
    let message = server.only_saved_at("mx1.example.org");
    let received = received_fields(&message);
    assert_eq!(received.len(), 2, "{message}");
    assert!(received[0].starts_with("Received: from smtp.isp.example "));
    assert!(message.contains("\r\nSubject: smtplib over the network\r\n"));
    server.wait_for_log("#1 queued ");
}

#[test]
fn a_looping_message_is_stopped_by_the_hop_count_with_a_bounce() {
    let server = Server::start_network("network_hop_count", &["--network"], &["--verbose"]);
    // 100 fields already, one more at submission: over RFC 5321 6.3's count.
    smtplib_submit(&server, "bob@example.org", 100);
    let bounce = server.only_saved_at("smtp.isp.example");
    assert!(bounce.starts_with("Return-Path: <>\r\n"), "{bounce}");
    for expected in ["Action: failed", "Status: 5.4.6", "too many hops"] {
        assert!(bounce.contains(expected), "no {expected:?} in\n{bounce}");
    }
    assert!(server.saved_at("mx1.example.org").is_empty());
    server.wait_for_log("status=bounced (5.4.6 ");
}

#[test]
fn sigterm_gives_open_network_sessions_their_421_and_exits_0() {
    let mut server = Server::start_network("network_shutdown", &["--network"], &[]);
    let mut client = Client::greeted(server.door("mx2.example.org:25"));
    assert!(client
        .command("EHLO pc42.dsl.isp.example")
        .starts_with("250-mx2.example.org"));
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    assert_eq!(
        client.try_reply().as_deref(),
        Some("421 4.3.2 mx2.example.org Service shutting down, closing transmission channel\r\n")
    );
}
