//! The probe's cases, as one table: what to send on a fresh connection,
//! the replies a conforming server gives, and the rule that says so.
//!
//! Steps are templates: `{from}`, `{rcpt}` (the only address a message
//! is ever sent to), `{helo}`, `{headers}` (a test message's header
//! section and empty line), `{message}` (a whole test message with a
//! dot-stuffed line, ended by its `.` line for DATA), `{bdat_message}`
//! (`BDAT n LAST` and a test message), `{over_size}` (the server's SIZE
//! plus one), `{long}` (a 600-octet word), `{utf8_from}`, `{bad_auth}`
//! (base64 credentials no account has), `{auth_mechanism}`.

/// How strict a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// What the RFCs require of every server.
    Rfc,
    /// What a careful public server also does (`--profile strict`).
    Strict,
}

/// What a case needs from the server or the user to be run at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    /// Nothing.
    Nothing,
    /// This keyword in the EHLO reply.
    Keyword(&'static str),
    /// SIZE with a fixed limit.
    SizeLimit,
    /// `--rcpt`: the case sends a message.
    Rcpt,
    /// Both a keyword and `--rcpt`.
    KeywordAndRcpt(&'static str),
}

/// A reply the case accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Exactly this code.
    Code(u16),
    /// One of these codes.
    OneOf(&'static [u16]),
    /// Any code of this class (first digit).
    Class(u16),
    /// Any reply at all (the step only has to be answered).
    Any,
}

/// Bytes to send and the replies to them, in order.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// A template (see the module documentation).
    pub send: &'static str,
    /// One entry per reply awaited.
    pub expect: &'static [Expect],
}

/// One check, run on its own connection.
#[derive(Debug, Clone, Copy)]
pub struct Case {
    /// Short name, for `--case` and reports.
    pub id: &'static str,
    /// The rule.
    pub rfc: &'static str,
    /// What it checks, in words.
    pub title: &'static str,
    /// Rfc or Strict.
    pub level: Level,
    /// What must be there to run it.
    pub needs: Needs,
    /// Whether EHLO goes first.
    pub hello: bool,
    /// The steps.
    pub steps: &'static [Step],
    /// Whether the server must close the connection after the last step.
    pub closes: bool,
}

const fn step(send: &'static str, expect: &'static [Expect]) -> Step {
    Step { send, expect }
}

const OK: &[Expect] = &[Expect::Code(250)];
const RCPT_OK: &[Expect] = &[Expect::OneOf(&[250, 251])];
const REFUSED: &[Expect] = &[Expect::Class(5)];
const BAD_SEQUENCE: &[Expect] = &[Expect::Code(503)];
const GO_AHEAD: &[Expect] = &[Expect::Code(354)];
const ANY: &[Expect] = &[Expect::Any];
const BYE: &[Expect] = &[Expect::Code(221)];

/// The start of every smuggling case: a transaction to `{rcpt}` in DATA.
macro_rules! smuggling_case {
    ($id:literal, $sequence:literal, $title:literal) => {
        Case {
            id: $id,
            rfc: "RFC 5321 section 4.1.1.4 and 2.3.8",
            title: $title,
            level: Level::Rfc,
            needs: Needs::Rcpt,
            hello: true,
            steps: &[
                step("MAIL FROM:<{from}>\r\n", OK),
                step("RCPT TO:<{rcpt}>\r\n", RCPT_OK),
                step("DATA\r\n", GO_AHEAD),
                // One message whose content holds a fake end of data and a
                // second transaction; a server that ends the message at the
                // fake end answers the smuggled commands instead of QUIT.
                step(
                    concat!("{headers}First part.", $sequence, "MAIL FROM:<{from}>\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n{headers}Smuggled part.\r\n.\r\n"),
                    ANY,
                ),
                step("QUIT\r\n", BYE),
            ],
            closes: true,
        }
    };
}

