//! TLS in `smtplab serve`: STARTTLS (RFC 3207) and implicit TLS (RFC 8314)
//! with real clients (swaks, curl, Python's smtplib and ssl), the bytes a
//! client pipelines behind STARTTLS dropped, TLS before AUTH, certificate
//! files checked at start, and STARTTLS in `--network` mode.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{installed, scratch, skipped, Server};

/// Runs a scenario of `tests/clients/tls_client.py` against `port`.
fn python(scenario: &str, server: &Server, port: u16) -> serde_json::Value {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/tls_client.py");
    let output = Command::new("python3")
        .arg(script)
        .args([scenario, "127.0.0.1", &port.to_string()])
        .output()
        .expect("python3 is needed for these tests");
    assert!(
        output.status.success(),
        "tls_client.py {scenario} failed:\n{}\nserver log:\n{}",
        String::from_utf8_lossy(&output.stderr),
        server.log().join("\n")
    );
    serde_json::from_slice(&output.stdout).expect("the script prints JSON")
}

/// The fingerprint the server logged at start.
fn logged_fingerprint(server: &Server) -> String {
    let line = server.wait_for_log("TLS certificate SHA-256 fingerprint: ");
    line.rsplit_once(": ").unwrap().1.to_owned()
}

fn run(program: &str, args: &[String]) -> Output {
    Command::new(program).args(args).output().unwrap()
}

