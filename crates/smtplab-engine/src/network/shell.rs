//! What `dig`, `host` and `nslookup` print in the pretend shell, answered
//! from the network's DNS and laid out as BIND 9's tools lay it out (dig's
//! tab columns, `host`'s sentences, nslookup's `Server:` header), so what a
//! learner reads here matches what they will read on a real machine.
//!
//! Pure functions: the shell passes the words typed and a [`QueryContext`]
//! (the clock and a query id it seeds), and prints the [`ShellOutput`].

use core::net::IpAddr;

use super::dns::{lookup, reverse_name, Rcode, Response};
use super::{absolute, normalize_name, Network, Record, RecordData, RecordType};
use crate::date::UtcDateTime;

/// The version dig's banner names (Debian 12's BIND).
pub const DIG_VERSION: &str = "9.18.28-1~deb12u2-Debian";
/// The UDP payload size the local stub resolver advertises in EDNS
/// (systemd-resolved's).
pub const EDNS_UDP_SIZE: u16 = 65_494;
/// The DNS port.
pub const DNS_PORT: u16 = 53;

/// dig's column stops (BIND's default master-file style): TTL, class,
/// type and data start at these columns, with tabs eight wide.
const TTL_COLUMN: usize = 24;
const CLASS_COLUMN: usize = 32;
const TYPE_COLUMN: usize = 40;
const DATA_COLUMN: usize = 48;
const TAB_WIDTH: usize = 8;

/// Query types that exist but that the simulated zones never hold:
/// asking for them gets an empty (NODATA) answer, as for a zone without them.
const EMPTY_TYPES: &[&str] = &["NS", "CNAME", "SRV", "CAA", "ANY", "HINFO", "DS", "DNSKEY"];

/// What the shell knows when a lookup runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueryContext {
    /// Unix seconds, for dig's `WHEN:`.
    pub now: u64,
    /// The query id dig shows (the shell seeds it).
    pub id: u16,
    /// What dig reports as the query time.
    pub elapsed_ms: u32,
}

/// What a command printed and its exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellOutput {
    /// The text, lines ended by `\n`.
    pub text: String,
    /// The exit status (`$?`).
    pub status: i32,
}

impl ShellOutput {
    fn ok(text: String) -> Self {
        Self { text, status: 0 }
    }

    fn failed(text: String, status: i32) -> Self {
        Self { text, status }
    }
}

/// A question as the tools parse it: the name, the type word typed, and
/// the type when the simulated DNS serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Question {
    name: String,
    type_word: String,
    record_type: Option<RecordType>,
}

impl Question {
    fn new(name: &str, type_word: &str) -> Self {
        Self {
            name: normalize_name(name),
            type_word: type_word.to_ascii_uppercase(),
            record_type: RecordType::from_mnemonic(type_word),
        }
    }

    fn reverse(address: IpAddr) -> Self {
        Self::new(&reverse_name(address), "PTR")
    }

    fn ask(&self, network: &Network) -> Response {
        match self.record_type {
            Some(record_type) => lookup(network, &self.name, record_type),
            None => {
                // Same existence answer as any served type, but no records.
                let mut response = lookup(network, &self.name, RecordType::Soa);
                response.answers.clear();
                if response.authority.is_empty() {
                    response.authority.push(super::dns::soa(&self.name));
                }
                response
            }
        }
    }
}

fn is_type_word(word: &str) -> bool {
    RecordType::from_mnemonic(word).is_some()
        || EMPTY_TYPES.iter().any(|t| t.eq_ignore_ascii_case(word))
}

/// Runs `dig`, `host` or `nslookup` typed as `words` (the command first);
/// `None` for any other command.
pub fn run(network: &Network, words: &[&str], context: QueryContext) -> Option<ShellOutput> {
    let (command, args) = words.split_first()?;
    match *command {
        "dig" => Some(dig(network, args, context)),
        "host" => Some(host(network, args)),
        "nslookup" => Some(nslookup(network, args)),
        _ => None,
    }
}

