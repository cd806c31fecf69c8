//! Packs and lessons: the versioned JSON format teachers write, loading it
//! and validating every field, so a pack either loads whole or not at all.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};
use smtplab_engine::profile::{RejectRule, PRESETS};
use smtplab_engine::world::{Alias, MailingList, User};
use smtplab_engine::{EnhancedCode, Settings, Verb};

use crate::attempt::{Script, Step, BYTE_ORDER_MARK};
use crate::checker::{resolve_target, Checker, Target};
use crate::error::{PackError, Problem};
use crate::goal::{Condition, DeliveredCheck, Goal};

/// The pack format version this crate reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// The id of the built-in curriculum, reserved for it.
pub const BUILTIN_PACK_ID: &str = "builtin";

/// Longest pack or lesson id; ids appear in URLs and file names.
pub const MAX_ID_LENGTH: usize = 64;

/// The largest pack accepted, in bytes of JSON: ample for any real
/// curriculum (the built-in one is about 23 KB), and small enough that a
/// pasted or uploaded file cannot make the browser or `smtplab check`
/// spend long parsing and replaying it.
pub const MAX_PACK_BYTES: usize = 1024 * 1024;

/// The reply a command listed in `disabled_commands` gets.
pub const DISABLED_COMMAND_TEXT: &str = "Error: command disabled for this lesson";

/// A validated pack of lessons.
#[derive(Debug, Clone)]
pub struct Pack {
    id: String,
    title: String,
    author: String,
    description: Option<String>,
    lessons: Vec<Lesson>,
}

/// The file as written, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackFile {
    #[allow(dead_code)]
    format: u64,
    id: String,
    title: String,
    author: String,
    #[serde(default)]
    description: Option<String>,
    lessons: Vec<Lesson>,
}

/// The server a lesson runs against: a preset plus changes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    /// A preset name: `default`, `strict`, `locked-down` or `classic`.
    #[serde(default = "default_preset")]
    pub preset: String,
    /// Profile settings to change, by their names in the profile
    /// (`{"vrfy": "disabled", "faults": {"greylist": true}}`); objects are
    /// merged, anything else replaces the preset's value.
    #[serde(default)]
    pub profile: Map<String, Value>,
    /// World settings to change, merged the same way (a list given here
    /// replaces the default world's list).
    #[serde(default)]
    pub world: Map<String, Value>,
    /// Users added to the world.
    #[serde(default)]
    pub add_users: Vec<User>,
    /// Aliases added to the world.
    #[serde(default)]
    pub add_aliases: Vec<Alias>,
    /// Mailing lists added to the world.
    #[serde(default)]
    pub add_lists: Vec<MailingList>,
}

fn default_preset() -> String {
    "default".into()
}

impl Default for ServerSpec {
    fn default() -> Self {
        Self {
            preset: default_preset(),
            profile: Map::new(),
            world: Map::new(),
            add_users: Vec::new(),
            add_aliases: Vec::new(),
            add_lists: Vec::new(),
        }
    }
}

/// One lesson of a pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lesson {
    id: String,
    title: String,
    #[serde(deserialize_with = "text_or_lines")]
    introduction: String,
    #[serde(default)]
    server: ServerSpec,
    #[serde(default)]
    disabled_commands: Vec<Verb>,
    goals: Vec<Goal>,
    #[serde(default)]
    hints: Vec<String>,
    #[serde(deserialize_with = "script_from_connections")]
    solution: Script,
    /// Resolved from `server` and `disabled_commands` during validation.
    #[serde(skip)]
    settings: Settings,
}

/// Accepts a string, or a list of lines joined with newlines (long text is
/// easier to write that way in JSON).
fn text_or_lines<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        One(String),
        Lines(Vec<String>),
    }
    match Text::deserialize(deserializer) {
        Ok(Text::One(text)) => Ok(text),
        Ok(Text::Lines(lines)) => Ok(lines.join("\n")),
        Err(_) => Err(serde::de::Error::custom(
            "expected text, or a list of lines",
        )),
    }
}

