//! `smtplab probe HOST:PORT`: runs the table of RFC checks and SMTP
//! smuggling sequences ([`cases::CASES`]) against a real server, each on
//! its own connection, through the engine's SMTP client side, and reports
//! pass or fail with the rule and what the server answered.

mod cases;

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use smtplab_engine::client::{
    dot_stuff, Action, Capabilities, Client, ClientEvent, ClientOutput, ServerReply,
};
use smtplab_engine::date::rfc5322_date;

use cases::{Case, Expect, Level, Needs, CASES};

/// Options of `smtplab probe`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Each case opens its own connection. Messages are only ever sent to --rcpt \
                  (cases that need one are skipped without it); other checks end with RSET or \
                  QUIT before any content. The exit status is 0 only when no case failed."
)]
pub struct ProbeArgs {
    /// The server, as HOST:PORT (IPv6 as [::1]:25).
    #[arg(value_name = "HOST:PORT", required_unless_present = "list")]
    pub target: Option<String>,

    /// Print the results as JSON, for graders.
    #[arg(long)]
    pub json: bool,

    /// A recipient the server accepts: the only address any test message
    /// goes to.
    #[arg(long, value_name = "ADDR")]
    pub rcpt: Option<String>,

    /// The envelope sender of the probes.
    #[arg(long, value_name = "ADDR", default_value = "probe@probe.example")]
    pub from: String,

    /// The name the probes give in EHLO/HELO.
    #[arg(long, value_name = "NAME", default_value = "probe.example")]
    pub helo: String,

    /// Which checks: `rfc`, what the RFCs require of every server; or
    /// `strict`, those and what a careful public server also does.
    #[arg(long, value_name = "PROFILE", default_value = "rfc", value_parser = ["rfc", "strict"])]
    pub profile: String,

    /// Run only these cases (by id; repeat the option).
    #[arg(long = "case", value_name = "ID")]
    pub cases: Vec<String>,

    /// Seconds to wait for a connection or a reply.
    #[arg(long, value_name = "SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub timeout: u64,

    /// List the cases and exit.
    #[arg(long)]
    pub list: bool,
}

/// How a case came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Pass,
    Fail,
    Skip,
}

impl Verdict {
    fn word(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Skip => "skip",
        }
    }
}

/// One case's result.
#[derive(Debug)]
struct Outcome {
    case: &'static Case,
    verdict: Verdict,
    detail: String,
    replies: Vec<String>,
}

/// Runs `smtplab probe`.
pub fn run(args: ProbeArgs) -> anyhow::Result<()> {
    if args.list {
        for case in CASES {
            let level = if case.level == Level::Strict {
                " (strict)"
            } else {
                ""
            };
            println!(
                "{:<24} {}{level}\n{:<24} {}",
                case.id, case.title, "", case.rfc
            );
        }
        return Ok(());
    }
    for id in &args.cases {
        if !CASES.iter().any(|c| c.id == id) {
            anyhow::bail!("no case `{id}`; `smtplab probe --list` shows them");
        }
    }
    if let Some(rcpt) = &args.rcpt {
        if !rcpt.contains('@')
            || rcpt
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '<' || c == '>')
        {
            anyhow::bail!("--rcpt `{rcpt}` is not an address like user@example.com");
        }
    }
    let target = args.target.clone().unwrap_or_default();
    let address = resolve(&target)?;
    let strict = args.profile == "strict";
    let outcomes: Vec<Outcome> = CASES
        .iter()
        .filter(|case| strict || case.level == Level::Rfc)
        .filter(|case| args.cases.is_empty() || args.cases.iter().any(|id| id == case.id))
        .map(|case| run_case(case, address, &args))
        .collect();
    report(&outcomes, &target, &args);
    let failed = outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::Fail)
        .count();
    if failed > 0 {
        anyhow::bail!("{failed} of {} cases failed", outcomes.len());
    }
    Ok(())
}

fn resolve(target: &str) -> anyhow::Result<SocketAddr> {
    let mut addresses = target
        .to_socket_addrs()
        .map_err(|e| anyhow::anyhow!("cannot use `{target}` as HOST:PORT: {e}"))?;
    addresses
        .next()
        .ok_or_else(|| anyhow::anyhow!("`{target}` resolves to no address"))
}

