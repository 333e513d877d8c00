//! Tests of the patch engine: merge patches, JSON patch and ephemeral container updates.

mod ephemeral;
mod json_patch;
mod merge;

use serde_json::{Value, json};

/// A pod as the simulator stores it, with API defaults, running one container.
fn pod() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web-1", "namespace": "shop", "finalizers": ["a", "b"]},
        "spec": {
            "containers": [{
                "name": "app",
                "image": "nginx:1.27",
                "env": [{"name": "MODE", "value": "prod"}, {"name": "DEBUG", "value": "0"}],
                "ports": [{"containerPort": 80, "protocol": "TCP"}],
                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                "resources": {}
            }],
            "initContainers": [{"name": "migrate", "image": "migrate:1"}],
            "volumes": [{"name": "data", "emptyDir": {}}],
            "tolerations": [{"key": "a", "operator": "Exists"}],
            "securityContext": {},
            "restartPolicy": "Always"
        }
    })
}

/// kubectl 1.33's patch for `kubectl debug -it web-1 --image=busybox --target=app`.
fn kubectl_debug_patch(name: &str) -> Value {
    json!({"spec": {"ephemeralContainers": [{
        "image": "busybox",
        "name": name,
        "resources": {},
        "targetContainerName": "app",
        "terminationMessagePolicy": "File",
        "stdin": true,
        "tty": true
    }]}})
}
