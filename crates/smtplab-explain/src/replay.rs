//! Replays the client's side of an explained transcript against the
//! simulated server, so the real server's answers can be set beside the
//! ones a server following the RFCs (in a chosen profile) gives.

use smtplab_engine::client::escape_bytes;
use smtplab_engine::{ClientInfo, Output, Session, Settings};

use crate::format::Side;
use crate::{ExplainedLine, Kind};

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

/// Feeds every client line (commands, content, AUTH data) to a fresh
/// session with `settings`, each ended with CRLF as SMTP sends it.
pub fn replay(lines: &[ExplainedLine], settings: Settings, now: u64) -> Vec<ReplayStep> {
    let mut session = Session::new(settings, ClientInfo::default(), 1, now);
    let greeting_recorded = lines
        .iter()
        .take_while(|l| l.side != Some(Side::Client))
        .filter(|l| l.kind == Kind::Reply && l.answers.is_none())
        .map(|l| escape_bytes(&l.smtp))
        .collect();
    let mut steps = vec![ReplayStep {
        line: None,
        sent: String::new(),
        recorded: greeting_recorded,
        simulated: replies(&mut session),
    }];
    let client_lines = lines.iter().filter(|l| {
        l.side == Some(Side::Client)
            && matches!(l.kind, Kind::Command | Kind::Content | Kind::AuthData)
    });
    for line in client_lines {
        let simulated = if session.is_closed() {
            vec!["(the simulated server has closed the connection)".to_owned()]
        } else {
            let mut bytes = line.smtp.clone();
            bytes.extend_from_slice(b"\r\n");
            session.feed(&bytes, now);
            replies(&mut session)
        };
        let recorded = lines
            .iter()
            .filter(|r| r.kind == Kind::Reply && r.answers == Some(line.number))
            .map(|r| escape_bytes(&r.smtp))
            .collect();
        steps.push(ReplayStep {
            line: Some(line.number),
            sent: escape_bytes(&line.smtp),
            recorded,
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
