//! Scenario files: what the simulated cluster holds and how its containers
//! behave, read from YAML (`assets/scenarios/*.yaml`) or generated at scale:
//! the cluster (its clock's `speed`, the event TTL), namespaces, nodes,
//! users, workloads (a Deployment may declare a `rollout` to a second
//! revision, see `RolloutSpec`), bare pods, services and faults. Each
//! container has a `Behavior` (its story), an optional readiness probe and
//! its logs.
//!
//! A scenario is data only. Parsing errors name the file, the line and the
//! field; nothing here starts tasks or builds API objects.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::auth::User;

/// The text of the built-in demo scenario (`assets/scenarios/demo.yaml` in
/// this crate).
pub const DEMO_YAML: &str = include_str!("../assets/scenarios/demo.yaml");

/// The text of the built-in restricted-access scenario
/// (`assets/scenarios/restricted.yaml` in this crate), for callers that
/// start from it and change a rule.
pub const RESTRICTED_YAML: &str = include_str!("../assets/scenarios/restricted.yaml");

/// A whole scenario.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Scenario {
    #[serde(default)]
    pub cluster: ClusterInfo,
    #[serde(default)]
    pub namespaces: Vec<NamespaceSpec>,
    #[serde(default)]
    pub nodes: Vec<NodeSpec>,
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub workloads: Vec<WorkloadSpec>,
    #[serde(default)]
    pub pods: Vec<PodSpec>,
    #[serde(default)]
    pub services: Vec<ServiceSpec>,
    #[serde(default)]
    pub faults: Faults,
    #[serde(default)]
    pub scale: Option<Scale>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ClusterInfo {
    #[serde(default = "default_cluster_name")]
    pub name: String,
    /// Time runs this many times faster inside the cluster (back-offs, leaks, runs).
    #[serde(default = "one")]
    pub speed: f64,
    /// How long an Event lives after its last write, in cluster seconds
    /// (kube-apiserver `--event-ttl`, one hour by default).
    #[serde(default = "default_event_ttl")]
    pub event_ttl_seconds: f64,
}

impl Default for ClusterInfo {
    fn default() -> Self {
        ClusterInfo {
            name: default_cluster_name(),
            speed: 1.0,
            event_ttl_seconds: default_event_ttl(),
        }
    }
}

fn default_event_ttl() -> f64 {
    3600.0
}