/// dig's options as far as the simulation reads them.
#[derive(Debug, Default)]
struct DigOptions {
    server: Option<IpAddr>,
    short: bool,
    question: Option<Question>,
}

fn dig_usage(problem: &str) -> ShellOutput {
    ShellOutput::failed(
        format!("{problem}\nUsage:  dig [@server] [-t type] [-x addr] [name] [type] [+short]\n"),
        1,
    )
}

fn parse_dig(args: &[&str]) -> Result<DigOptions, ShellOutput> {
    let mut options = DigOptions::default();
    let (mut name, mut type_word) = (None, None);
    let mut words = args.iter();
    while let Some(word) = words.next() {
        if let Some(server) = word.strip_prefix('@') {
            let address = server.parse().map_err(|_| {
                ShellOutput::failed(
                    format!("dig: couldn't get address for '{server}': not found\n"),
                    10,
                )
            })?;
            options.server = Some(address);
        } else if let Some(option) = word.strip_prefix('+') {
            match option {
                "short" => options.short = true,
                "noshort" => options.short = false,
                _ => return Err(dig_usage(&format!("Invalid option: +{option}"))),
            }
        } else if *word == "-t" {
            type_word = Some(
                *words
                    .next()
                    .ok_or_else(|| dig_usage("option requires an argument -- t"))?,
            );
        } else if *word == "-x" {
            let text = words
                .next()
                .ok_or_else(|| dig_usage("option requires an argument -- x"))?;
            let address: IpAddr = text
                .parse()
                .map_err(|_| dig_usage(&format!("Invalid IP address {text}")))?;
            options.question = Some(Question::reverse(address));
        } else if word.starts_with('-') {
            return Err(dig_usage(&format!("Invalid option: {word}")));
        } else if is_type_word(word) && type_word.is_none() && (name.is_some() || args.len() > 1) {
            // `dig MX example.org` and `dig example.org MX` alike; a lone word is a name.
            type_word = Some(*word);
        } else {
            name = Some(*word);
        }
    }
    if options.question.is_none() {
        // With no name at all, dig asks for the root's name servers.
        let type_word = type_word.unwrap_or(if name.is_some() { "A" } else { "NS" });
        options.question = Some(Question::new(name.unwrap_or("."), type_word));
    }
    Ok(options)
}

/// `dig`: the full answer with header, sections and statistics, or the
/// data alone with `+short`. dig exits 0 even for NXDOMAIN.
pub fn dig(network: &Network, args: &[&str], context: QueryContext) -> ShellOutput {
    let options = match parse_dig(args) {
        Ok(options) => options,
        Err(usage) => return usage,
    };
    let Some(question) = options.question else {
        return dig_usage("no question");
    };
    let response = question.ask(network);
    if options.short {
        let text: String = response
            .answers
            .iter()
            .map(|r| format!("{}\n", r.data))
            .collect();
        return ShellOutput::ok(text);
    }
    let server = options.server.unwrap_or(network.client.resolver);
    ShellOutput::ok(dig_full(args, &question, &response, server, context))
}

