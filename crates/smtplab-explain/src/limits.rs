//! The bounds that keep explaining any input quick and small, each named
//! after what it protects.

/// Octets of one line kept and shown; the rest is counted and the cut
/// is said on the line (never silent).
pub const MAX_KEPT_LINE: usize = 4096;

/// Octets looked at to tell a binary file from a transcript.
pub const BINARY_SNIFF: usize = 4096;

/// Lines explained before the explainer stops and says where: a
/// transcript longer than this is better split (and a page could not
/// show it usefully anyway).
pub const MAX_LINES: usize = 100_000;

/// Octets read before the explainer stops and says where, so a 100 MB
/// paste costs the same as a 16 MiB one.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Commands remembered as awaiting a reply; more pipelined commands than
/// this without any reply is not a real transcript.
pub const MAX_OUTSTANDING: usize = 1000;
