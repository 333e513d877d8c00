//! The simulated kubelet (and scheduler): it runs every pod's containers
//! through their stories, writes pod status back to the store, records the
//! events a real node would, feeds container logs, and answers the metrics
//! API from what its containers are doing.
//!
//! It owns runtime state only; API objects live in the store. Lock order is
//! always kubelet, then store.

pub mod container;
pub mod events;
pub mod pod;
pub mod specs;

pub use specs::{specs_from_pod, unpullable};

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use self::container::{ContainerRuntime, Effect, Role, State};
use self::events::{EventRecorder, Involved, Report};
use self::pod::{PodRuntime, rfc3339};
use super::logs::LogStore;
use super::resources::PODS;
use super::scenario::{Behavior, PodTemplate};
use super::store::Store;

/// What the API layer may learn about one container.
#[derive(Debug, Clone)]
pub struct ContainerView {
    pub running: bool,
    pub terminated: bool,
    pub waiting_reason: Option<String>,
    pub role: Role,
    pub stdin: bool,
    pub tty: bool,
    pub image: String,
    pub command: Vec<String>,
    pub env: Vec<(String, String)>,
    pub node: String,
    pub memory_limit: Option<u64>,
    pub has_previous: bool,
    pub restart_count: u32,
    /// The instance whose log is "current": the running or last exited one.
    pub current_id: Option<String>,
    /// The instance `previous` reads: `lastState.terminated`.
    pub last_id: Option<String>,
    pub waiting_message: Option<String>,
}

type PodKey = (String, String);

/// Looks up a pod's labels by namespace and name.
pub type LabelsOf<'a> = dyn Fn(&str, &str) -> Option<BTreeMap<String, String>> + 'a;

struct Inner {
    pods: HashMap<PodKey, PodRuntime>,
    /// Pods with a timer, a pending status write or a deletion: only these
    /// are visited on a tick, so a settled cluster of thousands costs little.
    active: std::collections::HashSet<PodKey>,
    events: EventRecorder,
    node_ips: HashMap<String, String>,
    next_pod_ip: u32,
}

pub struct Kubelet {
    inner: Mutex<Inner>,
    logs: Mutex<LogStore>,
    store: Arc<Store>,
    speed: f64,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    match mutex.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Kubelet {
    pub fn new(store: Arc<Store>, speed: f64, nodes: &[(String, String)]) -> Kubelet {
        Kubelet {
            inner: Mutex::new(Inner {
                pods: HashMap::new(),
                active: Default::default(),
                events: EventRecorder::new(speed, events::CACHE_ENTRIES * nodes.len().max(1)),
                node_ips: nodes.iter().cloned().collect(),
                next_pod_ip: 0,
            }),
            logs: Mutex::new(LogStore::default()),
            store,
            speed,
        }
    }

    pub fn logs(&self) -> MutexGuard<'_, LogStore> {
        lock(&self.logs)
    }

