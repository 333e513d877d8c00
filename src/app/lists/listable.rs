//! How each kind of row is keyed, filtered and sorted, and the columns each
//! list sorts by.

use super::collection::{Listable, SortKey, text_key, timestamp_key};
use crate::model::listing::{ContextRow, NamespaceRow, NodeRow, WorkloadRow};
use crate::model::rows::PodRow;

/// Columns of the pods table, in order (the sort cycles through them).
pub const POD_COLUMNS: &[&str] = &[
    "NAMESPACE",
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "CPU",
    "MEM",
    "NODE",
    "AGE",
];

impl Listable for PodRow {
    fn key(&self) -> String {
        self.uid.clone()
    }

    fn filter_text(&self) -> String {
        format!("{}/{}", self.namespace.as_str(), self.name.as_str())
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match POD_COLUMNS.get(column).copied().unwrap_or("NAME") {
            "NAMESPACE" => SortKey::Text(format!(
                "{}/{}",
                self.namespace.as_str(),
                self.name.as_str()
            )),
            "READY" => SortKey::Text(self.ready.clone()),
            "STATUS" => text_key(&self.status),
            "RESTARTS" => SortKey::Number(i64::from(self.restarts)),
            "NODE" => text_key(&self.node),
            "AGE" => timestamp_key(self.created),
            "CPU" => SortKey::Number(self.resources.cpu_request.map_or(0, |v| v as i64)),
            "MEM" => SortKey::Number(self.resources.memory_request.map_or(0, |v| v as i64)),
            _ => text_key(&self.name),
        }
    }
}

pub const WORKLOAD_COLUMNS: &[&str] = &[
    "NAMESPACE",
    "KIND",
    "NAME",
    "READY",
    "UP-TO-DATE",
    "AVAILABLE",
    "AGE",
];

impl Listable for WorkloadRow {
    fn key(&self) -> String {
        if self.uid.is_empty() {
            format!(
                "{:?}/{}/{}",
                self.kind,
                self.namespace.as_str(),
                self.name.as_str()
            )
        } else {
            self.uid.clone()
        }
    }

    fn filter_text(&self) -> String {
        format!(
            "{}/{}/{}",
            self.kind.label(),
            self.namespace.as_str(),
            self.name.as_str()
        )
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match WORKLOAD_COLUMNS.get(column).copied().unwrap_or("NAME") {
            "NAMESPACE" => SortKey::Text(format!(
                "{}/{}",
                self.namespace.as_str(),
                self.name.as_str()
            )),
            "KIND" => SortKey::Text(self.kind.label().to_string()),
            "READY" => SortKey::Number(i64::from(self.ready) - i64::from(self.desired)),
            "UP-TO-DATE" => SortKey::Number(i64::from(self.up_to_date)),
            "AVAILABLE" => SortKey::Number(i64::from(self.available)),
            "AGE" => timestamp_key(self.created),
            _ => text_key(&self.name),
        }
    }
}

pub const NAMESPACE_COLUMNS: &[&str] = &["NAME", "STATUS", "AGE"];

impl Listable for NamespaceRow {
    fn key(&self) -> String {
        self.name.as_str().to_string()
    }

    fn filter_text(&self) -> String {
        self.name.as_str().to_string()
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            1 => text_key(&self.phase),
            2 => timestamp_key(self.created),
            _ => text_key(&self.name),
        }
    }
}

pub const NODE_COLUMNS: &[&str] = &["NAME", "STATUS", "ROLES", "VERSION", "AGE"];

impl Listable for NodeRow {
    fn key(&self) -> String {
        self.name.as_str().to_string()
    }

    fn filter_text(&self) -> String {
        self.name.as_str().to_string()
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            1 => SortKey::Number(i64::from(self.ready)),
            2 => text_key(&self.roles),
            3 => text_key(&self.version),
            4 => timestamp_key(self.created),
            _ => text_key(&self.name),
        }
    }
}

pub const CONTEXT_COLUMNS: &[&str] = &["NAME", "CLUSTER", "USER", "NAMESPACE"];

impl Listable for ContextRow {
    fn key(&self) -> String {
        self.name.as_str().to_string()
    }

    fn filter_text(&self) -> String {
        self.name.as_str().to_string()
    }

    fn sort_key(&self, column: usize) -> SortKey {
        match column {
            1 => text_key(&self.cluster),
            2 => text_key(&self.user),
            3 => text_key(&self.namespace),
            _ => text_key(&self.name),
        }
    }
}
