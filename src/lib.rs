//! ktriage: a terminal UI for triaging Kubernetes workloads.

pub mod model;
pub mod sim;
pub mod terminal;
