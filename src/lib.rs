//! ktriage: a terminal UI for triaging Kubernetes workloads.

pub mod cluster;
pub mod model;
pub mod sim;
