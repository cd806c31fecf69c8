//! Packs: the versioned JSON file teachers write, loaded and validated
//! whole (every lesson checked, every reference solution run), so a pack
//! either loads whole or not at all; and replaying an attempt against it.

use serde::Deserialize;
use serde_json::Value;

use crate::attempt::{Attempt, BYTE_ORDER_MARK};
use crate::error::{PackError, Problem, Reason};
use crate::lesson::{check_id, deserialize_tracked, validate_lesson, FieldProblems, Lesson};
use crate::run::{replay, run_script, ReplayError, Report};

/// The pack format version this crate reads and writes.
pub const FORMAT_VERSION: u64 = 1;

/// The id of the built-in curriculum, reserved for it.
pub const BUILTIN_PACK_ID: &str = "builtin";

/// The largest pack accepted, in bytes of JSON: ample for any real
/// curriculum (the built-in one is about 23 KB), and small enough that a
/// pasted or uploaded file cannot make the browser or `smtplab check`
/// spend long parsing and replaying it.
pub const MAX_PACK_BYTES: usize = 1024 * 1024;

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
        let mut problems: Vec<Problem> = check_pack_fields(&file, builtin)
            .into_iter()
            .map(|(field, reason)| Problem {
                lesson: None,
                field,
                reason,
            })
            .collect();
        let lessons = load_lessons(file.lessons, &mut problems);
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
        self.lessons.iter().find(|lesson| lesson.id() == id)
    }

    /// Whether this is the built-in curriculum.
    pub fn is_builtin(&self) -> bool {
        self.id == BUILTIN_PACK_ID
    }

    /// Finds the attempt's lesson in this pack and replays it.
    pub fn replay(&self, attempt: &Attempt) -> Result<Report, ReplayError> {
        if attempt.pack != self.id() {
            return Err(ReplayError::WrongPack {
                attempt: attempt.pack.clone(),
                pack: self.id().to_owned(),
            });
        }
        let lesson = self
            .lesson(&attempt.lesson)
            .ok_or_else(|| ReplayError::UnknownLesson {
                lesson: attempt.lesson.clone(),
                pack: self.id().to_owned(),
            })?;
        Ok(replay(lesson, attempt))
    }
}

/// The pack's own fields.
fn check_pack_fields(file: &PackFile, builtin: bool) -> FieldProblems {
    let mut problems: FieldProblems = Vec::new();
    if let Err(reason) = check_id(&file.id) {
        problems.push(("id".into(), reason));
    } else if file.id == BUILTIN_PACK_ID && !builtin {
        problems.push(("id".into(), Reason::ReservedId(BUILTIN_PACK_ID.into())));
    }
    for (field, value) in [("title", &file.title), ("author", &file.author)] {
        if value.trim().is_empty() {
            problems.push((field.into(), Reason::Blank));
        }
    }
    if file.lessons.is_empty() {
        problems.push(("lessons".into(), Reason::NoLessons));
    }
    problems
}

/// Validates every lesson, adding its problems (named by lesson) to
/// `problems`; a lesson with none has its reference solution run.
fn load_lessons(file_lessons: Vec<Lesson>, problems: &mut Vec<Problem>) -> Vec<Lesson> {
    let mut lessons: Vec<Lesson> = Vec::with_capacity(file_lessons.len());
    for (index, mut lesson) in file_lessons.into_iter().enumerate() {
        let name = if check_id(lesson.id()).is_ok() {
            lesson.id().to_owned()
        } else {
            format!("lessons[{index}]")
        };
        let mut lesson_problems = validate_lesson(&mut lesson);
        if let Some(first) = lessons.iter().position(|l| l.id() == lesson.id()) {
            lesson_problems.insert(0, ("id".into(), Reason::DuplicateLessonId { first }));
        }
        if lesson_problems.is_empty() {
            lesson_problems = solution_problems(&lesson);
        }
        problems.extend(lesson_problems.into_iter().map(|(field, reason)| Problem {
            lesson: Some(name.clone()),
            field,
            reason,
        }));
        lessons.push(lesson);
    }
    lessons
}

/// The goals the lesson's reference solution leaves unmet.
fn solution_problems(lesson: &Lesson) -> FieldProblems {
    let report = run_script(lesson, lesson.solution());
    report
        .unmet_descriptions()
        .into_iter()
        .map(|(index, description)| {
            let description = description.to_owned();
            (
                "solution".into(),
                Reason::SolutionMissesGoal { index, description },
            )
        })
        .collect()
}

/// Refuses a pack of `bytes` bytes over [`MAX_PACK_BYTES`]; a caller
/// reading a file can call it with the file's size before reading it.
pub fn check_size(bytes: usize) -> Result<(), PackError> {
    if bytes > MAX_PACK_BYTES {
        return Err(PackError::single(
            None,
            "",
            Reason::TooLarge {
                bytes,
                limit: MAX_PACK_BYTES,
            },
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
        return Err(PackError::single(None, "", Reason::EmptyPack));
    }
    if !start.starts_with('{') {
        return Err(PackError::single(None, "", Reason::NotAnObject));
    }
    let probe: Probe = serde_json::from_str(text)
        .map_err(|error| PackError::single(None, "", Reason::NotJson(error.to_string())))?;
    match probe.format {
        None => Err(PackError::single(
            None,
            "format",
            Reason::FormatMissing {
                supported: FORMAT_VERSION,
            },
        )),
        Some(Value::Number(n)) if n.as_u64() == Some(FORMAT_VERSION) => Ok(()),
        Some(other) => Err(PackError::single(
            None,
            "format",
            Reason::FormatUnsupported {
                found: other.to_string(),
                supported: FORMAT_VERSION,
            },
        )),
    }
}

/// A parse error at `path` (`lessons[2].goals[0]`), with the lesson named
/// by its id when the text has one there.
fn parse_problem(text: &str, path: &str, error: &serde_json::Error) -> PackError {
    let message = Reason::Shape(error.to_string());
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
