//! ktriage: a terminal UI for triaging Kubernetes workloads.

pub mod app;
pub mod audit;
pub mod cluster;
pub mod config;
pub mod history;
pub mod model;
pub mod protocol;
pub mod run;
pub mod terminal;
pub mod ui;
