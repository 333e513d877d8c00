//! The simulator checked against real clients and real recorded objects, in
//! one test binary: kube-rs (`kube`), real kubectl binaries 1.27–1.33
//! (`kubectl`), the faults it injects (`faults`), its pod printer against
//! pods from real clusters (`printer`), and a rollout, restarts and expiring
//! Events as both clients read them (`rollout`). `harness` starts clusters
//! and runs the clients.
//!
//! Every client talks to an in-process server on loopback; no test may
//! depend on a real cluster or on the ktriage client.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod faults;
mod harness;
mod kube;
mod kubectl;
mod printer;
mod rollout;
