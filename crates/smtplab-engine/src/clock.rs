//! Deterministic sources the caller seeds: Postfix-style queue ids from a
//! seeded generator (dates from injected time are in [`crate::date`]).

/// Queue ids from a seed: the same seed gives the same ids in the same
/// order, on every platform (splitmix64).
#[derive(Debug, Clone)]
pub struct QueueIds {
    state: u64,
}

impl QueueIds {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next id: ten upper-case hex digits, as Postfix's short ids look.
    pub fn next_id(&mut self) -> String {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        format!("{:010X}", z >> 24)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_ids_repeat_for_a_seed_and_differ_between_seeds() {
        let first: Vec<String> = (0..3)
            .map({
                let mut ids = QueueIds::new(7);
                move |_| ids.next_id()
            })
            .collect();
        let again: Vec<String> = (0..3)
            .map({
                let mut ids = QueueIds::new(7);
                move |_| ids.next_id()
            })
            .collect();
        assert_eq!(first, again);
        assert_ne!(first[0], first[1]);
        assert_ne!(first[0], QueueIds::new(8).next_id());
        assert!(first
            .iter()
            .all(|id| id.len() == 10 && id.chars().all(|c| c.is_ascii_hexdigit())));
    }
}
