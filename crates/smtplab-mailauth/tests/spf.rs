//! SPF scenarios after the RFC 7208 test suite (pyspf/openspf
//! rfc7208-tests.yml): the same situations, written here as zones, a
//! client and the result RFC 7208 requires.

mod common;

use common::{network, Flaky};
use smtplab_mailauth::spf::{check_mail_from, Identity, SpfResult};

use SpfResult::{Fail, Neutral, None as NoneResult, Pass, PermError, SoftFail, TempError};

/// One situation: a record for example.com (plus other zone lines), who
/// connects, and what RFC 7208 says the result is.
struct Case {
    name: &'static str,
    spf: &'static str,
    extra: &'static [&'static str],
    ip: &'static str,
    expected: SpfResult,
}

const fn case(
    name: &'static str,
    spf: &'static str,
    extra: &'static [&'static str],
    ip: &'static str,
    expected: SpfResult,
) -> Case {
    Case {
        name,
        spf,
        extra,
        ip,
        expected,
    }
}

/// Addresses used throughout: example.com's own host and an outsider.
const HOST: &str = "192.0.2.10";
const OUTSIDER: &str = "198.51.100.7";
const HOST6: &str = "2001:db8::10";

const BASE: &[&str] = &[
    "example.com. A 192.0.2.10",
    "example.com. AAAA 2001:db8::10",
    "example.com. MX 10 mail.example.com.",
    "mail.example.com. A 192.0.2.20",
    "other.example.net. A 192.0.2.30",
];

fn run(cases: &[Case]) {
    for case in cases {
        let mut lines: Vec<String> = BASE.iter().map(|l| (*l).to_owned()).collect();
        if !case.spf.is_empty() {
            lines.push(format!("example.com. TXT \"{}\"", case.spf));
        }
        lines.extend(case.extra.iter().map(|l| (*l).to_owned()));
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let net = network(&refs);
        let outcome = check_mail_from(
            &net,
            case.ip.parse().unwrap(),
            "mail.example.com",
            "sender@example.com",
        );
        assert_eq!(
            outcome.result, case.expected,
            "{}: {} -> {:?} ({:?})",
            case.name, case.spf, outcome.result, outcome.problem
        );
    }
}

#[test]
fn all_mechanism_and_qualifiers() {
    run(&[
        case("all-plus", "v=spf1 +all", &[], OUTSIDER, Pass),
        case("all-implicit-plus", "v=spf1 all", &[], OUTSIDER, Pass),
        case("all-minus", "v=spf1 -all", &[], OUTSIDER, Fail),
        case("all-tilde", "v=spf1 ~all", &[], OUTSIDER, SoftFail),
        case("all-neutral", "v=spf1 ?all", &[], OUTSIDER, Neutral),
        case("all-double", "v=spf1 all -all", &[], OUTSIDER, Pass),
        case(
            "all-arg",
            "v=spf1 all:foobar -all",
            &[],
            OUTSIDER,
            PermError,
        ),
        case("all-cidr", "v=spf1 all/8 -all", &[], OUTSIDER, PermError),
        case("empty-record", "v=spf1", &[], OUTSIDER, Neutral),
        case(
            "no-match-no-all",
            "v=spf1 ip4:203.0.113.1",
            &[],
            OUTSIDER,
            Neutral,
        ),
    ]);
}

#[test]
fn record_selection_and_syntax() {
    run(&[
        case("no-record", "", &[], OUTSIDER, NoneResult),
        case("not-spf", "v=spf10 -all", &[], OUTSIDER, NoneResult),
        case(
            "case-insensitive-version",
            "V=SpF1 -ALL",
            &[],
            OUTSIDER,
            Fail,
        ),
        case("two-spaces", "v=spf1  -all", &[], OUTSIDER, Fail),
        case("trailing-space", "v=spf1 -all ", &[], OUTSIDER, Fail),
        case(
            "multiple-records",
            "v=spf1 -all",
            &["example.com. TXT \"v=spf1 +all\""],
            OUTSIDER,
            PermError,
        ),
        case(
            "other-txt-ignored",
            "v=spf1 -all",
            &["example.com. TXT \"google-site-verification=abc\""],
            OUTSIDER,
            Fail,
        ),
        case(
            "unknown-mechanism-after-match",
            "v=spf1 -all moo",
            &[],
            OUTSIDER,
            PermError,
        ),
        case(
            "unknown-modifier-ignored",
            "v=spf1 moo.cow-far_out=man:dog/cat -all",
            &[],
            OUTSIDER,
            Fail,
        ),
        case(
            "default-modifier-ignored",
            "v=spf1 default=+ -all",
            &[],
            OUTSIDER,
            Fail,
        ),
        case(
            "modifier-bad-macro",
            "v=spf1 -all foo=%z",
            &[],
            OUTSIDER,
            PermError,
        ),
        case("qualifier-alone", "v=spf1 - -all", &[], OUTSIDER, PermError),
        case(
            "qualified-modifier",
            "v=spf1 -redirect=other.example.net",
            &[],
            OUTSIDER,
            PermError,
        ),
    ]);
}