fn assert_ran(output: &Output, what: &str, server: &Server) {
    assert!(
        output.status.success(),
        "{what} failed:\n{}\n{}\nserver log:\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        server.log().join("\n")
    );
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn swaks_delivers_over_starttls() {
    if !installed("swaks") {
        skipped("swaks_delivers_over_starttls", "swaks is not installed");
        return;
    }
    let server = Server::start("tls_swaks_starttls", &[]);
    let mut args = strings(&["--server", &server.addr.to_string(), "--tls"]);
    args.extend(strings(&[
        "--from",
        "alice@example.com",
        "--to",
        "bob@example.com",
    ]));
    args.extend(strings(&["--auth", "PLAIN", "--auth-user", "alice"]));
    args.extend(strings(&["--auth-password", "wonderland"]));
    let output = run("swaks", &args);
    assert_ran(&output, "swaks --tls", &server);
    let transcript = String::from_utf8_lossy(&output.stdout);
    assert!(
        transcript.contains("=== TLS started with cipher "),
        "{transcript}"
    );
    let (_, message) = server.only_saved();
    assert!(message.contains(" with ESMTPSA id "), "{message}");
    server.wait_for_log("#1 TLS on: TLSv1_");
}

#[test]
fn swaks_and_curl_deliver_over_implicit_tls() {
    let server = Server::start("tls_implicit", &["--tls-listen", "127.0.0.1:0"]);
    let implicit = server.tls_addresses[0];
    server.wait_for_log(&format!("listening on {implicit} (implicit TLS)"));
    if installed("swaks") {
        let mut args = strings(&["--server", &implicit.to_string(), "--tlsc"]);
        args.extend(strings(&[
            "--from",
            "alice@example.com",
            "--to",
            "bob@example.com",
        ]));
        assert_ran(&run("swaks", &args), "swaks --tlsc", &server);
    } else {
        skipped("swaks_and_curl_deliver_over_implicit_tls", "no swaks");
    }
    if installed("curl") {
        let upload = scratch("tls_implicit_input").join("message.txt");
        std::fs::write(&upload, "Subject: curl over TLS\r\n\r\nHi.\r\n").unwrap();
        let mut args = strings(&["--silent", "--show-error", "--max-time", "20"]);
        args.extend(strings(&["--ssl-reqd", "--insecure"]));
        args.push(format!("smtps://127.0.0.1:{}", implicit.port()));
        args.extend(strings(&["--mail-from", "alice@example.com"]));
        args.extend(strings(&[
            "--mail-rcpt",
            "bob@example.com",
            "--upload-file",
        ]));
        args.push(upload.display().to_string());
        assert_ran(&run("curl", &args), "curl smtps://", &server);
    } else {
        skipped("swaks_and_curl_deliver_over_implicit_tls", "no curl");
    }
    let log = server.log().join("\n");
    for delivered in server.saved() {
        let message = std::fs::read_to_string(delivered).unwrap();
        assert!(message.contains(" with ESMTPS id "), "{message}\n{log}");
    }
    assert!(!log.contains("TLS handshake failed"), "{log}");
}

#[test]
fn smtplib_starttls_then_auth_and_smtp_ssl_send() {
    let server = Server::start(
        "tls_smtplib",
        &["--tls-listen", "127.0.0.1:0", "--require-tls-for-auth"],
    );
    let fingerprint = logged_fingerprint(&server);
    let starttls = python("starttls-auth", &server, server.addr.port());
    assert_eq!(starttls["starttls"], 220, "{starttls}");
    assert_eq!(starttls["tls_auth"][0], 235, "{starttls}");
    assert_eq!(starttls["refused"], serde_json::json!({}));
    assert_eq!(starttls["fingerprint"], fingerprint.as_str());
    let after = starttls["after_tls"].to_string();
    assert!(
        !after.contains("starttls") && after.contains("auth"),
        "{after}"
    );

    let implicit = python("ssl-send", &server, server.tls_addresses[0].port());
    assert_eq!(implicit["refused"], serde_json::json!({}));
    assert_eq!(implicit["fingerprint"], fingerprint.as_str());
    let features = implicit["esmtp_features"].to_string();
    assert!(
        !features.contains("starttls") && features.contains("auth"),
        "{features}"
    );
    server.wait_for_log("#1 authenticated as alice");
    server.wait_for_log("#2 connect from 127.0.0.1:");
    assert_eq!(server.saved().len(), 2, "{:?}", server.log());
}

#[test]
fn auth_is_refused_and_hidden_before_tls_when_required() {
    // The flag over the default profile, and the submission preset.
    for (name, args) in [
        ("tls_auth_required", ["--require-tls-for-auth"]),
        ("tls_auth_submission", ["--profile=submission"]),
    ] {
        let server = Server::start(name, &args);
        server.wait_for_log("AUTH only after STARTTLS");
        let result = python("starttls-auth", &server, server.addr.port());
        let before = result["before_tls"].to_string();
        assert!(
            before.contains("starttls") && !before.contains("auth"),
            "{name}: {before}"
        );
        assert_eq!(
            result["clear_auth"],
            serde_json::json!([530, "5.7.0 Must issue a STARTTLS command first"]),
            "{name}"
        );
        assert_eq!(result["tls_auth"][0], 235, "{name}: {result}");
        let (_, message) = server.only_saved();
        assert!(message.contains(" with ESMTPSA id "), "{name}: {message}");
    }
}

#[test]
fn commands_pipelined_behind_starttls_are_dropped() {
    let server = Server::start("tls_injection", &["--verbose"]);
    let result = python("injection", &server, server.addr.port());
    assert_eq!(
        result["ready"],
        serde_json::json!(["220 2.0.0 Ready to start TLS"])
    );
    let answers = &result["answers"];
    // The injected MAIL never ran: RCPT has no sender to go with.
    for rcpt in answers["RCPT TO:<bob@example.com>"].as_array().unwrap() {
        assert_eq!(rcpt[0], "503 5.5.1 Error: need MAIL command", "{result}");
    }
    let ehlo = answers["EHLO client.example"][0].to_string();
    assert!(!ehlo.contains("STARTTLS"), "{ehlo}");
    server.wait_for_log("#1 close: client said QUIT");
    let log = server.log().join("\n");
    assert!(!log.contains("injected@example.com"), "{log}");
    assert!(log.contains("#1 TLS on: "), "{log}");
}

/// A certificate and key made by openssl, in `dir`, with `name`.
fn openssl_pair(dir: &Path, name: &str) -> (PathBuf, PathBuf) {
    let cert = dir.join(format!("{name}.crt"));
    let key = dir.join(format!("{name}.key"));
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
        ])
        .args([
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=mail.example.com",
            "-keyout",
        ])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    (cert, key)
}

