//! One file per screen. Each draws from the state it is given and never
//! changes it; cluster and typed text arrive as `SafeText`. Reusable pieces
//! (the table, the chrome, pop-up placement) are in `ui::widgets`.

pub mod contexts;
pub mod debug;
pub mod help;
pub mod history;
pub mod logs;
pub mod namespaces;
pub mod nodes;
pub mod palette;
pub mod pod_detail;
pub mod pods;
pub mod workloads;
pub mod yaml;
