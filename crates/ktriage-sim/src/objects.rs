//! API objects built from a scenario, with the defaults the real apiserver
//! fills in (pods without `spec.securityContext` crash `kubectl debug`).
//!
//! Pure functions from scenario data to JSON: they must not write pod status
//! (the kubelet owns it) or touch the store.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::scenario::{
    ContainerSpec, NodeSpec, PodTemplate, Resources, ServiceSpec, WorkloadKind, WorkloadSpec,
};

/// Who owns a pod.
#[derive(Debug, Clone)]
pub struct Owner {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub name: String,
    pub uid: String,
}

/// A short, stable, lowercase alphanumeric suffix derived from text, as
/// controllers generate for pod names.
pub fn suffix(seed: &str, length: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..length)
        .map(|_| {
            let index = (hash % ALPHABET.len() as u64) as usize;
            hash = hash.rotate_right(7).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            char::from(ALPHABET[index])
        })
        .collect()
}

fn quantities(resources: &Resources) -> Value {
    let mut map = Map::new();
    if let Some(cpu) = &resources.cpu {
        map.insert("cpu".to_string(), json!(cpu));
    }
    if let Some(memory) = &resources.memory {
        map.insert("memory".to_string(), json!(memory));
    }
    Value::Object(map)
}

fn container(spec: &ContainerSpec, token_volume: &str) -> Value {
    let mut value = container_spec(spec);
    value["volumeMounts"] = json!([{"name": token_volume, "readOnly": true, "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}]);
    value
}

/// A container as a pod template declares it (no service account mount:
/// admission adds that to each pod).
fn container_spec(spec: &ContainerSpec) -> Value {
    let mut resources = Map::new();
    let requests = quantities(&spec.requests);
    let limits = quantities(&spec.limits);
    if limits.as_object().is_some_and(|m| !m.is_empty()) {
        resources.insert("limits".to_string(), limits.clone());
    }
    if requests.as_object().is_some_and(|m| !m.is_empty()) {
        resources.insert("requests".to_string(), requests);
    } else if limits.as_object().is_some_and(|m| !m.is_empty()) {
        // The apiserver defaults requests to limits.
        resources.insert("requests".to_string(), limits);
    }
    let mut value = json!({
        "name": spec.name,
        "image": spec.image,
        "resources": resources,
    });
    if !spec.command.is_empty() {
        value["command"] = json!(spec.command);
    }
    if !spec.env.is_empty() {
        value["env"] = spec
            .env
            .iter()
            .map(|(name, v)| json!({"name": name, "value": v}))
            .collect();
    }
    if !spec.ports.is_empty() {
        value["ports"] = spec
            .ports
            .iter()
            .map(|port| json!({"containerPort": port, "protocol": "TCP"}))
            .collect();
    }
    if spec.sidecar {
        value["restartPolicy"] = json!("Always");
    }
    if let Some(probe) = &spec.readiness_probe {
        value["readinessProbe"] = json!({
            "httpGet": {"path": probe.path, "port": spec.ports.first().copied().unwrap_or(8080), "scheme": "HTTP"},
            "initialDelaySeconds": probe.initial_delay_seconds.round() as u64,
            "periodSeconds": probe.period_seconds.round() as u64,
            "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3,
        });
    }
    value
}

/// A workload's `spec.template` with the apiserver's defaults, the same
/// bytes in a Deployment and in its ReplicaSets (but for the
/// `pod-template-hash` label), as `kubectl rollout history` compares them.
pub fn pod_template(template: &PodTemplate, labels: &BTreeMap<String, String>) -> Value {
    let mut metadata = json!({"labels": labels, "creationTimestamp": null});
    if !template.annotations.is_empty() {
        metadata["annotations"] = json!(template.annotations);
    }
    let mut spec = json!({
        "containers": template.containers.iter().map(container_spec).collect::<Vec<_>>(),
        "restartPolicy": template.restart_policy.clone().unwrap_or_else(|| "Always".to_string()),
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "securityContext": {},
        "schedulerName": "default-scheduler",
    });
    if !template.init_containers.is_empty() {
        spec["initContainers"] = template
            .init_containers
            .iter()
            .map(container_spec)
            .collect();
    }
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for container in containers {
                apply_container_defaults(container);
            }
        }
    }
    json!({"metadata": metadata, "spec": spec})
}

/// The `pod-template-hash` of a Deployment's revision: revision 1 keeps the
/// name it always had, later ones hash their template.
pub fn template_hash(namespace: &str, name: &str, revision: u64, template: &PodTemplate) -> String {
    if revision <= 1 {
        return suffix(&format!("{namespace}/{name}"), 10);
    }
    let images: Vec<&str> = template
        .containers
        .iter()
        .map(|c| c.image.as_str())
        .collect();
    suffix(
        &format!("{namespace}/{name}#{revision}/{}", images.join(",")),
        10,
    )
}

/// `maxSurge` and `maxUnavailable` of the 25 % defaults, resolved for a
/// replica count as the Deployment controller resolves them (surge rounds
/// up, unavailable down, and they are never both zero).
pub fn rolling_limits(replicas: u32) -> (u32, u32) {
    let surge = replicas.div_ceil(4);
    let unavailable = replicas / 4;
    if surge == 0 && unavailable == 0 {
        (0, 1)
    } else {
        (surge, unavailable)
    }
}

/// A pod as created by a controller or a user, before the kubelet sees it.
pub fn pod(
    namespace: &str,
    name: &str,
    template: &PodTemplate,
    labels: &BTreeMap<String, String>,
    owner: Option<&Owner>,
) -> Value {
    let token_volume = format!("kube-api-access-{}", suffix(name, 5));
    let mut metadata = json!({"name": name, "namespace": namespace, "labels": labels});
    if !template.annotations.is_empty() {
        metadata["annotations"] = json!(template.annotations);
    }
    if let Some(owner) = owner {
        metadata["ownerReferences"] = json!([{
            "apiVersion": owner.api_version, "kind": owner.kind, "name": owner.name,
            "uid": owner.uid, "controller": true, "blockOwnerDeletion": true,
        }]);
        metadata["generateName"] = json!(format!("{}-", owner.name));
    }
    let mut spec = json!({
        "containers": template.containers.iter().map(|c| container(c, &token_volume)).collect::<Vec<_>>(),
        "volumes": [{"name": token_volume, "projected": {"defaultMode": 420, "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
        ]}}],
    });
    if !template.init_containers.is_empty() {
        spec["initContainers"] = template
            .init_containers
            .iter()
            .map(|c| container(c, &token_volume))
            .collect();
    }
    if let Some(policy) = &template.restart_policy {
        spec["restartPolicy"] = json!(policy);
    }
    let mut value = json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec});
    apply_pod_defaults(&mut value);
    value
}

