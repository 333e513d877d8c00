//! The list watches: pods, namespaces, nodes, and the workloads (deployments,
//! statefulsets, daemonsets and jobs merged into one list). Each runs in its
//! own slot, replacing the watch before it, and sends the rows it sees as
//! `ClusterEvent`s. Never draws, never imports app/, never changes the
//! cluster.

use std::collections::HashMap;

use futures::StreamExt;
use futures::stream::{BoxStream, SelectAll};
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Event, Namespace, Node};
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource};
use tokio::sync::mpsc;

use super::Runner;
use crate::cluster::recording::PodRecording;
use crate::cluster::slim::SlimPod;
use crate::cluster::watch::{self, describe, forbidden_message};
use crate::model::listing::{NamespaceRow, NodeRow, WorkloadKind, WorkloadRow};
use crate::model::restart::PodEventRecord;
use crate::model::rows::PodRow;
use crate::model::safe_text::SafeText;
use crate::protocol::{ClusterEvent, WatchUpdate};

/// Keep the events about pods (back-offs, probe failures, kills, OOM kills,
/// evictions, scheduling failures) with the restart history, for as long
/// as the watch is allowed; the API forgets them after an hour.
async fn record_pod_events(
    api: Api<Event>,
    recorder: std::sync::Arc<crate::history::Recorder>,
    cluster: String,
) {
    let config = watcher::Config::default().fields("involvedObject.kind=Pod");
    let stream = watcher(api, config).default_backoff();
    let mut stream = std::pin::pin!(stream);
    while let Some(item) = stream.next().await {
        let event = match item {
            Ok(watcher::Event::Apply(event) | watcher::Event::InitApply(event)) => event,
            Ok(_) => continue,
            Err(error) => {
                if forbidden_message(&error).is_some() {
                    tracing::info!("events cannot be watched: restarts are kept without them");
                    return;
                }
                continue;
            }
        };
        if let Some(record) = PodEventRecord::from_event(&event, &cluster)
            && let Err(error) = recorder.record_events(vec![record])
        {
            tracing::warn!(%error, "an event was not kept");
        }
    }
}

/// Pods per list page while the pods watcher (re)lists.
pub const POD_PAGE: u32 = 2000;

impl Runner {
    /// Watch pods (replacing any previous pod watch), narrowed by namespace,
    /// label selector and node when given.
    pub(super) fn watch_pods(
        &mut self,
        generation: u64,
        namespace: Option<String>,
        label_selector: Option<String>,
        node: Option<String>,
    ) {
        // Large pages: fewer round trips for big clusters.
        let mut config = watcher::Config::default().page_size(POD_PAGE);
        if let Some(selector) = label_selector.filter(|s| !s.is_empty()) {
            config = config.labels(&selector);
        }
        if let Some(node) = node {
            config = config.fields(&format!("spec.nodeName={node}"));
        }
        let pods: Api<SlimPod> = api(&self.client, namespace.as_deref());
        // Every pod the watch sees is recorded in the restart history.
        let mut recording = self
            .history
            .clone()
            .map(|recorder| PodRecording::new(recorder, self.cluster.clone(), self.client.clone()));
        let project = move |slim: &SlimPod| {
            let pod = slim.to_pod();
            if let Some(recording) = recording.as_mut() {
                recording.saw(&pod);
            }
            PodRow::from_pod(&pod)
        };
        let task = watch::run(
            pods,
            config,
            project,
            uid,
            |generation, update| ClusterEvent::Pods { generation, update },
            generation,
            self.sender.clone(),
        );
        self.spawn("pods", task);
        if let Some(recorder) = self.history.clone() {
            let events: Api<Event> = api(&self.client, namespace.as_deref());
            let cluster = self.cluster.clone();
            self.spawn("pod-events", record_pod_events(events, recorder, cluster));
        }
    }

    pub(super) fn watch_namespaces(&mut self, generation: u64) {
        let api: Api<Namespace> = Api::all(self.client.clone());
        let task = watch::run(
            api,
            watcher::Config::default(),
            NamespaceRow::from_namespace,
            name,
            |generation, update| ClusterEvent::Namespaces { generation, update },
            generation,
            self.sender.clone(),
        );
        self.spawn("namespaces", task);
    }

    pub(super) fn watch_nodes(&mut self, generation: u64) {
        let api: Api<Node> = Api::all(self.client.clone());
        let task = watch::run(
            api,
            watcher::Config::default(),
            NodeRow::from_node,
            name,
            |generation, update| ClusterEvent::Nodes { generation, update },
            generation,
            self.sender.clone(),
        );
        self.spawn("nodes", task);
    }

    pub(super) fn watch_workloads(&mut self, generation: u64, namespace: Option<String>) {
        let task = workloads(
            self.client.clone(),
            namespace,
            generation,
            self.sender.clone(),
        );
        self.spawn("workloads", task);
    }
}

fn api<K>(client: &Client, namespace: Option<&str>) -> Api<K>
where
    K: Resource<Scope = k8s_openapi::NamespaceResourceScope>,
    <K as Resource>::DynamicType: Default,
{
    match namespace {
        Some(namespace) => Api::namespaced(client.clone(), namespace),
        None => Api::all(client.clone()),
    }
}

fn uid<K: Resource>(object: &K) -> String {
    object.meta().uid.clone().unwrap_or_default()
}

fn name<K: Resource>(object: &K) -> String {
    object.meta().name.clone().unwrap_or_default()
}

