//! TypeScript declarations for the plain objects the API takes and returns,
//! emitted into `smtplab_wasm.d.ts` next to wasm-bindgen's own.
//!
//! They describe what `view.rs` and the engine's serde derives produce; the
//! README test (`e2e/tests/api.mjs`) checks the interfaces' field names
//! against real values, so a change on either side shows up there. The
//! `Extensions` interface is written by build.rs from the engine's extension
//! registry.

use wasm_bindgen::prelude::*;

/// Every declaration but `Extensions`.
// Read by wasm-bindgen's custom section below, which the dead-code lint
// does not count.
#[allow(dead_code)]
const TYPES: &str = r#"
/** A server preset. */
export type ProfileName = "default" | "strict" | "locked-down" | "classic" | "submission";

/** Options of `new Session(options)`. Every field is optional. */
export interface SessionOptions {
  /** Preset to start from (default: "default"). */
  profile?: ProfileName;
  /**
   * Settings merged over the preset: objects merge key by key, anything
   * else (arrays included) replaces the preset's value. Unknown keys throw.
   */
  settings?: SettingsPatch;
  /** Seed of the queue ids (default: random; read it back from `session.seed`). */
  seed?: number;
  /**
   * The clock at connection time, Unix seconds (default: Date.now() / 1000).
   * Given, the clock is the caller's: a later call without `now` reuses the
   * last time given, so scripted sessions are deterministic.
   */
  now?: number;
  /** Who connects, as the Received header records it (default: localhost, 127.0.0.1). */
  client?: { hostname?: string; ip?: string };
}

/** Objects made optional at every depth; arrays are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** A partial `Settings` (the engine's settings JSON, snake_case keys). */
export type SettingsPatch = DeepPartial<Settings>;

/** Everything that decides how the server answers and who lives there. */
export interface Settings {
  profile: Profile;
  world: World;
}

export interface Profile {
  /** Preset this profile started from. */
  name: string;
  /** The server's host name, in the greeting and trace headers. */
  hostname: string;
  /** Text after the host name in the 220 greeting. */
  banner: string;
  /** Whether EHLO exists (false: an RFC 821 server). */
  ehlo: boolean;
  /** Whether MAIL (and AUTH, STARTTLS...) need HELO/EHLO first. */
  require_helo: boolean;
  /** Whether AUTH needs TLS first (530 5.7.0 before STARTTLS; not listed in EHLO). */
  require_tls_for_auth: boolean;
  /** Whether paths must be exactly `FROM:<...>`. */
  strict_paths: boolean;
  /** What a bare CR or LF does. */
  bare_line_ending: "keep" | "refuse";
  /** Whether a message line over 1000 octets is refused. */
  reject_long_lines: boolean;
  vrfy: "verify" | "cannot-verify" | "disabled";
  expn: "expand" | "disabled";
  /** Whether HELP answers. */
  help: boolean;
  extensions: Extensions;
  /** When enhanced status codes start: from the first reply, or after EHLO. */
  enhanced_codes_from: "start" | "ehlo";
  /** Largest message, in octets. */
  message_size_limit: number;
  /** Recipients per transaction before 452. */
  max_recipients: number;
  /** Consecutive errors before 421. */
  error_limit: number;
  /** Seconds of silence before 421 4.4.2. */
  idle_timeout_secs: number;
  faults: Faults;
}

/** Staged real-world failures. */
export interface Faults {
  reject: RejectRule[];
  greylist: boolean;
  greylist_delay_secs: number;
  /** Drop the connection without a word after this many commands. */
  disconnect_after: number | null;
}

/** Answer `verb` with this error instead of running it. */
export interface RejectRule {
  verb: Verb;
  /** 400 to 599. */
  code: number;
  enhanced?: string | null;
  text: string;
  /** How many times to refuse (null or absent: always). */
  times?: number | null;
}

/** The simulated world: local domains, users, aliases, lists. */
export interface World {
  /** Domains delivered locally; the first is the primary one. */
  domains: string[];
  users: User[];
  aliases: Alias[];
  lists: MailingList[];
}

