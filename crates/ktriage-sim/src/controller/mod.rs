//! The control plane's controllers, as kube-controller-manager runs them:
//! the Deployment controller (revisions, rolling updates, status and
//! conditions, `deployment`) and the ReplicaSet controller (one pod per
//! replica, created and deleted, `replicaset`), and the apiserver's expiry of
//! Events past `--event-ttl`. They learn of changes from the store's feed, as
//! informers do, and write through the store; what they do shows as the
//! events those controllers write.
//!
//! They act on the workloads the scenario declared (a Deployment created
//! through the API gets no ReplicaSet). Pod status is the kubelet's and is
//! never written here. Lock order: controllers, then kubelet, then store.

pub mod deployment;
pub mod replicaset;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use self::deployment::DeploymentState;
use self::replicaset::ReplicaSetState;
use super::kubelet::Kubelet;
use super::kubelet::events::{EventRecorder, Involved, Report};
use super::store::{ObjectKey, Store, WatchEvent};

/// What every sync needs: where to write, the clock, and the recorder.
pub(crate) struct Context<'a> {
    pub store: &'a Arc<Store>,
    pub kubelet: &'a Arc<Kubelet>,
    pub events: &'a mut EventRecorder,
    pub nodes: &'a [String],
    pub placement: &'a mut usize,
    pub now: Instant,
}

impl Context<'_> {
    /// Record one event of a controller about an object.
    pub fn event(&mut self, involved: &Involved, reason: &str, message: &str, component: &str) {
        let report = Report {
            event_type: "Normal",
            reason,
            message,
            component,
            host: None,
        };
        self.events.record(self.store, involved, &report, self.now);
    }

    /// The node the scheduler gives the next pod (round robin).
    pub fn next_node(&mut self) -> Option<String> {
        *self.placement += 1;
        self.nodes
            .get(*self.placement % self.nodes.len().max(1))
            .cloned()
    }
}

struct Inner {
    feed: broadcast::Receiver<Arc<WatchEvent>>,
    deployments: BTreeMap<ObjectKey, DeploymentState>,
    sets: BTreeMap<ObjectKey, ReplicaSetState>,
    /// Which ReplicaSet owns each pod it made.
    owners: HashMap<ObjectKey, ObjectKey>,
    dirty_sets: BTreeSet<ObjectKey>,
    dirty_deployments: BTreeSet<ObjectKey>,
    events: EventRecorder,
    placement: usize,
}

