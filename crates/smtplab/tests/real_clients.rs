//! Real SMTP clients (Python's smtplib, curl, swaks) against `smtplab serve`
//! on a free loopback port, each checking the message the server saved.

mod common;

use std::path::Path;
use std::process::Command;

use common::{installed, scratch, skipped, Server};

/// Runs a scenario of `tests/clients/smtplib_client.py`; its JSON output.
fn smtplib(scenario: &str, server: &Server) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/smtplib_client.py");
    let output = Command::new("python3")
        .arg(script)
        .args([scenario, "127.0.0.1", &server.addr.port().to_string()])
        .output()
        .expect("python3 is needed for these tests");
    assert!(
        output.status.success(),
        "smtplib {scenario} failed:\n{}\nserver log:\n{}",
        String::from_utf8_lossy(&output.stderr),
        server.log().join("\n")
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}

/// The queue id of session 1's delivery, from the log.
fn logged_queue_id(server: &Server) -> String {
    let line = server.wait_for_log("#1 delivered ");
    let after = line.split_once(" delivered ").unwrap().1;
    after.split(' ').next().unwrap().to_owned()
}

#[test]
fn smtplib_sends_a_message_that_is_saved_as_eml() {
    let server = Server::start("smtplib_send", &[]);
    let result = smtplib("send", &server);
    assert_eq!(result["refused"], serde_json::json!({}));
    // smtplib saw the extensions (STARTTLS too; it need not take it).
    let features = result["esmtp_features"].to_string();
    for wanted in ["pipelining", "size", "auth", "8bitmime", "starttls"] {
        assert!(features.contains(wanted), "{features}");
    }

    let (name, message) = server.only_saved();
    let queue_id = logged_queue_id(&server);
    assert_eq!(name, format!("{queue_id}.eml"));
    assert!(message.starts_with("Return-Path: <alice@example.com>\r\nReceived: from client.example (localhost [127.0.0.1])\r\n\tby mail.example.com (smtplab) with ESMTP id "), "{message}");
    assert!(message.contains(&format!(" id {queue_id}\r\n\tfor <bob@example.com>;")));
    assert!(message.contains("\r\nSubject: smtplib test\r\n"));
    assert!(message.contains("\r\nMessage-Id: <"), "the server adds one");
    // smtplib dot-stuffed the line; the server took the dot off again.
    assert!(message.ends_with("\r\n\r\nHello Bob,\r\n.leading dot survives\r\nfrom smtplib.\r\n"));

    let log = server.log().join("\n");
    assert!(log.contains("#1 connect from 127.0.0.1:"), "{log}");
    assert!(log.contains(&format!(
        "#1 delivered {queue_id} from <alice@example.com> to <bob@example.com> (mailbox bob; "
    )));
    server.wait_for_log("#1 close: client said QUIT");
}

#[test]
fn smtplib_logs_in_with_auth_plain_and_may_relay_outside() {
    let server = Server::start("smtplib_auth", &[]);
    let result = smtplib("auth-relay", &server);
    assert_eq!(result["auth"][0], 235, "{result}");
    assert_eq!(result["refused"], serde_json::json!({}));
    let (_, message) = server.only_saved();
    assert!(message.contains("with ESMTPA id "), "{message}");
    assert!(message.contains("for <friend@example.org>;"));
    assert!(message.contains("\r\nSubject: relay test\r\n"));
    server.wait_for_log("#1 authenticated as alice");
    let delivered = server.wait_for_log("#1 delivered ");
    assert!(
        delivered.contains("relay to friend@example.org held: a sandbox sends nothing on"),
        "{delivered}"
    );
}

#[test]
fn smtplib_raises_recipients_refused_for_an_unknown_user() {
    let server = Server::start("smtplib_rejected", &[]);
    let result = smtplib("rejected", &server);
    assert_eq!(result["error"], "SMTPRecipientsRefused", "{result}");
    let refusal = &result["recipients"]["nobody@example.com"];
    assert_eq!(refusal[0], 550);
    assert_eq!(
        refusal[1],
        "5.1.1 <nobody@example.com>: Recipient address rejected: User unknown in local recipient table"
    );
    server.wait_for_log("#1 close: ");
    assert!(server.saved().is_empty());
    assert!(!server.log().join("\n").contains("#1 delivered"));
}

#[test]
fn curl_uploads_a_message() {
    if !installed("curl") {
        skipped(
            "curl_uploads_a_message",
            "curl is not installed (cargo xtask test installs it)",
        );
        return;
    }
    let server = Server::start("curl_upload", &[]);
    let upload = scratch("curl_upload_input").join("message.txt");
    std::fs::write(
        &upload,
        "From: Alice <alice@example.com>\r\nTo: Bob <bob@example.com>\r\nSubject: curl test\r\n\r\nSent with curl.\r\n",
    )
    .unwrap();
    let output = Command::new("curl")
        .args(["--silent", "--show-error", "--max-time", "20"])
        .arg(format!("smtp://127.0.0.1:{}", server.addr.port()))
        .args(["--mail-from", "alice@example.com"])
        .args(["--mail-rcpt", "bob@example.com"])
        .arg("--upload-file")
        .arg(&upload)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "curl failed: {}\n{}",
        String::from_utf8_lossy(&output.stderr),
        server.log().join("\n")
    );
    let (name, message) = server.only_saved();
    assert_eq!(name, format!("{}.eml", logged_queue_id(&server)));
    assert!(message.contains("\r\nSubject: curl test\r\n"), "{message}");
    assert!(
        message.ends_with("\r\n\r\nSent with curl.\r\n"),
        "{message}"
    );
    assert!(message.contains("for <bob@example.com>;"));
}

#[test]
fn swaks_sends_with_auth_plain() {
    if !installed("swaks") {
        skipped(
            "swaks_sends_with_auth_plain",
            "swaks is not installed (cargo xtask test installs it with apt)",
        );
        return;
    }
    let server = Server::start("swaks_send", &[]);
    let output = Command::new("swaks")
        .args(["--server", "127.0.0.1"])
        .args(["--port", &server.addr.port().to_string()])
        .args(["--ehlo", "swaks.example"])
        .args(["--from", "alice@example.com", "--to", "carol@example.com"])
        .args(["--auth", "PLAIN", "--auth-user", "alice"])
        .args(["--auth-password", "wonderland"])
        .args(["--header", "Subject: swaks test"])
        .args(["--body", "Sent with swaks."])
        .args(["--timeout", "20"])
        .output()
        .unwrap();
    let transcript = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "swaks failed:\n{transcript}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        transcript.contains("<-  235 2.7.0 Authentication successful"),
        "{transcript}"
    );
    let (name, message) = server.only_saved();
    assert_eq!(name, format!("{}.eml", logged_queue_id(&server)));
    assert!(
        message.contains("Received: from swaks.example (localhost [127.0.0.1])"),
        "{message}"
    );
    assert!(message.contains("with ESMTPA id "));
    assert!(message.contains("\r\nSubject: swaks test\r\n"));
    assert!(message.contains("Sent with swaks."));
}
