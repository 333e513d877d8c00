//! ktriage: a terminal UI for triaging Kubernetes workloads.

pub mod sim;