#[test]
fn ip4_and_ip6_mechanisms() {
    run(&[
        case("ip4-match", "v=spf1 ip4:192.0.2.10 -all", &[], HOST, Pass),
        case(
            "ip4-network",
            "v=spf1 ip4:198.51.100.0/24 -all",
            &[],
            OUTSIDER,
            Pass,
        ),
        case(
            "ip4-zero-length",
            "v=spf1 ip4:1.2.3.4/0 -all",
            &[],
            OUTSIDER,
            Pass,
        ),
        case(
            "ip4-no-match",
            "v=spf1 ip4:192.0.2.10 -all",
            &[],
            OUTSIDER,
            Fail,
        ),
        case(
            "ip4-cidr-too-wide",
            "v=spf1 ip4:192.0.2.10/33 -all",
            &[],
            HOST,
            PermError,
        ),
        case(
            "ip4-dual-cidr",
            "v=spf1 ip4:192.0.2.10//32 -all",
            &[],
            HOST,
            PermError,
        ),
        case(
            "ip4-leading-zero",
            "v=spf1 ip4:192.0.2.10/032 -all",
            &[],
            HOST,
            PermError,
        ),
        case(
            "ip4-short-address",
            "v=spf1 ip4:192.0.2 -all",
            &[],
            HOST,
            PermError,
        ),
        case("ip4-empty", "v=spf1 ip4: -all", &[], HOST, PermError),
        case(
            "ip4-mapped-ipv6-client",
            "v=spf1 ip4:192.0.2.10 -all",
            &[],
            "::ffff:192.0.2.10",
            Pass,
        ),
        case(
            "ip4-against-ipv6-client",
            "v=spf1 ip4:0.0.0.0/0 -all",
            &[],
            HOST6,
            Fail,
        ),
        case(
            "ip6-match",
            "v=spf1 ip6:2001:db8::/32 -all",
            &[],
            HOST6,
            Pass,
        ),
        case(
            "ip6-against-ipv4-client",
            "v=spf1 ip6:::/0 -all",
            &[],
            HOST,
            Fail,
        ),
        case(
            "ip6-bad-cidr",
            "v=spf1 ip6:::1.1.1.1/129 -all",
            &[],
            HOST6,
            PermError,
        ),
        case(
            "ip6-bad-address",
            "v=spf1 ip6:2001:db8::zz -all",
            &[],
            HOST6,
            PermError,
        ),
    ]);
}

#[test]
fn a_mechanism() {
    run(&[
        case("a-current-domain", "v=spf1 a -all", &[], HOST, Pass),
        case("a-no-match", "v=spf1 a -all", &[], OUTSIDER, Fail),
        case("a-ipv6-uses-aaaa", "v=spf1 a -all", &[], HOST6, Pass),
        case(
            "a-other-domain",
            "v=spf1 a:other.example.net -all",
            &[],
            "192.0.2.30",
            Pass,
        ),
        case(
            "a-cidr4",
            "v=spf1 a:other.example.net/24 -all",
            &[],
            "192.0.2.77",
            Pass,
        ),
        case(
            "a-cidr6-0",
            "v=spf1 a//0 -all",
            &[],
            "2001:db8:ffff::1",
            Pass,
        ),
        case(
            "a-dual-cidr",
            "v=spf1 a/32//0 -all",
            &[],
            "2001:db8:ffff::1",
            Pass,
        ),
        case("a-cidr4-too-wide", "v=spf1 a/33 -all", &[], HOST, PermError),
        case(
            "a-cidr6-too-wide",
            "v=spf1 a//129 -all",
            &[],
            HOST6,
            PermError,
        ),
        case("a-empty-domain", "v=spf1 a: -all", &[], HOST, PermError),
        case("a-empty-cidr", "v=spf1 a/ -all", &[], HOST, PermError),
        case(
            "a-only-toplabel",
            "v=spf1 a:museum -all",
            &[],
            HOST,
            PermError,
        ),
        case(
            "a-numeric-toplabel",
            "v=spf1 a:example.123 -all",
            &[],
            HOST,
            PermError,
        ),
        case(
            "a-dash-in-toplabel",
            "v=spf1 a:example.-bad -all",
            &[],
            HOST,
            PermError,
        ),
        case(
            "a-nxdomain",
            "v=spf1 a:nosuch.example.net -all",
            &[],
            HOST,
            Fail,
        ),
    ]);
}