fn dig_full(
    args: &[&str],
    question: &Question,
    response: &Response,
    server: IpAddr,
    context: QueryContext,
) -> String {
    let mut out = format!("\n; <<>> DiG {DIG_VERSION} <<>> {}\n", args.join(" "));
    out.push_str(";; global options: +cmd\n;; Got answer:\n");
    out.push_str(&format!(
        ";; ->>HEADER<<- opcode: QUERY, status: {}, id: {}\n",
        response.rcode.mnemonic(),
        context.id
    ));
    out.push_str(&format!(
        ";; flags: qr rd ra; QUERY: 1, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: 1\n\n",
        response.answers.len(),
        response.authority.len()
    ));
    out.push_str(&format!(
        ";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: {EDNS_UDP_SIZE}\n"
    ));
    let mut asked = format!(";{}", absolute(&question.name));
    tab_to(&mut asked, CLASS_COLUMN);
    asked.push_str("IN");
    tab_to(&mut asked, TYPE_COLUMN);
    asked.push_str(&question.type_word);
    out.push_str(&format!(";; QUESTION SECTION:\n{asked}\n\n"));
    for (title, records) in [
        ("ANSWER", &response.answers),
        ("AUTHORITY", &response.authority),
    ] {
        if !records.is_empty() {
            out.push_str(&format!(";; {title} SECTION:\n"));
            for record in records.iter() {
                out.push_str(&dig_line(record));
                out.push('\n');
            }
            out.push('\n');
        }
    }
    let when = UtcDateTime::from_unix(context.now).rfc5322();
    out.push_str(&format!(
        ";; Query time: {} msec\n;; SERVER: {server}#{DNS_PORT}({server}) (UDP)\n;; WHEN: {}\n;; MSG SIZE  rcvd: {}\n\n",
        context.elapsed_ms,
        dig_date(&when),
        message_size(question, response)
    ));
    out
}

/// One record in dig's columns.
pub fn dig_line(record: &Record) -> String {
    let mut line = absolute(&record.name);
    tab_to(&mut line, TTL_COLUMN);
    line.push_str(&record.ttl.to_string());
    tab_to(&mut line, CLASS_COLUMN);
    line.push_str("IN");
    tab_to(&mut line, TYPE_COLUMN);
    line.push_str(record.record_type().mnemonic());
    tab_to(&mut line, DATA_COLUMN);
    line.push_str(&record.data.to_string());
    line
}

/// Tabs up to `column`, or one space when the text already reaches it.
fn tab_to(line: &mut String, column: usize) {
    let mut at = line.chars().fold(0, |at, ch| {
        if ch == '\t' {
            (at / TAB_WIDTH + 1) * TAB_WIDTH
        } else {
            at + 1
        }
    });
    if at >= column {
        line.push(' ');
        return;
    }
    while at < column {
        line.push('\t');
        at = (at / TAB_WIDTH + 1) * TAB_WIDTH;
    }
}

/// `Wed, 02 Dec 2026 19:21:25 +0000` as dig's `WHEN:` writes it:
/// `Wed Dec 02 19:21:25 UTC 2026`.
fn dig_date(rfc5322: &str) -> String {
    let parts: Vec<&str> = rfc5322.split(' ').collect();
    match parts.as_slice() {
        [weekday, day, month, year, time, _] => format!(
            "{} {month} {day} {time} UTC {year}",
            weekday.trim_end_matches(',')
        ),
        _ => rfc5322.to_owned(),
    }
}

/// The response's size on the wire (RFC 1035 section 4.1), with names
/// compressed as a server compresses them and dig's EDNS record.
fn message_size(question: &Question, response: &Response) -> usize {
    const HEADER: usize = 12;
    const QUESTION_FIXED: usize = 4;
    const RECORD_FIXED: usize = 10;
    const OPT_RECORD: usize = 11;
    let mut names = NameCompressor::default();
    let mut size = HEADER + names.size(&question.name) + QUESTION_FIXED;
    for record in response.answers.iter().chain(&response.authority) {
        size += names.size(&record.name) + RECORD_FIXED;
        size += match &record.data {
            RecordData::A(_) => 4,
            RecordData::Aaaa(_) => 16,
            RecordData::Mx { exchange, .. } => 2 + names.size(exchange),
            RecordData::Txt(strings) => strings.iter().map(|s| 1 + s.len()).sum(),
            RecordData::Ptr(name) => names.size(name),
            RecordData::Soa { mname, rname, .. } => names.size(mname) + names.size(rname) + 20,
        };
    }
    size + OPT_RECORD
}

/// Names already written, so a later name's known suffix costs a 2-octet
/// pointer (RFC 1035 section 4.1.4).
#[derive(Debug, Default)]
struct NameCompressor {
    written: Vec<String>,
}

