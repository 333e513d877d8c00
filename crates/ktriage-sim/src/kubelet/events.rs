//! The event recorder: core/v1 Events as the kubelet and scheduler write them,
//! aggregated like the real recorder (same object, reason, message and source:
//! `count` goes up and `lastTimestamp` moves).
//!
//! It writes Events and nothing else; it must not decide what happened,
//! which the kubelet tells it.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::json;

use crate::resources::EVENTS;
use crate::store::{Store, now_rfc3339};

/// The object an event is about.
#[derive(Debug, Clone)]
pub struct Involved {
    pub kind: &'static str,
    pub api_version: &'static str,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub field_path: Option<String>,
}

#[derive(Debug, Default)]
pub struct EventRecorder {
    seen: HashMap<(String, String, String, String), (String, String)>,
    serial: u64,
}

impl EventRecorder {
    /// Write or bump one event. `namespace` is where the Event object lives.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        store: &Arc<Store>,
        involved: &Involved,
        event_type: &str,
        reason: &str,
        message: &str,
        component: &str,
        host: Option<&str>,
    ) {
        let namespace = if involved.namespace.is_empty() {
            "default".to_string()
        } else {
            involved.namespace.clone()
        };
        let key = (
            involved.uid.clone(),
            reason.to_string(),
            message.to_string(),
            component.to_string(),
        );
        let now = now_rfc3339();
        if let Some((event_namespace, event_name)) = self.seen.get(&key) {
            let bumped = store.modify(&EVENTS, event_namespace, event_name, |event| {
                let count = event["count"].as_u64().unwrap_or(1) + 1;
                event["count"] = json!(count);
                event["lastTimestamp"] = json!(now);
                Ok(())
            });
            if bumped.is_ok() {
                return;
            }
        }
        self.serial += 1;
        let name = format!(
            "{}.{:x}",
            involved.name,
            0x1870_0000_0000_0000u64 + self.serial * 0x9e37_79b9
        );
        let mut involved_object = json!({
            "kind": involved.kind, "name": involved.name, "uid": involved.uid, "apiVersion": involved.api_version,
        });
        if !involved.namespace.is_empty() {
            involved_object["namespace"] = json!(involved.namespace);
        }
        if let Some(field_path) = &involved.field_path {
            involved_object["fieldPath"] = json!(field_path);
        }
        let mut source = json!({"component": component});
        if let Some(host) = host {
            source["host"] = json!(host);
        }
        let event = json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": namespace},
            "involvedObject": involved_object,
            "reason": reason, "message": message, "source": source,
            "firstTimestamp": now, "lastTimestamp": now, "count": 1, "type": event_type,
            "eventTime": null, "reportingComponent": component, "reportingInstance": host.unwrap_or_default(),
        });
        if store.create(&EVENTS, event).is_ok() {
            self.seen.insert(key, (namespace, name));
        }
    }
}
