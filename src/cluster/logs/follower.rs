//! One container's follower: reads every instance in order, across
//! restarts (with a marker line) and broken streams (resumed where they
//! stopped, with back-off).

use std::time::Duration;

use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::api::LogParams;
use tokio::sync::watch;

use super::instance::{Ended, Instance, instance};
use super::lines::Resume;
use super::reader::{StreamEnd, read_all, stream_follow};
use super::{Reading, Start, params, status_text};
use crate::cluster::watch::describe_client_error;
use crate::protocol::logs::{IncomingLine, LineKind, StreamState};

pub(super) const BACKOFF_FIRST: Duration = Duration::from_millis(250);
pub(super) const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// Grows from [`BACKOFF_FIRST`] to [`BACKOFF_MAX`].
pub(super) struct Backoff {
    next: Duration,
    pub(super) attempt: u32,
}

impl Backoff {
    pub(super) fn new() -> Backoff {
        Backoff {
            next: BACKOFF_FIRST,
            attempt: 0,
        }
    }

    pub(super) fn reset(&mut self) {
        *self = Backoff::new();
    }

    pub(super) fn step(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(BACKOFF_MAX);
        self.attempt += 1;
        wait
    }
}

/// The state last reported, so each change is reported once.
#[derive(Default)]
struct Shown(Option<StreamState>);

impl Shown {
    fn changed(&mut self, state: &StreamState) -> bool {
        if self.0.as_ref() == Some(state) {
            return false;
        }
        self.0 = Some(state.clone());
        true
    }
}

/// Reads one container for as long as its pod exists: every instance, in
/// order, across restarts and broken streams.
struct Follower {
    reading: Reading,
    pod: String,
    container: String,
    source: u32,
    /// The instance whose lines were read last.
    reading_id: Option<String>,
    resume: Resume,
    /// The first read found nothing: read with the view's window.
    read_nothing: bool,
    /// What is left of an ended instance has been read.
    caught_up: bool,
    backoff: Backoff,
    shown: Shown,
}

/// What to do after one step.
enum Next {
    Again,
    Stop,
}

impl Follower {
    async fn show(&mut self, state: StreamState) {
        if self.shown.changed(&state) {
            self.reading.state(self.source, state).await;
        }
    }

    /// The parameters of a read that goes on from where the last one
    /// stopped (or, when nothing was found yet, with the view's window).
    fn params(&self, previous: bool) -> LogParams {
        let mut params = params(&self.reading.request, &self.container);
        params.previous = previous;
        if previous || !(self.read_nothing && self.resume.is_empty()) {
            params.tail_lines = None;
            params.since_seconds = None;
            params.since_time = self.resume.since_time();
        }
        params
    }

    /// Read the rest of an instance (the current one, or the previous).
    async fn catch_up(&mut self, previous: bool) -> Result<(), kube::Error> {
        let params = self.params(previous);
        let mut lines = Vec::new();
        let mut dedup = self.resume.dedup();
        let result = read_all(
            &self.reading.api,
            &self.pod,
            &params,
            self.source,
            &mut dedup,
            &mut self.resume,
            &mut lines,
        )
        .await;
        self.reading.lines(lines).await;
        if !previous {
            self.read_nothing = self.read_nothing && self.resume.is_empty();
        }
        result
    }

    /// The marker line of a restart, with how the last instance ended.
    async fn marker(&self, last: Option<&Ended>) {
        let container = &self.container;
        let why = last
            .map(|last| format!(": {}", last.describe()))
            .unwrap_or_default();
        self.reading
            .lines(vec![IncomingLine {
                source: self.source,
                time: Some(Timestamp::now()),
                kind: LineKind::Marker,
                text: format!("container {container} restarted{why}"),
                cut: 0,
            }])
            .await;
    }

    /// Start reading the instance `id` from its first line.
    fn begin(&mut self, id: &str) {
        self.reading_id = Some(id.to_string());
        self.resume = Resume::default();
        self.read_nothing = false;
        self.caught_up = false;
    }

