//! The store's answer made into what the history view shows: the store's
//! timeline (terminations, gaps and events of a pod or a workload) becomes
//! rows of `model::timeline`, newest first, with a revision row where the
//! pods' revision changes, the events of each termination's container
//! within a few minutes before it attached to it, and the summary sentence.
//! Every text passes through `SafeText` here. Pure.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::model::restart::exit::{exit_text, reason_text};
use crate::model::restart::summary::{LoopRule, RestartSummary};
use crate::model::restart::timeline::{
    LastLinesState, StoredTermination, Timeline as Stored, TimelineItem,
};
use crate::model::restart::{Gap, PodEventRecord};
use crate::model::safe_text::SafeText;
use crate::model::timeline::{
    GapEntry, LastLines, RestartEntry, Timeline, TimelineEntry, TimelineScope,
};

/// Events this long before a termination (and up to its end) are shown
/// with it: the back-off, the probe failures and the kill that led to it.
const EVENTS_BEFORE: SignedDuration = SignedDuration::from_mins(10);

fn text(value: &str) -> SafeText {
    SafeText::from_untrusted(value)
}

fn event_line(event: &PodEventRecord) -> SafeText {
    let count = if event.count > 1 {
        format!(" ×{}", event.count)
    } else {
        String::new()
    };
    text(&format!("{}{count} {}", event.reason, event.message))
}

fn restart(stored: &StoredTermination, events: &[&PodEventRecord]) -> RestartEntry {
    let termination = &stored.termination;
    let finished = termination.at();
    let around = events
        .iter()
        .filter(|event| {
            event.pod_uid == termination.pod_uid
                && event
                    .container
                    .as_deref()
                    .is_none_or(|container| container == termination.container)
                && finished.is_some_and(|at| {
                    event.last >= at - EVENTS_BEFORE && event.first <= at + EVENTS_BEFORE
                })
        })
        .map(|event| event_line(event))
        .collect();
    RestartEntry {
        key: termination.key(),
        started: termination.started,
        finished: termination.finished,
        pod: text(&termination.pod),
        container: text(&termination.container),
        exit: text(&exit_text(termination.exit_code, termination.signal)),
        reason: text(&reason_text(termination.exit_code, &termination.reason)),
        message: text(&termination.message),
        // The store numbers the instance that ended; the view shows the restart it led to.
        restart_count: termination.restart_count.saturating_add(1),
        source: text(termination.source.as_str()),
        events: around,
        last_lines: match &stored.last_lines {
            LastLinesState::Captured { lines, .. } => {
                LastLines::Kept(usize::try_from(*lines).unwrap_or(usize::MAX))
            }
            LastLinesState::Missing { reason } => LastLines::Missing(text(reason)),
            LastLinesState::Absent => LastLines::Missing(SafeText::from_trusted_static(
                "not read (the instance ended before ktriage could read it)",
            )),
        },
    }
}

fn gap(gap: &Gap) -> GapEntry {
    GapEntry {
        pod: text(&gap.pod),
        container: text(&gap.container),
        missed: gap.missed,
        after: gap.after,
        before: gap.before,
    }
}

/// `6h`, `3d`: the span the timeline covers, for the summary.
fn window(since: Timestamp, now: Timestamp) -> String {
    crate::model::duration::human_duration(now.duration_since(since).as_secs().max(0))
}

/// The view's timeline of `scope` from the store's answer read `since`.
pub fn project(
    scope: TimelineScope,
    stored: &Stored,
    since: Timestamp,
    now: Timestamp,
) -> Timeline {
    let summary = RestartSummary::of(stored, now, &LoopRule::default());
    let sentence = summary.sentence(&window(since, now), now, &TimeZone::system());
    let events: Vec<&PodEventRecord> = stored.events().collect();
    let mut entries = Vec::new();
    let mut revision: Option<Option<String>> = None;
    let several = scope.several_pods();
    for entry in &stored.entries {
        let row = match &entry.item {
            TimelineItem::Termination(termination) => {
                TimelineEntry::Restart(Box::new(restart(termination, &events)))
            }
            TimelineItem::Gap(missed) => TimelineEntry::Gap(gap(missed)),
            TimelineItem::Event(_) => continue,
        };
        if several && revision.as_ref() != Some(&entry.revision) {
            if let Some(name) = &entry.revision {
                entries.push(TimelineEntry::Revision { name: text(name) });
            }
            revision = Some(entry.revision.clone());
        }
        entries.push(row);
    }
    Timeline {
        scope,
        summary: text(&sentence),
        entries,
        notice: None,
    }
}
