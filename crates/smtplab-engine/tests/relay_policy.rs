//! What a network host accepts, by port: a backup MX takes its relay
//! domains from anyone, a host refuses mail for domains it neither
//! delivers nor relays (Postfix's `554 5.7.1 ... Relay access denied`), a
//! submission server wants AUTH before MAIL (RFC 6409); and what the
//! session keeps for the relay (RCPT parameters, content without
//! Return-Path).

mod common;

use common::*;
use smtplab_engine::network::{Network, SMTP_PORT, SUBMISSION_PORT};
use smtplab_engine::{RelayPolicy, Settings};

/// `AUTH PLAIN` for you / secret, the learner's account at the provider.
const LEARNER_LOGIN: &str = "AUTH PLAIN AHlvdQBzZWNyZXQ=";

fn host_settings(host: &str, port: u16) -> Settings {
    let network = Network::default();
    network
        .host(host)
        .expect("a default host")
        .settings_on(port)
}

fn run(settings: Settings, lines: &[&str]) -> Run {
    let input: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
    run_chunks(settings, &[input.as_bytes()])
}

#[test]
fn a_backup_mx_takes_its_relay_domains_from_anyone_and_denies_the_rest() {
    let run = run(
        host_settings("mx2.example.org", SMTP_PORT),
        &[
            "EHLO mx.sender.example",
            "MAIL FROM:<someone@sender.example>",
            "RCPT TO:<bob@example.org>",
            "RCPT TO:<friend@example.net>",
            "RCPT TO:<admin@mx2.example.org>",
            "DATA",
            "Subject: via the backup",
            "",
            "Hello.",
            ".",
        ],
    );
    let replies = run.after_greeting();
    assert_eq!(replies[2], "250 2.1.5 Ok", "a relay domain: accepted");
    assert_eq!(
        replies[3], "554 5.7.1 <friend@example.net>: Relay access denied",
        "neither final nor relayed here"
    );
    assert_eq!(replies[4], "250 2.1.5 Ok", "its own domain");
    let delivery = run.deliveries()[0].clone();
    assert_eq!(delivery.relayed_to, ["bob@example.org"], "queued onward");
    assert_eq!(delivery.mailboxes, ["admin"], "delivered here");
}

#[test]
fn port_25_denies_relaying_to_strangers_but_not_after_auth() {
    let denied = run(
        host_settings("smtp.isp.example", SMTP_PORT),
        &[
            "EHLO pc42.dsl.isp.example",
            "MAIL FROM:<you@isp.example>",
            "RCPT TO:<bob@example.org>",
            "RCPT TO:<abuse@isp.example>",
        ],
    );
    assert_eq!(
        denied.after_greeting()[1..],
        [
            "250 2.1.0 Ok",
            "554 5.7.1 <bob@example.org>: Relay access denied",
            "250 2.1.5 Ok",
        ]
    );
    let after_auth = run(
        host_settings("smtp.isp.example", SMTP_PORT),
        &[
            "EHLO pc42.dsl.isp.example",
            LEARNER_LOGIN,
            "MAIL FROM:<you@isp.example>",
            "RCPT TO:<bob@example.org>",
        ],
    );
    assert_eq!(after_auth.codes()[1..], [235, 250, 250]);
}

#[test]
fn submission_wants_auth_before_mail_then_takes_any_domain() {
    let run = run(
        host_settings("smtp.isp.example", SUBMISSION_PORT),
        &[
            "EHLO pc42.dsl.isp.example",
            "MAIL FROM:<you@isp.example>",
            "RCPT TO:<bob@example.org>",
            LEARNER_LOGIN,
            "MAIL FROM:<you@isp.example>",
            "RCPT TO:<bob@example.org>",
            "RCPT TO:<someone@anywhere.example>",
        ],
    );
    let replies = run.after_greeting();
    assert_eq!(replies[1], "530 5.7.0 Authentication required");
    assert_eq!(replies[2], "503 5.5.1 Error: need MAIL command");
    assert_eq!(
        replies[3..],
        [
            "235 2.7.0 Authentication successful",
            "250 2.1.0 Ok",
            "250 2.1.5 Ok",
            "250 2.1.5 Ok"
        ]
    );
}

#[test]
fn the_sandbox_keeps_its_policy_by_default() {
    assert_eq!(Settings::default().relay, RelayPolicy::default());
    let run = run_lines(
        "default",
        &[
            "EHLO c",
            "MAIL FROM:<a@example.net>",
            "RCPT TO:<x@example.org>",
        ],
    );
    assert_eq!(
        run.after_greeting()[2],
        "554 5.7.1 <x@example.org>: Relay access denied"
    );
}

#[test]
fn rcpt_parameters_are_kept_per_recipient() {
    let run = run_lines(
        "default",
        &[
            "EHLO c",
            "MAIL FROM:<a@example.net> RET=HDRS ENVID=abc",
            "RCPT TO:<alice@example.com> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Alice@example.com",
            "RCPT TO:<bob@example.com>",
            "DATA",
            "Subject: x",
            "",
            "y",
            ".",
        ],
    );
    let delivery = run.deliveries()[0].clone();
    assert_eq!(
        delivery.envelope.rcpt_parameters,
        [
            vec![
                "NOTIFY=SUCCESS,FAILURE".to_owned(),
                "ORCPT=rfc822;Alice@example.com".to_owned()
            ],
            Vec::new()
        ]
    );
    let recipients: Vec<(&str, usize)> = delivery
        .recipients()
        .map(|(address, parameters)| (address, parameters.len()))
        .collect();
    assert_eq!(
        recipients,
        [("alice@example.com", 2), ("bob@example.com", 0)]
    );
}

#[test]
fn the_relayed_copy_has_no_return_path() {
    let run = run(
        host_settings("mx2.example.org", SMTP_PORT),
        &[
            "EHLO mx.sender.example",
            "MAIL FROM:<someone@sender.example>",
            "RCPT TO:<bob@example.org>",
            "DATA",
            "Subject: x",
            "",
            "y",
            ".",
        ],
    );
    let delivery = run.deliveries()[0].clone();
    assert!(delivery
        .message
        .starts_with("Return-Path: <someone@sender.example>\r\nReceived: "));
    let relayed = String::from_utf8(delivery.relayed_content()).unwrap();
    assert!(
        relayed.starts_with("Received: from mx.sender.example"),
        "{relayed}"
    );
    assert!(!relayed.contains("Return-Path"), "{relayed}");
    assert_eq!(
        relayed.len() + "Return-Path: <someone@sender.example>\r\n".len(),
        delivery.raw.len(),
        "only the Return-Path line is gone"
    );
}
