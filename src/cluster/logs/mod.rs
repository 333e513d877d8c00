//! Reading logs: one container, every container of a pod, or every pod of a
//! selector, merged in time order. Each container is read by a follower that
//! survives what production does to a stream:
//!
//! * the container restarts: the rest of the old instance is read with
//!   `previous=true`, a marker line says why it ended, and the new instance is
//!   read from its first line;
//! * the stream breaks: the follower reconnects with back-off and asks for
//!   the lines since the last timestamp it kept, skipping the ones it has, so
//!   no line is missing and none is shown twice;
//! * the pod is deleted, or a new pod of the workload appears.
//!
//! Timestamps are always requested: they order lines across containers and
//! say where to resume. The view shows them on demand.

mod follow;
mod follower;
mod instance;
mod lines;
mod reader;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures::{StreamExt, stream};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use kube::Client;
use kube::api::{Api, ListParams, LogParams};
use tokio::sync::mpsc;

pub use lines::{Dedup, LineSplitter, MAX_LINE_BYTES, ReadLine, Resume};

use super::watch::describe_client_error;
use crate::protocol::ClusterEvent;
use crate::protocol::logs::{
    ContainerKind, IncomingLine, LineKind, LogEvent, LogRequest, LogSource, LogTarget, StreamState,
};
use instance::{Instance, containers, instance, pod_name};
use reader::read_all;

/// How long lines from several containers are gathered to be put in time
/// order before they are sent on.
const MERGE_WINDOW: Duration = Duration::from_millis(30);
/// Containers whose first lines are read at the same time.
const PARALLEL_READS: usize = 8;
/// Most lines sent in one report.
const REPORT_LINES: usize = 4096;

/// Sends reports of one reading to the state machine.
#[derive(Clone)]
struct Reports {
    view: u64,
    sender: mpsc::Sender<ClusterEvent>,
}

impl Reports {
    async fn send(&self, event: LogEvent) -> bool {
        self.sender
            .send(ClusterEvent::Logs {
                view: self.view,
                event,
            })
            .await
            .is_ok()
    }
}

/// What followers tell the merger.
enum Note {
    Lines(Vec<IncomingLine>),
    Event(LogEvent),
}

/// Shared by every task of one reading.
#[derive(Clone)]
struct Reading {
    api: Api<Pod>,
    notes: mpsc::Sender<Note>,
    next_source: Arc<AtomicU32>,
    request: Arc<LogRequest>,
}

impl Reading {
    async fn event(&self, event: LogEvent) {
        let _ = self.notes.send(Note::Event(event)).await;
    }

    async fn lines(&self, lines: Vec<IncomingLine>) {
        if !lines.is_empty() {
            let _ = self.notes.send(Note::Lines(lines)).await;
        }
    }

    async fn state(&self, source: u32, state: StreamState) {
        self.event(LogEvent::State { source, state }).await;
    }

    async fn notice(&self, source: u32, text: String) {
        self.lines(vec![IncomingLine {
            source,
            time: Some(Timestamp::now()),
            kind: LineKind::Notice,
            text,
            cut: 0,
        }])
        .await;
    }

    async fn add_source(&self, pod: &str, container: &str, kind: ContainerKind) -> u32 {
        let id = self.next_source.fetch_add(1, Ordering::Relaxed);
        self.event(LogEvent::Source(LogSource {
            id,
            pod: pod.to_string(),
            container: container.to_string(),
            kind,
        }))
        .await;
        id
    }
}

/// Read logs as `request` asks until done or until the task is dropped.
pub async fn read(client: Client, request: LogRequest, sender: mpsc::Sender<ClusterEvent>) {
    let reports = Reports {
        view: request.view,
        sender,
    };
    let api: Api<Pod> = Api::namespaced(client, request.target.namespace());
    let (notes, inbox) = mpsc::channel(64);
    let reading = Reading {
        api,
        notes,
        next_source: Arc::new(AtomicU32::new(0)),
        request: Arc::new(request),
    };
    let merger = tokio::spawn(merge(inbox, reports.clone()));
    let outcome = start(reading).await;
    // Every note sender is gone once `start` returns and its tasks end.
    let _ = merger.await;
    if let Err(error) = outcome {
        reports.send(LogEvent::Failed(error)).await;
    }
}

/// Gathers followers' lines for a moment, puts them in time order and sends
/// them on. Other events are sent in the order they came.
async fn merge(mut inbox: mpsc::Receiver<Note>, reports: Reports) {
    let mut pending: Vec<IncomingLine> = Vec::new();
    loop {
        let note = if pending.is_empty() {
            inbox.recv().await
        } else {
            match tokio::time::timeout(MERGE_WINDOW, inbox.recv()).await {
                Ok(note) => note,
                Err(_) => {
                    if !flush(&mut pending, &reports).await {
                        return;
                    }
                    continue;
                }
            }
        };
        match note {
            Some(Note::Lines(lines)) => {
                pending.extend(lines);
                if pending.len() >= REPORT_LINES && !flush(&mut pending, &reports).await {
                    return;
                }
            }
            Some(Note::Event(event)) => {
                if !flush(&mut pending, &reports).await || !reports.send(event).await {
                    return;
                }
            }
            None => {
                flush(&mut pending, &reports).await;
                return;
            }
        }
    }
}

