//! A client talking to a server session in the same process, with no
//! socket between them: for tests, for replaying a transcript against the
//! simulated server, and for simulated hosts that relay to each other.

use super::{Client, ClientEvent, ClientOutput};
use crate::session::{Output, Session};

/// Everything both sides produced while they talked.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// Each piece of bytes the client sent, in order.
    pub client_sent: Vec<Vec<u8>>,
    /// The client's events, in order.
    pub client_events: Vec<ClientEvent>,
    /// The server's outputs (replies, events, close), in order.
    pub server_outputs: Vec<Output>,
}

/// Moves bytes between `client` and `session` at time `now` until both
/// are quiet (nothing left to send) or either closes.
pub fn converse(client: &mut Client, session: &mut Session, now: u64) -> Exchange {
    converse_with(client, session, now, &mut |_| {})
}

/// [`converse`], with `inspect` seeing (and free to change) each batch of
/// the server's outputs before the client reads them: a receiving host's
/// checks at the end of DATA turn a `250` into a refusal there.
pub fn converse_with(
    client: &mut Client,
    session: &mut Session,
    now: u64,
    inspect: &mut dyn FnMut(&mut Vec<Output>),
) -> Exchange {
    let mut exchange = Exchange::default();
    let mut server_closed = false;
    loop {
        let mut moved = false;
        let mut to_client = Vec::new();
        let mut batch: Vec<Output> = session.drain_outputs().collect();
        inspect(&mut batch);
        for output in batch {
            match &output {
                Output::Reply(reply) => reply.write_wire(&mut to_client),
                Output::Close => server_closed = true,
                Output::Event(_) | Output::StartTls => {}
            }
            exchange.server_outputs.push(output);
        }
        if !to_client.is_empty() {
            client.feed(&to_client, now);
            moved = true;
        }
        if server_closed {
            client.connection_closed();
        }
        for output in client.drain_outputs() {
            match output {
                ClientOutput::Send(bytes) => {
                    if !server_closed && !session.is_closed() {
                        session.feed(&bytes, now);
                        moved = true;
                    }
                    exchange.client_sent.push(bytes);
                }
                ClientOutput::Event(event) => exchange.client_events.push(event),
                ClientOutput::Close => {}
            }
        }
        if !moved {
            let mut rest: Vec<Output> = session.drain_outputs().collect();
            inspect(&mut rest);
            exchange.server_outputs.extend(rest);
            return exchange;
        }
    }
}
