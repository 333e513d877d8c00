//! Runs the state machine's effects: starts and replaces watch tasks, polls
//! metrics, fetches details and YAML, each on its own task that reports back
//! over the bounded channel. Owns no UI state.

use std::collections::HashMap;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, StatefulSet};
use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Namespace, Node};
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};
use kube::{Client, Resource};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::fetch;
use super::slim::SlimPod;
use super::watch::{self, describe, forbidden_message};
use crate::model::listing::{NamespaceRow, NodeRow, WorkloadKind, WorkloadRow};
use crate::model::rows::PodRow;
use crate::model::safe_text::SafeText;
use crate::protocol::{ClusterEvent, Effect, WatchUpdate};

/// How often pod metrics are read (the metrics server scrapes every 15 s).
pub const METRICS_EVERY: Duration = Duration::from_secs(15);
/// The first metrics read waits this long after a (re)start.
pub const METRICS_FIRST_DELAY: Duration = Duration::from_secs(2);
/// Pods per list page while the pods watcher (re)lists.
pub const POD_PAGE: u32 = 2000;
/// How soon to ask again when the metrics API had nothing to say.
pub const METRICS_RETRY: Duration = Duration::from_secs(5);

pub struct Runner {
    client: Client,
    sender: mpsc::Sender<ClusterEvent>,
    tasks: HashMap<&'static str, JoinHandle<()>>,
    /// Narrows the metrics poll to the namespaces on screen.
    metrics_scope: Option<tokio::sync::watch::Sender<Option<Vec<String>>>>,
    /// Where saved logs go.
    save_directory: std::path::PathBuf,
    /// Every change to the cluster goes through it.
    gate: super::gate::MutationGate,
    /// Where recently used debug images are kept.
    recent_images: Option<std::path::PathBuf>,
}

/// Write `text` to a new file `name` in `directory` (created if needed),
/// readable by the user only. Returns the path.
pub fn save_private(directory: &std::path::Path, name: &str, text: &str) -> Result<String, String> {
    use std::io::Write;
    let fail =
        |error: std::io::Error, what: &std::path::Path| format!("{}: {error}", what.display());
    std::fs::create_dir_all(directory).map_err(|e| fail(e, directory))?;
    let path = directory.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path).map_err(|e| fail(e, &path))?;
    file.write_all(text.as_bytes())
        .map_err(|e| fail(e, &path))?;
    file.sync_all().map_err(|e| fail(e, &path))?;
    Ok(path.display().to_string())
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

fn pod_row(pod: &SlimPod) -> PodRow {
    PodRow::from_pod(&pod.to_pod())
}

fn uid<K: Resource>(object: &K) -> String {
    object.meta().uid.clone().unwrap_or_default()
}

fn name<K: Resource>(object: &K) -> String {
    object.meta().name.clone().unwrap_or_default()
}

impl Runner {
    pub fn new(client: Client, sender: mpsc::Sender<ClusterEvent>) -> Runner {
        let gate = super::gate::MutationGate::new(client.clone(), Default::default());
        Runner {
            client,
            sender,
            tasks: HashMap::new(),
            metrics_scope: None,
            save_directory: std::env::temp_dir().join("ktriage-logs"),
            gate,
            recent_images: None,
        }
    }

    /// Where saved logs go (the program's state directory).
    pub fn set_save_directory(&mut self, directory: std::path::PathBuf) {
        self.save_directory = directory;
    }

    /// Allow changes (unless read-only) and say where they are recorded.
    pub fn set_mutations(
        &mut self,
        settings: super::gate::GateSettings,
        recent_images: Option<std::path::PathBuf>,
    ) {
        self.gate = super::gate::MutationGate::new(self.client.clone(), settings);
        self.recent_images = recent_images;
    }

    /// The door for attach and exec sessions, which the application loop runs.
    pub fn gate(&self) -> &super::gate::MutationGate {
        &self.gate
    }

    /// The client of the current context.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A new context: stop everything and talk to the new API server.
    pub fn replace_client(&mut self, client: Client) {
        for (_, task) in self.tasks.drain() {
            task.abort();
        }
        self.gate.replace_client(client.clone());
        self.client = client;
    }

    fn spawn(
        &mut self,
        slot: &'static str,
        task: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        if let Some(previous) = self.tasks.insert(slot, tokio::spawn(task)) {
            previous.abort();
        }
    }

