//! The pretend shell's way into the simulated mail network: `telnet HOST
//! PORT` / `nc HOST PORT` to a host other than this machine, `dig`,
//! `host` and `nslookup` answered from the network's DNS, and the news of
//! what the network's queues did, printed when the shell prompt returns.
//!
//! `localhost` (and `mail.example.com`, the name the classic tutorials
//! use) stay the lab's own server, the one the settings panel changes, so
//! everything the one-server sandbox did reads exactly as before.

use smtplab_engine::network::shell::{self, QueryContext};
use smtplab_engine::network::simulation::{ConnectError, LogEntry, NetworkEvent, Simulation};
use smtplab_engine::network::{dns, queue::QueueEvent, Network, ZoneEdit, ZoneEditError};
use smtplab_engine::Output;

use super::{Lab, LineKind, Server};
use crate::i18n::{tr, trf};

/// The seed of the free lab's network (queue ids, session ids).
const NETWORK_SEED: u64 = 10;

/// What the free lab holds as its network.
pub(super) type OwnNetwork = Simulation;

/// The free lab's network: the default one.
pub(super) fn default_simulation() -> Option<Box<OwnNetwork>> {
    let simulation = Simulation::new(Network::default(), 0, NETWORK_SEED).ok()?;
    // The classroom's hosts sign and check mail (SPF, DKIM, DMARC); the
    // sandbox page stays without them, for its download budget.
    #[cfg(feature = "lessons")]
    let simulation = {
        let mut simulation = simulation;
        simulation.set_receiver_checks(std::sync::Arc::new(smtplab_mailauth::MailAuthChecks));
        simulation
    };
    Some(Box::new(simulation))
}

/// The port a `telnet`/`nc` port word names.
pub(super) fn port_number(word: &str) -> Option<u16> {
    match word {
        "smtp" => Some(25),
        "submission" => Some(587),
        "smtps" | "submissions" => Some(465),
        "telnet" => Some(23),
        "http" => Some(80),
        _ => word.parse().ok(),
    }
}

/// What the DNS tools print for `words` (the command first), when it is one.
pub(super) fn dns_tool(network: &Network, words: &[&str], now: u64) -> Option<String> {
    let context = QueryContext {
        now,
        // A query id that changes with the clock, as a real one seems to.
        id: (now % 65_521) as u16,
        elapsed_ms: 0,
    };
    shell::run(network, words, context).map(|output| output.text)
}

/// What telnet (or nc) prints when the connection fails, and a hint.
fn failure_lines(network: &Network, program: &str, error: &ConnectError) -> Vec<String> {
    let telnet = program == "telnet";
    let mut lines = Vec::new();
    match error {
        ConnectError::UnknownHost { name, port } => {
            lines.push(format!("{program}: {error}"));
            lines.push(unknown_host_hint(network, name, *port));
        }
        ConnectError::Refused { address, port } | ConnectError::TimedOut { address, port } => {
            let why = if matches!(error, ConnectError::Refused { .. }) {
                "Connection refused"
            } else {
                "Connection timed out"
            };
            if telnet {
                lines.push(format!("Trying {address}..."));
                lines.push(format!("telnet: {error}"));
            } else {
                lines.push(format!(
                    "{program}: connect to {address} port {port} (tcp) failed: {why}"
                ));
            }
        }
    }
    lines
}

/// Why a name has no address, in a learner's words.
fn unknown_host_hint(network: &Network, name: &str, port: u16) -> String {
    let has_mx = !dns::lookup(network, name, smtplab_engine::network::RecordType::Mx)
        .answers
        .is_empty();
    if has_mx {
        trf("({} has no address of its own: mail for it goes to the hosts its MX records name. Try: dig MX {}, then telnet one of them {})", &[name, name, &port.to_string()])
    } else {
        trf(
            "(no host {} in this network; dig {} shows what DNS knows)",
            &[name, name],
        )
    }
}

