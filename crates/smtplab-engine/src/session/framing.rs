//! Framing: how the client's bytes are cut up in each input mode, one reader
//! per mode. Command lines and AUTH response lines end in CRLF (each mode
//! with its own length limit), DATA content ends with a lone dot and is
//! dot-unstuffed, and a BDAT chunk is a counted run of octets.
//!
//! A bare CR or LF never ends a line in any mode: that is how SMTP
//! smuggling works.

use crate::catalogue::ReplyKey;
use crate::limits::{MAX_AUTH_LINE, MAX_COMMAND_LINE, MAX_TEXT_LINE};

/// Which kind of CRLF-ended line the session waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineMode {
    /// An SMTP command (RFC 5321 section 4.5.3.1.4: 512 octets).
    Command,
    /// A SASL response after 334 (RFC 4954 section 4: 12288 octets).
    AuthResponse,
}

impl LineMode {
    /// The longest line, CRLF included.
    fn limit(self) -> usize {
        match self {
            LineMode::Command => MAX_COMMAND_LINE,
            LineMode::AuthResponse => MAX_AUTH_LINE,
        }
    }
}

/// Reads CRLF-ended lines; a line over its mode's limit is drained, never
/// stored, and reported as overflowed when its CRLF comes.
#[derive(Debug, Default)]
pub(super) struct LineReader {
    line: Vec<u8>,
    overflowed: bool,
    last_was_cr: bool,
}

/// What [`LineReader::read`] found.
pub(super) enum LineProgress {
    /// Every byte was taken; the line is not complete yet.
    NeedMore,
    /// A line ended after `consumed` bytes; take it with
    /// [`LineReader::take_line`].
    Complete { consumed: usize, overflowed: bool },
}

impl LineReader {
    /// Consumes bytes up to and including the end of the current line.
    pub(super) fn read(&mut self, input: &[u8], mode: LineMode) -> LineProgress {
        let limit = mode.limit();
        for (index, &byte) in input.iter().enumerate() {
            if byte == b'\n' && self.last_was_cr {
                self.last_was_cr = false;
                // The CR, if it was kept (an overflowed line keeps nothing).
                self.line.pop();
                return LineProgress::Complete {
                    consumed: index + 1,
                    overflowed: std::mem::take(&mut self.overflowed),
                };
            }
            self.last_was_cr = byte == b'\r';
            if self.overflowed {
                continue;
            }
            // The line plus its CRLF must fit in `limit`; the buffer holds
            // the line and, possibly, its CR.
            if self.line.len() + 1 > limit - 1 {
                self.overflowed = true;
                self.line = Vec::new();
                continue;
            }
            self.line.push(byte);
        }
        LineProgress::NeedMore
    }

    /// The line just completed, without its CRLF.
    pub(super) fn take_line(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.line)
    }

    /// Hands a taken line's buffer back, so the next line reuses it.
    pub(super) fn recycle(&mut self, mut buffer: Vec<u8>) {
        buffer.clear();
        if self.line.capacity() == 0 {
            self.line = buffer;
        }
    }
}

/// Message content as it arrives, with what the checks at its end need.
#[derive(Debug, Default)]
pub(super) struct Body {
    pub(super) content: Vec<u8>,
    pub(super) size: usize,
    pub(super) over_limit: bool,
    pub(super) long_line: bool,
    pub(super) bare_line_ending: bool,
    /// The shell could not hold it: drained from then on, and refused with
    /// this at its end.
    pub(super) dropped: Option<ReplyKey>,
}

impl Body {
    pub(super) fn push(&mut self, bytes: &[u8], limit: usize) {
        self.size = self.size.saturating_add(bytes.len());
        if self.dropped.is_some() {
            return;
        }
        if self.size > limit {
            // Drained, never buffered: the reply after the end of data
            // tells the client; keeping the content would only cost memory.
            if !self.over_limit {
                self.over_limit = true;
                self.content = Vec::new();
            }
        } else {
            self.content.extend_from_slice(bytes);
        }
    }

