//! Assembles a simulated cluster from a scenario: the store filled with
//! namespaces, nodes, services, workloads and their pods (with the defaults
//! the apiserver applies), the kubelet that runs them, the controllers that
//! keep Deployments and ReplicaSets, and the users.
//!
//! It builds and wires; it must not serve requests (`server` does) or run
//! containers (`kubelet` does).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use super::auth::Authorizer;
use super::controller::ControllerManager;
use super::controller::deployment::DeploymentState;
use super::controller::replicaset::ReplicaSetState;
use super::kubelet::Kubelet;
use super::objects::{self, Owner};
use super::resources::{NAMESPACES, NODES, PODS, REPLICASETS, SERVICES};
use super::scenario::{
    Behavior, ContainerSpec, NodeSpec, PodTemplate, Resources, Scale, Scenario, WorkloadKind,
    WorkloadSpec,
};
use super::status::ApiError;
use super::store::{Store, StoreLimits};

/// Namespaces every cluster has.
const SYSTEM_NAMESPACES: &[&str] = &["default", "kube-system", "kube-public", "kube-node-lease"];

/// The cluster's state and the actors that change it.
pub struct Cluster {
    pub store: Arc<Store>,
    pub kubelet: Arc<Kubelet>,
    pub controllers: Arc<ControllerManager>,
    pub authorizer: Authorizer,
    pub scenario: Scenario,
}

fn default_nodes() -> Vec<NodeSpec> {
    (1..=3)
        .map(|i| NodeSpec {
            name: format!("node-{i}"),
            cpu: "4".to_string(),
            memory: "16Gi".to_string(),
            labels: BTreeMap::new(),
        })
        .collect()
}

