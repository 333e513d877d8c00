//! The state machine: `AppState`, the messages that change it, the effects it
//! asks for, the command registry and the keymap. Pure: no kube, no sockets,
//! no drawing; `update` never blocks.

mod cluster_events;
pub mod collection;
pub mod commands;
pub mod debug;
pub mod input;
pub mod keymap;
pub mod logs;
mod logs_update;
pub mod msg;
mod navigation;
pub mod palette;
pub mod state;
pub mod update;

#[cfg(test)]
mod keys_tests;

pub use msg::Msg;
pub use state::AppState;
pub use update::{start, update};
