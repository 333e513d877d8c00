//! Pure data projected from Kubernetes API objects: the pod STATUS, READY and
//! RESTARTS columns exactly as kubectl prints them, ages, resource quantities,
//! and `SafeText`, the only way cluster text reaches the screen; and the log
//! viewer's data: parsed lines (`log_line`), the bounded line store
//! (`log_buffer`) and its search and filter (`log_query`, `log_index`); and
//! the records of restart history with the detection of terminations and
//! gaps (`restart`). This layer owns no I/O, no async and no clients: it
//! reads `k8s_openapi` values and returns plain values. The simulator (`ktriage-sim`) has its own
//! readings of the same Kubernetes rules and shares none of this code, so
//! each checks the other.

pub mod access;
pub mod debug;
pub mod detail;
pub mod duration;
pub mod listing;
pub mod log_buffer;
pub mod log_index;
pub mod log_level;
pub mod log_line;
pub mod log_query;
pub mod log_style;
pub mod pod_security;
pub mod pod_status;
pub mod quantity;
pub mod restart;
pub mod rows;
pub mod safe_text;
pub mod timeline;
pub mod typed_text;