export interface User {
  name: string;
  full_name: string;
  /** AUTH password; null: the user cannot log in. */
  password?: string | null;
}

export interface Alias {
  name: string;
  targets: string[];
}

export interface MailingList {
  name: string;
  description: string;
  members: string[];
}

/** An SMTP command verb ("OBSOLETE": SEND, SOML, SAML, TURN, ETRN). */
export type Verb =
  | "HELO" | "EHLO" | "MAIL" | "RCPT" | "DATA" | "BDAT" | "RSET" | "VRFY"
  | "EXPN" | "HELP" | "NOOP" | "QUIT" | "AUTH" | "STARTTLS" | "OBSOLETE";

/** Where the session is. */
export type Phase =
  | "connected" | "greeted" | "sender-given" | "recipients-given"
  | "receiving-data" | "closed";

/** The class a reply's first digit puts it in. */
export type ReplyClass = "success" | "intermediate" | "transient" | "permanent";

/** Which catalogue entry explains a reply. */
export type ReplyKey =
  | "Greeting" | "HeloOk" | "EhloOk" | "Ok" | "MailOk" | "RcptOk" | "DataStart"
  | "Queued" | "ChunkReceived" | "Bye" | "HelpList" | "HelpTopic" | "VrfyOk"
  | "VrfyCannot" | "ExpnOk" | "AuthChallenge" | "AuthOk" | "TlsReady"
  | "ShuttingDown" | "TooManySessions" | "IdleTimeout" | "TooManyErrors"
  | "Greylisted" | "TooManyRecipients" | "QueueWriteError"
  | "InsufficientStorage" | "UnknownCommand" | "LineTooLong"
  | "BareLfCommand" | "SyntaxError" | "BadSender" | "BadRecipient"
  | "AuthCancelled" | "AuthBadBase64" | "NotImplemented" | "NeedHelo"
  | "NeedMail" | "NestedMail" | "NeedRcpt" | "AlreadyAuthenticated"
  | "AuthInTransaction" | "DataAfterBdat" | "HelpUnknown"
  | "AuthMechanismUnsupported" | "ParamUnsupported" | "ParamInvalid"
  | "UserUnknown" | "NotAList" | "RelayDenied" | "NonAsciiAddress"
  | "SizeExceeded" | "NoValidRecipients" | "TextLineTooLong" | "BareLfData"
  | "TlsAlreadyActive" | "AuthFailed" | "InjectedFault" | "AuthRequired"
  | "TlsRequiredForAuth";

/** One server reply, as `send` returns it. */
export interface Reply {
  /** The three-digit reply code. */
  code: number;
  /** The enhanced status code such as "2.1.0", when the reply carries one. */
  enhanced: string | null;
  /** Text lines after the code (at least one, possibly empty). */
  lines: string[];
  /** The wire form: every line with code and CRLF, e.g. "250-...\r\n250 ...\r\n". */
  text: string;
  class: ReplyClass;
  key: ReplyKey;
  explanation: Explanation;
}

/** What the catalogue says about a reply. */
export interface Explanation {
  /** A few words naming the reply. */
  title: string;
  /** What it means, for a beginner. */
  meaning: string;
  /** Why a server sends it at this point. */
  why: string;
  /** What to try next. */
  next: string;
  /** Where the rule is written. */
  rfc: string;
}

/** A catalogue entry: a reply the engine can send, with its explanation. */
export interface CatalogueReply extends Explanation {
  key: ReplyKey;
  code: number;
  enhanced: string | null;
  /** The standard text (some replies put an address or name in instead). */
  text: string;
}

/** What `explainCode` returns. */
export interface CodeExplanation {
  /** The reply code asked about (null when an enhanced code was asked about). */
  code: number | null;
  /** The enhanced status code asked about, if that was the question. */
  enhanced: string | null;
  /** null for a number outside 200-599. */
  class: ReplyClass | null;
  /** What the first digit says. */
  classMeaning: string;
  /** Every catalogue entry with that code (may be empty). */
  replies: CatalogueReply[];
}

