//! The state machine: `AppState` in slices, the messages that change it,
//! the command registry and the keymap. Pure: no kube, no sockets, no
//! drawing, no disk; `update` never blocks. Each slice has its own module
//! that owns its type and the updates to it:
//!
//! - `session`: target, rights, clock, status message
//! - `lists`: the watched lists and how watch updates fold in
//! - `navigation`: the view on screen, the back stack, opening and switching
//! - `overlay`: help, palette and the filter prompt
//! - `metrics`, `detail`, `yaml`, `logs`, `debug`, `history`: one view or
//!   feature each
//!
//! `update` routes a message to them; `cluster_events` routes the cluster's
//! reports. Effects and events are defined in `crate::protocol`.

mod cluster_events;
pub mod commands;
pub mod debug;
pub mod detail;
pub mod history;
pub mod keymap;
pub mod lists;
pub mod logs;
pub mod metrics;
pub mod msg;
pub mod navigation;
pub mod overlay;
pub mod session;
pub mod state;
pub mod update;
pub mod yaml;

#[cfg(test)]
mod keys_tests;
#[cfg(test)]
pub(crate) mod test_state;

pub use msg::Msg;
pub use state::AppState;
pub use update::{start, update};