    /// Take a stored pod under the kubelet's care. `template` carries the
    /// scenario's stories; without one every container simply runs.
    pub fn admit(&self, pod: &Value, template: Option<&PodTemplate>) {
        let metadata = &pod["metadata"];
        let namespace = metadata["namespace"].as_str().unwrap_or_default();
        let name = metadata["name"].as_str().unwrap_or_default();
        let uid = metadata["uid"].as_str().unwrap_or_default();
        let (init_specs, specs) = match template {
            Some(template) => (
                template.init_containers.clone(),
                template.containers.clone(),
            ),
            None => (
                specs_from_pod(pod, "initContainers"),
                specs_from_pod(pod, "containers"),
            ),
        };
        let has_init = !init_specs.is_empty();
        let init = init_specs
            .into_iter()
            .map(|spec| {
                let role = if spec.sidecar {
                    Role::Sidecar
                } else {
                    Role::Init
                };
                ContainerRuntime::new(spec, role, uid, "PodInitializing")
            })
            .collect();
        let waiting = if has_init {
            "PodInitializing"
        } else {
            "ContainerCreating"
        };
        let containers = specs
            .into_iter()
            .map(|spec| ContainerRuntime::new(spec, Role::Regular, uid, waiting))
            .collect();
        let mut inner = lock(&self.inner);
        let node = pod["spec"]["nodeName"].as_str().map(str::to_string);
        let host_ip = node
            .as_ref()
            .and_then(|n| inner.node_ips.get(n).cloned())
            .unwrap_or_default();
        inner.next_pod_ip += 1;
        let n = inner.next_pod_ip;
        let pod_ip = format!("10.244.{}.{}", (n / 250) % 250, n % 250 + 2);
        let unschedulable = template.and_then(|t| t.unschedulable.clone()).or_else(|| node.is_none().then(|| "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.".to_string()));
        let runtime = PodRuntime::new(
            namespace,
            name,
            uid,
            node,
            host_ip,
            pod_ip,
            pod["spec"]["restartPolicy"].as_str().unwrap_or("Always"),
            pod["status"]["qosClass"].as_str().unwrap_or("BestEffort"),
            init,
            containers,
            unschedulable,
        );
        inner
            .active
            .insert((namespace.to_string(), name.to_string()));
        inner
            .pods
            .insert((namespace.to_string(), name.to_string()), runtime);
    }

    /// Admit a pod that has been running for a while (generated bulk): it
    /// starts Running at once, with no events, so thousands cost little.
    pub fn admit_settled(&self, pod: &Value, template: &PodTemplate) {
        self.admit(pod, Some(template));
        let namespace = pod["metadata"]["namespace"].as_str().unwrap_or_default();
        let name = pod["metadata"]["name"].as_str().unwrap_or_default();
        let now = Instant::now();
        let mut inner = lock(&self.inner);
        if let Some(runtime) = inner
            .pods
            .get_mut(&(namespace.to_string(), name.to_string()))
        {
            if runtime.unschedulable.is_some() {
                return;
            }
            runtime.scheduled = true;
            runtime.next_schedule_attempt = None;
            runtime.started_at = pod["metadata"]["creationTimestamp"]
                .as_str()
                .and_then(|t| t.parse().ok());
            for container in runtime.init.iter_mut() {
                container.begin(now, self.speed);
                let _ = container.step(now, self.speed, "Always", 0.0, 0.0);
                if container.role == Role::Init {
                    container.exit(0, None, "Completed", Vec::new());
                    container.next_at = None;
                }
            }
            for container in runtime.containers.iter_mut() {
                container.begin(now, self.speed);
                if matches!(container.state, State::Waiting { ref reason, .. } if reason == "ContainerCreating")
                {
                    let _ = container.step(now, self.speed, "Always", 0.0, 0.0);
                }
            }
        }
    }

    /// Run every due transition and write what changed.
    pub fn tick(&self, now: Instant) {
        let mut inner = lock(&self.inner);
        let Inner {
            pods,
            events,
            active,
            ..
        } = &mut *inner;
        let mut removed = Vec::new();
        let mut idle = Vec::new();
        for key in active.iter() {
            let Some(runtime) = pods.get_mut(key) else {
                idle.push(key.clone());
                continue;
            };
            if let Some(deadline) = runtime.deleting {
                if deadline <= now {
                    removed.push(key.clone());
                }
                continue;
            }
            if runtime.next_wake().is_some_and(|at| at <= now) {
                let effects = runtime.advance(now, self.speed);
                self.apply(runtime, effects, events, now);
            }
            if runtime.dirty {
                runtime.dirty = false;
                let status = runtime.status();
                if runtime.written.as_ref() != Some(&status) {
                    runtime.written = Some(status.clone());
                    let _ = self
                        .store
                        .modify(&PODS, &runtime.namespace, &runtime.name, |pod| {
                            pod["status"] = status;
                            Ok(())
                        });
                }
            }
            if runtime.next_wake().is_none() && !runtime.dirty {
                idle.push(key.clone());
            }
        }
        for key in idle {
            active.remove(&key);
        }
        for key in removed {
            active.remove(&key);
            pods.remove(&key);
            let _ = self.store.delete(&PODS, &key.0, &key.1);
            self.logs().remove_pod(&key.0, &key.1);
        }
    }

