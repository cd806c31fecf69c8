//! Fuzz target: arbitrary bytes, split where the fuzzer says, fed to a
//! session under each preset; replies must stay well formed.

#![no_main]

use libfuzzer_sys::fuzz_target;
use smtplab_engine::limits::MAX_REPLY_LINE;
use smtplab_engine::{ClientInfo, Output, Session, Settings};

const PRESETS: [&str; 4] = ["default", "strict", "locked-down", "classic"];

fuzz_target!(|data: &[u8]| {
    let Some((&control, input)) = data.split_first() else {
        return;
    };
    let settings = Settings::preset(PRESETS[usize::from(control % 4)]).expect("preset");
    let mut session = Session::new(settings, ClientInfo::default(), u64::from(control), 0);
    let chunk = usize::from(control >> 2).max(1);
    for piece in input.chunks(chunk) {
        session.feed(piece, 0);
    }
    session.handle_timeout(u64::MAX);
    for output in session.drain_outputs() {
        if let Output::Reply(reply) = output {
            let wire = reply.to_wire();
            for line in wire.split_inclusive("\r\n") {
                assert!(line.len() <= MAX_REPLY_LINE);
                assert!(line.ends_with("\r\n"));
            }
        }
    }
});
