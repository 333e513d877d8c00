//! The simulator checked against real clients, in one test binary: kube-rs
//! (`kube`), real kubectl binaries 1.27–1.33 (`kubectl`) and the faults it
//! injects (`faults`). `harness` starts clusters and runs the clients.

mod faults;
mod harness;
mod kube;
mod kubectl;