/// One network event as the console reports it, if it is news for the
/// learner (the learner's own connections are not).
fn news_line(entry: &LogEntry) -> Option<String> {
    let worth = match &entry.event {
        NetworkEvent::Queue { event, .. } => {
            !matches!(event, QueueEvent::Queued { .. } | QueueEvent::Local { .. })
        }
        NetworkEvent::Filed { .. } | NetworkEvent::Stalled => true,
        NetworkEvent::Connected { .. }
        | NetworkEvent::ConnectFailed { .. }
        | NetworkEvent::Hop { .. } => false,
    };
    if !worth {
        return None;
    }
    // A wait reads better than the Unix time of the next try.
    if let NetworkEvent::Queue {
        host,
        event:
            QueueEvent::Deferred {
                id,
                recipients,
                retry_at,
            },
    } = &entry.event
    {
        let wait = retry_at.saturating_sub(entry.at);
        let to = recipients.join(", ");
        return Some(format!(
            "[mail] {host}: {id}: to {to}: status=deferred, next try in {wait} seconds"
        ));
    }
    Some(format!("[mail] {}", entry.event))
}

/// Reports of every news event in `log`.
pub(super) fn news(log: &[LogEntry]) -> Vec<String> {
    log.iter().filter_map(news_line).collect()
}

impl Lab {
    /// The network this lab talks to: the lesson's, in a lesson that runs
    /// one, else the free lab's (none in a lesson without a network).
    pub fn simulation(&self) -> Option<&Simulation> {
        match &self.server {
            Server::Free(_) => self.network.as_deref(),
            #[cfg(feature = "lessons")]
            Server::Lesson(lesson) => lesson.simulation(),
        }
    }

    /// Whether the open connection goes to a network host (its deliveries
    /// are that host's, not this machine's mailstore's).
    pub(super) fn on_network(&self) -> bool {
        match &self.server {
            Server::Free(_) => self.remote.is_some(),
            #[cfg(feature = "lessons")]
            Server::Lesson(lesson) => lesson.on_network(),
        }
    }

    /// Moves the free network's clock up to `now` (queues fall due as the
    /// learner takes real time); a lesson keeps its own clock.
    pub(super) fn sync_network(&mut self, now: u64) {
        if let (Server::Free(_), Some(network)) = (&self.server, self.network.as_mut()) {
            let behind = now.saturating_sub(network.now());
            if behind > 0 {
                network.advance(behind);
            }
        }
    }

    /// `sleep` in the free lab: the network's queues run.
    pub(super) fn advance_own_network(&mut self, seconds: u64) {
        if let Some(network) = self.network.as_mut() {
            network.advance(seconds);
        }
    }

    /// `dig`, `host`, `nslookup`: whether `words` was one of them.
    pub(super) fn run_dns_tool(&mut self, words: &[&str], now: u64) -> bool {
        if !matches!(words.first(), Some(&("dig" | "host" | "nslookup"))) {
            return false;
        }
        let output = match self.simulation() {
            Some(network) => dns_tool(network.network(), words, now),
            None => Some(tr("(this lesson has no network: there is no DNS to ask)").to_owned()),
        };
        for line in output.unwrap_or_default().lines() {
            self.push(LineKind::ShellOutput, line.to_owned());
        }
        true
    }

