//! Every Kubernetes call, through kube-rs: which kubeconfig and context to
//! use, a client per context, watchers that feed slim rows, metrics, details
//! and YAML. Turns API traffic into messages for the state machine and runs
//! its effects. Never draws, never owns UI state, and never writes a
//! credential to a log.

pub mod debug;
pub mod fetch;
pub mod gate;
pub mod kubeconfig;
mod kubeconfig_error;
pub mod logs;
pub mod recording;
pub mod remote;
pub mod runner;
pub mod slim;
pub mod watch;