/// Fill in what the apiserver defaults on a pod it admits.
pub fn apply_pod_defaults(pod: &mut Value) {
    let spec = &mut pod["spec"];
    let defaults = [
        ("restartPolicy", json!("Always")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("dnsPolicy", json!("ClusterFirst")),
        ("serviceAccountName", json!("default")),
        ("securityContext", json!({})),
        ("schedulerName", json!("default-scheduler")),
        ("priority", json!(0)),
        ("enableServiceLinks", json!(true)),
        ("preemptionPolicy", json!("PreemptLowerPriority")),
        (
            "tolerations",
            json!([
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            ]),
        ),
    ];
    for (field, default) in defaults {
        if spec.get(field).is_none_or(Value::is_null) {
            spec[field] = default;
        }
    }
    if spec.get("serviceAccount").is_none_or(Value::is_null) {
        spec["serviceAccount"] = spec["serviceAccountName"].clone();
    }
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for container in containers {
                apply_container_defaults(container);
            }
        }
    }
    let qos = qos_class(&pod["spec"]);
    if pod.get("status").is_none_or(Value::is_null) {
        pod["status"] = json!({"phase": "Pending", "qosClass": qos});
    }
    if pod["metadata"]
        .get("labels")
        .is_some_and(|labels| labels.as_object().is_some_and(Map::is_empty))
        && let Some(metadata) = pod["metadata"].as_object_mut()
    {
        metadata.remove("labels");
    }
}

/// Container defaults: termination message, pull policy, resources.
pub fn apply_container_defaults(container: &mut Value) {
    if container
        .get("terminationMessagePath")
        .is_none_or(Value::is_null)
    {
        container["terminationMessagePath"] = json!("/dev/termination-log");
    }
    if container
        .get("terminationMessagePolicy")
        .is_none_or(Value::is_null)
    {
        container["terminationMessagePolicy"] = json!("File");
    }
    if container.get("imagePullPolicy").is_none_or(Value::is_null) {
        let image = container["image"].as_str().unwrap_or_default();
        let tag = image.rsplit('/').next().unwrap_or(image);
        let policy = if !tag.contains(':') || tag.ends_with(":latest") {
            "Always"
        } else {
            "IfNotPresent"
        };
        container["imagePullPolicy"] = json!(policy);
    }
    if container.get("resources").is_none_or(Value::is_null) {
        container["resources"] = json!({});
    }
}

