//! Reads of the restart history: handed to the history room's recorder,
//! whose reply is awaited on a task and sent back on the report channel as
//! the view's timeline; without a store, the reply says so. Never draws,
//! never imports app/.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};

use super::Runner;
use crate::history::Recorder;
use crate::history::view::project;
use crate::model::restart::timeline::{Subject, TimelineQuery};
use crate::model::restart::{LastLines, TerminationKey};
use crate::model::safe_text::SafeText;
use crate::model::timeline::{Timeline, TimelineScope};
use crate::protocol::ClusterEvent;
use crate::protocol::history::{HistoryEffect, HistoryEvent, StoredLines};

/// How far back a timeline reads.
pub const HISTORY_WINDOW: SignedDuration = SignedDuration::from_hours(30 * 24);

fn failure(error: impl std::fmt::Display) -> SafeText {
    SafeText::from_untrusted(&format!("the history cannot be read: {error}"))
}

async fn read_timeline(
    recorder: Arc<Recorder>,
    cluster: String,
    scope: TimelineScope,
) -> Result<Timeline, SafeText> {
    let now = Timestamp::now();
    let since = now - HISTORY_WINDOW;
    let (namespace, subject) = match &scope {
        TimelineScope::Pod { namespace, pod } | TimelineScope::Container { namespace, pod, .. } => {
            (namespace.clone(), Subject::Pod(pod.clone()))
        }
        TimelineScope::Workload {
            namespace, name, ..
        } => (namespace.clone(), Subject::Workload(name.clone())),
    };
    let query = TimelineQuery {
        cluster,
        namespace,
        subject,
        since,
    };
    let reply = recorder.timeline(query).map_err(failure)?;
    let mut stored = reply.await.map_err(failure)?.map_err(failure)?;
    if let TimelineScope::Container { container, .. } = &scope {
        stored.keep_container(container);
    }
    Ok(project(scope, &stored, since, now))
}

async fn read_lines(recorder: Arc<Recorder>, key: TerminationKey) -> Result<StoredLines, SafeText> {
    let reply = recorder.last_lines(key).map_err(failure)?;
    match reply.await.map_err(failure)?.map_err(failure)? {
        Some(LastLines::Captured { text, cut, .. }) => Ok(StoredLines {
            lines: text.lines().map(str::to_string).collect(),
            cut,
        }),
        Some(LastLines::Missing { reason }) => Err(SafeText::from_untrusted(&format!(
            "no last lines kept: {reason}"
        ))),
        None => Err(SafeText::from_trusted_static(
            "no last lines kept for this restart",
        )),
    }
}

fn not_open(effect: &HistoryEffect) -> HistoryEvent {
    let why = SafeText::from_trusted_static("the history store is not open");
    match effect {
        HistoryEffect::Read { request, .. } => HistoryEvent::Read {
            request: *request,
            result: Err(why),
        },
        HistoryEffect::LastLines { request, .. } => HistoryEvent::LastLines {
            request: *request,
            result: Err(why),
        },
    }
}

impl Runner {
    pub(super) fn history(&mut self, effect: HistoryEffect) {
        let sender = self.sender.clone();
        let Some(recorder) = self.history.clone() else {
            let event = not_open(&effect);
            self.spawn("history", async move {
                let _ = sender.send(ClusterEvent::History(event)).await;
            });
            return;
        };
        let cluster = self.cluster.clone();
        match effect {
            HistoryEffect::Read { request, scope } => self.spawn("history", async move {
                let result = read_timeline(recorder, cluster, scope).await;
                send(&sender, HistoryEvent::Read { request, result }).await;
            }),
            HistoryEffect::LastLines { request, key } => {
                self.spawn("history-lines", async move {
                    let result = read_lines(recorder, key).await;
                    send(&sender, HistoryEvent::LastLines { request, result }).await;
                });
            }
        }
    }
}

async fn send(sender: &tokio::sync::mpsc::Sender<ClusterEvent>, event: HistoryEvent) {
    let _ = sender.send(ClusterEvent::History(event)).await;
}