fn default_cluster_name() -> String {
    "ktriage-sim".to_string()
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NamespaceSpec {
    pub name: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NodeSpec {
    pub name: String,
    #[serde(default = "default_node_cpu")]
    pub cpu: String,
    #[serde(default = "default_node_memory")]
    pub memory: String,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

fn default_node_cpu() -> String {
    "4".to_string()
}

fn default_node_memory() -> String {
    "16Gi".to_string()
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    StatefulSet,
    DaemonSet,
    Job,
}

/// A controller and the pods it owns.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct WorkloadSpec {
    pub kind: WorkloadKind,
    pub name: String,
    pub namespace: String,
    #[serde(default = "default_replicas")]
    pub replicas: u32,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    pub template: PodTemplate,
    /// Deployments only: a second revision that replaces the first.
    #[serde(default)]
    pub rollout: Option<RolloutSpec>,
}

fn default_replicas() -> u32 {
    1
}

/// A Deployment's second revision: `afterSeconds` of cluster time after the
/// cluster starts, one container of the pod template changes (as
/// `kubectl set image` would change it) and the Deployment controller rolls
/// the change out as a real one does: a new ReplicaSet (revision 2), scaled
/// up and the old one down within `maxSurge`/`maxUnavailable` (25 % each),
/// one step each time pods become available. A revision whose pods never
/// become available leaves the rollout stuck with the old pods kept, and
/// after `progressDeadlineSeconds` (600) the Deployment reports
/// `ProgressDeadlineExceeded`.
///
/// ```yaml
/// rollout:
///   afterSeconds: 90
///   container: app            # which container changes (default: the first)
///   image: registry.example.com/shop/cart:2.0.0
///   behavior: {crashLoop: {exitCode: 3, runSeconds: 3, lastWords: ["..."]}}
///   changeCause: "deploy cart 2.0.0"   # kubernetes.io/change-cause
/// ```
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RolloutSpec {
    pub after_seconds: f64,
    #[serde(default)]
    pub container: Option<String>,
    pub image: String,
    /// The new revision's story (unchanged when unset).
    #[serde(default)]
    pub behavior: Option<Behavior>,
    /// The new revision's logs (unchanged when unset).
    #[serde(default)]
    pub logs: Option<LogSpec>,
    /// Shown by `kubectl rollout history` as CHANGE-CAUSE.
    #[serde(default)]
    pub change_cause: Option<String>,
}

impl RolloutSpec {
    /// The pod template of the new revision.
    pub fn apply(&self, template: &PodTemplate) -> PodTemplate {
        let mut next = template.clone();
        let index = match &self.container {
            Some(name) => next.containers.iter().position(|c| &c.name == name),
            None => (!next.containers.is_empty()).then_some(0),
        };
        if let Some(container) = index.and_then(|i| next.containers.get_mut(i)) {
            container.image = self.image.clone();
            if let Some(behavior) = &self.behavior {
                container.behavior = behavior.clone();
            }
            if let Some(logs) = &self.logs {
                container.logs = Some(logs.clone());
            }
        }
        next
    }
}

/// What every pod of a workload, or one bare pod, is made of.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodTemplate {
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub init_containers: Vec<ContainerSpec>,
    pub containers: Vec<ContainerSpec>,
    /// `Always` (default), `OnFailure` or `Never`.
    #[serde(default)]
    pub restart_policy: Option<String>,
    /// When set the scheduler never places the pod and says why.
    #[serde(default)]
    pub unschedulable: Option<String>,
    #[serde(default)]
    pub node: Option<String>,
}

/// A pod that no controller owns.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PodSpec {
    pub name: String,
    pub namespace: String,
    #[serde(flatten)]
    pub template: PodTemplate,
}

/// One container and its story.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ContainerSpec {
    pub name: String,
    #[serde(default = "default_image")]
    pub image: String,
    #[serde(default)]
    pub command: Vec<String>,
    #[serde(default)]
    pub behavior: Behavior,
    #[serde(default)]
    pub requests: Resources,
    #[serde(default)]
    pub limits: Resources,
    /// What the metrics API reports while it runs.
    #[serde(default)]
    pub usage: Resources,
    #[serde(default)]
    pub logs: Option<LogSpec>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// `restartPolicy: Always` on an init container: a native sidecar.
    #[serde(default)]
    pub sidecar: bool,
    #[serde(default)]
    pub ports: Vec<u16>,
    /// A readiness probe: the container is ready only once it has run
    /// `initialDelaySeconds` (without one, as soon as it runs).
    #[serde(default)]
    pub readiness_probe: Option<ProbeSpec>,
}

/// An HTTP probe on the container's first port (8080 without one).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ProbeSpec {
    #[serde(default)]
    pub initial_delay_seconds: f64,
    #[serde(default = "default_probe_period")]
    pub period_seconds: f64,
    #[serde(default = "default_probe_path")]
    pub path: String,
}

fn default_probe_period() -> f64 {
    10.0
}

fn default_probe_path() -> String {
    "/healthz".to_string()
}