    /// `telnet`/`nc` to a network host on `port`.
    pub(super) fn connect_network(&mut self, program: &str, target: &str, port: u16) {
        let opened = match &mut self.server {
            Server::Free(session) => {
                session.take();
                self.remote = None;
                match self.network.as_mut() {
                    Some(network) => network.connect(target, port).map(|mut connection| {
                        let outputs = network.take_outputs(&mut connection);
                        let address = connection.address();
                        self.remote = Some(Box::new(connection));
                        (address, outputs)
                    }),
                    None => Err(ConnectError::UnknownHost {
                        name: target.to_owned(),
                        port,
                    }),
                }
            }
            #[cfg(feature = "lessons")]
            Server::Lesson(lesson) => lesson.connect_to(target, port),
        };
        self.log_reported = self.simulation().map_or(0, |s| s.log().len());
        match opened {
            Ok((address, outputs)) => self.opened(program, target, address, outputs),
            Err(error) => {
                let network = self.simulation().map(|s| s.network().clone());
                let lines = match network {
                    Some(network) => failure_lines(&network, program, &error),
                    None => vec![
                        format!("{program}: {error}"),
                        tr("(in this lesson only localhost exists)").to_owned(),
                    ],
                };
                for line in lines {
                    self.push(LineKind::ShellOutput, line);
                }
            }
        }
    }

    fn opened(
        &mut self,
        program: &str,
        target: &str,
        address: core::net::IpAddr,
        outputs: Vec<Output>,
    ) {
        let telnet = program == "telnet";
        if telnet {
            self.push(LineKind::ShellOutput, format!("Trying {address}..."));
            self.push(LineKind::ShellOutput, format!("Connected to {target}."));
            self.push(LineKind::ShellOutput, "Escape character is '^]'.");
        }
        self.begin_connection(telnet);
        self.show(outputs, None);
    }

    /// Sends bytes on the free lab's network connection.
    pub(super) fn feed_remote(&mut self, bytes: &[u8]) -> Vec<Output> {
        match (self.remote.as_mut(), self.network.as_mut()) {
            (Some(connection), Some(network)) => network.feed(connection, bytes),
            _ => Vec::new(),
        }
    }

    /// Prints what the network's queues did since the console last said.
    pub(super) fn report_news(&mut self) {
        let Some(log) = self.simulation().map(Simulation::log) else {
            return;
        };
        let fresh = news(log.get(self.log_reported..).unwrap_or_default());
        self.log_reported = log.len();
        for line in fresh {
            self.push(LineKind::ShellOutput, line);
        }
    }

    /// After a `sleep` that ran nothing, when the next queue run is.
    pub(super) fn report_next_run(&mut self) {
        let next = self
            .simulation()
            .and_then(|s| s.poll_timeout().map(|due| due.saturating_sub(s.now())));
        if let Some(seconds) = next {
            self.push(
                LineKind::ShellOutput,
                trf(
                    "[mail] a queue still holds mail: its next try is in {} seconds",
                    &[&seconds.to_string()],
                ),
            );
        }
    }
}

/// A change the DNS tab asks for: delete one record, add one, or both
/// (an edit), as zone-file lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DnsChange {
    /// The record to withdraw, as the tab lists it.
    pub delete: Option<String>,
    /// The record to publish, as typed.
    pub add: Option<String>,
}

impl From<&ZoneEdit> for DnsChange {
    /// The DNS tab's change that makes `edit`.
    fn from(edit: &ZoneEdit) -> Self {
        match edit {
            ZoneEdit::Add(record) => Self {
                delete: None,
                add: Some(record.to_string()),
            },
            ZoneEdit::Delete(record) => Self {
                delete: Some(record.to_string()),
                add: None,
            },
        }
    }
}

impl DnsChange {
    /// The edits, in order (the delete first), or the first line that is
    /// not a record.
    fn edits(&self) -> Result<Vec<ZoneEdit>, ZoneEditError> {
        let mut edits = Vec::new();
        if let Some(line) = &self.delete {
            edits.push(ZoneEdit::Delete(
                line.parse().map_err(ZoneEditError::BadRecord)?,
            ));
        }
        if let Some(line) = &self.add {
            edits.push(ZoneEdit::Add(
                line.parse().map_err(ZoneEditError::BadRecord)?,
            ));
        }
        Ok(edits)
    }
}

