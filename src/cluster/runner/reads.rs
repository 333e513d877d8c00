//! One-off reads that reply once: the access review of a namespace, a pod's
//! detail and an object's YAML. Each runs in its own slot, so a newer request
//! replaces the one in flight, and sends a single `ClusterEvent`. Never
//! draws, never imports app/, never changes the cluster.

use super::Runner;
use crate::cluster::fetch;
use crate::protocol::{ClusterEvent, ObjectKind, RequestId};

impl Runner {
    /// Ask which rules apply to the user in `namespace`.
    pub(super) fn review_access(&mut self, generation: u64, namespace: String) {
        let client = self.client.clone();
        let sender = self.sender.clone();
        self.spawn("access", async move {
            let result = fetch::access(client, &namespace).await;
            let _ = sender
                .send(ClusterEvent::AccessReviewed { generation, result })
                .await;
        });
    }

    /// Read one pod with what the detail view shows of it.
    pub(super) fn fetch_pod_detail(&mut self, namespace: String, name: String) {
        let client = self.client.clone();
        let sender = self.sender.clone();
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

    /// Read one object as YAML; the reply names `request`.
    pub(super) fn fetch_yaml(
        &mut self,
        request: RequestId,
        kind: ObjectKind,
        namespace: Option<String>,
        name: String,
        show_managed_fields: bool,
    ) {
        let client = self.client.clone();
        let sender = self.sender.clone();
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
}