fn default_image() -> String {
    "registry.k8s.io/pause:3.10".to_string()
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Resources {
    #[serde(default)]
    pub cpu: Option<String>,
    #[serde(default)]
    pub memory: Option<String>,
}

/// How a container behaves over time.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub enum Behavior {
    /// Starts and keeps running.
    #[default]
    Run,
    /// Runs `runSeconds`, exits with `exitCode`, and is restarted with back-off.
    #[serde(rename_all = "camelCase")]
    CrashLoop {
        exit_code: i32,
        #[serde(default = "default_run_seconds")]
        run_seconds: f64,
        /// Lines written just before each exit.
        #[serde(default)]
        last_words: Vec<String>,
    },
    /// Memory climbs from its usage at `bytesPerSecond` until the limit: OOMKilled.
    #[serde(rename_all = "camelCase")]
    MemoryLeak { bytes_per_second: f64 },
    /// The image cannot be pulled.
    #[serde(rename_all = "camelCase")]
    ImagePullFailure {
        #[serde(default)]
        message: Option<String>,
    },
    /// Runs `runSeconds` and exits with `exitCode` (0 by default) for good.
    #[serde(rename_all = "camelCase")]
    Complete {
        #[serde(default = "default_run_seconds")]
        run_seconds: f64,
        #[serde(default)]
        exit_code: i32,
    },
    /// Runs, and its readiness probe fails every other `periodSeconds`.
    #[serde(rename_all = "camelCase")]
    FlappingReadiness { period_seconds: f64 },
    /// Runs `afterSeconds`, then its liveness probe (every 10 s, failure
    /// threshold 3) answers 500 until the kubelet kills it (exit 137 after
    /// the SIGTERM it ignores, reason `Error`) and restarts it with back-off.
    #[serde(rename_all = "camelCase")]
    LivenessFailure {
        #[serde(default = "default_liveness_after")]
        after_seconds: f64,
    },
    /// Cannot start: a missing ConfigMap or Secret key.
    #[serde(rename_all = "camelCase")]
    ConfigError { message: String },
}

fn default_run_seconds() -> f64 {
    5.0
}

fn default_liveness_after() -> f64 {
    30.0
}

/// What a container writes.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LogSpec {
    #[serde(default)]
    pub generator: Option<Generator>,
    #[serde(default = "one")]
    pub lines_per_second: f64,
    /// Written verbatim when each instance starts (any bytes, escapes included).
    #[serde(default)]
    pub literal: Vec<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Generator {
    Plain,
    Json,
    Ansi,
    StackTrace,
    /// Numbered lines (`seq=N`), for checking that none go missing.
    Numbered,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ServiceSpec {
    pub name: String,
    pub namespace: String,
    pub port: u16,
    /// Where the service proxy subresource forwards (`http://127.0.0.1:9090`).
    #[serde(default)]
    pub upstream: Option<String>,
    #[serde(default)]
    pub selector: BTreeMap<String, String>,
}

/// Faults the server injects.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Faults {
    /// Watch streams are cut this often.
    #[serde(default)]
    pub drop_watches_every_seconds: Option<f64>,
    /// Following log streams are cut this often.
    #[serde(default)]
    pub drop_log_streams_every_seconds: Option<f64>,
    /// Every Nth request is answered 429 with Retry-After.
    #[serde(default)]
    pub throttle_every_nth_request: Option<u64>,
    #[serde(default = "default_retry_after")]
    pub retry_after_seconds: u64,
    /// Every Nth request is answered 500.
    #[serde(default)]
    pub error_every_nth_request: Option<u64>,
    /// Added to every response.
    #[serde(default)]
    pub latency_milliseconds: Option<u64>,
    /// Every token stops working this long after the server starts.
    #[serde(default)]
    pub tokens_expire_after_seconds: Option<u64>,
    /// How many changes the watch history keeps (smaller forces 410 sooner).
    #[serde(default)]
    pub watch_history_events: Option<usize>,
}

fn default_retry_after() -> u64 {
    1
}

/// Generated bulk: this many pods spread over namespaces and nodes.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Scale {
    pub pods: u32,
    pub namespaces: u32,
    pub nodes: u32,
    /// One deployment in this many crash-loops (none when unset: a steady cluster).
    #[serde(default)]
    pub crash_loop_every: Option<u32>,
}

/// A scenario file that could not be read, naming where it went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read scenario {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