#[test]
fn mx_mechanism() {
    let eleven_mx: &[&str] = &[
        "many.example.org. MX 1 m1.example.org.",
        "many.example.org. MX 2 m2.example.org.",
        "many.example.org. MX 3 m3.example.org.",
        "many.example.org. MX 4 m4.example.org.",
        "many.example.org. MX 5 m5.example.org.",
        "many.example.org. MX 6 m6.example.org.",
        "many.example.org. MX 7 m7.example.org.",
        "many.example.org. MX 8 m8.example.org.",
        "many.example.org. MX 9 m9.example.org.",
        "many.example.org. MX 10 m10.example.org.",
        "many.example.org. MX 11 m11.example.org.",
        "m11.example.org. A 198.51.100.7",
    ];
    run(&[
        case("mx-match", "v=spf1 mx -all", &[], "192.0.2.20", Pass),
        case("mx-no-match", "v=spf1 mx -all", &[], HOST, Fail),
        case("mx-cidr", "v=spf1 mx/24 -all", &[], "192.0.2.200", Pass),
        case("mx-empty", "v=spf1 mx: -all", &[], HOST, PermError),
        case(
            "mx-limit",
            "v=spf1 mx:many.example.org -all",
            eleven_mx,
            OUTSIDER,
            PermError,
        ),
        case(
            "mx-host-without-address",
            "v=spf1 mx:bare.example.org -all",
            &["bare.example.org. MX 10 nowhere.example.org."],
            OUTSIDER,
            Fail,
        ),
    ]);
}

#[test]
fn ptr_mechanism() {
    let reverse: &[&str] = &[
        "7.100.51.198.in-addr.arpa. PTR relay.example.com.",
        "relay.example.com. A 198.51.100.7",
        "8.100.51.198.in-addr.arpa. PTR liar.example.com.",
        "liar.example.com. A 192.0.2.250",
    ];
    run(&[
        case("ptr-validated", "v=spf1 ptr -all", reverse, OUTSIDER, Pass),
        case(
            "ptr-not-validated",
            "v=spf1 ptr -all",
            reverse,
            "198.51.100.8",
            Fail,
        ),
        case(
            "ptr-other-domain",
            "v=spf1 ptr:example.net -all",
            reverse,
            OUTSIDER,
            Fail,
        ),
        case(
            "ptr-explicit-domain",
            "v=spf1 ptr:example.com -all",
            reverse,
            OUTSIDER,
            Pass,
        ),
        case(
            "ptr-no-reverse",
            "v=spf1 ptr -all",
            reverse,
            "198.51.100.9",
            Fail,
        ),
        case(
            "ptr-cidr",
            "v=spf1 ptr/0 -all",
            reverse,
            OUTSIDER,
            PermError,
        ),
        case(
            "ptr-empty",
            "v=spf1 ptr: -all",
            reverse,
            OUTSIDER,
            PermError,
        ),
    ]);
}

