//! What the server itself watches on every connection, beside the engine:
//! the command line in progress (how long it is, since when it has been
//! coming) and the octets of messages held in memory across all sessions.

use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::time::Instant;

/// Bytes of one command line past which the server stops listening. The
/// engine already drains an over-long line without storing it and answers
/// `500` at its end; this limit is for a line that never ends, which would
/// otherwise hold the connection forever. It is far above any real line
/// (512 octets for a command, 12 288 for an AUTH response).
pub const LINE_FLOOD_LIMIT: usize = 64 * 1024;

/// The command line in progress: octets since the last line end (CRLF, the
/// only line end for the engine, split across reads or not) and when its
/// first octet came.
#[derive(Debug, Default)]
pub struct LineWatch {
    unended: usize,
    last_was_cr: bool,
    since: Option<Instant>,
}

impl LineWatch {
    /// Takes note of `input`, just fed to the engine; `reading_commands`
    /// is whether the engine reads command lines now (message content is
    /// the engine's to judge against the message size limit). Returns
    /// whether a new line started in this input, so its deadline is new.
    pub fn observe(&mut self, input: &[u8], reading_commands: bool, now: Instant) -> bool {
        let Some(&last) = input.last() else {
            return false;
        };
        if !reading_commands {
            *self = Self::default();
            return false;
        }
        let ended_at = (0..input.len()).rev().find(|&index| {
            let before = match index {
                0 => self.last_was_cr,
                _ => input[index - 1] == b'\r',
            };
            input[index] == b'\n' && before
        });
        self.unended = match ended_at {
            Some(index) => input.len() - index - 1,
            None => self.unended.saturating_add(input.len()),
        };
        self.last_was_cr = last == b'\r';
        let started = self.unended > 0 && (ended_at.is_some() || self.since.is_none());
        if self.unended == 0 {
            self.since = None;
        } else if started {
            self.since = Some(now);
        }
        started
    }

    /// Whether the line in progress is past [`LINE_FLOOD_LIMIT`].
    pub fn flooded(&self) -> bool {
        self.unended > LINE_FLOOD_LIMIT
    }

    /// When the line in progress began, if one is.
    pub fn since(&self) -> Option<Instant> {
        self.since
    }
}

/// Octets of message content held in memory by all sessions together
/// (`--max-in-flight`): a message that would go over it is drained and
/// refused with `452 4.3.1`, so many large messages at once cannot exhaust
/// the machine's memory.
#[derive(Debug)]
pub struct InFlight {
    limit: usize,
    used: AtomicUsize,
}

impl InFlight {
    /// A budget of `limit` octets.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            used: AtomicUsize::new(0),
        }
    }

    /// Takes `octets` from the budget, if that many are left.
    pub fn take(&self, octets: usize) -> bool {
        self.used
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |used| {
                used.checked_add(octets)
                    .filter(|&total| total <= self.limit)
            })
            .is_ok()
    }

    /// Gives back `octets` taken before.
    pub fn give_back(&self, octets: usize) {
        self.used.fetch_sub(octets, Ordering::AcqRel);
    }

    /// The budget.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Octets taken now.
    pub fn used(&self) -> usize {
        self.used.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Feeds `stream` in pieces cut at `cuts` and says whether any point
    /// looked like a flood.
    fn floods(stream: &[u8], cuts: &[usize]) -> bool {
        let mut watch = LineWatch::default();
        let now = Instant::now();
        let mut start = 0;
        let mut ends: Vec<usize> = cuts.iter().map(|c| c % (stream.len() + 1)).collect();
        ends.push(stream.len());
        ends.sort_unstable();
        for end in ends {
            watch.observe(&stream[start..end], true, now);
            start = end;
            if watch.flooded() {
                return true;
            }
        }
        false
    }

    fn noops(count: usize) -> Vec<u8> {
        b"NOOP\r\n".repeat(count)
    }

    #[test]
    fn noops_one_octet_per_read_are_never_a_flood() {
        // 78 000 octets, over the limit in all, each line 6.
        let stream = noops(13_000);
        let cuts: Vec<usize> = (0..stream.len()).collect();
        assert!(!floods(&stream, &cuts));
    }

    #[test]
    fn a_line_without_crlf_is_a_flood_however_it_is_cut() {
        let mut stream = b"NOOP\r\n".to_vec();
        // Bare LFs and bare CRs do not end a line for the engine.
        stream.extend(b"A\nB\r".repeat(LINE_FLOOD_LIMIT / 4 + 1));
        for piece in [1, 2, 3, 7, 16 * 1024] {
            let cuts: Vec<usize> = (0..stream.len()).step_by(piece).collect();
            assert!(floods(&stream, &cuts), "pieces of {piece}");
        }
    }

    #[test]
    fn a_line_has_a_start_time_until_it_ends() {
        let mut watch = LineWatch::default();
        let first = Instant::now();
        assert!(watch.observe(b"NO", true, first));
        assert_eq!(watch.since(), Some(first));
        let later = first + std::time::Duration::from_secs(5);
        assert!(!watch.observe(b"OP\r", true, later));
        assert_eq!(watch.since(), Some(first), "still the same line");
        assert!(!watch.observe(b"\n", true, later));
        assert_eq!(watch.since(), None);
        assert!(watch.observe(b"NOOP\r\nRS", true, later));
        assert_eq!(watch.since(), Some(later));
        assert!(!watch.observe(b"ET", false, later), "message content");
        assert_eq!(watch.since(), None);
    }

    #[test]
    fn the_budget_is_never_overdrawn() {
        let budget = InFlight::new(100);
        assert!(budget.take(60));
        assert!(!budget.take(41));
        assert!(budget.take(40));
        budget.give_back(60);
        assert_eq!(budget.used(), 40);
        assert!(!budget.take(usize::MAX));
    }

    /// Lines of the given lengths, each a run of one printable octet.
    fn lines_of(lines: &[(usize, u8)]) -> Vec<u8> {
        let mut stream = Vec::new();
        for &(length, octet) in lines {
            stream.extend(std::iter::repeat_n(b' ' + octet % 95, length));
            stream.extend_from_slice(b"\r\n");
        }
        stream
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn short_lines_are_never_a_flood_for_any_split(
            lines in prop::collection::vec((0_usize..1000, any::<u8>()), 1..300),
            cuts in prop::collection::vec(any::<usize>(), 0..2000),
        ) {
            prop_assert!(!floods(&lines_of(&lines), &cuts));
        }

        #[test]
        fn a_valid_stream_one_octet_per_read_is_never_a_flood(
            lines in prop::collection::vec((0_usize..1000, any::<u8>()), 150..250),
        ) {
            // About 100 000 octets: over the limit in all, never in a line.
            let stream = lines_of(&lines);
            let cuts: Vec<usize> = (0..stream.len()).collect();
            prop_assert!(!floods(&stream, &cuts));
        }

        #[test]
        fn a_line_over_the_limit_is_a_flood_for_any_split(
            before in prop::collection::vec((0_usize..1000, any::<u8>()), 0..50),
            cuts in prop::collection::vec(any::<usize>(), 0..2000),
        ) {
            let mut stream = lines_of(&before);
            stream.extend(std::iter::repeat_n(b'A', LINE_FLOOD_LIMIT + 1));
            prop_assert!(floods(&stream, &cuts));
        }
    }
}
