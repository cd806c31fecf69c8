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

/// The client side reads reply lines up to this many octets; the rest of
/// a longer line is drained and the reply marked as cut. Four times
/// RFC 5321's 512, because real servers send long texts.
pub const MAX_CLIENT_REPLY_LINE: usize = 2048;

/// Lines in one reply the client side accepts before it calls the reply
/// broken (an EHLO reply has a dozen; a HELP text a few dozen).
pub const MAX_CLIENT_REPLY_LINES: usize = 256;

/// RFC 5321 section 4.5.3.2.1: wait five minutes for the 220 greeting.
pub const CLIENT_GREETING_TIMEOUT_SECS: u64 = 300;
/// RFC 5321 section 4.5.3.2.2 and 4.5.3.2.3: five minutes for the reply to
/// MAIL and to each RCPT (and, by the same measure, other commands).
pub const CLIENT_COMMAND_TIMEOUT_SECS: u64 = 300;
/// RFC 5321 section 4.5.3.2.4: two minutes for the 354 after DATA.
pub const CLIENT_DATA_START_TIMEOUT_SECS: u64 = 120;
/// RFC 5321 section 4.5.3.2.5: three minutes for each block of content
/// (used for each BDAT chunk).
pub const CLIENT_DATA_BLOCK_TIMEOUT_SECS: u64 = 180;
/// RFC 5321 section 4.5.3.2.6: ten minutes for the reply after the final
/// `.`, while the server files the message.
pub const CLIENT_DATA_END_TIMEOUT_SECS: u64 = 600;
