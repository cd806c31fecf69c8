//! `smtplab check`: replays students' exported attempts against a lesson
//! pack through the same engine and checker as the browser, and prints per
//! file which goals were met.

use std::path::{Path, PathBuf};

use smtplab_lessons::{builtin, Attempt, Pack, BUILTIN_PACK_ID};

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
pub fn run(args: CheckArgs) -> Result<(), String> {
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
    let mut passed = 0;
    let mut not_passed = 0;
    let mut solution_shown = 0;
    let mut unreadable = 0;
    for path in &args.attempts {
        match check_file(pack, path) {
            Ok(report) => {
                print!("{}: {report}", path.display());
                if args.transcript {
                    println!("{}", report.transcript);
                }
                if report.solution_shown {
                    solution_shown += 1;
                } else if report.passed() {
                    passed += 1;
                } else {
                    not_passed += 1;
                }
            }
            Err(message) => {
                eprintln!("smtplab: error: {}: {message}", path.display());
                unreadable += 1;
            }
        }
    }
    let total = args.attempts.len();
    let mut summary = format!(
        "{total} attempt{}: {passed} passed, {not_passed} did not pass",
        if total == 1 { "" } else { "s" }
    );
    if solution_shown > 0 {
        summary.push_str(&format!(", {solution_shown} solution shown"));
    }
    if unreadable > 0 {
        summary.push_str(&format!(", {unreadable} could not be checked"));
    }
    println!("{summary}");
    if passed == total {
        Ok(())
    } else {
        Err(summary)
    }
}

fn load_pack(path: &Path) -> Result<Pack, String> {
    let cannot_read =
        |error: std::io::Error| format!("{}: cannot read the pack: {error}", path.display());
    // The size first, so an enormous file is refused without reading it.
    let size = std::fs::metadata(path).map_err(cannot_read)?.len();
    smtplab_lessons::pack::check_size(usize::try_from(size).unwrap_or(usize::MAX))
        .map_err(|error| pack_error(path, &error))?;
    let text = std::fs::read_to_string(path).map_err(cannot_read)?;
    Pack::from_json(&text).map_err(|error| pack_error(path, &error))
}

fn pack_error(path: &Path, error: &smtplab_lessons::PackError) -> String {
    let problems: Vec<String> = error
        .problems
        .iter()
        .map(|problem| format!("  {problem}"))
        .collect();
    format!(
        "{}: the pack does not load:\n{}",
        path.display(),
        problems.join("\n")
    )
}

fn check_file(pack: &Pack, path: &Path) -> Result<smtplab_lessons::Report, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("cannot read: {error}"))?;
    let attempt =
        Attempt::from_text(&text).map_err(|error| format!("not an attempt file: {error}"))?;
    pack.replay(&attempt).map_err(|error| error.to_string())
}

fn print_pack(pack: &Pack) {
    println!(
        "{}: {} by {}, {} lesson{}, every reference solution meets its goals",
        pack.id(),
        pack.title(),
        pack.author(),
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
            lesson.title(),
            lesson.goals().len(),
            if lesson.goals().len() == 1 { "" } else { "s" }
        );
    }
}
