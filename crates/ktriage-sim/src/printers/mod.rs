//! The cells a real API server puts in the `meta.k8s.io/v1` Tables that
//! `kubectl get` prints: the pod columns of kubernetes'
//! `pkg/printers/internalversion` (`printPod`) and the ages of apimachinery's
//! `duration.HumanDuration`.
//!
//! These are the simulator's own readings of those rules, kept apart from
//! ktriage's client on purpose: when the two disagree, one of them is wrong
//! about Kubernetes. Printers read objects as JSON and return text; they must
//! not read the clock (callers pass `now`), change the object, or know about
//! HTTP or the store.

pub mod age;
pub mod pod;

pub use age::{human_duration, since};
pub use pod::{Completion, PodRow, print_pod};
