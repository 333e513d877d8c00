//! Pure data projected from Kubernetes API objects: the pod STATUS, READY and
//! RESTARTS columns exactly as kubectl prints them, ages, resource quantities,
//! and `SafeText`, the only way cluster text reaches the screen. This layer owns
//! no I/O, no async and no clients: it reads `k8s_openapi` values and returns
//! plain values, so the TUI and the simulator share one implementation.

pub mod access;
pub mod debug;
pub mod duration;
pub mod listing;
pub mod pod_security;
pub mod pod_status;
pub mod quantity;
pub mod rows;
pub mod safe_text;