    fn apply(
        &self,
        runtime: &PodRuntime,
        effects: Vec<pod::PodEffect>,
        events: &mut EventRecorder,
        now: Instant,
    ) {
        for effect in effects {
            match effect.effect {
                Effect::Event(kind, reason, message) => {
                    let involved = Involved {
                        kind: "Pod",
                        api_version: "v1",
                        namespace: runtime.namespace.clone(),
                        name: runtime.name.clone(),
                        uid: runtime.uid.clone(),
                        field_path: effect.field_path.clone(),
                    };
                    let report = Report {
                        event_type: kind,
                        reason,
                        message: &message,
                        component: effect.component,
                        // The scheduler names no host; the kubelet its node.
                        host: if effect.component == "kubelet" {
                            runtime.node.as_deref()
                        } else {
                            None
                        },
                    };
                    events.record(&self.store, &involved, &report, now);
                }
                Effect::Started { container_id } => {
                    let container = effect.container.unwrap_or_default();
                    let spec = runtime
                        .container(&container)
                        .and_then(|c| c.spec.logs.clone());
                    self.logs().start(
                        &runtime.namespace,
                        &runtime.name,
                        &container,
                        &container_id,
                        spec.as_ref(),
                        now,
                    );
                }
                Effect::Ended { last_words } => {
                    let container = effect.container.unwrap_or_default();
                    self.logs().end(
                        &runtime.namespace,
                        &runtime.name,
                        &container,
                        &last_words,
                        now,
                    );
                }
                Effect::OomKill => {
                    let node = runtime.node.clone().unwrap_or_default();
                    let involved = Involved {
                        kind: "Node",
                        api_version: "v1",
                        namespace: String::new(),
                        name: node.clone(),
                        uid: node.clone(),
                        field_path: None,
                    };
                    let container = effect.container.unwrap_or_default();
                    let message = format!(
                        "Memory cgroup out of memory: Killed process {} ({container}) total-vm:1843200kB, anon-rss:{}kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:3812kB oom_score_adj:984",
                        4000 + runtime.name.len() * 17,
                        1 << 17
                    );
                    let report = Report {
                        event_type: "Warning",
                        reason: "OOMKilling",
                        message: &message,
                        component: "kernel-monitor",
                        host: Some(&node),
                    };
                    events.record(&self.store, &involved, &report, now);
                }
            }
        }
    }

