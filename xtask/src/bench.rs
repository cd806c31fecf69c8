//! `cargo xtask bench-web`: web speed benchmarks (the place to add more of them).
//!
//! Today: `e2e/timing.mjs`, navigation to usable console (the "Command" input
//! visible and enabled) for `dist/` vs. the blank Yew baseline, median of
//! `runs` cold loads each, budget 1.5x; and `e2e/console-latency.mjs`, the
//! time from Enter to the reply painted with 5,000 and with 20,000 lines in
//! the console, budget one frame ([`FRAME_BUDGET_MS`]).

use crate::build;
use crate::util::{banner, command, run, Result};

/// The console's budget from Enter to the reply painted: one frame at 60 Hz.
pub const FRAME_BUDGET_MS: &str = "16";

/// Transcript lengths the console latency is measured at.
const CONSOLE_LINES: &[&str] = &["5000", "20000"];

pub fn bench_web(runs: u32) -> Result {
    build::build()?;
    build::build_baseline()?;
    banner("bench-web: navigation to usable console (e2e/timing.mjs)");
    run(
        "timing benchmark",
        command("node").args(["e2e/timing.mjs", "--runs", &runs.to_string()]),
    )?;
    for lines in CONSOLE_LINES {
        banner(&format!(
            "bench-web: Enter to reply painted, {lines} transcript lines (e2e/console-latency.mjs)"
        ));
        run(
            "console latency benchmark",
            command("node").args([
                "e2e/console-latency.mjs",
                "--runs",
                &runs.to_string(),
                "--lines",
                lines,
                "--budget-ms",
                FRAME_BUDGET_MS,
            ]),
        )?;
    }
    Ok(())
}
