//! The screen tests, in one test binary: every view drawn on a TestBackend
//! and compared with its reviewed snapshot (`snapshots/`), and the painter
//! that writes only changed frames.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod painter;
mod ui_debug_snapshots;
mod ui_history_snapshots;
mod ui_logs_snapshots;
mod ui_snapshots;
