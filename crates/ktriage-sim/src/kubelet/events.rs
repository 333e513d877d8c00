//! The event recorder: core/v1 Events as client-go's `record` package writes
//! them for the kubelet, the scheduler and the controllers. Its correlator
//! runs in the real order:
//!
//! 1. aggregation: ten events about one object that differ only in message
//!    within ten minutes turn into one `(combined from similar events): …`
//!    event;
//! 2. de-duplication: an event seen before (same source, object, field path,
//!    type, reason and message) bumps `count` and `lastTimestamp` of the
//!    first one, which keeps its name and `firstTimestamp`;
//! 3. the spam filter: a source may write 25 events about one object, then
//!    one every five minutes. A filtered event still counts, so the next
//!    write jumps by all it missed.
//!
//! An Event the apiserver expired (`--event-ttl`) is written again under its
//! old name with the count the recorder kept, as client-go retries a failed
//! patch as a create. Times are the cluster's: intervals run `speed` times
//! faster than the host's clock.
//!
//! It writes Events and nothing else; it must not decide what happened,
//! which its callers tell it.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Instant;

use serde_json::json;

use crate::resources::EVENTS;
use crate::store::{Store, now_rfc3339};

/// The object an event is about.
#[derive(Debug, Clone)]
pub struct Involved {
    pub kind: &'static str,
    pub api_version: &'static str,
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub field_path: Option<String>,
}

/// One event as a component reports it.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub event_type: &'a str,
    pub reason: &'a str,
    pub message: &'a str,
    pub component: &'a str,
    pub host: Option<&'a str>,
}

/// client-go's `defaultAggregateMaxEvents` and `defaultAggregateIntervalInSeconds`.
const AGGREGATE_MAX_EVENTS: usize = 10;
const AGGREGATE_INTERVAL_SECONDS: f64 = 600.0;
/// client-go's `defaultSpamBurst` and `defaultSpamQPS`.
const SPAM_BURST: f64 = 25.0;
const SPAM_REFILL_PER_SECOND: f64 = 1.0 / 300.0;
/// client-go's `maxLruCacheEntries`: each cache of one recorder forgets
/// beyond this.
pub const CACHE_ENTRIES: usize = 4096;

#[derive(Debug, Clone)]
struct Observation {
    count: u64,
    first_timestamp: String,
    namespace: String,
    name: String,
}

#[derive(Debug, Default)]
struct Aggregate {
    messages: BTreeSet<String>,
    last: f64,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: f64,
}

#[derive(Debug)]
pub struct EventRecorder {
    observed: Lru<Option<Observation>>,
    aggregates: Lru<Aggregate>,
    buckets: Lru<Option<Bucket>>,
    serial: u64,
    epoch: Instant,
    speed: f64,
}

impl Default for EventRecorder {
    fn default() -> Self {
        EventRecorder::new(1.0, CACHE_ENTRIES)
    }
}

fn key(parts: &[&str]) -> String {
    parts.join("\u{0}")
}

/// An entry of one of the correlator's caches, with when it was last used.
#[derive(Debug)]
struct Entry<V> {
    value: V,
    used: u64,
}

/// One of client-go's LRU caches (`maxLruCacheEntries` entries): past its
/// capacity the least recently used entries are forgotten, so an old event
/// seen again starts a new Event.
#[derive(Debug)]
struct Lru<V> {
    entries: HashMap<String, Entry<V>>,
    capacity: usize,
    clock: u64,
}

impl<V> Lru<V> {
    fn new(capacity: usize) -> Lru<V> {
        Lru {
            entries: HashMap::new(),
            capacity: capacity.max(4),
            clock: 0,
        }
    }

    /// The entry for `key`, made by `make` if there is none.
    fn entry(&mut self, key: String, make: impl FnOnce() -> V) -> &mut V {
        self.clock += 1;
        let clock = self.clock;
        if !self.entries.contains_key(&key) && self.entries.len() >= self.capacity {
            self.evict();
        }
        let entry = self.entries.entry(key).or_insert_with(|| Entry {
            value: make(),
            used: clock,
        });
        entry.used = clock;
        &mut entry.value
    }

    /// Forget the least recently used quarter at once (cheaper than one at
    /// a time, and the same to an event that is not seen again soon).
    fn evict(&mut self) {
        let mut uses: Vec<u64> = self.entries.values().map(|e| e.used).collect();
        uses.sort_unstable();
        if let Some(cut) = uses.get(uses.len() / 4).copied() {
            self.entries.retain(|_, entry| entry.used > cut);
        }
    }
}

impl EventRecorder {
    /// A recorder on a cluster whose clock runs `speed` times the host's,
    /// each of its caches holding `entries` (client-go's 4096 per process:
    /// the simulated kubelet, standing for one per node, holds that many
    /// per node).
    pub fn new(speed: f64, entries: usize) -> EventRecorder {
        EventRecorder {
            observed: Lru::new(entries),
            aggregates: Lru::new(entries),
            buckets: Lru::new(entries),
            serial: 0,
            epoch: Instant::now(),
            speed: if speed > 0.0 { speed } else { 1.0 },
        }
    }

