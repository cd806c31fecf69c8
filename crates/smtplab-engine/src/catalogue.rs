//! The single source of everything smtplab tells a learner about SMTP: every
//! command (syntax, purpose, typical replies, RFC section) and every reply the
//! engine can send (standard text, meaning, why it came, what to try next).

use crate::enhanced_code::EnhancedCode;

/// Identifies one kind of reply; [`ReplyKey::info`] explains it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[allow(missing_docs)]
pub enum ReplyKey {
    Greeting,
    HeloOk,
    EhloOk,
    Ok,
    MailOk,
    RcptOk,
    DataStart,
    Queued,
    ChunkReceived,
    Bye,
    HelpList,
    HelpTopic,
    VrfyOk,
    VrfyCannot,
    ExpnOk,
    AuthChallenge,
    AuthOk,
    TlsReady,
    ShuttingDown,
    TooManySessions,
    IdleTimeout,
    TooManyErrors,
    Greylisted,
    TooManyRecipients,
    QueueWriteError,
    InsufficientStorage,
    UnknownCommand,
    LineTooLong,
    BareLfCommand,
    SyntaxError,
    BadSender,
    BadRecipient,
    AuthCancelled,
    AuthBadBase64,
    NotImplemented,
    NeedHelo,
    NeedMail,
    NestedMail,
    NeedRcpt,
    AlreadyAuthenticated,
    AuthInTransaction,
    DataAfterBdat,
    HelpUnknown,
    AuthMechanismUnsupported,
    ParamUnsupported,
    ParamInvalid,
    UserUnknown,
    NotAList,
    RelayDenied,
    NonAsciiAddress,
    SizeExceeded,
    NoValidRecipients,
    TextLineTooLong,
    BareLfData,
    TlsAlreadyActive,
    AuthFailed,
    InjectedFault,
    AuthRequired,
    TlsRequiredForAuth,
}

/// What the catalogue knows about one reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ReplyInfo {
    /// The catalogue key.
    pub key: ReplyKey,
    /// Reply code.
    pub code: u16,
    /// Enhanced status code, when the reply carries one.
    pub enhanced: Option<EnhancedCode>,
    /// The standard text (some replies put an address or name in instead).
    pub text: &'static str,
    /// A few words naming the reply.
    pub title: &'static str,
    /// What it means, for a beginner.
    pub meaning: &'static str,
    /// Why a server sends it at this point.
    pub why: &'static str,
    /// What to try next.
    pub next: &'static str,
    /// Where the rule is written.
    pub rfc: &'static str,
}

const fn code(class: u8, subject: u16, detail: u16) -> Option<EnhancedCode> {
    Some(EnhancedCode::new(class, subject, detail))
}

#[allow(clippy::too_many_arguments)]
const fn entry(
    key: ReplyKey,
    code: u16,
    enhanced: Option<EnhancedCode>,
    text: &'static str,
    title: &'static str,
    meaning: &'static str,
    why: &'static str,
    next: &'static str,
    rfc: &'static str,
) -> ReplyInfo {
    ReplyInfo {
        key,
        code,
        enhanced,
        text,
        title,
        meaning,
        why,
        next,
        rfc,
    }
}

