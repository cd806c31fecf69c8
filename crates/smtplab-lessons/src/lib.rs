//! smtplab-lessons: classroom exercises for smtplab. A lesson runs the
//! engine against a chosen server and world, and goals are checked on what
//! happened (commands, replies, deliveries), never on exact keystrokes.
//!
//! ```text
//!  pack JSON ──► Pack::from_json ──► Lesson ──► settings(), goals(), hints(), solution()
//!                  (validated,          │
//!                   all or nothing)     ▼
//!                           LessonSession::new(&lesson)        or   lesson.checker()
//!             connect() / send(text) / advance_to(secs)              Checker::observe_submission(outputs)
//!                           │  outputs to show                        (your own console)
//!                           ▼
//!                  checker().statuses()  ──►  goals ticked as they are met
//!                  attempt(pack_id).to_text() ──► export ──► Attempt::from_text ──► replay ──► Report
//! ```
//!
//! No I/O and no clock: the lesson clock is virtual ([`run::CLOCK_START`]
//! plus recorded waits), so a replay gives exactly what the browser showed.
//!
//! ```
//! use smtplab_lessons::{builtin, GoalStatus, LessonSession};
//!
//! let lesson = builtin().lesson("first-message").unwrap();
//! let mut run = LessonSession::new(lesson);
//! run.connect();
//! for line in ["HELO client.example", "MAIL FROM:<alice@example.com>", "RCPT TO:<bob@example.com>",
//!              "DATA", "Hi, Bob!", "This is test email!", "."] {
//!     run.send(line);
//! }
//! let statuses = run.checker().statuses();
//! assert_eq!(statuses[1], GoalStatus::Met); // delivered to bob
//! assert!(!run.checker().is_complete());     // QUIT still to come
//! run.send("QUIT");
//! assert!(run.checker().is_complete());
//! ```

pub mod attempt;
pub mod builtin;
pub mod checker;
pub mod error;
pub mod goal;
pub mod lesson;
pub mod pack;
pub mod run;

pub use attempt::{Attempt, AttemptError, AttemptProblem, Endpoint, Script, Step};
pub use builtin::builtin;
pub use checker::{Checker, GoalStatus};
pub use error::{AddressError, PackError, Problem, Reason};
pub use goal::{Condition, DeliveredCheck, Goal, MailFiledCheck};
pub use lesson::{Lesson, LessonTranslation, Outage, ServerSpec};
pub use pack::{Pack, BUILTIN_PACK_ID, FORMAT_VERSION, MAX_PACK_BYTES};
pub use run::{replay, GoalResult, LessonSession, ReplayError, Report, CLOCK_START};
