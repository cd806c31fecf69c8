//! `smtplab`: the command line of the SMTP teaching sandbox; each subcommand
//! lives in its own module and is one variant of [`Command`].

mod check;
mod connection;
mod escape;
mod explain;
mod limits;
mod log;
mod network;
mod probe;
mod save;
mod serve;
mod settings_file;
mod tls;
mod transport;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "smtplab",
    version,
    about = "An SMTP teaching sandbox: a simulated mail server that never delivers mail anywhere"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the simulated server over real TCP, for telnet, nc, swaks,
    /// smtplib, curl or a mail client under test.
    Serve(serve::ServeArgs),
    /// Replay students' exported lesson attempts and report which goals
    /// each met.
    Check(check::CheckArgs),
    /// Explain every line of an SMTP transcript or mail log.
    Explain(explain::ExplainArgs),
    /// Check a real SMTP server against the RFCs and for SMTP smuggling.
    Probe(probe::ProbeArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let log = log::init();
    let result: anyhow::Result<()> = match cli.command {
        Command::Serve(args) => serve::run(args).map_err(Into::into),
        Command::Check(args) => check::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Probe(args) => probe::run(args),
    };
    // The log is written out before the error line.
    drop(log);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("smtplab: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