fn script_from_connections<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Script, D::Error> {
    Ok(Script {
        connections: Vec::<Vec<Step>>::deserialize(deserializer)?,
    })
}

impl Lesson {
    /// The id, unique in its pack; used in URLs and attempt files.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The introduction, plain text or markdown.
    pub fn introduction(&self) -> &str {
        &self.introduction
    }

    /// The server as the lesson describes it.
    pub fn server(&self) -> &ServerSpec {
        &self.server
    }

    /// The settings the lesson's server runs with: the preset, the changes,
    /// and a refusal rule for each disabled command.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Commands the server refuses in this lesson (502).
    pub fn disabled_commands(&self) -> &[Verb] {
        &self.disabled_commands
    }

    /// The goals, in order.
    pub fn goals(&self) -> &[Goal] {
        &self.goals
    }

    /// Hints, to be revealed one at a time.
    pub fn hints(&self) -> &[String] {
        &self.hints
    }

    /// The reference solution: what a learner would type, connection by
    /// connection.
    pub fn solution(&self) -> &Script {
        &self.solution
    }

    /// A fresh checker for this lesson's goals.
    pub fn checker(&self) -> Checker {
        Checker::new(&self.goals, &self.settings.world)
    }
}

impl Pack {
    /// Loads and validates a pack from its JSON text.
    pub fn from_json(text: &str) -> Result<Self, PackError> {
        Self::load(text, false)
    }

    pub(crate) fn load(text: &str, builtin: bool) -> Result<Self, PackError> {
        check_size(text.len())?;
        let text = text.strip_prefix(BYTE_ORDER_MARK).unwrap_or(text);
        check_format(text)?;
        let deserializer = &mut serde_json::Deserializer::from_str(text);
        let file: PackFile = deserialize_tracked(deserializer)
            .map_err(|(path, error)| parse_problem(text, &path, &error))?;
        let mut problems = Vec::new();
        let mut pack_problem = |field: &str, message: String| {
            problems.push(Problem {
                lesson: None,
                field: field.into(),
                message,
            })
        };
        if let Err(message) = check_id(&file.id) {
            pack_problem("id", message);
        } else if file.id == BUILTIN_PACK_ID && !builtin {
            pack_problem(
                "id",
                format!("`{BUILTIN_PACK_ID}` is reserved for the built-in curriculum"),
            );
        }
        for (field, value) in [("title", &file.title), ("author", &file.author)] {
            if value.trim().is_empty() {
                pack_problem(field, "must not be empty".into());
            }
        }
        if file.lessons.is_empty() {
            pack_problem("lessons", "a pack needs at least one lesson".into());
        }
        let mut lessons = Vec::with_capacity(file.lessons.len());
        for (index, mut lesson) in file.lessons.into_iter().enumerate() {
            let name = if check_id(&lesson.id).is_ok() {
                lesson.id.clone()
            } else {
                format!("lessons[{index}]")
            };
            let mut lesson_problems = validate_lesson(&mut lesson);
            if let Some(first) = lessons.iter().position(|l: &Lesson| l.id == lesson.id) {
                lesson_problems.insert(
                    0,
                    (
                        "id".into(),
                        format!("duplicate lesson id: lessons[{first}] has it too"),
                    ),
                );
            }
            problems.extend(lesson_problems.into_iter().map(|(field, message)| Problem {
                lesson: Some(name.clone()),
                field,
                message,
            }));
            lessons.push(lesson);
        }
        if !problems.is_empty() {
            return Err(PackError { problems });
        }
        Ok(Self {
            id: file.id,
            title: file.title,
            author: file.author,
            description: file.description,
            lessons,
        })
    }

    /// The pack id; attempts name it.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The title.
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Who wrote it.
    pub fn author(&self) -> &str {
        &self.author
    }

