//! The metrics poll: reads pod usage from the metrics API every
//! `METRICS_EVERY` (sooner while the server has nothing yet), across the
//! watched scope or only the namespaces on screen, which the scope channel
//! narrows without restarting the poll. Reports `ClusterEvent::Metrics` and
//! nothing else. Never draws, never imports app/, never changes the cluster.

use std::time::Duration;

use kube::Client;
use tokio::sync::{mpsc, watch};

use super::Runner;
use crate::cluster::fetch;
use crate::model::rows::Usage;
use crate::model::safe_text::SafeText;
use crate::protocol::ClusterEvent;

/// How often pod metrics are read (the metrics server scrapes every 15 s).
pub const METRICS_EVERY: Duration = Duration::from_secs(15);
/// The first metrics read waits this long after a (re)start.
pub const METRICS_FIRST_DELAY: Duration = Duration::from_secs(2);
/// How soon to ask again when the metrics API had nothing to say.
pub const METRICS_RETRY: Duration = Duration::from_secs(5);

/// The namespaces to read metrics for (`None`: the whole scope).
type Scope = Option<Vec<String>>;
/// The runner's end of the scope channel.
pub(super) type ScopeSender = watch::Sender<Scope>;
/// One read of the metrics API: (namespace, pod, usage) per pod.
type Reading = Result<Vec<(String, String, Usage)>, SafeText>;

impl Runner {
    /// Start polling metrics for `namespace` (`None`: all), replacing the
    /// poll before it; the new poll reads the whole scope until narrowed.
    pub(super) fn poll_metrics(&mut self, generation: u64, namespace: Option<String>) {
        let (scope_sender, scope) = watch::channel(None::<Vec<String>>);
        self.metrics_scope = Some(scope_sender);
        let task = poll(
            self.client.clone(),
            namespace,
            generation,
            scope,
            self.sender.clone(),
        );
        self.spawn("metrics", task);
    }

    /// Read metrics only for these namespaces (`None`: the whole scope).
    pub(super) fn narrow_metrics(&mut self, namespaces: Scope) {
        if let Some(scope) = &self.metrics_scope {
            let _ = scope.send(namespaces);
        }
    }
}

/// Read, report, wait; until the receiver or the scope channel is gone.
async fn poll(
    client: Client,
    namespace: Option<String>,
    generation: u64,
    mut scope: watch::Receiver<Scope>,
    sender: mpsc::Sender<ClusterEvent>,
) {
    // Let the first pods list have the machine to itself.
    tokio::time::sleep(METRICS_FIRST_DELAY).await;
    loop {
        let namespaces = scope.borrow_and_update().clone();
        let result = read(&client, namespace.as_deref(), namespaces).await;
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
}

/// One reading: of `namespaces` when narrowed, else of `namespace`.
async fn read(client: &Client, namespace: Option<&str>, namespaces: Scope) -> Reading {
    match namespaces {
        // A large cluster across namespaces: only the namespaces on screen.
        Some(namespaces) => read_each(client, &namespaces).await,
        None => fetch::pod_metrics(client.clone(), namespace).await,
    }
}

/// Read each namespace in turn: the last error only when a read failed and
/// none found any usage.
async fn read_each(client: &Client, namespaces: &[String]) -> Reading {
    let mut usage = Vec::new();
    let mut failure = None;
    for namespace in namespaces {
        match fetch::pod_metrics(client.clone(), Some(namespace)).await {
            Ok(found) => usage.extend(found),
            Err(error) => failure = Some(error),
        }
    }
    match failure {
        Some(error) if usage.is_empty() => Err(error),
        _ => Ok(usage),
    }
}
