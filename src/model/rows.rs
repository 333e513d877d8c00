//! Slim row projections the UI keeps for each object: a pod row is a few
//! hundred bytes where a full Pod is tens of kilobytes. Every piece of cluster
//! text becomes `SafeText` here, where it enters the model. No I/O.

use jiff::Timestamp;
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod};

use super::pod_status::{Health, summarize, wide_columns};
use super::quantity::{cpu_nanocores, memory_bytes};
use super::safe_text::SafeText;

/// Requests and limits summed over a pod's regular containers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resources {
    pub cpu_request: Option<u64>,
    pub cpu_limit: Option<u64>,
    pub memory_request: Option<u64>,
    pub memory_limit: Option<u64>,
}

/// What the metrics API says a pod uses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub cpu_nanocores: u64,
    pub memory_bytes: u64,
}

/// One pod as the pods table shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PodRow {
    pub uid: String,
    pub namespace: SafeText,
    pub name: SafeText,
    pub ready: String,
    pub status: SafeText,
    pub health: Health,
    pub restarts: u32,
    pub last_restart: Option<Timestamp>,
    pub created: Option<Timestamp>,
    pub node: SafeText,
    pub ip: SafeText,
    pub owner: Option<(SafeText, SafeText)>,
    pub resources: Resources,
    pub containers: Vec<SafeText>,
}

fn sum(containers: &[Container], pick: impl Fn(&Container) -> Option<u64>) -> Option<u64> {
    let values: Vec<u64> = containers.iter().filter_map(&pick).collect();
    (!values.is_empty()).then(|| values.iter().sum())
}

fn quantity(
    container: &Container,
    kind: &str,
    resource: &str,
    parse: fn(&str) -> Option<u64>,
) -> Option<u64> {
    let resources = container.resources.as_ref()?;
    let map = if kind == "requests" {
        resources.requests.as_ref()?
    } else {
        resources.limits.as_ref()?
    };
    parse(&map.get(resource)?.0)
}

impl PodRow {
    pub fn from_pod(pod: &Pod) -> PodRow {
        let summary = summarize(pod);
        let (ip, node, _, _) = wide_columns(pod);
        let metadata = &pod.metadata;
        let containers = pod
            .spec
            .as_ref()
            .map(|s| s.containers.clone())
            .unwrap_or_default();
        let owner = metadata
            .owner_references
            .as_ref()
            .and_then(|owners| {
                owners
                    .iter()
                    .find(|o| o.controller == Some(true))
                    .or(owners.first())
            })
            .map(|o| {
                (
                    SafeText::from_untrusted(&o.kind),
                    SafeText::from_untrusted(&o.name),
                )
            });
        let text =
            |value: &Option<String>| SafeText::from_untrusted(value.as_deref().unwrap_or_default());
        PodRow {
            uid: metadata.uid.clone().unwrap_or_default(),
            namespace: text(&metadata.namespace),
            name: text(&metadata.name),
            ready: summary.ready_column(),
            status: summary.status_text(),
            health: summary.health(),
            restarts: summary.restarts,
            last_restart: summary.last_restart,
            created: metadata.creation_timestamp.as_ref().map(|t| t.0),
            node: SafeText::from_untrusted(&node),
            ip: SafeText::from_untrusted(&ip),
            owner,
            resources: Resources {
                cpu_request: sum(&containers, |c| {
                    quantity(c, "requests", "cpu", cpu_nanocores)
                }),
                cpu_limit: sum(&containers, |c| quantity(c, "limits", "cpu", cpu_nanocores)),
                memory_request: sum(&containers, |c| {
                    quantity(c, "requests", "memory", memory_bytes)
                }),
                memory_limit: sum(&containers, |c| {
                    quantity(c, "limits", "memory", memory_bytes)
                }),
            },
            containers: containers
                .iter()
                .map(|c| SafeText::from_untrusted(&c.name))
                .collect(),
        }
    }

    /// The RESTARTS column as kubectl prints it.
    pub fn restarts_column(&self, now: Timestamp) -> String {
        match self.last_restart {
            Some(last) if self.restarts > 0 => format!(
                "{} ({} ago)",
                self.restarts,
                super::duration::age(last, now)
            ),
            _ => self.restarts.to_string(),
        }
    }

    /// The AGE column.
    pub fn age_column(&self, now: Timestamp) -> String {
        self.created.map_or_else(
            || "<unknown>".to_string(),
            |created| super::duration::age(created, now),
        )
    }
}

/// Which list of the pod spec a container comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContainerKind {
    Init,
    Sidecar,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    pub fn label(self) -> &'static str {
        match self {
            ContainerKind::Init => "init",
            ContainerKind::Sidecar => "sidecar",
            ContainerKind::Regular => "",
            ContainerKind::Ephemeral => "ephemeral",
        }
    }
}

/// A container's last termination.
#[derive(Debug, Clone, PartialEq)]
pub struct Termination {
    pub reason: SafeText,
    pub exit_code: i32,
    pub signal: Option<i32>,
    pub started: Option<Timestamp>,
    pub finished: Option<Timestamp>,
    pub message: SafeText,
}

/// One container in the pod detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct ContainerDetail {
    pub name: SafeText,
    pub kind: ContainerKind,
    pub image: SafeText,
    /// `Running`, `Waiting`, `Terminated`, or empty before the kubelet reports.
    pub state: SafeText,
    pub reason: SafeText,
    pub exit_code: Option<i32>,
    pub ready: bool,
    pub restart_count: i32,
    pub last_termination: Option<Termination>,
    pub requests: SafeText,
    pub limits: SafeText,
}

