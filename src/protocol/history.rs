//! What crosses between the history view and the history room: reads of a
//! timeline and of a termination's last lines, and their replies. The
//! replies travel on the same channel as the cluster's reports. Data only.

use crate::model::restart::TerminationKey;
use crate::model::safe_text::SafeText;
use crate::model::timeline::{Timeline, TimelineScope};

use super::RequestId;

/// Reads the history view asks the store for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryEffect {
    /// The timeline of a pod, a container or a workload.
    Read {
        request: RequestId,
        scope: TimelineScope,
    },
    /// The last lines a termination printed.
    LastLines {
        request: RequestId,
        key: TerminationKey,
    },
}

/// The last lines of one instance, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredLines {
    /// Raw, as read from the container: the log view neutralises them.
    pub lines: Vec<String>,
    /// Older lines were not kept.
    pub cut: bool,
}

/// What the history room reports.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryEvent {
    Read {
        request: RequestId,
        result: Result<Timeline, SafeText>,
    },
    LastLines {
        request: RequestId,
        result: Result<StoredLines, SafeText>,
    },
    /// Something about the store every view should say (it was moved aside
    /// as corrupt, it cannot be written); `None` once it is fine again.
    Notice(Option<SafeText>),
}
