//! The simulated cluster: a Kubernetes API server that speaks the real wire protocol,
//! so that `ktriage --demo`, the tests, the benches and real `kubectl` binaries can talk
//! to it as they would to a cluster. The pieces declared here are pure and synchronous:
//! the shell that simulated containers run, the protobuf request decoder and the patch
//! engine. They must not open sockets, spawn tasks or touch the host system.

pub mod patch;
pub mod protobuf;
pub mod shell;
