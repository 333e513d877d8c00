//! The recorder: the store on its own thread. The program sends it owned
//! commands (snapshots of pods to detect in, events, last lines, queries)
//! through a bounded channel and never waits for it: a send that finds the
//! channel full fails at once with `Busy`. Queries answer through a
//! one-shot reply the caller may await or block on. The recorder holds the
//! `Detector`, seeds it from the store the first time it meets a pod uid
//! (so a restarted ktriage does not call recorded restarts a gap), and
//! writes what arrives together in one transaction. A failed write is kept
//! as the recorder's last error (`Status`) and logged; the next command is
//! read as usual.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use jiff::Timestamp;
use tokio::sync::{mpsc, oneshot};

use super::error::HistoryError;
use super::retention::{Pruned, Retention};
use super::store::Store;
use crate::model::restart::detector::Detector;
use crate::model::restart::snapshot::ContainerSnapshot;
use crate::model::restart::summary::RestartSummary;
use crate::model::restart::timeline::{Timeline, TimelineQuery};
use crate::model::restart::{LastLines, Observation, PodEventRecord, TerminationKey};

/// How many commands may wait for the recorder.
pub const CAPACITY: usize = 1024;

/// How many waiting writes go into one transaction at most.
const BATCH: usize = 256;

/// A reply the caller awaits (`.await`) or blocks on (`blocking_recv`).
pub type Reply<T> = oneshot::Receiver<Result<T, HistoryError>>;

/// What the recorder has done so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    /// Rows added or changed since it started.
    pub recorded: u64,
    /// The last write that failed, worded for the screen.
    pub last_error: Option<String>,
}

enum Command {
    Observe {
        snapshots: Vec<ContainerSnapshot>,
        now: Timestamp,
    },
    Forget {
        pod_uid: String,
    },
    Events(Vec<PodEventRecord>),
    AttachLastLines {
        key: TerminationKey,
        lines: LastLines,
    },
    Timeline {
        query: TimelineQuery,
        reply: oneshot::Sender<Result<Timeline, HistoryError>>,
    },
    Summary {
        query: TimelineQuery,
        now: Timestamp,
        reply: oneshot::Sender<Result<RestartSummary, HistoryError>>,
    },
    LastLines {
        key: TerminationKey,
        reply: oneshot::Sender<Result<Option<LastLines>, HistoryError>>,
    },
    Retain {
        retention: Retention,
        now: Timestamp,
        reply: oneshot::Sender<Result<Pruned, HistoryError>>,
    },
    Status {
        reply: oneshot::Sender<Result<Status, HistoryError>>,
    },
}

/// The handle to the recorder's thread. Dropping it lets the thread write
/// what is queued and end; `shutdown` also waits for that.
pub struct Recorder {
    commands: mpsc::Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl Recorder {
    /// Open the history at `path` and start its thread. Blocks while the
    /// file is opened and checked (call it where blocking is allowed);
    /// returns where a damaged file was moved, for the screen to say so.
    pub fn start(path: &Path) -> Result<(Recorder, Option<PathBuf>), HistoryError> {
        let opened = Store::open(path)?;
        let (commands, receiver) = mpsc::channel(CAPACITY);
        let store = opened.store;
        let thread = std::thread::Builder::new()
            .name("ktriage-history".into())
            .spawn(move || Worker::new(store).run(receiver))
            .map_err(HistoryError::Thread)?;
        let recorder = Recorder {
            commands,
            thread: Some(thread),
        };
        Ok((recorder, opened.moved_aside))
    }

    fn send(&self, command: Command) -> Result<(), HistoryError> {
        self.commands
            .try_send(command)
            .map_err(|error| match error {
                mpsc::error::TrySendError::Full(_) => HistoryError::Busy(CAPACITY),
                mpsc::error::TrySendError::Closed(_) => HistoryError::Stopped,
            })
    }

    fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<Result<T, HistoryError>>) -> Command,
    ) -> Result<Reply<T>, HistoryError> {
        let (reply, answer) = oneshot::channel();
        self.send(command(reply))?;
        Ok(answer)
    }

    /// Detect and record what `snapshots` (of pods seen at `now`) show.
    pub fn observe(
        &self,
        snapshots: Vec<ContainerSnapshot>,
        now: Timestamp,
    ) -> Result<(), HistoryError> {
        self.send(Command::Observe { snapshots, now })
    }

    /// Drop what the detector holds about a pod that is gone.
    pub fn forget(&self, pod_uid: String) -> Result<(), HistoryError> {
        self.send(Command::Forget { pod_uid })
    }

    pub fn record_events(&self, events: Vec<PodEventRecord>) -> Result<(), HistoryError> {
        self.send(Command::Events(events))
    }

    pub fn attach_last_lines(
        &self,
        key: TerminationKey,
        lines: LastLines,
    ) -> Result<(), HistoryError> {
        self.send(Command::AttachLastLines { key, lines })
    }

    pub fn timeline(&self, query: TimelineQuery) -> Result<Reply<Timeline>, HistoryError> {
        self.ask(|reply| Command::Timeline { query, reply })
    }

    pub fn summary(
        &self,
        query: TimelineQuery,
        now: Timestamp,
    ) -> Result<Reply<RestartSummary>, HistoryError> {
        self.ask(|reply| Command::Summary { query, now, reply })
    }

    pub fn last_lines(
        &self,
        key: TerminationKey,
    ) -> Result<Reply<Option<LastLines>>, HistoryError> {
        self.ask(|reply| Command::LastLines { key, reply })
    }

    pub fn retain(
        &self,
        retention: Retention,
        now: Timestamp,
    ) -> Result<Reply<Pruned>, HistoryError> {
        self.ask(|reply| Command::Retain {
            retention,
            now,
            reply,
        })
    }

    /// The recorder's status, once everything sent before is written.
    pub fn status(&self) -> Result<Reply<Status>, HistoryError> {
        self.ask(|reply| Command::Status { reply })
    }

    /// Stop taking commands, and wait until the queued ones are written.
    pub fn shutdown(mut self) -> Result<(), HistoryError> {
        let thread = self.thread.take();
        drop(self);
        match thread.map(JoinHandle::join) {
            Some(Err(_)) => Err(HistoryError::Stopped),
            _ => Ok(()),
        }
    }
}

