//! Every Kubernetes call, through kube-rs: clients per context, watchers
//! that feed slim rows, metrics, details and YAML. Turns API traffic into
//! messages for the state machine and runs its effects. Never draws and
//! never owns UI state.

pub mod fetch;
pub mod runner;
pub mod watch;
