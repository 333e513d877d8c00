//! Runs the state machine's effects: starts and replaces the tasks that carry
//! them out, each in its own slot, and hands every effect to the room that
//! owns it: watches, metrics, one-off reads and files on disk; logs and debug
//! effects go to `cluster::logs` and `cluster::debug`. Every task reports back
//! over the bounded channel. Owns no UI state, never draws, never imports
//! app/.

mod files;
mod history;
mod metrics;
mod reads;
mod watches;

use std::collections::HashMap;
use std::path::PathBuf;

use kube::Client;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::gate::{GateSettings, MutationGate};
use crate::protocol::debug::DebugEffect;
use crate::protocol::logs::LogRequest;
use crate::protocol::{ClusterEvent, Effect};

pub use files::save_private;
pub use metrics::{METRICS_EVERY, METRICS_FIRST_DELAY, METRICS_RETRY};
pub use watches::POD_PAGE;

/// The slot of the task that reads logs.
const LOGS_SLOT: &str = "logs";

pub struct Runner {
    client: Client,
    sender: mpsc::Sender<ClusterEvent>,
    tasks: HashMap<&'static str, JoinHandle<()>>,
    /// Narrows the metrics poll to the namespaces on screen.
    metrics_scope: Option<metrics::ScopeSender>,
    /// Where saved logs go.
    save_directory: PathBuf,
    /// Every change to the cluster goes through it.
    gate: MutationGate,
    /// Where recently used debug images are kept.
    recent_images: Option<PathBuf>,
    /// The restart history's recorder, when the store could be opened.
    history: Option<std::sync::Arc<crate::history::Recorder>>,
    /// The cluster the client reaches, as the history names it.
    cluster: String,
}

/// The program's tasks end with the runner: a watch left running would go
/// on recording and reading after the loop is gone.
impl Drop for Runner {
    fn drop(&mut self) {
        for task in self.tasks.values() {
            task.abort();
        }
    }
}

impl Runner {
    pub fn new(client: Client, sender: mpsc::Sender<ClusterEvent>) -> Runner {
        let gate = MutationGate::new(client.clone(), Default::default());
        Runner {
            client,
            sender,
            tasks: HashMap::new(),
            metrics_scope: None,
            save_directory: std::env::temp_dir().join("ktriage-logs"),
            gate,
            recent_images: None,
            history: None,
            cluster: String::new(),
        }
    }

    /// Record restarts of the cluster `cluster` in `recorder`, and read the
    /// restart history from it.
    pub fn set_history(
        &mut self,
        recorder: std::sync::Arc<crate::history::Recorder>,
        cluster: String,
    ) {
        self.history = Some(recorder);
        self.cluster = cluster;
    }

    /// Where saved logs go (the program's state directory).
    pub fn set_save_directory(&mut self, directory: PathBuf) {
        self.save_directory = directory;
    }

    /// Allow changes (unless read-only) and say where they are recorded.
    pub fn set_mutations(&mut self, settings: GateSettings, recent_images: Option<PathBuf>) {
        self.gate = MutationGate::new(self.client.clone(), settings);
        self.recent_images = recent_images;
    }

    /// Send a report as the runner's tasks do (dropped if the loop is gone
    /// or the channel is full).
    pub fn report(&self, event: ClusterEvent) -> bool {
        self.sender.try_send(event).is_ok()
    }

    /// The door for attach and exec sessions, which the application loop runs.
    pub fn gate(&self) -> &MutationGate {
        &self.gate
    }

    /// The client of the current context.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A new context: stop everything and talk to the new API server.
    pub fn replace_client(&mut self, client: Client, cluster: String) {
        for (_, task) in self.tasks.drain() {
            task.abort();
        }
        self.cluster = cluster;
        self.gate.replace_client(client.clone());
        self.client = client;
    }

    /// Run `task` in `slot`, stopping the task that held it before.
    fn spawn(
        &mut self,
        slot: &'static str,
        task: impl std::future::Future<Output = ()> + Send + 'static,
    ) {
        if let Some(previous) = self.tasks.insert(slot, tokio::spawn(task)) {
            previous.abort();
        }
    }

    /// Stop the task in `slot`, if one runs there.
    fn stop(&mut self, slot: &str) {
        if let Some(task) = self.tasks.remove(slot) {
            task.abort();
        }
    }

    /// Carry out one effect. `SwitchContext` and `Quit` are the caller's.
    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::WatchPods {
                generation,
                namespace,
                label_selector,
                node,
            } => self.watch_pods(generation, namespace, label_selector, node),
            Effect::WatchNamespaces { generation } => self.watch_namespaces(generation),
            Effect::WatchNodes { generation } => self.watch_nodes(generation),
            Effect::WatchWorkloads {
                generation,
                namespace,
            } => self.watch_workloads(generation, namespace),
            Effect::ReviewAccess {
                generation,
                namespace,
            } => self.review_access(generation, namespace),
            Effect::PollMetrics {
                generation,
                namespace,
            } => self.poll_metrics(generation, namespace),
            Effect::MetricsScope { namespaces } => self.narrow_metrics(namespaces),
            Effect::FetchPodDetail { namespace, name } => self.fetch_pod_detail(namespace, name),
            Effect::FetchYaml {
                request,
                kind,
                namespace,
                name,
                show_managed_fields,
            } => self.fetch_yaml(request, kind, namespace, name, show_managed_fields),
            Effect::ReadLogs(request) => self.read_logs(request),
            Effect::StopLogs => self.stop(LOGS_SLOT),
            Effect::SaveLogs { name, text, lines } => self.save_logs(name, text, lines),
            Effect::Debug(DebugEffect::CancelWatch) => self.stop(super::debug::WATCH_SLOT),
            Effect::Debug(effect) => self.debug(effect),
            Effect::History(effect) => self.history(effect),
            Effect::SwitchContext { .. } | Effect::Quit => {}
        }
    }

    /// Read logs in their slot, replacing any reading in progress.
    fn read_logs(&mut self, request: LogRequest) {
        let task = super::logs::read(self.client.clone(), request, self.sender.clone());
        self.spawn(LOGS_SLOT, task);
    }

    /// Start the debug task the effect asks for, in the slot it names.
    fn debug(&mut self, effect: DebugEffect) {
        let client = self.client.clone();
        let sender = self.sender.clone();
        let recent = self.recent_images.clone();
        if let Some((slot, task)) =
            super::debug::task(effect, self.gate.clone(), client, sender, recent)
        {
            self.spawn(slot, task);
        }
    }
}
