//! The simulated cluster: a Kubernetes API server that speaks the real wire
//! protocol, so that `ktriage --demo`, ktriage's tests and benches, and real
//! `kubectl` binaries can talk to it as they would to a cluster.
//!
//! `scenario` reads what the cluster holds; `cluster` builds it into the
//! `store` and hands pods to the `kubelet` and Deployments to the
//! `controller`s; `server` serves it over HTTP;
//! `printers` and `quantity` hold the server's own readings of Kubernetes'
//! text rules (kubectl's columns, resource quantities). Nothing here runs a
//! process of the host or reaches beyond loopback, and nothing here prints:
//! `ktriage sim` reports where it serves from the ktriage binary.
//!
//! This crate depends on nothing of ktriage, and must not. It is the
//! reference the client is tested against: a server that borrowed the
//! client's status rules or quantity arithmetic would agree with the client
//! by construction, and a wrong rule would pass every test on both sides.
//! Written apart, from the Kubernetes sources, the two check each other.

pub mod admission;
pub mod auth;
pub mod cluster;
pub mod controller;
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
