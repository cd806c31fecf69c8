//! Helpers shared by the engine's integration tests: run a script through a
//! session and collect what came out.

#![allow(dead_code)]

use smtplab_engine::{ClientInfo, Delivery, Event, Output, Session, Settings};

/// A fixed instant (2026-11-29 02:45:31 UTC) so dates are predictable.
pub const NOW: u64 = 1_795_920_331;

/// Everything a session produced for some input.
#[derive(Debug, Default, PartialEq)]
pub struct Run {
    /// Wire form of every reply, greeting included, in order.
    pub replies: Vec<String>,
    /// Every event.
    pub events: Vec<Event>,
    /// Whether Close was asked for.
    pub closed: bool,
    /// Whether StartTls was asked for.
    pub start_tls: usize,
}

impl Run {
    /// Reply lines without CRLF, greeting dropped.
    pub fn after_greeting(&self) -> Vec<String> {
        self.replies[1..]
            .iter()
            .map(|r| r.trim_end_matches("\r\n").to_owned())
            .collect()
    }

    /// Reply codes after the greeting.
    pub fn codes(&self) -> Vec<u16> {
        self.replies[1..]
            .iter()
            .map(|r| r[..3].parse().unwrap())
            .collect()
    }

    /// Messages delivered.
    pub fn deliveries(&self) -> Vec<&Delivery> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::Delivered(d) => Some(d.as_ref()),
                _ => None,
            })
            .collect()
    }
}

pub fn settings(profile: &str) -> Settings {
    Settings::preset(profile).expect("preset exists")
}

/// Feeds `chunks` one after another into a new session.
pub fn run_chunks(settings: Settings, chunks: &[&[u8]]) -> Run {
    let mut session = Session::new(settings, ClientInfo::default(), 42, NOW);
    let mut run = Run::default();
    collect(&mut session, &mut run);
    for chunk in chunks {
        session.feed(chunk, NOW);
        collect(&mut session, &mut run);
    }
    run
}

pub fn collect(session: &mut Session, run: &mut Run) {
    for output in session.drain_outputs() {
        match output {
            Output::Reply(reply) => run.replies.push(reply.to_wire()),
            Output::Event(event) => run.events.push(event),
            Output::Close => run.closed = true,
            Output::StartTls => run.start_tls += 1,
        }
    }
}

/// Runs a script given as lines (CRLF added to each) in one chunk.
pub fn run_lines(profile: &str, lines: &[&str]) -> Run {
    let input: String = lines.iter().map(|l| format!("{l}\r\n")).collect();
    run_chunks(settings(profile), &[input.as_bytes()])
}

/// Runs `input` whole, then split at every byte boundary, then a byte at a
/// time, and checks every run gives the same output.
pub fn run_every_split(settings: Settings, input: &[u8]) -> Run {
    let whole = run_chunks(settings.clone(), &[input]);
    for cut in 0..=input.len() {
        let split = run_chunks(settings.clone(), &[&input[..cut], &input[cut..]]);
        assert_eq!(split, whole, "split at byte {cut} changed the output");
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(
        run_chunks(settings, &bytes),
        whole,
        "byte-at-a-time changed the output"
    );
    whole
}
