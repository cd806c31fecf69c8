//! The checks installed in the engine's network simulation: the
//! submission server signs, final delivery adds Authentication-Results
//! and Received-SPF, DMARC p=reject refuses at the end of DATA (and the
//! sender's queue bounces it), p=quarantine files in Junk, and a body
//! changed after signing fails DKIM visibly.

use std::sync::Arc;

use smtplab_engine::network::checks::{CheckOutcome, Incoming, ReceiverChecks};
use smtplab_engine::network::simulation::{Connection, Simulation};
use smtplab_engine::network::{Network, Record, SMTP_PORT, SUBMISSION_PORT};
use smtplab_engine::{Delivery, Output};
use smtplab_mailauth::dkim::{verify_all, DkimResult};
use smtplab_mailauth::MailAuthChecks;

const T0: u64 = 1_796_239_285;
/// `AUTH PLAIN` for you / secret.
const LEARNER_LOGIN: &str = "AUTH PLAIN AHlvdQBzZWNyZXQ=";

/// The default network with a DMARC policy for the provider, `policy`.
fn network(policy: &str) -> Network {
    let mut network = Network::default();
    let line = format!("_dmarc.isp.example. TXT \"v=DMARC1; p={policy}\"");
    let record: Record = line.parse().expect("a valid record");
    let zone = network.domains.iter_mut().find(|d| d.name == "isp.example");
    zone.expect("the provider's zone").records.push(record);
    network
}

fn simulation(network: Network, checks: Arc<dyn ReceiverChecks>) -> Simulation {
    let mut sim = Simulation::new(network, T0, 1).expect("a valid network");
    sim.set_receiver_checks(checks);
    sim
}

/// Types `lines` (CRLF added) into `connection`; every reply's wire text.
fn type_lines(sim: &mut Simulation, connection: &mut Connection, lines: &[&str]) -> Vec<String> {
    let mut outputs = sim.take_outputs(connection);
    for line in lines {
        outputs.extend(sim.feed(connection, format!("{line}\r\n").as_bytes()));
    }
    outputs
        .into_iter()
        .filter_map(|output| match output {
            Output::Reply(reply) => Some(reply.to_wire().trim_end().to_owned()),
            _ => None,
        })
        .collect()
}

/// One message, `from_header` as its From, to bob@example.org.
fn message(from_header: &str) -> String {
    format!(
        "From: {from_header}\r\nTo: Bob <bob@example.org>\r\nSubject: Lunch?\r\n\r\nAre you free at noon?\r\n."
    )
}

/// The learner submits on 587 after AUTH; the final reply.
fn submit(sim: &mut Simulation, from_header: &str) -> String {
    let mut connection = sim
        .connect("smtp.isp.example", SUBMISSION_PORT)
        .expect("the submission port answers");
    let content = message(from_header);
    let lines = [
        "EHLO pc42.dsl.isp.example",
        LEARNER_LOGIN,
        "MAIL FROM:<you@isp.example>",
        "RCPT TO:<bob@example.org>",
        "DATA",
        content.as_str(),
        "QUIT",
    ];
    final_reply(&type_lines(sim, &mut connection, &lines))
}

/// The learner talks straight to the MX on port 25.
fn send_to_mx(sim: &mut Simulation, mail_from: &str, from_header: &str) -> String {
    let mut connection = sim
        .connect("mx1.example.org", SMTP_PORT)
        .expect("the MX answers");
    let mail = format!("MAIL FROM:<{mail_from}>");
    let content = message(from_header);
    let lines = [
        "EHLO pc42.dsl.isp.example",
        mail.as_str(),
        "RCPT TO:<bob@example.org>",
        "DATA",
        content.as_str(),
        "QUIT",
    ];
    final_reply(&type_lines(sim, &mut connection, &lines))
}

fn final_reply(replies: &[String]) -> String {
    let mut after_data = replies.iter().skip_while(|r| !r.starts_with("354"));
    after_data.nth(1).cloned().unwrap_or_default()
}

fn only<'a>(messages: &[&'a Delivery], what: &str) -> &'a Delivery {
    assert_eq!(messages.len(), 1, "{what}");
    messages[0]
}

fn authentication_results(delivery: &Delivery) -> String {
    delivery
        .header("Authentication-Results")
        .expect("the receiver adds Authentication-Results")
}

