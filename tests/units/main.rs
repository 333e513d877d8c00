//! The unit-level tests, in one test binary: the model against objects real
//! clusters produced, the state machine, the restart history on real SQLite
//! files, and the layering rule of the source tree.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../support/mod.rs"]
mod support;

mod app_update;
mod architecture;
mod history;
mod model_fixtures;
mod model_metrics;