fn report(outcomes: &[Outcome], target: &str, args: &ProbeArgs) {
    let count = |v: Verdict| outcomes.iter().filter(|o| o.verdict == v).count();
    if args.json {
        let results: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| {
                serde_json::json!({
                    "id": o.case.id, "rfc": o.case.rfc, "title": o.case.title,
                    "verdict": o.verdict.word(), "detail": o.detail, "replies": o.replies,
                })
            })
            .collect();
        let json = serde_json::json!({
            "target": target, "profile": args.profile, "results": results,
            "passed": count(Verdict::Pass), "failed": count(Verdict::Fail), "skipped": count(Verdict::Skip),
        });
        println!("{json:#}");
        return;
    }
    for outcome in outcomes {
        println!(
            "{:<4} {:<24} {}",
            outcome.verdict.word().to_uppercase(),
            outcome.case.id,
            outcome.case.title
        );
        println!("     {:<24} {}", "", outcome.case.rfc);
        println!("     {:<24} {}", "", outcome.detail);
    }
    println!(
        "\n{target}: {} passed, {} failed, {} skipped ({} profile)",
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Skip),
        args.profile
    );
}

/// What the templates are filled with.
struct Vars<'a> {
    args: &'a ProbeArgs,
    capabilities: Capabilities,
    case: &'a Case,
}

impl Vars<'_> {
    fn headers(&self) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        format!(
            "From: <{from}>\r\nTo: <{rcpt}>\r\nSubject: smtplab probe {id}\r\nDate: {date}\r\nMessage-ID: <{now}.{id}@{helo}>\r\n\r\n",
            from = self.args.from,
            rcpt = self.args.rcpt.as_deref().unwrap_or(""),
            id = self.case.id,
            date = rfc5322_date(now),
            helo = self.args.helo,
        )
    }

    fn fill(&self, template: &str) -> Vec<u8> {
        let headers = self.headers();
        let body = format!("{headers}This message tests the server (smtplab probe).\r\n.A line that starts with a dot.\r\n");
        let bdat_body = format!("{headers}Sent with BDAT.\r\n");
        let (local, domain) = self
            .args
            .from
            .rsplit_once('@')
            .unwrap_or(("probe", "probe.example"));
        let mechanism = if self.capabilities.auth_mechanism("PLAIN") {
            "PLAIN".to_owned()
        } else {
            self.capabilities
                .get("AUTH")
                .and_then(|m| m.first().cloned())
                .unwrap_or_default()
        };
        let over_size = self
            .capabilities
            .size_limit()
            .map_or(0, |s| s.saturating_add(1));
        let text = template
            .replace("{headers}", &headers)
            .replace(
                "{message}",
                &String::from_utf8_lossy(&dot_stuff(body.as_bytes())),
            )
            .replace(
                "{bdat_message}",
                &format!("BDAT {} LAST\r\n{bdat_body}", bdat_body.len()),
            )
            .replace("{from}", &self.args.from)
            .replace("{rcpt}", self.args.rcpt.as_deref().unwrap_or("postmaster"))
            .replace("{helo}", &self.args.helo)
            .replace("{over_size}", &over_size.to_string())
            .replace("{long}", &"x".repeat(600))
            .replace("{utf8_from}", &format!("{local}-\u{e9}t\u{e9}@{domain}"))
            .replace(
                "{bad_auth}",
                &BASE64.encode("\0smtplab-probe\0not-the-password"),
            )
            .replace("{auth_mechanism}", &mechanism);
        text.into_bytes()
    }
}

/// Why a case cannot run here, if it cannot.
fn missing(case: &Case, capabilities: &Capabilities, rcpt: bool) -> Option<String> {
    let keyword =
        |k: &str| (!capabilities.has(k)).then(|| format!("the server does not offer {k}"));
    let recipient = || (!rcpt).then(|| "it sends a message: give --rcpt ADDR".to_owned());
    match case.needs {
        Needs::Nothing => None,
        Needs::Keyword(k) => keyword(k),
        Needs::SizeLimit => capabilities
            .size_limit()
            .is_none()
            .then(|| "the server announces no SIZE limit".to_owned()),
        Needs::Rcpt => recipient(),
        Needs::KeywordAndRcpt(k) => keyword(k).or_else(recipient),
    }
}

/// A connection driven by the engine's client.
struct Connection {
    stream: TcpStream,
    client: Client,
    events: Vec<ClientEvent>,
    closed: bool,
}