impl Lab {
    /// Changes the DNS of the network this lab talks to (the lesson's, in
    /// a network lesson: recorded in the attempt), all of `change` or
    /// nothing; the console says what changed.
    pub fn change_dns(&mut self, change: &DnsChange) -> Result<(), ZoneEditError> {
        let edits = change.edits()?;
        let mut trial = self
            .simulation()
            .ok_or(ZoneEditError::NoNetwork)?
            .network()
            .clone();
        for edit in &edits {
            trial.apply_edit(edit)?;
        }
        // What the checks found so far stays true of the mail already filed.
        #[cfg(feature = "lessons")]
        {
            let mut frozen = std::mem::take(&mut self.frozen_checks);
            if let Some(simulation) = self.simulation() {
                super::auth::freeze(simulation, &mut frozen);
            }
            self.frozen_checks = frozen;
        }
        for edit in &edits {
            match &mut self.server {
                Server::Free(_) => {
                    let network = self.network.as_mut().ok_or(ZoneEditError::NoNetwork)?;
                    network.edit_dns(edit)?;
                }
                #[cfg(feature = "lessons")]
                Server::Lesson(lesson) => lesson.edit_dns(edit)?,
            }
            self.push(LineKind::ShellOutput, format!("[dns] {edit}"));
            self.needs_network = true;
            self.script
                .push(format!("{}{edit}", super::DNS_CHANGE_MARK));
        }
        Ok(())
    }