    /// Carry out one effect. `SwitchContext` and `Quit` are the caller's.
    pub fn run(&mut self, effect: Effect) {
        let client = self.client.clone();
        let sender = self.sender.clone();
        match effect {
            Effect::WatchPods {
                generation,
                namespace,
                label_selector,
                node,
            } => {
                // Large pages: fewer round trips for big clusters.
                let mut config = watcher::Config::default().page_size(POD_PAGE);
                if let Some(selector) = label_selector.filter(|s| !s.is_empty()) {
                    config = config.labels(&selector);
                }
                if let Some(node) = node {
                    config = config.fields(&format!("spec.nodeName={node}"));
                }
                let api: Api<SlimPod> = api(&client, namespace.as_deref());
                self.spawn(
                    "pods",
                    watch::run(
                        api,
                        config,
                        pod_row,
                        uid,
                        |generation, update| ClusterEvent::Pods { generation, update },
                        generation,
                        sender,
                    ),
                );
            }
            Effect::WatchNamespaces { generation } => {
                let api: Api<Namespace> = Api::all(client);
                self.spawn(
                    "namespaces",
                    watch::run(
                        api,
                        watcher::Config::default(),
                        NamespaceRow::from_namespace,
                        name,
                        |generation, update| ClusterEvent::Namespaces { generation, update },
                        generation,
                        sender,
                    ),
                );
            }
            Effect::WatchNodes { generation } => {
                let api: Api<Node> = Api::all(client);
                self.spawn(
                    "nodes",
                    watch::run(
                        api,
                        watcher::Config::default(),
                        NodeRow::from_node,
                        name,
                        |generation, update| ClusterEvent::Nodes { generation, update },
                        generation,
                        sender,
                    ),
                );
            }
            Effect::WatchWorkloads {
                generation,
                namespace,
            } => {
                self.spawn(
                    "workloads",
                    workloads(client, namespace, generation, sender),
                );
            }
            Effect::ReviewAccess {
                generation,
                namespace,
            } => {
                self.spawn("access", async move {
                    let result = fetch::access(client, &namespace).await;
                    let _ = sender
                        .send(ClusterEvent::AccessReviewed { generation, result })
                        .await;
                });
            }
            Effect::PollMetrics {
                generation,
                namespace,
            } => {
                let (scope_sender, mut scope) = tokio::sync::watch::channel(None::<Vec<String>>);
                self.metrics_scope = Some(scope_sender);
                self.spawn("metrics", async move {
                    // Let the first pods list have the machine to itself.
                    tokio::time::sleep(METRICS_FIRST_DELAY).await;
                    loop {
                        let namespaces = scope.borrow_and_update().clone();
                        let result = match namespaces {
                            // A large cluster across namespaces: only the namespaces on screen.
                            Some(namespaces) => {
                                let mut usage = Vec::new();
                                let mut failure = None;
                                for namespace in &namespaces {
                                    match fetch::pod_metrics(client.clone(), Some(namespace)).await
                                    {
                                        Ok(found) => usage.extend(found),
                                        Err(error) => failure = Some(error),
                                    }
                                }
                                match failure {
                                    Some(error) if usage.is_empty() => Err(error),
                                    _ => Ok(usage),
                                }
                            }
                            None => fetch::pod_metrics(client.clone(), namespace.as_deref()).await,
                        };
                        // Right after start the metrics server has nothing yet: ask again soon.
                        let again = if result.as_ref().is_ok_and(|usage| !usage.is_empty()) {
                            METRICS_EVERY
                        } else {
                            METRICS_RETRY
                        };
                        if sender
                            .send(ClusterEvent::Metrics { generation, result })
                            .await
                            .is_err()
                        {
                            return;
                        }
                        tokio::select! {
                            _ = tokio::time::sleep(again) => {}
                            changed = scope.changed() => if changed.is_err() { return },
                        }
                    }
                });
            }
            Effect::MetricsScope { namespaces } => {
                if let Some(scope) = &self.metrics_scope {
                    let _ = scope.send(namespaces);
                }
            }
            Effect::FetchPodDetail { namespace, name } => {
                self.spawn("detail", async move {
                    let result = fetch::pod_detail(client, &namespace, &name)
                        .await
                        .map(Box::new);
                    let _ = sender
                        .send(ClusterEvent::PodDetailLoaded {
                            namespace,
                            name,
                            result,
                        })
                        .await;
                });
            }
            Effect::FetchYaml {
                request,
                kind,
                namespace,
                name,
                show_managed_fields,
            } => {
                self.spawn("yaml", async move {
                    let result = fetch::yaml(
                        client,
                        kind,
                        namespace.as_deref(),
                        &name,
                        show_managed_fields,
                    )
                    .await;
                    let _ = sender
                        .send(ClusterEvent::YamlLoaded { request, result })
                        .await;
                });
            }
            Effect::ReadLogs(request) => {
                self.spawn("logs", super::logs::read(client, request, sender));
            }
            Effect::StopLogs => {
                if let Some(task) = self.tasks.remove("logs") {
                    task.abort();
                }
            }
            Effect::SaveLogs { name, text, lines } => {
                let directory = self.save_directory.clone();
                tokio::spawn(async move {
                    let result = tokio::task::spawn_blocking(move || {
                        save_private(&directory, &name, &text).map(|path| (path, lines))
                    })
                    .await
                    .unwrap_or_else(|error| Err(error.to_string()));
                    let _ = sender.send(ClusterEvent::LogsSaved { result }).await;
                });
            }
            Effect::Debug(crate::protocol::debug::DebugEffect::CancelWatch) => {
                if let Some(task) = self.tasks.remove(super::debug::WATCH_SLOT) {
                    task.abort();
                }
            }
            Effect::Debug(effect) => {
                let recent = self.recent_images.clone();
                if let Some((slot, task)) =
                    super::debug::task(effect, self.gate.clone(), client, sender, recent)
                {
                    self.spawn(slot, task);
                }
            }
            Effect::SwitchContext { .. } | Effect::Quit => {}
        }
    }
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

/// Deployments, statefulsets, daemonsets and jobs as one list: each kind
/// relists on its own, so the task keeps a mirror to send whole resets.
async fn workloads(
    client: Client,
    namespace: Option<String>,
    generation: u64,
    sender: mpsc::Sender<ClusterEvent>,
) {
    let namespace = namespace.as_deref();
    let streams = futures::stream::select_all([
        stream_of(
            api::<Deployment>(&client, namespace),
            WorkloadKind::Deployment,
            WorkloadRow::from_deployment,
        )
        .boxed(),
        stream_of(
            api::<StatefulSet>(&client, namespace),
            WorkloadKind::StatefulSet,
            WorkloadRow::from_stateful_set,
        )
        .boxed(),
        stream_of(
            api::<DaemonSet>(&client, namespace),
            WorkloadKind::DaemonSet,
            WorkloadRow::from_daemon_set,
        )
        .boxed(),
        stream_of(
            api::<Job>(&client, namespace),
            WorkloadKind::Job,
            WorkloadRow::from_job,
        )
        .boxed(),
    ]);
    let mut streams = std::pin::pin!(streams);
    let mut mirror: HashMap<WorkloadKind, Vec<WorkloadRow>> = HashMap::new();
    let mut buffers: HashMap<WorkloadKind, Vec<WorkloadRow>> = HashMap::new();
    let mut forbidden: HashMap<WorkloadKind, String> = HashMap::new();
    while let Some(item) = streams.next().await {
        let update = match item {
            WorkloadItem::Init(kind) => {
                buffers.insert(kind, Vec::new());
                continue;
            }
            WorkloadItem::Row(kind, row, true) => {
                buffers.entry(kind).or_default().push(row);
                continue;
            }
            WorkloadItem::Done(kind) => {
                mirror.insert(kind, buffers.remove(&kind).unwrap_or_default());
                WatchUpdate::Reset(mirror.values().flatten().cloned().collect())
            }
            WorkloadItem::Row(kind, row, false) => {
                let rows = mirror.entry(kind).or_default();
                rows.retain(|r| r.uid != row.uid);
                rows.push(row.clone());
                WatchUpdate::Applied(row)
            }
            WorkloadItem::Deleted(key) => {
                for rows in mirror.values_mut() {
                    rows.retain(|r| r.uid != key);
                }
                WatchUpdate::Deleted(key)
            }
            WorkloadItem::Error(kind, error) => match forbidden_message(&error) {
                Some(message) => {
                    forbidden.insert(kind, message.clone());
                    if forbidden.len() < 4 {
                        // Some kinds may be listed: show what can be.
                        mirror.entry(kind).or_default();
                        continue;
                    }
                    let _ = sender
                        .send(ClusterEvent::Workloads {
                            generation,
                            update: WatchUpdate::Forbidden(SafeText::from_untrusted(&message)),
                        })
                        .await;
                    return;
                }
                None => WatchUpdate::Reconnecting(SafeText::from_untrusted(&describe(&error))),
            },
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