impl NameCompressor {
    fn size(&mut self, name: &str) -> usize {
        if name.is_empty() {
            return 1;
        }
        let labels: Vec<&str> = name.split('.').collect();
        let mut size = 0;
        for start in 0..labels.len() {
            let suffix = labels[start..].join(".").to_ascii_lowercase();
            if self.written.contains(&suffix) {
                return size + 2;
            }
            self.written.push(suffix);
            size += 1 + labels[start].len();
        }
        size + 1
    }
}

/// How `host` words a record: `example.org mail is handled by 10 mx1.example.org.`.
fn host_line(record: &Record) -> String {
    let verb = match record.data {
        RecordData::A(_) => "has address",
        RecordData::Aaaa(_) => "has IPv6 address",
        RecordData::Mx { .. } => "mail is handled by",
        RecordData::Txt(_) => "descriptive text",
        RecordData::Ptr(_) => "domain name pointer",
        RecordData::Soa { .. } => "has SOA record",
    };
    format!("{} {verb} {}\n", record.name, record.data)
}

fn host_usage() -> ShellOutput {
    ShellOutput::failed(
        "Usage: host [-t type] {name} [server]\n       -t specifies the query type (A, AAAA, MX, TXT, PTR, SOA...)\n".into(),
        1,
    )
}

/// `host`: one sentence per record. Without `-t` it asks for A, AAAA and
/// MX, as BIND's does; an address is looked up backwards (PTR).
pub fn host(network: &Network, args: &[&str]) -> ShellOutput {
    let mut type_word = None;
    let mut name = None;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match *word {
            "-t" => match words.next() {
                Some(t) if is_type_word(t) => type_word = Some(*t),
                Some(t) => return ShellOutput::failed(format!("host: invalid type: {t}\n"), 1),
                None => return host_usage(),
            },
            flag if flag.starts_with('-') => return host_usage(),
            // A second word is the server to ask; every server gives the same answers here.
            word if name.is_none() => name = Some(word),
            _ => {}
        }
    }
    let Some(name) = name else {
        return host_usage();
    };
    let questions: Vec<Question> = match (name.parse::<IpAddr>(), type_word) {
        (Ok(address), None) => vec![Question::reverse(address)],
        (_, Some(t)) => vec![Question::new(name, t)],
        (Err(_), None) => ["A", "AAAA", "MX"]
            .iter()
            .map(|t| Question::new(name, t))
            .collect(),
    };
    let mut text = String::new();
    for question in &questions {
        let response = question.ask(network);
        if response.rcode == Rcode::NxDomain {
            let text = format!(
                "Host {} not found: {}({})\n",
                question.name,
                response.rcode.number(),
                response.rcode.mnemonic()
            );
            return ShellOutput::failed(text, 1);
        }
        text.extend(response.answers.iter().map(host_line));
        if response.answers.is_empty() && type_word.is_some() {
            text.push_str(&format!(
                "{} has no {} record\n",
                question.name, question.type_word
            ));
        }
    }
    ShellOutput::ok(text)
}

/// How nslookup words a record.
fn nslookup_lines(record: &Record) -> String {
    let name = &record.name;
    match &record.data {
        RecordData::A(address) => format!("Name:\t{name}\nAddress: {address}\n"),
        RecordData::Aaaa(address) => format!("Name:\t{name}\nAddress: {address}\n"),
        RecordData::Mx { .. } => format!("{name}\tmail exchanger = {}\n", record.data),
        RecordData::Txt(_) => format!("{name}\ttext = {}\n", record.data),
        RecordData::Ptr(target) => format!("{name}\tname = {}\n", absolute(target)),
        RecordData::Soa {
            mname,
            rname,
            serial,
            timers,
        } => format!(
            "{name}\n\torigin = {mname}\n\tmail addr = {rname}\n\tserial = {serial}\n\trefresh = {}\n\tretry = {}\n\texpire = {}\n\tminimum = {}\n",
            timers[0], timers[1], timers[2], timers[3]
        ),
    }
}

