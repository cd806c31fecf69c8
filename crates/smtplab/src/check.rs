//! `smtplab check`: replays students' exported attempts against a lesson
//! pack through the same engine and checker as the browser, and prints per
//! file which goals were met. Everything from a student's file (name,
//! commands, file name) is printed escaped ([`crate::escape`]), so a
//! crafted attempt cannot rewrite the teacher's screen.

use std::path::{Path, PathBuf};

use smtplab_lessons::{builtin, Attempt, GoalResult, Pack, Report, BUILTIN_PACK_ID};

use crate::escape::untrusted;

/// Why one attempt file could not be checked.
#[derive(Debug, thiserror::Error)]
enum FileError {
    #[error("cannot read: {0}")]
    Read(std::io::Error),
    #[error("not an attempt file: {0}")]
    NotAnAttempt(String),
    #[error("{0}")]
    Replay(String),
}

/// Options of `smtplab check`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The pack and attempt formats are described in docs/lessons.md. \
                        The exit status is 0 only when every attempt passed."
)]
pub struct CheckArgs {
    /// The lesson pack: a JSON file, or `builtin` for the built-in
    /// curriculum. Given alone, the pack is validated and its lessons listed.
    #[arg(value_name = "PACK")]
    pub pack: String,

    /// Attempt files exported by students.
    #[arg(value_name = "ATTEMPT")]
    pub attempts: Vec<PathBuf>,

    /// Also print each replayed conversation.
    #[arg(long)]
    pub transcript: bool,
}

/// Checks every attempt; an attempt that fails a goal or a file that cannot
/// be read does not stop the others, but makes the result an error.
pub fn run(args: CheckArgs) -> anyhow::Result<()> {
    let loaded;
    let pack: &Pack = if args.pack == BUILTIN_PACK_ID {
        builtin()
    } else {
        loaded = load_pack(Path::new(&args.pack))?;
        &loaded
    };
    if args.attempts.is_empty() {
        print_pack(pack);
        return Ok(());
    }
    let mut tally = Tally::default();
    for path in &args.attempts {
        tally.count(check_and_print(pack, path, args.transcript));
    }
    let summary = tally.summary();
    println!("{summary}");
    if tally.passed == args.attempts.len() {
        Ok(())
    } else {
        Err(anyhow::Error::msg(summary))
    }
}

/// How one attempt file came out.
enum Outcome {
    Passed,
    NotPassed,
    SolutionShown,
    Unreadable,
}

/// Attempts counted by outcome, for the summary line.
#[derive(Default)]
struct Tally {
    passed: usize,
    not_passed: usize,
    solution_shown: usize,
    unreadable: usize,
}

impl Tally {
    fn count(&mut self, outcome: Outcome) {
        *match outcome {
            Outcome::Passed => &mut self.passed,
            Outcome::NotPassed => &mut self.not_passed,
            Outcome::SolutionShown => &mut self.solution_shown,
            Outcome::Unreadable => &mut self.unreadable,
        } += 1;
    }

    /// `3 attempts: 1 passed, 1 did not pass, 1 could not be checked`.
    fn summary(&self) -> String {
        let total = self.passed + self.not_passed + self.solution_shown + self.unreadable;
        let mut summary = format!(
            "{total} attempt{}: {} passed, {} did not pass",
            if total == 1 { "" } else { "s" },
            self.passed,
            self.not_passed
        );
        if self.solution_shown > 0 {
            summary.push_str(&format!(", {} solution shown", self.solution_shown));
        }
        if self.unreadable > 0 {
            summary.push_str(&format!(", {} could not be checked", self.unreadable));
        }
        summary
    }
}

/// Checks one file and prints its report (or why it could not be checked).
fn check_and_print(pack: &Pack, path: &Path, transcript: bool) -> Outcome {
    let shown_path = path.display().to_string();
    let shown_path = untrusted(&shown_path);
    match check_file(pack, path) {
        Ok(report) => {
            let report = escaped(report);
            print!("{shown_path}: {report}");
            if transcript {
                println!("{}", report.transcript);
            }
            if report.solution_shown {
                Outcome::SolutionShown
            } else if report.passed() {
                Outcome::Passed
            } else {
                Outcome::NotPassed
            }
        }
        Err(error) => {
            let message = error.to_string();
            eprintln!("smtplab: error: {shown_path}: {}", untrusted(&message));
            Outcome::Unreadable
        }
    }
}

/// The report with every piece of text escaped; the transcript keeps its
/// line breaks, each line escaped.
fn escaped(report: Report) -> Report {
    let shown = |text: &str| untrusted(text).to_string();
    Report {
        pack: shown(&report.pack),
        lesson: shown(&report.lesson),
        title: shown(&report.title),
        student: report.student.as_deref().map(shown),
        goals: report
            .goals
            .iter()
            .map(|goal| GoalResult {
                description: shown(&goal.description),
                ..goal.clone()
            })
            .collect(),
        transcript: report
            .transcript
            .split('\n')
            .map(shown)
            .collect::<Vec<_>>()
            .join("\n"),
        ..report
    }
}

fn load_pack(path: &Path) -> anyhow::Result<Pack> {
    let cannot_read = |error: std::io::Error| {
        anyhow::anyhow!("{}: cannot read the pack: {error}", path.display())
    };
    // The size first, so an enormous file is refused without reading it.
    let size = std::fs::metadata(path).map_err(cannot_read)?.len();
    smtplab_lessons::pack::check_size(usize::try_from(size).unwrap_or(usize::MAX))
        .map_err(|error| pack_error(path, &error))?;
    let text = std::fs::read_to_string(path).map_err(cannot_read)?;
    Pack::from_json(&text).map_err(|error| pack_error(path, &error))
}

fn pack_error(path: &Path, error: &smtplab_lessons::PackError) -> anyhow::Error {
    let problems: Vec<String> = error
        .problems
        .iter()
        .map(|problem| format!("  {}", untrusted(&problem.to_string())))
        .collect();
    anyhow::anyhow!(
        "{}: the pack does not load:\n{}",
        path.display(),
        problems.join("\n")
    )
}

fn check_file(pack: &Pack, path: &Path) -> Result<Report, FileError> {
    let text = std::fs::read_to_string(path).map_err(FileError::Read)?;
    let attempt =
        Attempt::from_text(&text).map_err(|error| FileError::NotAnAttempt(error.to_string()))?;
    pack.replay(&attempt)
        .map_err(|error| FileError::Replay(error.to_string()))
}

fn print_pack(pack: &Pack) {
    println!(
        "{}: {} by {}, {} lesson{}, every reference solution meets its goals",
        untrusted(pack.id()),
        untrusted(pack.title()),
        untrusted(pack.author()),
        pack.lessons().len(),
        if pack.lessons().len() == 1 { "" } else { "s" }
    );
    let width = pack
        .lessons()
        .iter()
        .map(|lesson| lesson.id().len())
        .max()
        .unwrap_or(0);
    for lesson in pack.lessons() {
        println!(
            "  {:width$}  {} ({} goal{})",
            lesson.id(),
            untrusted(lesson.title()),
            lesson.goals().len(),
            if lesson.goals().len() == 1 { "" } else { "s" }
        );
    }
}
