//! One container's life as the simulated kubelet runs it: creating, running,
//! exiting with its story's exit code (or killed at its memory limit or by
//! its liveness probe), waiting in back-off, restarting with a new container
//! ID; ready once its readiness probe passes. Each step says which events it emits; the pod runtime
//! applies them. No I/O here.

use std::time::{Duration, Instant};

use jiff::Timestamp;

use crate::scenario::{Behavior, ContainerSpec};

/// Where a container sits in the pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Init,
    Sidecar,
    Regular,
    Ephemeral,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Terminated {
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub reason: String,
    pub message: Option<String>,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    pub container_id: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Waiting {
        reason: String,
        message: Option<String>,
    },
    Running {
        started_at: Timestamp,
    },
    Terminated(Terminated),
}

/// What a step asks the pod runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// A kubelet event: type, reason, message.
    Event(&'static str, &'static str, String),
    /// A new instance started: open its log.
    Started { container_id: String },
    /// The instance ended: close its log with these last lines.
    Ended { last_words: Vec<String> },
    /// A node-level OOM kill was seen.
    OomKill,
}

#[derive(Debug)]
pub struct ContainerRuntime {
    pub spec: ContainerSpec,
    pub role: Role,
    pub state: State,
    pub last: Option<Terminated>,
    pub restart_count: u32,
    pub ready: bool,
    pub started: bool,
    pub container_id: String,
    pub next_at: Option<Instant>,
    pub running_since: Option<Instant>,
    /// Ephemeral containers: stdin and tty as the patch asked.
    pub stdin: bool,
    pub tty: bool,
    /// The kubelet has begun creating it.
    pub begun: bool,
    back_off_level: u32,
    /// While in CrashLoopBackOff: when the back-off ends and it starts again.
    restart_at: Option<Instant>,
    /// Liveness probes failed in a row.
    probe_failures: u32,
    /// When its readiness probe first succeeds (while running).
    pub ready_at: Option<Instant>,
    instance: u32,
    pod_uid: String,
}

/// Go's duration format for whole seconds: `10s`, `1m20s`, `5m0s`.
pub fn go_duration(seconds: u64) -> String {
    if seconds < 60 {
        format!("{seconds}s")
    } else {
        format!("{}m{}s", seconds / 60, seconds % 60)
    }
}

fn scaled(seconds: f64, speed: f64) -> Duration {
    Duration::from_secs_f64((seconds / speed).max(0.0))
}

impl ContainerRuntime {
    pub fn new(
        spec: ContainerSpec,
        role: Role,
        pod_uid: &str,
        waiting_reason: &str,
    ) -> ContainerRuntime {
        ContainerRuntime {
            spec,
            role,
            state: State::Waiting {
                reason: waiting_reason.to_string(),
                message: None,
            },
            last: None,
            restart_count: 0,
            ready: false,
            started: false,
            container_id: String::new(),
            next_at: None,
            running_since: None,
            stdin: false,
            tty: false,
            begun: false,
            back_off_level: 0,
            restart_at: None,
            probe_failures: 0,
            ready_at: None,
            instance: 0,
            pod_uid: pod_uid.to_string(),
        }
    }

    fn new_container_id(&mut self) -> String {
        self.instance += 1;
        let seed = format!("{}/{}/{}", self.pod_uid, self.spec.name, self.instance);
        let mut id = String::from("containerd://");
        let mut hash: u64 = 0x8422_2325_cbf2_9ce4;
        while id.len() < "containerd://".len() + 64 {
            for byte in seed.bytes() {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
            id.push_str(&format!("{hash:016x}"));
        }
        id
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state, State::Running { .. })
    }

    pub fn is_terminated(&self) -> bool {
        matches!(self.state, State::Terminated(_))
    }

    /// The readiness probe succeeds for the first time since the start.
    /// Returns whether that changed anything.
    pub fn probe_readiness(&mut self, now: Instant) -> bool {
        if self.ready_at.is_none_or(|at| at > now) {
            return false;
        }
        self.ready_at = None;
        if self.is_running() && !self.ready {
            self.ready = true;
            return true;
        }
        false
    }