impl Connection {
    fn open(address: SocketAddr, args: &ProbeArgs) -> Result<Self, String> {
        let timeout = Duration::from_secs(args.timeout);
        let stream = TcpStream::connect_timeout(&address, timeout)
            .map_err(|e| format!("cannot connect to {address}: {e}"))?;
        stream
            .set_read_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        stream
            .set_write_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            stream,
            client: Client::new(&args.helo, now()),
            events: Vec::new(),
            closed: false,
        })
    }

    /// Moves bytes until `done` holds for the events so far, or the
    /// connection closes.
    fn drive(&mut self, done: impl Fn(&[ClientEvent]) -> bool) {
        let mut buffer = [0_u8; 16 * 1024];
        loop {
            while let Some(output) = self.client.poll_output() {
                match output {
                    ClientOutput::Send(bytes) => {
                        if self.stream.write_all(&bytes).is_err() {
                            self.client.connection_closed();
                        }
                    }
                    ClientOutput::Event(event) => self.events.push(event),
                    ClientOutput::Close => {
                        let _ = self.stream.shutdown(Shutdown::Both);
                        self.closed = true;
                    }
                }
            }
            if self.closed || done(&self.events) {
                return;
            }
            match self.stream.read(&mut buffer) {
                Ok(0) => self.client.connection_closed(),
                Ok(n) => self.client.feed(&buffer[..n], now()),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    // Our --timeout, not RFC 5321's minutes: a probe does
                    // not wait that long.
                    self.client.handle_timeout(u64::MAX);
                }
                Err(_) => self.client.connection_closed(),
            }
        }
    }
}

