//! The exported `Session` class: one simulated SMTP connection, fed text and
//! answering with replies, plus its events, transcript and mailboxes.

use smtplab_engine::{Event, Mailstore, Output, Reply, Settings, Transcript};
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::options;
use crate::view::{self, EventView, Mailboxes, MessageView, ReplyView};

/// One SMTP connection to the simulated server. The 220 greeting is sent
/// when it is created (see `greeting`).
#[wasm_bindgen(js_name = Session)]
#[derive(Debug)]
pub struct ApiSession {
    session: smtplab_engine::Session,
    seed: u64,
    clock: Clock,
    greeting: Vec<Reply>,
    transcript: Transcript,
    mailstore: Mailstore,
    events: Vec<Event>,
}

#[wasm_bindgen(js_class = Session)]
impl ApiSession {
    /// Connects to a new simulated server. Throws an `Error` naming the
    /// option when an option is wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "SessionOptions")] options: JsValue,
    ) -> Result<ApiSession, Error> {
        let options = options::parse(&options)?;
        let session = smtplab_engine::Session::new(
            options.settings,
            options.client,
            options.seed,
            options.now,
        );
        let mut api = Self {
            session,
            seed: options.seed,
            clock: Clock {
                manual: options.manual_clock,
                last: options.now,
            },
            greeting: Vec::new(),
            transcript: Transcript::default(),
            mailstore: Mailstore::default(),
            events: Vec::new(),
        };
        api.greeting = api.drain();
        Ok(api)
    }

    /// Sends text as the client: each line gets CRLF (a bare LF or a
    /// missing line end at the end both become CRLF), so `send("")` sends
    /// an empty line. Several lines are sent at once, as a pipelining client
    /// would. Returns the replies this input caused, in order.
    ///
    /// `now` is Unix seconds; without it, a session created with `now`
    /// keeps the last time given (a manual, deterministic clock), any other
    /// reads `Date.now()`. If `now` is past the idle timeout, the server has
    /// already hung up with 421 4.4.2 and that is the reply. Throws if the
    /// session was already closed.
    #[wasm_bindgen(unchecked_return_type = "Reply[]")]
    pub fn send(&mut self, input: &str, now: Option<f64>) -> Result<JsValue, Error> {
        self.feed(crlf_lines(input).as_bytes(), now, "send")
    }

    /// Sends `input` exactly as given, without adding or changing line
    /// ends: for bare CR/LF and SMTP smuggling exercises, or a line split
    /// over several calls. Returns the replies, as `send` does.
    #[wasm_bindgen(js_name = sendRaw, unchecked_return_type = "Reply[]")]
    pub fn send_raw(&mut self, input: &str, now: Option<f64>) -> Result<JsValue, Error> {
        self.feed(input.as_bytes(), now, "sendRaw")
    }

    /// Tells the session the time without sending anything; returns the
    /// 421 4.4.2 timeout reply once the idle timeout has passed, else `[]`.
    #[wasm_bindgen(unchecked_return_type = "Reply[]")]
    pub fn tick(&mut self, now: Option<f64>) -> Result<JsValue, Error> {
        let now = self.clock.read(now, "tick(now)")?;
        self.session.handle_timeout(now);
        let replies = self.drain();
        replies_to_js(&replies)
    }

    /// The 220 greeting the server sent on connecting.
    #[wasm_bindgen(getter, unchecked_return_type = "Reply[]")]
    pub fn greeting(&self) -> Result<JsValue, Error> {
        replies_to_js(&self.greeting)
    }

    /// Events (commands, phase changes, deliveries, ...) since the last call.
    #[wasm_bindgen(unchecked_return_type = "SessionEvent[]")]
    pub fn events(&mut self) -> Result<JsValue, Error> {
        let events = std::mem::take(&mut self.events);
        let views: Vec<EventView<'_>> = events.iter().map(EventView::from).collect();
        view::to_js(&views)
    }

    /// The conversation so far as `C: ` and `S: ` lines. With
    /// `showLineEnds`, CR and LF are written as `\r` and `\n`.
    pub fn transcript(
        &self,
        #[wasm_bindgen(js_name = showLineEnds)] show_line_ends: Option<bool>,
    ) -> String {
        self.transcript.render(show_line_ends.unwrap_or(false))
    }

    /// Delivered messages by local mailbox: every user of the world is a
    /// key, in the world's order, with its messages oldest first.
    #[wasm_bindgen(unchecked_return_type = "Record<string, Message[]>")]
    pub fn mailboxes(&self) -> Result<JsValue, Error> {
        let mailboxes = Mailboxes(
            self.session
                .world()
                .users
                .iter()
                .map(|user| {
                    let messages = self.mailstore.mailbox(&user.name).map(MessageView::from);
                    (user.name.as_str(), messages.collect())
                })
                .collect(),
        );
        view::to_js(&mailboxes)
    }

    /// Messages accepted for outside domains (only authenticated clients
    /// may relay; a sandbox never sends them anywhere).
    #[wasm_bindgen(unchecked_return_type = "Message[]")]
    pub fn outbox(&self) -> Result<JsValue, Error> {
        let messages: Vec<MessageView<'_>> =
            self.mailstore.outbox().map(MessageView::from).collect();
        view::to_js(&messages)
    }

    /// Where the session is: `connected`, `greeted`, `sender-given`,
    /// `recipients-given`, `receiving-data` or `closed`.
    #[wasm_bindgen(getter, unchecked_return_type = "Phase")]
    pub fn phase(&self) -> Result<JsValue, Error> {
        view::to_js(&self.session.phase())
    }

    /// What the server reads next: `command`, `content` (after 354, or a
    /// BDAT chunk), `auth-response` (after 334), or `null` once closed.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "\"command\" | \"content\" | \"auth-response\" | null"
    )]
    pub fn expects(&self) -> JsValue {
        if self.session.is_closed() {
            JsValue::NULL
        } else if self.session.expects_content() {
            "content".into()
        } else if self.session.expects_auth_response() {
            "auth-response".into()
        } else {
            "command".into()
        }
    }

    /// Whether the connection is closed (after QUIT, a 421, or a dropped line).
    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        self.session.is_closed()
    }

    /// The seed of the queue ids: the same options, seed, clock and input
    /// give the same replies, byte for byte.
    #[wasm_bindgen(getter)]
    pub fn seed(&self) -> f64 {
        // Seeds come from JavaScript numbers, so they fit exactly.
        self.seed as f64
    }
}