fn serve_with(cert: &Path, key: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_smtplab"))
        .args(["serve", "--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
        .output()
        .unwrap()
}

#[test]
fn certificate_files_are_used_or_refused_at_start() {
    if !installed("openssl") {
        skipped(
            "certificate_files_are_used_or_refused_at_start",
            "no openssl",
        );
        return;
    }
    let dir = scratch("tls_files");
    let (cert, key) = openssl_pair(&dir, "good");
    let (_, other_key) = openssl_pair(&dir, "other");
    let broken = dir.join("broken.crt");
    let text = std::fs::read_to_string(&cert).unwrap();
    std::fs::write(&broken, text.replace("END CERTIFICATE", "END")).unwrap();
    let missing = dir.join("missing.key");
    for (cert, key, wanted) in [
        (
            &broken,
            &key,
            "broken.crt: no certificate in it (a PEM block has no END line)",
        ),
        (&cert, &missing, "missing.key: cannot read the key file: "),
        (
            &cert,
            &other_key,
            "other.key: this private key does not belong to the certificate in ",
        ),
    ] {
        let output = serve_with(cert, key);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(wanted), "{stderr}");
        assert!(
            !stdout.contains("listening on"),
            "nothing listens: {stdout}"
        );
    }

    let good = cert.display().to_string();
    let good_key = key.display().to_string();
    let server = Server::start(
        "tls_files_good",
        &["--tls-cert", &good, "--tls-key", &good_key],
    );
    server.wait_for_log(&format!("TLS certificate: {good}"));
    let openssl = run(
        "openssl",
        &strings(&["x509", "-noout", "-fingerprint", "-sha256", "-in", &good]),
    );
    let expected = String::from_utf8_lossy(&openssl.stdout);
    let expected = expected.trim().rsplit_once('=').unwrap().1.to_owned();
    assert_eq!(logged_fingerprint(&server), expected);
    let result = python("starttls-auth", &server, server.addr.port());
    assert_eq!(result["fingerprint"], expected.as_str());
}

#[test]
fn network_hosts_offer_starttls_with_one_certificate() {
    if !installed("swaks") {
        skipped(
            "network_hosts_offer_starttls_with_one_certificate",
            "no swaks",
        );
        return;
    }
    let server = Server::start_network("tls_network", &["--network"], &["--require-tls-for-auth"]);
    let submission = server.door("smtp.isp.example:587").to_string();
    let mut args = strings(&["--server", &submission, "--tls"]);
    args.extend(strings(&["--auth", "PLAIN", "--auth-user", "you"]));
    args.extend(strings(&["--auth-password", "secret"]));
    args.extend(strings(&[
        "--from",
        "you@isp.example",
        "--to",
        "bob@example.org",
    ]));
    assert_ran(&run("swaks", &args), "swaks --tls to 587", &server);
    let message = server.only_saved_at("mx1.example.org");
    assert!(message.contains(" with ESMTPSA id "), "{message}");
    server.wait_for_log("#1 TLS on: ");
}

#[test]
fn clear_text_on_a_tls_port_fails_the_handshake_and_is_logged() {
    use std::io::{Read, Write};
    let server = Server::start("tls_clear_text", &["--tls-listen", "127.0.0.1:0"]);
    let mut stream = std::net::TcpStream::connect(server.tls_addresses[0]).unwrap();
    stream.set_read_timeout(Some(common::PATIENCE)).unwrap();
    stream.write_all(b"EHLO client.example\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    // A TLS alert record at most, never an SMTP reply.
    assert!(
        !answer.starts_with(b"220") && answer.len() < 16,
        "{answer:?}"
    );
    server.wait_for_log("#1 close: TLS handshake failed: ");
    // The server goes on serving.
    let result = python("ssl-send", &server, server.tls_addresses[0].port());
    assert_eq!(result["refused"], serde_json::json!({}));
}
