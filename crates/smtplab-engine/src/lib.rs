//! smtplab-engine: a sans-IO SMTP server session and the simulated mail
//! world behind it, deterministic so the same input gives the same bytes in
//! the browser, over TCP and in tests.
//!
//! # Contract
//!
//! The engine does no I/O and reads no clock. The caller (the I/O shell)
//! feeds bytes and the current time, and takes out what to do:
//!
//! ```text
//!             Session::new(settings, client, seed, now)   queues the 220 greeting
//! bytes, now ──► Session::feed ──┐
//!                                ├──► Session::poll_output ──► Output::Reply(reply)  send reply.to_wire()
//! now ───► Session::handle_timeout┘                            Output::Event(event)  log / show / check
//!                                                              Output::StartTls      switch transport
//!                                                              Output::Close         close after sending
//! ```
//!
//! * Input may arrive in any split: one byte at a time or many pipelined
//!   commands at once. An incomplete line is simply kept until more comes;
//!   "needs more input" is not an error.
//! * Nothing is buffered without bound: every limit is a named constant in
//!   [`limits`], and oversized input is drained, never stored.
//! * Queue ids come from the seed, dates from the time passed in, so the
//!   same input, clock and seed give byte-identical output everywhere.
//! * Everything shown to a learner (reply texts, explanations, command
//!   syntax, HELP) comes from [`catalogue`].
//! * The other side of the conversation, the SMTP client a relaying host
//!   or `smtplab probe` uses, is [`client::Client`], under the same contract.
//!
//! ```
//! use smtplab_engine::{ClientInfo, Output, Session, Settings};
//!
//! let mut session = Session::new(Settings::default(), ClientInfo::default(), 1, 0);
//! session.feed(b"NOOP\r\n", 0);
//! let replies: Vec<String> = session
//!     .drain_outputs()
//!     .filter_map(|output| match output {
//!         Output::Reply(reply) => Some(reply.to_wire()),
//!         _ => None,
//!     })
//!     .collect();
//! assert_eq!(replies, ["220 mail.example.com ESMTP smtplab\r\n", "250 2.0.0 Ok\r\n"]);
//! ```

pub mod address;
pub mod catalogue;
pub mod client;
pub mod clock;
pub mod date;
pub mod enhanced_code;
pub mod extension;
pub mod golden;
pub mod limits;
pub mod markup;
pub mod message;
pub mod network;
#[cfg(feature = "serde")]
pub mod patch;
pub mod profile;
pub mod reply;
pub mod session;
pub mod transcript;
pub mod world;

pub use catalogue::{ReplyInfo, ReplyKey, Verb};
pub use extension::Extension;
pub use profile::Profile;
pub use reply::{EnhancedCode, Reply, ReplyClass};
pub use session::{
    ClientInfo, CloseReason, Event, Output, Phase, RelayPolicy, ServerMemory, Session, Settings,
    SettingsError,
};
pub use transcript::Transcript;
pub use world::{Delivery, Mailstore, World};
