//! Fuzz target: arbitrary server bytes, split where the fuzzer says, fed
//! to the SMTP client side with every kind of action queued; it must end
//! with exactly one Close and never send without bound.

#![no_main]

use libfuzzer_sys::fuzz_target;
use smtplab_engine::client::{Action, Client, ClientOutput, Outgoing};

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else {
        return;
    };
    let mut client = Client::new("fuzz.example", 0);
    client.push(Action::Hello, 0);
    client.push(Action::Auth { user: "u".into(), password: "p".into() }, 0);
    let message = Outgoing::new("a@b.example", &["c@d.example", "e@f.example"], b"x\r\n.\r\n");
    client.push(Action::Send(Box::new(message)), 0);
    client.push(Action::Raw { bytes: b"NOOP\r\n".to_vec(), replies: 2 }, 0);
    client.push(Action::Quit, 0);
    let mut outputs = Vec::new();
    for piece in input.chunks(usize::from(control).max(1)) {
        client.feed(piece, 1);
        outputs.extend(client.drain_outputs());
    }
    client.connection_closed();
    outputs.extend(client.drain_outputs());
    assert_eq!(outputs.iter().filter(|o| **o == ClientOutput::Close).count(), 1);
    let sent: usize = outputs.iter().map(|o| match o { ClientOutput::Send(b) => b.len(), _ => 0 }).sum();
    assert!(sent < 4096);
});
