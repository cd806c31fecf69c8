//! The client against the engine's own server session, in process.

use super::*;
use crate::session::{Event, Output};
use crate::{ClientInfo, Delivery, Session, Settings};

const NOW: u64 = 1_795_920_331;
const CONTENT: &[u8] = b"Date: x\r\nMessage-ID: <1@x>\r\n\r\nHello\r\n.dot line\r\n";

fn session(settings: Settings) -> Session {
    Session::new(settings, ClientInfo::default(), 7, NOW)
}

fn preset(name: &str) -> Settings {
    Settings::preset(name).unwrap()
}

fn run(settings: Settings, actions: Vec<Action>) -> Exchange {
    let mut server = session(settings);
    let mut client = Client::new("client.example", NOW);
    for action in actions {
        client.push(action, NOW);
    }
    converse(&mut client, &mut server, NOW)
}

fn send(from: &str, to: &[&str], content: &[u8]) -> Action {
    Action::Send(Box::new(Outgoing::new(from, to, content)))
}

fn reports(exchange: &Exchange) -> Vec<MessageReport> {
    exchange
        .client_events
        .iter()
        .filter_map(|e| match e {
            ClientEvent::Message(report) => Some((**report).clone()),
            _ => None,
        })
        .collect()
}

fn deliveries(exchange: &Exchange) -> Vec<Delivery> {
    exchange
        .server_outputs
        .iter()
        .filter_map(|o| match o {
            Output::Event(Event::Delivered(d)) => Some((**d).clone()),
            _ => None,
        })
        .collect()
}

fn sent_text(exchange: &Exchange) -> Vec<String> {
    exchange
        .client_sent
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect()
}

fn without_trace(delivery: &Delivery) -> Vec<u8> {
    let trace: usize = delivery.trace_headers.iter().map(|h| h.len() + 2).sum();
    delivery.raw[trace..].to_vec()
}

#[test]
fn pipelines_mail_rcpt_data_in_one_group_and_delivers_the_exact_content() {
    let exchange = run(
        preset("default"),
        vec![
            Action::Hello,
            Action::Send(Box::new(Outgoing {
                transfer: Transfer::Data,
                ..Outgoing::new(
                    "alice@example.org",
                    &["bob@example.com", "carol@example.com"],
                    CONTENT,
                )
            })),
            Action::Quit,
        ],
    );
    let sent = sent_text(&exchange);
    assert_eq!(sent[0], "EHLO client.example\r\n");
    assert_eq!(
        sent[1],
        format!(
            "MAIL FROM:<alice@example.org> SIZE={}\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<carol@example.com>\r\nDATA\r\n",
            CONTENT.len()
        )
    );
    assert_eq!(
        sent[2],
        "Date: x\r\nMessage-ID: <1@x>\r\n\r\nHello\r\n..dot line\r\n.\r\n"
    );
    assert_eq!(sent[3], "QUIT\r\n");
    let delivered = deliveries(&exchange);
    assert_eq!(delivered.len(), 1);
    assert_eq!(without_trace(&delivered[0]), CONTENT);
    assert_eq!(
        reports(&exchange)[0].outcomes(),
        [Outcome::Accepted, Outcome::Accepted]
    );
    assert!(matches!(
        exchange.client_events.last(),
        Some(ClientEvent::Closed)
    ));
}

#[test]
fn without_pipelining_each_command_waits_for_its_reply() {
    let mut settings = preset("default");
    settings.profile.extensions.pipelining = false;
    settings.profile.extensions.chunking = false;
    let exchange = run(
        settings,
        vec![
            Action::Hello,
            send(
                "a@example.org",
                &["bob@example.com", "nobody@example.com"],
                CONTENT,
            ),
        ],
    );
    let sent = sent_text(&exchange);
    assert!(
        sent[1].starts_with("MAIL FROM:<a@example.org> SIZE="),
        "{sent:?}"
    );
    assert_eq!(
        &sent[2..5],
        [
            "RCPT TO:<bob@example.com>\r\n",
            "RCPT TO:<nobody@example.com>\r\n",
            "DATA\r\n"
        ]
    );
    let report = &reports(&exchange)[0];
    assert_eq!(report.outcomes(), [Outcome::Accepted, Outcome::Failed]);
    assert_eq!(report.recipients[1].as_ref().unwrap().code, 550);
}