    /// Why the content cannot be delivered whatever it holds: over the size
    /// limit, or dropped by the shell.
    pub(super) fn refusal(&self) -> Option<ReplyKey> {
        if self.over_limit {
            Some(ReplyKey::SizeExceeded)
        } else {
            self.dropped
        }
    }

    /// Drops what was received and keeps nothing more; the message will be
    /// answered `key`. Returns whether it was kept until now.
    pub(super) fn drop_content(&mut self, key: ReplyKey) -> bool {
        if self.dropped.is_some() {
            return false;
        }
        self.dropped = Some(key);
        self.content = Vec::new();
        true
    }
}

/// Reads DATA content: CRLF-framed lines, dot-unstuffing, the lone-dot end.
#[derive(Debug, Default)]
pub(super) struct DataReader {
    pub(super) body: Body,
    line: Vec<u8>,
    line_spilled: bool,
    last_was_cr: bool,
}

/// What [`DataReader::read`] found.
pub(super) enum DataProgress {
    /// Every byte was taken; the message goes on.
    NeedMore,
    /// The end-of-data line ended after this many bytes.
    Ended(usize),
}

impl DataReader {
    /// Consumes bytes up to and including the end-of-data line, if there;
    /// content beyond `limit` octets is counted, not kept.
    pub(super) fn read(&mut self, input: &[u8], limit: usize) -> DataProgress {
        for (index, &byte) in input.iter().enumerate() {
            if byte == b'\n' && self.last_was_cr {
                self.last_was_cr = false;
                if self.end_line(limit) {
                    return DataProgress::Ended(index + 1);
                }
                continue;
            }
            if byte == b'\n' || self.last_was_cr {
                self.body.bare_line_ending = true;
            }
            self.last_was_cr = byte == b'\r';
            if self.line_spilled {
                self.body.push(&[byte], limit);
                continue;
            }
            self.line.push(byte);
            if self.line.len() >= MAX_TEXT_LINE {
                self.spill_line(limit);
            }
        }
        DataProgress::NeedMore
    }

    /// A CRLF arrived: stores the line, or says the message ended.
    fn end_line(&mut self, limit: usize) -> bool {
        if self.line_spilled {
            self.body.push(b"\n", limit);
            self.line_spilled = false;
            return false;
        }
        self.line.pop();
        if self.line == b"." {
            self.line.clear();
            return true;
        }
        let start = usize::from(self.line.first() == Some(&b'.'));
        let mut line = std::mem::take(&mut self.line);
        line.extend_from_slice(b"\r\n");
        self.body.push(&line[start..], limit);
        line.clear();
        self.line = line;
        false
    }

    /// Content plus CRLF is now over 1000 octets: this line can no longer
    /// be the lone dot, so it is streamed instead of kept.
    fn spill_line(&mut self, limit: usize) {
        self.body.long_line = true;
        let start = usize::from(self.line.first() == Some(&b'.'));
        let line = std::mem::take(&mut self.line);
        self.body.push(&line[start..], limit);
        self.line_spilled = true;
    }
}

/// Counts the octets of one BDAT chunk.
#[derive(Debug)]
pub(super) struct ChunkCounter {
    remaining: u64,
}

impl ChunkCounter {
    /// A chunk of `size` octets.
    pub(super) fn new(size: u64) -> Self {
        Self { remaining: size }
    }

    /// How many of the next `available` bytes belong to the chunk; they are
    /// counted as read.
    pub(super) fn take(&mut self, available: usize) -> usize {
        let take = usize::try_from(self.remaining)
            .unwrap_or(usize::MAX)
            .min(available);
        self.remaining -= take as u64;
        take
    }

    /// Whether every octet of the chunk has been read.
    pub(super) fn is_done(&self) -> bool {
        self.remaining == 0
    }
}