fn qos_class(spec: &Value) -> &'static str {
    let containers: Vec<&Value> = spec["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .collect();
    let has = |c: &Value, kind: &str| {
        c["resources"][kind]
            .as_object()
            .is_some_and(|m| !m.is_empty())
    };
    if containers
        .iter()
        .all(|c| !has(c, "requests") && !has(c, "limits"))
    {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| {
            let limit = &c["resources"]["limits"][r];
            !limit.is_null() && c["resources"]["requests"][r] == *limit
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

pub fn namespace(name: &str, labels: &BTreeMap<String, String>) -> Value {
    let mut labels = labels.clone();
    labels.insert("kubernetes.io/metadata.name".to_string(), name.to_string());
    json!({
        "apiVersion": "v1", "kind": "Namespace",
        "metadata": {"name": name, "labels": labels},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    })
}

pub fn node(spec: &NodeSpec, index: usize) -> Value {
    let mut labels = spec.labels.clone();
    for (key, value) in [
        ("kubernetes.io/hostname", spec.name.as_str()),
        ("kubernetes.io/os", "linux"),
        ("kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("beta.kubernetes.io/arch", "amd64"),
    ] {
        labels.insert(key.to_string(), value.to_string());
    }
    let capacity = json!({"cpu": spec.cpu, "memory": spec.memory, "pods": "110", "ephemeral-storage": "100Gi"});
    let address = format!("10.0.{}.{}", index / 250, index % 250 + 2);
    json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": spec.name, "labels": labels, "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
        "spec": {"podCIDR": format!("10.244.{index}.0/24"), "podCIDRs": [format!("10.244.{index}.0/24")]},
        "status": {
            "capacity": capacity, "allocatable": capacity,
            "conditions": [
                {"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available"},
                {"type": "DiskPressure", "status": "False", "reason": "KubeletHasNoDiskPressure", "message": "kubelet has no disk pressure"},
                {"type": "PIDPressure", "status": "False", "reason": "KubeletHasSufficientPID", "message": "kubelet has sufficient PID available"},
                {"type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status"},
            ],
            "addresses": [{"type": "InternalIP", "address": address}, {"type": "Hostname", "address": spec.name}],
            "nodeInfo": {
                "kubeletVersion": "v1.33.2", "kubeProxyVersion": "v1.33.2", "containerRuntimeVersion": "containerd://2.0.5",
                "osImage": "Debian GNU/Linux 12 (bookworm)", "kernelVersion": "6.1.0-37-amd64",
                "operatingSystem": "linux", "architecture": "amd64",
                "machineID": super::objects::suffix(&spec.name, 32), "systemUUID": super::objects::suffix(&spec.name, 32),
                "bootID": super::objects::suffix(&spec.name, 32),
            },
        },
    })
}

/// The controller object of a workload (a Deployment's ReplicaSets come
/// from `replica_set`).
pub fn workload(
    spec: &WorkloadSpec,
    selector: &BTreeMap<String, String>,
) -> (&'static super::resources::ResourceType, Value) {
    use super::resources::{DAEMONSETS, DEPLOYMENTS, JOBS, STATEFULSETS};
    let template = json!({"metadata": {"labels": selector}, "spec": {"containers": spec.template.containers.iter().map(|c| json!({"name": c.name, "image": c.image})).collect::<Vec<_>>()}});
    let mut labels = spec.labels.clone();
    labels.extend(selector.clone());
    let metadata =
        json!({"name": spec.name, "namespace": spec.namespace, "labels": labels, "generation": 1});
    let selector_json = json!({"matchLabels": selector});
    match spec.kind {
        WorkloadKind::Deployment => {
            let mut metadata = metadata;
            metadata["annotations"] = json!({"deployment.kubernetes.io/revision": "1"});
            (
                &DEPLOYMENTS,
                json!({
                    "apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata,
                    "spec": {"replicas": spec.replicas, "selector": selector_json, "template": pod_template(&spec.template, selector),
                             "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                             "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
                    "status": {},
                }),
            )
        }
        WorkloadKind::StatefulSet => (
            &STATEFULSETS,
            json!({
                "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": metadata,
                "spec": {"replicas": spec.replicas, "selector": selector_json, "template": template, "serviceName": spec.name, "podManagementPolicy": "OrderedReady"},
                "status": {"observedGeneration": 1, "replicas": spec.replicas},
            }),
        ),
        WorkloadKind::DaemonSet => (
            &DAEMONSETS,
            json!({
                "apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": metadata,
                "spec": {"selector": selector_json, "template": template},
                "status": {"observedGeneration": 1},
            }),
        ),
        WorkloadKind::Job => (
            &JOBS,
            json!({
                "apiVersion": "batch/v1", "kind": "Job", "metadata": metadata,
                "spec": {"parallelism": spec.replicas, "completions": spec.replicas, "backoffLimit": 6, "selector": selector_json, "template": template},
                "status": {},
            }),
        ),
    }
}

/// One revision of a Deployment as its ReplicaSet.
pub struct ReplicaSetOf<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    /// The Deployment's selector plus `pod-template-hash`.
    pub labels: &'a BTreeMap<String, String>,
    pub template: &'a PodTemplate,
    pub revision: u64,
    pub replicas: u32,
    /// The Deployment's replicas, and those plus its `maxSurge`.
    pub desired: u32,
    pub max: u32,
    /// Pods it has now (`status.replicas`).
    pub current: u32,
    pub change_cause: Option<&'a str>,
    pub owner: &'a Owner,
}

pub fn replica_set(of: &ReplicaSetOf<'_>) -> Value {
    let mut annotations = json!({
        "deployment.kubernetes.io/revision": of.revision.to_string(),
        "deployment.kubernetes.io/desired-replicas": of.desired.to_string(),
        "deployment.kubernetes.io/max-replicas": of.max.to_string(),
    });
    if let Some(cause) = of.change_cause {
        annotations["kubernetes.io/change-cause"] = json!(cause);
    }
    let owner = of.owner;
    json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": of.name, "namespace": of.namespace, "labels": of.labels, "generation": 1,
            "annotations": annotations,
            "ownerReferences": [{"apiVersion": owner.api_version, "kind": owner.kind, "name": owner.name, "uid": owner.uid, "controller": true, "blockOwnerDeletion": true}]},
        "spec": {"replicas": of.replicas, "selector": {"matchLabels": of.labels}, "template": pod_template(of.template, of.labels)},
        "status": {"replicas": of.current},
    })
}