/// Every reply the engine can send, in the order a session meets them.
pub static REPLIES: &[ReplyInfo] = &[
    entry(ReplyKey::Greeting, 220, None, "ESMTP smtplab",
        "Service ready",
        "The server is ready to talk. The first word is its host name; \"ESMTP\" says it understands the extended protocol (EHLO).",
        "Every SMTP server speaks first: this greeting is sent as soon as the connection opens, before the client says anything.",
        "Introduce yourself with EHLO (or HELO for plain SMTP), for example: EHLO client.example",
        "RFC 5321 section 4.2 and 4.3.1"),
    entry(ReplyKey::HeloOk, 250, None, "",
        "Hello accepted",
        "The server accepted your HELO and answers with its own name. No extensions are listed: HELO starts a plain RFC 821 session.",
        "HELO identifies the client; the server replies with its host name.",
        "Start a message with MAIL FROM:<you@example.com>",
        "RFC 5321 section 4.1.1.1"),
    entry(ReplyKey::EhloOk, 250, None, "",
        "Hello accepted, extensions listed",
        "The server accepted your EHLO. The first line is its name; each further line names an extension (SIZE, PIPELINING, AUTH...) the server offers for this session.",
        "EHLO asks the server to list the service extensions it supports.",
        "Read the list: only use extensions it advertises. Then MAIL FROM:<you@example.com>",
        "RFC 5321 section 4.1.1.1 and 2.2"),
    entry(ReplyKey::Ok, 250, code(2, 0, 0), "Ok",
        "Ok",
        "The command worked and changed nothing else.",
        "NOOP always succeeds; RSET succeeds and throws away any message in progress.",
        "Carry on with the next command.",
        "RFC 5321 section 4.1.1.5 and 4.1.1.9"),
    entry(ReplyKey::MailOk, 250, code(2, 1, 0), "Ok",
        "Sender accepted",
        "The server accepted the envelope sender (the reverse-path). A new mail transaction has started.",
        "MAIL FROM opens a transaction; bounces for this message would go to this address.",
        "Name a recipient: RCPT TO:<bob@example.com>",
        "RFC 5321 section 4.1.1.2"),
    entry(ReplyKey::RcptOk, 250, code(2, 1, 5), "Ok",
        "Recipient accepted",
        "The server will deliver this message to that recipient. You may add more recipients, one RCPT TO each.",
        "The address is a local mailbox (or you may relay), so the server takes responsibility for it.",
        "Add another RCPT TO, or send DATA to type the message.",
        "RFC 5321 section 4.1.1.3"),
    entry(ReplyKey::DataStart, 354, None, "End data with <CR><LF>.<CR><LF>",
        "Start mail input",
        "The server now reads the message itself: header lines (From:, To:, Subject:), an empty line, then the body.",
        "DATA was accepted because the transaction has a sender and at least one recipient.",
        "Type the message. End it with a line holding only a dot. A body line that starts with a dot is sent with an extra dot (dot-stuffing).",
        "RFC 5321 section 4.1.1.4 and 4.5.2"),
    entry(ReplyKey::Queued, 250, code(2, 0, 0), "Ok: queued as",
        "Message accepted",
        "The server accepted the message and is now responsible for delivering it. The queue id lets you find it in the server's logs.",
        "The line with a single dot ended the message, or BDAT LAST ended the last chunk.",
        "Send another message with MAIL FROM, or say goodbye with QUIT.",
        "RFC 5321 section 4.1.1.4 and 6.1"),
    entry(ReplyKey::ChunkReceived, 250, code(2, 0, 0), "Ok",
        "Chunk received",
        "The server received the octets of this BDAT chunk and waits for more.",
        "BDAT sends the message in counted chunks; each chunk gets its own reply.",
        "Send the next chunk, and mark the final one with BDAT <size> LAST.",
        "RFC 3030 section 2"),
    entry(ReplyKey::Bye, 221, code(2, 0, 0), "Bye",
        "Closing",
        "The server says goodbye and closes the connection.",
        "QUIT asks the server to close the session.",
        "Connect again to send more mail.",
        "RFC 5321 section 4.1.1.10"),
    entry(ReplyKey::HelpList, 214, code(2, 0, 0), "Commands:",
        "Help",
        "The server lists the commands it knows. Ask about one with HELP <command>.",
        "HELP asks the server for information; it works in any state.",
        "Try HELP MAIL to see the syntax of one command.",
        "RFC 5321 section 4.1.1.8"),
    entry(ReplyKey::HelpTopic, 214, code(2, 0, 0), "",
        "Help on a command",
        "The syntax of the command you asked about, and what it is for.",
        "HELP with an argument asks about that command.",
        "Try the command as shown.",
        "RFC 5321 section 4.1.1.8"),
    entry(ReplyKey::VrfyOk, 250, code(2, 1, 5), "",
        "User verified",
        "The mailbox exists here; the server shows its full name and address.",
        "VRFY asks whether a user or mailbox exists. This server is configured to answer truthfully.",
        "Many real servers refuse VRFY because spammers use it to harvest addresses.",
        "RFC 5321 section 3.5 and 4.1.1.6"),
    entry(ReplyKey::VrfyCannot, 252, code(2, 0, 0), "Cannot VRFY user; try RCPT to attempt delivery",
        "Cannot verify",
        "The server will not say whether the user exists, but will accept mail for it and try to deliver.",
        "VRFY is locked down here, as on most public servers, to stop address harvesting. 252 is the polite answer RFC 5321 suggests.",
        "Just send the message: RCPT TO will tell you if the address is refused.",
        "RFC 5321 section 3.5.3 and 7.3"),
    entry(ReplyKey::ExpnOk, 250, code(2, 1, 5), "",
        "List expanded",
        "The server lists the members of the mailing list or alias, one per line.",
        "EXPN asks the server to expand a mailing list.",
        "Mail to the list reaches every member shown.",
        "RFC 5321 section 3.5 and 4.1.1.7"),
    entry(ReplyKey::AuthChallenge, 334, None, "",
        "Send authentication data",
        "The server waits for the next piece of your credentials, base64-encoded. A non-empty text is itself base64: VXNlcm5hbWU6 is \"Username:\", UGFzc3dvcmQ6 is \"Password:\".",
        "AUTH started a SASL exchange; the server needs more data before it can decide.",
        "Send the base64 answer on one line, or * to cancel.",
        "RFC 4954 section 4"),
    entry(ReplyKey::AuthOk, 235, code(2, 7, 0), "Authentication successful",
        "Authenticated",
        "You have logged in. Authenticated clients may relay mail to other domains.",
        "The user name and password matched a simulated account.",
        "Send mail with MAIL FROM, even to outside domains.",
        "RFC 4954 section 6"),
    entry(ReplyKey::TlsReady, 220, code(2, 0, 0), "Ready to start TLS",
        "Start TLS now",
        "The server is ready for the TLS handshake. In smtplab the encryption is simulated; the session restarts as if just greeted.",
        "STARTTLS asks to encrypt the connection. Afterwards everything learnt before (the EHLO name, any transaction) is forgotten.",
        "Send EHLO again: the capabilities are asked afresh after TLS, and they change (STARTTLS is no longer offered; a submission server that offers AUTH only over TLS lists it now).",
        "RFC 3207 section 4 and 4.2"),
    entry(ReplyKey::ShuttingDown, 421, code(4, 3, 2), "Service shutting down, closing transmission channel",
        "Shutting down",
        "The server is going away and closes the connection. Nothing in progress was delivered.",
        "The server operator stopped the server.",
        "Try again later; a real client keeps the message queued and retries.",
        "RFC 5321 section 3.8 and 4.2.2"),
    entry(ReplyKey::TooManySessions, 421, code(4, 3, 2), "Too many connections, try again later",
        "Too busy",
        "The server already serves as many sessions as it allows and refuses this one.",
        "Servers cap concurrent sessions to protect themselves.",
        "Wait and connect again.",
        "RFC 5321 section 3.8"),
    entry(ReplyKey::IdleTimeout, 421, code(4, 4, 2), "Error: timeout exceeded",
        "Timed out",
        "The client was silent too long, so the server closed the connection.",
        "Servers wait about five minutes for each command, then give up.",
        "Connect again and type a little faster.",
        "RFC 5321 section 4.5.3.2.7"),
    entry(ReplyKey::TooManyErrors, 421, code(4, 7, 0), "Error: too many errors",
        "Too many errors",
        "The server closes the connection after many failed commands in a row.",
        "Every rejected command counted against the client; servers do this to shake off broken or hostile clients.",
        "Connect again and check each command's syntax with HELP.",
        "RFC 5321 section 4.2.2 (421) and Postfix's smtpd_hard_error_limit"),
    entry(ReplyKey::Greylisted, 451, code(4, 7, 1), "Recipient address rejected: Greylisted, please try again later",
        "Greylisted",
        "A temporary refusal. The server refuses the first attempt from an unknown sender/recipient pair and accepts a retry.",
        "Greylisting: real mail servers retry after a 4xx, most spam software does not.",
        "Retry the same sender and recipient: RSET, then MAIL FROM and RCPT TO again.",
        "RFC 5321 section 4.2.5 and RFC 6647"),
    entry(ReplyKey::TooManyRecipients, 452, code(4, 5, 3), "Error: too many recipients",
        "Too many recipients",
        "This transaction already has as many recipients as the server takes. It is temporary: send the rest in another transaction.",
        "RFC 5321 asks servers to accept at least 100 recipients; beyond that they answer 452.",
        "Send DATA for the recipients already accepted, then a new MAIL FROM for the others.",
        "RFC 5321 section 4.5.3.1.10"),
    entry(ReplyKey::QueueWriteError, 451, code(4, 3, 0), "Error: queue file write error",
        "Could not store the message",
        "The server took the whole message but could not store it, so it did not accept it. The message is still the client's to deliver.",
        "Storing failed on the server's side (a full disk, a missing or read-only folder); nothing the client sent was wrong.",
        "Send the same message again later: a real client keeps it queued and retries by itself.",
        "RFC 5321 section 4.2.5 and RFC 3463 (4.3.0)"),
    entry(ReplyKey::InsufficientStorage, 452, code(4, 3, 1), "Insufficient system storage",
        "Server out of room",
        "The server has no room for this message just now (it holds as many messages in memory as it allows) and did not accept it.",
        "Too many large messages are arriving at once; the server refuses more rather than run out of memory.",
        "Send it again a little later; a real client retries by itself.",
        "RFC 5321 section 4.2.5 and RFC 3463 (4.3.1)"),
    entry(ReplyKey::UnknownCommand, 500, code(5, 5, 2), "Error: command not recognized",
        "Unknown command",
        "The server does not know this command word.",
        "The first word of the line is not an SMTP verb (or is misspelt).",
        "Type HELP to see the commands this server knows.",
        "RFC 5321 section 4.2.4"),
    entry(ReplyKey::LineTooLong, 500, code(5, 5, 0), "Error: line too long",
        "Line too long",
        "A command line may be at most 512 octets including the CR LF; this one was longer and was thrown away.",
        "The limit keeps servers safe from clients that never end a line.",
        "Send a shorter command; the session goes on.",
        "RFC 5321 section 4.5.3.1.4"),
    entry(ReplyKey::BareLfCommand, 500, code(5, 5, 2), "Error: bare <LF> received",
        "Bare line feed",
        "The line held a line feed without the carriage return before it. SMTP ends lines with CR LF only.",
        "This profile refuses bare LF, because servers that accept it can be tricked into SMTP smuggling.",
        "Send lines ending in CR LF (telnet does; use nc -C with netcat).",
        "RFC 5321 section 2.3.8 and 4.1.1.4"),
    entry(ReplyKey::SyntaxError, 501, code(5, 5, 4), "Syntax error in parameters or arguments",
        "Syntax error",
        "The command word is fine but its arguments are not. Nothing changed.",
        "The arguments do not match the syntax the reply shows.",
        "Retype the command exactly as the reply shows, or ask HELP <command>.",
        "RFC 5321 section 4.2.2 and 4.1.1"),
    entry(ReplyKey::BadSender, 501, code(5, 1, 7), "Bad sender address syntax",
        "Bad sender address",
        "The address after MAIL FROM: is not a valid mailbox. Nothing changed.",
        "The reverse-path must be <local@domain> or <> (the null sender used by bounces).",
        "Try MAIL FROM:<alice@example.com>",
        "RFC 5321 section 4.1.2"),
    entry(ReplyKey::BadRecipient, 501, code(5, 1, 3), "Bad recipient address syntax",
        "Bad recipient address",
        "The address after RCPT TO: is not a valid mailbox. Nothing changed.",
        "The forward-path must be <local@domain> (or <postmaster>).",
        "Try RCPT TO:<bob@example.com>",
        "RFC 5321 section 4.1.2"),
    entry(ReplyKey::AuthCancelled, 501, code(5, 7, 0), "Authentication aborted",
        "Authentication cancelled",
        "You answered a 334 challenge with *, which cancels the exchange. You are not logged in.",
        "A lone * is how a client abandons AUTH.",
        "Start again with AUTH PLAIN or AUTH LOGIN.",
        "RFC 4954 section 4"),
    entry(ReplyKey::AuthBadBase64, 501, code(5, 5, 2), "Cannot decode response",
        "Not base64",
        "The answer to the 334 challenge was not valid base64, so the exchange ended.",
        "SASL data must be base64-encoded.",
        "Encode the credentials, for example AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ= for alice with password wonderland.",
        "RFC 4954 section 4"),
    entry(ReplyKey::NotImplemented, 502, code(5, 5, 1), "Error: command not implemented",
        "Command not available",
        "The server knows this command but does not offer it here.",
        "The server's configuration turns this command (or its extension) off. EXPN and VRFY are often disabled.",
        "Do without it; HELP and EHLO show what is on offer.",
        "RFC 5321 section 4.2.4 and 7.3"),
    entry(ReplyKey::NeedHelo, 503, code(5, 5, 1), "Error: send HELO/EHLO first",
        "Say hello first",
        "Bad sequence of commands: this server wants HELO or EHLO before anything else.",
        "RFC 5321 requires the client to introduce itself before a mail transaction; strict servers enforce it.",
        "Send EHLO client.example, then repeat the command.",
        "RFC 5321 section 4.1.4"),
    entry(ReplyKey::NeedMail, 503, code(5, 5, 1), "Error: need MAIL command",
        "MAIL first",
        "Bad sequence of commands: there is no mail transaction yet.",
        "RCPT TO (and BDAT) only make sense after MAIL FROM has started a transaction.",
        "Send MAIL FROM:<you@example.com> first, then RCPT TO again.",
        "RFC 5321 section 4.1.4 and 3.3"),
    entry(ReplyKey::NestedMail, 503, code(5, 5, 1), "Error: nested MAIL command",
        "Transaction already open",
        "Bad sequence of commands: a transaction is already in progress, and MAIL cannot start another inside it.",
        "One MAIL FROM per message; the server already has a sender for this one.",
        "Go on with RCPT TO, or send RSET to abandon the transaction and start over.",
        "RFC 5321 section 4.1.4"),
    entry(ReplyKey::NeedRcpt, 503, code(5, 5, 1), "Error: need RCPT command",
        "RCPT first",
        "Bad sequence of commands: the server has no recipients for a message.",
        "DATA needs MAIL FROM and at least one accepted RCPT TO before it.",
        "Send MAIL FROM (if you have not) and RCPT TO, then DATA.",
        "RFC 5321 section 4.1.4 and 3.3"),
    entry(ReplyKey::AlreadyAuthenticated, 503, code(5, 5, 1), "Error: already authenticated",
        "Already logged in",
        "This session has already authenticated; AUTH cannot be repeated.",
        "RFC 4954 allows one successful AUTH per session.",
        "Carry on with MAIL FROM.",
        "RFC 4954 section 4"),
    entry(ReplyKey::AuthInTransaction, 503, code(5, 5, 1), "Error: MAIL transaction in progress",
        "Not during a transaction",
        "AUTH is not allowed while a mail transaction is open.",
        "Authentication must happen before MAIL FROM.",
        "RSET, then AUTH, then MAIL FROM again.",
        "RFC 4954 section 4"),
    entry(ReplyKey::DataAfterBdat, 503, code(5, 5, 1), "Error: DATA cannot follow BDAT in one transaction",
        "Do not mix DATA and BDAT",
        "This message is being sent in BDAT chunks; DATA cannot be used for the same message.",
        "RFC 3030 forbids mixing the two in one transaction.",
        "Finish with BDAT <size> LAST, or RSET and start over.",
        "RFC 3030 section 2"),
    entry(ReplyKey::HelpUnknown, 504, code(5, 5, 1), "HELP topic unknown",
        "No help on that",
        "The server has no help text for that word.",
        "HELP's argument should be a command name.",
        "Type HELP alone for the list of commands.",
        "RFC 5321 section 4.1.1.8"),
    entry(ReplyKey::AuthMechanismUnsupported, 504, code(5, 5, 4), "Unrecognized authentication type",
        "Unknown AUTH mechanism",
        "The server does not support that SASL mechanism.",
        "Only the mechanisms listed after AUTH in the EHLO reply are on offer.",
        "Use AUTH PLAIN or AUTH LOGIN.",
        "RFC 4954 section 4 and 6"),
    entry(ReplyKey::ParamUnsupported, 555, code(5, 5, 4), "Unsupported option",
        "Unsupported parameter",
        "MAIL FROM or RCPT TO carried a parameter this server does not understand or has not advertised.",
        "Parameters (SIZE=, BODY=, NOTIFY=...) belong to extensions; each is only allowed when EHLO lists its extension.",
        "Drop the parameter, or check the EHLO reply for the extension.",
        "RFC 5321 section 4.1.1.11 and 4.2.3"),
    entry(ReplyKey::ParamInvalid, 501, code(5, 5, 4), "Bad parameter syntax",
        "Bad parameter value",
        "A parameter the server knows has a value it cannot accept.",
        "Each extension defines what its parameter may hold (SIZE=number, BODY=7BIT or 8BITMIME, RET=FULL or HDRS...).",
        "Fix the value, or leave the parameter out.",
        "RFC 5321 section 4.1.1.11"),
    entry(ReplyKey::UserUnknown, 550, code(5, 1, 1), "Recipient address rejected: User unknown in local recipient table",
        "No such user",
        "The domain is handled here but the mailbox does not exist. That recipient is refused; others may still be accepted.",
        "The server checked its local recipient table and did not find the name.",
        "Check the spelling (VRFY may help), or send to another recipient.",
        "RFC 5321 section 3.3 and 4.2.2"),
    entry(ReplyKey::NotAList, 550, code(5, 1, 1), "Recipient address rejected: no such mailing list",
        "Not a list",
        "EXPN found no mailing list or alias of that name.",
        "EXPN only expands lists and aliases this server knows.",
        "Try EXPN with a list name, such as EXPN team",
        "RFC 5321 section 3.5.2"),
    entry(ReplyKey::RelayDenied, 554, code(5, 7, 1), "Relay access denied",
        "Relay denied",
        "The recipient's domain is not handled here, and this server does not forward mail for strangers. That would make it an open relay.",
        "Only authenticated clients may send to outside domains.",
        "Send to a local domain (example.com), or log in first with AUTH.",
        "RFC 5321 section 3.6.2 and 7.1"),
    entry(ReplyKey::NonAsciiAddress, 553, code(5, 6, 7), "Non-ASCII address needs the SMTPUTF8 parameter",
        "Internationalised address",
        "The address has non-ASCII characters; those are only allowed when MAIL FROM carries the SMTPUTF8 parameter.",
        "Without SMTPUTF8 both sides assume ASCII addresses.",
        "Start the transaction with MAIL FROM:<you@example.com> SMTPUTF8",
        "RFC 6531 section 3.5"),
    entry(ReplyKey::SizeExceeded, 552, code(5, 3, 4), "Message size exceeds fixed limit",
        "Message too big",
        "The message is larger than the server accepts; it was not delivered.",
        "Either SIZE= in MAIL FROM declared too much, or the content sent was over the limit the EHLO reply advertises.",
        "Send a smaller message; the SIZE line of the EHLO reply gives the limit in octets.",
        "RFC 1870 section 6 and RFC 5321 section 4.5.3.1.10"),
    entry(ReplyKey::NoValidRecipients, 554, code(5, 5, 1), "Error: no valid recipients",
        "No valid recipients",
        "Every recipient of this transaction was refused, so there is nobody to send the message to.",
        "DATA (or BDAT) came after RCPT TO commands that all failed.",
        "Add a recipient the server accepts, or RSET and start over.",
        "RFC 5321 section 3.3"),
    entry(ReplyKey::TextLineTooLong, 554, code(5, 6, 0), "Error: message line longer than 1000 octets",
        "Line too long in message",
        "A line of the message was longer than SMTP allows (1000 octets including CR LF), so the message was refused.",
        "Long lines get mangled in transit; servers may refuse them.",
        "Wrap long lines, or use a MIME encoding such as quoted-printable.",
        "RFC 5321 section 4.5.3.1.6"),
    entry(ReplyKey::BareLfData, 554, code(5, 5, 2), "Error: bare <CR> or <LF> received",
        "Bare line ending in message",
        "The message held a carriage return or line feed that was not part of a CR LF pair. This profile refuses such messages.",
        "Bare LF is how SMTP smuggling slips a second message past one server into another; strict servers refuse it outright.",
        "End every line with CR LF.",
        "RFC 5321 section 2.3.8 and 4.1.1.4"),
    entry(ReplyKey::TlsAlreadyActive, 554, code(5, 5, 1), "Error: TLS already active",
        "TLS already on",
        "The connection is already encrypted; STARTTLS cannot run twice.",
        "After a successful STARTTLS the server stops offering it.",
        "Carry on with EHLO and MAIL FROM.",
        "RFC 3207 section 4.2"),
    entry(ReplyKey::AuthFailed, 535, code(5, 7, 8), "Error: authentication failed: authentication failure",
        "Wrong credentials",
        "The user name or password is wrong. You are not logged in.",
        "The decoded credentials matched no simulated account.",
        "Check the account (for example alice with password wonderland) and encode it again.",
        "RFC 4954 section 6"),
    entry(ReplyKey::InjectedFault, 550, None, "Error: rejected by server policy",
        "Refused by policy",
        "The server refused this command on purpose: the lesson or server settings stage this failure.",
        "Real servers refuse commands for many local reasons (policy, load, blocklists).",
        "Read the code: 4xx means retry later, 5xx means do not retry unchanged.",
        "RFC 5321 section 4.2"),
    entry(ReplyKey::AuthRequired, 530, code(5, 7, 0), "Authentication required",
        "Log in first",
        "This is a submission server: it takes mail only from its own users, and you have not logged in yet.",
        "On the submission port (587) the server must know who you are before MAIL FROM; that is how it keeps strangers from sending through it.",
        "Log in with AUTH PLAIN (or AUTH LOGIN), then send MAIL FROM again.",
        "RFC 6409 section 4.3 and RFC 4954 section 6"),
    entry(ReplyKey::TlsRequiredForAuth, 530, code(5, 7, 0), "Must issue a STARTTLS command first",
        "Encrypt before logging in",
        "This server takes a password only over an encrypted connection, and this one is still in clear text.",
        "A password sent before STARTTLS can be read by anyone on the path, so the server does not even offer AUTH until TLS is on.",
        "Send STARTTLS, complete the TLS handshake, send EHLO again, then AUTH.",
        "RFC 3207 section 4 and RFC 4954 section 4"),
];