#[test]
fn include_mechanism() {
    let others: &[&str] = &[
        "ok.example.net. TXT \"v=spf1 ip4:198.51.100.7 -all\"",
        "softly.example.net. TXT \"v=spf1 ~all\"",
        "broken.example.net. TXT \"v=spf1 ip4:nonsense\"",
        "plain.example.net. A 192.0.2.40",
    ];
    run(&[
        case(
            "include-pass",
            "v=spf1 include:ok.example.net -all",
            others,
            OUTSIDER,
            Pass,
        ),
        case(
            "include-fail-continues",
            "v=spf1 include:ok.example.net ?all",
            others,
            HOST,
            Neutral,
        ),
        case(
            "include-softfail-is-no-match",
            "v=spf1 include:softly.example.net -all",
            others,
            OUTSIDER,
            Fail,
        ),
        case(
            "include-none",
            "v=spf1 include:plain.example.net -all",
            others,
            OUTSIDER,
            PermError,
        ),
        case(
            "include-nxdomain",
            "v=spf1 include:nosuch.example.net -all",
            others,
            OUTSIDER,
            PermError,
        ),
        case(
            "include-permerror",
            "v=spf1 include:broken.example.net -all",
            others,
            OUTSIDER,
            PermError,
        ),
        case(
            "include-syntax-error",
            "v=spf1 include -all",
            others,
            OUTSIDER,
            PermError,
        ),
        case(
            "include-empty",
            "v=spf1 include: -all",
            others,
            OUTSIDER,
            PermError,
        ),
        case(
            "include-cidr",
            "v=spf1 include:ok.example.net/24 -all",
            others,
            OUTSIDER,
            PermError,
        ),
        case(
            "include-loop",
            "v=spf1 include:example.com -all",
            others,
            OUTSIDER,
            PermError,
        ),
    ]);
}

#[test]
fn exists_mechanism() {
    let allow: &[&str] = &["198.51.100.7.allow.example.net. A 127.0.0.2"];
    run(&[
        case(
            "exists-match",
            "v=spf1 exists:%{i}.allow.example.net -all",
            allow,
            OUTSIDER,
            Pass,
        ),
        case(
            "exists-no-match",
            "v=spf1 exists:%{i}.allow.example.net -all",
            allow,
            HOST,
            Fail,
        ),
        case(
            "exists-implicit",
            "v=spf1 exists -all",
            allow,
            OUTSIDER,
            PermError,
        ),
        case(
            "exists-empty-domain",
            "v=spf1 exists: -all",
            allow,
            OUTSIDER,
            PermError,
        ),
        case(
            "exists-cidr",
            "v=spf1 exists:other.example.net/24 -all",
            allow,
            OUTSIDER,
            PermError,
        ),
        case(
            "exists-ipv6-asks-for-a",
            "v=spf1 exists:other.example.net -all",
            &[],
            HOST6,
            Pass,
        ),
    ]);
}

#[test]
fn redirect_modifier() {
    let target: &[&str] = &["policy.example.net. TXT \"v=spf1 ip4:198.51.100.7 -all\""];
    run(&[
        case(
            "redirect-followed",
            "v=spf1 redirect=policy.example.net",
            target,
            OUTSIDER,
            Pass,
        ),
        case(
            "redirect-target-fails",
            "v=spf1 redirect=policy.example.net",
            target,
            HOST,
            Fail,
        ),
        case(
            "redirect-after-all-ignored",
            "v=spf1 +all redirect=policy.example.net",
            target,
            HOST,
            Pass,
        ),
        case(
            "redirect-none",
            "v=spf1 redirect=other.example.net",
            target,
            OUTSIDER,
            PermError,
        ),
        case(
            "redirect-twice",
            "v=spf1 redirect=policy.example.net redirect=policy.example.net",
            target,
            OUTSIDER,
            PermError,
        ),
        case(
            "redirect-empty",
            "v=spf1 redirect=",
            target,
            OUTSIDER,
            PermError,
        ),
        case(
            "redirect-macro",
            "v=spf1 redirect=policy.%{d2r}.net",
            &["policy.com.example.net. TXT \"v=spf1 +all\""],
            OUTSIDER,
            Pass,
        ),
        case(
            "redirect-self-loop",
            "v=spf1 redirect=example.com",
            target,
            OUTSIDER,
            PermError,
        ),
    ]);
}

