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

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures::io::{AsyncBufRead, AsyncBufReadExt};
use futures::{StreamExt, stream};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};
use kube::Client;
use kube::api::{Api, ListParams, LogParams};
use kube::runtime::{WatchStreamExt, watcher};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

use super::watch::describe_client_error;
use crate::app::log_msg::{
    ContainerKind, IncomingLine, LineKind, LogEvent, LogRequest, LogSource, LogTarget, StreamState,
    VIEW_SOURCE,
};
use crate::app::msg::{ClusterEvent, Msg};

/// Bytes of one line kept before the rest is cut (and counted).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// How long lines from several containers are gathered to be put in time
/// order before they are sent on.
const MERGE_WINDOW: Duration = Duration::from_millis(30);
/// Containers whose first lines are read at the same time.
const PARALLEL_READS: usize = 8;
/// Most lines sent in one report.
const REPORT_LINES: usize = 4096;
const BACKOFF_FIRST: Duration = Duration::from_millis(250);
const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// Splits a byte stream into lines, keeping at most [`MAX_LINE_BYTES`] of
/// each and counting the rest. Reads the kubelet's timestamp prefix.
#[derive(Debug, Default)]
pub struct LineSplitter {
    partial: Vec<u8>,
    cut: usize,
}

/// A line read from a stream, before it is checked against what was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadLine {
    pub time: Option<Timestamp>,
    pub text: String,
    pub cut: usize,
}

impl LineSplitter {
    /// Feed bytes; complete lines are appended to `out`.
    pub fn feed(&mut self, mut bytes: &[u8], out: &mut Vec<ReadLine>) {
        while let Some(end) = bytes.iter().position(|&b| b == b'\n') {
            self.keep(&bytes[..end]);
            out.push(self.take());
            bytes = &bytes[end + 1..];
        }
        self.keep(bytes);
    }

    /// The stream ended cleanly: a last line without a line feed is a line.
    pub fn finish(&mut self) -> Option<ReadLine> {
        (!self.partial.is_empty() || self.cut > 0).then(|| self.take())
    }

    /// The stream broke: a partial line is dropped (it is read again whole
    /// when the stream resumes).
    pub fn discard(&mut self) {
        self.partial.clear();
        self.cut = 0;
    }

    fn keep(&mut self, piece: &[u8]) {
        let room = MAX_LINE_BYTES.saturating_sub(self.partial.len());
        let kept = room.min(piece.len());
        self.partial.extend_from_slice(&piece[..kept]);
        self.cut += piece.len() - kept;
    }

    fn take(&mut self) -> ReadLine {
        let mut bytes = std::mem::take(&mut self.partial);
        if self.cut == 0 && bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let cut = std::mem::take(&mut self.cut);
        let text = match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => String::from_utf8_lossy(error.as_bytes()).into_owned(),
        };
        split_timestamp(text, cut)
    }
}

/// Separates `2024-05-01T10:00:00.123456789Z message` into its parts.
fn split_timestamp(text: String, cut: usize) -> ReadLine {
    if let Some((stamp, _)) = text.split_once(' ')
        && stamp.len() >= 20
        && stamp.as_bytes()[4] == b'-'
        && let Ok(time) = stamp.parse::<Timestamp>()
    {
        let rest = text[stamp.len() + 1..].to_string();
        return ReadLine {
            time: Some(time),
            text: rest,
            cut,
        };
    }
    ReadLine {
        time: None,
        text,
        cut,
    }
}

/// Where a reading of one container instance stands: the timestamp of the
/// last line kept, and how many kept lines carry exactly that timestamp.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resume {
    last: Option<Timestamp>,
    at_last: usize,
}