impl ApiSession {
    /// The settings this session runs with (for Rust callers and tests; not
    /// exported: serializing `Settings` at run time would cost 2.8 KB gzip).
    pub fn engine_settings(&self) -> Settings {
        Settings {
            profile: self.session.profile().clone(),
            world: self.session.world().clone(),
            relay: self.session.relay_policy().clone(),
        }
    }

    fn feed(&mut self, input: &[u8], now: Option<f64>, method: &str) -> Result<JsValue, Error> {
        let now = self.clock.read(now, &format!("{method}(now)"))?;
        if self.session.is_closed() {
            return Err(Error::field(
                method,
                "the session is closed; create a new Session to connect again",
            ));
        }
        // A server that waited past its idle timeout hung up before this
        // input arrived.
        self.session.handle_timeout(now);
        if !self.session.is_closed() {
            self.transcript.client(input);
            self.session.feed(input, now);
        }
        let replies = self.drain();
        replies_to_js(&replies)
    }

    /// Takes every queued output: replies are returned (and recorded in the
    /// transcript), deliveries filed, events kept for `events()`.
    fn drain(&mut self) -> Vec<Reply> {
        let mut replies = Vec::new();
        for output in self.session.drain_outputs() {
            match output {
                Output::Reply(reply) => {
                    self.transcript.server(&reply);
                    replies.push(reply);
                }
                Output::Event(event) => {
                    if let Event::Delivered(delivery) = &event {
                        self.mailstore.deliver(delivery.as_ref().clone());
                    }
                    self.events.push(event);
                }
                // Simulated TLS needs no transport switch, and `closed`
                // reports the close.
                Output::StartTls | Output::Close => {}
            }
        }
        replies
    }
}

/// Where the time of each call comes from. A session given `now` when it
/// was created keeps a manual clock: a call without `now` reuses the last
/// time given, so scripted sessions stay deterministic. Otherwise a call
/// without `now` reads the browser's clock.
#[derive(Debug)]
struct Clock {
    manual: bool,
    last: u64,
}

impl Clock {
    fn read(&mut self, now: Option<f64>, field: &str) -> Result<u64, Error> {
        let now = match now {
            None if self.manual => self.last,
            now => options::unix_seconds(now, field)?,
        };
        self.last = now;
        Ok(now)
    }
}

fn replies_to_js(replies: &[Reply]) -> Result<JsValue, Error> {
    let views: Vec<ReplyView<'_>> = replies.iter().map(ReplyView::from).collect();
    view::to_js(&views)
}

/// `input` with every line ended by CRLF. One final line end is the end of
/// the last line, not an empty line after it; LF and CRLF both count.
fn crlf_lines(input: &str) -> String {
    let input = input
        .strip_suffix('\n')
        .map_or(input, |rest| rest.strip_suffix('\r').unwrap_or(rest));
    let mut out = String::with_capacity(input.len() + 2);
    for line in input.split('\n') {
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::crlf_lines;

    #[test]
    fn every_line_gets_exactly_one_crlf() {
        for (input, expected) in [
            ("EHLO x", "EHLO x\r\n"),
            ("EHLO x\r\n", "EHLO x\r\n"),
            ("EHLO x\n", "EHLO x\r\n"),
            ("", "\r\n"),
            ("\n", "\r\n"),
            ("a\nb", "a\r\nb\r\n"),
            ("a\r\nb\r\n", "a\r\nb\r\n"),
            ("a\n\nb", "a\r\n\r\nb\r\n"),
            ("a\n\n", "a\r\n\r\n"),
            ("bare\rcr", "bare\rcr\r\n"),
        ] {
            assert_eq!(crlf_lines(input), expected, "{input:?}");
        }
    }
}