#[test]
fn macros_in_domains() {
    let names: &[&str] = &[
        "sender.l.example.net. A 127.0.0.2",
        "example.com.o.example.net. A 127.0.0.2",
        "mail.example.com.h.example.net. A 127.0.0.2",
        "7.100.51.198.in-addr.r.example.net. A 127.0.0.2",
        "sender.example.com.s.example.net. A 127.0.0.2",
    ];
    run(&[
        case(
            "macro-l",
            "v=spf1 exists:%{l}.l.example.net -all",
            names,
            OUTSIDER,
            Pass,
        ),
        case(
            "macro-o",
            "v=spf1 exists:%{o}.o.example.net -all",
            names,
            OUTSIDER,
            Pass,
        ),
        case(
            "macro-h",
            "v=spf1 exists:%{h}.h.example.net -all",
            names,
            OUTSIDER,
            Pass,
        ),
        case(
            "macro-ir-v",
            "v=spf1 exists:%{ir}.%{v}.r.example.net -all",
            names,
            OUTSIDER,
            Pass,
        ),
        case(
            "macro-s-with-delimiter",
            "v=spf1 exists:%{s@}.s.example.net -all",
            names,
            OUTSIDER,
            PermError,
        ),
        case(
            "macro-bad-letter",
            "v=spf1 exists:%{q}.example.net -all",
            names,
            OUTSIDER,
            PermError,
        ),
        case(
            "macro-c-outside-exp",
            "v=spf1 exists:%{c}.example.net -all",
            names,
            OUTSIDER,
            PermError,
        ),
        case(
            "macro-zero-digits",
            "v=spf1 exists:%{d0}.example.net -all",
            names,
            OUTSIDER,
            PermError,
        ),
        case(
            "macro-unclosed",
            "v=spf1 exists:%{d.example.net -all",
            names,
            OUTSIDER,
            PermError,
        ),
        case(
            "macro-lone-percent",
            "v=spf1 exists:50%.example.net -all",
            names,
            OUTSIDER,
            PermError,
        ),
    ]);
}

#[test]
fn dns_lookup_limit() {
    let ten_a = "v=spf1 a a a a a a a a a a -all";
    let eleven_a = "v=spf1 a a a a a a a a a a a -all";
    run(&[
        case("ten-lookups", ten_a, &[], OUTSIDER, Fail),
        case("eleven-lookups", eleven_a, &[], OUTSIDER, PermError),
        case(
            "match-before-limit",
            "v=spf1 ip4:198.51.100.7 a a a a a a a a a a a -all",
            &[],
            OUTSIDER,
            Pass,
        ),
        case(
            "ip-and-all-not-counted",
            "v=spf1 a a a a a a a a a a ip4:198.51.100.7 -all",
            &[],
            OUTSIDER,
            Pass,
        ),
    ]);
    let chain: &[&str] = &[
        "i1.example.net. TXT \"v=spf1 include:i2.example.net\"",
        "i2.example.net. TXT \"v=spf1 include:i3.example.net\"",
        "i3.example.net. TXT \"v=spf1 include:i4.example.net\"",
        "i4.example.net. TXT \"v=spf1 include:i5.example.net\"",
        "i5.example.net. TXT \"v=spf1 include:i6.example.net\"",
        "i6.example.net. TXT \"v=spf1 include:i7.example.net\"",
        "i7.example.net. TXT \"v=spf1 include:i8.example.net\"",
        "i8.example.net. TXT \"v=spf1 include:i9.example.net\"",
        "i9.example.net. TXT \"v=spf1 include:i10.example.net\"",
        "i10.example.net. TXT \"v=spf1 ip4:198.51.100.7 include:i11.example.net\"",
        "i11.example.net. TXT \"v=spf1 +all\"",
    ];
    run(&[
        case(
            "include-chain-of-ten",
            "v=spf1 include:i1.example.net -all",
            chain,
            OUTSIDER,
            Pass,
        ),
        case(
            "include-chain-over-ten",
            "v=spf1 include:i1.example.net -all",
            chain,
            HOST,
            PermError,
        ),
    ]);
}

#[test]
fn void_lookup_limit() {
    run(&[
        case(
            "two-voids",
            "v=spf1 a:v1.example.net a:v2.example.net -all",
            &[],
            OUTSIDER,
            Fail,
        ),
        case(
            "three-voids",
            "v=spf1 a:v1.example.net a:v2.example.net exists:v3.example.net -all",
            &[],
            OUTSIDER,
            PermError,
        ),
        case(
            "void-mx",
            "v=spf1 mx:v1.example.net mx:v2.example.net mx:v3.example.net -all",
            &[],
            OUTSIDER,
            PermError,
        ),
    ]);
}

