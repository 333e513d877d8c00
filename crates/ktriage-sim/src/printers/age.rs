//! Elapsed time as `kubectl get` prints it in AGE columns and in RESTARTS'
//! `(5m ago)`: apimachinery's `duration.HumanDuration`, about two significant
//! figures (`45s`, `3m20s`, `12m`, `2h5m`, `30h`, `3d4h`, `200d`, `2y40d`,
//! `9y`), and `translateTimestampSince`, which prints `<unknown>` for a
//! missing time.
//!
//! Owns the arithmetic from an elapsed time to text only; it must not read
//! the clock. Years are 365 days, as in apimachinery.

use jiff::{SignedDuration, Timestamp};

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY_HOURS: i64 = 24;
const YEAR_DAYS: i64 = 365;

/// `elapsed` in HumanDuration's form. A clock up to a second behind still
/// reads `0s`; further in the future is `<invalid>`.
pub fn human_duration(elapsed: SignedDuration) -> String {
    // Whole seconds, truncated toward zero as Go's int(d.Seconds()) is.
    let seconds = elapsed.as_secs();
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 2 * MINUTE {
        return format!("{seconds}s");
    }
    let minutes = seconds / MINUTE;
    if minutes < 10 {
        return with_remainder(minutes, "m", seconds % MINUTE, "s");
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = seconds / HOUR;
    if hours < 8 {
        return with_remainder(hours, "h", minutes % 60, "m");
    }
    if hours < 2 * DAY_HOURS {
        return format!("{hours}h");
    }
    let days = hours / DAY_HOURS;
    if days < 8 {
        return with_remainder(days, "d", hours % DAY_HOURS, "h");
    }
    if days < 2 * YEAR_DAYS {
        return format!("{days}d");
    }
    let years = days / YEAR_DAYS;
    if years < 8 {
        return with_remainder(years, "y", days % YEAR_DAYS, "d");
    }
    format!("{years}y")
}

/// `3m20s`, or just `3m` when the smaller unit is zero.
fn with_remainder(large: i64, large_unit: &str, small: i64, small_unit: &str) -> String {
    if small == 0 {
        format!("{large}{large_unit}")
    } else {
        format!("{large}{large_unit}{small}{small_unit}")
    }
}

/// The time since `then` (`translateTimestampSince`): `<unknown>` when there
/// is no time.
pub fn since(then: Option<Timestamp>, now: Timestamp) -> String {
    then.map_or_else(
        || "<unknown>".to_string(),
        |then| human_duration(now.duration_since(then)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn after(seconds: i64) -> String {
        human_duration(SignedDuration::from_secs(seconds))
    }

    #[test]
    fn every_range_has_its_own_precision() {
        let cases = [
            (0, "0s"),
            (59, "59s"),
            (119, "119s"),
            (120, "2m"),
            (200, "3m20s"),
            (599, "9m59s"),
            (600, "10m"),
            (179 * MINUTE + 59, "179m"),
            (3 * HOUR, "3h"),
            (3 * HOUR + 5 * MINUTE, "3h5m"),
            (8 * HOUR - 1, "7h59m"),
            (8 * HOUR, "8h"),
            (47 * HOUR + 59 * MINUTE, "47h"),
            (48 * HOUR, "2d"),
            (3 * 24 * HOUR + 4 * HOUR, "3d4h"),
            (8 * 24 * HOUR - 1, "7d23h"),
            (8 * 24 * HOUR, "8d"),
            (729 * 24 * HOUR, "729d"),
            (730 * 24 * HOUR, "2y"),
            (770 * 24 * HOUR, "2y40d"),
            (8 * 365 * 24 * HOUR - 1, "7y364d"),
            (8 * 365 * 24 * HOUR, "8y"),
            (20 * 365 * 24 * HOUR + 100 * 24 * HOUR, "20y"),
        ];
        for (seconds, expected) in cases {
            assert_eq!(after(seconds), expected, "{seconds}s");
        }
    }

    #[test]
    fn a_clock_slightly_behind_reads_zero_and_further_is_invalid() {
        assert_eq!(human_duration(SignedDuration::from_millis(-500)), "0s");
        assert_eq!(after(-1), "0s");
        assert_eq!(human_duration(SignedDuration::from_millis(-1_999)), "0s");
        assert_eq!(after(-2), "<invalid>");
    }

    #[test]
    fn a_missing_time_is_unknown() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().expect("a time");
        let then: Timestamp = "2025-12-31T23:55:00Z".parse().expect("a time");
        assert_eq!(since(None, now), "<unknown>");
        assert_eq!(since(Some(then), now), "5m");
    }
}
