//! `smtplab explain FILE`: explains every line of an SMTP transcript (swaks
//! output, a telnet/nc copy, C:/S: lines, a Postfix or Exim log, the
//! sandbox's export) and, on request, replays it against the simulated
//! server.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use smtplab_engine::profile::PRESETS;
use smtplab_engine::Settings;
use smtplab_explain::{render, replay, ExplainedLine, Explainer, Severity, Summary};

/// Input is read in pieces of this size, so a huge file is never held
/// whole and the explainer can stop early.
const READ_CHUNK: usize = 64 * 1024;

/// Options of `smtplab explain`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "The format is detected line by line; lines no format claims are shown as unknown, \
                  never dropped. Tags: C> command, S< reply, C. message content, C* AUTH data, \
                  -- tool output, lg log entry, ?? unknown."
)]
pub struct ExplainArgs {
    /// The transcript; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Print one JSON object (lines, summary, replay) instead of text.
    #[arg(long)]
    pub json: bool,

    /// Also send the client's lines to the simulated server with this
    /// preset, and show its answers beside the transcript's.
    #[arg(long, value_name = "PROFILE", value_parser = PossibleValuesParser::new(PRESETS.iter().map(|(name, _)| *name)))]
    pub replay: Option<String>,

    /// Write each line's end (\r\n or \n) after it.
    #[arg(long)]
    pub line_ends: bool,
}

/// Runs `smtplab explain`.
pub fn run(args: ExplainArgs) -> anyhow::Result<()> {
    let name = args.file.display().to_string();
    let mut input: Box<dyn Read> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(&args.file).map_err(|e| anyhow::anyhow!("cannot read {name}: {e}"))?)
    };
    let keep = args.json || args.replay.is_some();
    let mut kept: Vec<ExplainedLine> = Vec::new();
    let mut findings = [0_usize; 3];
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut explainer = Explainer::new();
    let mut buffer = vec![0_u8; READ_CHUNK];
    let mut emit = |lines: Vec<ExplainedLine>, out: &mut dyn Write| -> io::Result<()> {
        for line in lines {
            for finding in &line.findings {
                findings[severity_index(finding.severity)] += 1;
            }
            if !args.json {
                let mut text = String::new();
                render::line(&mut text, &line, args.line_ends);
                out.write_all(text.as_bytes())?;
            }
            if keep {
                kept.push(line);
            }
        }
        Ok(())
    };
    let failed = |e: io::Error| anyhow::anyhow!("cannot write the explanation: {e}");
    while !explainer.is_stopped() {
        let read = input
            .read(&mut buffer)
            .map_err(|e| anyhow::anyhow!("cannot read {name}: {e}"))?;
        if read == 0 {
            break;
        }
        emit(explainer.feed(&buffer[..read]), &mut out).map_err(failed)?;
    }
    let (last, mut summary) = explainer.finish();
    emit(last, &mut out).map_err(failed)?;
    if summary.stopped {
        if let Ok(metadata) = std::fs::metadata(&args.file) {
            summary
                .notices
                .push(format!("{name} is {} octets in all.", metadata.len()));
        }
    }
    if summary.lines == 0 && !summary.notices.is_empty() {
        anyhow::bail!("{name}: {}", summary.notices.join(" "));
    }
    finish(&args, &kept, &summary, findings, &mut out).map_err(failed)
}

fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Advice => 2,
    }
}

fn finish(
    args: &ExplainArgs,
    lines: &[ExplainedLine],
    summary: &Summary,
    findings: [usize; 3],
    out: &mut dyn Write,
) -> io::Result<()> {
    let steps = args.replay.as_deref().map(|profile| {
        let settings = Settings::preset(profile).unwrap_or_default();
        replay::replay(lines, settings, 0)
    });
    if args.json {
        let json = serde_json::json!({ "lines": lines, "summary": summary, "replay": steps });
        writeln!(out, "{json:#}")?;
        return out.flush();
    }
    let mut text = String::new();
    render::summary(&mut text, summary, findings);
    if let (Some(steps), Some(profile)) = (steps, args.replay.as_deref()) {
        render::replay(&mut text, &steps, profile);
    }
    out.write_all(text.as_bytes())?;
    out.flush()
}
