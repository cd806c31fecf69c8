//! The shell without the network (the console widget's build, which
//! leaves the network out of its bundle): every other host is unknown,
//! as in the one-server sandbox.

use smtplab_engine::network::simulation::Simulation;
use smtplab_engine::Output;

use super::{Lab, LineKind};

/// No network in this build: a type with no values, so the lab's
/// network field costs no code.
#[derive(Debug)]
pub(super) enum OwnNetwork {}

/// No network in this build.
pub(super) fn default_simulation() -> Option<Box<OwnNetwork>> {
    None
}

/// The port a `telnet`/`nc` port word names.
pub(super) fn port_number(word: &str) -> Option<u16> {
    match word {
        "smtp" => Some(25),
        "submission" => Some(587),
        _ => word.parse().ok(),
    }
}

impl Lab {
    /// No network in this build.
    pub fn simulation(&self) -> Option<&Simulation> {
        None
    }

    pub(super) fn on_network(&self) -> bool {
        false
    }

    pub(super) fn sync_network(&mut self, _now: u64) {}

    pub(super) fn advance_own_network(&mut self, _seconds: u64) {}

    pub(super) fn run_dns_tool(&mut self, _words: &[&str], _now: u64) -> bool {
        false
    }

    pub(super) fn connect_network(&mut self, program: &str, target: &str, port: u16) {
        self.push(
            LineKind::ShellOutput,
            format!("{program}: could not resolve {target}/{port}: Name or service not known"),
        );
        self.push(
            LineKind::ShellOutput,
            crate::i18n::tr("(in this sandbox only localhost and mail.example.com exist)"),
        );
    }

    pub(super) fn feed_remote(&mut self, _bytes: &[u8]) -> Vec<Output> {
        Vec::new()
    }

    pub(super) fn report_news(&mut self) {}

    pub(super) fn report_next_run(&mut self) {}
}
