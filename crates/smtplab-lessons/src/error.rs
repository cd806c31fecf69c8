//! Errors for packs that cannot be loaded: each problem names the lesson,
//! the field and what is wrong, so a teacher can fix the file.

use core::fmt;

/// One thing wrong with a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The lesson id (or `lessons[N]` when the lesson has no usable id);
    /// `None` for the pack's own fields.
    pub lesson: Option<String>,
    /// The field, as a path inside the lesson (or pack): `goals[1].to`.
    pub field: String,
    /// What is wrong.
    pub message: String,
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
        write!(f, ": {}", self.message)
    }
}

/// Why a pack was not loaded; nothing of it was. Holds every problem found
/// (a file that does not parse has just the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    /// At least one problem.
    pub problems: Vec<Problem>,
}

impl PackError {
    pub(crate) fn single(lesson: Option<String>, field: &str, message: impl Into<String>) -> Self {
        Self {
            problems: vec![Problem {
                lesson,
                field: field.to_owned(),
                message: message.into(),
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