    /// A description, if the pack has one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The lessons, in order.
    pub fn lessons(&self) -> &[Lesson] {
        &self.lessons
    }

    /// A lesson by id.
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|lesson| lesson.id == id)
    }

    /// Whether this is the built-in curriculum.
    pub fn is_builtin(&self) -> bool {
        self.id == BUILTIN_PACK_ID
    }
}

/// Refuses a pack of `bytes` bytes over [`MAX_PACK_BYTES`]; a caller
/// reading a file can call it with the file's size before reading it.
pub fn check_size(bytes: usize) -> Result<(), PackError> {
    if bytes > MAX_PACK_BYTES {
        return Err(PackError::single(
            None,
            "",
            format!("the pack is {bytes} bytes; packs are limited to {MAX_PACK_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Reads only `format` first, so a pack from a newer smtplab gets a clear
/// message rather than a confusing parse error.
fn check_format(text: &str) -> Result<(), PackError> {
    #[derive(Deserialize)]
    struct Probe {
        format: Option<Value>,
    }
    let start = text.trim_start();
    if start.is_empty() {
        return Err(PackError::single(None, "", "the pack is empty"));
    }
    if !start.starts_with('{') {
        return Err(PackError::single(
            None,
            "",
            "a pack is a JSON object, starting with `{`",
        ));
    }
    let probe: Probe = serde_json::from_str(text)
        .map_err(|error| PackError::single(None, "", format!("not valid JSON: {error}")))?;
    match probe.format {
        None => Err(PackError::single(
            None,
            "format",
            format!("missing; a pack starts with \"format\": {FORMAT_VERSION}"),
        )),
        Some(Value::Number(n)) if n.as_u64() == Some(FORMAT_VERSION) => Ok(()),
        Some(other) => Err(PackError::single(
            None,
            "format",
            format!("this smtplab reads format {FORMAT_VERSION}, the pack says {other}"),
        )),
    }
}

/// A parse error at `path` (`lessons[2].goals[0]`), with the lesson named
/// by its id when the text has one there.
fn parse_problem(text: &str, path: &str, error: &serde_json::Error) -> PackError {
    let message = error.to_string();
    let Some(rest) = path.strip_prefix("lessons[") else {
        let field = if path == "." { "" } else { path };
        return PackError::single(None, field, message);
    };
    let (index, field) = match rest.split_once(']') {
        Some((index, field)) => (index, field.trim_start_matches('.')),
        None => (rest, ""),
    };
    let id = index.parse::<usize>().ok().and_then(|index| {
        let value: Value = serde_json::from_str(text).ok()?;
        let id = value
            .get("lessons")?
            .get(index)?
            .get("id")?
            .as_str()?
            .to_owned();
        check_id(&id).is_ok().then_some(id)
    });
    PackError::single(
        Some(id.unwrap_or_else(|| format!("lessons[{index}]"))),
        field,
        message,
    )
}

/// Ids are lower-case letters, digits and single hyphens: they go into
/// URLs and file names unchanged.
fn check_id(id: &str) -> Result<(), String> {
    let well_formed = !id.is_empty()
        && id.len() <= MAX_ID_LENGTH
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--");
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "`{id}` is not a valid id: use 1 to {MAX_ID_LENGTH} lower-case letters, digits and single hyphens, like `first-message`"
        ))
    }
}

type FieldProblems = Vec<(String, String)>;

/// Checks one lesson and fills in its settings; returns (field, message)
/// pairs.
fn validate_lesson(lesson: &mut Lesson) -> FieldProblems {
    let mut problems: FieldProblems = Vec::new();
    let mut problem = |field: &str, message: String| problems.push((field.into(), message));
    if let Err(message) = check_id(&lesson.id) {
        problem("id", message);
    }
    if lesson.title.trim().is_empty() {
        problem("title", "must not be empty".into());
    }
    if lesson.introduction.trim().is_empty() {
        problem("introduction", "must not be empty".into());
    }
    for (index, verb) in lesson.disabled_commands.iter().enumerate() {
        if lesson.disabled_commands[..index].contains(verb) {
            problem(
                &format!("disabled_commands[{index}]"),
                format!("{} is listed twice", format!("{verb:?}").to_uppercase()),
            );
        }
    }
    for (index, hint) in lesson.hints.iter().enumerate() {
        if hint.trim().is_empty() {
            problem(&format!("hints[{index}]"), "must not be empty".into());
        }
    }
    let settings = match resolve_settings(&lesson.server, &lesson.disabled_commands) {
        Ok(settings) => Some(settings),
        Err((field, message)) => {
            problem(&field, message);
            None
        }
    };
    if lesson.goals.is_empty() {
        problem("goals", "a lesson needs at least one goal".into());
    } else if lesson.goals.iter().all(|g| g.condition.is_limit()) {
        problem(
            "goals",
            "every goal is a limit (max_commands), which an empty session meets; add a goal to achieve".into(),
        );
    }
    for (index, goal) in lesson.goals.iter().enumerate() {
        let field = format!("goals[{index}]");
        if goal.description.trim().is_empty() {
            problem(&format!("{field}.description"), "must not be empty".into());
        }
        let world = settings.as_ref().map(|s| &s.world);
        for (field, message) in check_condition(&goal.condition, &field, world, false) {
            problem(&field, message);
        }
    }
    check_solution(&lesson.solution, &mut problem);
    if let Some(settings) = settings {
        lesson.settings = settings;
        if problems.is_empty() {
            let report = crate::run::run_script(lesson, &lesson.solution);
            for (index, description) in report.unmet_descriptions() {
                problems.push((
                    "solution".into(),
                    format!(
                        "the reference solution does not meet goals[{index}] (\"{description}\")"
                    ),
                ));
            }
        }
    }
    problems
}

fn check_solution(solution: &Script, problem: &mut impl FnMut(&str, String)) {
    if solution.connections.is_empty() {
        problem(
            "solution",
            "is empty: give the lines a learner would type, as a list of connections, each a list of lines".into(),
        );
    }
    for (c, steps) in solution.connections.iter().enumerate() {
        if steps.is_empty() {
            problem(
                &format!("solution[{c}]"),
                "a connection with nothing typed; leave it out".into(),
            );
        }
        for (s, step) in steps.iter().enumerate() {
            let field = format!("solution[{c}][{s}]");
            match step {
                Step::Send(lines) if lines.is_empty() => {
                    problem(&field, "a pipeline needs at least one line".into())
                }
                Step::Send(lines) => {
                    if lines.iter().any(|l| l.contains(['\r', '\n'])) {
                        problem(
                            &field,
                            "a line must not contain a line break; give each line separately"
                                .into(),
                        );
                    }
                }
                Step::Wait(0) => problem(&field, "wait must be at least 1 second".into()),
                Step::Wait(_) => {}
            }
        }
    }
}

/// Checks a condition's values; `world` is `None` when the lesson's
/// settings are broken (addresses are then not looked up).
fn check_condition(
    condition: &Condition,
    field: &str,
    world: Option<&smtplab_engine::World>,
    in_sequence: bool,
) -> FieldProblems {
    let mut problems: FieldProblems = Vec::new();
    let mut problem = |name: &str, message: String| {
        let path = if name.is_empty() {
            field.to_owned()
        } else {
            format!("{field}.{name}")
        };
        problems.push((path, message));
    };
    let check_code = |code: u16, problem: &mut dyn FnMut(&str, String)| {
        if !(200..=599).contains(&code) {
            problem(
                "code",
                format!("{code} is not an SMTP reply code (200 to 599)"),
            );
        }
    };
    match condition {
        Condition::Delivered(check) => check_delivered(check, world, &mut problem),
        Condition::ReplySeen { code, .. } => check_code(*code, &mut problem),
        Condition::CommandAnswered {
            argument_contains,
            code,
            ..
        } => {
            if let Some(code) = code {
                check_code(*code, &mut problem);
            }
            if argument_contains
                .as_ref()
                .is_some_and(|a| a.trim().is_empty())
            {
                problem(
                    "argument_contains",
                    "empty text matches anything; leave the field out".into(),
                );
            }
        }
        Condition::Sequence { steps } => {
            if steps.len() < 2 {
                problem("steps", "a sequence needs at least two steps".into());
            }
            for (index, step) in steps.iter().enumerate() {
                let path = format!("{field}.steps[{index}]");
                problems.extend(check_condition(step, &path, world, true));
            }
        }
        Condition::Authenticated { user: Some(user) } => {
            if let Some(world) = world {
                if world.user(user).is_none_or(|u| u.password.is_none()) {
                    problem(
                        "user",
                        format!("`{user}` has no account (a user with a password) in this lesson's world"),
                    );
                }
            }
        }
        Condition::MaxCommands { max } => {
            if in_sequence {
                problem(
                    "",
                    "max_commands is a limit over the whole attempt; it cannot be a step of a sequence".into(),
                );
            }
            if *max == 0 {
                problem("max", "must be at least 1".into());
            }
        }
        Condition::Pipelined { min_commands } => {
            if *min_commands < 2 {
                problem(
                    "min_commands",
                    "must be at least 2: one command alone is not pipelining".into(),
                );
            }
        }
        Condition::Authenticated { user: None }
        | Condition::TransactionReset { .. }
        | Condition::TlsStarted {}
        | Condition::QuitCleanly {} => {}
    }
    problems
}

fn check_delivered(
    check: &DeliveredCheck,
    world: Option<&smtplab_engine::World>,
    problem: &mut impl FnMut(&str, String),
) {
    for (name, list) in [("to", &check.to), ("not_to", &check.not_to)] {
        for (index, address) in list.iter().enumerate() {
            let field = if list.len() == 1 {
                name.to_owned()
            } else {
                format!("{name}[{index}]")
            };
            if let Some(world) = world {
                if let Err(message) = resolve_target(world, address) {
                    problem(&field, message);
                }
            }
        }
    }
    if let Some(world) = world {
        let to: Vec<Target> = check
            .to
            .iter()
            .filter_map(|a| resolve_target(world, a).ok())
            .collect();
        let not_to: Vec<Target> = check
            .not_to
            .iter()
            .filter_map(|a| resolve_target(world, a).ok())
            .collect();
        let overlaps = to.iter().any(|t| {
            not_to.iter().any(|n| match (t, n) {
                (Target::Local(a), Target::Local(b)) => a.iter().any(|user| b.contains(user)),
                (Target::Remote(a), Target::Remote(b)) => a.eq_ignore_ascii_case(b),
                _ => false,
            })
        });
        if overlaps {
            problem(
                "not_to",
                "names a mailbox that `to` requires, so the goal could never be met".into(),
            );
        }
    }
    for (name, value) in [
        ("subject_contains", &check.subject_contains),
        ("from_header_contains", &check.from_header_contains),
        ("to_header_contains", &check.to_header_contains),
        ("body_contains", &check.body_contains),
        ("mail_parameter", &check.mail_parameter),
    ] {
        if value.as_ref().is_some_and(|v| v.trim().is_empty()) {
            problem(
                name,
                "empty text matches anything; leave the field out".into(),
            );
        }
    }
    if let Some(line) = &check.body_has_line {
        if line.contains(['\r', '\n']) {
            problem("body_has_line", "must be a single line".into());
        }
    }
    if let Some(from) = &check.envelope_from {
        let bare = from.trim();
        let bare = bare
            .strip_prefix('<')
            .and_then(|f| f.strip_suffix('>'))
            .unwrap_or(bare);
        let valid = bare.is_empty()
            || smtplab_engine::address::parse_mailbox(bare).is_ok_and(|m| !m.domain.is_empty());
        if !valid {
            problem(
                "envelope_from",
                format!(
                    "`{from}` is not an address like alice@example.com (or <> for the null sender)"
                ),
            );
        }
    }
}

/// The lesson's settings: preset, merged changes, added names, and a
/// refusal for each disabled command. Errors are (field, message).
fn resolve_settings(spec: &ServerSpec, disabled: &[Verb]) -> Result<Settings, (String, String)> {
    let base = Settings::preset(&spec.preset).ok_or_else(|| {
        let known: Vec<&str> = PRESETS.iter().map(|(name, _)| *name).collect();
        (
            "server.preset".to_owned(),
            format!(
                "unknown preset `{}` (known: {})",
                spec.preset,
                known.join(", ")
            ),
        )
    })?;
    let mut profile = merge_into(&base.profile, &spec.profile, "server.profile")?;
    let mut world = merge_into(&base.world, &spec.world, "server.world")?;
    world.users.extend(spec.add_users.iter().cloned());
    world.aliases.extend(spec.add_aliases.iter().cloned());
    world.lists.extend(spec.add_lists.iter().cloned());
    let refusals = disabled.iter().map(|verb| RejectRule {
        verb: *verb,
        code: 502,
        enhanced: Some(EnhancedCode::new(5, 5, 1)),
        text: DISABLED_COMMAND_TEXT.into(),
        times: None,
    });
    // First, so a disabled command is refused before any other staged fault.
    profile.faults.reject.splice(0..0, refusals);
    let settings = Settings { profile, world };
    settings
        .validate()
        .map_err(|error| ("server".to_owned(), error.to_string()))?;
    Ok(settings)
}

/// `base` with `changes` merged in (objects merge key by key, anything else
/// replaces). A key the base does not have is an unknown setting.
fn merge_into<T: Serialize + DeserializeOwned>(
    base: &T,
    changes: &Map<String, Value>,
    field: &str,
) -> Result<T, (String, String)> {
    let mut value =
        serde_json::to_value(base).map_err(|error| (field.to_owned(), error.to_string()))?;
    if let Value::Object(target) = &mut value {
        merge_object(target, changes, field)?;
    }
    deserialize_tracked(value).map_err(|(path, error)| {
        let at = if path == "." {
            field.to_owned()
        } else {
            format!("{field}.{path}")
        };
        (at, error.to_string())
    })
}

/// Deserializes `T`, saying where in the document an error is
/// (`lessons[2].goals[0]`).
#[cfg(feature = "field-paths")]
fn deserialize_tracked<'de, T, D>(deserializer: D) -> Result<T, (String, D::Error)>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    serde_path_to_error::deserialize(deserializer)
        .map_err(|error| (error.path().to_string(), error.into_inner()))
}

/// Without the `field-paths` feature (the browser build, where every
/// kilobyte is downloaded) errors carry serde's message and, for text, its
/// line and column, but no path.
#[cfg(not(feature = "field-paths"))]
fn deserialize_tracked<'de, T, D>(deserializer: D) -> Result<T, (String, D::Error)>
where
    T: serde::Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    T::deserialize(deserializer).map_err(|error| (".".to_owned(), error))
}

fn merge_object(
    target: &mut Map<String, Value>,
    changes: &Map<String, Value>,
    field: &str,
) -> Result<(), (String, String)> {
    for (key, change) in changes {
        let path = format!("{field}.{key}");
        let Some(existing) = target.get_mut(key) else {
            let mut known: Vec<&str> = target.keys().map(String::as_str).collect();
            known.sort_unstable();
            return Err((
                path,
                format!("unknown setting `{key}` (known: {})", known.join(", ")),
            ));
        };
        match (existing, change) {
            (Value::Object(existing), Value::Object(change)) => {
                merge_object(existing, change, &path)?;
            }
            (existing, change) => *existing = change.clone(),
        }
    }
    Ok(())
}