#[test]
fn sender_domains_that_cannot_be_checked_give_none() {
    let net = network(&["example.com. TXT \"v=spf1 -all\""]);
    let ip = OUTSIDER.parse().unwrap();
    for sender in [
        "a@nosuch.example.com",
        "a@localhost",
        "a@bad..example.com",
        &format!("a@{}.example.com", "x".repeat(64)),
    ] {
        let outcome = check_mail_from(&net, ip, "helo.example.com", sender);
        assert_eq!(outcome.result, NoneResult, "{sender}");
    }
}

#[test]
fn null_sender_checks_the_helo_name() {
    let net = network(&["mail.example.com. TXT \"v=spf1 ip4:198.51.100.7 -all\""]);
    let outcome = check_mail_from(&net, OUTSIDER.parse().unwrap(), "mail.example.com", "<>");
    assert_eq!(outcome.result, Pass);
    assert_eq!(outcome.identity, Identity::Helo);
    assert_eq!(outcome.sender, "postmaster@mail.example.com");
}

#[test]
fn split_txt_strings_are_joined() {
    let net = network(&["example.com. TXT \"v=spf1 ip4:198.51.100.7\" \" -all\""]);
    let outcome = check_mail_from(
        &net,
        HOST.parse().unwrap(),
        "h.example.com",
        "a@example.com",
    );
    assert_eq!(outcome.result, Fail);
    assert_eq!(
        outcome.record.as_deref(),
        Some("v=spf1 ip4:198.51.100.7 -all")
    );
}

#[test]
fn timeouts_give_temperror() {
    let net = network(&[
        "example.com. TXT \"v=spf1 a:slow.example.net include:slowtxt.example.net -all\"",
        "example.com. A 192.0.2.10",
    ]);
    let ip = OUTSIDER.parse().unwrap();
    for (failing, expected) in [
        ("example.com", TempError),
        ("slow.example.net", TempError),
        ("slowtxt.example.net", TempError),
    ] {
        let resolver = Flaky {
            network: net.clone(),
            failing: vec![failing],
        };
        let outcome = check_mail_from(&resolver, ip, "h.example.com", "a@example.com");
        assert_eq!(outcome.result, expected, "{failing}");
        assert!(outcome.problem.unwrap().contains("timed out"));
    }
}

#[test]
fn explanations_come_from_exp_and_expand_macros() {
    let net = network(&[
        "example.com. TXT \"v=spf1 ip4:192.0.2.10 -all exp=why.example.com\"",
        "why.example.com. TXT \"%{i} is not one of %{d}'s designated mail servers (%{c}, %{l}).\"",
        "twice.example.com. TXT \"v=spf1 -all exp=e.example.com exp=e.example.com\"",
        "multi.example.com. TXT \"v=spf1 -all exp=two.example.com\"",
        "two.example.com. TXT \"one\"",
        "two.example.com. TXT \"two\"",
        "silent.example.com. TXT \"v=spf1 -all exp=nothing.example.com\"",
        "emptyexp.example.com. TXT \"v=spf1 -all exp=\"",
    ]);
    let ip = OUTSIDER.parse().unwrap();
    let outcome = check_mail_from(&net, ip, "h.example.com", "bob@example.com");
    assert_eq!(outcome.result, Fail);
    assert_eq!(
        outcome.explanation.as_deref(),
        Some(
            "198.51.100.7 is not one of example.com's designated mail servers (198.51.100.7, bob)."
        )
    );
    assert!(outcome
        .explain()
        .contains("Its explanation: 198.51.100.7 is not one"));
    for (sender, result, has_explanation) in [
        ("a@twice.example.com", PermError, false),
        ("a@multi.example.com", Fail, false),
        ("a@silent.example.com", Fail, false),
        ("a@emptyexp.example.com", PermError, false),
    ] {
        let outcome = check_mail_from(&net, ip, "h.example.com", sender);
        assert_eq!(outcome.result, result, "{sender}");
        assert_eq!(outcome.explanation.is_some(), has_explanation, "{sender}");
    }
}

