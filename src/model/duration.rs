//! Human-readable ages, as kubectl prints them in its AGE column and in the
//! `(2m ago)` part of RESTARTS. Owns the formatting rules of apimachinery's
//! `duration.HumanDuration`; it must not read the clock itself: callers pass
//! `now`, so every view and every test sees one fixed instant.

use jiff::Timestamp;

const SECONDS_PER_MINUTE: i64 = 60;
const SECONDS_PER_HOUR: i64 = 60 * SECONDS_PER_MINUTE;
const HOURS_PER_DAY: i64 = 24;
const DAYS_PER_YEAR: i64 = 365;

/// Formats a duration given in whole seconds the way kubectl does.
///
/// The result is coarse on purpose: two significant units at most, and fewer
/// as the duration grows (`45s`, `3m5s`, `42m`, `5h10m`, `20h`, `3d4h`,
/// `300d`, `3y20d`, `9y`). A duration of -1 second counts as "now" (`0s`)
/// because clocks drift a little; anything earlier is `<invalid>`.
pub fn human_duration(seconds: i64) -> String {
    if seconds < -1 {
        return String::from("<invalid>");
    }
    if seconds < 0 {
        return String::from("0s");
    }
    if seconds < 2 * SECONDS_PER_MINUTE {
        return format!("{seconds}s");
    }
    let minutes = seconds / SECONDS_PER_MINUTE;
    if minutes < 10 {
        let remaining_seconds = seconds % SECONDS_PER_MINUTE;
        if remaining_seconds == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{remaining_seconds}s");
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = seconds / SECONDS_PER_HOUR;
    if hours < 8 {
        let remaining_minutes = minutes % 60;
        if remaining_minutes == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{remaining_minutes}m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / HOURS_PER_DAY;
    if hours < 8 * HOURS_PER_DAY {
        let remaining_hours = hours % HOURS_PER_DAY;
        if remaining_hours == 0 {
            return format!("{days}d");
        }
        return format!("{days}d{remaining_hours}h");
    }
    if hours < 2 * DAYS_PER_YEAR * HOURS_PER_DAY {
        return format!("{days}d");
    }
    let years = days / DAYS_PER_YEAR;
    if hours < 8 * DAYS_PER_YEAR * HOURS_PER_DAY {
        let remaining_days = days % DAYS_PER_YEAR;
        if remaining_days == 0 {
            return format!("{years}y");
        }
        return format!("{years}y{remaining_days}d");
    }
    format!("{years}y")
}

/// The time elapsed from `created` to `now`, formatted by [`human_duration`].
///
/// Sub-second parts are dropped toward zero, as Go's `int(d.Seconds())` does,
/// so a `created` half a second in the future still reads `0s`.
pub fn age(created: Timestamp, now: Timestamp) -> String {
    human_duration(now.duration_since(created).as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60;
    const HOUR: i64 = 60 * MINUTE;
    const DAY: i64 = 24 * HOUR;
    const YEAR: i64 = 365 * DAY;

    #[test]
    fn negative_durations() {
        assert_eq!(human_duration(-1), "0s");
        assert_eq!(human_duration(-2), "<invalid>");
        assert_eq!(human_duration(i64::MIN), "<invalid>");
    }

    #[test]
    fn seconds_below_two_minutes() {
        assert_eq!(human_duration(0), "0s");
        assert_eq!(human_duration(59), "59s");
        assert_eq!(human_duration(60), "60s");
        assert_eq!(human_duration(2 * MINUTE - 1), "119s");
    }

    #[test]
    fn minutes_and_seconds_below_ten_minutes() {
        assert_eq!(human_duration(2 * MINUTE), "2m");
        assert_eq!(human_duration(3 * MINUTE + 5), "3m5s");
        assert_eq!(human_duration(10 * MINUTE - 1), "9m59s");
    }

    #[test]
    fn minutes_below_three_hours() {
        assert_eq!(human_duration(10 * MINUTE), "10m");
        assert_eq!(human_duration(10 * MINUTE + 59), "10m");
        assert_eq!(human_duration(3 * HOUR - 1), "179m");
    }

    #[test]
    fn hours_and_minutes_below_eight_hours() {
        assert_eq!(human_duration(3 * HOUR), "3h");
        assert_eq!(human_duration(3 * HOUR + MINUTE), "3h1m");
        assert_eq!(human_duration(8 * HOUR - 1), "7h59m");
    }

    #[test]
    fn hours_below_two_days() {
        assert_eq!(human_duration(8 * HOUR), "8h");
        assert_eq!(human_duration(48 * HOUR - 1), "47h");
    }

    #[test]
    fn days_and_hours_below_eight_days() {
        assert_eq!(human_duration(2 * DAY), "2d");
        assert_eq!(human_duration(2 * DAY + HOUR), "2d1h");
        assert_eq!(human_duration(8 * DAY - 1), "7d23h");
    }

    #[test]
    fn days_below_two_years() {
        assert_eq!(human_duration(8 * DAY), "8d");
        assert_eq!(human_duration(2 * YEAR - 1), "729d");
    }

    #[test]
    fn years_and_days_below_eight_years() {
        assert_eq!(human_duration(2 * YEAR), "2y");
        assert_eq!(human_duration(2 * YEAR + DAY), "2y1d");
        assert_eq!(human_duration(8 * YEAR - 1), "7y364d");
    }

    #[test]
    fn years_from_eight_years() {
        assert_eq!(human_duration(8 * YEAR), "8y");
        assert_eq!(human_duration(8 * YEAR + 100 * DAY), "8y");
        assert_eq!(human_duration(100 * YEAR), "100y");
    }

    #[test]
    fn age_between_timestamps() -> Result<(), jiff::Error> {
        let created: Timestamp = "2024-08-24T01:54:32Z".parse()?;
        let now: Timestamp = "2024-08-24T01:57:37Z".parse()?;
        assert_eq!(age(created, now), "3m5s");
        assert_eq!(age(now, created), "<invalid>");
        Ok(())
    }

    #[test]
    fn age_truncates_sub_second_parts_toward_zero() -> Result<(), jiff::Error> {
        let now: Timestamp = "2024-01-01T00:00:00Z".parse()?;
        let slightly_ahead: Timestamp = "2024-01-01T00:00:01.5Z".parse()?;
        let far_ahead: Timestamp = "2024-01-01T00:00:02Z".parse()?;
        assert_eq!(age(slightly_ahead, now), "0s");
        assert_eq!(age(far_ahead, now), "<invalid>");
        Ok(())
    }
}
