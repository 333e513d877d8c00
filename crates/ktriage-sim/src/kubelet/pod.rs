//! One pod as the simulated kubelet and scheduler run it: scheduling (or
//! failing to), init containers in order, native sidecars, regular and
//! ephemeral containers, and the `status` it reports, computed the way the
//! kubelet computes phase and conditions.
//!
//! It computes status and effects only; it must not write to the store or
//! the logs: the kubelet applies the effects it returns.

use std::collections::BTreeMap;
use std::time::Instant;

use jiff::Timestamp;
use serde_json::{Value, json};

use super::container::{ContainerRuntime, Effect, Role, State, Terminated};

/// What an advance produced: events about a container (by field path) or the pod.
#[derive(Debug)]
pub struct PodEffect {
    pub field_path: Option<String>,
    pub container: Option<String>,
    pub component: &'static str,
    pub effect: Effect,
}

#[derive(Debug)]
pub struct PodRuntime {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub node: Option<String>,
    pub host_ip: String,
    pub pod_ip: String,
    pub unschedulable: Option<String>,
    pub restart_policy: String,
    pub qos_class: String,
    pub init: Vec<ContainerRuntime>,
    pub containers: Vec<ContainerRuntime>,
    pub ephemeral: Vec<ContainerRuntime>,
    pub started_at: Option<Timestamp>,
    pub scheduled: bool,
    pub next_schedule_attempt: Option<Instant>,
    pub deleting: Option<Instant>,
    pub dirty: bool,
    /// The status last written to the store: an unchanged status is not
    /// written again, as the kubelet's status manager skips it.
    pub written: Option<Value>,
    conditions: BTreeMap<&'static str, (bool, Timestamp)>,
}

fn field_path(role: Role, name: &str) -> String {
    match role {
        Role::Init | Role::Sidecar => format!("spec.initContainers{{{name}}}"),
        Role::Regular => format!("spec.containers{{{name}}}"),
        Role::Ephemeral => format!("spec.ephemeralContainers{{{name}}}"),
    }
}

/// An init container lets the next one start: completed, or a started sidecar.
fn init_finished(container: &ContainerRuntime) -> bool {
    match container.role {
        Role::Sidecar => container.started,
        _ => matches!(&container.state, State::Terminated(t) if t.exit_code == 0),
    }
}