    async fn run(mut self, mut pod: watch::Receiver<Option<Pod>>) {
        loop {
            let Some(current) = pod.borrow_and_update().clone() else {
                self.show(StreamState::Ended("pod deleted".to_string()))
                    .await;
                return;
            };
            let now = instance(&current, &self.container);
            let next = match (now.id.clone(), self.reading_id.clone()) {
                (None, _) => {
                    let why = now
                        .waiting
                        .clone()
                        .unwrap_or_else(|| "waiting to start".to_string());
                    self.show(StreamState::Waiting(why)).await;
                    if pod.changed().await.is_err() {
                        Next::Stop
                    } else {
                        Next::Again
                    }
                }
                (Some(id), Some(old)) if id != old => {
                    self.restarted(&now, &id, &old).await;
                    Next::Again
                }
                (Some(id), None) => {
                    // The first instance since the view opened, or the next
                    // one of a container that was waiting to restart.
                    if now.restarts > 0 && !(self.read_nothing && self.resume.is_empty()) {
                        self.marker(now.last.as_ref()).await;
                        self.begin(&id);
                    } else {
                        self.reading_id = Some(id);
                        self.caught_up = false;
                    }
                    Next::Again
                }
                (Some(_), Some(_)) if now.running => self.stream(&mut pod).await,
                (Some(_), Some(_)) => self.ended(&now, &mut pod).await,
            };
            if let Next::Stop = next {
                return;
            }
        }
    }

    /// The container restarted: the rest of the old instance, then a marker.
    async fn restarted(&mut self, now: &Instance, id: &str, old: &str) {
        let last = now
            .last
            .as_ref()
            .filter(|last| last.id.as_deref() == Some(old));
        if last.is_some() {
            let _ = self.catch_up(true).await;
        } else {
            let container = &self.container;
            let text = format!(
                "container {container} restarted more than once while its stream was down: \
                 the instances in between were not read"
            );
            self.reading.notice(self.source, text).await;
        }
        self.marker(last).await;
        self.begin(id);
    }

    /// Follow the running instance until its stream ends.
    async fn stream(&mut self, pod: &mut watch::Receiver<Option<Pod>>) -> Next {
        self.show(StreamState::Streaming).await;
        let params = self.params(false);
        let outcome = stream_follow(
            &self.reading,
            &self.pod,
            params,
            self.source,
            &mut self.resume,
        )
        .await;
        self.read_nothing = self.read_nothing && self.resume.is_empty();
        match outcome {
            Ok((StreamEnd::Closed, count)) => {
                if count > 0 {
                    self.backoff.reset();
                }
                // Ended by the server: the container stopped, or the stream
                // was closed; the pod says which.
                let wait = self.backoff.step();
                tokio::select! {
                    _ = pod.changed() => {}
                    _ = tokio::time::sleep(wait) => {}
                }
            }
            Ok((StreamEnd::Broken(reason), count)) => {
                if count > 0 {
                    self.backoff.reset();
                }
                self.reconnect(reason).await;
            }
            Err(kube::Error::Api(status)) if status.code == 403 => {
                self.show(StreamState::Failed(status.message.clone())).await;
                return Next::Stop;
            }
            Err(kube::Error::Api(status)) if status.code == 404 => {
                self.show(StreamState::Ended("pod deleted".to_string()))
                    .await;
                return Next::Stop;
            }
            Err(error) => {
                self.reconnect(status_text(&describe_client_error(&error)))
                    .await;
            }
        }
        Next::Again
    }

    /// Say the stream broke, and wait before the next attempt.
    async fn reconnect(&mut self, reason: String) {
        let wait = self.backoff.step();
        let attempt = self.backoff.attempt;
        self.show(StreamState::Reconnecting { attempt, reason })
            .await;
        tokio::time::sleep(wait).await;
    }

    /// The instance ended: read what is left of it once, then wait for the
    /// next one (or the pod's end).
    async fn ended(&mut self, now: &Instance, pod: &mut watch::Receiver<Option<Pod>>) -> Next {
        if !self.caught_up && self.catch_up(false).await.is_ok() {
            self.caught_up = true;
        }
        let why = now
            .terminated
            .as_ref()
            .map(|ended| format!("terminated: {}", ended.describe()))
            .unwrap_or_else(|| "terminated".to_string());
        self.show(StreamState::Ended(why)).await;
        if !self.caught_up {
            let wait = self.backoff.step();
            tokio::select! {
                _ = pod.changed() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        } else if pod.changed().await.is_err() {
            return Next::Stop;
        }
        Next::Again
    }
}

/// Follow one container from where its first read stopped.
pub(super) async fn follow_container(
    reading: Reading,
    pod: watch::Receiver<Option<Pod>>,
    start: Start,
) {
    let follower = Follower {
        reading,
        pod: start.pod,
        container: start.container,
        source: start.source,
        reading_id: start.instance,
        resume: start.resume,
        read_nothing: start.read_nothing,
        caught_up: false,
        backoff: Backoff::new(),
        shown: Shown::default(),
    };
    follower.run(pod).await;
}