#[test]
fn falls_back_to_helo_when_ehlo_is_unknown() {
    let exchange = run(
        preset("classic"),
        vec![
            Action::Hello,
            send("a@example.org", &["bob@example.com"], CONTENT),
        ],
    );
    let sent = sent_text(&exchange);
    assert_eq!(
        &sent[..3],
        [
            "EHLO client.example\r\n",
            "HELO client.example\r\n",
            "MAIL FROM:<a@example.org>\r\n"
        ]
    );
    let hello = exchange.client_events.iter().find_map(|e| match e {
        ClientEvent::Hello(c) => Some(c.clone()),
        _ => None,
    });
    assert!(!hello.unwrap().extended);
    assert_eq!(deliveries(&exchange).len(), 1);
}

#[test]
fn bdat_chunks_carry_the_content_untouched() {
    let content = b"Date: x\r\nMessage-ID: <1@x>\r\n\r\nbare\nlf and .\r\n.\r\nend";
    for pipelining in [true, false] {
        let mut settings = preset("strict");
        settings.profile.extensions.pipelining = pipelining;
        let exchange = run(
            settings,
            vec![
                Action::Hello,
                Action::Send(Box::new(Outgoing {
                    transfer: Transfer::Bdat { chunk_size: 7 },
                    ..Outgoing::new("a@example.org", &["bob@example.com"], content)
                })),
            ],
        );
        let delivered = deliveries(&exchange);
        assert_eq!(
            delivered.len(),
            1,
            "pipelining {pipelining}: {:?}",
            sent_text(&exchange)
        );
        assert_eq!(without_trace(&delivered[0]), content);
        let chunks = sent_text(&exchange)
            .iter()
            .filter(|s| s.starts_with("BDAT"))
            .count();
        let expected = if pipelining {
            0
        } else {
            content.len().div_ceil(7)
        };
        assert_eq!(
            chunks, expected,
            "pipelined chunks share one send with MAIL"
        );
        assert_eq!(reports(&exchange)[0].outcomes(), [Outcome::Accepted]);
    }
}

#[test]
fn outcomes_tell_deferred_from_failed() {
    let mut settings = preset("default");
    settings.profile.faults.greylist = true;
    settings.profile.faults.greylist_delay_secs = 60;
    let exchange = run(
        settings,
        vec![
            Action::Hello,
            send(
                "a@example.org",
                &["bob@example.com", "x@example.org"],
                CONTENT,
            ),
        ],
    );
    let report = &reports(&exchange)[0];
    assert_eq!(report.outcomes(), [Outcome::Deferred, Outcome::Failed]);
    assert!(deliveries(&exchange).is_empty());
}

#[test]
fn auth_plain_logs_in_and_allows_relay() {
    let exchange = run(
        preset("default"),
        vec![
            Action::Hello,
            Action::Auth {
                user: "alice".into(),
                password: "wonderland".into(),
            },
            send("alice@example.com", &["x@example.org"], CONTENT),
        ],
    );
    assert!(exchange.client_events.contains(&ClientEvent::Authenticated));
    assert_eq!(
        sent_text(&exchange)[1],
        "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=\r\n"
    );
    assert_eq!(reports(&exchange)[0].outcomes(), [Outcome::Accepted]);
    let refused = run(
        preset("default"),
        vec![
            Action::Hello,
            Action::Auth {
                user: "alice".into(),
                password: "nope".into(),
            },
        ],
    );
    assert!(refused
        .client_events
        .iter()
        .any(|e| matches!(e, ClientEvent::AuthRefused(r) if r.code == 535)));
    let unoffered = run(
        preset("classic"),
        vec![
            Action::Hello,
            Action::Auth {
                user: "a".into(),
                password: "b".into(),
            },
        ],
    );
    assert!(unoffered
        .client_events
        .contains(&ClientEvent::Error(ClientError::AuthUnavailable)));
    assert!(!sent_text(&unoffered).iter().any(|s| s.starts_with("AUTH")));
}

#[test]
fn a_421_closes_and_defers_the_message() {
    let mut settings = preset("default");
    settings
        .profile
        .faults
        .reject
        .push(crate::profile::RejectRule {
            verb: crate::Verb::Rcpt,
            code: 421,
            enhanced: None,
            text: "going down".into(),
            times: None,
        });
    let exchange = run(
        settings,
        vec![
            Action::Hello,
            send("a@example.org", &["bob@example.com"], CONTENT),
            Action::Quit,
        ],
    );
    let report = &reports(&exchange)[0];
    assert_eq!(report.outcomes(), [Outcome::Deferred]);
    assert_eq!(report.recipients[0].as_ref().unwrap().code, 421);
    assert!(!sent_text(&exchange).iter().any(|s| s == "QUIT\r\n"));
    assert!(matches!(
        exchange.client_events.last(),
        Some(ClientEvent::Closed)
    ));
}