async fn flush(pending: &mut Vec<IncomingLine>, reports: &Reports) -> bool {
    if pending.is_empty() {
        return true;
    }
    // Stable: each container's own lines keep their order.
    pending.sort_by_key(|line| line.time);
    let lines = std::mem::take(pending);
    for chunk in lines.chunks(REPORT_LINES) {
        if !reports.send(LogEvent::Lines(chunk.to_vec())).await {
            return false;
        }
    }
    true
}

/// One container to read, and what was read of it before following.
struct Start {
    pod: String,
    container: String,
    source: u32,
    instance: Option<String>,
    resume: Resume,
    /// The first read found nothing: follow with the same window.
    read_nothing: bool,
}

async fn start(reading: Reading) -> Result<(), String> {
    let request = reading.request.clone();
    let pods = match &request.target {
        LogTarget::Container { pod, .. } | LogTarget::Pod { pod, .. } => {
            vec![
                reading
                    .api
                    .get(pod)
                    .await
                    .map_err(|e| pod_error(&e, &request))?,
            ]
        }
        LogTarget::Selector { selector, .. } => {
            reading
                .api
                .list(&ListParams::default().labels(selector))
                .await
                .map_err(|e| pod_error(&e, &request))?
                .items
        }
    };
    let mut plan = Vec::new();
    for pod in &pods {
        let name = pod_name(pod);
        for (container, kind) in containers(pod) {
            let wanted = match &request.target {
                LogTarget::Container { container: one, .. } => *one == container,
                _ => true,
            };
            if !wanted {
                continue;
            }
            let source = reading.add_source(&name, &container, kind).await;
            let current = instance(pod, &container);
            plan.push((name.clone(), container, source, current));
        }
    }
    if let (true, LogTarget::Container { pod, container, .. }) = (plan.is_empty(), &request.target)
    {
        return Err(format!("container {container} is not valid for pod {pod}"));
    }
    // The first read: the tail of every container, merged in time order.
    let firsts: Vec<(Start, Vec<IncomingLine>, Option<kube::Error>)> =
        stream::iter(plan.into_iter().map(|(pod, container, source, current)| {
            let reading = reading.clone();
            async move { first_read(&reading, pod, container, source, current).await }
        }))
        .buffered(PARALLEL_READS)
        .collect()
        .await;
    let mut forbidden = None;
    let mut lines = Vec::new();
    let mut starts = Vec::new();
    for (start, read, error) in firsts {
        lines.extend(read);
        match error {
            Some(kube::Error::Api(status)) if status.code == 403 => {
                forbidden = Some(status.message.clone());
            }
            Some(error) => {
                let text = describe_client_error(&error);
                if request.follow && !request.previous {
                    reading
                        .state(start.source, StreamState::Waiting(status_text(&text)))
                        .await;
                } else {
                    reading
                        .state(start.source, StreamState::Failed(status_text(&text)))
                        .await;
                }
            }
            None => {}
        }
        starts.push(start);
    }
    if let Some(message) = forbidden {
        return Err(message);
    }
    lines.sort_by_key(|line| line.time);
    reading.lines(lines).await;
    if !request.follow || request.previous {
        reading.event(LogEvent::Finished).await;
        return Ok(());
    }
    follow::follow(reading, pods, starts).await;
    Ok(())
}

fn status_text(text: &str) -> String {
    text.trim_end_matches(" (400)").to_string()
}

fn pod_error(error: &kube::Error, request: &LogRequest) -> String {
    match error {
        kube::Error::Api(status) if status.code == 404 => match &request.target {
            LogTarget::Container { pod, .. } | LogTarget::Pod { pod, .. } => {
                format!("pod {pod} not found in {}", request.target.namespace())
            }
            LogTarget::Selector { .. } => status.message.clone(),
        },
        other => describe_client_error(other),
    }
}

fn params(request: &LogRequest, container: &str) -> LogParams {
    LogParams {
        container: Some(container.to_string()),
        timestamps: true,
        previous: request.previous,
        since_seconds: request.since_seconds,
        tail_lines: request.tail_lines,
        ..LogParams::default()
    }
}

async fn first_read(
    reading: &Reading,
    pod: String,
    container: String,
    source: u32,
    current: Instance,
) -> (Start, Vec<IncomingLine>, Option<kube::Error>) {
    let params = params(&reading.request, &container);
    let mut resume = Resume::default();
    let mut lines = Vec::new();
    let error = read_all(
        &reading.api,
        &pod,
        &params,
        source,
        &mut resume.dedup(),
        &mut resume,
        &mut lines,
    )
    .await
    .err();
    let start = Start {
        read_nothing: resume.is_empty(),
        pod,
        container,
        source,
        instance: current.id,
        resume,
    };
    (start, lines, error)
}

#[cfg(test)]
mod tests;
