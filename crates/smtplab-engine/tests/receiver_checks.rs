//! The receiver checks hook without smtplab-mailauth: a check that
//! refuses turns the learner's `250` into its reply and queues nothing; one
//! that quarantines files in Junk; headers land below the host's Received.

use std::sync::Arc;

use smtplab_engine::network::checks::{
    CheckDisposition, CheckOutcome, CheckRefusal, Incoming, ReceiverChecks,
};
use smtplab_engine::network::simulation::Simulation;
use smtplab_engine::network::{Network, SMTP_PORT};
use smtplab_engine::{EnhancedCode, Output};

const T0: u64 = 1_796_239_285;

/// Answers every message the same way, adding one header.
#[derive(Debug)]
struct Always(CheckDisposition);

impl ReceiverChecks for Always {
    fn check(&self, _network: &Network, incoming: &Incoming<'_>) -> CheckOutcome {
        CheckOutcome {
            headers_to_prepend: vec![format!("X-Checked: by {}", incoming.receiver)],
            body_footer: None,
            disposition: self.0.clone(),
        }
    }
}

fn send_to_mx(disposition: CheckDisposition) -> (Simulation, Vec<String>) {
    let mut sim = Simulation::new(Network::default(), T0, 1).expect("valid");
    sim.set_receiver_checks(Arc::new(Always(disposition)));
    let mut connection = sim.connect("mx1.example.org", SMTP_PORT).expect("up");
    let mut outputs = sim.take_outputs(&mut connection);
    for line in [
        "EHLO pc42.dsl.isp.example",
        "MAIL FROM:<you@isp.example>",
        "RCPT TO:<bob@example.org>",
        "DATA",
        "Subject: Hi\r\n\r\nHello.\r\n.",
    ] {
        outputs.extend(sim.feed(&mut connection, format!("{line}\r\n").as_bytes()));
    }
    let replies = outputs
        .into_iter()
        .filter_map(|o| match o {
            Output::Reply(reply) => Some(reply.to_wire().trim_end().to_owned()),
            _ => None,
        })
        .collect();
    (sim, replies)
}

#[test]
fn a_refusal_replaces_the_queued_reply_and_nothing_is_filed() {
    let refusal = CheckRefusal {
        code: 550,
        enhanced: EnhancedCode::parse("5.7.1"),
        text: "No thanks".into(),
    };
    let (sim, replies) = send_to_mx(CheckDisposition::Reject(refusal));
    assert_eq!(
        replies.last().map(String::as_str),
        Some("550 5.7.1 No thanks")
    );
    assert!(sim.mailbox("mx1.example.org", "bob").is_empty());
    assert!(sim.queue("mx1.example.org").is_none());
}

#[test]
fn quarantined_mail_goes_to_junk_with_the_header_below_received() {
    let (sim, replies) = send_to_mx(CheckDisposition::Quarantine);
    assert!(replies
        .last()
        .is_some_and(|r| r.starts_with("250 2.0.0 Ok: queued")));
    assert!(sim.mailbox("mx1.example.org", "bob").is_empty());
    let junk = sim.folder("mx1.example.org", "bob", "Junk");
    assert_eq!(junk.len(), 1);
    let names: Vec<String> = junk[0].headers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names[..4],
        ["Return-Path", "Received", "X-Checked", "Subject"]
    );
}

#[test]
fn accepted_mail_reaches_the_inbox_with_the_header() {
    let (sim, _) = send_to_mx(CheckDisposition::Accept);
    let inbox = sim.mailbox("mx1.example.org", "bob");
    assert_eq!(inbox.len(), 1);
    assert_eq!(
        inbox[0].header("X-Checked").as_deref(),
        Some("by mx1.example.org")
    );
}