/// Every case, in the order they run.
pub static CASES: &[Case] = &[
    Case {
        id: "greeting-quit",
        rfc: "RFC 5321 section 3.1 and 4.1.1.10",
        title: "The server greets with 220 and answers QUIT with 221, then closes",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: false,
        steps: &[step("QUIT\r\n", BYE)],
        closes: true,
    },
    Case {
        id: "ehlo",
        rfc: "RFC 5321 section 4.1.1.1",
        title: "EHLO is answered with 250 and the extension list",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: false,
        steps: &[step("EHLO {helo}\r\n", OK)],
        closes: false,
    },
    Case {
        id: "helo",
        rfc: "RFC 5321 section 4.1.1.1",
        title: "HELO still works for old clients",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: false,
        steps: &[step("HELO {helo}\r\n", OK)],
        closes: false,
    },
    Case {
        id: "noop-rset",
        rfc: "RFC 5321 section 4.1.1.9 and 4.1.1.5",
        title: "NOOP and RSET are answered with 250",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[step("NOOP\r\n", OK), step("RSET\r\n", OK)],
        closes: false,
    },
    Case {
        id: "unknown-command",
        rfc: "RFC 5321 section 4.2.4",
        title: "An unknown command gets 500 (or 502) and the session goes on",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[
            step("XYZZY\r\n", &[Expect::OneOf(&[500, 502])]),
            step("NOOP\r\n", OK),
        ],
        closes: false,
    },
    Case {
        id: "mail-rset",
        rfc: "RFC 5321 section 4.1.1.2 and 4.1.1.5",
        title: "MAIL opens a transaction and RSET abandons it",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[
            step("MAIL FROM:<{from}>\r\n", OK),
            step("RSET\r\n", OK),
            step("MAIL FROM:<{from}>\r\n", OK),
        ],
        closes: false,
    },
    Case {
        id: "null-sender",
        rfc: "RFC 5321 section 4.5.5",
        title: "The null reverse-path <> (used by bounces) is accepted",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[step("MAIL FROM:<>\r\n", OK)],
        closes: false,
    },
    Case {
        id: "rcpt-before-mail",
        rfc: "RFC 5321 section 4.1.4 and 3.3",
        title: "RCPT without MAIL is a bad sequence (503)",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[step("RCPT TO:<postmaster>\r\n", BAD_SEQUENCE)],
        closes: false,
    },
    Case {
        id: "data-before-rcpt",
        rfc: "RFC 5321 section 4.1.4 and 3.3",
        title: "DATA without a recipient is refused (503 or 554)",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[
            step("MAIL FROM:<{from}>\r\n", OK),
            step("DATA\r\n", &[Expect::OneOf(&[503, 554])]),
        ],
        closes: false,
    },
    Case {
        id: "nested-mail",
        rfc: "RFC 5321 section 4.1.4",
        title: "A second MAIL inside a transaction is a bad sequence (503)",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[
            step("MAIL FROM:<{from}>\r\n", OK),
            step("MAIL FROM:<{from}>\r\n", BAD_SEQUENCE),
        ],
        closes: false,
    },
    Case {
        id: "postmaster",
        rfc: "RFC 5321 section 4.1.1.3",
        title: "<postmaster> without a domain is accepted as a recipient",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[
            step("MAIL FROM:<{from}>\r\n", OK),
            step("RCPT TO:<postmaster>\r\n", RCPT_OK),
            step("RSET\r\n", OK),
        ],
        closes: false,
    },
    Case {
        id: "long-command",
        rfc: "RFC 5321 section 4.5.3.1.4",
        title: "A command line over 512 octets is answered and the session survives",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[step("NOOP {long}\r\n", ANY), step("NOOP\r\n", OK)],
        closes: false,
    },
    Case {
        id: "bare-lf-command",
        rfc: "RFC 5321 section 4.1.1.4 and 2.3.8",
        title: "A bare LF does not end a command line (else one line is read as two)",
        level: Level::Rfc,
        needs: Needs::Nothing,
        hello: true,
        steps: &[step("NOOP\nNOOP\r\n", ANY), step("QUIT\r\n", BYE)],
        closes: true,
    },
    Case {
        id: "size-declared",
        rfc: "RFC 1870 section 6",
        title: "MAIL with a small SIZE= is accepted",
        level: Level::Rfc,
        needs: Needs::Keyword("SIZE"),
        hello: true,
        steps: &[step("MAIL FROM:<{from}> SIZE=100\r\n", OK)],
        closes: false,
    },
    Case {
        id: "size-over-limit",
        rfc: "RFC 1870 section 6",
        title: "MAIL with SIZE= over the advertised limit gets 552 (or 452)",
        level: Level::Rfc,
        needs: Needs::SizeLimit,
        hello: true,
        steps: &[
            step(
                "MAIL FROM:<{from}> SIZE={over_size}\r\n",
                &[Expect::OneOf(&[552, 452])],
            ),
            step("NOOP\r\n", OK),
        ],
        closes: false,
    },
    Case {
        id: "pipelining",
        rfc: "RFC 2920 section 3.1",
        title: "Pipelined MAIL, RCPT, RSET and NOOP get their four replies in order",
        level: Level::Rfc,
        needs: Needs::Keyword("PIPELINING"),
        hello: true,
        steps: &[step(
            "MAIL FROM:<{from}>\r\nRCPT TO:<postmaster>\r\nRSET\r\nNOOP\r\n",
            &[
                Expect::Code(250),
                Expect::OneOf(&[250, 251]),
                Expect::Code(250),
                Expect::Code(250),
            ],
        )],
        closes: false,
    },
    Case {
        id: "data-transparency",
        rfc: "RFC 5321 section 4.5.2 and 4.1.1.4",
        title: "A message with a dot-stuffed line is accepted with 250 after the lone dot",
        level: Level::Rfc,
        needs: Needs::Rcpt,
        hello: true,
        steps: &[
            step("MAIL FROM:<{from}>\r\n", OK),
            step("RCPT TO:<{rcpt}>\r\n", RCPT_OK),
            step("DATA\r\n", GO_AHEAD),
            step("{message}", OK),
        ],
        closes: false,
    },
    Case {
        id: "chunking",
        rfc: "RFC 3030 section 2",
        title: "BDAT LAST delivers a message in one counted chunk",
        level: Level::Rfc,
        needs: Needs::KeywordAndRcpt("CHUNKING"),
        hello: true,
        steps: &[
            step("MAIL FROM:<{from}>\r\n", OK),
            step("RCPT TO:<{rcpt}>\r\n", RCPT_OK),
            step("{bdat_message}", OK),
        ],
        closes: false,
    },
    Case {
        id: "bdat-without-mail",
        rfc: "RFC 3030 section 2",
        title: "A refused BDAT still consumes its octets (they are not read as commands)",
        level: Level::Rfc,
        needs: Needs::Keyword("CHUNKING"),
        hello: true,
        steps: &[
            step("BDAT 6 LAST\r\nNOOP\r\n", &[Expect::OneOf(&[503, 554])]),
            step("QUIT\r\n", BYE),
        ],
        closes: true,
    },
    Case {
        id: "dsn-parameters",
        rfc: "RFC 3461 section 4",
        title: "MAIL RET=/ENVID= and RCPT NOTIFY=/ORCPT= are accepted",
        level: Level::Rfc,
        needs: Needs::Keyword("DSN"),
        hello: true,
        steps: &[
            step("MAIL FROM:<{from}> RET=HDRS ENVID=smtplab-probe\r\n", OK),
            step(
                "RCPT TO:<postmaster> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;postmaster\r\n",
                RCPT_OK,
            ),
            step("RSET\r\n", OK),
        ],
        closes: false,
    },
    Case {
        id: "dsn-bad-ret",
        rfc: "RFC 3461 section 4.3",
        title: "A RET= value other than FULL or HDRS is refused",
        level: Level::Rfc,
        needs: Needs::Keyword("DSN"),
        hello: true,
        steps: &[step("MAIL FROM:<{from}> RET=EVERYTHING\r\n", REFUSED)],
        closes: false,
    },
    Case {
        id: "auth-cancel",
        rfc: "RFC 4954 section 4",
        title: "AUTH answered with * is cancelled with 501",
        level: Level::Rfc,
        needs: Needs::Keyword("AUTH"),
        hello: true,
        steps: &[
            step("AUTH {auth_mechanism}\r\n", &[Expect::Code(334)]),
            step("*\r\n", &[Expect::Code(501)]),
        ],
        closes: false,
    },
    Case {
        id: "auth-bad-credentials",
        rfc: "RFC 4954 section 6",
        title: "AUTH PLAIN with wrong credentials gets 535",
        level: Level::Rfc,
        needs: Needs::Keyword("AUTH"),
        hello: true,
        steps: &[step(
            "AUTH PLAIN {bad_auth}\r\n",
            &[Expect::OneOf(&[535, 504])],
        )],
        closes: false,
    },
    Case {
        id: "smtputf8",
        rfc: "RFC 6531 section 3.4",
        title: "A UTF-8 sender with the SMTPUTF8 parameter is accepted",
        level: Level::Rfc,
        needs: Needs::Keyword("SMTPUTF8"),
        hello: true,
        steps: &[step("MAIL FROM:<{utf8_from}> SMTPUTF8\r\n", OK)],
        closes: false,
    },
    smuggling_case!(
        "smuggle-lf-dot-lf",
        "\n.\n",
        "<LF>.<LF> inside DATA does not end the message (SMTP smuggling)"
    ),
    smuggling_case!(
        "smuggle-lf-dot-crlf",
        "\n.\r\n",
        "<LF>.<CR><LF> inside DATA does not end the message (SMTP smuggling)"
    ),
    smuggling_case!(
        "smuggle-cr-dot-crlf",
        "\r.\r\n",
        "<CR>.<CR><LF> inside DATA does not end the message (SMTP smuggling)"
    ),
    smuggling_case!(
        "smuggle-crlf-dot-lf",
        "\r\n.\n",
        "<CR><LF>.<LF> inside DATA does not end the message (SMTP smuggling)"
    ),
    Case {
        id: "mail-before-helo",
        rfc: "RFC 5321 section 4.1.4",
        title: "MAIL before EHLO/HELO is refused with 503",
        level: Level::Strict,
        needs: Needs::Nothing,
        hello: false,
        steps: &[step("MAIL FROM:<{from}>\r\n", BAD_SEQUENCE)],
        closes: false,
    },
    Case {
        id: "path-with-space",
        rfc: "RFC 5321 section 4.1.2",
        title: "MAIL FROM: <...> with a space before the path is refused",
        level: Level::Strict,
        needs: Needs::Nothing,
        hello: true,
        steps: &[step("MAIL FROM: <{from}>\r\n", REFUSED)],
        closes: false,
    },
    Case {
        id: "utf8-without-parameter",
        rfc: "RFC 6531 section 3.4",
        title: "A UTF-8 sender without the SMTPUTF8 parameter is refused",
        level: Level::Strict,
        needs: Needs::Nothing,
        hello: true,
        steps: &[step("MAIL FROM:<{utf8_from}>\r\n", REFUSED)],
        closes: false,
    },
    Case {
        id: "bare-lf-in-data",
        rfc: "RFC 5321 section 2.3.8",
        title: "A message with a bare LF is refused rather than passed on",
        level: Level::Strict,
        needs: Needs::Rcpt,
        hello: true,
        steps: &[
            step("MAIL FROM:<{from}>\r\n", OK),
            step("RCPT TO:<{rcpt}>\r\n", RCPT_OK),
            step("DATA\r\n", GO_AHEAD),
            step("{headers}bare\nline feed\r\n.\r\n", REFUSED),
        ],
        closes: false,
    },
    Case {
        id: "long-text-line",
        rfc: "RFC 5321 section 4.5.3.1.6",
        title: "A message line over 1000 octets is refused",
        level: Level::Strict,
        needs: Needs::Rcpt,
        hello: true,
        steps: &[
            step("MAIL FROM:<{from}>\r\n", OK),
            step("RCPT TO:<{rcpt}>\r\n", RCPT_OK),
            step("DATA\r\n", GO_AHEAD),
            step("{headers}{long}{long}\r\n.\r\n", REFUSED),
        ],
        closes: false,
    },
];
