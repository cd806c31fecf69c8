//! The workspace's one date formatter: calendar fields from injected Unix
//! seconds (UTC), written as RFC 5322 dates, Message-Id stamps or a time of
//! day. Written out here rather than pulling a date crate into the wasm
//! bundle for three formats.

const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A moment in UTC, split into calendar fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcDateTime {
    /// The year, such as 2026.
    pub year: u64,
    /// 1 to 12.
    pub month: u64,
    /// 1 to 31.
    pub day: u64,
    /// 0 to 23.
    pub hour: u64,
    /// 0 to 59.
    pub minute: u64,
    /// 0 to 59.
    pub second: u64,
    /// Days since 1970-01-01 (a Thursday), for the weekday.
    days_since_epoch: u64,
}

impl UtcDateTime {
    /// The calendar fields of `unix_seconds`.
    pub fn from_unix(unix_seconds: u64) -> Self {
        let days = unix_seconds / 86_400;
        let seconds_of_day = unix_seconds % 86_400;
        let (year, month, day) = civil_from_days(days);
        Self {
            year,
            month,
            day,
            hour: seconds_of_day / 3600,
            minute: seconds_of_day / 60 % 60,
            second: seconds_of_day % 60,
            days_since_epoch: days,
        }
    }

    /// RFC 5322 section 3.3: `Sun, 29 Nov 2026 02:45:31 +0000`.
    pub fn rfc5322(&self) -> String {
        format!(
            "{}, {:02} {} {} {} +0000",
            WEEKDAYS[(self.days_since_epoch % 7) as usize],
            self.day,
            MONTHS[(self.month - 1) as usize],
            self.year,
            self.time_of_day()
        )
    }

    /// `YYYYMMDDhhmmss`, as Message-Id values use it.
    pub fn compact(&self) -> String {
        format!(
            "{}{:02}{:02}{:02}{:02}{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }

    /// `HH:MM:SS`.
    pub fn time_of_day(&self) -> String {
        format!("{:02}:{:02}:{:02}", self.hour, self.minute, self.second)
    }
}

/// Formats Unix seconds as an RFC 5322 date in UTC, such as
/// `Sun, 29 Nov 2026 02:45:31 +0000`.
pub fn rfc5322_date(unix_seconds: u64) -> String {
    UtcDateTime::from_unix(unix_seconds).rfc5322()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_known_instants() {
        for (seconds, expected, compact) in [
            (0, "Thu, 01 Jan 1970 00:00:00 +0000", "19700101000000"),
            (
                951_782_400,
                "Tue, 29 Feb 2000 00:00:00 +0000",
                "20000229000000",
            ),
            (
                1_795_920_331,
                "Sun, 29 Nov 2026 02:45:31 +0000",
                "20261129024531",
            ),
            (
                4_102_444_799,
                "Thu, 31 Dec 2099 23:59:59 +0000",
                "20991231235959",
            ),
        ] {
            assert_eq!(rfc5322_date(seconds), expected);
            assert_eq!(UtcDateTime::from_unix(seconds).compact(), compact);
        }
        assert_eq!(UtcDateTime::from_unix(3_723).time_of_day(), "01:02:03");
    }
}
