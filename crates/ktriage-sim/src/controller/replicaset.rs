//! The ReplicaSet controller: as many active pods as `spec.replicas` says,
//! created from the set's template (`<set>-<5 chars>`, labelled and owned
//! by the set) or deleted, unready and restarting ones first; and the set's
//! `status` counted from its pods (`replicas`, `readyReplicas`,
//! `availableReplicas` with `minReadySeconds` 0).
//!
//! It decides nothing about revisions (the Deployment controller scales it)
//! and writes no pod status.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use serde_json::{Value, json};

use super::Context;
use crate::kubelet::events::Involved;
use crate::objects::{self, Owner};
use crate::resources::{PODS, REPLICASETS};
use crate::scenario::PodTemplate;
use crate::store::{ObjectKey, now_rfc3339};

pub const COMPONENT: &str = "replicaset-controller";

/// What the status counts, as last written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SetCounts {
    pub replicas: u32,
    pub ready: u32,
    pub available: u32,
}

/// One ReplicaSet under control.
#[derive(Debug)]
pub struct ReplicaSetState {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    /// The Deployment that owns it.
    pub deployment: ObjectKey,
    /// Its selector and its pods' labels (`pod-template-hash` included).
    pub labels: BTreeMap<String, String>,
    pub template: PodTemplate,
    pub revision: u64,
    /// `spec.replicas`.
    pub replicas: u32,
    pub generation: u64,
    /// Its pods that still exist, oldest first.
    pub pods: Vec<String>,
    pub status: SetCounts,
    written: Option<Value>,
    serial: u64,
}

/// What a pod shows the controller.
#[derive(Debug)]
struct PodView {
    name: String,
    ready: bool,
    scheduled: bool,
    restarts: u64,
}

