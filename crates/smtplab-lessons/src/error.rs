//! Errors for packs that cannot be loaded: each problem names the lesson,
//! the field and, as a [`Reason`], what is wrong, so a teacher can fix the
//! file and a program can tell problems apart.

use core::fmt;

use smtplab_engine::patch::PatchProblem;
use smtplab_engine::SettingsError;

/// One thing wrong with a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The lesson id (or `lessons[N]` when the lesson has no usable id);
    /// `None` for the pack's own fields.
    pub lesson: Option<String>,
    /// The field, as a path inside the lesson (or pack): `goals[1].to`.
    pub field: String,
    /// What is wrong.
    pub reason: Reason,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.lesson {
            Some(lesson) => write!(f, "lesson `{lesson}`")?,
            None => f.write_str("pack")?,
        }
        if !self.field.is_empty() {
            write!(f, ", field `{}`", self.field)?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What is wrong with a field of a pack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reason {
    /// The text is empty.
    #[error("the pack is empty")]
    EmptyPack,
    /// The text is over the size limit.
    #[error("the pack is {bytes} bytes; packs are limited to {limit} bytes")]
    TooLarge {
        /// The pack's size.
        bytes: usize,
        /// [`crate::pack::MAX_PACK_BYTES`].
        limit: usize,
    },
    /// The text is not a JSON object.
    #[error("a pack is a JSON object, starting with `{{`")]
    NotAnObject,
    /// The text is not JSON.
    #[error("not valid JSON: {0}")]
    NotJson(String),
    /// `format` is missing.
    #[error("missing; a pack starts with \"format\": {supported}")]
    FormatMissing {
        /// The format this crate reads.
        supported: u64,
    },
    /// `format` is another version (or not a number).
    #[error("this smtplab reads format {supported}, the pack says {found}")]
    FormatUnsupported {
        /// What the pack says, as JSON.
        found: String,
        /// The format this crate reads.
        supported: u64,
    },
    /// The JSON does not have the pack's shape (serde's message).
    #[error("{0}")]
    Shape(String),
    /// An id that cannot go into URLs and file names.
    #[error("`{id}` is not a valid id: use 1 to {max_length} lower-case letters, digits and single hyphens, like `first-message`")]
    InvalidId {
        /// The id as written.
        id: String,
        /// [`crate::lesson::MAX_ID_LENGTH`].
        max_length: usize,
    },
    /// The built-in curriculum's id, in another pack.
    #[error("`{0}` is reserved for the built-in curriculum")]
    ReservedId(String),
    /// A text that must say something is blank.
    #[error("must not be empty")]
    Blank,
    /// A pack without lessons.
    #[error("a pack needs at least one lesson")]
    NoLessons,
    /// Two lessons with one id.
    #[error("duplicate lesson id: lessons[{first}] has it too")]
    DuplicateLessonId {
        /// The index of the first lesson with it.
        first: usize,
    },
    /// A command listed twice in `disabled_commands`.
    #[error("{0} is listed twice")]
    ListedTwice(String),
    /// A translation's list has another length than the lesson's.
    #[error(
        "has {found} entries; the lesson has {expected}, and the translation needs one for each"
    )]
    TranslationCount {
        /// Entries in the translation.
        found: usize,
        /// Entries in the lesson.
        expected: usize,
    },
    /// A lesson without goals.
    #[error("a lesson needs at least one goal")]
    NoGoals,
    /// Only limits, which an empty session meets.
    #[error(
        "every goal is a limit (max_commands), which an empty session meets; add a goal to achieve"
    )]
    OnlyLimits,
    /// The reference solution leaves a goal unmet.
    #[error("the reference solution does not meet goals[{index}] (\"{description}\")")]
    SolutionMissesGoal {
        /// The goal's index.
        index: usize,
        /// The goal's description.
        description: String,
    },
    /// No connections in the solution.
    #[error("is empty: give the lines a learner would type, as a list of connections, each a list of lines")]
    EmptySolution,
    /// A solution connection with no steps.
    #[error("a connection with nothing typed; leave it out")]
    EmptyConnection,
    /// A pipeline without lines.
    #[error("a pipeline needs at least one line")]
    EmptyPipeline,
    /// A solution line with a line break inside.
    #[error("a line must not contain a line break; give each line separately")]
    LineBreakInLine,
    /// `{"wait": 0}`.
    #[error("wait must be at least 1 second")]
    ZeroWait,
    /// A code outside 200 to 599.
    #[error("{0} is not an SMTP reply code (200 to 599)")]
    NotAReplyCode(u16),
    /// Empty match text, which matches anything.
    #[error("empty text matches anything; leave the field out")]
    MatchesAnything,
    /// A sequence of fewer than two steps.
    #[error("a sequence needs at least two steps")]
    SequenceTooShort,
    /// `authenticated` for a user who cannot log in.
    #[error("`{0}` has no account (a user with a password) in this lesson's world")]
    NoAccount(String),
    /// A limit as a step of a sequence.
    #[error("max_commands is a limit over the whole attempt; it cannot be a step of a sequence")]
    LimitInSequence,
    /// `max_commands` of 0.
    #[error("must be at least 1")]
    ZeroMax,
    /// `pipelined` with fewer than two commands.
    #[error("must be at least 2: one command alone is not pipelining")]
    TooFewToPipeline,
    /// A goal address that does not resolve.
    #[error(transparent)]
    Address(#[from] AddressError),
    /// `to` and `not_to` name the same mailbox.
    #[error("names a mailbox that `to` requires, so the goal could never be met")]
    ContradictsTo,
    /// A line match with a line break.
    #[error("must be a single line")]
    NotOneLine,
    /// `envelope_from` that is not an address.
    #[error("`{0}` is not an address like alice@example.com (or <> for the null sender)")]
    NotASender(String),
    /// A preset name the engine does not have.
    #[error("unknown preset `{name}` (known: {known})")]
    UnknownPreset {
        /// The name as written.
        name: String,
        /// The presets, comma-separated.
        known: String,
    },
    /// A change to the profile or world the settings patch refuses (an
    /// unknown setting, a value of the wrong kind).
    #[error("{0}")]
    Patch(PatchProblem),
    /// Settings the engine refuses to run with.
    #[error(transparent)]
    Settings(SettingsError),
    /// `server.network` that is neither `"default"` nor a description
    /// that loads (the engine's reason, with its own field path).
    #[error("{0}")]
    Network(String),
    /// A change in `server.dns` that cannot be made.
    #[error("{0}")]
    Dns(String),
    /// A network goal (or outage) in a lesson whose server runs no network.
    #[error("this goal needs a network: set \"network\": \"default\" in `server`")]
    NeedsNetwork,
    /// A goal on what the receiver's checks add (Authentication-Results,
    /// the Junk folder) in a lesson whose network does not check mail.
    #[error("this goal reads what the receiver's checks add: set \"mail_auth\": true in `server`")]
    NeedsMailAuth,
    /// A host the lesson's network does not have.
    #[error("`{0}` is not a host of this lesson's network")]
    UnknownNetworkHost(String),
    /// A mailbox the host's world does not have.
    #[error("`{host}` has no user `{mailbox}`")]
    UnknownHostMailbox {
        /// The host.
        host: String,
        /// The user name as written.
        mailbox: String,
    },
}

/// Why an address in a goal does not stand for anyone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// Not address syntax.
    #[error("`{0}` is not an address")]
    NotAnAddress(String),
    /// A local address nobody has.
    #[error(
        "unknown mailbox `{text}`: `{local}` is not a user, alias or list in this lesson's world"
    )]
    UnknownMailbox {
        /// The address as written.
        text: String,
        /// Its local part.
        local: String,
    },
}

/// Why a pack was not loaded; nothing of it was. Holds every problem found
/// (a file that does not parse has just the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    /// At least one problem.
    pub problems: Vec<Problem>,
}

impl PackError {
    /// A pack-level problem with a field (`""` for the whole text).
    pub(crate) fn single(lesson: Option<String>, field: &str, reason: Reason) -> Self {
        Self {
            problems: vec![Problem {
                lesson,
                field: field.to_owned(),
                reason,
            }],
        }
    }
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, problem) in self.problems.iter().enumerate() {
            if index > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for PackError {}