    /// Run the kubelet until the returned task is aborted.
    pub fn spawn(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(Duration::from_millis(50));
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                interval.tick().await;
                self.tick(Instant::now());
            }
        })
    }

    /// A pod is being deleted: stop its containers and remove it after a grace period.
    pub fn delete_pod(&self, namespace: &str, name: &str, grace: Duration) {
        let now = Instant::now();
        let mut inner = lock(&self.inner);
        inner
            .active
            .insert((namespace.to_string(), name.to_string()));
        let Inner { pods, events, .. } = &mut *inner;
        if let Some(runtime) = pods.get_mut(&(namespace.to_string(), name.to_string())) {
            let mut effects = Vec::new();
            for role in [Role::Ephemeral, Role::Regular, Role::Init] {
                for index in 0..runtime.list_mut(role).len() {
                    let produced = runtime.list_mut(role)[index].kill();
                    runtime.collect(&mut effects, role, index, produced);
                }
            }
            runtime.deleting = Some(now + grace.min(Duration::from_secs(2)));
            self.apply(runtime, effects, events, now);
        }
    }

    /// An ephemeral container was added through the API.
    pub fn add_ephemeral(&self, namespace: &str, name: &str, container: &Value) {
        let mut inner = lock(&self.inner);
        inner
            .active
            .insert((namespace.to_string(), name.to_string()));
        let Some(runtime) = inner
            .pods
            .get_mut(&(namespace.to_string(), name.to_string()))
        else {
            return;
        };
        let container_name = container["name"].as_str().unwrap_or_default();
        if runtime.container(container_name).is_some() {
            return;
        }
        let pod = json!({"spec": {"containers": [container]}});
        let Some(mut spec) = specs_from_pod(&pod, "containers").pop() else {
            return;
        };
        if unpullable(&spec.image) {
            spec.behavior = Behavior::ImagePullFailure { message: None };
        }
        let mut runtime_container =
            ContainerRuntime::new(spec, Role::Ephemeral, &runtime.uid, "ContainerCreating");
        runtime_container.stdin = container["stdin"].as_bool().unwrap_or(false);
        runtime_container.tty = container["tty"].as_bool().unwrap_or(false);
        let now = Instant::now();
        let produced = runtime_container.begin(now, self.speed);
        runtime.ephemeral.push(runtime_container);
        let index = runtime.ephemeral.len() - 1;
        let mut effects = Vec::new();
        runtime.collect(&mut effects, Role::Ephemeral, index, produced);
        let Inner { pods, events, .. } = &mut *inner;
        if let Some(runtime) = pods.get(&(namespace.to_string(), name.to_string())) {
            self.apply(runtime, effects, events, now);
        }
    }

    /// The main process of a container exits (an attached shell ran `exit`).
    pub fn process_exited(&self, namespace: &str, name: &str, container: &str, exit_code: i32) {
        let now = Instant::now();
        let mut inner = lock(&self.inner);
        inner
            .active
            .insert((namespace.to_string(), name.to_string()));
        let Inner { pods, events, .. } = &mut *inner;
        let Some(runtime) = pods.get_mut(&(namespace.to_string(), name.to_string())) else {
            return;
        };
        let Some(role) = runtime.container(container).map(|c| c.role) else {
            return;
        };
        let Some(index) = runtime
            .list_mut(role)
            .iter()
            .position(|c| c.spec.name == container)
        else {
            return;
        };
        if !runtime.list_mut(role)[index].is_running() {
            return;
        }
        let reason = if exit_code == 0 { "Completed" } else { "Error" };
        let produced = runtime.list_mut(role)[index].exit(exit_code, None, reason, Vec::new());
        let mut effects = Vec::new();
        runtime.collect(&mut effects, role, index, produced);
        self.apply(runtime, effects, events, now);
    }

    pub fn container_view(
        &self,
        namespace: &str,
        name: &str,
        container: &str,
    ) -> Option<ContainerView> {
        let inner = lock(&self.inner);
        let runtime = inner.pods.get(&(namespace.to_string(), name.to_string()))?;
        let c = runtime.container(container)?;
        Some(ContainerView {
            running: c.is_running(),
            terminated: c.is_terminated(),
            waiting_reason: match &c.state {
                State::Waiting { reason, .. } => Some(reason.clone()),
                _ => None,
            },
            role: c.role,
            stdin: c.stdin,
            tty: c.tty,
            image: c.spec.image.clone(),
            command: c.spec.command.clone(),
            env: c
                .spec
                .env
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            node: runtime.node.clone().unwrap_or_default(),
            memory_limit: c
                .spec
                .limits
                .memory
                .as_deref()
                .and_then(crate::quantity::memory_bytes),
            has_previous: c.last.is_some(),
            restart_count: c.restart_count,
            current_id: match &c.state {
                State::Running { .. } => Some(c.container_id.clone()),
                State::Terminated(t) => Some(t.container_id.clone()),
                State::Waiting { .. } => c.last.as_ref().map(|t| t.container_id.clone()),
            },
            last_id: c.last.as_ref().map(|t| t.container_id.clone()),
            waiting_message: match &c.state {
                State::Waiting { message, .. } => message.clone(),
                _ => None,
            },
        })
    }

    /// Whether a pod has been scheduled to a node.
    pub fn scheduled(&self, namespace: &str, name: &str) -> bool {
        lock(&self.inner)
            .pods
            .get(&(namespace.to_string(), name.to_string()))
            .is_some_and(|p| p.scheduled && p.unschedulable.is_none())
    }

    /// PodMetrics objects for running pods (in one namespace, or all).
    pub fn pod_metrics(&self, namespace: Option<&str>, labels_of: &LabelsOf) -> Vec<Value> {
        let inner = lock(&self.inner);
        let now = Instant::now();
        let timestamp = rfc3339(jiff::Timestamp::now());
        let mut items: Vec<(&PodKey, Value)> = inner
            .pods
            .iter()
            .filter(|((ns, _), runtime)| namespace.is_none_or(|n| n == ns) && runtime.containers.iter().any(ContainerRuntime::is_running))
            .map(|(key, runtime)| {
                let containers: Vec<Value> = runtime
                    .init
                    .iter()
                    .chain(&runtime.containers)
                    .filter(|c| c.is_running())
                    .map(|c| {
                        let (cpu, memory) = super::metrics::usage(c, now, self.speed);
                        json!({"name": c.spec.name, "usage": {"cpu": crate::quantity::format_cpu(cpu), "memory": crate::quantity::format_memory(memory)}})
                    })
                    .collect();
                let labels = labels_of(&key.0, &key.1).unwrap_or_default();
                (key, json!({
                    "kind": "PodMetrics", "apiVersion": "metrics.k8s.io/v1beta1",
                    "metadata": {"name": key.1, "namespace": key.0, "creationTimestamp": timestamp, "labels": labels},
                    "timestamp": timestamp, "window": "15.012s", "containers": containers,
                }))
            })
            .collect();
        items.sort_by(|a, b| a.0.cmp(b.0));
        items.into_iter().map(|(_, value)| value).collect()
    }

    /// Node usage: its running containers plus the system's own share.
    pub fn node_usage(&self) -> BTreeMap<String, (u64, u64)> {
        let inner = lock(&self.inner);
        let now = Instant::now();
        let mut usage: BTreeMap<String, (u64, u64)> = inner
            .node_ips
            .keys()
            .map(|node| (node.clone(), (180_000_000, 900 << 20)))
            .collect();
        for runtime in inner.pods.values() {
            let Some(node) = &runtime.node else { continue };
            let entry = usage.entry(node.clone()).or_insert((0, 0));
            for container in runtime
                .init
                .iter()
                .chain(&runtime.containers)
                .chain(&runtime.ephemeral)
                .filter(|c| c.is_running())
            {
                let (cpu, memory) = super::metrics::usage(container, now, self.speed);
                entry.0 += cpu;
                entry.1 += memory;
            }
        }
        usage
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use serde_json::Value;

    use crate::Cluster;
    use crate::resources::{EVENTS, PODS};
    use crate::scenario::Scenario;

    const SCENARIO: &str = "cluster: {speed: 100}\nnamespaces: [{name: a}]\npods:\n  - name: crash\n    namespace: a\n    containers: [{name: app, image: app:1, behavior: {crashLoop: {exitCode: 3, runSeconds: 1}}}]\n  - name: oom\n    namespace: a\n    containers: [{name: app, image: app:1, limits: {memory: 64Mi}, behavior: {memoryLeak: {bytesPerSecond: 10000000}}}]\n  - name: hung\n    namespace: a\n    containers: [{name: app, image: app:1, behavior: {livenessFailure: {afterSeconds: 1}}}]\n";

    fn status(cluster: &Cluster, name: &str) -> Value {
        cluster
            .store
            .get(&PODS, "a", name)
            .and_then(|pod| pod.value().ok())
            .map(|pod| pod["status"]["containerStatuses"][0].clone())
            .unwrap_or_default()
    }

    fn events(cluster: &Cluster, pod: &str) -> Vec<Value> {
        cluster
            .store
            .list(&EVENTS, &Default::default())
            .map(|page| page.items)
            .unwrap_or_default()
            .iter()
            .filter_map(|event| event.value().ok())
            .filter(|event| event["involvedObject"]["name"] == pod)
            .collect()
    }

    #[test]
    fn restarts_advance_with_only_the_newest_termination_kept() {
        let cluster = Cluster::build(Scenario::parse(SCENARIO, "test.yaml").unwrap()).unwrap();
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut seen_last = Vec::new();
        // Nothing watches and no client asks: only the kubelet's clock runs.
        while Instant::now() < deadline {
            cluster.kubelet.tick(Instant::now());
            let crash = status(&cluster, "crash");
            let last = crash["lastState"]["terminated"]["containerID"].clone();
            if !last.is_null() && seen_last.last() != Some(&last) {
                seen_last.push(last);
            }
            let restarts = |name| status(&cluster, name)["restartCount"].as_u64().unwrap_or(0);
            if restarts("crash") >= 3 && restarts("oom") >= 1 && restarts("hung") >= 1 {
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let crash = status(&cluster, "crash");
        assert!(crash["restartCount"].as_u64() >= Some(3), "{crash:#}");
        // One termination at a time, each newer one replacing the last.
        assert!(seen_last.len() >= 3, "{seen_last:?}");
        let last = crash["lastState"].as_object().unwrap();
        assert_eq!(last.keys().collect::<Vec<_>>(), ["terminated"]);
        assert_eq!(crash["lastState"]["terminated"]["exitCode"], 3);
        assert_eq!(crash["lastState"]["terminated"]["reason"], "Error");
        assert_eq!(
            Some(&crash["lastState"]["terminated"]["containerID"]),
            seen_last.last()
        );
        // The OOM kill: reason OOMKilled, exit 137.
        let oom = status(&cluster, "oom");
        assert_eq!(
            oom["lastState"]["terminated"]["reason"], "OOMKilled",
            "{oom:#}"
        );
        assert_eq!(oom["lastState"]["terminated"]["exitCode"], 137);
        // The liveness kill: three failed probes, Killing, exit 137 Error.
        let hung = status(&cluster, "hung");
        assert_eq!(hung["lastState"]["terminated"]["exitCode"], 137, "{hung:#}");
        assert_eq!(hung["lastState"]["terminated"]["reason"], "Error");
        let hung_events = events(&cluster, "hung");
        let unhealthy = hung_events
            .iter()
            .find(|e| e["reason"] == "Unhealthy")
            .expect("Unhealthy");
        assert_eq!(
            unhealthy["message"],
            "Liveness probe failed: HTTP probe failed with statuscode: 500"
        );
        assert!(unhealthy["count"].as_u64() >= Some(3), "{unhealthy:#}");
        assert_eq!(
            unhealthy["involvedObject"]["fieldPath"],
            "spec.containers{app}"
        );
        assert!(hung_events.iter().any(|e| e["reason"] == "Killing"
            && e["message"] == "Container app failed liveness probe, will be restarted"));
        // The crash loop's events, counted as the recorder aggregates them.
        let crash_events = events(&cluster, "crash");
        for reason in ["Pulled", "Created", "Started", "BackOff"] {
            let event = crash_events
                .iter()
                .find(|e| e["reason"] == reason)
                .unwrap_or_else(|| panic!("no {reason} in {crash_events:#?}"));
            assert!(event["count"].as_u64() >= Some(2), "{event:#}");
            assert_eq!(event["involvedObject"]["fieldPath"], "spec.containers{app}");
            assert_eq!(event["source"]["component"], "kubelet");
            assert!(event["firstTimestamp"].as_str() <= event["lastTimestamp"].as_str());
        }
        let scheduled = crash_events
            .iter()
            .find(|e| e["reason"] == "Scheduled")
            .expect("Scheduled");
        assert_eq!(
            scheduled["source"],
            serde_json::json!({"component": "default-scheduler"})
        );
    }
}