    fn cluster_seconds(&self, now: Instant) -> f64 {
        now.saturating_duration_since(self.epoch).as_secs_f64() * self.speed
    }

    fn next_name(&mut self, object: &str) -> String {
        self.serial += 1;
        let nanos = jiff::Timestamp::now().as_nanosecond().max(0) as u64;
        format!("{object}.{:x}", nanos.wrapping_add(self.serial))
    }

    /// Write or bump one event. `involved.namespace` is where the Event
    /// lives (`default` for cluster-scoped objects).
    pub fn record(
        &mut self,
        store: &Arc<Store>,
        involved: &Involved,
        report: &Report<'_>,
        now: Instant,
    ) {
        let seconds = self.cluster_seconds(now);
        let host = report.host.unwrap_or_default();
        let field_path = involved.field_path.as_deref().unwrap_or_default();
        let object = [
            report.component,
            host,
            involved.kind,
            &involved.namespace,
            &involved.name,
            &involved.uid,
            involved.api_version,
        ];
        // 1. Aggregation by reason: the message is the only difference.
        let aggregate_key = key(&[
            &object[..],
            &[report.event_type, report.reason, report.component, host],
        ]
        .concat());
        let aggregate = self
            .aggregates
            .entry(aggregate_key.clone(), Aggregate::default);
        if seconds - aggregate.last > AGGREGATE_INTERVAL_SECONDS {
            aggregate.messages.clear();
        }
        aggregate.messages.insert(report.message.to_string());
        aggregate.last = seconds;
        let combined = aggregate.messages.len() >= AGGREGATE_MAX_EVENTS;
        if combined {
            let first = aggregate.messages.iter().next().cloned();
            if let Some(first) = first {
                aggregate.messages.remove(&first);
            }
        }
        let (message, observation_key) = if combined {
            (
                format!("(combined from similar events): {}", report.message),
                aggregate_key,
            )
        } else {
            (
                report.message.to_string(),
                key(&[
                    &object[..],
                    &[field_path, report.event_type, report.reason, report.message],
                ]
                .concat()),
            )
        };
        // 2. De-duplication: the same event again bumps the first one.
        let now_text = now_rfc3339();
        let namespace = if involved.namespace.is_empty() {
            "default".to_string()
        } else {
            involved.namespace.clone()
        };
        let fresh_name = self.next_name(&involved.name);
        let slot = self.observed.entry(observation_key, || None);
        let observation = match slot.take() {
            Some(previous) => Observation {
                count: previous.count + 1,
                ..previous
            },
            None => Observation {
                count: 1,
                first_timestamp: now_text.clone(),
                namespace,
                name: fresh_name,
            },
        };
        *slot = Some(observation.clone());
        // 3. The spam filter, per source and object.
        let bucket = self
            .buckets
            .entry(key(&object), || None)
            .get_or_insert(Bucket {
                tokens: SPAM_BURST,
                at: seconds,
            });
        bucket.tokens =
            (bucket.tokens + (seconds - bucket.at) * SPAM_REFILL_PER_SECOND).min(SPAM_BURST);
        bucket.at = seconds;
        if bucket.tokens < 1.0 {
            return;
        }
        bucket.tokens -= 1.0;
        if observation.count > 1 {
            let patched = store.modify(
                &EVENTS,
                &observation.namespace,
                &observation.name,
                |event| {
                    event["count"] = json!(observation.count);
                    event["lastTimestamp"] = json!(now_text);
                    event["message"] = json!(message);
                    Ok(())
                },
            );
            if patched.is_ok() {
                return;
            }
        }
        let mut involved_object = json!({
            "kind": involved.kind, "name": involved.name, "uid": involved.uid, "apiVersion": involved.api_version,
        });
        if !involved.namespace.is_empty() {
            involved_object["namespace"] = json!(involved.namespace);
        }
        if let Some(field_path) = &involved.field_path {
            involved_object["fieldPath"] = json!(field_path);
        }
        let mut source = json!({"component": report.component});
        if let Some(host) = report.host {
            source["host"] = json!(host);
        }
        let event = json!({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": observation.name, "namespace": observation.namespace},
            "involvedObject": involved_object,
            "reason": report.reason, "message": message, "source": source,
            "firstTimestamp": observation.first_timestamp, "lastTimestamp": now_text,
            "count": observation.count, "type": report.event_type,
            "eventTime": null, "reportingComponent": report.component, "reportingInstance": host,
        });
        let _ = store.create(&EVENTS, event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreLimits;
    use std::time::Duration;

    fn pod() -> Involved {
        Involved {
            kind: "Pod",
            api_version: "v1",
            namespace: "shop".into(),
            name: "web-1".into(),
            uid: "uid-1".into(),
            field_path: Some("spec.containers{app}".into()),
        }
    }

    fn report(message: &str) -> Report<'_> {
        Report {
            event_type: "Warning",
            reason: "BackOff",
            message,
            component: "kubelet",
            host: Some("node-1"),
        }
    }

    fn events(store: &Store) -> Vec<serde_json::Value> {
        store
            .list(&EVENTS, &Default::default())
            .unwrap()
            .items
            .iter()
            .map(|e| e.value().unwrap())
            .collect()
    }

    #[test]
    fn the_same_event_bumps_count_and_keeps_the_first_timestamp() {
        let store = Arc::new(Store::new(StoreLimits::default()));
        let mut recorder = EventRecorder::new(1.0, CACHE_ENTRIES);
        let now = Instant::now();
        for _ in 0..3 {
            recorder.record(&store, &pod(), &report("Back-off restarting"), now);
        }
        let all = events(&store);
        assert_eq!(all.len(), 1);
        assert_eq!(all[0]["count"], 3);
        assert_eq!(
            all[0]["involvedObject"]["fieldPath"],
            "spec.containers{app}"
        );
        assert_eq!(
            all[0]["source"],
            json!({"component": "kubelet", "host": "node-1"})
        );
    }

    #[test]
    fn ten_messages_for_one_reason_are_combined() {
        let store = Arc::new(Store::new(StoreLimits::default()));
        let mut recorder = EventRecorder::new(1.0, CACHE_ENTRIES);
        let now = Instant::now();
        let messages: Vec<String> = (0..12).map(|i| format!("message {i}")).collect();
        for message in &messages {
            recorder.record(&store, &pod(), &report(message), now);
        }
        let all = events(&store);
        // Nine plain events, then one combined event bumped three times.
        assert_eq!(all.len(), 10, "{all:#?}");
        let combined: Vec<&serde_json::Value> = all
            .iter()
            .filter(|e| {
                e["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("(combined from similar events): "))
            })
            .collect();
        assert_eq!(combined.len(), 1);
        assert_eq!(combined[0]["count"], 3);
        assert_eq!(
            combined[0]["message"],
            "(combined from similar events): message 11"
        );
    }

    #[test]
    fn the_spam_filter_holds_writes_but_keeps_counting() {
        let store = Arc::new(Store::new(StoreLimits::default()));
        let mut recorder = EventRecorder::new(1.0, CACHE_ENTRIES);
        let start = Instant::now();
        // 25 distinct events use the burst (different reasons, one object).
        for i in 0..25 {
            let reason = format!("Reason{i}");
            let report = Report {
                reason: &reason,
                ..report("m")
            };
            recorder.record(&store, &pod(), &report, start);
        }
        recorder.record(&store, &pod(), &report("again"), start);
        recorder.record(&store, &pod(), &report("again"), start);
        assert!(
            events(&store).iter().all(|e| e["message"] != "again"),
            "the 26th event is filtered"
        );
        // Five minutes later a token is back: the count includes the filtered ones.
        let later = start + Duration::from_secs(301);
        recorder.record(&store, &pod(), &report("again"), later);
        let again: Vec<serde_json::Value> = events(&store)
            .into_iter()
            .filter(|e| e["message"] == "again")
            .collect();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0]["count"], 3);
    }