/// The recorder's thread: the store, the detector, and the writes not yet
/// made.
struct Worker {
    store: Store,
    detector: Detector,
    /// Pod uids whose containers were looked up in the store.
    consulted: HashSet<String>,
    observations: Vec<Observation>,
    events: Vec<PodEventRecord>,
    status: Status,
}

impl Worker {
    fn new(store: Store) -> Worker {
        Worker {
            store,
            detector: Detector::new(),
            consulted: HashSet::new(),
            observations: Vec::new(),
            events: Vec::new(),
            status: Status::default(),
        }
    }

    fn run(mut self, mut receiver: mpsc::Receiver<Command>) {
        while let Some(command) = receiver.blocking_recv() {
            self.take(command);
            // Gather what else waits into the same transaction.
            let mut gathered = 1;
            while gathered < BATCH {
                let Ok(command) = receiver.try_recv() else {
                    break;
                };
                self.take(command);
                gathered += 1;
            }
            self.flush();
        }
        self.flush();
    }

    fn note<T>(&mut self, result: Result<T, HistoryError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                tracing::warn!(%error, "the history could not be written");
                self.status.last_error = Some(error.to_string());
                None
            }
        }
    }

    fn flush(&mut self) {
        if !self.observations.is_empty() {
            let batch = std::mem::take(&mut self.observations);
            let added = self.store.record(&batch);
            if let Some(added) = self.note(added) {
                self.status.recorded += added as u64;
            }
        }
        if !self.events.is_empty() {
            let events = std::mem::take(&mut self.events);
            let changed = self.store.record_events(&events);
            if let Some(changed) = self.note(changed) {
                self.status.recorded += changed as u64;
            }
        }
    }

    fn seed(&mut self, snapshot: &ContainerSnapshot) {
        let uid = &snapshot.pod_uid;
        if self.consulted.contains(uid) {
            return;
        }
        // The store must hold what was detected about this pod before (it
        // was forgotten and met again within one batch).
        let pending = self
            .observations
            .iter()
            .any(|observation| match observation {
                Observation::Termination(termination) => termination.pod_uid == *uid,
                Observation::Gap(gap) => gap.pod_uid == *uid,
            });
        if pending {
            self.flush();
        }
        let known = self
            .store
            .known(&snapshot.cluster, uid, &snapshot.container);
        if let Some(known) = self.note(known) {
            self.detector.seed(uid, &snapshot.container, known);
        }
    }

    fn take(&mut self, command: Command) {
        match command {
            Command::Observe { snapshots, now } => {
                for snapshot in &snapshots {
                    self.seed(snapshot);
                }
                for snapshot in &snapshots {
                    self.consulted.insert(snapshot.pod_uid.clone());
                    let found = self.detector.observe(snapshot, now);
                    self.observations.extend(found);
                }
            }
            Command::Forget { pod_uid } => {
                self.detector.forget(&pod_uid);
                self.consulted.remove(&pod_uid);
            }
            Command::Events(events) => self.events.extend(events),
            Command::AttachLastLines { key, lines } => {
                self.flush();
                let attached = self.store.attach_last_lines(&key, &lines);
                if let Some(true) = self.note(attached) {
                    self.status.recorded += 1;
                }
            }
            Command::Timeline { query, reply } => {
                self.flush();
                let _ = reply.send(self.store.timeline(&query));
            }
            Command::Summary { query, now, reply } => {
                self.flush();
                let _ = reply.send(self.store.summary(&query, now));
            }
            Command::LastLines { key, reply } => {
                self.flush();
                let _ = reply.send(self.store.last_lines(&key));
            }
            Command::Retain {
                retention,
                now,
                reply,
            } => {
                self.flush();
                let _ = reply.send(self.store.retain(&retention, now));
            }
            Command::Status { reply } => {
                self.flush();
                let _ = reply.send(Ok(self.status.clone()));
            }
        }
    }
}