impl PodRuntime {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        namespace: &str,
        name: &str,
        uid: &str,
        node: Option<String>,
        host_ip: String,
        pod_ip: String,
        restart_policy: &str,
        qos_class: &str,
        init: Vec<ContainerRuntime>,
        containers: Vec<ContainerRuntime>,
        unschedulable: Option<String>,
    ) -> PodRuntime {
        PodRuntime {
            namespace: namespace.to_string(),
            name: name.to_string(),
            uid: uid.to_string(),
            node,
            host_ip,
            pod_ip,
            unschedulable,
            restart_policy: restart_policy.to_string(),
            qos_class: qos_class.to_string(),
            init,
            containers,
            ephemeral: Vec::new(),
            started_at: None,
            scheduled: false,
            next_schedule_attempt: Some(Instant::now()),
            deleting: None,
            dirty: true,
            written: None,
            conditions: BTreeMap::new(),
        }
    }

    /// The `name_namespace(uid)` form the kubelet uses in messages.
    pub fn qualified(&self) -> String {
        format!("{}_{}({})", self.name, self.namespace, self.uid)
    }

    /// When this pod next needs attention.
    pub fn next_wake(&self) -> Option<Instant> {
        self.init
            .iter()
            .chain(&self.containers)
            .chain(&self.ephemeral)
            .flat_map(|c| [c.next_at, c.ready_at])
            .flatten()
            .chain(self.next_schedule_attempt)
            .min()
    }

    fn init_done(&self) -> bool {
        self.init.iter().all(init_finished)
    }

    /// Do everything that is due by `now`.
    pub fn advance(&mut self, now: Instant, speed: f64) -> Vec<PodEffect> {
        let mut effects = Vec::new();
        if self.deleting.is_some() {
            return effects;
        }
        if self.next_schedule_attempt.is_some_and(|at| at <= now) {
            self.next_schedule_attempt = None;
            self.dirty = true;
            if let Some(message) = &self.unschedulable {
                let retry = std::time::Duration::from_secs_f64(60.0 / speed);
                self.next_schedule_attempt = Some(now + retry);
                effects.push(PodEffect {
                    field_path: None,
                    container: None,
                    component: "default-scheduler",
                    effect: Effect::Event("Warning", "FailedScheduling", message.clone()),
                });
                return effects;
            }
            if !self.scheduled {
                self.scheduled = true;
                self.started_at = Some(Timestamp::now());
                let node = self.node.clone().unwrap_or_default();
                effects.push(PodEffect {
                    field_path: None,
                    container: None,
                    component: "default-scheduler",
                    effect: Effect::Event(
                        "Normal",
                        "Scheduled",
                        format!(
                            "Successfully assigned {}/{} to {node}",
                            self.namespace, self.name
                        ),
                    ),
                });
            }
        }
        if !self.scheduled {
            return effects;
        }
        // Start the next init container, or the regular ones once init is done.
        self.start_ready(now, speed, &mut effects);
        let memory = |c: &ContainerRuntime| {
            let limit = c
                .spec
                .limits
                .memory
                .as_deref()
                .and_then(crate::quantity::memory_bytes)
                .unwrap_or(u64::MAX) as f64;
            let base = c
                .spec
                .usage
                .memory
                .as_deref()
                .and_then(crate::quantity::memory_bytes)
                .unwrap_or(32 << 20) as f64;
            (base, limit)
        };
        let restart_policy = self.restart_policy.clone();
        for role in [Role::Init, Role::Regular, Role::Ephemeral] {
            for index in 0..self.list(role).len() {
                let container = &mut self.list_mut(role)[index];
                if container.probe_readiness(now) {
                    self.dirty = true;
                }
                let container = &mut self.list_mut(role)[index];
                if container.next_at.is_some_and(|at| at <= now) {
                    let (base, limit) = memory(container);
                    let produced = container.step(now, speed, &restart_policy, base, limit);
                    self.collect(&mut effects, role, index, produced);
                    self.dirty = true;
                }
            }
        }
        // A step may have finished an init container: start what may start now.
        self.start_ready(now, speed, &mut effects);
        effects
    }

    /// Begin the next init container once those before it are done, and the
    /// regular containers once every init container is.
    fn start_ready(&mut self, now: Instant, speed: f64, effects: &mut Vec<PodEffect>) {
        if let Some(index) = self.init.iter().position(|c| !c.begun)
            && self.init[..index].iter().all(init_finished)
        {
            let produced = self.init[index].begin(now, speed);
            self.collect(effects, Role::Init, index, produced);
        }
        if self.init_done() {
            for index in 0..self.containers.len() {
                if !self.containers[index].begun {
                    let produced = self.containers[index].begin(now, speed);
                    self.collect(effects, Role::Regular, index, produced);
                }
            }
        }
    }

    fn list(&self, role: Role) -> &Vec<ContainerRuntime> {
        match role {
            Role::Init | Role::Sidecar => &self.init,
            Role::Regular => &self.containers,
            Role::Ephemeral => &self.ephemeral,
        }
    }

    pub fn list_mut(&mut self, role: Role) -> &mut Vec<ContainerRuntime> {
        match role {
            Role::Init | Role::Sidecar => &mut self.init,
            Role::Regular => &mut self.containers,
            Role::Ephemeral => &mut self.ephemeral,
        }
    }

    pub fn collect(
        &mut self,
        effects: &mut Vec<PodEffect>,
        list: Role,
        index: usize,
        produced: Vec<Effect>,
    ) {
        let container = &self.list(list)[index];
        let path = field_path(container.role, &container.spec.name);
        let name = container.spec.name.clone();
        let qualified = self.qualified();
        for effect in produced {
            let effect = match effect {
                Effect::Event(kind, reason, message) => {
                    Effect::Event(kind, reason, message.replace("{pod}", &qualified))
                }
                other => other,
            };
            effects.push(PodEffect {
                field_path: Some(path.clone()),
                container: Some(name.clone()),
                component: "kubelet",
                effect,
            });
        }
        self.dirty = true;
    }

    /// Find a container of any kind by name.
    pub fn container_mut(&mut self, name: &str) -> Option<&mut ContainerRuntime> {
        self.init
            .iter_mut()
            .chain(self.containers.iter_mut())
            .chain(self.ephemeral.iter_mut())
            .find(|c| c.spec.name == name)
    }

    pub fn container(&self, name: &str) -> Option<&ContainerRuntime> {
        self.init
            .iter()
            .chain(&self.containers)
            .chain(&self.ephemeral)
            .find(|c| c.spec.name == name)
    }

    fn phase(&self) -> &'static str {
        if !self.scheduled || !self.init_done() {
            return "Pending";
        }
        let all_terminated = self
            .containers
            .iter()
            .all(|c| c.is_terminated() && c.next_at.is_none());
        if all_terminated {
            let failed = self
                .containers
                .iter()
                .any(|c| matches!(&c.state, State::Terminated(t) if t.exit_code != 0));
            return if failed { "Failed" } else { "Succeeded" };
        }
        if self.containers.iter().any(|c| c.started) {
            "Running"
        } else {
            "Pending"
        }
    }

    fn condition(&mut self, kind: &'static str, status: bool) -> Timestamp {
        let entry = self
            .conditions
            .entry(kind)
            .or_insert((status, Timestamp::now()));
        if entry.0 != status {
            *entry = (status, Timestamp::now());
        }
        entry.1
    }

    /// The `status` the kubelet reports.
    pub fn status(&mut self) -> Value {
        let qualified = self.qualified();
        let mut conditions = Vec::new();
        let condition_json = |kind: &str,
                              status: bool,
                              at: Timestamp,
                              reason: Option<&str>,
                              message: Option<String>| {
            let mut value = json!({"type": kind, "status": if status { "True" } else { "False" }, "lastProbeTime": null, "lastTransitionTime": rfc3339(at)});
            if let Some(reason) = reason {
                value["reason"] = json!(reason);
            }
            if let Some(message) = message {
                value["message"] = json!(message);
            }
            value
        };
        if let Some(message) = self.unschedulable.clone() {
            let at = self.condition("PodScheduled", false);
            conditions.push(condition_json(
                "PodScheduled",
                false,
                at,
                Some("Unschedulable"),
                Some(message),
            ));
            return json!({"phase": "Pending", "conditions": conditions, "qosClass": self.qos_class});
        }
        if !self.scheduled {
            return json!({"phase": "Pending", "qosClass": self.qos_class});
        }
        let init_done = self.init_done();
        let unready: Vec<String> = self
            .containers
            .iter()
            .filter(|c| !c.ready)
            .map(|c| c.spec.name.clone())
            .collect();
        let incomplete: Vec<String> = self
            .init
            .iter()
            .filter(|c| !init_finished(c))
            .map(|c| c.spec.name.clone())
            .collect();
        let ready = unready.is_empty() && init_done && self.deleting.is_none();
        let at = self.condition("PodReadyToStartContainers", true);
        conditions.push(condition_json(
            "PodReadyToStartContainers",
            true,
            at,
            None,
            None,
        ));
        let at = self.condition("Initialized", init_done);
        conditions.push(if init_done {
            condition_json("Initialized", true, at, None, None)
        } else {
            condition_json(
                "Initialized",
                false,
                at,
                Some("ContainersNotInitialized"),
                Some(format!(
                    "containers with incomplete status: [{}]",
                    incomplete.join(" ")
                )),
            )
        });
        let not_ready_message = Some(format!(
            "containers with unready status: [{}]",
            unready.join(" ")
        ));
        let reason = if init_done {
            "ContainersNotReady"
        } else {
            "ContainersNotInitialized"
        };
        for kind in ["Ready", "ContainersReady"] {
            let at = self.condition(kind, ready);
            conditions.push(if ready {
                condition_json(kind, true, at, None, None)
            } else {
                condition_json(kind, false, at, Some(reason), not_ready_message.clone())
            });
        }
        let at = self.condition("PodScheduled", true);
        conditions.push(condition_json("PodScheduled", true, at, None, None));
        let mut status = json!({
            "phase": self.phase(),
            "conditions": conditions,
            "hostIP": self.host_ip, "hostIPs": [{"ip": self.host_ip}],
            "podIP": self.pod_ip, "podIPs": [{"ip": self.pod_ip}],
            "startTime": self.started_at.map(rfc3339),
            "qosClass": self.qos_class,
        });
        if !self.init.is_empty() {
            status["initContainerStatuses"] = self
                .init
                .iter()
                .map(|c| container_status(c, &qualified))
                .collect();
        }
        status["containerStatuses"] = self
            .containers
            .iter()
            .map(|c| container_status(c, &qualified))
            .collect();
        if !self.ephemeral.is_empty() {
            status["ephemeralContainerStatuses"] = self
                .ephemeral
                .iter()
                .map(|c| container_status(c, &qualified))
                .collect();
        }
        status
    }
}