/** One command of the catalogue's command table. */
export interface CommandInfo {
  verb: Verb;
  /** The command word as written on the wire. */
  name: string;
  /** Its syntax, as HELP shows it. */
  syntax: string;
  /** What it does, for a beginner. */
  purpose: string;
  /** Codes it typically gets back, most common first. */
  replies: number[];
  /** An example a learner can type. */
  example: string;
  /** Whether the basic SMTP command table lists it. */
  basic: boolean;
  /** Which extension it belongs to, if any. */
  extension: string | null;
  rfc: string;
}

/** A preset, as `presets()` returns it. */
export interface Preset {
  name: ProfileName;
  description: string;
  settings: Settings;
}

/** A delivered message. */
export interface Message {
  /** The id in the "250 ... queued as" reply. */
  queueId: string;
  /** When it was accepted, Unix seconds. */
  receivedAt: number;
  envelope: Envelope;
  /** Local mailboxes (user names) it went to. */
  mailboxes: string[];
  /** Outside addresses it would be relayed to (a sandbox never sends). */
  relayedTo: string[];
  /** The stored header section, in order (folded lines unfolded). */
  headers: { name: string; value: string }[];
  /** Header lines the server put on top (Return-Path, Received). */
  traceHeaders: string[];
  /** Header lines the server added because the client left them out. */
  addedHeaders: string[];
  /** Everything after the first empty line. */
  body: string;
  /** The whole message as stored, CRLF line ends. */
  raw: string;
}

/** The SMTP envelope, apart from the message headers. */
export interface Envelope {
  /** MAIL FROM ("" for the null reverse-path <>). */
  mailFrom: string;
  /** Every accepted RCPT TO, in order. */
  rcptTo: string[];
  /** MAIL parameters as given (SIZE=, BODY=, SMTPUTF8...). */
  mailParameters: string[];
}

/** Why the server closed the connection. */
export type CloseReason = "quit" | "too-many-errors" | "idle-timeout" | "shutdown" | "dropped";

/** Something that happened in the session, as `events()` returns it. */
export type SessionEvent =
  | { type: "command"; verb: Verb | null; line: string }
  | { type: "state-changed"; from: Phase; to: Phase }
  | { type: "transaction-reset"; by: Verb }
  | { type: "delivered"; message: Message }
  | { type: "authenticated"; user: string }
  | { type: "tls-started" }
  | { type: "closed"; reason: CloseReason };
"#;

/// `export interface Extensions`, one flag per registry entry (build.rs).
#[allow(dead_code)]
const EXTENSION_TYPES: &str = include_str!(concat!(env!("OUT_DIR"), "/extensions.d.ts"));

#[wasm_bindgen(typescript_custom_section)]
const TYPES_SECTION: &'static str = TYPES;

#[wasm_bindgen(typescript_custom_section)]
const EXTENSION_TYPES_SECTION: &'static str = EXTENSION_TYPES;

#[cfg(test)]
mod tests {
    use smtplab_engine::Extension;

    use super::{EXTENSION_TYPES, TYPES};

    /// The field names of `export interface NAME { ... }` in `text`.
    fn interface_fields<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
        let start = format!("export interface {name} {{\n");
        let body = text.split_once(&start).map_or("", |(_, rest)| rest);
        let body = body.split_once("\n}").map_or("", |(body, _)| body);
        body.lines()
            .filter_map(|line| line.trim().split_once(": ").map(|(field, _)| field))
            .filter(|field| !field.starts_with("/*"))
            .map(|field| field.trim_end_matches('?'))
            .collect()
    }

    #[test]
    fn the_extensions_interface_has_one_flag_per_registry_entry() {
        let expected: Vec<&str> = Extension::ALL.iter().filter_map(|e| e.setting()).collect();
        assert_eq!(interface_fields(EXTENSION_TYPES, "Extensions"), expected);
        assert!(EXTENSION_TYPES.contains("  chunking: boolean;\n"));
        assert!(TYPES.contains("  extensions: Extensions;\n"));
        assert!(
            !TYPES.contains("export interface Extensions"),
            "declared once"
        );
    }
}
