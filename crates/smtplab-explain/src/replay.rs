//! Replays the client's side of an explained transcript against the
//! simulated server, so the real server's answers can be set beside the
//! ones a server following the RFCs (in a chosen profile) gives.

use smtplab_engine::client::escape_bytes;
use smtplab_engine::{ClientInfo, Output, Session, Settings};

use crate::format::Side;
use crate::{ExplainedLine, Kind};

/// What a step shows for the simulated server once it has closed the
/// connection (the page shows it translated).
pub const SERVER_CLOSED: &str = "(the simulated server has closed the connection)";

/// One client line sent again, with both servers' answers.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReplayStep {
    /// The transcript line it came from (`None` for the greeting).
    pub line: Option<usize>,
    /// What was sent, controls escaped (empty for the greeting).
    pub sent: String,
    /// The reply lines the transcript shows for it (without any marker).
    pub recorded: Vec<String>,
    /// The reply lines the simulated server gives.
    pub simulated: Vec<String>,
}

/// What a replay sends and what the transcript recorded for it, taken
/// out of the explained lines (so a page that explains in one module can
/// replay in another): the greeting first (`line: None`, nothing sent),
/// then each client line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayInput {
    /// The transcript line it came from (`None` for the greeting).
    pub line: Option<usize>,
    /// The octets to send, without their line end.
    pub sent: Vec<u8>,
    /// The reply lines the transcript shows for it (without any marker).
    pub recorded: Vec<String>,
}

/// Feeds every client line (commands, content, AUTH data) to a fresh
/// session with `settings`, each ended with CRLF as SMTP sends it.
pub fn replay(lines: &[ExplainedLine], settings: Settings, now: u64) -> Vec<ReplayStep> {
    replay_inputs_against(&replay_inputs(lines), settings, now)
}

/// The greeting and every client line (commands, content, AUTH data) of
/// an explained transcript, each with the replies recorded for it.
pub fn replay_inputs(lines: &[ExplainedLine]) -> Vec<ReplayInput> {
    let greeting = lines
        .iter()
        .take_while(|l| l.side != Some(Side::Client))
        .filter(|l| l.kind == Kind::Reply && l.answers.is_none())
        .map(|l| escape_bytes(&l.smtp))
        .collect();
    let mut inputs = vec![ReplayInput {
        line: None,
        sent: Vec::new(),
        recorded: greeting,
    }];
    let client_lines = lines.iter().filter(|l| {
        l.side == Some(Side::Client)
            && matches!(l.kind, Kind::Command | Kind::Content | Kind::AuthData)
    });
    for line in client_lines {
        let recorded = lines
            .iter()
            .filter(|r| r.kind == Kind::Reply && r.answers == Some(line.number))
            .map(|r| escape_bytes(&r.smtp))
            .collect();
        inputs.push(ReplayInput {
            line: Some(line.number),
            sent: line.smtp.clone(),
            recorded,
        });
    }
    inputs
}

/// Sends `inputs` (after the greeting, each with CRLF) to a fresh session
/// with `settings`, and sets its replies beside the recorded ones.
pub fn replay_inputs_against(
    inputs: &[ReplayInput],
    settings: Settings,
    now: u64,
) -> Vec<ReplayStep> {
    let mut session = Session::new(settings, ClientInfo::default(), 1, now);
    let mut steps = Vec::with_capacity(inputs.len());
    for input in inputs {
        let simulated = if input.line.is_none() {
            replies(&mut session)
        } else if session.is_closed() {
            vec![SERVER_CLOSED.to_owned()]
        } else {
            let mut bytes = input.sent.clone();
            bytes.extend_from_slice(b"\r\n");
            session.feed(&bytes, now);
            replies(&mut session)
        };
        steps.push(ReplayStep {
            line: input.line,
            sent: escape_bytes(&input.sent),
            recorded: input.recorded.clone(),
            simulated,
        });
    }
    steps
}

fn replies(session: &mut Session) -> Vec<String> {
    session
        .drain_outputs()
        .filter_map(|output| match output {
            Output::Reply(reply) => Some(reply.to_wire()),
            _ => None,
        })
        .flat_map(|wire| {
            wire.split("\r\n")
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}
