//! The owner of a pod as the history groups it: the controller that made it
//! (ReplicaSet, StatefulSet, DaemonSet, Job), the workload a user names (a
//! ReplicaSet's Deployment), and the revision the pod ran. Read from the
//! pod's `ownerReferences` and labels only: the pod does not name a
//! Deployment, so it is derived from the ReplicaSet's name, and no API call
//! is made to check it. Pure.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;

/// The label a Deployment's ReplicaSet puts on its pods; the ReplicaSet is
/// named `<deployment>-<hash>`.
const TEMPLATE_HASH: &str = "pod-template-hash";
/// The label a StatefulSet or DaemonSet puts on its pods: the
/// ControllerRevision they were made from.
const REVISION_HASH: &str = "controller-revision-hash";

/// The kind of a pod's controller.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum OwnerKind {
    ReplicaSet,
    StatefulSet,
    DaemonSet,
    Job,
    Other(String),
}

impl OwnerKind {
    pub fn from_name(kind: &str) -> OwnerKind {
        match kind {
            "ReplicaSet" => OwnerKind::ReplicaSet,
            "StatefulSet" => OwnerKind::StatefulSet,
            "DaemonSet" => OwnerKind::DaemonSet,
            "Job" => OwnerKind::Job,
            other => OwnerKind::Other(other.to_string()),
        }
    }

    /// The API's name of the kind.
    pub fn as_str(&self) -> &str {
        match self {
            OwnerKind::ReplicaSet => "ReplicaSet",
            OwnerKind::StatefulSet => "StatefulSet",
            OwnerKind::DaemonSet => "DaemonSet",
            OwnerKind::Job => "Job",
            OwnerKind::Other(kind) => kind,
        }
    }
}

/// Who made a pod.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Owner {
    pub kind: OwnerKind,
    /// The controller's name (`web-7d4b9c`).
    pub name: String,
    /// The workload a user names: the Deployment (`web`) for a ReplicaSet
    /// whose pods carry `pod-template-hash` (its name without the last
    /// `-<hash>`), else the controller itself.
    pub workload: String,
    /// The revision the pod ran: the ReplicaSet's name for a Deployment's
    /// pod, the `controller-revision-hash` label for a StatefulSet's or a
    /// DaemonSet's. None for a Job and for other kinds.
    pub revision: Option<String>,
}

impl Owner {
    /// The pod's controller (the owner reference marked `controller`, else
    /// the first), or None for a bare pod.
    pub fn of(pod: &Pod) -> Option<Owner> {
        let metadata = &pod.metadata;
        let references = metadata.owner_references.as_ref()?;
        let reference = references
            .iter()
            .find(|reference| reference.controller == Some(true))
            .or(references.first())?;
        let empty = BTreeMap::new();
        let labels = metadata.labels.as_ref().unwrap_or(&empty);
        Some(Owner::from_reference(
            &reference.kind,
            &reference.name,
            labels,
        ))
    }

    /// The owner named by an owner reference of kind `kind` and name `name`
    /// on a pod with `labels`.
    pub fn from_reference(kind: &str, name: &str, labels: &BTreeMap<String, String>) -> Owner {
        let kind = OwnerKind::from_name(kind);
        let (workload, revision) = match &kind {
            OwnerKind::ReplicaSet => {
                // Clusters before 1.12 labelled pods with a numeric hash
                // that differs from the ReplicaSet name's suffix; the
                // Deployment's name is still the part before the last `-`.
                let deployment = labels
                    .get(TEMPLATE_HASH)
                    .and_then(|hash| {
                        name.strip_suffix(hash.as_str())
                            .and_then(|rest| rest.strip_suffix('-'))
                            .or_else(|| name.rsplit_once('-').map(|(rest, _)| rest))
                    })
                    .filter(|deployment| !deployment.is_empty());
                (
                    deployment.unwrap_or(name).to_string(),
                    Some(name.to_string()),
                )
            }
            OwnerKind::StatefulSet | OwnerKind::DaemonSet => {
                (name.to_string(), labels.get(REVISION_HASH).cloned())
            }
            OwnerKind::Job | OwnerKind::Other(_) => (name.to_string(), None),
        };
        Owner {
            kind,
            name: name.to_string(),
            workload,
            revision,
        }
    }

    /// The kind of the workload: `Deployment` when a ReplicaSet's name was
    /// read as a Deployment's, else the controller's kind.
    pub fn workload_kind(&self) -> &str {
        if self.kind == OwnerKind::ReplicaSet && self.workload != self.name {
            "Deployment"
        } else {
            self.kind.as_str()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn a_replica_sets_name_gives_its_deployment_when_the_hash_label_matches() {
        let owner = Owner::from_reference(
            "ReplicaSet",
            "web-7d4b9c",
            &labels(&[("pod-template-hash", "7d4b9c")]),
        );
        assert_eq!(owner.workload, "web");
        assert_eq!(owner.revision.as_deref(), Some("web-7d4b9c"));
        assert_eq!(owner.workload_kind(), "Deployment");
    }

    #[test]
    fn an_old_numeric_hash_label_still_names_the_deployment() {
        // As in tests/fixtures/pods/imagepullbackoff.yaml (2019).
        let owner = Owner::from_reference(
            "ReplicaSet",
            "guestbook-ui-errimagepullbackoff-66cfffb669",
            &labels(&[("pod-template-hash", "2279996225")]),
        );
        assert_eq!(owner.workload, "guestbook-ui-errimagepullbackoff");
    }

    #[test]
    fn a_replica_set_without_the_hash_label_is_its_own_workload() {
        let owner = Owner::from_reference("ReplicaSet", "web-7d4b9c", &labels(&[]));
        assert_eq!(owner.workload, "web-7d4b9c");
        assert_eq!(owner.workload_kind(), "ReplicaSet");
        let whole = Owner::from_reference(
            "ReplicaSet",
            "7d4b9c",
            &labels(&[("pod-template-hash", "7d4b9c")]),
        );
        assert_eq!(whole.workload, "7d4b9c");
    }

    #[test]
    fn stateful_sets_and_daemon_sets_take_the_revision_label() {
        let owner = Owner::from_reference(
            "StatefulSet",
            "db",
            &labels(&[("controller-revision-hash", "db-5f8d7c")]),
        );
        assert_eq!(
            (owner.workload.as_str(), owner.revision.as_deref()),
            ("db", Some("db-5f8d7c"))
        );
        let job = Owner::from_reference("Job", "backup-28566720", &labels(&[]));
        assert_eq!(
            (job.workload.as_str(), job.revision),
            ("backup-28566720", None)
        );
        let other = Owner::from_reference("Node", "node-1", &labels(&[]));
        assert_eq!(other.kind, OwnerKind::Other("Node".into()));
        assert_eq!(other.workload_kind(), "Node");
    }
}
