//! The `session_feed` fuzz target's input format and the checks it makes,
//! in a crate of their own so the native corpus replay (`coverage`) runs
//! exactly what the fuzzer runs.
//!
//! # Input format
//!
//! * Byte 0 picks the preset (bits 0-1: default, strict, locked-down,
//!   classic) and switches on settings that reach more replies: bit 2
//!   greylisting, bit 3 one staged rejection, bit 4 small limits (2
//!   recipients, 64-octet messages, 3 errors), bit 5 a drop after a few
//!   commands, bit 6 an I/O shell that fails to store every delivery
//!   (`refuse_delivery`), bit 7 a network host's relay policy (example.org
//!   relayed as a backup MX, AUTH before MAIL as on a submission port).
//! * Byte 1 seeds the queue ids and tunes those settings (the greylist
//!   delay, the staged rejection's verb, code and count, the drop point;
//!   with bit 7 of byte 0, its own bit 7 also asks for TLS before AUTH).
//! * The rest is what the client sends, with `0xFF op` control pairs:
//!   `op` below `0x80` advances the clock by `op * 5` seconds and tells the
//!   session (`handle_timeout`); `0xFE` shuts the server down; `0xFD` is
//!   the shell running out of room for the message in flight
//!   (`refuse_content`); `0xFC` is a deadline of the shell's own (`expire`);
//!   any other `op` only splits the input into another `feed` call.
//!
//! Seed files in `fuzz/seeds/session_feed/` start with the two header bytes
//! and are otherwise readable SMTP.

use std::collections::BTreeSet;

use smtplab_engine::catalogue::COMMANDS;
use smtplab_engine::limits::MAX_REPLY_LINE;
use smtplab_engine::profile::RejectRule;
use smtplab_engine::{ClientInfo, Event, Output, Phase, RelayPolicy, ReplyKey, Session, Settings};

/// The presets byte 0 chooses from.
pub const PRESETS: [&str; 4] = ["default", "strict", "locked-down", "classic"];

/// Marks a control pair in the client bytes.
pub const CONTROL: u8 = 0xFF;

/// The control op that shuts the server down.
pub const SHUTDOWN: u8 = 0xFE;

/// The control op for a shell out of room for the message in flight.
pub const REFUSE_CONTENT: u8 = 0xFD;

/// The control op for a deadline of the shell's own.
pub const EXPIRE: u8 = 0xFC;

/// Byte 0's bit for a shell that fails to store every delivery.
pub const REFUSE_DELIVERIES: u8 = 0x40;

/// Byte 0's bit for a network host's relay policy.
pub const RELAY_POLICY: u8 = 0x80;

/// Byte 1's bit, with [`RELAY_POLICY`], for a submission port that wants
/// TLS before AUTH.
pub const TLS_BEFORE_AUTH: u8 = 0x80;

/// Seconds each step of a clock op advances.
pub const CLOCK_STEP_SECS: u64 = 5;

/// Replies only the TCP server sends (a session never does).
pub const SERVER_ONLY: &[ReplyKey] = &[ReplyKey::TooManySessions];

/// The instant every run starts at.
const START: u64 = 1_795_920_331;

/// What one run reached.
#[derive(Debug, Default)]
pub struct Reached {
    /// Every kind of reply the session sent.
    pub reply_keys: BTreeSet<ReplyKey>,
}

/// One step of the client's side.
#[derive(Debug, PartialEq, Eq)]
enum Step<'a> {
    Feed(&'a [u8]),
    Advance(u64),
    Shutdown,
    RefuseContent,
    Expire,
}

/// The settings bytes 0 and 1 describe.
pub fn settings(header: u8, knob: u8) -> Settings {
    let mut settings = Settings::preset(PRESETS[usize::from(header & 3)]).expect("preset exists");
    let profile = &mut settings.profile;
    if header & 4 != 0 {
        profile.faults.greylist = true;
        profile.faults.greylist_delay_secs = u64::from(knob % 4) * 60;
    }
    if header & 8 != 0 {
        profile.faults.reject.push(RejectRule {
            verb: COMMANDS[usize::from(knob) % COMMANDS.len()].verb,
            code: [421, 451, 550, 554][usize::from(knob >> 4) % 4],
            enhanced: None,
            text: "Error: staged by the fuzzer".into(),
            times: Some(u32::from(knob >> 6) + 1),
        });
    }
    if header & 16 != 0 {
        profile.max_recipients = 2;
        profile.message_size_limit = 64;
        profile.error_limit = 3;
    }
    if header & 32 != 0 {
        profile.faults.disconnect_after = Some(u32::from(knob % 8) + 1);
    }
    if header & RELAY_POLICY != 0 {
        settings.relay = RelayPolicy {
            relay_domains: vec!["example.org".into()],
            submission: true,
        };
        settings.profile.require_tls_for_auth = knob & TLS_BEFORE_AUTH != 0;
    }
    settings
}

fn steps(input: &[u8]) -> Vec<Step<'_>> {
    let mut steps = Vec::new();
    let mut rest = input;
    while let Some(at) = rest.iter().position(|&b| b == CONTROL) {
        steps.push(Step::Feed(&rest[..at]));
        match rest.get(at + 1) {
            Some(&op) if op < 0x80 => steps.push(Step::Advance(u64::from(op) * CLOCK_STEP_SECS)),
            Some(&SHUTDOWN) => steps.push(Step::Shutdown),
            Some(&REFUSE_CONTENT) => steps.push(Step::RefuseContent),
            Some(&EXPIRE) => steps.push(Step::Expire),
            _ => {}
        }
        rest = rest.get(at + 2..).unwrap_or(&[]);
    }
    steps.push(Step::Feed(rest));
    steps
}