fn view(name: &str, pod: &Value) -> Option<PodView> {
    let terminating = !pod["metadata"]["deletionTimestamp"].is_null();
    let phase = pod["status"]["phase"].as_str().unwrap_or("Pending");
    if terminating || phase == "Succeeded" || phase == "Failed" {
        return None;
    }
    let conditions = pod["status"]["conditions"].as_array();
    let condition = |kind: &str| {
        conditions
            .into_iter()
            .flatten()
            .any(|c| c["type"] == kind && c["status"] == "True")
    };
    let restarts = pod["status"]["containerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["restartCount"].as_u64())
        .sum();
    Some(PodView {
        name: name.to_string(),
        ready: condition("Ready"),
        scheduled: !pod["spec"]["nodeName"].is_null() && condition("PodScheduled"),
        restarts,
    })
}

impl ReplicaSetState {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        namespace: &str,
        name: &str,
        uid: &str,
        deployment: ObjectKey,
        labels: BTreeMap<String, String>,
        template: PodTemplate,
        revision: u64,
        replicas: u32,
        pods: Vec<String>,
    ) -> ReplicaSetState {
        let serial = pods.len() as u64;
        ReplicaSetState {
            namespace: namespace.to_string(),
            name: name.to_string(),
            uid: uid.to_string(),
            deployment,
            labels,
            template,
            revision,
            replicas,
            generation: 1,
            status: SetCounts {
                replicas: pods.len() as u32,
                ..SetCounts::default()
            },
            pods,
            written: None,
            serial,
        }
    }

    pub fn key(&self) -> ObjectKey {
        (self.namespace.clone(), self.name.clone())
    }

    pub fn involved(&self) -> Involved {
        Involved {
            kind: "ReplicaSet",
            api_version: "apps/v1",
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            uid: self.uid.clone(),
            field_path: None,
        }
    }

    fn owner(&self) -> Owner {
        Owner {
            api_version: "apps/v1",
            kind: "ReplicaSet",
            name: self.name.clone(),
            uid: self.uid.clone(),
        }
    }

    /// One sync: count the pods, create or delete to match `spec.replicas`,
    /// write the status. Returns whether the status changed.
    pub(crate) fn sync(
        &mut self,
        context: &mut Context<'_>,
        owners: &mut HashMap<ObjectKey, ObjectKey>,
    ) -> bool {
        let namespace = self.namespace.clone();
        let mut active = Vec::new();
        let mut gone = Vec::new();
        for name in &self.pods {
            match context.store.get(&PODS, &namespace, name) {
                None => gone.push(name.clone()),
                Some(object) => {
                    if let Some(pod) = object.value().ok().and_then(|pod| view(name, &pod)) {
                        active.push(pod);
                    }
                }
            }
        }
        for name in &gone {
            owners.remove(&(namespace.clone(), name.clone()));
        }
        self.pods.retain(|name| !gone.contains(name));
        // The status counts the pods as this sync found them.
        let ready = active.iter().filter(|pod| pod.ready).count() as u32;
        let counts = SetCounts {
            replicas: active.len() as u32,
            ready,
            available: ready,
        };
        let wanted = self.replicas as usize;
        if active.len() < wanted {
            for _ in active.len()..wanted {
                self.create_pod(context, owners);
            }
        } else if active.len() > wanted {
            // Unscheduled, then unready, then restarting, then newest first.
            let mut ranked: Vec<(usize, &PodView)> = active.iter().enumerate().collect();
            ranked.sort_by_key(|(index, pod)| {
                (
                    pod.scheduled,
                    pod.ready,
                    std::cmp::Reverse(pod.restarts),
                    std::cmp::Reverse(*index),
                )
            });
            let doomed: Vec<String> = ranked
                .into_iter()
                .take(active.len() - wanted)
                .map(|(_, pod)| pod.name.clone())
                .collect();
            for name in doomed {
                self.delete_pod(context, &name);
            }
        }
        self.write_status(context, counts)
    }

    fn create_pod(
        &mut self,
        context: &mut Context<'_>,
        owners: &mut HashMap<ObjectKey, ObjectKey>,
    ) {
        let name = loop {
            let candidate = format!(
                "{}-{}",
                self.name,
                objects::suffix(&format!("{}/{}", self.name, self.serial), 5)
            );
            self.serial += 1;
            if context
                .store
                .get(&PODS, &self.namespace, &candidate)
                .is_none()
            {
                break candidate;
            }
        };
        let node = context.next_node();
        let created = crate::cluster::create_pod(
            context.store,
            context.kubelet,
            &self.namespace,
            &name,
            &self.template,
            &self.labels,
            Some(&self.owner()),
            node,
            false,
        );
        if created.is_ok() {
            owners.insert((self.namespace.clone(), name.clone()), self.key());
            self.pods.push(name.clone());
            context.event(
                &self.involved(),
                "SuccessfulCreate",
                &format!("Created pod: {name}"),
                COMPONENT,
            );
        }
    }

    fn delete_pod(&mut self, context: &mut Context<'_>, name: &str) {
        let grace = 30u64;
        let marked = context.store.modify(&PODS, &self.namespace, name, |pod| {
            if pod["metadata"]["deletionTimestamp"].is_null() {
                pod["metadata"]["deletionTimestamp"] = json!(now_rfc3339());
                pod["metadata"]["deletionGracePeriodSeconds"] = json!(grace);
            }
            Ok(())
        });
        if marked.is_ok() {
            context
                .kubelet
                .delete_pod(&self.namespace, name, Duration::from_secs(grace));
            context.event(
                &self.involved(),
                "SuccessfulDelete",
                &format!("Deleted pod: {name}"),
                COMPONENT,
            );
        }
    }

    fn write_status(&mut self, context: &mut Context<'_>, counts: SetCounts) -> bool {
        let mut status =
            json!({"replicas": counts.replicas, "observedGeneration": self.generation});
        for (field, value) in [
            ("fullyLabeledReplicas", counts.replicas),
            ("readyReplicas", counts.ready),
            ("availableReplicas", counts.available),
        ] {
            if value > 0 {
                status[field] = json!(value);
            }
        }
        if self.written.as_ref() == Some(&status) {
            return false;
        }
        let written = context
            .store
            .modify(&REPLICASETS, &self.namespace, &self.name, |set| {
                set["status"] = status.clone();
                Ok(())
            });
        if written.is_err() {
            return false;
        }
        self.written = Some(status);
        let changed = counts != self.status;
        self.status = counts;
        changed
    }

    /// Scale to `replicas` (the Deployment controller's write): `spec`, the
    /// generation and the Deployment's replica annotations.
    pub(crate) fn scale(
        &mut self,
        context: &mut Context<'_>,
        replicas: u32,
        desired: u32,
        max: u32,
    ) {
        self.replicas = replicas;
        self.generation += 1;
        let generation = self.generation;
        let _ = context
            .store
            .modify(&REPLICASETS, &self.namespace, &self.name, |set| {
                set["spec"]["replicas"] = json!(replicas);
                set["metadata"]["generation"] = json!(generation);
                set["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] =
                    json!(desired.to_string());
                set["metadata"]["annotations"]["deployment.kubernetes.io/max-replicas"] =
                    json!(max.to_string());
                Ok(())
            });
    }
}
