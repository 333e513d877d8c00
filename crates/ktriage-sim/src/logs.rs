//! Container logs of the simulated cluster, kept per container instance so
//! that `previous` works after a restart.
//!
//! Lines come from generators (plain, JSON, ANSI-coloured, stack traces,
//! numbered) computed from the clock, so an idle container costs nothing until
//! someone reads it, and from literal lines a scenario gives verbatim (any
//! bytes, escape sequences included). Each instance keeps a bounded buffer.
//!
//! It must not know about HTTP or follow streams: `server::logs` serves what
//! it reads.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use jiff::Timestamp;

use super::scenario::{Generator, LogSpec};

/// Lines an instance keeps before the oldest are dropped (the kubelet rotates).
pub const LINES_PER_INSTANCE: usize = 200_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub time: Timestamp,
    pub text: String,
}

#[derive(Debug)]
struct GeneratorState {
    kind: Generator,
    lines_per_second: f64,
    started: Instant,
    started_at: Timestamp,
    produced: u64,
}

/// The log of one run of one container.
#[derive(Debug)]
pub struct Instance {
    pub container_id: String,
    lines: VecDeque<LogLine>,
    /// Lines dropped from the front of the buffer.
    evicted: u64,
    generator: Option<GeneratorState>,
    ended: Option<(Instant, Timestamp)>,
}

impl Instance {
    fn push(&mut self, line: LogLine) {
        if self.lines.len() >= LINES_PER_INSTANCE {
            self.lines.pop_front();
            self.evicted += 1;
        }
        self.lines.push_back(line);
    }

    /// Produce the generator's lines due by `now` (or by the instance's end).
    fn materialize(&mut self, now: Instant) {
        let until = self.ended.map_or(now, |(ended, _)| ended.min(now));
        let Some(generator) = self.generator.as_mut() else {
            return;
        };
        let elapsed = until
            .saturating_duration_since(generator.started)
            .as_secs_f64();
        let due = (elapsed * generator.lines_per_second).floor() as u64;
        let mut produced = Vec::new();
        while generator.produced < due {
            let sequence = generator.produced;
            let offset =
                jiff::SignedDuration::from_secs_f64(sequence as f64 / generator.lines_per_second);
            let time = generator
                .started_at
                .checked_add(offset)
                .unwrap_or(generator.started_at);
            for text in generate(generator.kind, sequence, time) {
                produced.push(LogLine { time, text });
            }
            generator.produced += 1;
        }
        for line in produced {
            self.push(line);
        }
    }

    pub fn ended(&self) -> bool {
        self.ended.is_some()
    }
}

/// A read of one instance: lines from an absolute index on.
#[derive(Debug, Clone)]
pub struct LogRead {
    pub container_id: String,
    pub lines: Vec<LogLine>,
    /// The absolute index after the last line returned.
    pub next: u64,
    pub ended: bool,
}

type ContainerKey = (String, String, String);

/// Every container's instances.
#[derive(Debug, Default)]
pub struct LogStore {
    containers: HashMap<ContainerKey, VecDeque<Instance>>,
}

fn key(namespace: &str, pod: &str, container: &str) -> ContainerKey {
    (
        namespace.to_string(),
        pod.to_string(),
        container.to_string(),
    )
}

impl LogStore {
    /// A container instance starts: its literal lines are written at once.
    pub fn start(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        container_id: &str,
        spec: Option<&LogSpec>,
        now: Instant,
    ) {
        let started_at = Timestamp::now();
        let mut instance = Instance {
            container_id: container_id.to_string(),
            lines: VecDeque::new(),
            evicted: 0,
            generator: spec.and_then(|spec| {
                spec.generator.map(|kind| GeneratorState {
                    kind,
                    lines_per_second: spec.lines_per_second.max(0.001),
                    started: now,
                    started_at,
                    produced: 0,
                })
            }),
            ended: None,
        };
        for text in spec.map(|spec| spec.literal.as_slice()).unwrap_or_default() {
            for line in text.split('\n') {
                instance.push(LogLine {
                    time: started_at,
                    text: line.to_string(),
                });
            }
        }
        let instances = self
            .containers
            .entry(key(namespace, pod, container))
            .or_default();
        instances.push_back(instance);
        // The kubelet keeps the current and the previous instance only.
        while instances.len() > 2 {
            instances.pop_front();
        }
    }

    /// The current instance ends, after writing its last words.
    pub fn end(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        last_words: &[String],
        now: Instant,
    ) {
        if let Some(instance) = self
            .containers
            .get_mut(&key(namespace, pod, container))
            .and_then(|i| i.back_mut())
        {
            if instance.ended.is_some() {
                return;
            }
            instance.materialize(now);
            let time = Timestamp::now();
            for text in last_words {
                instance.push(LogLine {
                    time,
                    text: text.clone(),
                });
            }
            instance.ended = Some((now, time));
        }
    }

    /// Append a line to the current instance (what an attached shell prints).
    pub fn append(&mut self, namespace: &str, pod: &str, container: &str, text: &str) {
        if let Some(instance) = self
            .containers
            .get_mut(&key(namespace, pod, container))
            .and_then(|i| i.back_mut())
        {
            instance.push(LogLine {
                time: Timestamp::now(),
                text: text.to_string(),
            });
        }
    }

    /// Forget a pod's logs (the pod is gone).
    pub fn remove_pod(&mut self, namespace: &str, pod: &str) {
        self.containers
            .retain(|(ns, name, _), _| !(ns == namespace && name == pod));
    }

