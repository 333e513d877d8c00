//! Container specs for pods that reach the kubelet through the API rather
//! than a scenario (every container simply runs), and which images the
//! simulated registry lacks.
//!
//! It reads pod JSON only; it must not start anything.

use serde_json::Value;

use crate::scenario::{Behavior, ContainerSpec, ProbeSpec, Resources};

/// Container specs for a pod that came through the API rather than a scenario.
pub fn specs_from_pod(pod: &Value, list: &str) -> Vec<ContainerSpec> {
    pod["spec"][list]
        .as_array()
        .into_iter()
        .flatten()
        .map(|container| {
            let strings = |field: &str| -> Vec<String> {
                container[field]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            };
            let quantity = |kind: &str, resource: &str| {
                container["resources"][kind][resource]
                    .as_str()
                    .map(str::to_string)
            };
            ContainerSpec {
                name: container["name"].as_str().unwrap_or_default().to_string(),
                image: container["image"].as_str().unwrap_or_default().to_string(),
                command: strings("command")
                    .into_iter()
                    .chain(strings("args"))
                    .collect(),
                behavior: Behavior::Run,
                requests: Resources {
                    cpu: quantity("requests", "cpu"),
                    memory: quantity("requests", "memory"),
                },
                limits: Resources {
                    cpu: quantity("limits", "cpu"),
                    memory: quantity("limits", "memory"),
                },
                usage: Resources::default(),
                logs: None,
                env: container["env"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| {
                        Some((
                            e["name"].as_str()?.to_string(),
                            e["value"].as_str().unwrap_or_default().to_string(),
                        ))
                    })
                    .collect(),
                sidecar: container["restartPolicy"] == "Always",
                ports: Vec::new(),
                readiness_probe: container
                    .get("readinessProbe")
                    .filter(|p| p.is_object())
                    .map(|probe| ProbeSpec {
                        initial_delay_seconds: probe["initialDelaySeconds"].as_f64().unwrap_or(0.0),
                        period_seconds: probe["periodSeconds"].as_f64().unwrap_or(10.0),
                        path: probe["httpGet"]["path"].as_str().unwrap_or("/").to_string(),
                    }),
            }
        })
        .collect()
}

/// Images the simulated registry does not have.
pub fn unpullable(image: &str) -> bool {
    ["does-not-exist", "nonexistent", "invalid"]
        .iter()
        .any(|marker| image.contains(marker))
}