#[test]
fn headers_and_sentences_say_what_happened() {
    let net = network(&[
        "example.org. TXT \"v=spf1 ip4:192.0.2.0/24 -all\"",
        "broken.example.org. TXT \"v=spf1 ip4:192.0.2.0/99 -all\"",
    ]);
    let outsider = OUTSIDER.parse().unwrap();
    let fail = check_mail_from(&net, outsider, "mx.example.net", "<bob@example.org>");
    assert_eq!(
        fail.explain(),
        "SPF failed: 198.51.100.7 is not listed in example.org's record v=spf1 ip4:192.0.2.0/24 -all, \
         which ends in -all: the domain says mail from elsewhere is forged."
    );
    assert_eq!(
        fail.received_spf("mx1.example.net"),
        "Received-SPF: fail (mx1.example.net: domain of bob@example.org does not designate \
         198.51.100.7 as permitted sender) client-ip=198.51.100.7; envelope-from=\"bob@example.org\"; \
         helo=mx.example.net; receiver=mx1.example.net; identity=mailfrom; mechanism=-all;\r\n"
    );
    let pass = check_mail_from(
        &net,
        "192.0.2.5".parse().unwrap(),
        "mx.example.org",
        "bob@example.org",
    );
    assert!(pass
        .explain()
        .starts_with("SPF passed: 192.0.2.5 is allowed to send for example.org"));
    let broken = check_mail_from(&net, outsider, "mx", "a@broken.example.org");
    assert_eq!(broken.result, PermError);
    assert!(
        broken
            .explain()
            .contains("`/99` is not a valid prefix length"),
        "{}",
        broken.explain()
    );
    assert!(broken.received_spf("r.example").contains("problem=\""));
}

#[test]
fn trailing_dots_and_the_p_macro() {
    let reverse: &[&str] = &[
        "7.100.51.198.in-addr.arpa. PTR relay.example.com.",
        "relay.example.com. A 198.51.100.7",
        "relay.example.com.p.example.net. A 127.0.0.2",
    ];
    run(&[
        case(
            "domain-with-trailing-dot",
            "v=spf1 a:other.example.net. -all",
            &[],
            "192.0.2.30",
            Pass,
        ),
        case(
            "p-macro-validated-name",
            "v=spf1 exists:%{p}.p.example.net -all",
            reverse,
            OUTSIDER,
            Pass,
        ),
        case(
            "p-macro-unknown",
            "v=spf1 exists:%{p}.p.example.net -all",
            reverse,
            HOST,
            Fail,
        ),
    ]);
}

#[test]
fn ptr_looks_at_ten_names_only() {
    let mut lines: Vec<String> = (1..=11)
        .map(|n| format!("7.100.51.198.in-addr.arpa. PTR n{n}.example.com."))
        .collect();
    lines.push("n11.example.com. A 198.51.100.7".into());
    lines.push("example.com. TXT \"v=spf1 ptr -all\"".into());
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let net = network(&refs);
    let outcome = check_mail_from(&net, OUTSIDER.parse().unwrap(), "h", "a@example.com");
    assert_eq!(outcome.result, Fail, "the eleventh name is never checked");
}

#[test]
fn mx_host_address_timeouts_give_temperror() {
    let net = network(&[
        "example.com. TXT \"v=spf1 mx -all\"",
        "example.com. MX 10 mail.example.com.",
    ]);
    let resolver = Flaky {
        network: net,
        failing: vec!["mail.example.com"],
    };
    let outcome = check_mail_from(&resolver, OUTSIDER.parse().unwrap(), "h", "a@example.com");
    assert_eq!(outcome.result, TempError);
    assert!(outcome
        .explain()
        .starts_with("SPF temperror: the DNS query for mail.example.com A timed out"));
}

#[test]
fn a_fail_by_a_listed_address_is_worded_as_such() {
    let net = network(&["example.com. TXT \"v=spf1 -ip4:198.51.100.7 +all\""]);
    let outcome = check_mail_from(&net, OUTSIDER.parse().unwrap(), "h", "a@example.com");
    assert_eq!(outcome.result, Fail);
    assert_eq!(
        outcome.explain(),
        "SPF failed: example.com's record v=spf1 -ip4:198.51.100.7 +all names 198.51.100.7 in \
         -ip4:198.51.100.7, which says mail from it is forged."
    );
}
