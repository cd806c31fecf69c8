//! The learner's own connections into the simulated network: the target
//! resolved and tried as telnet would, a server [`Session`] set up for
//! that host and port, the bytes typed and the replies drawn in the
//! diagram, and every accepted message handed to the host's queue.

use core::net::IpAddr;

use super::{NetworkEvent, Simulation, MAX_PASSES_PER_ADVANCE};
use crate::network::checks::{self, Receiving};
use crate::network::diagram::{StepKind, MAX_LABEL_CHARS};
use crate::network::dns::addresses;
use crate::network::hop::reverse_lookup;
use crate::network::Availability;
use crate::reply::Reply;
use crate::session::{ClientInfo, Event, Output, Session};

/// Why the learner's connection failed, worded as telnet says it (the
/// front end puts `telnet: ` or its own program name in front).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectError {
    /// No address for the name.
    #[error("could not resolve {name}/{port}: Name or service not known")]
    UnknownHost {
        /// The name asked for.
        name: String,
        /// The port.
        port: u16,
    },
    /// A machine answered, but nothing listens on the port.
    #[error("Unable to connect to remote host: Connection refused")]
    Refused {
        /// The address tried.
        address: IpAddr,
        /// The port.
        port: u16,
    },
    /// Nothing answered at all.
    #[error("Unable to connect to remote host: Connection timed out")]
    TimedOut {
        /// The address tried.
        address: IpAddr,
        /// The port.
        port: u16,
    },
}

/// The longest command line kept for the diagram's label: the diagram
/// cuts labels shorter still, so more would only be thrown away.
const TYPED_LIMIT: usize = MAX_LABEL_CHARS * 4;

/// One connection of the learner's to a simulated host.
#[derive(Debug)]
pub struct Connection {
    host: String,
    address: IpAddr,
    port: u16,
    session: Session,
    typed: Vec<u8>,
}