impl Cluster {
    pub fn build(mut scenario: Scenario) -> Result<Cluster, ApiError> {
        let mut limits = StoreLimits {
            event_ttl: std::time::Duration::from_secs_f64(
                scenario.cluster.event_ttl_seconds / scenario.cluster.speed,
            ),
            ..StoreLimits::default()
        };
        if let Some(events) = scenario.faults.watch_history_events {
            limits.history_events = events.max(1);
        }
        if let Some(scale) = scenario.scale {
            generate(&mut scenario, scale);
        }
        if scenario.nodes.is_empty() {
            scenario.nodes = default_nodes();
        }
        let store = Arc::new(Store::new(limits));
        let nodes: Vec<(String, String)> = scenario
            .nodes
            .iter()
            .enumerate()
            .map(|(index, node)| {
                (
                    node.name.clone(),
                    format!("10.0.{}.{}", index / 250, index % 250 + 2),
                )
            })
            .collect();
        let kubelet = Arc::new(Kubelet::new(store.clone(), scenario.cluster.speed, &nodes));
        let started = std::time::Instant::now();
        let controllers = Arc::new(ControllerManager::new(
            store.clone(),
            kubelet.clone(),
            scenario.cluster.speed,
            scenario.nodes.iter().map(|n| n.name.clone()).collect(),
        ));
        for name in SYSTEM_NAMESPACES {
            if !scenario.namespaces.iter().any(|n| n.name == *name) {
                store.create(&NAMESPACES, objects::namespace(name, &BTreeMap::new()))?;
            }
        }
        for namespace in &scenario.namespaces {
            store.create(
                &NAMESPACES,
                objects::namespace(&namespace.name, &namespace.labels),
            )?;
        }
        for (index, node) in scenario.nodes.iter().enumerate() {
            store.create(&NODES, objects::node(node, index))?;
        }
        for (index, service) in scenario.services.iter().enumerate() {
            store.create(&SERVICES, objects::service(service, index))?;
        }
        let settled = scenario.scale.is_some();
        let mut placement = 0usize;
        let node_names: Vec<String> = scenario.nodes.iter().map(|n| n.name.clone()).collect();
        let mut next_node = |template: &PodTemplate| -> Option<String> {
            if template.unschedulable.is_some() {
                return None;
            }
            if let Some(node) = &template.node {
                return Some(node.clone());
            }
            placement += 1;
            node_names.get(placement % node_names.len().max(1)).cloned()
        };
        for workload in &scenario.workloads {
            let mut selector = workload.template.labels.clone();
            selector
                .entry("app".to_string())
                .or_insert_with(|| workload.name.clone());
            let (resource, value) = objects::workload(workload, &selector);
            let stored = store.create(resource, value)?;
            let owner_value = stored.value()?;
            let owner = Owner {
                api_version: if workload.kind == WorkloadKind::Job {
                    "batch/v1"
                } else {
                    "apps/v1"
                },
                kind: kind_name(workload.kind),
                name: workload.name.clone(),
                uid: owner_value["metadata"]["uid"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            };
            let mut adopted = None;
            let (pod_owner, pod_prefix) = if workload.kind == WorkloadKind::Deployment {
                let hash = objects::template_hash(
                    &workload.namespace,
                    &workload.name,
                    1,
                    &workload.template,
                );
                let name = format!("{}-{hash}", workload.name);
                let mut labels = selector.clone();
                labels.insert("pod-template-hash".to_string(), hash);
                let (surge, _) = objects::rolling_limits(workload.replicas);
                let replica_set = store.create(
                    &REPLICASETS,
                    objects::replica_set(&objects::ReplicaSetOf {
                        namespace: &workload.namespace,
                        name: &name,
                        labels: &labels,
                        template: &workload.template,
                        revision: 1,
                        replicas: workload.replicas,
                        desired: workload.replicas,
                        max: workload.replicas + surge,
                        current: workload.replicas,
                        change_cause: None,
                        owner: &owner,
                    }),
                )?;
                let uid = replica_set.value()?["metadata"]["uid"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                adopted = Some((
                    DeploymentState::new(
                        &workload.namespace,
                        &workload.name,
                        &owner.uid,
                        workload.replicas,
                        selector.clone(),
                        workload.template.clone(),
                        workload.rollout.as_ref(),
                        started,
                        scenario.cluster.speed,
                    ),
                    (name.clone(), uid.clone(), labels.clone()),
                ));
                selector = labels;
                (
                    Owner {
                        api_version: "apps/v1",
                        kind: "ReplicaSet",
                        name: name.clone(),
                        uid,
                    },
                    name,
                )
            } else {
                (owner.clone(), workload.name.clone())
            };
            let count = if workload.kind == WorkloadKind::DaemonSet {
                scenario.nodes.len() as u32
            } else {
                workload.replicas
            };
            let mut pods = Vec::new();
            for replica in 0..count {
                let name = match workload.kind {
                    WorkloadKind::StatefulSet => format!("{pod_prefix}-{replica}"),
                    _ => format!(
                        "{pod_prefix}-{}",
                        objects::suffix(&format!("{pod_prefix}/{replica}"), 5)
                    ),
                };
                let mut template = workload.template.clone();
                if workload.kind == WorkloadKind::DaemonSet {
                    template.node = scenario.nodes.get(replica as usize).map(|n| n.name.clone());
                }
                if workload.kind == WorkloadKind::Job && template.restart_policy.is_none() {
                    template.restart_policy = Some("Never".to_string());
                }
                let node = next_node(&template);
                create_pod(
                    &store,
                    &kubelet,
                    &workload.namespace,
                    &name,
                    &template,
                    &selector,
                    Some(&pod_owner),
                    node,
                    settled,
                )?;
                pods.push(name);
            }
            if let Some((deployment, (name, uid, labels))) = adopted {
                let set = ReplicaSetState::new(
                    &workload.namespace,
                    &name,
                    &uid,
                    deployment.key(),
                    labels,
                    workload.template.clone(),
                    1,
                    workload.replicas,
                    pods,
                );
                controllers.adopt(deployment, set, settled);
            }
        }
        for pod in &scenario.pods {
            let node = next_node(&pod.template);
            create_pod(
                &store,
                &kubelet,
                &pod.namespace,
                &pod.name,
                &pod.template,
                &pod.template.labels,
                None,
                node,
                settled,
            )?;
        }
        let authorizer = Authorizer::new(scenario.users.clone());
        Ok(Cluster {
            store,
            kubelet,
            controllers,
            authorizer,
            scenario,
        })
    }
}

fn kind_name(kind: WorkloadKind) -> &'static str {
    match kind {
        WorkloadKind::Deployment => "Deployment",
        WorkloadKind::StatefulSet => "StatefulSet",
        WorkloadKind::DaemonSet => "DaemonSet",
        WorkloadKind::Job => "Job",
    }
}

/// Store a pod (with the apiserver's defaults) and hand it to the kubelet.
#[allow(clippy::too_many_arguments)]
pub(crate) fn create_pod(
    store: &Arc<Store>,
    kubelet: &Arc<Kubelet>,
    namespace: &str,
    name: &str,
    template: &PodTemplate,
    labels: &BTreeMap<String, String>,
    owner: Option<&Owner>,
    node: Option<String>,
    settled: bool,
) -> Result<(), ApiError> {
    let mut pod = objects::pod(namespace, name, template, labels, owner);
    if let Some(node) = node {
        pod["spec"]["nodeName"] = Value::String(node);
    }
    if settled {
        // Generated bulk has been running for a while: one to thirty days.
        let days = 1 + i64::from(objects::suffix(name, 1).as_bytes()[0] % 30);
        let created = jiff::Timestamp::now()
            .checked_sub(jiff::SignedDuration::from_hours(24 * days))
            .unwrap_or_else(|_| jiff::Timestamp::now());
        pod["metadata"]["creationTimestamp"] =
            Value::String(created.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
    }
    let stored = store.create(&PODS, pod)?;
    let pod = stored.value()?;
    if settled {
        kubelet.admit_settled(&pod, template);
    } else {
        kubelet.admit(&pod, Some(template));
    }
    Ok(())
}

fn generated_container(name: &str, behavior: Behavior) -> ContainerSpec {
    ContainerSpec {
        name: name.to_string(),
        image: "registry.example.com/shop/api:1.14.2".to_string(),
        command: Vec::new(),
        behavior,
        requests: Resources {
            cpu: Some("50m".to_string()),
            memory: Some("64Mi".to_string()),
        },
        limits: Resources {
            cpu: None,
            memory: Some("256Mi".to_string()),
        },
        usage: Resources::default(),
        logs: None,
        env: BTreeMap::new(),
        sidecar: false,
        ports: vec![8080],
        readiness_probe: None,
    }
}

/// Add generated namespaces, nodes and deployments of ten pods each.
pub fn generate(scenario: &mut Scenario, scale: Scale) {
    let namespaces = scale.namespaces.max(1);
    for index in 0..scale.nodes {
        scenario.nodes.push(NodeSpec {
            name: format!("node-{index:03}"),
            cpu: "16".to_string(),
            memory: "64Gi".to_string(),
            labels: BTreeMap::new(),
        });
    }
    for index in 0..namespaces {
        scenario.namespaces.push(super::scenario::NamespaceSpec {
            name: format!("ns-{index:03}"),
            labels: BTreeMap::new(),
        });
    }
    let per_namespace = scale.pods / namespaces;
    for namespace_index in 0..namespaces {
        let namespace = format!("ns-{namespace_index:03}");
        let mut remaining = per_namespace + u32::from(namespace_index < scale.pods % namespaces);
        let mut deployment = 0;
        while remaining > 0 {
            let replicas = remaining.min(10);
            remaining -= replicas;
            // Some deployments crash-loop, so bulk has some life in it.
            let behavior = if scale
                .crash_loop_every
                .is_some_and(|every| every > 0 && deployment % every == every - 1)
            {
                Behavior::CrashLoop {
                    exit_code: 1,
                    run_seconds: 30.0,
                    last_words: Vec::new(),
                }
            } else {
                Behavior::Run
            };
            scenario.workloads.push(WorkloadSpec {
                kind: WorkloadKind::Deployment,
                name: format!("svc-{deployment:04}"),
                namespace: namespace.clone(),
                replicas,
                labels: BTreeMap::new(),
                template: PodTemplate {
                    containers: vec![generated_container("app", behavior)],
                    ..PodTemplate::default()
                },
                rollout: None,
            });
            deployment += 1;
        }
    }
}