#[test]
fn mail_submitted_on_587_is_signed_and_passes_spf_dkim_and_dmarc_at_the_mx() {
    let mut sim = simulation(network("reject"), Arc::new(MailAuthChecks));
    let reply = submit(&mut sim, "You <you@isp.example>");
    assert!(reply.starts_with("250 2.0.0 Ok: queued"), "{reply}");
    let delivered = only(&sim.mailbox("mx1.example.org", "bob"), "bob's inbox");
    let signature = delivered.header("DKIM-Signature").expect("signed on 587");
    assert!(signature.contains("d=isp.example"), "{signature}");
    let results = authentication_results(delivered);
    assert!(results.starts_with("mx1.example.org;"), "{results}");
    for expected in ["spf=pass", "dkim=pass", "dmarc=pass"] {
        assert!(results.contains(expected), "{expected} in {results}");
    }
    assert!(delivered.header("Received-SPF").is_some());
    let verifications = verify_all(sim.network(), &delivered.raw);
    assert_eq!(verifications.len(), 1);
    assert_eq!(verifications[0].result, DkimResult::Pass);
}

#[test]
fn a_forged_example_org_from_sent_to_the_mx_is_refused_per_dmarc_reject() {
    let mut sim = simulation(network("none"), Arc::new(MailAuthChecks));
    let reply = send_to_mx(&mut sim, "you@isp.example", "Boss <boss@example.org>");
    assert!(
        reply.starts_with("550 5.7.1 Email rejected per DMARC policy for example.org"),
        "{reply}"
    );
    assert!(sim.mailbox("mx1.example.org", "bob").is_empty());
    assert!(sim.queue("mx1.example.org").is_none(), "nothing was queued");
}

#[test]
fn a_forged_from_submitted_on_587_bounces_back_with_a_dsn() {
    let mut sim = simulation(network("none"), Arc::new(MailAuthChecks));
    let reply = submit(&mut sim, "Boss <boss@example.org>");
    assert!(reply.starts_with("250"), "the provider takes it: {reply}");
    assert!(sim.mailbox("mx1.example.org", "bob").is_empty());
    let bounce = only(&sim.mailbox("smtp.isp.example", "you"), "the bounce");
    assert!(
        bounce.message.contains("Status: 5.7.1")
            && bounce
                .message
                .contains("550 5.7.1 Email rejected per DMARC policy for example.org"),
        "{}",
        bounce.message
    );
}

#[test]
fn a_dmarc_quarantine_files_the_message_in_junk() {
    let mut sim = simulation(network("quarantine"), Arc::new(MailAuthChecks));
    let reply = send_to_mx(&mut sim, "someone@example.com", "You <you@isp.example>");
    assert!(
        reply.starts_with("250"),
        "quarantine still accepts: {reply}"
    );
    assert!(
        sim.mailbox("mx1.example.org", "bob").is_empty(),
        "not the inbox"
    );
    let junk = only(&sim.folder("mx1.example.org", "bob", "Junk"), "bob's Junk");
    assert_eq!(junk.folder.as_deref(), Some("Junk"));
    let results = authentication_results(junk);
    assert!(results.contains("dmarc=fail"), "{results}");
    assert!(results.contains("p=quarantine"), "{results}");
}

/// The provider's outgoing server signs, then a later filter appends a
/// disclaimer: the body no longer matches `bh=`.
#[derive(Debug)]
struct DisclaimerAfterSigning;

impl ReceiverChecks for DisclaimerAfterSigning {
    fn check(&self, network: &Network, incoming: &Incoming<'_>) -> CheckOutcome {
        let mut outcome = MailAuthChecks.check(network, incoming);
        if incoming.port == SUBMISSION_PORT {
            outcome.body_footer = Some("-- \r\nSent through Your Internet provider\r\n".into());
        }
        outcome
    }
}

#[test]
fn a_body_changed_after_signing_fails_dkim_with_a_body_hash_mismatch() {
    let mut sim = simulation(network("none"), Arc::new(DisclaimerAfterSigning));
    let reply = submit(&mut sim, "You <you@isp.example>");
    assert!(reply.starts_with("250"), "{reply}");
    let delivered = only(&sim.mailbox("mx1.example.org", "bob"), "bob's inbox");
    assert!(delivered.body().contains("Sent through"));
    let results = authentication_results(delivered);
    assert!(results.contains("dkim=fail"), "{results}");
    assert!(results.contains("body hash"), "{results}");
    assert!(
        results.contains("spf=pass") && results.contains("dmarc=pass"),
        "SPF still passes and aligns: {results}"
    );
}

#[test]
fn without_checks_nothing_is_added() {
    let mut sim = Simulation::new(network("reject"), T0, 1).expect("a valid network");
    submit(&mut sim, "You <you@isp.example>");
    let delivered = only(&sim.mailbox("mx1.example.org", "bob"), "bob's inbox");
    for name in ["DKIM-Signature", "Authentication-Results", "Received-SPF"] {
        assert!(delivered.header(name).is_none(), "{name}");
    }
}