/// Runs one fuzz input, panicking if the session breaks a rule: a reply
/// that is not well formed, anything after `Close`, a second close, or
/// phase events that do not chain.
pub fn run(data: &[u8]) -> Reached {
    let (header, knob, input) = match data {
        [header, knob, input @ ..] => (*header, *knob, input),
        _ => return Reached::default(),
    };
    let mut session = Session::new(
        settings(header, knob),
        ClientInfo::default(),
        u64::from(knob),
        START,
    );
    let mut checker = Checker {
        refuse_deliveries: header & REFUSE_DELIVERIES != 0,
        ..Checker::default()
    };
    let mut now = START;
    checker.take(&mut session);
    for step in steps(input) {
        match step {
            Step::Feed(bytes) => session.feed(bytes, now),
            Step::Advance(secs) => {
                now += secs;
                session.handle_timeout(now);
            }
            Step::Shutdown => session.shutdown(),
            Step::RefuseContent => {
                session.refuse_content();
            }
            Step::Expire => session.expire(),
        }
        checker.take(&mut session);
    }
    checker.finish(&mut session, now);
    checker.reached
}

/// Follows the outputs of one session.
#[derive(Debug)]
struct Checker {
    reached: Reached,
    phase: Phase,
    closed: bool,
    refuse_deliveries: bool,
}

impl Default for Checker {
    fn default() -> Self {
        Self {
            reached: Reached::default(),
            phase: Phase::Connected,
            closed: false,
            refuse_deliveries: false,
        }
    }
}

impl Checker {
    fn take(&mut self, session: &mut Session) {
        while let Some(output) = session.poll_output() {
            assert!(!self.closed, "{output:?} came after Close");
            match output {
                Output::Reply(reply) => {
                    check_wire(&reply.to_wire());
                    self.reached.reply_keys.insert(reply.key);
                }
                Output::Event(Event::StateChanged { from, to }) => {
                    assert_eq!(from, self.phase, "phase events must chain");
                    self.phase = to;
                }
                Output::Event(Event::Delivered(_)) if self.refuse_deliveries => {
                    assert!(
                        session.refuse_delivery(),
                        "a delivery is followed by its 250"
                    );
                }
                Output::Close => self.closed = true,
                Output::Event(_) | Output::StartTls => {}
            }
        }
        assert_eq!(
            session.phase(),
            self.phase,
            "the last phase event is the phase"
        );
        assert_eq!(
            session.is_closed(),
            self.closed,
            "Close is queued exactly when closed"
        );
    }

    /// After a shutdown every session is closed, and says nothing more.
    fn finish(&mut self, session: &mut Session, now: u64) {
        session.shutdown();
        self.take(session);
        assert!(self.closed);
        assert_eq!(session.poll_timeout(), None);
        session.feed(b"NOOP\r\n", now);
        session.handle_timeout(u64::MAX);
        session.shutdown();
        assert_eq!(session.poll_output(), None, "a closed session spoke");
    }
}

/// A reply on the wire: one code on every line, `-` between lines and a
/// space on the last, CRLF only at line ends, 512 octets at most a line.
fn check_wire(wire: &str) {
    let code = &wire[..3];
    let value: u16 = code.parse().expect("three digits");
    assert!((200..600).contains(&value), "{wire:?}");
    let lines: Vec<&str> = wire.split_inclusive("\r\n").collect();
    for (index, line) in lines.iter().enumerate() {
        assert!(line.ends_with("\r\n"), "{wire:?}");
        assert!(
            line.len() <= MAX_REPLY_LINE,
            "{} octets: {line:?}",
            line.len()
        );
        assert_eq!(&line[..3], code, "{wire:?}");
        let separator = if index + 1 == lines.len() { b' ' } else { b'-' };
        assert_eq!(line.as_bytes()[3], separator, "{wire:?}");
        assert!(!line[..line.len() - 2].contains(['\r', '\n']), "{wire:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_reach_every_reply_a_session_can_send() {
        let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds/session_feed");
        let mut reached = BTreeSet::new();
        for entry in std::fs::read_dir(&seeds).unwrap() {
            let data = std::fs::read(entry.unwrap().path()).unwrap();
            reached.extend(run(&data).reply_keys);
        }
        let missing: Vec<ReplyKey> = smtplab_engine::catalogue::REPLIES
            .iter()
            .map(|info| info.key)
            .filter(|key| !reached.contains(key) && !SERVER_ONLY.contains(key))
            .collect();
        assert!(
            missing.is_empty(),
            "no seed in fuzz/seeds/session_feed reaches {missing:?}: add one"
        );
    }

    #[test]
    fn control_pairs_split_advance_and_shut_down() {
        assert_eq!(
            steps(b"NOOP\xff\x3cQUIT\xff\xfe\xff\x90x\xff\xfd\xff\xfc\xff"),
            [
                Step::Feed(b"NOOP"),
                Step::Advance(300),
                Step::Feed(b"QUIT"),
                Step::Shutdown,
                Step::Feed(b""),
                Step::Feed(b"x"),
                Step::RefuseContent,
                Step::Feed(b""),
                Step::Expire,
                Step::Feed(b""),
                Step::Feed(b""),
            ]
        );
    }

    #[test]
    fn a_clock_advance_times_the_session_out() {
        let reached = run(b"\x00\x00NOOP\r\n\xff\x3c");
        assert!(reached.reply_keys.contains(&ReplyKey::IdleTimeout));
        let reached = run(b"\x00\x00NOOP\r\n\xff\x3b");
        assert!(!reached.reply_keys.contains(&ReplyKey::IdleTimeout));
        assert!(reached.reply_keys.contains(&ReplyKey::ShuttingDown));
    }
}