    /// Makes a DNS change a script recorded (`add LINE` / `delete LINE`,
    /// after [`super::DNS_CHANGE_MARK`]) again; one that no longer applies
    /// says why in the console and changes nothing.
    pub(super) fn replay_dns_change(&mut self, change: &str) {
        let result = change
            .parse::<ZoneEdit>()
            .and_then(|edit| self.change_dns(&DnsChange::from(&edit)));
        if let Err(problem) = result {
            self.push(
                LineKind::ShellOutput,
                crate::i18n::trf(
                    "[dns] not replayed: {}",
                    &[&crate::components::dns_panel::problem_text(&problem)],
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smtplab_engine::Settings;

    fn lab() -> Lab {
        Lab::new("default", Settings::default())
    }

    fn shown(lab: &Lab) -> Vec<&str> {
        lab.lines.iter().map(|l| l.text.as_str()).collect()
    }

    fn type_all(lab: &mut Lab, lines: &[&str]) {
        for line in lines {
            lab.submit(line, 1_000);
        }
    }

    const SUBMIT: &[&str] = &[
        "telnet smtp.isp.example 587",
        "EHLO pc42.dsl.isp.example",
        "AUTH PLAIN AHlvdQBzZWNyZXQ=",
        "MAIL FROM:<you@isp.example>",
    ];

    #[test]
    fn dig_and_host_answer_from_the_network() {
        let mut lab = lab();
        lab.submit("dig MX example.org", 1_000);
        let answer = shown(&lab).join("\n");
        assert!(answer.contains("status: NOERROR"), "{answer}");
        assert!(answer.contains("MX\t10 mx1.example.org."), "{answer}");
        assert!(answer.contains("MX\t20 mx2.example.org."), "{answer}");
        lab.submit("host nomail.example", 1_000);
        let answer = shown(&lab).join("\n");
        assert!(
            answer.contains("nomail.example mail is handled by 0 ."),
            "{answer}"
        );
        lab.submit("dig TXT nowhere.example", 1_000);
        assert!(shown(&lab).join("\n").contains("status: NXDOMAIN"));
    }

    #[test]
    fn telnet_to_the_mx_delivers_into_that_hosts_mailbox_not_localhost() {
        let mut lab = lab();
        type_all(
            &mut lab,
            &[
                "telnet mx1.example.org 25",
                "EHLO pc42.dsl.isp.example",
                "MAIL FROM:<you@isp.example>",
                "RCPT TO:<bob@example.org>",
                "DATA",
                "Subject: by hand",
                "",
                "hi",
                ".",
                "QUIT",
            ],
        );
        let text = shown(&lab);
        assert_eq!(
            text[1..4],
            [
                "Trying 198.51.100.10...",
                "Connected to mx1.example.org.",
                "Escape character is '^]'."
            ]
        );
        assert!(text[4].starts_with("220 mx1.example.org"), "{text:?}");
        let network = lab.simulation().unwrap();
        assert_eq!(network.mailbox("mx1.example.org", "bob").len(), 1);
        assert!(lab.mailstore.deliveries.is_empty(), "localhost got nothing");
        assert!(!lab.connected());
    }

    #[test]
    fn port_25_refuses_to_relay_and_587_wants_auth_first() {
        let mut lab = lab();
        type_all(
            &mut lab,
            &[
                "telnet smtp.isp.example 25",
                "EHLO x",
                "MAIL FROM:<you@isp.example>",
                "RCPT TO:<bob@example.org>",
            ],
        );
        assert!(lab.lines.last().unwrap().text.starts_with("554 5.7.1"));
        type_all(
            &mut lab,
            &[
                "QUIT",
                "nc smtp.isp.example 587",
                "EHLO x",
                "MAIL FROM:<you@isp.example>",
            ],
        );
        assert!(
            lab.lines.last().unwrap().text.starts_with("530 5.7.0"),
            "{:?}",
            shown(&lab)
        );
    }

    #[test]
    fn a_bounce_is_reported_when_the_prompt_returns_and_filed_for_you() {
        let mut lab = lab();
        type_all(&mut lab, SUBMIT);
        type_all(
            &mut lab,
            &["RCPT TO:<nobody@example.org>", "DATA", "hi", ".", "QUIT"],
        );
        let news: Vec<&str> = shown(&lab)
            .into_iter()
            .filter(|l| l.starts_with("[mail]"))
            .collect();
        assert!(
            news.iter()
                .any(|l| l.contains("nobody@example.org") && l.contains("bounced")),
            "{news:?}"
        );
        let network = lab.simulation().unwrap();
        assert_eq!(network.mailbox("smtp.isp.example", "you").len(), 1);
    }

    #[test]
    fn sleep_runs_the_queues_and_says_when_mail_still_waits() {
        let mut lab = lab();
        type_all(&mut lab, SUBMIT);
        type_all(
            &mut lab,
            &["RCPT TO:<info@down.example>", "DATA", "hi", ".", "QUIT"],
        );
        lab.submit("sleep 60", 1_000);
        let last = lab.lines.last().unwrap().text.clone();
        assert!(
            last.starts_with("[mail] a queue still holds mail: its next try is in"),
            "{last}"
        );
        lab.submit("sleep 2000", 1_000);
        let text = shown(&lab).join("\n");
        assert!(
            text.contains("status=deferred, next try in 3600 seconds"),
            "{text}"
        );
    }

    #[test]
    fn what_the_learner_types_reaches_the_diagram_escaped() {
        let mut lab = lab();
        type_all(
            &mut lab,
            &[
                "telnet mx1.example.org 25",
                "HELO <script>alert(1)</script>",
            ],
        );
        let svg = lab.simulation().unwrap().diagram().to_svg();
        assert!(
            svg.contains("HELO &lt;script&gt;alert(1)&lt;/script&gt;"),
            "{svg}"
        );
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn hosts_that_do_not_answer_fail_as_telnet_says() {
        let mut lab = lab();
        lab.submit("telnet mail.down.example 25", 1_000);
        assert_eq!(
            shown(&lab)[1..],
            [
                "Trying 192.0.2.25...",
                "telnet: Unable to connect to remote host: Connection timed out"
            ]
        );
        lab.submit("telnet nowhere.example smtp", 1_000);
        assert!(shown(&lab)
            .contains(&"telnet: could not resolve nowhere.example/25: Name or service not known"));
        lab.submit("nc mx1.example.org 587", 1_000);
        assert!(shown(&lab)
            .contains(&"nc: connect to 198.51.100.10 port 587 (tcp) failed: Connection refused"));
        assert!(!lab.connected());
    }

    #[test]
    fn a_dns_change_applies_whole_or_not_at_all_and_the_console_says_so() {
        let mut lab = lab();
        let old = "example.org. 3600 IN TXT \"v=spf1 mx -all\"";
        let change = DnsChange {
            delete: Some(old.to_owned()),
            add: Some("example.org. 3600 IN TXT \"v=spf1 mx ~all\"".to_owned()),
        };
        lab.change_dns(&change).unwrap();
        assert_eq!(
            shown(&lab)[shown(&lab).len() - 2..],
            [
                format!("[dns] delete {old}"),
                "[dns] add example.org. 3600 IN TXT \"v=spf1 mx ~all\"".to_owned()
            ]
        );
        lab.submit("dig TXT example.org", 1_000);
        assert!(shown(&lab).join("\n").contains("v=spf1 mx ~all"));
        // The old line is gone, so this edit's delete fails, and its add
        // (fine on its own) is not made either.
        let lines = lab.lines.len();
        let before = lab.simulation().unwrap().network().clone();
        let stale = DnsChange {
            delete: Some(old.to_owned()),
            add: Some("example.org. 3600 IN TXT \"hello\"".to_owned()),
        };
        let error = lab.change_dns(&stale).unwrap_err();
        assert!(matches!(error, ZoneEditError::NotFound(_)), "{error}");
        assert_eq!(lab.simulation().unwrap().network(), &before);
        assert_eq!(lab.lines.len(), lines, "nothing said");
        let typo = DnsChange {
            delete: None,
            add: Some("example.org. 3600 IN TXT v=spf1 -all".to_owned()),
        };
        assert!(matches!(
            lab.change_dns(&typo),
            Err(ZoneEditError::BadRecord(_))
        ));
    }

    #[test]
    fn dns_changes_travel_in_the_script_in_order_and_replay() {
        let mut lab = lab();
        lab.submit("dig TXT example.org +short", 1_000);
        let change = DnsChange {
            delete: Some("example.org. 3600 IN TXT \"v=spf1 mx -all\"".to_owned()),
            add: Some("example.org. 3600 IN TXT \"v=spf1 mx ~all\"".to_owned()),
        };
        lab.change_dns(&change).unwrap();
        lab.submit("dig TXT example.org +short", 1_000);
        assert_eq!(lab.script.len(), 4, "{:?}", lab.script);
        assert!(lab.script[1].starts_with(crate::lab::DNS_CHANGE_MARK));
        assert!(lab.script[2].ends_with("IN TXT \"v=spf1 mx ~all\""));
        assert!(!crate::lab::is_dns_change(&lab.script[3]));

        // A share link carries the change; its replay makes it again, between
        // the two digs, so the first still shows the old record.
        let shared = crate::share::Shared {
            profile: "default".into(),
            script: lab.script.clone(),
            lesson: None,
            switches: Vec::new(),
            lang: crate::i18n::Lang::En,
            network: false,
        };
        let decoded = crate::share::decode(&crate::share::encode(&shared))
            .unwrap()
            .unwrap();
        assert_eq!(decoded.script, lab.script);
        let again = Lab::replay("default", Settings::default(), &decoded.script, 1_000);
        assert_eq!(shown(&again), shown(&lab));
        assert_eq!(again.script, lab.script);
        assert_eq!(
            again.simulation().unwrap().network(),
            lab.simulation().unwrap().network()
        );
        let text = shown(&again).join("\n");
        let (before, after) = text.split_once("[dns] add").unwrap();
        assert!(before.contains("\"v=spf1 mx -all\""), "{text}");
        assert!(after.contains("\"v=spf1 mx ~all\""), "{text}");
    }

    #[test]
    fn a_recorded_dns_change_that_no_longer_applies_is_said_and_changes_nothing() {
        let mut lab = lab();
        let network = lab.simulation().unwrap().network().clone();
        let stale = format!(
            "{}delete example.org. 3600 IN TXT \"not there\"",
            crate::lab::DNS_CHANGE_MARK
        );
        lab.submit(&stale, 1_000);
        lab.submit(&format!("{}frobnicate", crate::lab::DNS_CHANGE_MARK), 1_000);
        assert_eq!(lab.simulation().unwrap().network(), &network);
        assert!(lab.script.is_empty(), "{:?}", lab.script);
        let said: Vec<&str> = shown(&lab)
            .into_iter()
            .filter(|line| line.starts_with("[dns] not replayed"))
            .collect();
        assert_eq!(said.len(), 2, "{:?}", shown(&lab));
        assert!(said[1].contains("frobnicate"), "{}", said[1]);
    }

    #[cfg(feature = "lessons")]
    #[test]
    fn a_published_spf_record_changes_the_next_delivery() {
        let mut lab = lab();
        let deliver = |lab: &mut Lab| {
            type_all(
                lab,
                &[
                    "telnet mx1.example.org 25",
                    "EHLO pc42.dsl.isp.example",
                    "MAIL FROM:<you@isp.example>",
                    "RCPT TO:<bob@example.org>",
                    "DATA",
                    "hi",
                    ".",
                    "QUIT",
                ],
            );
        };
        deliver(&mut lab);
        let change = DnsChange {
            delete: Some("isp.example. 3600 IN TXT \"v=spf1 ip4:203.0.113.0/24 -all\"".into()),
            add: Some("isp.example. 3600 IN TXT \"v=spf1 a:smtp.isp.example -all\"".into()),
        };
        lab.change_dns(&change).unwrap();
        deliver(&mut lab);
        let bob = lab.simulation().unwrap().mailbox("mx1.example.org", "bob");
        assert_eq!(bob.len(), 1, "the second one was refused");
        assert!(lab.lines.iter().any(|l| l.text.starts_with("550 5.7.23")));
    }

    #[test]
    fn a_session_needs_the_network_once_it_asks_the_network_for_something() {
        let mut local = lab();
        type_all(
            &mut local,
            &["telnet localhost smtp", "EHLO me", "QUIT", "sleep 5"],
        );
        assert!(
            !local.needs_network,
            "localhost and sleep are this machine's"
        );
        for first in [
            "dig MX example.org",
            "host example.org",
            "telnet mx1.example.org 25",
        ] {
            let mut lab = lab();
            type_all(&mut lab, &[first]);
            assert!(lab.needs_network, "{first}");
        }
        let mut changed = lab();
        let change = DnsChange {
            delete: None,
            add: Some("example.org. 3600 IN TXT \"v=spf1 -all\"".into()),
        };
        changed.change_dns(&change).unwrap();
        assert!(changed.needs_network, "a DNS change");
        let replayed = Lab::replay("default", Settings::default(), &changed.script, 0);
        assert!(replayed.needs_network, "a DNS change replayed from a link");
    }

    #[test]
    fn port_words_are_the_services_file_names() {
        assert_eq!(port_number("smtp"), Some(25));
        assert_eq!(port_number("submission"), Some(587));
        assert_eq!(port_number("2525"), Some(2525));
        assert_eq!(port_number("99999"), None);
        assert_eq!(port_number("mail"), None);
    }

    #[test]
    fn a_domain_with_only_mx_records_gets_the_mx_hint() {
        let network = Network::default();
        let error = ConnectError::UnknownHost {
            name: "example.org".into(),
            port: 25,
        };
        let lines = failure_lines(&network, "telnet", &error);
        assert_eq!(
            lines[0],
            "telnet: could not resolve example.org/25: Name or service not known"
        );
        assert!(lines[1].contains("dig MX example.org"), "{lines:?}");
        let nowhere = ConnectError::UnknownHost {
            name: "nowhere.test".into(),
            port: 25,
        };
        assert!(failure_lines(&network, "nc", &nowhere)[1].contains("no host nowhere.test"));
    }
}
