//! A sequence diagram of the network's conversations: hosts as columns,
//! each command and reply as an arrow, connection failures and queue
//! decisions as notes, exportable as a standalone SVG. Commands and
//! replies appear in the order the client read them, so a pipelined
//! group shows as command, reply, command, reply.

use super::hop::HopRun;
use super::queue::{HopResult, HopTry};
use crate::client::{ClientEvent, Exchange};
use crate::date::UtcDateTime;
use crate::markup::escape;

/// Longest label drawn; longer ones are cut with an ellipsis.
pub const MAX_LABEL_CHARS: usize = 64;

const COLUMN_WIDTH: usize = 260;
const MARGIN: usize = 20;
const HEADER_HEIGHT: usize = 48;
const STEP_HEIGHT: usize = 26;

/// What an arrow or note shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// A client command (or the message content).
    Command,
    /// A server reply, by its first digit.
    Reply(u16),
    /// Something that is not SMTP: a failed connection, a queue decision.
    Note,
}

/// One arrow (or, when `from == to`, a note beside a column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// Column it starts at.
    pub from: usize,
    /// Column it points to.
    pub to: usize,
    /// The text.
    pub label: String,
    /// How it is drawn.
    pub kind: StepKind,
    /// Simulated time (Unix seconds).
    pub at: u64,
}

/// Hosts and what passed between them, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagram {
    /// Column titles (host names), in order of first appearance.
    pub hosts: Vec<String>,
    /// Arrows and notes, top to bottom.
    pub steps: Vec<Step>,
}

impl Diagram {
    /// The column of `host`, added if new.
    pub fn column(&mut self, host: &str) -> usize {
        if let Some(index) = self.hosts.iter().position(|h| h.eq_ignore_ascii_case(host)) {
            return index;
        }
        self.hosts.push(host.to_owned());
        self.hosts.len() - 1
    }

    /// A note beside `host`'s column.
    pub fn note(&mut self, host: &str, text: &str, at: u64) {
        let column = self.column(host);
        self.push(column, column, text, StepKind::Note, at);
    }

    /// An arrow from `from`'s column to `to`'s (columns added if new): a
    /// command, a reply, or, between two columns, a note on a connection.
    pub fn arrow(&mut self, from: &str, to: &str, label: &str, kind: StepKind, at: u64) {
        let (from, to) = (self.column(from), self.column(to));
        self.push(from, to, label, kind, at);
    }

    fn push(&mut self, from: usize, to: usize, label: &str, kind: StepKind, at: u64) {
        let label = if label.chars().count() > MAX_LABEL_CHARS {
            let cut: String = label.chars().take(MAX_LABEL_CHARS - 1).collect();
            format!("{cut}…")
        } else {
            label.to_owned()
        };
        self.steps.push(Step {
            from,
            to,
            label,
            kind,
            at,
        });
    }

    /// One conversation between `client` and `server`, from the client's events.
    pub fn add_exchange(&mut self, client: &str, server: &str, exchange: &Exchange, at: u64) {
        let (c, s) = (self.column(client), self.column(server));
        for event in &exchange.client_events {
            if let ClientEvent::Reply { command, reply } = event {
                if command != "<greeting>" {
                    let shown = if command == "<message content>" {
                        "message content, then ."
                    } else {
                        command
                    };
                    self.push(c, s, shown, StepKind::Command, at);
                }
                let label = match reply.lines.len() {
                    0 | 1 => reply.summary(),
                    lines => format!("{} {} (+{} lines)", reply.code, reply.lines[0], lines - 1),
                };
                self.push(s, c, &label, StepKind::Reply(reply.code), at);
            }
        }
    }

    /// One hop of a queue run: its conversation, or the failed connection.
    pub fn add_hop(&mut self, client: &str, tried: &HopTry, run: &HopRun, at: u64) {
        match &run.result {
            HopResult::NoSession { reason } => {
                let (c, s) = (self.column(client), self.column(&tried.hop.host));
                let label = format!("connect {}:{}: {reason}", tried.hop.address, tried.hop.port);
                self.push(c, s, &label, StepKind::Note, at);
            }
            HopResult::Session { .. } => {
                self.add_exchange(client, &tried.hop.host, &run.exchange, at)
            }
        }
    }

    /// The diagram as a standalone SVG document.
    pub fn to_svg(&self) -> String {
        let width = MARGIN * 2 + COLUMN_WIDTH * self.hosts.len().max(1);
        let height = HEADER_HEIGHT + STEP_HEIGHT * (self.steps.len() + 1) + MARGIN;
        let mut svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"monospace\" font-size=\"12\">\n{SVG_STYLE}"
        );
        for (index, host) in self.hosts.iter().enumerate() {
            let x = center(index);
            svg.push_str(&format!(
                "<rect class=\"host\" x=\"{}\" y=\"{MARGIN}\" width=\"{}\" height=\"24\" rx=\"4\"/>\n<text class=\"host\" x=\"{x}\" y=\"{}\">{}</text>\n<line class=\"life\" x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\"/>\n",
                x - COLUMN_WIDTH / 2 + 10,
                COLUMN_WIDTH - 20,
                MARGIN + 16,
                escape(host),
                MARGIN + 24,
                height - MARGIN
            ));
        }
        let mut last_minute = None;
        for (row, step) in self.steps.iter().enumerate() {
            let y = HEADER_HEIGHT + STEP_HEIGHT * (row + 1);
            let minute = step.at / 60;
            if last_minute != Some(minute) {
                let time = UtcDateTime::from_unix(step.at).time_of_day();
                svg.push_str(&format!(
                    "<text class=\"time\" x=\"2\" y=\"{y}\">{}</text>\n",
                    &time[..5]
                ));
                last_minute = Some(minute);
            }
            svg.push_str(&draw_step(step, y));
        }
        svg.push_str("</svg>\n");
        svg
    }
}