impl Scenario {
    /// Read and check a scenario file.
    pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
            path: shown.clone(),
            source,
        })?;
        Scenario::parse(&text, &shown)
    }

    /// Parse scenario text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario =
            serde_saphyr::from_str(text).map_err(|error| ScenarioError::Parse {
                path: origin.to_string(),
                message: error.to_string(),
            })?;
        scenario.check().map_err(|message| ScenarioError::Invalid {
            path: origin.to_string(),
            message,
        })?;
        Ok(scenario)
    }

    /// The built-in demo scenario.
    pub fn demo() -> Result<Scenario, ScenarioError> {
        Scenario::parse(DEMO_YAML, "assets/scenarios/demo.yaml")
    }

    /// The built-in restricted-access scenario.
    pub fn restricted() -> Result<Scenario, ScenarioError> {
        Scenario::parse(RESTRICTED_YAML, "assets/scenarios/restricted.yaml")
    }

    fn check(&self) -> Result<(), String> {
        let namespaces: Vec<&str> = self.namespaces.iter().map(|n| n.name.as_str()).collect();
        let known = |namespace: &str, what: &str| {
            if namespaces.contains(&namespace) {
                Ok(())
            } else {
                Err(format!(
                    "{what}: namespace \"{namespace}\" is not declared under namespaces"
                ))
            }
        };
        for workload in &self.workloads {
            known(
                &workload.namespace,
                &format!("workloads[{}]", workload.name),
            )?;
            check_template(
                &workload.template,
                &format!("workloads[{}].template", workload.name),
            )?;
            if let Some(rollout) = &workload.rollout {
                check_rollout(workload, rollout)?;
            }
        }
        for pod in &self.pods {
            known(&pod.namespace, &format!("pods[{}]", pod.name))?;
            check_template(&pod.template, &format!("pods[{}]", pod.name))?;
        }
        for service in &self.services {
            known(&service.namespace, &format!("services[{}]", service.name))?;
        }
        let mut tokens: Vec<&str> = self.users.iter().map(|u| u.token.as_str()).collect();
        tokens.sort_unstable();
        if tokens.windows(2).any(|pair| pair[0] == pair[1]) {
            return Err("users: two users share one token".to_string());
        }
        if !(self.cluster.speed > 0.0 && self.cluster.speed.is_finite()) {
            return Err("cluster.speed: must be a positive number".to_string());
        }
        if !(self.cluster.event_ttl_seconds > 0.0 && self.cluster.event_ttl_seconds.is_finite()) {
            return Err("cluster.eventTtlSeconds: must be a positive number".to_string());
        }
        Ok(())
    }
}

fn check_rollout(workload: &WorkloadSpec, rollout: &RolloutSpec) -> Result<(), String> {
    let at = format!("workloads[{}].rollout", workload.name);
    if workload.kind != WorkloadKind::Deployment {
        return Err(format!("{at}: only a Deployment rolls out revisions"));
    }
    if !(rollout.after_seconds >= 0.0 && rollout.after_seconds.is_finite()) {
        return Err(format!("{at}.afterSeconds: must be zero or more"));
    }
    if let Some(name) = &rollout.container
        && !workload.template.containers.iter().any(|c| &c.name == name)
    {
        return Err(format!(
            "{at}.container: the template has no container \"{name}\""
        ));
    }
    if rollout.apply(&workload.template) == workload.template {
        return Err(format!("{at}: the new revision changes nothing"));
    }
    check_template(&rollout.apply(&workload.template), &at)
}