impl ReplyKey {
    /// The catalogue entry for this reply.
    pub fn info(self) -> &'static ReplyInfo {
        // REPLIES is written in declaration order, so the discriminant is
        // the index; a test checks this holds for every key.
        &REPLIES[self as usize]
    }
}

/// Catalogue entries whose code is `code`, for "what does 503 mean?".
pub fn replies_with_code(code: u16) -> impl Iterator<Item = &'static ReplyInfo> {
    REPLIES.iter().filter(move |info| info.code == code)
}

/// What the first digit of any reply code says (RFC 5321 section 4.2.1).
pub fn class_meaning(code: u16) -> &'static str {
    match code / 100 {
        2 => "2xx: positive completion. The command worked.",
        3 => "3xx: positive intermediate. The server waits for more from you.",
        4 => "4xx: transient failure. It did not work now; the same command may work later.",
        5 => "5xx: permanent failure. Do not repeat the command unchanged.",
        _ => "Not an SMTP reply code: codes run from 200 to 599.",
    }
}

/// An SMTP command verb the engine recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "UPPERCASE"))]
#[allow(missing_docs)]
pub enum Verb {
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Vrfy,
    Expn,
    Help,
    Noop,
    Quit,
    Auth,
    Starttls,
    /// RFC 821 commands RFC 5321 dropped: SEND, SOML, SAML, TURN.
    Obsolete,
}