const SVG_STYLE: &str = "<style>text{fill:#222}text.host{text-anchor:middle;font-weight:bold}text.label{text-anchor:middle}text.time{fill:#888;font-size:10px}rect.host{fill:#eef;stroke:#446}line.life{stroke:#aaa;stroke-dasharray:4 3}line.command{stroke:#222}line.r2{stroke:#2a7d2a}line.r3{stroke:#2a5d9d}line.r4{stroke:#c77800}line.r5{stroke:#b22}line.note{stroke:#888;stroke-dasharray:2 2}text.note{fill:#666;font-style:italic}</style>\n<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#444\"/></marker></defs>\n";

fn center(column: usize) -> usize {
    MARGIN + COLUMN_WIDTH * column + COLUMN_WIDTH / 2
}

fn draw_step(step: &Step, y: usize) -> String {
    let class = match step.kind {
        StepKind::Command => "command".to_owned(),
        StepKind::Reply(code) => format!("r{}", (code / 100).clamp(2, 5)),
        StepKind::Note => "note".to_owned(),
    };
    let label = escape(&step.label);
    if step.from == step.to {
        let x = center(step.from) + 8;
        return format!("<text class=\"note\" x=\"{x}\" y=\"{y}\">{label}</text>\n");
    }
    let (x1, x2) = (center(step.from), center(step.to));
    let text_class = if step.kind == StepKind::Note {
        "label note"
    } else {
        "label"
    };
    format!(
        "<line class=\"{class}\" x1=\"{x1}\" y1=\"{y}\" x2=\"{x2}\" y2=\"{y}\" marker-end=\"url(#head)\"/>\n<text class=\"{text_class}\" x=\"{}\" y=\"{}\">{label}</text>\n",
        (x1 + x2) / 2,
        y - 4
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{converse, Action, Client, Outgoing};
    use crate::{ClientInfo, Session, Settings};

    fn conversation() -> Exchange {
        let mut session = Session::new(Settings::default(), ClientInfo::default(), 1, 0);
        let mut client = Client::new("client.example", 0);
        client.push(Action::Hello, 0);
        let mut message = Outgoing::new(
            "a@example.org",
            &["bob@example.com"],
            b"Subject: x\r\n\r\nhi\r\n",
        );
        message.transfer = crate::client::Transfer::Data;
        client.push(Action::Send(Box::new(message)), 0);
        client.push(Action::Quit, 0);
        converse(&mut client, &mut session, 0)
    }

    #[test]
    fn conversations_become_arrows_between_columns() {
        let mut diagram = Diagram::default();
        diagram.add_exchange("client.example", "mail.example.com", &conversation(), 0);
        diagram.note("client.example", "queue: delivered", 60);
        assert_eq!(diagram.hosts, ["client.example", "mail.example.com"]);
        let shown: Vec<(usize, usize, &str)> = diagram
            .steps
            .iter()
            .map(|s| (s.from, s.to, s.label.as_str()))
            .collect();
        assert_eq!(shown[0], (1, 0, "220 mail.example.com ESMTP smtplab"));
        assert_eq!(shown[1], (0, 1, "EHLO client.example"));
        assert_eq!(
            shown[2],
            (1, 0, "250 mail.example.com (+10 lines)"),
            "the EHLO offer on one arrow"
        );
        assert!(
            shown.contains(&(0, 1, "MAIL FROM:<a@example.org> SIZE=18")),
            "{shown:?}"
        );
        assert!(
            shown.contains(&(0, 1, "message content, then .")),
            "{shown:?}"
        );
        assert_eq!(*shown.last().unwrap(), (0, 0, "queue: delivered"));
        let replies = diagram
            .steps
            .iter()
            .filter(|s| matches!(s.kind, StepKind::Reply(_)))
            .count();
        let commands = diagram
            .steps
            .iter()
            .filter(|s| s.kind == StepKind::Command)
            .count();
        assert_eq!(
            replies,
            commands + 1,
            "every command answered, plus the greeting"
        );
    }

    #[test]
    fn svg_escapes_text_and_balances_its_elements() {
        let mut diagram = Diagram::default();
        diagram.add_exchange("client.example", "mail.example.com", &conversation(), 0);
        diagram.note("client.example", &format!("<&> {}", "x".repeat(100)), 3600);
        let svg = diagram.to_svg();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>\n"));
        assert!(svg.contains("MAIL FROM:&lt;a@example.org&gt; SIZE=18"));
        assert!(svg.contains("&lt;&amp;&gt; xxx"));
        assert!(!svg.contains("<&>"));
        assert!(svg.contains('…'), "long labels are cut");
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count());
        assert_eq!(
            svg.matches(">00:00<").count() + svg.matches(">01:00<").count(),
            2,
            "a time mark per minute"
        );
    }
}
