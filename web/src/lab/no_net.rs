//! The shell without the network (the console widget's build, which
//! leaves the network out of its bundle): every other host is unknown,
//! as in the one-server sandbox.

use smtplab_engine::network::simulation::Simulation;
use smtplab_engine::Output;

use super::{Lab, LineKind};
use crate::i18n::{tr, trf};

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

    /// `dig`, `host` and `nslookup` need the network: the page loads it
    /// when it can (then replays the session there); a console without it
    /// (the console widget) says so.
    pub(super) fn run_dns_tool(&mut self, words: &[&str], _now: u64) -> bool {
        let Some(tool @ ("dig" | "host" | "nslookup")) = words.first().copied() else {
            return false;
        };
        if !self.ask_for_network() {
            self.push(
                LineKind::ShellOutput,
                trf(
                    "{}: this console has no mail network, so there is no DNS to ask",
                    &[tool],
                ),
            );
            self.say_there_is_no_network();
        }
        true
    }

    pub(super) fn connect_network(&mut self, program: &str, target: &str, port: u16) {
        if self.ask_for_network() {
            return;
        }
        self.push(
            LineKind::ShellOutput,
            format!("{program}: could not resolve {target}/{port}: Name or service not known"),
        );
        self.say_there_is_no_network();
    }

    /// What a console without the network (the console widget) says when a
    /// command wants it: which hosts there are, and how a page gets the rest.
    fn say_there_is_no_network(&mut self) {
        let hint = tr("(in this console only localhost and mail.example.com exist; a page that embeds it with <smtp-lab network> has the whole mail network)");
        self.push(LineKind::ShellOutput, hint);
    }

    /// Asks the page for the full app when this page has it to load.
    fn ask_for_network(&mut self) -> bool {
        if crate::full_app::bundle().is_none() {
            return false;
        }
        self.network_asked = true;
        let note =
            tr("(Loading the mail network for this command: the first time takes a moment.)");
        self.push(LineKind::ShellOutput, note);
        true
    }

    /// A DNS change in a replayed script needs the network: the page loads
    /// it when it can (then replays the session there, change included).
    pub(super) fn replay_dns_change(&mut self, change: &str) {
        self.script
            .push(format!("{}{change}", super::DNS_CHANGE_MARK));
        if !self.ask_for_network() {
            self.push(
                LineKind::ShellOutput,
                tr("(This session changed the mail network's DNS, which this page does not have.)"),
            );
        }
    }

    pub(super) fn feed_remote(&mut self, _bytes: &[u8]) -> Vec<Output> {
        Vec::new()
    }

    pub(super) fn report_news(&mut self) {}

    pub(super) fn report_next_run(&mut self) {}
}
