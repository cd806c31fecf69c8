//! Property tests of the SMTP client side: whatever a server sends, in any
//! split, it never panics and ends cleanly; and any message it sends to the
//! engine's own server arrives with exactly the intended octets.

use proptest::prelude::*;
use smtplab_engine::client::{
    converse, Action, Client, ClientEvent, ClientOutput, Outcome, Outgoing, Transfer,
};
use smtplab_engine::session::{Event, Output};
use smtplab_engine::{ClientInfo, Session, Settings};

/// Server bytes biased towards replies, with junk mixed in.
fn server_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"220 mx ESMTP\r\n".to_vec()),
        Just(b"250-mx\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 SIZE 100\r\n".to_vec()),
        Just(b"250 2.1.0 Ok\r\n".to_vec()),
        Just(b"354 go\r\n".to_vec()),
        Just(b"421 bye\r\n".to_vec()),
        Just(b"550 no\n".to_vec()),
        Just(b"334 \r\n".to_vec()),
        Just(b"250-".to_vec()),
        prop::collection::vec(any::<u8>(), 0..30),
    ];
    prop::collection::vec(token, 0..20).prop_map(|t| t.concat())
}

proptest! {
    #[test]
    fn any_server_bytes_in_any_split_end_cleanly(bytes in server_bytes(), split in 1usize..17) {
        let mut client = Client::new("c.example", 0);
        client.push(Action::Hello, 0);
        client.push(Action::Auth { user: "u".into(), password: "p".into() }, 0);
        client.push(Action::Send(Box::new(Outgoing::new("a@b.example", &["c@d.example", "e@f.example"], b"x\r\n.\r\n"))), 0);
        client.push(Action::Raw { bytes: b"NOOP\r\n".to_vec(), replies: 2 }, 0);
        client.push(Action::Quit, 0);
        let mut outputs = Vec::new();
        for piece in bytes.chunks(split) {
            client.feed(piece, 1);
            outputs.extend(client.drain_outputs());
        }
        client.connection_closed();
        client.handle_timeout(u64::MAX);
        outputs.extend(client.drain_outputs());
        let closes = outputs.iter().filter(|o| **o == ClientOutput::Close).count();
        prop_assert_eq!(closes, 1);
        prop_assert_eq!(outputs.last(), Some(&ClientOutput::Close));
        prop_assert!(client.is_closed());
        let sent: usize = outputs.iter().map(|o| match o { ClientOutput::Send(b) => b.len(), _ => 0 }).sum();
        prop_assert!(sent < 4096, "sent {} octets", sent);
    }

    #[test]
    fn messages_arrive_with_the_intended_octets(
        body in prop::collection::vec(prop::sample::select(&b"a.\r\n\x80 "[..]), 0..200),
        profile in prop::sample::select(&["default", "strict", "locked-down", "classic"][..]),
        pipelining in any::<bool>(),
        transfer in prop_oneof![Just(Transfer::Auto), Just(Transfer::Data), (1usize..50).prop_map(|chunk_size| Transfer::Bdat { chunk_size })],
    ) {
        let mut settings = Settings::preset(profile).unwrap();
        settings.profile.extensions.pipelining &= pipelining;
        let mut content = b"Date: x\r\nMessage-ID: <1@x>\r\n\r\n".to_vec();
        content.extend_from_slice(&body);
        let chunked = settings.profile.extensions.chunking && transfer != Transfer::Data;
        let mut server = Session::new(settings, ClientInfo::default(), 1, 0);
        let mut client = Client::new("c.example", 0);
        client.push(Action::Hello, 0);
        client.push(Action::Send(Box::new(Outgoing { transfer, ..Outgoing::new("a@example.org", &["bob@example.com"], &content) })), 0);
        client.push(Action::Quit, 0);
        let exchange = converse(&mut client, &mut server, 0);
        let delivered: Vec<_> = exchange.server_outputs.iter().filter_map(|o| match o {
            Output::Event(Event::Delivered(d)) => Some(d.clone()),
            _ => None,
        }).collect();
        prop_assert_eq!(delivered.len(), 1, "{:?}", exchange.client_events);
        let trace: usize = delivered[0].trace_headers.iter().map(|h| h.len() + 2).sum();
        let expected = if chunked { content.clone() } else { normalised(&content) };
        prop_assert_eq!(&delivered[0].raw[trace..], &expected[..]);
        let outcomes: Vec<_> = exchange.client_events.iter().filter_map(|e| match e {
            ClientEvent::Message(report) => Some(report.outcomes()),
            _ => None,
        }).collect();
        prop_assert_eq!(outcomes, vec![vec![Outcome::Accepted]]);
        prop_assert!(client.is_closed());
    }
}

/// What DATA delivers: every bare CR or LF made CRLF, a final CRLF added.
fn normalised(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut index = 0;
    while index < content.len() {
        match content[index] {
            b'\r' | b'\n' => {
                if content[index] == b'\r' && content.get(index + 1) == Some(&b'\n') {
                    index += 1;
                }
                out.extend_from_slice(b"\r\n");
            }
            byte => out.push(byte),
        }
        index += 1;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}
