//! The end-to-end tests, in one test binary: everything that talks to the
//! simulated cluster, a terminal or the built `ktriage` binary. The tests
//! that run the application loop start it through `harness`, which wires it
//! with `ktriage::run::wiring` as the program does.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

// The simulator's own test harness: one copy serves its conformance tests
// and these.
#[path = "../../crates/ktriage-sim/tests/conformance/harness.rs"]
mod common;
mod harness;
mod history;

mod cli;
mod e2e_browse;
mod e2e_debug;
mod e2e_debug_refusals;
mod e2e_logs;
mod e2e_terminal_bytes;
mod kubeconfig;
mod logs_stream;
mod terminal_restore;
mod tty_attach;