impl Connection {
    /// Waits for the greeting (and the EHLO reply, with `hello`).
    fn greet(&mut self, hello: bool) -> Result<(), String> {
        if hello {
            self.client.push(Action::Hello, now());
        }
        self.drive(|events| {
            events.iter().any(|e| match e {
                ClientEvent::Hello(_) | ClientEvent::Error(_) => true,
                ClientEvent::Reply { .. } => !hello,
                _ => false,
            })
        });
        match self.events.iter().find_map(|e| match e {
            ClientEvent::Error(error) => Some(error.to_string()),
            _ => None,
        }) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// Sends every step and collects its replies; also what each sent.
    fn run_steps(&mut self, case: &Case, vars: &Vars<'_>) -> (Vec<String>, Vec<Vec<ServerReply>>) {
        let before = self.events.len();
        let mut sent = Vec::new();
        for step in case.steps {
            let bytes = vars.fill(step.send);
            sent.push(first_line(&bytes));
            self.client.push(
                Action::Raw {
                    bytes,
                    replies: step.expect.len(),
                },
                now(),
            );
        }
        let steps = case.steps.len();
        let raw = |event: &ClientEvent| match event {
            ClientEvent::Raw(replies) => Some(replies.clone()),
            _ => None,
        };
        self.drive(|events| events[before..].iter().filter_map(raw).count() == steps);
        let results = self.events[before..].iter().filter_map(raw).collect();
        (sent, results)
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn run_case(case: &'static Case, address: SocketAddr, args: &ProbeArgs) -> Outcome {
    let outcome = |verdict, detail: String, replies| Outcome {
        case,
        verdict,
        detail,
        replies,
    };
    let mut connection = match Connection::open(address, args) {
        Ok(connection) => connection,
        Err(error) => return outcome(Verdict::Fail, error, Vec::new()),
    };
    if let Err(error) = connection.greet(case.hello) {
        return outcome(Verdict::Fail, error, replies_seen(&connection.events));
    }
    let capabilities = connection
        .client
        .capabilities()
        .cloned()
        .unwrap_or_default();
    if let Some(why) = missing(case, &capabilities, args.rcpt.is_some()) {
        connection.client.push(Action::Quit, now());
        connection.drive(|_| false);
        return outcome(Verdict::Skip, format!("skipped: {why}"), Vec::new());
    }
    let vars = Vars {
        args,
        capabilities,
        case,
    };
    let (sent, results) = connection.run_steps(case, &vars);
    let replies = results.iter().flatten().map(ServerReply::summary).collect();
    let (verdict, detail) = judge(case, &sent, &results, &mut connection);
    outcome(verdict, detail, replies)
}

fn replies_seen(events: &[ClientEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            ClientEvent::Reply { reply, .. } => Some(reply.summary()),
            _ => None,
        })
        .collect()
}

/// Compares the replies with the case's expectations, then ends the
/// connection (QUIT, or waiting for the server's close).
fn judge(
    case: &Case,
    sent: &[String],
    results: &[Vec<ServerReply>],
    connection: &mut Connection,
) -> (Verdict, String) {
    let mut verdict = (Verdict::Pass, String::new());
    'steps: for (index, step) in case.steps.iter().enumerate() {
        let got = results.get(index).map(Vec::as_slice).unwrap_or(&[]);
        for (position, expect) in step.expect.iter().enumerate() {
            let shown = sent.get(index).map_or("", String::as_str);
            match got.get(position) {
                Some(reply) if accepts(*expect, reply.code) => {}
                Some(reply) => {
                    verdict = (
                        Verdict::Fail,
                        format!(
                            "after `{shown}` expected {}, the server answered {}",
                            describe(*expect),
                            reply.summary()
                        ),
                    );
                    break 'steps;
                }
                None => {
                    verdict = (Verdict::Fail, format!("after `{shown}` expected {}, but no reply came (timeout or connection closed)", describe(*expect)));
                    break 'steps;
                }
            }
        }
    }
    if case.closes {
        connection.drive(|_| false);
        if verdict.0 == Verdict::Pass && !connection.closed {
            verdict = (
                Verdict::Fail,
                "the server did not close the connection after 221".into(),
            );
        }
    } else if !connection.closed {
        connection.client.push(Action::Quit, now());
        connection.drive(|_| false);
    }
    if verdict.0 == Verdict::Pass {
        let all: Vec<String> = results
            .iter()
            .flatten()
            .map(|r| format!("{}", r.code))
            .collect();
        verdict.1 = format!("answered {}", all.join(", "));
    }
    verdict
}

fn accepts(expect: Expect, code: u16) -> bool {
    match expect {
        Expect::Code(wanted) => code == wanted,
        Expect::OneOf(list) => list.contains(&code),
        Expect::Class(class) => code / 100 == class,
        Expect::Any => true,
    }
}

fn describe(expect: Expect) -> String {
    match expect {
        Expect::Code(code) => code.to_string(),
        Expect::OneOf(list) => list
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(" or "),
        Expect::Class(class) => format!("a {class}xx reply"),
        Expect::Any => "a reply".into(),
    }
}

/// The first line of what a step sent, controls escaped, for reports.
fn first_line(bytes: &[u8]) -> String {
    let end = bytes
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(bytes.len());
    let line = String::from_utf8_lossy(&bytes[..end.min(120)]).into_owned();
    let rest = bytes.get(end..).unwrap_or(&[]);
    if rest.len() > 2 || (rest != b"\r\n" && !rest.is_empty()) {
        format!("{line} ... ({} octets)", bytes.len())
    } else {
        line
    }
}

#[cfg(test)]
mod tests {
    use super::cases::{Expect, Needs, CASES};

    #[test]
    fn case_ids_are_unique_and_every_case_names_its_rule() {
        for (index, case) in CASES.iter().enumerate() {
            assert!(
                CASES[..index].iter().all(|c| c.id != case.id),
                "{}",
                case.id
            );
            assert!(case.rfc.starts_with("RFC "), "{}", case.id);
            assert!(!case.steps.is_empty(), "{}", case.id);
        }
    }

    #[test]
    fn messages_only_ever_go_to_the_given_recipient() {
        for case in CASES {
            // Content follows a 354 (DATA accepted) or a BDAT line.
            let sends_content = case
                .steps
                .iter()
                .any(|s| s.expect.contains(&Expect::Code(354)) || s.send.contains("BDAT"));
            if !sends_content {
                continue;
            }
            let content_needs_rcpt = matches!(case.needs, Needs::Rcpt | Needs::KeywordAndRcpt(_));
            let refused_chunk = case.id == "bdat-without-mail";
            assert!(
                content_needs_rcpt || refused_chunk,
                "{} sends content without --rcpt",
                case.id
            );
            for step in case.steps {
                for recipient in step.send.split("RCPT TO:<").skip(1) {
                    let address = recipient.split('>').next().unwrap_or("");
                    assert_eq!(address, "{rcpt}", "{} addresses {address}", case.id);
                }
            }
        }
    }
}