impl Resume {
    /// Record a kept line.
    pub fn kept(&mut self, time: Option<Timestamp>) {
        let Some(time) = time else { return };
        if self.last == Some(time) {
            self.at_last += 1;
        } else {
            self.last = Some(time);
            self.at_last = 1;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    /// The `sinceTime` to ask for: the last second seen, rounded down (the
    /// API takes whole seconds, so the answer starts before or at the last
    /// line kept and [`Dedup`] skips what was already seen).
    pub fn since_time(&self) -> Option<Timestamp> {
        self.last
            .and_then(|time| Timestamp::from_second(time.as_second()).ok())
    }

    /// A filter for the lines of a read that resumes here.
    pub fn dedup(&self) -> Dedup {
        Dedup {
            until: self.last.map(|time| (time, self.at_last)),
        }
    }
}

/// Skips, in a resumed read, the lines already kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dedup {
    until: Option<(Timestamp, usize)>,
}

impl Dedup {
    /// True when the line is new.
    pub fn admit(&mut self, time: Option<Timestamp>) -> bool {
        let (Some((last, seen)), Some(time)) = (self.until, time) else {
            return true;
        };
        if time < last {
            return false;
        }
        if time == last && seen > 0 {
            self.until = Some((last, seen - 1));
            return false;
        }
        self.until = None;
        true
    }
}

/// The parts of a container's status a follower needs.
#[derive(Debug, Clone, Default, PartialEq)]
struct Instance {
    id: Option<String>,
    running: bool,
    terminated: Option<Ended>,
    waiting: Option<String>,
    last: Option<Ended>,
    restarts: i32,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Ended {
    id: Option<String>,
    exit_code: i32,
    reason: Option<String>,
}

impl Ended {
    fn describe(&self) -> String {
        match &self.reason {
            Some(reason) => format!("exit {} {reason}", self.exit_code),
            None => format!("exit {}", self.exit_code),
        }
    }
}

fn find_status<'a>(pod: &'a Pod, container: &str) -> Option<&'a ContainerStatus> {
    let status = pod.status.as_ref()?;
    [
        status.init_container_statuses.as_deref(),
        status.container_statuses.as_deref(),
        status.ephemeral_container_statuses.as_deref(),
    ]
    .into_iter()
    .flatten()
    .flatten()
    .find(|s| s.name == container)
}

fn instance(pod: &Pod, container: &str) -> Instance {
    let Some(status) = find_status(pod, container) else {
        return Instance::default();
    };
    let state = status.state.as_ref();
    let terminated = state.and_then(|s| s.terminated.as_ref()).map(|t| Ended {
        id: t.container_id.clone(),
        exit_code: t.exit_code,
        reason: t.reason.clone(),
    });
    let waiting = state
        .and_then(|s| s.waiting.as_ref())
        .map(|w| match (&w.reason, &w.message) {
            (Some(reason), Some(message)) => format!("{reason}: {message}"),
            (Some(reason), None) => reason.clone(),
            (None, _) => "waiting".to_string(),
        });
    let last = status
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .map(|t| Ended {
            id: t.container_id.clone(),
            exit_code: t.exit_code,
            reason: t.reason.clone(),
        });
    // A container waiting to restart has no current instance; its
    // `containerID` still names the last one, which is what `lastState` says.
    let id = if terminated.is_some() || state.is_some_and(|s| s.running.is_some()) {
        status.container_id.clone().filter(|id| !id.is_empty())
    } else {
        None
    };
    Instance {
        id,
        running: state.is_some_and(|s| s.running.is_some()),
        terminated,
        waiting,
        last,
        restarts: status.restart_count,
    }
}

/// Every container of a pod in the API's order: init, regular, ephemeral.
fn containers(pod: &Pod) -> Vec<(String, ContainerKind)> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let mut all: Vec<(String, ContainerKind)> = spec
        .init_containers
        .iter()
        .flatten()
        .map(|c| (c.name.clone(), ContainerKind::Init))
        .collect();
    all.extend(
        spec.containers
            .iter()
            .map(|c| (c.name.clone(), ContainerKind::Regular)),
    );
    all.extend(
        spec.ephemeral_containers
            .iter()
            .flatten()
            .map(|c| (c.name.clone(), ContainerKind::Ephemeral)),
    );
    all
}

