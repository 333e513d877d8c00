//! A timeline in one line: how many terminations, how many restarts were
//! counted but not seen, the counts by reason, and since when a container
//! has been crash-looping, so that a view can print `14 restarts in 6h:
//! 9 OOMKilled, 5 Error (exit 1); crash-looping since 10:42`. Pure: the
//! caller passes `now` and the time zone.

use std::collections::{BTreeMap, HashMap};

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use super::exit::describe_exit;
use super::timeline::Timeline;

/// What makes terminations a crash loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopRule {
    /// An instance that ran longer than this was healthy for a while: it
    /// ends a loop.
    pub longest_run: SignedDuration,
    /// The kubelet's longest back-off between two restarts (5 minutes).
    pub longest_back_off: SignedDuration,
    /// How many terminations in a row make a loop.
    pub at_least: usize,
}

impl Default for LoopRule {
    fn default() -> LoopRule {
        LoopRule {
            longest_run: SignedDuration::from_mins(10),
            longest_back_off: SignedDuration::from_mins(5),
            at_least: 3,
        }
    }
}

/// How many terminations read the same (`describe_exit`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonCount {
    pub label: String,
    pub count: u32,
}

/// The summary of a timeline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestartSummary {
    pub terminations: u32,
    /// Restarts counted by the kubelet and not seen (the gaps).
    pub missed: u32,
    /// The most frequent first; ties by label.
    pub reasons: Vec<ReasonCount>,
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    /// The first termination of the loop a container is in now, the
    /// earliest over the containers that loop.
    pub crash_looping_since: Option<Timestamp>,
}

impl RestartSummary {
    pub fn of(timeline: &Timeline, now: Timestamp, rule: &LoopRule) -> RestartSummary {
        let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
        let mut series: HashMap<(&str, &str), Series> = HashMap::new();
        let mut summary = RestartSummary::default();
        for entry in &timeline.entries {
            if let super::timeline::TimelineItem::Termination(stored) = &entry.item {
                let termination = &stored.termination;
                summary.terminations += 1;
                *reasons
                    .entry(describe_exit(termination.exit_code, &termination.reason))
                    .or_default() += 1;
                summary.first = Some(summary.first.map_or(entry.at, |first| first.min(entry.at)));
                summary.last = Some(summary.last.map_or(entry.at, |last| last.max(entry.at)));
                series
                    .entry((&termination.pod_uid, &termination.container))
                    .or_default()
                    .runs
                    .push((entry.at, termination.started));
            }
        }
        for gap in timeline.gaps() {
            series
                .entry((&gap.pod_uid, &gap.container))
                .or_default()
                .gaps
                .push((gap.before, gap.missed));
        }
        summary.missed = timeline.gaps().map(|gap| gap.missed).sum();
        let mut reasons: Vec<ReasonCount> = reasons
            .into_iter()
            .map(|(label, count)| ReasonCount { label, count })
            .collect();
        reasons.sort_by_key(|reason| std::cmp::Reverse(reason.count));
        summary.reasons = reasons;
        summary.crash_looping_since = series
            .into_values()
            .filter_map(|mut series| {
                series.runs.sort_by_key(|(at, _)| *at);
                series.loop_start(now, rule)
            })
            .min();
        summary
    }

    /// `9 OOMKilled, 5 Error (exit 1)`.
    pub fn reasons_text(&self) -> String {
        self.reasons
            .iter()
            .map(|reason| format!("{} {}", reason.count, reason.label))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `14 restarts in 6h: 9 OOMKilled, 5 Error (exit 1); crash-looping
    /// since 10:42`, with `window` naming the span read (`6h`) and times in
    /// `zone` (a date is added when the loop began on another day).
    pub fn sentence(&self, window: &str, now: Timestamp, zone: &TimeZone) -> String {
        if self.terminations == 0 && self.missed == 0 {
            return format!("no restarts in {window}");
        }
        let noun = if self.terminations == 1 {
            "restart"
        } else {
            "restarts"
        };
        let mut text = format!("{} {noun} in {window}", self.terminations);
        if self.missed > 0 {
            text.push_str(&format!(" ({} more not seen)", self.missed));
        }
        if !self.reasons.is_empty() {
            text.push_str(": ");
            text.push_str(&self.reasons_text());
        }
        if let Some(since) = self.crash_looping_since {
            let since = since.to_zoned(zone.clone());
            let today = now.to_zoned(zone.clone()).date() == since.date();
            let format = if today { "%H:%M" } else { "%b %-d %H:%M" };
            text.push_str(&format!("; crash-looping since {}", since.strftime(format)));
        }
        text
    }
}

/// One instance of a container: when it ended, and when it started if known.
type Run = (Timestamp, Option<Timestamp>);

/// One container's terminations (oldest first once sorted) and gaps (upper
/// bound and restarts missed).
#[derive(Default)]
struct Series {
    runs: Vec<Run>,
    gaps: Vec<(Timestamp, u32)>,
}

impl Series {
    /// The restarts missed between two ends, `earlier` excluded.
    fn missed_between(&self, earlier: Timestamp, later: Timestamp) -> i64 {
        self.gaps
            .iter()
            .filter(|(before, _)| *before > earlier && *before <= later)
            .map(|(_, missed)| i64::from(*missed))
            .sum()
    }

    /// The first termination of the loop the container is in at `now`, if
    /// it is in one: its newest termination is recent, and the ones before
    /// it follow each other without a long run between them. Restarts
    /// missed between two terminations (a gap) shorten the time between
    /// them: three missed in 20 minutes are a restart every 5.
    fn loop_start(&self, now: Timestamp, rule: &LoopRule) -> Option<Timestamp> {
        let cycle = rule.longest_run + rule.longest_back_off;
        let short_run = |(at, started): &Run| {
            started.is_none_or(|started| at.duration_since(started) <= rule.longest_run)
        };
        let (newest, older) = self.runs.split_last()?;
        if now.duration_since(newest.0) > cycle || !short_run(newest) {
            return None;
        }
        let mut start = newest.0;
        let mut length = 1;
        for end in older.iter().rev() {
            let restarts = self.missed_between(end.0, start) + 1;
            let spacing = start
                .duration_since(end.0)
                .checked_div(restarts.try_into().unwrap_or(1));
            if spacing.is_none_or(|spacing| spacing > cycle) || !short_run(end) {
                break;
            }
            start = end.0;
            length += 1;
        }
        (length >= rule.at_least).then_some(start)
    }
}

#[cfg(test)]
#[path = "summary_tests.rs"]
mod tests;