/// One item of any of the four workload watchers.
enum WorkloadItem {
    Init(WorkloadKind),
    Row(WorkloadKind, WorkloadRow, bool),
    Done(WorkloadKind),
    Deleted(String),
    Error(WorkloadKind, watcher::Error),
}

fn stream_of<K>(
    api: Api<K>,
    kind: WorkloadKind,
    project: fn(&K) -> WorkloadRow,
) -> impl futures::Stream<Item = WorkloadItem> + Send
where
    K: Resource + Clone + serde::de::DeserializeOwned + std::fmt::Debug + Send + 'static,
{
    watcher(api, watcher::Config::default())
        .default_backoff()
        .map(move |item| match item {
            Ok(watcher::Event::Init) => WorkloadItem::Init(kind),
            Ok(watcher::Event::InitApply(object)) => {
                WorkloadItem::Row(kind, project(&object), true)
            }
            Ok(watcher::Event::InitDone) => WorkloadItem::Done(kind),
            Ok(watcher::Event::Apply(object)) => WorkloadItem::Row(kind, project(&object), false),
            Ok(watcher::Event::Delete(object)) => WorkloadItem::Deleted(uid(&object)),
            Err(error) => WorkloadItem::Error(kind, error),
        })
}

/// The four workload watchers as one stream.
fn workload_streams(
    client: &Client,
    namespace: Option<&str>,
) -> SelectAll<BoxStream<'static, WorkloadItem>> {
    futures::stream::select_all([
        stream_of(
            api::<Deployment>(client, namespace),
            WorkloadKind::Deployment,
            WorkloadRow::from_deployment,
        )
        .boxed(),
        stream_of(
            api::<StatefulSet>(client, namespace),
            WorkloadKind::StatefulSet,
            WorkloadRow::from_stateful_set,
        )
        .boxed(),
        stream_of(
            api::<DaemonSet>(client, namespace),
            WorkloadKind::DaemonSet,
            WorkloadRow::from_daemon_set,
        )
        .boxed(),
        stream_of(
            api::<Job>(client, namespace),
            WorkloadKind::Job,
            WorkloadRow::from_job,
        )
        .boxed(),
    ])
}

/// What the workloads task does with one item.
enum Step {
    /// Nothing to send yet.
    Wait,
    /// Send this update and go on.
    Send(WatchUpdate<WorkloadRow>),
    /// Send this update and stop.
    Last(WatchUpdate<WorkloadRow>),
}

/// What the workloads task has seen, kind by kind.
#[derive(Default)]
struct Mirror {
    /// The rows of each kind as last listed and changed since.
    rows: HashMap<WorkloadKind, Vec<WorkloadRow>>,
    /// Rows of a kind that is relisting, until its list is done.
    buffers: HashMap<WorkloadKind, Vec<WorkloadRow>>,
    /// The kinds the user may not list, with the server's message.
    forbidden: HashMap<WorkloadKind, String>,
}

impl Mirror {
    fn take(&mut self, item: WorkloadItem) -> Step {
        match item {
            WorkloadItem::Init(kind) => {
                self.buffers.insert(kind, Vec::new());
                Step::Wait
            }
            WorkloadItem::Row(kind, row, true) => {
                self.buffers.entry(kind).or_default().push(row);
                Step::Wait
            }
            WorkloadItem::Done(kind) => {
                let listed = self.buffers.remove(&kind).unwrap_or_default();
                self.rows.insert(kind, listed);
                Step::Send(WatchUpdate::Reset(
                    self.rows.values().flatten().cloned().collect(),
                ))
            }
            WorkloadItem::Row(kind, row, false) => {
                let rows = self.rows.entry(kind).or_default();
                rows.retain(|r| r.uid != row.uid);
                rows.push(row.clone());
                Step::Send(WatchUpdate::Applied(row))
            }
            WorkloadItem::Deleted(key) => {
                for rows in self.rows.values_mut() {
                    rows.retain(|r| r.uid != key);
                }
                Step::Send(WatchUpdate::Deleted(key))
            }
            WorkloadItem::Error(kind, error) => self.failed(kind, &error),
        }
    }

    /// A watcher failed: forbidden kinds are left out until all four are.
    fn failed(&mut self, kind: WorkloadKind, error: &watcher::Error) -> Step {
        let Some(message) = forbidden_message(error) else {
            return Step::Send(WatchUpdate::Reconnecting(SafeText::from_untrusted(
                &describe(error),
            )));
        };
        self.forbidden.insert(kind, message.clone());
        if self.forbidden.len() < 4 {
            // Some kinds may be listed: show what can be.
            self.rows.entry(kind).or_default();
            return Step::Wait;
        }
        Step::Last(WatchUpdate::Forbidden(SafeText::from_untrusted(&message)))
    }
}

/// Deployments, statefulsets, daemonsets and jobs as one list: each kind
/// relists on its own, so the task keeps a mirror to send whole resets.
async fn workloads(
    client: Client,
    namespace: Option<String>,
    generation: u64,
    sender: mpsc::Sender<ClusterEvent>,
) {
    let mut streams = workload_streams(&client, namespace.as_deref());
    let mut mirror = Mirror::default();
    while let Some(item) = streams.next().await {
        let update = match mirror.take(item) {
            Step::Wait => continue,
            Step::Send(update) => update,
            Step::Last(update) => {
                let _ = sender
                    .send(ClusterEvent::Workloads { generation, update })
                    .await;
                return;
            }
        };
        if sender
            .send(ClusterEvent::Workloads { generation, update })
            .await
            .is_err()
        {
            return;
        }
    }
}