    /// Begin: pull the image (or fail to), then start.
    pub fn begin(&mut self, now: Instant, speed: f64) -> Vec<Effect> {
        self.begun = true;
        let image = self.spec.image.clone();
        match &self.spec.behavior {
            Behavior::ImagePullFailure { message } => {
                let message = message.clone().unwrap_or_else(|| {
                    format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{image}\": failed to resolve reference \"{image}\": {image}: not found")
                });
                self.state = State::Waiting {
                    reason: "ErrImagePull".to_string(),
                    message: Some(message.clone()),
                };
                self.next_at = Some(now + scaled(2.0, speed));
                vec![
                    Effect::Event("Normal", "Pulling", format!("Pulling image \"{image}\"")),
                    Effect::Event(
                        "Warning",
                        "Failed",
                        format!("Failed to pull image \"{image}\": {message}"),
                    ),
                    Effect::Event("Warning", "Failed", "Error: ErrImagePull".to_string()),
                ]
            }
            Behavior::ConfigError { message } => {
                self.state = State::Waiting {
                    reason: "CreateContainerConfigError".to_string(),
                    message: Some(message.clone()),
                };
                self.next_at = None;
                vec![Effect::Event(
                    "Warning",
                    "Failed",
                    format!("Error: {message}"),
                )]
            }
            _ => {
                self.state = State::Waiting {
                    reason: "ContainerCreating".to_string(),
                    message: None,
                };
                self.next_at = Some(now + scaled(1.0, speed).min(Duration::from_secs(1)));
                Vec::new()
            }
        }
    }

    /// Take the step that is due.
    pub fn step(
        &mut self,
        now: Instant,
        speed: f64,
        restart_policy: &str,
        memory_base: f64,
        memory_limit: f64,
    ) -> Vec<Effect> {
        self.next_at = None;
        match self.state.clone() {
            State::Waiting { reason, .. }
                if reason == "ErrImagePull" || reason == "ImagePullBackOff" =>
            {
                self.back_off_level += 1;
                let delay = back_off_seconds(self.back_off_level);
                let image = self.spec.image.clone();
                if reason == "ErrImagePull" {
                    self.state = State::Waiting {
                        reason: "ImagePullBackOff".to_string(),
                        message: Some(format!("Back-off pulling image \"{image}\"")),
                    };
                    self.next_at = Some(now + scaled(delay as f64, speed));
                    vec![
                        Effect::Event(
                            "Normal",
                            "BackOff",
                            format!("Back-off pulling image \"{image}\""),
                        ),
                        Effect::Event("Warning", "Failed", "Error: ImagePullBackOff".to_string()),
                    ]
                } else {
                    self.begin(now, speed)
                }
            }
            State::Waiting { reason, .. }
                if reason == "CrashLoopBackOff" && self.restart_at.is_some_and(|at| at > now) =>
            {
                // A pod sync inside the back-off: the kubelet says so again.
                self.next_at = self
                    .restart_at
                    .map(|at| at.min(now + scaled(BACK_OFF_RESYNC_SECONDS, speed)));
                vec![self.back_off_event()]
            }
            State::Waiting { .. } => {
                self.restart_at = None;
                self.start(now, speed, memory_base, memory_limit)
            }
            State::Running { .. } => self.on_running_timer(now, speed, memory_base, memory_limit),
            State::Terminated(terminated) => {
                let restart = match self.role {
                    Role::Ephemeral => false,
                    Role::Sidecar => true,
                    Role::Init => terminated.exit_code != 0 && restart_policy != "Never",
                    Role::Regular => match restart_policy {
                        "Never" => false,
                        "OnFailure" => terminated.exit_code != 0,
                        _ => true,
                    },
                };
                if !restart {
                    return Vec::new();
                }
                if self.back_off_level == 0 {
                    self.back_off_level = 1;
                    return self.restart(now, speed, memory_base, memory_limit, terminated);
                }
                let delay = back_off_seconds(self.back_off_level);
                self.back_off_level += 1;
                self.last = Some(terminated);
                self.state = State::Waiting {
                    reason: "CrashLoopBackOff".to_string(),
                    message: Some(format!(
                        "back-off {} restarting failed container={} pod={{pod}}",
                        go_duration(delay),
                        self.spec.name
                    )),
                };
                let restart_at = now + scaled(delay as f64, speed);
                self.restart_at = Some(restart_at);
                self.next_at = Some(restart_at.min(now + scaled(BACK_OFF_RESYNC_SECONDS, speed)));
                vec![self.back_off_event()]
            }
        }
    }

    fn back_off_event(&self) -> Effect {
        Effect::Event(
            "Warning",
            "BackOff",
            format!(
                "Back-off restarting failed container {} in pod {{pod}}",
                self.spec.name
            ),
        )
    }

    fn restart(
        &mut self,
        now: Instant,
        speed: f64,
        memory_base: f64,
        memory_limit: f64,
        terminated: Terminated,
    ) -> Vec<Effect> {
        self.last = Some(terminated);
        self.start(now, speed, memory_base, memory_limit)
    }

    fn start(
        &mut self,
        now: Instant,
        speed: f64,
        memory_base: f64,
        memory_limit: f64,
    ) -> Vec<Effect> {
        if self.instance > 0 {
            self.restart_count += 1;
        }
        let container_id = self.new_container_id();
        self.container_id = container_id.clone();
        self.state = State::Running {
            started_at: Timestamp::now(),
        };
        self.running_since = Some(now);
        self.started = true;
        match &self.spec.readiness_probe {
            Some(probe) if self.role != Role::Init => {
                self.ready = false;
                self.ready_at = Some(now + scaled(probe.initial_delay_seconds, speed));
            }
            _ => self.ready = !matches!(self.role, Role::Init),
        }
        let name = self.spec.name.clone();
        let image = self.spec.image.clone();
        let mut effects = vec![
            Effect::Event(
                "Normal",
                "Pulled",
                format!("Container image \"{image}\" already present on machine"),
            ),
            Effect::Event("Normal", "Created", format!("Created container: {name}")),
            Effect::Event("Normal", "Started", format!("Started container {name}")),
            Effect::Started { container_id },
        ];
        self.next_at = match &self.spec.behavior {
            Behavior::CrashLoop { run_seconds, .. } | Behavior::Complete { run_seconds, .. } => {
                Some(now + scaled(*run_seconds, speed))
            }
            Behavior::MemoryLeak { bytes_per_second } if *bytes_per_second > 0.0 => Some(
                now + scaled(
                    ((memory_limit - memory_base) / bytes_per_second).max(0.5),
                    speed,
                ),
            ),
            Behavior::FlappingReadiness { period_seconds } => {
                Some(now + scaled(*period_seconds, speed))
            }
            Behavior::LivenessFailure { after_seconds } => {
                self.probe_failures = 0;
                Some(now + scaled(*after_seconds, speed))
            }
            Behavior::Run if self.role == Role::Init => Some(now + scaled(2.0, speed)),
            Behavior::Run if self.role == Role::Ephemeral && !self.stdin => {
                Some(now + Duration::from_millis(200))
            }
            _ => None,
        };
        if self.role == Role::Ephemeral {
            effects.retain(|effect| !matches!(effect, Effect::Event(_, "Pulled", _)));
            effects.insert(
                0,
                Effect::Event("Normal", "Pulling", format!("Pulling image \"{image}\"")),
            );
            effects.insert(1, Effect::Event("Normal", "Pulled", format!("Successfully pulled image \"{image}\" in 812ms (812ms including waiting). Image size: 2166802 bytes.")));
        }
        effects
    }

    fn on_running_timer(
        &mut self,
        now: Instant,
        speed: f64,
        _memory_base: f64,
        _memory_limit: f64,
    ) -> Vec<Effect> {
        match self.spec.behavior.clone() {
            Behavior::CrashLoop {
                exit_code,
                last_words,
                ..
            } => self.exit(
                exit_code,
                None,
                if exit_code == 0 { "Completed" } else { "Error" },
                last_words,
            ),
            Behavior::Complete { exit_code, .. } => self.exit(
                exit_code,
                None,
                if exit_code == 0 { "Completed" } else { "Error" },
                Vec::new(),
            ),
            Behavior::MemoryLeak { .. } => {
                let mut effects = self.exit(137, None, "OOMKilled", Vec::new());
                effects.push(Effect::OomKill);
                effects
            }
            Behavior::FlappingReadiness { period_seconds } => {
                self.ready = !self.ready;
                self.next_at = Some(now + scaled(period_seconds, speed));
                if self.ready {
                    Vec::new()
                } else {
                    vec![Effect::Event(
                        "Warning",
                        "Unhealthy",
                        "Readiness probe failed: HTTP probe failed with statuscode: 503"
                            .to_string(),
                    )]
                }
            }
            Behavior::LivenessFailure { .. } => {
                self.probe_failures += 1;
                let mut effects = vec![Effect::Event(
                    "Warning",
                    "Unhealthy",
                    "Liveness probe failed: HTTP probe failed with statuscode: 500".to_string(),
                )];
                if self.probe_failures < LIVENESS_FAILURE_THRESHOLD {
                    self.next_at = Some(now + scaled(LIVENESS_PERIOD_SECONDS, speed));
                    return effects;
                }
                self.probe_failures = 0;
                effects.push(Effect::Event(
                    "Normal",
                    "Killing",
                    format!(
                        "Container {} failed liveness probe, will be restarted",
                        self.spec.name
                    ),
                ));
                // It ignores SIGTERM, so the grace period ends in SIGKILL.
                effects.extend(self.exit(137, None, "Error", Vec::new()));
                effects
            }
            Behavior::Run => self.exit(0, None, "Completed", Vec::new()),
            _ => Vec::new(),
        }
    }

    /// The running process exits.
    pub fn exit(
        &mut self,
        exit_code: i32,
        signal: Option<i32>,
        reason: &str,
        last_words: Vec<String>,
    ) -> Vec<Effect> {
        let started_at = match &self.state {
            State::Running { started_at } => *started_at,
            _ => Timestamp::now(),
        };
        self.state = State::Terminated(Terminated {
            exit_code,
            signal,
            reason: reason.to_string(),
            message: None,
            started_at,
            finished_at: Timestamp::now(),
            container_id: self.container_id.clone(),
        });
        self.ready = false;
        self.ready_at = None;
        self.running_since = None;
        // The kubelet notices the exit and decides on a restart a moment later.
        self.next_at = Some(Instant::now() + Duration::from_millis(800));
        vec![Effect::Ended { last_words }]
    }

    /// Stop for pod deletion: SIGTERM, exit 143 (or 137 for a shell that ignores it).
    pub fn kill(&mut self) -> Vec<Effect> {
        if !self.is_running() {
            return Vec::new();
        }
        let mut effects = vec![Effect::Event(
            "Normal",
            "Killing",
            format!("Stopping container {}", self.spec.name),
        )];
        effects.extend(self.exit(143, None, "Error", Vec::new()));
        self.next_at = None;
        effects
    }
}