pub fn service(spec: &ServiceSpec, index: usize) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": spec.name, "namespace": spec.namespace},
        "spec": {"type": "ClusterIP", "clusterIP": format!("10.96.{}.{}", index / 250, index % 250 + 10),
                 "ports": [{"name": "http", "port": spec.port, "targetPort": spec.port, "protocol": "TCP"}],
                 "selector": spec.selector, "sessionAffinity": "None"},
        "status": {"loadBalancer": {}},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Behavior, ContainerSpec};

    fn container_spec(name: &str) -> ContainerSpec {
        ContainerSpec {
            name: name.to_string(),
            image: "busybox:1.36".to_string(),
            command: Vec::new(),
            behavior: Behavior::Run,
            requests: Resources {
                cpu: Some("100m".into()),
                memory: None,
            },
            limits: Resources {
                cpu: None,
                memory: Some("128Mi".into()),
            },
            usage: Resources::default(),
            logs: None,
            env: BTreeMap::new(),
            sidecar: false,
            ports: Vec::new(),
            readiness_probe: None,
        }
    }

    #[test]
    fn pods_carry_the_api_defaults_kubectl_debug_needs() {
        let template = PodTemplate {
            containers: vec![container_spec("app")],
            ..PodTemplate::default()
        };
        let pod = pod("shop", "web-1", &template, &BTreeMap::new(), None);
        assert_eq!(pod["spec"]["securityContext"], json!({}));
        assert_eq!(pod["spec"]["restartPolicy"], "Always");
        assert_eq!(
            pod["spec"]["containers"][0]["terminationMessagePolicy"],
            "File"
        );
        assert_eq!(
            pod["spec"]["containers"][0]["imagePullPolicy"],
            "IfNotPresent"
        );
        assert_eq!(pod["status"]["qosClass"], "Burstable");
        assert_eq!(
            pod["spec"]["containers"][0]["resources"]["requests"]["cpu"],
            "100m"
        );
    }

    #[test]
    fn suffixes_are_stable_and_distinct() {
        assert_eq!(suffix("a", 5), suffix("a", 5));
        assert_ne!(suffix("a", 5), suffix("b", 5));
        assert_eq!(suffix("web", 10).len(), 10);
    }
}
