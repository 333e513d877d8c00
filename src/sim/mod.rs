//! The simulated cluster: a Kubernetes API server that speaks the real wire
//! protocol, so that `ktriage --demo`, the tests, the benches and real
//! `kubectl` binaries can talk to it as they would to a cluster.
//!
//! `scenario` reads what the cluster holds; `cluster` builds it into the
//! `store` and hands pods to the `kubelet`; `server` serves it over HTTP.
//! Nothing here runs a process of the host or reaches beyond loopback.

pub mod admission;
pub mod auth;
pub mod cluster;
pub mod fields;
pub mod kubelet;
pub mod logs;
pub mod metrics;
pub mod objects;
pub mod patch;
pub mod printers;
pub mod protobuf;
pub mod quantity;
pub mod resources;
pub mod run;
pub mod scenario;
pub mod selector;
pub mod server;
pub mod shell;
pub mod status;
pub mod store;
pub mod stored;

pub use cluster::Cluster;
pub use scenario::Scenario;
pub use server::SimServer;
