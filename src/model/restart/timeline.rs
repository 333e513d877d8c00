//! What the history answers about a pod or a workload: its terminations,
//! gaps and events on one timeline, newest first, each labelled with the
//! revision its pod ran, and the runs of one revision in a row. Owned data,
//! made by the store and read by the views; no I/O.

use std::ops::Range;

use jiff::Timestamp;

use super::{Gap, PodEventRecord, Termination};

/// Whose history a query reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// Every pod of this name, or the pod of this uid.
    Pod(String),
    /// Every pod whose owner names this workload (a Deployment,
    /// StatefulSet, DaemonSet or Job).
    Workload(String),
}

/// A question to the history: a subject in a namespace of a cluster, since
/// a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineQuery {
    /// The cluster's id (`cluster_id::cluster_id`).
    pub cluster: String,
    pub namespace: String,
    pub subject: Subject,
    pub since: Timestamp,
}

/// Whether the last lines of a termination were kept (the text itself is
/// read on demand: a timeline of thousands of restarts stays small).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LastLinesState {
    /// Nothing was attached (yet).
    Absent,
    Captured {
        lines: u32,
        cut: bool,
    },
    Missing {
        reason: String,
    },
}

/// A termination with the state of its last lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTermination {
    pub termination: Termination,
    pub last_lines: LastLinesState,
}

/// One thing on a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimelineItem {
    Termination(Box<StoredTermination>),
    Gap(Gap),
    Event(PodEventRecord),
}

impl TimelineItem {
    /// The order among items at the same time: terminations, then gaps,
    /// then events.
    fn rank(&self) -> u8 {
        match self {
            TimelineItem::Termination(_) => 0,
            TimelineItem::Gap(_) => 1,
            TimelineItem::Event(_) => 2,
        }
    }
}

/// An item, its time and its pod's revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// A termination's end (or start), a gap's upper bound, an event's
    /// last time.
    pub at: Timestamp,
    pub revision: Option<String>,
    pub item: TimelineItem,
}

/// Entries of one revision in a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRun {
    pub revision: Option<String>,
    /// Indexes into `Timeline::entries`.
    pub entries: Range<usize>,
    pub terminations: usize,
    pub newest: Timestamp,
    pub oldest: Timestamp,
}

/// Terminations, gaps and events, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    pub entries: Vec<TimelineEntry>,
}

impl Timeline {
    /// A timeline of `entries` in any order.
    pub fn new(mut entries: Vec<TimelineEntry>) -> Timeline {
        entries.sort_by(|one, other| {
            other
                .at
                .cmp(&one.at)
                .then_with(|| one.item.rank().cmp(&other.item.rank()))
        });
        Timeline { entries }
    }

    /// Keep only what concerns `container`: its terminations and gaps, and
    /// the events of its pod that name it or no container.
    pub fn keep_container(&mut self, container: &str) {
        self.entries.retain(|entry| match &entry.item {
            TimelineItem::Termination(stored) => stored.termination.container == container,
            TimelineItem::Gap(gap) => gap.container == container,
            TimelineItem::Event(event) => event.container.as_deref().is_none_or(|c| c == container),
        });
    }

    pub fn terminations(&self) -> impl Iterator<Item = &StoredTermination> {
        self.entries.iter().filter_map(|entry| match &entry.item {
            TimelineItem::Termination(stored) => Some(stored.as_ref()),
            _ => None,
        })
    }

    pub fn gaps(&self) -> impl Iterator<Item = &Gap> {
        self.entries.iter().filter_map(|entry| match &entry.item {
            TimelineItem::Gap(gap) => Some(gap),
            _ => None,
        })
    }

    pub fn events(&self) -> impl Iterator<Item = &PodEventRecord> {
        self.entries.iter().filter_map(|entry| match &entry.item {
            TimelineItem::Event(event) => Some(event),
            _ => None,
        })
    }

    /// The runs of entries of one revision, newest first: a rollout shows
    /// as two runs, a rollback to an earlier revision as a third.
    pub fn revisions(&self) -> Vec<RevisionRun> {
        let mut runs: Vec<RevisionRun> = Vec::new();
        for (index, entry) in self.entries.iter().enumerate() {
            let termination = usize::from(matches!(entry.item, TimelineItem::Termination(_)));
            match runs.last_mut() {
                Some(run) if run.revision == entry.revision => {
                    run.entries.end = index + 1;
                    run.terminations += termination;
                    run.oldest = entry.at;
                }
                _ => runs.push(RevisionRun {
                    revision: entry.revision.clone(),
                    entries: index..index + 1,
                    terminations: termination,
                    newest: entry.at,
                    oldest: entry.at,
                }),
            }
        }
        runs
    }
}