/// RFC 3339 with second precision, as the API writes `Time`.
pub fn rfc3339(time: Timestamp) -> String {
    time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn terminated_json(terminated: &Terminated) -> Value {
    let mut value = json!({
        "exitCode": terminated.exit_code, "reason": terminated.reason,
        "startedAt": rfc3339(terminated.started_at), "finishedAt": rfc3339(terminated.finished_at),
        "containerID": terminated.container_id,
    });
    if let Some(signal) = terminated.signal {
        value["signal"] = json!(signal);
    }
    if let Some(message) = &terminated.message {
        value["message"] = json!(message);
    }
    value
}

/// `qualified`: the pod as the kubelet names it in messages.
fn state_json(state: &State, qualified: &str) -> Value {
    match state {
        State::Waiting { reason, message } => {
            let mut waiting = json!({"reason": reason});
            if let Some(message) = message {
                waiting["message"] = json!(message.replace("{pod}", qualified));
            }
            json!({"waiting": waiting})
        }
        State::Running { started_at } => json!({"running": {"startedAt": rfc3339(*started_at)}}),
        State::Terminated(terminated) => json!({"terminated": terminated_json(terminated)}),
    }
}

fn image_id(image: &str) -> String {
    let name = image.split(':').next().unwrap_or(image);
    let qualified = if name.contains('/')
        && name
            .split('/')
            .next()
            .is_some_and(|host| host.contains('.'))
    {
        name.to_string()
    } else if name.contains('/') {
        format!("docker.io/{name}")
    } else {
        format!("docker.io/library/{name}")
    };
    let digest =
        super::super::objects::suffix(image, 64).replace(|c: char| !c.is_ascii_hexdigit(), "a");
    format!("{qualified}@sha256:{digest}")
}

fn container_status(container: &ContainerRuntime, qualified: &str) -> Value {
    let mut value = json!({
        "name": container.spec.name,
        "state": state_json(&container.state, qualified),
        "lastState": container.last.as_ref().map_or(json!({}), |t| json!({"terminated": terminated_json(t)})),
        "ready": container.ready,
        "restartCount": container.restart_count,
        "image": container.spec.image,
        "imageID": if container.container_id.is_empty() { String::new() } else { image_id(&container.spec.image) },
        "started": container.is_running(),
    });
    if !container.container_id.is_empty() {
        value["containerID"] = json!(container.container_id);
    }
    value
}