impl Connection {
    /// The host's name.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The address connected to (telnet's "Trying ..." line).
    pub fn address(&self) -> IpAddr {
        self.address
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server session (phase, prompts, timeouts).
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The server session, for calls that bring no input (`expire`,
    /// `refuse_content`...); take its outputs with
    /// [`Simulation::take_outputs`] so deliveries reach the queue.
    pub fn session_mut(&mut self) -> &mut Session {
        &mut self.session
    }
}

/// The address telnet would try for `target`: an address literal (in
/// brackets or not) as it is, else the name's first A or AAAA record.
fn resolve(network: &crate::network::Network, target: &str) -> Option<IpAddr> {
    let literal = target.trim_start_matches('[').trim_end_matches(']');
    literal
        .parse()
        .ok()
        .or_else(|| addresses(network, target).first().copied())
}

impl Simulation {
    /// Opens a learner's connection to `target` (a host name or address)
    /// on `port`; the greeting waits in the session (take it with
    /// [`Simulation::take_outputs`]).
    pub fn connect(&mut self, target: &str, port: u16) -> Result<Connection, ConnectError> {
        let opened = self.open(target, port);
        let client = self.network.client.name.clone();
        let event = match &opened {
            Ok(connection) => {
                let label = format!("connect {}:{port}", connection.address);
                let host = &connection.host;
                self.diagram
                    .arrow(&client, host, &label, StepKind::Note, self.now);
                NetworkEvent::Connected {
                    host: connection.host.clone(),
                    address: connection.address,
                    port,
                }
            }
            Err(error) => {
                let label = format!("connect {target}:{port}: {error}");
                self.diagram
                    .arrow(&client, target, &label, StepKind::Note, self.now);
                NetworkEvent::ConnectFailed {
                    target: target.to_owned(),
                    port,
                    error: error.clone(),
                }
            }
        };
        self.record(event);
        opened
    }

    fn open(&mut self, target: &str, port: u16) -> Result<Connection, ConnectError> {
        let address = resolve(&self.network, target).ok_or_else(|| ConnectError::UnknownHost {
            name: target.to_owned(),
            port,
        })?;
        // An address no machine has: nothing answers.
        let host = self
            .network
            .host_at(address)
            .ok_or(ConnectError::TimedOut { address, port })?;
        match host.availability {
            Availability::Unreachable => return Err(ConnectError::TimedOut { address, port }),
            Availability::Refusing => return Err(ConnectError::Refused { address, port }),
            Availability::Up if !host.listens_on(port) => {
                return Err(ConnectError::Refused { address, port })
            }
            Availability::Up => {}
        }
        let learner = self.network.client.address;
        let client = ClientInfo {
            hostname: reverse_lookup(&self.network, learner),
            ip: learner.to_string(),
        };
        let (name, settings) = (host.name.clone(), host.settings_on(port));
        let memory = self.memories.get(&name).cloned().unwrap_or_default();
        let seed = self.seed();
        let session = Session::with_memory(settings, client, seed, self.now, memory);
        Ok(Connection {
            host: name,
            address,
            port,
            session,
            typed: Vec::new(),
        })
    }

    /// Feeds the learner's bytes to the connection's session at the
    /// simulated time; returns its outputs. A message it accepts goes into
    /// the host's queue and on through the network at once.
    pub fn feed(&mut self, connection: &mut Connection, input: &[u8]) -> Vec<Output> {
        let mut outputs = Vec::new();
        // Line by line, so the diagram shows each command before its reply
        // (a session reads any split the same).
        for piece in input.split_inclusive(|byte| *byte == b'\n') {
            let was_content = connection.session.expects_content();
            connection.session.feed(piece, self.now);
            self.draw_input(connection, piece, was_content);
            let taken = self.take_outputs(connection);
            let tls_starts = taken.iter().any(|o| matches!(o, Output::StartTls));
            outputs.extend(taken);
            // What followed STARTTLS in the same input was sent in clear
            // text before the handshake: RFC 3207 section 4.2 says to
            // forget it, as the session does for one feed (a split into
            // lines must not hand it over again).
            if tls_starts {
                break;
            }
        }
        outputs
    }

    /// Tells the session the simulated time (its idle timeout); returns
    /// its outputs.
    pub fn handle_timeout(&mut self, connection: &mut Connection) -> Vec<Output> {
        connection.session.handle_timeout(self.now);
        self.take_outputs(connection)
    }

    /// Everything the session queued: replies drawn, deliveries queued at
    /// the host (and run at once), what the host remembers kept.
    pub fn take_outputs(&mut self, connection: &mut Connection) -> Vec<Output> {
        let mut outputs: Vec<Output> = connection.session.drain_outputs().collect();
        self.check_incoming(connection, &mut outputs);
        let client = self.network.client.name.clone();
        let mut accepted = false;
        for output in &outputs {
            match output {
                Output::Reply(reply) => {
                    let kind = StepKind::Reply(reply.code);
                    let label = reply_label(reply);
                    self.diagram
                        .arrow(&connection.host, &client, &label, kind, self.now);
                }
                Output::Event(Event::Delivered(delivery)) => {
                    self.accept(&connection.host, delivery);
                    accepted = true;
                }
                _ => {}
            }
        }
        let memory = connection.session.memory().clone();
        self.memories.insert(connection.host.clone(), memory);
        if accepted {
            self.run_due(MAX_PASSES_PER_ADVANCE);
        }
        outputs
    }

    /// The receiver's checks over what the learner's session accepted.
    fn check_incoming(&mut self, connection: &Connection, outputs: &mut Vec<Output>) {
        let Some(checks) = self.checks.clone() else {
            return;
        };
        let receiving = Receiving {
            receiver: &connection.host,
            port: connection.port,
            authenticated: connection.session.authenticated_user().is_some(),
            connecting_ip: self.network.client.address,
            helo: connection.session.hello_name().unwrap_or_default(),
        };
        let quarantined = checks::apply(checks.as_ref(), &self.network, receiving, outputs);
        for queue_id in quarantined {
            self.quarantine(&connection.host, &queue_id);
        }
    }

    /// A command line as an arrow once it is complete; message content as
    /// one arrow when it ends.
    fn draw_input(&mut self, connection: &mut Connection, piece: &[u8], was_content: bool) {
        let client = self.network.client.name.clone();
        if was_content {
            if !connection.session.expects_content() {
                let label = "message content, then .";
                let kind = StepKind::Command;
                self.diagram
                    .arrow(&client, &connection.host, label, kind, self.now);
            }
            return;
        }
        let room = TYPED_LIMIT.saturating_sub(connection.typed.len());
        connection
            .typed
            .extend_from_slice(&piece[..piece.len().min(room)]);
        if piece.ends_with(b"\n") {
            let line = String::from_utf8_lossy(&connection.typed);
            let label = line.trim_end_matches(['\r', '\n']).to_owned();
            connection.typed.clear();
            self.diagram.arrow(
                &client,
                &connection.host,
                &label,
                StepKind::Command,
                self.now,
            );
        }
    }
}

/// A reply's first line, with how many more there are.
fn reply_label(reply: &Reply) -> String {
    let wire = reply.to_wire();
    let mut lines = wire.lines();
    let first = lines.next().unwrap_or_default();
    // `250-first` of a multiline reply reads as `250 first`.
    let first = match (first.get(..3), first.get(4..)) {
        (Some(code), Some(text)) => format!("{code} {text}"),
        _ => first.to_owned(),
    };
    match lines.count() {
        0 => first,
        more => format!("{first} (+{more} lines)"),
    }
}