    #[test]
    fn the_caches_forget_the_least_recently_used() {
        let mut cache: Lru<u32> = Lru::new(8);
        for i in 0..8 {
            *cache.entry(format!("k{i}"), || i) += 0;
        }
        // k0 is used again, so k1 and k2 are the oldest when k8 arrives.
        cache.entry("k0".into(), || 99);
        cache.entry("k8".into(), || 8);
        assert!(cache.entries.contains_key("k0"));
        assert!(!cache.entries.contains_key("k1"));
        assert!(!cache.entries.contains_key("k2"));
        assert!(cache.entries.contains_key("k8"));
        assert!(cache.entries.len() <= 8);
    }

    #[test]
    fn an_expired_event_is_written_again_with_its_count() {
        let store = Arc::new(Store::new(StoreLimits {
            event_ttl: Duration::from_millis(1),
            ..StoreLimits::default()
        }));
        let mut recorder = EventRecorder::new(1.0, CACHE_ENTRIES);
        let now = Instant::now();
        recorder.record(&store, &pod(), &report("Back-off"), now);
        recorder.record(&store, &pod(), &report("Back-off"), now);
        let first = events(&store);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(store.expire(Instant::now()), 1);
        assert!(events(&store).is_empty());
        recorder.record(&store, &pod(), &report("Back-off"), now);
        let again = events(&store);
        assert_eq!(again.len(), 1);
        assert_eq!(again[0]["count"], 3);
        assert_eq!(again[0]["metadata"]["name"], first[0]["metadata"]["name"]);
        assert_eq!(again[0]["firstTimestamp"], first[0]["firstTimestamp"]);
    }
}