/// `nslookup [-type=T] name [server]`: the server header, then the answer
/// "non-authoritative" (it comes from the resolver's cache, not the zone).
pub fn nslookup(network: &Network, args: &[&str]) -> ShellOutput {
    let mut type_word = None;
    let mut name = None;
    for word in args {
        let setting = word
            .strip_prefix("-type=")
            .or_else(|| word.strip_prefix("-query="))
            .or_else(|| word.strip_prefix("-q="));
        match setting {
            Some(t) if is_type_word(t) => type_word = Some(t),
            Some(t) => return ShellOutput::failed(format!("unknown query type: {t}\n"), 1),
            None if word.starts_with('-') => {
                return ShellOutput::failed(format!("*** Invalid option: {}\n", &word[1..]), 1)
            }
            None if name.is_none() => name = Some(*word),
            None => {}
        }
    }
    let Some(name) = name else {
        return ShellOutput::failed("Usage: nslookup [-type=T] name [server]\n".into(), 1);
    };
    let resolver = network.client.resolver;
    let mut text = format!("Server:\t\t{resolver}\nAddress:\t{resolver}#{DNS_PORT}\n\n");
    let questions: Vec<Question> = match (name.parse::<IpAddr>(), type_word) {
        (Ok(address), _) => vec![Question::reverse(address)],
        (Err(_), Some(t)) => vec![Question::new(name, t)],
        (Err(_), None) => vec![Question::new(name, "A"), Question::new(name, "AAAA")],
    };
    let responses: Vec<Response> = questions.iter().map(|q| q.ask(network)).collect();
    if responses.iter().any(|r| r.rcode == Rcode::NxDomain) {
        text.push_str(&format!(
            "** server can't find {}: NXDOMAIN\n\n",
            questions[0].name
        ));
        return ShellOutput::failed(text, 1);
    }
    let answers: Vec<&Record> = responses.iter().flat_map(|r| &r.answers).collect();
    if answers.is_empty() {
        text.push_str(&format!(
            "*** Can't find {}: No answer\n\n",
            questions[0].name
        ));
        return ShellOutput::failed(text, 1);
    }
    text.push_str("Non-authoritative answer:\n");
    text.extend(answers.iter().map(|r| nslookup_lines(r)));
    let addresses_only = questions
        .iter()
        .all(|q| matches!(q.type_word.as_str(), "A" | "AAAA" | "PTR"));
    if !addresses_only {
        text.push_str("\nAuthoritative answers can be found from:\n");
    }
    text.push('\n');
    ShellOutput::ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wed, 02 Dec 2026 19:21:25 UTC.
    const NOW: u64 = 1_796_239_285;
    const CONTEXT: QueryContext = QueryContext {
        now: NOW,
        id: 4242,
        elapsed_ms: 3,
    };

    fn run_line(line: &str) -> ShellOutput {
        let words: Vec<&str> = line.split_whitespace().collect();
        run(&Network::default(), &words, CONTEXT).unwrap()
    }

    #[test]
    fn dig_mx_prints_bind_layout() {
        let expected = "
; <<>> DiG 9.18.28-1~deb12u2-Debian <<>> MX example.org
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242
;; flags: qr rd ra; QUERY: 1, ANSWER: 2, AUTHORITY: 0, ADDITIONAL: 1

;; OPT PSEUDOSECTION:
; EDNS: version: 0, flags:; udp: 65494
;; QUESTION SECTION:
;example.org.\t\t\tIN\tMX

;; ANSWER SECTION:
example.org.\t\t3600\tIN\tMX\t10 mx1.example.org.
example.org.\t\t3600\tIN\tMX\t20 mx2.example.org.

;; Query time: 3 msec
;; SERVER: 127.0.0.53#53(127.0.0.53) (UDP)
;; WHEN: Wed Dec 02 19:21:25 UTC 2026
;; MSG SIZE  rcvd: 80

";
        let output = run_line("dig MX example.org");
        assert_eq!(output.text, expected);
        assert_eq!(output.status, 0);
        assert_eq!(
            run_line("dig example.org MX").text,
            expected.replace("<<>> MX example.org", "<<>> example.org MX")
        );
    }

    #[test]
    fn dig_negative_answers_carry_the_soa() {
        let nx = run_line("dig nosuch.example.org").text;
        assert!(nx.contains("status: NXDOMAIN, id: 4242"), "{nx}");
        assert!(nx.contains("ANSWER: 0, AUTHORITY: 1"), "{nx}");
        assert!(nx.contains(
            ";; AUTHORITY SECTION:\nexample.org.\t\t3600\tIN\tSOA\tns1.example.org. hostmaster.example.org. 2026120201 86400 7200 3600000 3600\n"
        ), "{nx}");
        assert!(!nx.contains("ANSWER SECTION"), "{nx}");
        let root = run_line("dig MX nowhere.invalid").text;
        assert!(
            root.contains("\n.\t\t\t86400\tIN\tSOA\ta.root-servers.net. nstld.verisign-grs.com. "),
            "{root}"
        );
        let nodata = run_line("dig NS example.org").text;
        assert!(
            nodata.contains("status: NOERROR") && nodata.contains(";example.org.\t\t\tIN\tNS\n"),
            "{nodata}"
        );
    }

    #[test]
    fn dig_short_reverse_and_server() {
        for (line, expected) in [
            (
                "dig +short MX example.org",
                "10 mx1.example.org.\n20 mx2.example.org.\n",
            ),
            ("dig +short example.org TXT", "\"v=spf1 mx -all\"\n"),
            ("dig +short -t AAAA mx1.example.org", "2001:db8:51::10\n"),
            ("dig +short nomail.example MX", "0 .\n"),
            ("dig +short -x 198.51.100.20", "mx2.example.org.\n"),
            ("dig +short nosuch.example", ""),
            (
                "dig +short TXT _dmarc.example.org",
                "\"v=DMARC1; p=reject\"\n",
            ),
        ] {
            assert_eq!(run_line(line).text, expected, "{line}");
        }
        let asked = run_line("dig @198.51.100.10 A mx2.example.org").text;
        assert!(
            asked.contains(";; SERVER: 198.51.100.10#53(198.51.100.10) (UDP)"),
            "{asked}"
        );
        assert!(
            asked.contains("mx2.example.org.\t3600\tIN\tA\t198.51.100.20\n"),
            "{asked}"
        );
        let long = run_line("dig -x 203.0.113.42").text;
        assert!(
            long.contains(";42.113.0.203.in-addr.arpa.\tIN\tPTR\n"),
            "{long}"
        );
        assert!(
            long.contains("42.113.0.203.in-addr.arpa. 3600\tIN\tPTR\tpc42.dsl.isp.example.\n"),
            "{long}"
        );
    }

    #[test]
    fn dig_refuses_what_it_does_not_know() {
        for (line, status, start) in [
            (
                "dig +bogus example.org",
                1,
                "Invalid option: +bogus\nUsage:",
            ),
            ("dig -t", 1, "option requires an argument -- t"),
            (
                "dig -x not-an-address",
                1,
                "Invalid IP address not-an-address",
            ),
            (
                "dig @resolver.example example.org",
                10,
                "dig: couldn't get address for 'resolver.example'",
            ),
        ] {
            let output = run_line(line);
            assert_eq!(output.status, status, "{line}");
            assert!(output.text.starts_with(start), "{line}: {}", output.text);
        }
    }

    #[test]
    fn message_sizes_count_compressed_names() {
        let net = Network::default();
        let question = Question::new("mx1.example.org", "AAAA");
        // 12 header + 17 name + 4, then 2 + 10 + 16, then 11 for EDNS.
        assert_eq!(message_size(&question, &question.ask(&net)), 72);
        let question = Question::new("example.org", "TXT");
        // 12 + 13 + 4, then 2 + 10 + (1 + 14), then 11.
        assert_eq!(message_size(&question, &question.ask(&net)), 67);
    }

    #[test]
    fn host_speaks_in_sentences() {
        for (line, status, expected) in [
            (
                "host example.org",
                0,
                "example.org mail is handled by 10 mx1.example.org.\nexample.org mail is handled by 20 mx2.example.org.\n",
            ),
            (
                "host mx1.example.org",
                0,
                "mx1.example.org has address 198.51.100.10\nmx1.example.org has IPv6 address 2001:db8:51::10\n",
            ),
            ("host -t MX nomail.example", 0, "nomail.example mail is handled by 0 .\n"),
            ("host -t TXT isp.example", 0, "isp.example descriptive text \"v=spf1 ip4:203.0.113.0/24 -all\"\n"),
            ("host -t mx oldschool.example", 0, "oldschool.example has no MX record\n"),
            ("host 192.0.2.25", 0, "25.2.0.192.in-addr.arpa domain name pointer mail.down.example.\n"),
            ("host nosuch.example.org", 1, "Host nosuch.example.org not found: 3(NXDOMAIN)\n"),
            ("host 192.0.2.99", 1, "Host 99.2.0.192.in-addr.arpa not found: 3(NXDOMAIN)\n"),
            ("host -t BOGUS example.org", 1, "host: invalid type: BOGUS\n"),
        ] {
            let output = run_line(line);
            assert_eq!((output.status, output.text.as_str()), (status, expected), "{line}");
        }
        assert!(run_line("host").text.starts_with("Usage: host"));
    }

    #[test]
    fn nslookup_prints_server_then_answer() {
        let header = "Server:\t\t127.0.0.53\nAddress:\t127.0.0.53#53\n\n";
        for (line, status, body) in [
            (
                "nslookup -type=mx example.org",
                0,
                "Non-authoritative answer:\nexample.org\tmail exchanger = 10 mx1.example.org.\nexample.org\tmail exchanger = 20 mx2.example.org.\n\nAuthoritative answers can be found from:\n\n",
            ),
            (
                "nslookup mx1.example.org",
                0,
                "Non-authoritative answer:\nName:\tmx1.example.org\nAddress: 198.51.100.10\nName:\tmx1.example.org\nAddress: 2001:db8:51::10\n\n",
            ),
            (
                "nslookup -q=TXT nomail.example",
                0,
                "Non-authoritative answer:\nnomail.example\ttext = \"v=spf1 -all\"\n\nAuthoritative answers can be found from:\n\n",
            ),
            (
                "nslookup 203.0.113.10",
                0,
                "Non-authoritative answer:\n10.113.0.203.in-addr.arpa\tname = smtp.isp.example.\n\n",
            ),
            ("nslookup nosuch.example", 1, "** server can't find nosuch.example: NXDOMAIN\n\n"),
            ("nslookup -query=MX oldschool.example", 1, "*** Can't find oldschool.example: No answer\n\n"),
        ] {
            let output = run_line(line);
            assert_eq!(output.text, format!("{header}{body}"), "{line}");
            assert_eq!(output.status, status, "{line}");
        }
        assert_eq!(
            run_line("nslookup -type=WHAT x").text,
            "unknown query type: WHAT\n"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_words_get_an_answer_without_panicking(
            words in proptest::collection::vec("[-+@a-zA-Z0-9.:=_]{0,12}", 0..6),
            tool in 0..3usize,
        ) {
            let mut line = vec![["dig", "host", "nslookup"][tool]];
            line.extend(words.iter().map(String::as_str));
            let output = run(&Network::default(), &line, CONTEXT).unwrap();
            proptest::prop_assert!(output.text.is_empty() || output.text.ends_with('\n'));
        }
    }

    #[test]
    fn other_commands_are_not_dns_tools() {
        assert!(run(&Network::default(), &["telnet", "x"], CONTEXT).is_none());
        assert!(run(&Network::default(), &[], CONTEXT).is_none());
    }
}
