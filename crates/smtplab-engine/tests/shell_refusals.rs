//! What an I/O shell can tell the engine about its own limits: a message it
//! could not store (451), one it has no room to hold (452), and a deadline
//! of its own (421). The engine still words and shapes every reply.

use smtplab_engine::{ClientInfo, Event, Output, Session, Settings};

fn session(preset: &str) -> Session {
    Session::new(
        Settings::preset(preset).unwrap(),
        ClientInfo::default(),
        7,
        1_000,
    )
}

/// Every reply's wire form and whether a message was delivered, taking
/// outputs one by one and calling `on_delivery` right after a delivery.
fn take(session: &mut Session, mut on_delivery: impl FnMut(&mut Session)) -> (String, usize) {
    let mut wire = Vec::new();
    let mut delivered = 0;
    while let Some(output) = session.poll_output() {
        match output {
            Output::Reply(reply) => reply.write_wire(&mut wire),
            Output::Event(Event::Delivered(_)) => {
                delivered += 1;
                on_delivery(session);
            }
            _ => {}
        }
    }
    (String::from_utf8(wire).unwrap(), delivered)
}

const TRANSACTION: &[u8] = b"MAIL FROM:<a@example.com>\r\nRCPT TO:<bob@example.com>\r\n";

#[test]
fn a_refused_delivery_answers_451_in_the_profiles_shape() {
    for (preset, hello, expected) in [
        (
            "default",
            "EHLO c.example",
            "451 4.3.0 Error: queue file write error\r\n250 2.0.0 Ok\r\n",
        ),
        (
            "strict",
            "HELO c.example",
            "451 Error: queue file write error\r\n250 Ok\r\n",
        ),
    ] {
        let mut session = session(preset);
        session.feed(format!("{hello}\r\n").as_bytes(), 1_000);
        session.feed(TRANSACTION, 1_000);
        let _ = take(&mut session, |_| {});
        session.feed(b"DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nNOOP\r\n", 1_000);
        let (wire, delivered) = take(&mut session, |s| assert!(s.refuse_delivery()));
        assert_eq!(delivered, 1);
        // The 451 takes the 250's place; the NOOP after it is answered.
        assert!(wire.ends_with(expected), "{preset}: {wire}");
        // Nothing was queued for the session to refuse any more.
        assert!(!session.refuse_delivery());
    }
}

#[test]
fn content_the_shell_cannot_hold_is_drained_and_answered_452() {
    let mut session = session("default");
    session.feed(TRANSACTION, 1_000);
    session.feed(b"DATA\r\nSubject: big\r\n\r\nfirst half\r\n", 1_000);
    let _ = take(&mut session, |_| {});
    assert!(session.refuse_content());
    assert!(!session.refuse_content(), "already dropped");
    session.feed(b"second half\r\n.\r\nNOOP\r\n", 1_000);
    let (wire, delivered) = take(&mut session, |_| {});
    assert_eq!(delivered, 0);
    assert_eq!(
        wire,
        "452 4.3.1 Insufficient system storage\r\n250 2.0.0 Ok\r\n"
    );
    // Outside a message there is nothing to refuse.
    assert!(!session.refuse_content());
}

#[test]
fn bdat_chunks_the_shell_cannot_hold_end_the_transaction_with_452() {
    let mut session = session("default");
    session.feed(b"EHLO c.example\r\n", 1_000);
    session.feed(TRANSACTION, 1_000);
    session.feed(b"BDAT 10\r\n01234", 1_000);
    let _ = take(&mut session, |_| {});
    assert!(session.refuse_content());
    session.feed(b"56789BDAT 3 LAST\r\nabc", 1_000);
    let (wire, delivered) = take(&mut session, |_| {});
    assert_eq!(delivered, 0);
    assert_eq!(
        wire,
        "452 4.3.1 Insufficient system storage\r\n503 5.5.1 Error: need MAIL command\r\n"
    );
}

#[test]
fn a_shell_deadline_closes_like_the_idle_timeout() {
    let mut session = session("default");
    session.feed(b"NOO", 1_000);
    session.expire();
    let outputs: Vec<Output> = session.drain_outputs().collect();
    let wire: Vec<u8> = outputs
        .iter()
        .filter_map(|o| match o {
            Output::Reply(r) => Some(r.to_wire().into_bytes()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(String::from_utf8(wire)
        .unwrap()
        .ends_with("421 4.4.2 mail.example.com Error: timeout exceeded\r\n"));
    assert_eq!(outputs.last(), Some(&Output::Close));
    assert!(session.is_closed());
    session.expire();
    assert_eq!(session.poll_output(), None, "closed once");
}
