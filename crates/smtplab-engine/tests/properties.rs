//! Property tests: whatever bytes arrive, in whatever split, the session
//! never panics, answers with well-formed replies and never buffers
//! without bound.

mod common;

use common::*;
use proptest::prelude::*;
use smtplab_engine::limits::MAX_REPLY_LINE;
use smtplab_engine::{ClientInfo, Output, Session};

/// Bytes biased towards SMTP: real verbs, CR, LF, dots and colons mixed
/// with anything at all. STARTTLS is left out on request, because what it
/// discards depends on how the input was split (RFC 3207 section 4.2).
fn smtp_ish(with_starttls: bool) -> impl Strategy<Value = Vec<u8>> {
    let starttls: &[u8] = if with_starttls {
        b"STARTTLS\r\n"
    } else {
        b"NOOP\r\n"
    };
    let token = prop_oneof![
        Just(b"EHLO x\r\n".to_vec()),
        Just(b"HELO x\r\n".to_vec()),
        Just(b"MAIL FROM:<alice@example.com>\r\n".to_vec()),
        Just(b"MAIL FROM:<> SIZE=10\r\n".to_vec()),
        Just(b"RCPT TO:<bob@example.com>\r\n".to_vec()),
        Just(b"RCPT TO:<x@example.org>\r\n".to_vec()),
        Just(b"DATA\r\n".to_vec()),
        Just(b"BDAT 5\r\n".to_vec()),
        Just(b"BDAT 3 LAST\r\n".to_vec()),
        Just(b"AUTH PLAIN\r\n".to_vec()),
        Just(b"AUTH LOGIN\r\n".to_vec()),
        Just(starttls.to_vec()),
        Just(b"RSET\r\n".to_vec()),
        Just(b"VRFY alice\r\n".to_vec()),
        Just(b"EXPN team\r\n".to_vec()),
        Just(b"HELP\r\n".to_vec()),
        Just(b".\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n.\n".to_vec()),
        Just(b"\r".to_vec()),
        prop::collection::vec(any::<u8>(), 0..40),
    ];
    prop::collection::vec(token, 0..30).prop_map(|tokens| tokens.concat())
}

fn check_reply_wire(wire: &str) {
    let lines: Vec<&str> = wire.split_inclusive("\r\n").collect();
    assert!(!lines.is_empty());
    let code = &wire[..3];
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{wire:?}");
    let code_value: u16 = code.parse().unwrap();
    assert!((200..600).contains(&code_value), "{wire:?}");
    for (index, line) in lines.iter().enumerate() {
        assert!(line.ends_with("\r\n"), "{wire:?}");
        assert!(
            line.len() <= MAX_REPLY_LINE,
            "{} octets: {line:?}",
            line.len()
        );
        assert_eq!(&line[..3], code, "one code on every line: {wire:?}");
        let separator = if index + 1 == lines.len() { ' ' } else { '-' };
        assert_eq!(line.as_bytes()[3], separator as u8, "{wire:?}");
        assert!(!line[..line.len() - 2].contains(['\r', '\n']), "{wire:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_input_gives_well_formed_replies(input in smtp_ish(true), profile in prop::sample::select(vec!["default", "strict", "locked-down", "classic"])) {
        let run = run_chunks(settings(profile), &[&input]);
        for reply in &run.replies {
            check_reply_wire(reply);
        }
    }

    #[test]
    fn any_split_gives_the_same_output(input in smtp_ish(false), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        let whole = run_chunks(settings("default"), &[&input]);
        let mut positions: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
        positions.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut start = 0;
        for position in positions {
            chunks.push(&input[start..position]);
            start = position;
        }
        chunks.push(&input[start..]);
        prop_assert_eq!(run_chunks(settings("default"), &chunks), whole);
    }

    #[test]
    fn arbitrary_bytes_never_panic(input in prop::collection::vec(any::<u8>(), 0..2000)) {
        let mut session = Session::new(settings("strict"), ClientInfo::default(), 9, NOW);
        session.feed(&input, NOW);
        session.handle_timeout(NOW + 10_000);
        for output in session.drain_outputs() {
            if let Output::Reply(reply) = output {
                check_reply_wire(&reply.to_wire());
            }
        }
    }

    #[test]
    fn nothing_follows_close(input in smtp_ish(true), later in smtp_ish(true), profile in prop::sample::select(vec!["default", "strict", "locked-down", "classic"])) {
        let mut session = Session::new(settings(profile), ClientInfo::default(), 3, NOW);
        session.feed(&input, NOW);
        session.handle_timeout(NOW + 10);
        session.feed(&later, NOW + 20);
        session.shutdown();
        let outputs: Vec<Output> = session.drain_outputs().collect();
        let closes = outputs.iter().filter(|o| matches!(o, Output::Close)).count();
        prop_assert_eq!(closes, 1, "shutdown at the latest closes, exactly once");
        prop_assert_eq!(outputs.last(), Some(&Output::Close));
    }
}