/// A liveness probe's default `periodSeconds` and `failureThreshold`.
pub const LIVENESS_PERIOD_SECONDS: f64 = 10.0;
pub const LIVENESS_FAILURE_THRESHOLD: u32 = 3;

/// How often the kubelet's pod worker syncs a pod whose container is in
/// back-off (`backOffPeriod`, 10 s): each sync writes the BackOff event again.
pub const BACK_OFF_RESYNC_SECONDS: f64 = 10.0;

/// The kubelet's back-off: 10 s doubling to a 300 s cap.
pub fn back_off_seconds(level: u32) -> u64 {
    (10u64 << level.saturating_sub(1).min(5)).min(300)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Resources;
    use std::collections::BTreeMap;

    fn spec(behavior: Behavior) -> ContainerSpec {
        ContainerSpec {
            name: "app".into(),
            image: "busybox:1.36".into(),
            command: Vec::new(),
            behavior,
            requests: Resources::default(),
            limits: Resources::default(),
            usage: Resources::default(),
            logs: None,
            env: BTreeMap::new(),
            sidecar: false,
            ports: Vec::new(),
            readiness_probe: None,
        }
    }

    #[test]
    fn back_off_doubles_to_five_minutes() {
        let seconds: Vec<u64> = (1..=8).map(back_off_seconds).collect();
        assert_eq!(seconds, vec![10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(go_duration(300), "5m0s");
        assert_eq!(go_duration(80), "1m20s");
    }

    #[test]
    fn crash_loop_restarts_with_new_ids_and_last_state() {
        let mut container = ContainerRuntime::new(
            spec(Behavior::CrashLoop {
                exit_code: 3,
                run_seconds: 1.0,
                last_words: Vec::new(),
            }),
            Role::Regular,
            "uid",
            "ContainerCreating",
        );
        let now = Instant::now();
        container.begin(now, 1.0);
        container.step(now, 1.0, "Always", 0.0, 0.0);
        let first_id = container.container_id.clone();
        assert!(container.is_running());
        container.step(now, 1.0, "Always", 0.0, 0.0);
        assert!(
            matches!(&container.state, State::Terminated(t) if t.exit_code == 3 && t.reason == "Error")
        );
        container.step(now, 1.0, "Always", 0.0, 0.0);
        assert!(container.is_running());
        assert_eq!(container.restart_count, 1);
        assert_ne!(container.container_id, first_id);
        assert_eq!(
            container.last.as_ref().map(|t| t.container_id.clone()),
            Some(first_id)
        );
        container.step(now, 1.0, "Always", 0.0, 0.0);
        let effects = container.step(now, 1.0, "Always", 0.0, 0.0);
        assert!(
            matches!(&container.state, State::Waiting { reason, message: Some(message) } if reason == "CrashLoopBackOff" && message.starts_with("back-off 10s"))
        );
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Event("Warning", "BackOff", _)))
        );
    }

    #[test]
    fn never_policy_stays_terminated() {
        let mut container = ContainerRuntime::new(
            spec(Behavior::Complete {
                run_seconds: 1.0,
                exit_code: 0,
            }),
            Role::Regular,
            "uid",
            "ContainerCreating",
        );
        let now = Instant::now();
        container.begin(now, 1.0);
        container.step(now, 1.0, "Never", 0.0, 0.0);
        container.step(now, 1.0, "Never", 0.0, 0.0);
        assert!(container.step(now, 1.0, "Never", 0.0, 0.0).is_empty());
        assert!(container.is_terminated());
        assert_eq!(container.restart_count, 0);
    }
}