/// What the catalogue knows about one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CommandInfo {
    /// The verb.
    pub verb: Verb,
    /// The command word as written on the wire.
    pub name: &'static str,
    /// Its syntax, as HELP shows it.
    pub syntax: &'static str,
    /// What it does, for a beginner.
    pub purpose: &'static str,
    /// Codes it typically gets back, most common first.
    pub replies: &'static [u16],
    /// An example a learner can type.
    pub example: &'static str,
    /// Whether the seed article's basic table lists it.
    pub basic: bool,
    /// Which extension it belongs to, if any.
    pub extension: Option<&'static str>,
    /// Where it is defined.
    pub rfc: &'static str,
}

/// Every command, in the order of the basic table, then the extensions.
pub static COMMANDS: &[CommandInfo] = &[
    CommandInfo { verb: Verb::Helo, name: "HELO", syntax: "HELO <domain>",
        purpose: "Identify the client to the server and start a plain SMTP session.",
        replies: &[250, 501, 504], example: "HELO client.example", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.1" },
    CommandInfo { verb: Verb::Ehlo, name: "EHLO", syntax: "EHLO <domain>",
        purpose: "Identify the client and ask which service extensions the server supports.",
        replies: &[250, 501, 502], example: "EHLO client.example", basic: false, extension: None,
        rfc: "RFC 5321 section 4.1.1.1" },
    CommandInfo { verb: Verb::Mail, name: "MAIL", syntax: "MAIL FROM:<reverse-path> [parameters]",
        purpose: "Start a mail transaction and give the envelope sender, where bounces go.",
        replies: &[250, 503, 501, 552, 555], example: "MAIL FROM:<alice@example.com>", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.2" },
    CommandInfo { verb: Verb::Rcpt, name: "RCPT", syntax: "RCPT TO:<forward-path> [parameters]",
        purpose: "Name one recipient of the message; repeat for each recipient.",
        replies: &[250, 550, 554, 503, 501, 451, 452], example: "RCPT TO:<bob@example.com>", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.3" },
    CommandInfo { verb: Verb::Data, name: "DATA", syntax: "DATA",
        purpose: "Send the message itself (headers, blank line, body), ended by a line with a single dot.",
        replies: &[354, 250, 503, 554, 552], example: "DATA", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.4" },
    CommandInfo { verb: Verb::Vrfy, name: "VRFY", syntax: "VRFY <user or mailbox>",
        purpose: "Ask whether a user or mailbox exists. Often disabled, because it helps spammers.",
        replies: &[250, 252, 550, 502], example: "VRFY alice", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.6" },
    CommandInfo { verb: Verb::Expn, name: "EXPN", syntax: "EXPN <mailing list>",
        purpose: "Ask for the members of a mailing list. Often disabled, like VRFY.",
        replies: &[250, 550, 502], example: "EXPN team", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.7" },
    CommandInfo { verb: Verb::Help, name: "HELP", syntax: "HELP [command]",
        purpose: "Ask the server which commands it supports, or how to use one.",
        replies: &[214, 504], example: "HELP MAIL", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.8" },
    CommandInfo { verb: Verb::Noop, name: "NOOP", syntax: "NOOP [string]",
        purpose: "Do nothing; the server answers OK. Useful to check the connection is alive.",
        replies: &[250], example: "NOOP", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.9" },
    CommandInfo { verb: Verb::Quit, name: "QUIT", syntax: "QUIT",
        purpose: "End the session; the server says goodbye and closes the connection.",
        replies: &[221], example: "QUIT", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.10" },
    CommandInfo { verb: Verb::Rset, name: "RSET", syntax: "RSET",
        purpose: "Abandon the current mail transaction (sender, recipients, data) and start over.",
        replies: &[250], example: "RSET", basic: true, extension: None,
        rfc: "RFC 5321 section 4.1.1.5" },
    CommandInfo { verb: Verb::Auth, name: "AUTH", syntax: "AUTH <mechanism> [initial-response]",
        purpose: "Log in with a user name and password (SASL PLAIN or LOGIN), so the server lets you relay.",
        replies: &[235, 334, 535, 504, 503, 501], example: "AUTH PLAIN AGFsaWNlAHdvbmRlcmxhbmQ=", basic: false, extension: Some("AUTH"),
        rfc: "RFC 4954" },
    CommandInfo { verb: Verb::Starttls, name: "STARTTLS", syntax: "STARTTLS",
        purpose: "Switch the connection to TLS encryption; the session then starts again from EHLO.",
        replies: &[220, 554, 501], example: "STARTTLS", basic: false, extension: Some("STARTTLS"),
        rfc: "RFC 3207" },
    CommandInfo { verb: Verb::Bdat, name: "BDAT", syntax: "BDAT <size> [LAST]",
        purpose: "Send the message in chunks of a stated size, with no dot ending; the last chunk says LAST.",
        replies: &[250, 503, 554, 552], example: "BDAT 0 LAST", basic: false, extension: Some("CHUNKING"),
        rfc: "RFC 3030" },
];

/// The catalogue entry for a command word, any case.
pub fn command_info(name: &str) -> Option<&'static CommandInfo> {
    COMMANDS
        .iter()
        .find(|info| info.name.eq_ignore_ascii_case(name))
}

/// The catalogue entry for a verb.
pub fn verb_info(verb: Verb) -> Option<&'static CommandInfo> {
    COMMANDS.iter().find(|info| info.verb == verb)
}

// What the catalogue says about each keyword of an EHLO reply lives in the
// extension registry (`crate::extension`), with everything else that defines
// an extension: `Extension::about` and `Extension::rfc`.

/// What each reply code means in general, in the words of RFC 5321
/// section 4.2.2 and 4.2.3 (and RFC 4954 and RFC 3207 for theirs), for
/// replies the catalogue has no entry of its own for.
pub static REPLY_CODES: &[(u16, &str)] = &[
    (211, "System status, or system help reply."),
    (214, "Help message: how to use the server or a command."),
    (220, "Service ready."),
    (221, "Service closing the transmission channel."),
    (235, "Authentication succeeded (RFC 4954)."),
    (250, "Requested mail action okay, completed."),
    (251, "User not local; the server will forward the message."),
    (
        252,
        "Cannot verify the user, but will accept the message and attempt delivery.",
    ),
    (
        334,
        "Server challenge: send the next piece of authentication data (RFC 4954).",
    ),
    (354, "Start mail input; end with <CRLF>.<CRLF>."),
    (
        421,
        "Service not available, closing the transmission channel.",
    ),
    (432, "A password transition is needed (RFC 4954)."),
    (
        450,
        "Mailbox unavailable for now (busy, or blocked for policy reasons): try again later.",
    ),
    (
        451,
        "Action aborted: local error in processing. Try again later.",
    ),
    (
        452,
        "Insufficient system storage (or too many recipients): try again later.",
    ),
    (
        454,
        "Temporary authentication or TLS failure (RFC 4954, RFC 3207).",
    ),
    (455, "Server unable to accommodate the parameters now."),
    (
        500,
        "Syntax error, command unrecognised (or the line was too long).",
    ),
    (501, "Syntax error in parameters or arguments."),
    (502, "Command not implemented."),
    (503, "Bad sequence of commands."),
    (504, "Command parameter not implemented."),
    (530, "Authentication required (RFC 4954)."),
    (534, "The authentication mechanism is too weak (RFC 4954)."),
    (535, "Authentication credentials invalid (RFC 4954)."),
    (
        538,
        "Encryption required for the requested authentication mechanism (RFC 4954).",
    ),
    (
        550,
        "Mailbox unavailable (not found, no access, or refused for policy reasons).",
    ),
    (551, "User not local; the reply says where to send instead."),
    (552, "Exceeded storage allocation (the message is too big)."),
    (553, "Mailbox name not allowed (bad address syntax)."),
    (
        554,
        "Transaction failed (or, as a greeting, no SMTP service here).",
    ),
    (
        555,
        "MAIL FROM/RCPT TO parameters not recognised or not implemented.",
    ),
];

/// The general meaning of `code`, if RFC 5321 (or an extension) defines it.
pub fn code_meaning(code: u16) -> Option<&'static str> {
    REPLY_CODES
        .iter()
        .find(|(known, _)| *known == code)
        .map(|(_, meaning)| *meaning)
}

/// Codes any command may get (RFC 5321 section 4.3.2: 500, 501, 421; and
/// 530 from RFC 4954 section 6 where a server wants AUTH first).
pub const ANY_COMMAND_CODES: &[u16] = &[421, 500, 501, 502, 530];

/// The replies RFC 5321 section 4.3.2 (and RFC 4954, 3207, 3030 for their
/// commands) allows for `verb`, besides [`ANY_COMMAND_CODES`]. For DATA
/// this is the reply to the command itself; after the content, see
/// [`DATA_END_CODES`].
pub fn allowed_codes(verb: Verb) -> &'static [u16] {
    match verb {
        Verb::Helo | Verb::Ehlo => &[250, 504, 550],
        Verb::Mail => &[250, 451, 452, 455, 503, 550, 552, 553, 555],
        Verb::Rcpt => &[250, 251, 450, 451, 452, 455, 503, 550, 551, 552, 553, 555],
        Verb::Data => &[354, 450, 451, 452, 503, 550, 554],
        Verb::Bdat => &[250, 450, 451, 452, 503, 550, 552, 554],
        Verb::Rset | Verb::Noop => &[250],
        Verb::Vrfy => &[250, 251, 252, 504, 550, 551, 553],
        Verb::Expn => &[250, 252, 504, 550],
        Verb::Help => &[211, 214, 504],
        Verb::Quit => &[221],
        Verb::Auth => &[235, 334, 432, 454, 503, 504, 534, 535, 538],
        Verb::Starttls => &[220, 454],
        Verb::Obsolete => &[],
    }
}

/// RFC 5321 section 4.3.2: replies after the content of DATA.
pub const DATA_END_CODES: &[u16] = &[250, 450, 451, 452, 550, 552, 554];

/// RFC 5321 section 4.3.2: the greeting is 220, or 554 for no service.
pub const GREETING_CODES: &[u16] = &[220, 421, 554];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reply_key_indexes_its_own_entry() {
        for (index, info) in REPLIES.iter().enumerate() {
            assert_eq!(info.key as usize, index, "{:?} is out of order", info.key);
            assert_eq!(info.key.info().key, info.key);
        }
    }

    #[test]
    fn every_entry_is_explained_and_well_coded() {
        for info in REPLIES {
            assert!((200..600).contains(&info.code), "{:?}", info.key);
            if let Some(enhanced) = info.enhanced {
                assert_eq!(u16::from(enhanced.class), info.code / 100, "{:?}", info.key);
            }
            for text in [info.title, info.meaning, info.why, info.next, info.rfc] {
                assert!(!text.is_empty(), "{:?} lacks an explanation", info.key);
            }
        }
    }

    #[test]
    fn every_allowed_code_has_a_general_meaning() {
        let verbs = [
            Verb::Helo,
            Verb::Ehlo,
            Verb::Mail,
            Verb::Rcpt,
            Verb::Data,
            Verb::Bdat,
            Verb::Rset,
            Verb::Vrfy,
            Verb::Expn,
            Verb::Help,
            Verb::Noop,
            Verb::Quit,
            Verb::Auth,
            Verb::Starttls,
        ];
        let codes = verbs
            .iter()
            .flat_map(|verb| allowed_codes(*verb))
            .chain(ANY_COMMAND_CODES)
            .chain(DATA_END_CODES)
            .chain(GREETING_CODES);
        for code in codes {
            assert!(code_meaning(*code).is_some(), "{code}");
        }
        for info in REPLIES {
            assert!(code_meaning(info.code).is_some(), "{:?}", info.key);
        }
    }

    #[test]
    fn every_basic_table_command_is_in_the_catalogue() {
        for name in [
            "HELO", "MAIL", "RCPT", "DATA", "VRFY", "EXPN", "HELP", "NOOP", "QUIT", "RSET",
        ] {
            let info = command_info(&name.to_lowercase()).expect(name);
            assert!(info.basic, "{name}");
        }
    }
}