fn check_template(template: &PodTemplate, at: &str) -> Result<(), String> {
    if template.containers.is_empty() {
        return Err(format!(
            "{at}.containers: a pod needs at least one container"
        ));
    }
    let mut names: Vec<&str> = template
        .init_containers
        .iter()
        .chain(&template.containers)
        .map(|c| c.name.as_str())
        .collect();
    names.sort_unstable();
    if let Some(pair) = names.windows(2).find(|pair| pair[0] == pair[1]) {
        return Err(format!(
            "{at}: container name \"{}\" is used twice",
            pair[0]
        ));
    }
    for container in template.init_containers.iter().chain(&template.containers) {
        if let Behavior::MemoryLeak { .. } = container.behavior
            && container.limits.memory.is_none()
        {
            return Err(format!(
                "{at}.containers[{}].limits.memory: a memoryLeak needs a memory limit",
                container.name
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_line_and_field() {
        let text = "namespaces:\n  - name: a\npods:\n  - name: p\n    namespace: a\n    containers:\n      - name: app\n        behaviour: run\n";
        let error = Scenario::parse(text, "bad.yaml").unwrap_err().to_string();
        assert!(error.starts_with("bad.yaml:"), "{error}");
        assert!(error.contains("behaviour"), "{error}");
        assert!(error.contains('8'), "line number missing: {error}");
    }

    #[test]
    fn undeclared_namespace_is_refused() {
        let text =
            "pods:\n  - name: p\n    namespace: nowhere\n    containers:\n      - name: app\n";
        let error = Scenario::parse(text, "x.yaml").unwrap_err().to_string();
        assert!(error.contains("nowhere"), "{error}");
    }

    #[test]
    fn behaviors_parse_from_yaml() {
        let text = "namespaces: [{name: a}]\npods:\n  - name: p\n    namespace: a\n    containers:\n      - name: app\n        behavior: {crashLoop: {exitCode: 2, runSeconds: 1}}\n      - name: side\n        behavior: run\n";
        let scenario = Scenario::parse(text, "x.yaml").unwrap();
        assert_eq!(
            scenario.pods[0].template.containers[0].behavior,
            Behavior::CrashLoop {
                exit_code: 2,
                run_seconds: 1.0,
                last_words: Vec::new()
            }
        );
        assert_eq!(
            scenario.pods[0].template.containers[1].behavior,
            Behavior::Run
        );
    }

    #[test]
    fn a_rollout_changes_one_container_of_a_deployment() {
        let text = "namespaces: [{name: a}]\nworkloads:\n  - kind: Deployment\n    name: cart\n    namespace: a\n    template:\n      containers: [{name: app, image: cart:1}, {name: side, image: side:1}]\n    rollout: {afterSeconds: 9, container: app, image: cart:2, behavior: {crashLoop: {exitCode: 3}}}\n";
        let scenario = Scenario::parse(text, "x.yaml").unwrap();
        let workload = &scenario.workloads[0];
        let rollout = workload.rollout.as_ref().unwrap();
        assert_eq!(rollout.after_seconds, 9.0);
        let next = rollout.apply(&workload.template);
        assert_eq!(next.containers[0].image, "cart:2");
        assert!(matches!(
            next.containers[0].behavior,
            Behavior::CrashLoop { exit_code: 3, .. }
        ));
        assert_eq!(next.containers[1], workload.template.containers[1]);
    }

    #[test]
    fn a_rollout_is_refused_where_it_cannot_happen() {
        let statefulset = "namespaces: [{name: a}]\nworkloads:\n  - kind: StatefulSet\n    name: db\n    namespace: a\n    template: {containers: [{name: app, image: db:1}]}\n    rollout: {afterSeconds: 9, image: db:2}\n";
        let error = Scenario::parse(statefulset, "x.yaml")
            .unwrap_err()
            .to_string();
        assert!(error.contains("only a Deployment"), "{error}");
        let unknown = "namespaces: [{name: a}]\nworkloads:\n  - kind: Deployment\n    name: web\n    namespace: a\n    template: {containers: [{name: app, image: web:1}]}\n    rollout: {afterSeconds: 9, container: nope, image: web:2}\n";
        let error = Scenario::parse(unknown, "x.yaml").unwrap_err().to_string();
        assert!(error.contains("no container \"nope\""), "{error}");
        let same = "namespaces: [{name: a}]\nworkloads:\n  - kind: Deployment\n    name: web\n    namespace: a\n    template: {containers: [{name: app, image: web:1}]}\n    rollout: {afterSeconds: 9, image: web:1}\n";
        let error = Scenario::parse(same, "x.yaml").unwrap_err().to_string();
        assert!(error.contains("changes nothing"), "{error}");
    }
}
