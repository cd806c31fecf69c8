//! Size and count limits, each named after the rule that sets it.

/// RFC 5321 section 4.5.3.1.4: a command line, verb and CRLF included, is
/// at most 512 octets.
pub const MAX_COMMAND_LINE: usize = 512;

/// RFC 5321 section 4.5.3.1.5: a reply line, code and CRLF included, is at
/// most 512 octets.
pub const MAX_REPLY_LINE: usize = 512;

/// RFC 5321 section 4.5.3.1.6: a line of message text, CRLF included, is at
/// most 1000 octets.
pub const MAX_TEXT_LINE: usize = 1000;

/// RFC 5321 section 4.5.3.1.8: a server must accept at least 100 recipients
/// in one transaction; the 101st gets 452 4.5.3.
pub const MAX_RECIPIENTS: usize = 100;

/// RFC 4954 section 4: a line of SASL data sent during AUTH may be up to
/// 12288 octets.
pub const MAX_AUTH_LINE: usize = 12_288;

/// Postfix's `message_size_limit` default (10 240 000 octets), used as the
/// default SIZE a profile advertises.
pub const DEFAULT_MESSAGE_SIZE: usize = 10_240_000;

/// RFC 5321 section 4.5.3.2.7: a server should wait at least five minutes
/// for the next command before timing the session out.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 300;

/// Consecutive errors before the server gives up on a client with
/// `421 4.7.0` (Postfix's `smtpd_hard_error_limit` is 20; a classroom wants
/// a shorter rope so the lesson is visible).
pub const DEFAULT_ERROR_LIMIT: u32 = 10;

/// RFC 5321 section 4.5.3.1.1/2: a local part is at most 64 octets and a
/// domain at most 255.
pub const MAX_LOCAL_PART: usize = 64;
/// See [`MAX_LOCAL_PART`].
pub const MAX_DOMAIN: usize = 255;

/// RFC 5321 section 4.5.3.1.3: a path, angle brackets included, is at most
/// 256 octets.
pub const MAX_PATH: usize = 256;

/// How much of a client-supplied string is echoed back inside a reply, so a
/// reply line stays within [`MAX_REPLY_LINE`] whatever the client sent.
pub const MAX_ECHO: usize = 300;
