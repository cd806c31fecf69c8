//! Deterministic sources the caller seeds: RFC 5322 dates from injected Unix
//! time, and Postfix-style queue ids from a seeded generator.

/// Formats Unix seconds as an RFC 5322 date in UTC, such as
/// `Sun, 29 Nov 2026 02:45:31 +0000`. Written out here rather than pulling a
/// date crate into the wasm bundle for one format.
pub fn rfc5322_date(unix_seconds: u64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix_seconds / 86_400;
    let seconds_of_day = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        DAYS[(days % 7) as usize],
        day,
        MONTHS[(month - 1) as usize],
        year,
        seconds_of_day / 3600,
        seconds_of_day / 60 % 60,
        seconds_of_day % 60
    )
}

/// Year, month (1-12) and day (1-31) of a day count since 1970-01-01, by
/// Howard Hinnant's civil-from-days method.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

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
    fn dates_match_known_instants() {
        for (seconds, expected) in [
            (0, "Thu, 01 Jan 1970 00:00:00 +0000"),
            (951_782_400, "Tue, 29 Feb 2000 00:00:00 +0000"),
            (1_795_920_331, "Sun, 29 Nov 2026 02:45:31 +0000"),
            (4_102_444_799, "Thu, 31 Dec 2099 23:59:59 +0000"),
        ] {
            assert_eq!(rfc5322_date(seconds), expected);
        }
    }

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