fn pod_name(pod: &Pod) -> String {
    pod.metadata.name.clone().unwrap_or_default()
}

/// Sends reports of one reading to the state machine.
#[derive(Clone)]
struct Reports {
    view: u64,
    sender: mpsc::Sender<Msg>,
}

impl Reports {
    async fn send(&self, event: LogEvent) -> bool {
        self.sender
            .send(Msg::Cluster(ClusterEvent::Logs {
                view: self.view,
                event,
            }))
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
pub async fn read(client: Client, request: LogRequest, sender: mpsc::Sender<Msg>) {
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
    follow(reading, pods, starts).await;
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

/// Read a log that ends (no `follow`) into `out`.
async fn read_all(
    api: &Api<Pod>,
    pod: &str,
    params: &LogParams,
    source: u32,
    dedup: &mut Dedup,
    resume: &mut Resume,
    out: &mut Vec<IncomingLine>,
) -> Result<(), kube::Error> {
    let mut params = params.clone();
    params.follow = false;
    let mut reader = std::pin::pin!(api.log_stream(pod, &params).await?);
    let mut splitter = LineSplitter::default();
    let mut read = Vec::new();
    loop {
        let chunk = match reader.fill_buf().await {
            Ok(chunk) => chunk,
            Err(error) => {
                splitter.discard();
                keep(read.drain(..), source, dedup, resume, out);
                return Err(kube::Error::ReadEvents(error));
            }
        };
        if chunk.is_empty() {
            break;
        }
        let length = chunk.len();
        splitter.feed(chunk, &mut read);
        AsyncBufRead::consume(reader.as_mut(), length);
        keep(read.drain(..), source, dedup, resume, out);
    }
    if let Some(last) = splitter.finish() {
        keep(std::iter::once(last), source, dedup, resume, out);
    }
    Ok(())
}

fn keep(
    lines: impl Iterator<Item = ReadLine>,
    source: u32,
    dedup: &mut Dedup,
    resume: &mut Resume,
    out: &mut Vec<IncomingLine>,
) {
    for line in lines {
        if !dedup.admit(line.time) {
            continue;
        }
        resume.kept(line.time);
        out.push(IncomingLine {
            source,
            time: line.time,
            kind: LineKind::Log,
            text: line.text,
            cut: line.cut,
        });
    }
}

/// How a followed stream ended.
enum StreamEnd {
    /// The server ended it.
    Closed,
    /// It broke (the reason).
    Broken(String),
}

/// Follow one instance from `resume`, sending lines as they come.
async fn stream_follow(
    reading: &Reading,
    pod: &str,
    params: LogParams,
    source: u32,
    resume: &mut Resume,
) -> Result<(StreamEnd, usize), kube::Error> {
    let mut params = params;
    params.follow = true;
    let mut dedup = resume.dedup();
    let mut reader = std::pin::pin!(reading.api.log_stream(pod, &params).await?);
    let mut splitter = LineSplitter::default();
    let mut read = Vec::new();
    let mut count = 0;
    loop {
        let chunk = match reader.fill_buf().await {
            Ok(chunk) => chunk,
            Err(error) => {
                splitter.discard();
                return Ok((StreamEnd::Broken(error.to_string()), count));
            }
        };
        if chunk.is_empty() {
            break;
        }
        let length = chunk.len();
        splitter.feed(chunk, &mut read);
        AsyncBufRead::consume(reader.as_mut(), length);
        let mut out = Vec::with_capacity(read.len());
        keep(read.drain(..), source, &mut dedup, resume, &mut out);
        count += out.len();
        reading.lines(out).await;
    }
    let mut out = Vec::new();
    if let Some(last) = splitter.finish() {
        keep(std::iter::once(last), source, &mut dedup, resume, &mut out);
    }
    count += out.len();
    reading.lines(out).await;
    Ok((StreamEnd::Closed, count))
}

/// Follow every started container, and the pods that join (selectors).
async fn follow(reading: Reading, pods: Vec<Pod>, starts: Vec<Start>) {
    let mut channels: HashMap<String, watch::Sender<Option<Pod>>> = HashMap::new();
    let mut tasks = JoinSet::new();
    let mut by_pod: HashMap<String, Vec<Start>> = HashMap::new();
    for start in starts {
        by_pod.entry(start.pod.clone()).or_default().push(start);
    }
    for pod in pods {
        let name = pod_name(&pod);
        let (sender, receiver) = watch::channel(Some(pod));
        channels.insert(name.clone(), sender);
        let starts = by_pod.remove(&name).unwrap_or_default();
        tasks.spawn(follow_pod(reading.clone(), name, receiver, starts));
    }
    let selector = match &reading.request.target {
        LogTarget::Selector { selector, .. } => Some(selector.clone()),
        _ => None,
    };
    let config = match (&selector, &reading.request.target) {
        (Some(selector), _) => watcher::Config::default().labels(selector),
        (None, LogTarget::Container { pod, .. } | LogTarget::Pod { pod, .. }) => {
            watcher::Config::default().fields(&format!("metadata.name={pod}"))
        }
        (None, LogTarget::Selector { .. }) => watcher::Config::default(),
    };
    let stream = watcher(reading.api.clone(), config).default_backoff();
    let mut stream = std::pin::pin!(stream);
    let mut relisted: HashSet<String> = HashSet::new();
    loop {
        tokio::select! {
            item = stream.next() => {
                let Some(item) = item else { break };
                match item {
                    Ok(watcher::Event::Init) => relisted.clear(),
                    Ok(watcher::Event::InitApply(pod)) | Ok(watcher::Event::Apply(pod)) => {
                        let name = pod_name(&pod);
                        relisted.insert(name.clone());
                        match channels.get(&name) {
                            Some(sender) => {
                                sender.send_replace(Some(pod));
                            }
                            None if selector.is_some() => {
                                let (sender, receiver) = watch::channel(Some(pod));
                                channels.insert(name.clone(), sender);
                                reading.notice(VIEW_SOURCE, format!("pod {name} joined")).await;
                                tasks.spawn(follow_pod(reading.clone(), name, receiver, Vec::new()));
                            }
                            None => {}
                        }
                    }
                    Ok(watcher::Event::InitDone) => {
                        for (name, sender) in &channels {
                            if !relisted.contains(name) {
                                sender.send_replace(None);
                            }
                        }
                    }
                    Ok(watcher::Event::Delete(pod)) => {
                        if let Some(sender) = channels.get(&pod_name(&pod)) {
                            sender.send_replace(None);
                        }
                    }
                    Err(error) => {
                        if super::watch::forbidden_message(&error).is_some() {
                            // Without watch rights, look at the pods now and then.
                            poll_pods(&reading, &channels, &mut tasks).await;
                            return;
                        }
                    }
                }
            }
            done = tasks.join_next(), if !tasks.is_empty() => {
                if done.is_none() { break; }
                if tasks.is_empty() && selector.is_none() { return; }
            }
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// Follow pods by reading them every few seconds (no watch rights).
async fn poll_pods(
    reading: &Reading,
    channels: &HashMap<String, watch::Sender<Option<Pod>>>,
    tasks: &mut JoinSet<()>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            done = tasks.join_next() => {
                if done.is_none() || tasks.is_empty() { return; }
                continue;
            }
        }
        for (name, sender) in channels {
            match reading.api.get_opt(name).await {
                Ok(pod) => {
                    sender.send_replace(pod);
                }
                Err(_) => continue,
            }
        }
    }
}

/// Follow the containers of one pod; with several-container targets, new
/// (ephemeral) containers join as they are added.
async fn follow_pod(
    reading: Reading,
    pod: String,
    mut receiver: watch::Receiver<Option<Pod>>,
    starts: Vec<Start>,
) {
    let mut tasks = JoinSet::new();
    let mut known: HashSet<String> = HashSet::new();
    for start in starts {
        known.insert(start.container.clone());
        tasks.spawn(follow_container(reading.clone(), receiver.clone(), start));
    }
    let one = match &reading.request.target {
        LogTarget::Container { container, .. } => Some(container.clone()),
        _ => None,
    };
    loop {
        let current = receiver.borrow_and_update().clone();
        let Some(current) = current else { break };
        for (container, kind) in containers(&current) {
            if known.contains(&container) || one.as_ref().is_some_and(|one| *one != container) {
                continue;
            }
            known.insert(container.clone());
            let source = reading.add_source(&pod, &container, kind).await;
            let start = Start {
                pod: pod.clone(),
                container,
                source,
                instance: None,
                resume: Resume::default(),
                read_nothing: false,
            };
            tasks.spawn(follow_container(reading.clone(), receiver.clone(), start));
        }
        tokio::select! {
            changed = receiver.changed() => if changed.is_err() { break },
            done = tasks.join_next(), if !tasks.is_empty() => if done.is_none() { break },
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// Grows from [`BACKOFF_FIRST`] to [`BACKOFF_MAX`].
struct Backoff {
    next: Duration,
    attempt: u32,
}

impl Backoff {
    fn new() -> Backoff {
        Backoff {
            next: BACKOFF_FIRST,
            attempt: 0,
        }
    }

    fn reset(&mut self) {
        *self = Backoff::new();
    }

    fn step(&mut self) -> Duration {
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

/// Read one container for as long as its pod exists: every instance, in
/// order, across restarts and broken streams.
async fn follow_container(reading: Reading, mut pod: watch::Receiver<Option<Pod>>, start: Start) {
    let Start {
        pod: pod_name,
        container,
        source,
        instance: mut reading_id,
        mut resume,
        mut read_nothing,
    } = start;
    let mut backoff = Backoff::new();
    let mut caught_up = false;
    let mut shown = Shown::default();
    macro_rules! show {
        ($state:expr) => {{
            let state = $state;
            if shown.changed(&state) {
                reading.state(source, state).await;
            }
        }};
    }
    loop {
        let Some(current) = pod.borrow_and_update().clone() else {
            show!(StreamState::Ended("pod deleted".to_string()));
            return;
        };
        let now = instance(&current, &container);
        match (&now.id, &reading_id) {
            (None, _) => {
                show!(StreamState::Waiting(
                    now.waiting
                        .clone()
                        .unwrap_or_else(|| "waiting to start".to_string())
                ));
                if pod.changed().await.is_err() {
                    return;
                }
            }
            (Some(id), Some(old)) if id != old => {
                // Restarted: the rest of the old instance, then a marker.
                let old = old.clone();
                let matching = now
                    .last
                    .as_ref()
                    .is_some_and(|last| last.id.as_deref() == Some(&old));
                let mut lines = Vec::new();
                if matching {
                    let mut params = params(&reading.request, &container);
                    params.previous = true;
                    params.tail_lines = None;
                    params.since_seconds = None;
                    params.since_time = resume.since_time();
                    let _ = read_all(
                        &reading.api,
                        &pod_name,
                        &params,
                        source,
                        &mut resume.dedup(),
                        &mut resume,
                        &mut lines,
                    )
                    .await;
                }
                reading.lines(lines).await;
                if !matching {
                    let text = format!(
                        "container {container} restarted more than once while its stream was down: \
                         the instances in between were not read"
                    );
                    reading.notice(source, text).await;
                }
                let why = now
                    .last
                    .as_ref()
                    .filter(|_| matching)
                    .map(|last| format!(": {}", last.describe()))
                    .unwrap_or_default();
                reading
                    .lines(vec![IncomingLine {
                        source,
                        time: Some(Timestamp::now()),
                        kind: LineKind::Marker,
                        text: format!("container {container} restarted{why}"),
                        cut: 0,
                    }])
                    .await;
                reading_id = Some(id.clone());
                resume = Resume::default();
                read_nothing = false;
                caught_up = false;
            }
            (Some(id), None) => {
                // The first instance since the view opened, or the next one
                // of a container that was waiting to restart.
                if now.restarts > 0 && !(read_nothing && resume.is_empty()) {
                    let why = now
                        .last
                        .as_ref()
                        .map(|last| format!(": {}", last.describe()))
                        .unwrap_or_default();
                    reading
                        .lines(vec![IncomingLine {
                            source,
                            time: Some(Timestamp::now()),
                            kind: LineKind::Marker,
                            text: format!("container {container} restarted{why}"),
                            cut: 0,
                        }])
                        .await;
                    resume = Resume::default();
                    read_nothing = false;
                }
                reading_id = Some(id.clone());
                caught_up = false;
            }
            (Some(_), Some(_)) if now.running => {
                show!(StreamState::Streaming);
                let mut params = params(&reading.request, &container);
                params.previous = false;
                if !(read_nothing && resume.is_empty()) {
                    params.tail_lines = None;
                    params.since_seconds = None;
                    params.since_time = resume.since_time();
                }
                let outcome = stream_follow(&reading, &pod_name, params, source, &mut resume).await;
                read_nothing = read_nothing && resume.is_empty();
                match outcome {
                    Ok((StreamEnd::Closed, count)) => {
                        if count > 0 {
                            backoff.reset();
                        }
                        // Ended by the server: the container stopped, or the
                        // stream was closed; the pod says which.
                        let wait = backoff.step();
                        tokio::select! {
                            _ = pod.changed() => {}
                            _ = tokio::time::sleep(wait) => {}
                        }
                    }
                    Ok((StreamEnd::Broken(reason), count)) => {
                        if count > 0 {
                            backoff.reset();
                        }
                        let wait = backoff.step();
                        show!(StreamState::Reconnecting {
                            attempt: backoff.attempt,
                            reason,
                        });
                        tokio::time::sleep(wait).await;
                    }
                    Err(kube::Error::Api(status)) if status.code == 403 => {
                        show!(StreamState::Failed(status.message.clone()));
                        return;
                    }
                    Err(kube::Error::Api(status)) if status.code == 404 => {
                        show!(StreamState::Ended("pod deleted".to_string()));
                        return;
                    }
                    Err(error) => {
                        let wait = backoff.step();
                        show!(StreamState::Reconnecting {
                            attempt: backoff.attempt,
                            reason: status_text(&describe_client_error(&error)),
                        });
                        tokio::time::sleep(wait).await;
                    }
                }
            }
            (Some(_), Some(_)) => {
                // The instance ended: read what is left of it once, then
                // wait for the next one (or the pod's end).
                if !caught_up {
                    let mut params = params(&reading.request, &container);
                    params.previous = false;
                    if !(read_nothing && resume.is_empty()) {
                        params.tail_lines = None;
                        params.since_seconds = None;
                        params.since_time = resume.since_time();
                    }
                    let mut lines = Vec::new();
                    let result = read_all(
                        &reading.api,
                        &pod_name,
                        &params,
                        source,
                        &mut resume.dedup(),
                        &mut resume,
                        &mut lines,
                    )
                    .await;
                    reading.lines(lines).await;
                    read_nothing = read_nothing && resume.is_empty();
                    if result.is_ok() {
                        caught_up = true;
                    }
                }
                let why = now
                    .terminated
                    .as_ref()
                    .map(|ended| format!("terminated: {}", ended.describe()))
                    .unwrap_or_else(|| "terminated".to_string());
                show!(StreamState::Ended(why));
                if !caught_up {
                    tokio::select! {
                        _ = pod.changed() => {}
                        _ = tokio::time::sleep(backoff.step()) => {}
                    }
                } else if pod.changed().await.is_err() {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "logs_tests.rs"]
mod tests;