#[test]
fn raw_bytes_go_out_unchanged_and_replies_come_back() {
    let exchange = run(
        preset("default"),
        vec![
            Action::Hello,
            Action::Raw {
                bytes: b"NOOP\r\nRSET\r\nXYZZY\r\n".to_vec(),
                replies: 3,
            },
        ],
    );
    let raw = exchange.client_events.iter().find_map(|e| match e {
        ClientEvent::Raw(replies) => Some(replies.iter().map(|r| r.code).collect::<Vec<_>>()),
        _ => None,
    });
    assert_eq!(raw, Some(vec![250, 250, 500]));
    assert_eq!(sent_text(&exchange)[1], "NOOP\r\nRSET\r\nXYZZY\r\n");
}

#[test]
fn messages_that_would_break_the_command_line_are_not_sent() {
    for (from, to) in [
        (
            "a@example.org>\r\nRCPT TO:<x@example.org",
            "bob@example.com",
        ),
        ("a@example.org", "bob@example.com> NOTIFY=NEVER"),
        ("a@example.org", ""),
    ] {
        let recipients: Vec<&str> = if to.is_empty() { vec![] } else { vec![to] };
        let exchange = run(
            preset("default"),
            vec![Action::Hello, send(from, &recipients, CONTENT)],
        );
        assert!(
            exchange
                .client_events
                .iter()
                .any(|e| matches!(e, ClientEvent::Error(ClientError::BadMessage(_)))),
            "{from:?} {to:?}"
        );
        assert_eq!(sent_text(&exchange).len(), 1, "only EHLO went out");
    }
}

#[test]
fn silence_times_out_by_rfc_5321_limits() {
    let mut client = Client::new("c", 100);
    assert_eq!(
        client.poll_timeout(),
        Some(100 + CLIENT_GREETING_TIMEOUT_SECS)
    );
    client.handle_timeout(399);
    assert!(!client.is_closed());
    client.handle_timeout(400);
    let outputs: Vec<_> = client.drain_outputs().collect();
    assert!(
        matches!(&outputs[0], ClientOutput::Event(ClientEvent::Error(ClientError::Timeout { waiting_for })) if waiting_for == "<greeting>")
    );
    assert_eq!(outputs.last(), Some(&ClientOutput::Close));
    let mut client = Client::new("c", 0);
    client.push(send("a@b.example", &["c@d.example"], b"x"), 0);
    client.feed(b"220 hi\r\n", 0);
    client.drain_outputs().for_each(drop);
    assert_eq!(client.poll_timeout(), Some(CLIENT_COMMAND_TIMEOUT_SECS));
    client.feed(b"250 ok\r\n250 ok\r\n", 10);
    assert_eq!(
        client.poll_timeout(),
        Some(10 + CLIENT_DATA_START_TIMEOUT_SECS)
    );
    client.feed(b"354 go\r\n", 20);
    assert_eq!(
        client.poll_timeout(),
        Some(20 + CLIENT_DATA_END_TIMEOUT_SECS)
    );
}

#[test]
fn refused_greeting_and_broken_replies_end_the_session() {
    let mut client = Client::new("c", 0);
    client.push(Action::Hello, 0);
    client.feed(b"554 go away\r\n", 0);
    let sent: Vec<_> = client
        .drain_outputs()
        .filter_map(|o| match o {
            ClientOutput::Send(b) => Some(b),
            _ => None,
        })
        .collect();
    assert_eq!(sent, [b"QUIT\r\n".to_vec()]);
    let mut client = Client::new("c", 0);
    client.feed(b"HTTP/1.1 400 Bad Request\r\n", 0);
    let outputs: Vec<_> = client.drain_outputs().collect();
    assert!(matches!(
        &outputs[0],
        ClientOutput::Event(ClientEvent::Error(ClientError::BadReply(_)))
    ));
    assert_eq!(outputs.last(), Some(&ClientOutput::Close));
    assert!(client.is_closed());
    client.feed(b"220 late\r\n", 0);
    assert_eq!(client.poll_output(), None);
}

#[test]
fn lost_connection_defers_the_transaction() {
    let mut client = Client::new("c", 0);
    client.push(send("a@b.example", &["c@d.example"], b"x"), 0);
    client.feed(b"220 hi\r\n250 ok\r\n", 0);
    client.connection_closed();
    let events: Vec<_> = client
        .drain_outputs()
        .filter_map(|o| match o {
            ClientOutput::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert!(events.contains(&ClientEvent::Error(ClientError::ConnectionLost)));
    let report = events.iter().find_map(|e| match e {
        ClientEvent::Message(r) => Some(r.clone()),
        _ => None,
    });
    assert_eq!(report.unwrap().outcomes(), [Outcome::Deferred]);
}
