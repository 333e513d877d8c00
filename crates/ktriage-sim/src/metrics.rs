//! Resource usage as the simulated metrics server reports it, following each
//! container's story: a steady base with a little movement, and a leak that
//! climbs to its memory limit.
//!
//! It computes numbers only; it must not format quantities or build the
//! metrics objects (the kubelet does).

use std::time::Instant;

use super::kubelet::container::ContainerRuntime;
use super::quantity::{cpu_nanocores, memory_bytes};
use super::scenario::Behavior;

/// `(cpu nanocores, memory bytes)` of a running container at `now`.
pub fn usage(container: &ContainerRuntime, now: Instant, speed: f64) -> (u64, u64) {
    let spec = &container.spec;
    let request_cpu = spec.requests.cpu.as_deref().and_then(cpu_nanocores);
    let request_memory = spec.requests.memory.as_deref().and_then(memory_bytes);
    let base_cpu = spec
        .usage
        .cpu
        .as_deref()
        .and_then(cpu_nanocores)
        .or(request_cpu.map(|r| r / 2))
        .unwrap_or(3_000_000);
    let base_memory = spec
        .usage
        .memory
        .as_deref()
        .and_then(memory_bytes)
        .or(request_memory.map(|r| r * 3 / 5))
        .unwrap_or(24 << 20);
    let running = container.running_since.map_or(0.0, |since| {
        now.saturating_duration_since(since).as_secs_f64() * speed
    });
    // A slow, deterministic wobble of about ±15 %.
    let phase = running / 7.0 + spec.name.len() as f64;
    let cpu = (base_cpu as f64 * (1.0 + 0.15 * phase.sin())).max(0.0) as u64;
    let memory = match spec.behavior {
        Behavior::MemoryLeak { bytes_per_second } => {
            let limit = spec
                .limits
                .memory
                .as_deref()
                .and_then(memory_bytes)
                .unwrap_or(u64::MAX) as f64;
            (base_memory as f64 + bytes_per_second * running).min(limit) as u64
        }
        _ => (base_memory as f64 * (1.0 + 0.03 * (phase / 3.0).sin())) as u64,
    };
    (cpu, memory)
}