    /// Read the current (or previous) instance from absolute index `from`.
    pub fn read(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        previous: bool,
        from: u64,
        now: Instant,
    ) -> Option<LogRead> {
        let instances = self.containers.get_mut(&key(namespace, pod, container))?;
        let instance = if previous {
            let count = instances.len();
            if count < 2 || instances.back().is_some_and(|i| i.ended.is_some()) && count < 1 {
                return None;
            }
            instances.get_mut(count - 2)?
        } else {
            instances.back_mut()?
        };
        instance.materialize(now);
        Some(read_instance(instance, from))
    }

    /// Read the instance with this container ID from `from`, if it is still kept.
    pub fn read_instance(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        container_id: &str,
        from: u64,
        now: Instant,
    ) -> Option<LogRead> {
        let instances = self.containers.get_mut(&key(namespace, pod, container))?;
        let instance = instances
            .iter_mut()
            .find(|i| i.container_id == container_id)?;
        instance.materialize(now);
        Some(read_instance(instance, from))
    }
}

fn read_instance(instance: &Instance, from: u64) -> LogRead {
    let skip = from.saturating_sub(instance.evicted) as usize;
    let lines: Vec<LogLine> = instance.lines.iter().skip(skip).cloned().collect();
    let next = instance.evicted.max(from) + lines.len() as u64;
    LogRead {
        container_id: instance.container_id.clone(),
        lines,
        next,
        ended: instance.ended.is_some(),
    }
}

const PATHS: &[&str] = &[
    "/api/v1/orders",
    "/api/v1/cart",
    "/healthz",
    "/api/v1/items/[id]",
    "/static/app.js",
];

/// The lines a generator writes for its `sequence`th tick.
pub fn generate(kind: Generator, sequence: u64, time: Timestamp) -> Vec<String> {
    let path = PATHS[(sequence % PATHS.len() as u64) as usize];
    let status = if sequence % 23 == 7 { 503 } else { 200 };
    let level = match (sequence % 53, sequence % 17) {
        (0, _) if sequence > 0 => "error",
        (_, 0) if sequence > 0 => "warn",
        _ => "info",
    };
    match kind {
        Generator::Numbered => vec![format!("seq={sequence} level={level} msg=\"tick\"")],
        Generator::Plain => vec![format!(
            "[{}] GET {path} {status} {}ms",
            level.to_uppercase(),
            (sequence * 7) % 97 + 1
        )],
        Generator::Json => vec![format!(
            "{{\"ts\":\"{time}\",\"level\":\"{level}\",\"msg\":\"request served\",\"path\":\"{path}\",\"status\":{status},\"seq\":{sequence},\"tags\":[\"web\",\"v2\"]}}"
        )],
        Generator::Ansi => {
            let colour = match level {
                "error" => "31",
                "warn" => "33",
                _ => "32",
            };
            vec![format!(
                "\u{1b}[{colour}m{:<5}\u{1b}[0m \u{1b}[1mworker-{}\u{1b}[0m job {sequence} finished in {}ms",
                level.to_uppercase(),
                sequence % 4,
                (sequence * 13) % 400
            )]
        }
        Generator::StackTrace => {
            if sequence % 10 == 9 {
                vec![
                    format!(
                        "ERROR processing order {sequence}: java.lang.IllegalStateException: inventory locked"
                    ),
                    "\tat com.example.shop.Inventory.reserve(Inventory.java:88)".to_string(),
                    "\tat com.example.shop.OrderService.place(OrderService.java:142)".to_string(),
                    "\tat java.base/java.lang.Thread.run(Thread.java:1583)".to_string(),
                ]
            } else {
                vec![format!("INFO order {sequence} accepted")]
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn numbered(rate: f64) -> LogSpec {
        LogSpec {
            generator: Some(Generator::Numbered),
            lines_per_second: rate,
            literal: vec!["boot".to_string()],
        }
    }

    #[test]
    fn generator_lines_follow_the_clock_without_gaps() {
        let mut store = LogStore::default();
        let start = Instant::now();
        store.start("ns", "p", "app", "id-1", Some(&numbered(100.0)), start);
        let first = store
            .read(
                "ns",
                "p",
                "app",
                false,
                0,
                start + Duration::from_millis(105),
            )
            .unwrap();
        assert_eq!(first.lines[0].text, "boot");
        assert_eq!(first.lines.len(), 1 + 10);
        let second = store
            .read(
                "ns",
                "p",
                "app",
                false,
                first.next,
                start + Duration::from_millis(305),
            )
            .unwrap();
        assert_eq!(second.lines.len(), 20);
        assert!(second.lines[0].text.starts_with("seq=10 "));
    }

    #[test]
    fn previous_is_the_ended_instance() {
        let mut store = LogStore::default();
        let start = Instant::now();
        store.start("ns", "p", "app", "id-1", Some(&numbered(10.0)), start);
        assert!(store.read("ns", "p", "app", true, 0, start).is_none());
        store.end(
            "ns",
            "p",
            "app",
            &["fatal: out of cheese".to_string()],
            start + Duration::from_secs(1),
        );
        store.start(
            "ns",
            "p",
            "app",
            "id-2",
            None,
            start + Duration::from_secs(2),
        );
        let previous = store
            .read("ns", "p", "app", true, 0, start + Duration::from_secs(3))
            .unwrap();
        assert_eq!(previous.container_id, "id-1");
        assert!(previous.ended);
        assert_eq!(
            previous.lines.last().map(|l| l.text.as_str()),
            Some("fatal: out of cheese")
        );
        assert_eq!(previous.lines.len(), 1 + 10 + 1);
    }
}