pub struct ControllerManager {
    inner: Mutex<Inner>,
    store: Arc<Store>,
    kubelet: Arc<Kubelet>,
    nodes: Vec<String>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl ControllerManager {
    pub fn new(
        store: Arc<Store>,
        kubelet: Arc<Kubelet>,
        speed: f64,
        nodes: Vec<String>,
    ) -> ControllerManager {
        ControllerManager {
            inner: Mutex::new(Inner {
                feed: store.subscribe(),
                deployments: BTreeMap::new(),
                sets: BTreeMap::new(),
                owners: HashMap::new(),
                dirty_sets: BTreeSet::new(),
                dirty_deployments: BTreeSet::new(),
                events: EventRecorder::new(speed, super::kubelet::events::CACHE_ENTRIES),
                placement: 0,
            }),
            store,
            kubelet,
            nodes,
        }
    }

    /// Take a Deployment the cluster built (with its first ReplicaSet and
    /// pods) under control. Unless `settled`, record the events its creation
    /// wrote.
    pub fn adopt(&self, deployment: DeploymentState, set: ReplicaSetState, settled: bool) {
        let now = Instant::now();
        let mut inner = lock(&self.inner);
        let Inner {
            deployments,
            sets,
            owners,
            dirty_sets,
            dirty_deployments,
            events,
            placement,
            ..
        } = &mut *inner;
        let mut context = Context {
            store: &self.store,
            kubelet: &self.kubelet,
            events,
            nodes: &self.nodes,
            placement,
            now,
        };
        let deployment_key = deployment.key();
        let set_key = set.key();
        for pod in &set.pods {
            owners.insert((set.namespace.clone(), pod.clone()), set_key.clone());
        }
        let mut deployment = deployment;
        deployment.created(&mut context, &set, settled);
        if !settled {
            for pod in &set.pods {
                context.event(
                    &set.involved(),
                    "SuccessfulCreate",
                    &format!("Created pod: {pod}"),
                    replicaset::COMPONENT,
                );
            }
        }
        dirty_sets.insert(set_key.clone());
        dirty_deployments.insert(deployment_key.clone());
        sets.insert(set_key, set);
        deployments.insert(deployment_key, deployment);
    }

    /// Run everything that is due: expire Events, react to what changed,
    /// roll out revisions whose time came, and check progress deadlines.
    pub fn tick(&self, now: Instant) {
        self.store.expire(now);
        let mut inner = lock(&self.inner);
        let Inner {
            feed,
            deployments,
            sets,
            owners,
            dirty_sets,
            dirty_deployments,
            events,
            placement,
        } = &mut *inner;
        loop {
            match feed.try_recv() {
                Ok(change) => {
                    let object = &change.object;
                    let key = (object.namespace.clone(), object.name.clone());
                    match (object.resource.group, object.resource.plural) {
                        ("", "pods") => {
                            if let Some(set) = owners.get(&key) {
                                dirty_sets.insert(set.clone());
                            }
                        }
                        ("apps", "replicasets") => {
                            if let Some(set) = sets.get(&key) {
                                dirty_deployments.insert(set.deployment.clone());
                            }
                        }
                        _ => {}
                    }
                }
                Err(broadcast::error::TryRecvError::Lagged(_)) => {
                    // Missed changes: resync everything, as an informer relists.
                    dirty_sets.extend(sets.keys().cloned());
                    dirty_deployments.extend(deployments.keys().cloned());
                }
                Err(_) => break,
            }
        }
        for (key, deployment) in deployments.iter() {
            if deployment.due(now) {
                dirty_deployments.insert(key.clone());
            }
        }
        let mut context = Context {
            store: &self.store,
            kubelet: &self.kubelet,
            events,
            nodes: &self.nodes,
            placement,
            now,
        };
        // A few rounds, so a scale and the pods it asks for land in one tick.
        for _ in 0..4 {
            if dirty_sets.is_empty() && dirty_deployments.is_empty() {
                break;
            }
            for key in std::mem::take(dirty_sets) {
                if let Some(set) = sets.get_mut(&key)
                    && set.sync(&mut context, owners)
                {
                    dirty_deployments.insert(set.deployment.clone());
                }
            }
            for key in std::mem::take(dirty_deployments) {
                if let Some(deployment) = deployments.get_mut(&key) {
                    deployment.sync(&mut context, sets, dirty_sets);
                }
            }
        }
    }

    /// Run the controllers until the returned task is aborted.
    pub fn spawn(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_millis(100));
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                self.tick(Instant::now());
            }
        })
    }

    /// When a Deployment's declared rollout is due (none once it began).
    pub fn rollout_at(&self, namespace: &str, name: &str) -> Option<Instant> {
        lock(&self.inner)
            .deployments
            .get(&(namespace.to_string(), name.to_string()))
            .and_then(DeploymentState::rollout_at)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use serde_json::Value;

    use crate::Cluster;
    use crate::resources::{DEPLOYMENTS, EVENTS, PODS, REPLICASETS};
    use crate::scenario::Scenario;
    use crate::store::ListRequest;

    fn scenario(speed: f64, behavior: &str) -> Scenario {
        let text = format!(
            "cluster: {{speed: {speed}}}\nnamespaces: [{{name: shop}}]\nworkloads:\n  - kind: Deployment\n    name: cart\n    namespace: shop\n    replicas: 4\n    template:\n      labels: {{app: cart}}\n      containers: [{{name: app, image: cart:1, readinessProbe: {{initialDelaySeconds: 5}}}}]\n    rollout: {{afterSeconds: 10, image: cart:2, behavior: {behavior}}}\n"
        );
        Scenario::parse(&text, "test.yaml").unwrap()
    }

    fn all(cluster: &Cluster, resource: &'static crate::resources::ResourceType) -> Vec<Value> {
        cluster
            .store
            .list(resource, &ListRequest::default())
            .unwrap()
            .items
            .iter()
            .map(|object| object.value().unwrap())
            .collect()
    }

    /// Run the kubelet and the controllers until `done` or `limit` passes.
    fn run_until(cluster: &Cluster, limit: Duration, done: impl Fn(&Cluster) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            cluster.kubelet.tick(Instant::now());
            cluster.controllers.tick(Instant::now());
            if done(cluster) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    fn set_replicas(cluster: &Cluster) -> Vec<(String, u64, u64)> {
        all(cluster, &REPLICASETS)
            .iter()
            .map(|set| {
                (
                    set["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    set["spec"]["replicas"].as_u64().unwrap_or(0),
                    set["status"]["availableReplicas"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    }

    fn messages(cluster: &Cluster, reason: &str) -> Vec<String> {
        all(cluster, &EVENTS)
            .iter()
            .filter(|event| event["reason"] == reason)
            .filter_map(|event| event["message"].as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn a_crash_looping_revision_sticks_within_max_unavailable() {
        let cluster =
            Cluster::build(scenario(200.0, "{crashLoop: {exitCode: 3, runSeconds: 1}}")).unwrap();
        // 4 replicas: maxSurge 1, maxUnavailable 1. Three old pods stay
        // available; two new ones never are.
        let stuck = run_until(&cluster, Duration::from_secs(10), |cluster| {
            let mut sets = set_replicas(cluster);
            sets.sort();
            sets.len() == 2
                && sets[0].0 == "1"
                && sets[0].1 == 3
                && sets[0].2 == 3
                && sets[1].0 == "2"
                && sets[1].1 == 2
                && all(cluster, &DEPLOYMENTS)
                    .pop()
                    .is_some_and(|d| d["status"]["updatedReplicas"] == 2)
        });
        assert!(stuck, "{:?}", set_replicas(&cluster));
        let deployment = all(&cluster, &DEPLOYMENTS).pop().unwrap();
        assert_eq!(deployment["metadata"]["generation"], 2, "{deployment:#}");
        assert_eq!(
            deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"],
            "2"
        );
        assert_eq!(
            deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            "cart:2"
        );
        let status = &deployment["status"];
        assert_eq!(status["observedGeneration"], 2);
        assert_eq!(status["updatedReplicas"], 2);
        assert_eq!(status["availableReplicas"], 3);
        assert_eq!(status["unavailableReplicas"], 2);
        let sets = all(&cluster, &REPLICASETS);
        let new = sets
            .iter()
            .find(|set| set["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "2")
            .unwrap();
        let new_name = new["metadata"]["name"].as_str().unwrap();
        let hash = new["metadata"]["labels"]["pod-template-hash"]
            .as_str()
            .unwrap();
        assert_eq!(new_name, format!("cart-{hash}"));
        assert_eq!(
            new["spec"]["template"]["metadata"]["labels"]["pod-template-hash"],
            hash
        );
        assert_eq!(new["metadata"]["ownerReferences"][0]["kind"], "Deployment");
        // The new pods carry the hash and belong to the new set.
        let new_pods: Vec<Value> = all(&cluster, &PODS)
            .into_iter()
            .filter(|pod| pod["metadata"]["labels"]["pod-template-hash"] == hash)
            .collect();
        assert_eq!(new_pods.len(), 2);
        for pod in &new_pods {
            assert_eq!(pod["metadata"]["ownerReferences"][0]["name"], new_name);
            assert_eq!(pod["spec"]["containers"][0]["image"], "cart:2");
        }
        let old_name = sets
            .iter()
            .find(|set| set["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "1")
            .and_then(|set| set["metadata"]["name"].as_str())
            .unwrap()
            .to_string();
        let scaling = messages(&cluster, "ScalingReplicaSet");
        for expected in [
            format!("Scaled up replica set {old_name} from 0 to 4"),
            format!("Scaled up replica set {new_name} from 0 to 1"),
            format!("Scaled down replica set {old_name} from 4 to 3"),
            format!("Scaled up replica set {new_name} from 1 to 2"),
        ] {
            assert!(
                scaling.contains(&expected),
                "{expected} missing from {scaling:?}"
            );
        }
        assert!(
            messages(&cluster, "SuccessfulDelete")
                .iter()
                .any(|m| m.starts_with(&format!("Deleted pod: {old_name}-"))),
            "the old set deleted a pod"
        );
        // 600 s of cluster time without progress: the deadline passes.
        let timed_out = run_until(&cluster, Duration::from_secs(8), |cluster| {
            all(cluster, &DEPLOYMENTS).pop().is_some_and(|d| {
                d["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| {
                        c["type"] == "Progressing" && c["reason"] == "ProgressDeadlineExceeded"
                    })
            })
        });
        assert!(timed_out, "{:#}", all(&cluster, &DEPLOYMENTS)[0]["status"]);
        let deployment = all(&cluster, &DEPLOYMENTS).pop().unwrap();
        let progressing = deployment["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Progressing")
            .unwrap()
            .clone();
        assert_eq!(progressing["status"], "False");
        assert_eq!(
            progressing["message"],
            format!("ReplicaSet \"{new_name}\" has timed out progressing.")
        );
        // Still stuck: the old pods were kept.
        let mut sets = set_replicas(&cluster);
        sets.sort();
        assert_eq!((sets[0].1, sets[1].1), (3, 2));
    }

    #[test]
    fn a_healthy_revision_replaces_every_old_pod() {
        let cluster = Cluster::build(scenario(200.0, "run")).unwrap();
        let done = run_until(&cluster, Duration::from_secs(20), |cluster| {
            let deployment = all(cluster, &DEPLOYMENTS).pop().unwrap_or_default();
            let complete = deployment["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Progressing" && c["reason"] == "NewReplicaSetAvailable");
            complete
                && deployment["metadata"]["generation"] == 2
                && deployment["status"]["updatedReplicas"] == 4
                && deployment["status"]["replicas"] == 4
                && cluster.store.count(&PODS) == 4
        });
        assert!(
            done,
            "{:#?} {:?}",
            all(&cluster, &DEPLOYMENTS)[0]["status"],
            set_replicas(&cluster)
        );
        let mut sets = set_replicas(&cluster);
        sets.sort();
        assert_eq!(sets, vec![("1".to_string(), 0, 0), ("2".to_string(), 4, 4)]);
        let deployment = all(&cluster, &DEPLOYMENTS).pop().unwrap();
        let available = deployment["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == "Available")
            .unwrap()
            .clone();
        assert_eq!(available["status"], "True");
        assert_eq!(available["reason"], "MinimumReplicasAvailable");
        assert!(
            all(&cluster, &PODS)
                .iter()
                .all(|pod| pod["spec"]["containers"][0]["image"] == "cart:2")
        );
    }

    #[test]
    fn a_deleted_pod_is_replaced_by_its_replica_set() {
        let cluster = Cluster::build(scenario(200.0, "run")).unwrap();
        let victim = all(&cluster, &PODS)[0]["metadata"]["name"]
            .as_str()
            .unwrap()
            .to_string();
        cluster.store.delete(&PODS, "shop", &victim).unwrap();
        let replaced = run_until(&cluster, Duration::from_secs(2), |cluster| {
            let pods = all(cluster, &PODS);
            pods.len() == 4
                && pods
                    .iter()
                    .all(|p| p["metadata"]["name"] != victim.as_str())
        });
        assert!(replaced);
        assert!(
            messages(&cluster, "SuccessfulCreate").len() >= 5,
            "{:?}",
            messages(&cluster, "SuccessfulCreate")
        );
    }
}