fn termination(state: &k8s_openapi::api::core::v1::ContainerStateTerminated) -> Termination {
    Termination {
        reason: SafeText::from_untrusted(state.reason.as_deref().unwrap_or_default()),
        exit_code: state.exit_code,
        signal: state.signal,
        started: state.started_at.as_ref().map(|t| t.0),
        finished: state.finished_at.as_ref().map(|t| t.0),
        message: SafeText::from_untrusted(state.message.as_deref().unwrap_or_default()),
    }
}

fn resource_text(container: &Container, kind: &str) -> SafeText {
    let Some(resources) = container.resources.as_ref() else {
        return SafeText::default();
    };
    let map = if kind == "requests" {
        resources.requests.as_ref()
    } else {
        resources.limits.as_ref()
    };
    let text: Vec<String> = map
        .into_iter()
        .flatten()
        .map(|(name, value)| format!("{name}={}", value.0))
        .collect();
    SafeText::from_untrusted(&text.join(" "))
}

fn detail(
    container: &Container,
    kind: ContainerKind,
    status: Option<&ContainerStatus>,
) -> ContainerDetail {
    let state = status.and_then(|s| s.state.as_ref());
    let (state_text, reason, exit_code) = match state {
        Some(state) if state.running.is_some() => ("Running", String::new(), None),
        Some(state) if state.terminated.is_some() => {
            let terminated = state.terminated.as_ref();
            (
                "Terminated",
                terminated
                    .and_then(|t| t.reason.clone())
                    .unwrap_or_default(),
                terminated.map(|t| t.exit_code),
            )
        }
        Some(state) if state.waiting.is_some() => (
            "Waiting",
            state
                .waiting
                .as_ref()
                .and_then(|w| w.reason.clone())
                .unwrap_or_default(),
            None,
        ),
        _ => ("", String::new(), None),
    };
    ContainerDetail {
        name: SafeText::from_untrusted(&container.name),
        kind,
        image: SafeText::from_untrusted(container.image.as_deref().unwrap_or_default()),
        state: SafeText::from_untrusted(state_text),
        reason: SafeText::from_untrusted(&reason),
        exit_code,
        ready: status.is_some_and(|s| s.ready),
        restart_count: status.map_or(0, |s| s.restart_count),
        last_termination: status
            .and_then(|s| s.last_state.as_ref())
            .and_then(|s| s.terminated.as_ref())
            .map(termination),
        requests: resource_text(container, "requests"),
        limits: resource_text(container, "limits"),
    }
}

/// Every container of a pod, init first, then regular, then ephemeral.
pub fn container_details(pod: &Pod) -> Vec<ContainerDetail> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let status = pod.status.as_ref();
    let find = |list: Option<&Vec<ContainerStatus>>, name: &str| {
        list.and_then(|l| l.iter().find(|s| s.name == name))
            .cloned()
    };
    let mut details = Vec::new();
    for container in spec.init_containers.iter().flatten() {
        let kind = if container.restart_policy.as_deref() == Some("Always") {
            ContainerKind::Sidecar
        } else {
            ContainerKind::Init
        };
        details.push(detail(
            container,
            kind,
            find(
                status.and_then(|s| s.init_container_statuses.as_ref()),
                &container.name,
            )
            .as_ref(),
        ));
    }
    for container in &spec.containers {
        details.push(detail(
            container,
            ContainerKind::Regular,
            find(
                status.and_then(|s| s.container_statuses.as_ref()),
                &container.name,
            )
            .as_ref(),
        ));
    }
    for ephemeral in spec.ephemeral_containers.iter().flatten() {
        let container = Container {
            name: ephemeral.name.clone(),
            image: ephemeral.image.clone(),
            resources: ephemeral.resources.clone(),
            ..Container::default()
        };
        details.push(detail(
            &container,
            ContainerKind::Ephemeral,
            find(
                status.and_then(|s| s.ephemeral_container_statuses.as_ref()),
                &ephemeral.name,
            )
            .as_ref(),
        ));
    }
    details
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Pod {
        let path = format!("{}/tests/fixtures/pods/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(path).unwrap();
        serde_saphyr::from_str(&text).unwrap()
    }

    #[test]
    fn crash_loop_row_and_last_termination() {
        let pod = fixture("crashloopbackoff-error-exit1.yaml");
        let row = PodRow::from_pod(&pod);
        assert_eq!(row.status.as_str(), "CrashLoopBackOff");
        assert_eq!(row.ready, "0/1");
        assert_eq!(row.restarts, 3);
        assert_eq!(row.node.as_str(), "minikube");
        let containers = container_details(&pod);
        assert_eq!(containers.len(), 1);
        let last = containers[0].last_termination.clone().unwrap();
        assert_eq!((last.reason.as_str(), last.exit_code), ("Error", 1));
        assert_eq!(containers[0].reason.as_str(), "CrashLoopBackOff");
    }

    #[test]
    fn hostile_names_are_neutralised() {
        let mut pod = fixture("crashloopbackoff-error-exit1.yaml");
        pod.metadata.name = Some("evil\u{1b}]0;pwned\u{7}".to_string());
        let row = PodRow::from_pod(&pod);
        assert!(!row.name.as_str().contains('\u{1b}'));
        assert!(!row.name.as_str().contains('\u{7}'));
    }
}
