//! The simulated cluster's object store: one global resourceVersion counter,
//! a persistent ordered map per resource type, a bounded history of changes for
//! watches, and list snapshots for `continue` tokens.
//!
//! Objects are kept as their serialized JSON plus the few things selectors need
//! (labels and selectable fields), so a list of 50,000 pods is served by
//! concatenating bytes. Events live only `event_ttl` after their last write,
//! as the apiserver's `--event-ttl` lease in etcd makes them. The store knows
//! nothing of HTTP, users or kubelets.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;
use tokio::sync::broadcast;

use super::resources::ResourceType;
use super::status::ApiError;
use super::stored::{
    CONTINUE_EXPIRED, decode_continue, encode_continue, object_key, set_resource_version,
    stored_object,
};

/// `(namespace, name)`; the namespace is empty for cluster-scoped objects.
pub type ObjectKey = (String, String);
type TypeKey = (&'static str, &'static str);
type ObjectMap = imbl::OrdMap<ObjectKey, Arc<StoredObject>>;

/// One object as stored: its JSON and what selectors look at.
#[derive(Debug)]
pub struct StoredObject {
    pub resource: &'static ResourceType,
    pub namespace: String,
    pub name: String,
    pub resource_version: u64,
    pub labels: BTreeMap<String, String>,
    pub fields: Vec<(&'static str, String)>,
    pub json: Bytes,
}

impl StoredObject {
    pub fn field(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(field, _)| *field == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    pub fn value(&self) -> Result<Value, ApiError> {
        serde_json::from_slice(&self.json).map_err(|error| ApiError::internal(error.to_string()))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    Added,
    Modified,
    Deleted,
}

impl EventType {
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// One change, as every watcher sees it.
#[derive(Debug)]
pub struct WatchEvent {
    pub event_type: EventType,
    pub object: Arc<StoredObject>,
    /// The object before this change (none for an addition).
    pub previous: Option<Arc<StoredObject>>,
}

/// A page of a list.
#[derive(Debug)]
pub struct ListPage {
    pub resource_version: u64,
    pub items: Vec<Arc<StoredObject>>,
    pub continue_token: Option<String>,
    pub remaining_item_count: Option<usize>,
}

/// What a list asks for.
#[derive(Default)]
pub struct ListRequest<'a> {
    pub namespace: Option<&'a str>,
    pub limit: Option<usize>,
    pub continue_token: Option<&'a str>,
    pub filter: Option<&'a dyn Fn(&StoredObject) -> bool>,
}

/// The knobs tests turn to force expiry.
#[derive(Debug, Clone)]
pub struct StoreLimits {
    pub history_events: usize,
    pub continue_ttl: Duration,
    pub snapshots: usize,
    /// How long an Event lives after its last write (kube-apiserver
    /// `--event-ttl`, 1h by default), in the host's time.
    pub event_ttl: Duration,
}

impl Default for StoreLimits {
    fn default() -> Self {
        StoreLimits {
            history_events: 200_000,
            continue_ttl: Duration::from_secs(300),
            snapshots: 64,
            event_ttl: Duration::from_secs(3600),
        }
    }
}

struct Snapshot {
    taken: Instant,
    maps: HashMap<TypeKey, ObjectMap>,
}

struct Inner {
    resource_version: u64,
    objects: HashMap<TypeKey, ObjectMap>,
    history: VecDeque<Arc<WatchEvent>>,
    compacted_through: u64,
    snapshots: BTreeMap<u64, Snapshot>,
    next_uid: u64,
    /// When each Event expires, and the Events in order of expiry.
    expiry_of: HashMap<ObjectKey, Instant>,
    expiries: std::collections::BTreeSet<(Instant, ObjectKey)>,
}

/// The store; cheap to share behind an `Arc`.
pub struct Store {
    inner: Mutex<Inner>,
    sender: broadcast::Sender<Arc<WatchEvent>>,
    limits: StoreLimits,
}

/// A watch that can start: the past events to replay and the live feed.
pub struct WatchStart {
    pub replay: Vec<Arc<WatchEvent>>,
    pub initial: Vec<Arc<StoredObject>>,
    pub live: broadcast::Receiver<Arc<WatchEvent>>,
    pub resource_version: u64,
}

/// Why a watch cannot start from the asked resourceVersion.
#[derive(Debug, PartialEq)]
pub enum WatchRefusal {
    TooOld { requested: u64, oldest: u64 },
    TooNew { requested: u64, current: u64 },
}

fn type_key(resource: &ResourceType) -> TypeKey {
    (resource.group, resource.plural)
}

/// Whether objects of this type expire after the event TTL.
fn expires(resource: &ResourceType) -> bool {
    resource.plural == "events"
}

impl Store {
    pub fn new(limits: StoreLimits) -> Store {
        let (sender, _) = broadcast::channel(16_384);
        Store {
            inner: Mutex::new(Inner {
                resource_version: 1,
                objects: HashMap::new(),
                history: VecDeque::new(),
                compacted_through: 1,
                snapshots: BTreeMap::new(),
                next_uid: 1,
                expiry_of: HashMap::new(),
                expiries: Default::default(),
            }),
            sender,
            limits,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    pub fn resource_version(&self) -> u64 {
        self.lock().resource_version
    }

    /// A fresh, unique object uid.
    pub fn new_uid(&self) -> String {
        let mut inner = self.lock();
        inner.next_uid += 1;
        let n = inner.next_uid;
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            (n.wrapping_mul(2_654_435_761)) & 0xffff_ffff,
            (n >> 3) & 0xffff,
            n & 0xfff,
            (n >> 7) & 0xfff,
            n
        )
    }

    pub fn get(
        &self,
        resource: &ResourceType,
        namespace: &str,
        name: &str,
    ) -> Option<Arc<StoredObject>> {
        let inner = self.lock();
        inner
            .objects
            .get(&type_key(resource))?
            .get(&(namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// Store a new object; fails if it exists.
    pub fn create(
        &self,
        resource: &'static ResourceType,
        value: Value,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.write(resource, value, WriteMode::Create)
    }

    /// Replace an existing object.
    pub fn update(
        &self,
        resource: &'static ResourceType,
        value: Value,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.write(resource, value, WriteMode::Update)
    }

    /// Create or replace.
    pub fn put(
        &self,
        resource: &'static ResourceType,
        value: Value,
    ) -> Result<Arc<StoredObject>, ApiError> {
        self.write(resource, value, WriteMode::Put)
    }

    /// Read, change and write one object under the store's lock.
    pub fn modify(
        &self,
        resource: &'static ResourceType,
        namespace: &str,
        name: &str,
        change: impl FnOnce(&mut Value) -> Result<(), ApiError>,
    ) -> Result<Arc<StoredObject>, ApiError> {
        let mut inner = self.lock();
        let key = (namespace.to_string(), name.to_string());
        let current = inner
            .objects
            .get(&type_key(resource))
            .and_then(|map| map.get(&key))
            .cloned()
            .ok_or_else(|| ApiError::not_found(resource.group, resource.plural, name))?;
        let mut value = current.value()?;
        change(&mut value)?;
        self.commit(
            &mut inner,
            resource,
            value,
            EventType::Modified,
            Some(current),
        )
    }

    pub fn delete(
        &self,
        resource: &'static ResourceType,
        namespace: &str,
        name: &str,
    ) -> Result<Arc<StoredObject>, ApiError> {
        let mut inner = self.lock();
        let key = (namespace.to_string(), name.to_string());
        let removed = inner
            .objects
            .get_mut(&type_key(resource))
            .and_then(|map| map.remove(&key))
            .ok_or_else(|| ApiError::not_found(resource.group, resource.plural, name))?;
        if expires(resource) {
            forget_expiry(&mut inner, &key);
        }
        inner.resource_version += 1;
        let resource_version = inner.resource_version;
        let mut value = removed.value()?;
        set_resource_version(&mut value, resource_version);
        let object = Arc::new(stored_object(resource, &value, resource_version)?);
        self.record(
            &mut inner,
            EventType::Deleted,
            object.clone(),
            Some(removed),
        );
        Ok(object)
    }

    fn write(
        &self,
        resource: &'static ResourceType,
        mut value: Value,
        mode: WriteMode,
    ) -> Result<Arc<StoredObject>, ApiError> {
        let mut inner = self.lock();
        let (namespace, name) = object_key(resource, &value);
        if name.is_empty() {
            return Err(ApiError::invalid(
                resource.group,
                resource.kind,
                "",
                format!(
                    "{} \"\" is invalid: metadata.name: Required value: name or generateName is required",
                    resource.kind
                ),
                vec![
                    serde_json::json!({"reason": "FieldValueRequired", "message": "Required value: name or generateName is required", "field": "metadata.name"}),
                ],
            ));
        }
        let existing = inner
            .objects
            .get(&type_key(resource))
            .and_then(|map| map.get(&(namespace.clone(), name.clone())))
            .cloned();
        let event_type = match (&existing, mode) {
            (Some(_), WriteMode::Create) => {
                return Err(ApiError::already_exists(
                    resource.group,
                    resource.plural,
                    &name,
                ));
            }
            (None, WriteMode::Update) => {
                return Err(ApiError::not_found(resource.group, resource.plural, &name));
            }
            (Some(_), _) => EventType::Modified,
            (None, _) => EventType::Added,
        };
        if let Some(existing) = &existing
            && let Ok(old) = existing.value()
        {
            for field in ["uid", "creationTimestamp"] {
                if value["metadata"].get(field).is_none_or(Value::is_null) {
                    value["metadata"][field] = old["metadata"][field].clone();
                }
            }
        }
        if value["metadata"].get("uid").is_none_or(Value::is_null) {
            inner.next_uid += 1;
            let n = inner.next_uid;
            value["metadata"]["uid"] = Value::String(format!(
                "{:08x}-0000-4000-8000-{n:012x}",
                n.wrapping_mul(2_654_435_761) & 0xffff_ffff
            ));
        }
        if value["metadata"]
            .get("creationTimestamp")
            .is_none_or(Value::is_null)
        {
            value["metadata"]["creationTimestamp"] = Value::String(now_rfc3339());
        }
        self.commit(&mut inner, resource, value, event_type, existing)
    }

    fn commit(
        &self,
        inner: &mut Inner,
        resource: &'static ResourceType,
        mut value: Value,
        event_type: EventType,
        previous: Option<Arc<StoredObject>>,
    ) -> Result<Arc<StoredObject>, ApiError> {
        inner.resource_version += 1;
        let resource_version = inner.resource_version;
        set_resource_version(&mut value, resource_version);
        let object = Arc::new(stored_object(resource, &value, resource_version)?);
        let key = (object.namespace.clone(), object.name.clone());
        if expires(resource) {
            // Every write renews the lease, as the event registry's TTLFunc does.
            forget_expiry(inner, &key);
            let at = Instant::now() + self.limits.event_ttl;
            inner.expiry_of.insert(key.clone(), at);
            inner.expiries.insert((at, key.clone()));
        }
        inner
            .objects
            .entry(type_key(resource))
            .or_default()
            .insert(key, object.clone());
        self.record(inner, event_type, object.clone(), previous);
        Ok(object)
    }

    /// Delete every Event whose lease ran out by `now`, as etcd does when a
    /// lease expires: watchers see DELETED. Returns how many went.
    pub fn expire(&self, now: Instant) -> usize {
        let mut inner = self.lock();
        let mut expired = 0;
        while let Some((at, key)) = inner.expiries.first().cloned() {
            if at > now {
                break;
            }
            forget_expiry(&mut inner, &key);
            let removed = super::resources::stored()
                .filter(|resource| expires(resource))
                .find_map(|resource| {
                    let map = inner.objects.get_mut(&type_key(resource))?;
                    map.remove(&key).map(|object| (resource, object))
                });
            let Some((resource, removed)) = removed else {
                continue;
            };
            inner.resource_version += 1;
            let resource_version = inner.resource_version;
            let Ok(mut value) = removed.value() else {
                continue;
            };
            set_resource_version(&mut value, resource_version);
            if let Ok(object) = stored_object(resource, &value, resource_version) {
                self.record(
                    &mut inner,
                    EventType::Deleted,
                    Arc::new(object),
                    Some(removed),
                );
                expired += 1;
            }
        }
        expired
    }

    /// Every change from now on, as it happens (controllers' informers).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<WatchEvent>> {
        self.sender.subscribe()
    }

    fn record(
        &self,
        inner: &mut Inner,
        event_type: EventType,
        object: Arc<StoredObject>,
        previous: Option<Arc<StoredObject>>,
    ) {
        let event = Arc::new(WatchEvent {
            event_type,
            object,
            previous,
        });
        inner.history.push_back(event.clone());
        while inner.history.len() > self.limits.history_events {
            if let Some(dropped) = inner.history.pop_front() {
                inner.compacted_through = dropped.object.resource_version;
            }
        }
        // No receivers is not an error: nobody is watching.
        let _ = self.sender.send(event);
    }

    /// List one page, from a snapshot when a continue token names one.
    pub fn list(
        &self,
        resource: &'static ResourceType,
        request: &ListRequest<'_>,
    ) -> Result<ListPage, ApiError> {
        let mut inner = self.lock();
        let (map, resource_version, start_after) = match request.continue_token {
            Some(token) if !token.is_empty() => {
                let (resource_version, start_after) = decode_continue(token)?;
                let now = Instant::now();
                let ttl = self.limits.continue_ttl;
                inner
                    .snapshots
                    .retain(|_, snapshot| now.duration_since(snapshot.taken) < ttl);
                let map = inner
                    .snapshots
                    .get(&resource_version)
                    .and_then(|snapshot| snapshot.maps.get(&type_key(resource)).cloned())
                    .ok_or_else(|| ApiError::expired(CONTINUE_EXPIRED))?;
                (map, resource_version, Some(start_after))
            }
            _ => (
                inner
                    .objects
                    .get(&type_key(resource))
                    .cloned()
                    .unwrap_or_default(),
                inner.resource_version,
                None,
            ),
        };
        let namespace = request.namespace.filter(|namespace| !namespace.is_empty());
        let mut items = Vec::new();
        let mut last_key = None;
        let mut more = false;
        let lower = match (&start_after, namespace) {
            (Some(key), _) => std::ops::Bound::Excluded(key.clone()),
            (None, Some(namespace)) => {
                std::ops::Bound::Included((namespace.to_string(), String::new()))
            }
            (None, None) => std::ops::Bound::Unbounded,
        };
        let mut scanned_after_page = 0usize;
        for (key, object) in map.range((lower, std::ops::Bound::Unbounded)) {
            if let Some(namespace) = namespace
                && key.0 != namespace
            {
                break;
            }
            if request.filter.is_some_and(|filter| !filter(object)) {
                continue;
            }
            if request.limit.is_some_and(|limit| items.len() >= limit) {
                more = true;
                scanned_after_page += 1;
                continue;
            }
            last_key = Some(key.clone());
            items.push(object.clone());
        }
        let continue_token = match (more, last_key) {
            (true, Some(key)) => {
                if start_after.is_none() {
                    let maps = inner.objects.clone();
                    inner.snapshots.insert(
                        resource_version,
                        Snapshot {
                            taken: Instant::now(),
                            maps,
                        },
                    );
                    while inner.snapshots.len() > self.limits.snapshots {
                        inner.snapshots.pop_first();
                    }
                }
                Some(encode_continue(resource_version, &key))
            }
            _ => None,
        };
        let remaining_item_count =
            (continue_token.is_some() && request.filter.is_none()).then_some(scanned_after_page);
        Ok(ListPage {
            resource_version,
            items,
            continue_token,
            remaining_item_count,
        })
    }

    /// Begin a watch of one resource type after `from` (None: start with the current objects).
    pub fn watch(
        &self,
        resource: &'static ResourceType,
        from: Option<u64>,
    ) -> Result<WatchStart, WatchRefusal> {
        let inner = self.lock();
        let live = self.sender.subscribe();
        let current = inner.resource_version;
        match from {
            None => {
                let initial = inner
                    .objects
                    .get(&type_key(resource))
                    .map(|map| map.values().cloned().collect())
                    .unwrap_or_default();
                Ok(WatchStart {
                    replay: Vec::new(),
                    initial,
                    live,
                    resource_version: current,
                })
            }
            Some(requested) if requested < inner.compacted_through => Err(WatchRefusal::TooOld {
                requested,
                oldest: inner.compacted_through,
            }),
            Some(requested) if requested > current => {
                Err(WatchRefusal::TooNew { requested, current })
            }
            Some(requested) => {
                let start = inner
                    .history
                    .partition_point(|event| event.object.resource_version <= requested);
                let replay = inner
                    .history
                    .range(start..)
                    .filter(|event| event.object.resource == resource)
                    .cloned()
                    .collect();
                Ok(WatchStart {
                    replay,
                    initial: Vec::new(),
                    live,
                    resource_version: current,
                })
            }
        }
    }

    /// Forget all history and snapshots, as a restarted apiserver with a
    /// compacted etcd would: every older resourceVersion becomes too old.
    pub fn compact(&self) {
        let mut inner = self.lock();
        inner.history.clear();
        inner.snapshots.clear();
        inner.resource_version += 1;
        inner.compacted_through = inner.resource_version;
    }

    /// How many objects of a type the store holds.
    pub fn count(&self, resource: &ResourceType) -> usize {
        self.lock()
            .objects
            .get(&type_key(resource))
            .map_or(0, |map| map.len())
    }
}

fn forget_expiry(inner: &mut Inner, key: &ObjectKey) {
    if let Some(at) = inner.expiry_of.remove(key) {
        inner.expiries.remove(&(at, key.clone()));
    }
}

#[derive(Clone, Copy)]
enum WriteMode {
    Create,
    Update,
    Put,
}

/// The current time as the API writes timestamps.
pub fn now_rfc3339() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{EVENTS, PODS};
    use serde_json::json;

    fn event(name: &str, count: u64) -> Value {
        json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": "a"}, "count": count})
    }

    #[test]
    fn events_expire_a_ttl_after_their_last_write() {
        let ttl = Duration::from_secs(3600);
        let store = Store::new(StoreLimits {
            event_ttl: ttl,
            ..StoreLimits::default()
        });
        let start = Instant::now();
        store.create(&EVENTS, event("old", 1)).unwrap();
        store.create(&EVENTS, event("renewed", 1)).unwrap();
        store
            .create(&PODS, json!({"metadata": {"name": "p", "namespace": "a"}}))
            .unwrap();
        let mut live = store.subscribe();
        assert_eq!(store.expire(start + ttl / 2), 0);
        // A write renews the lease: `renewed` lives an hour from now.
        std::thread::sleep(Duration::from_millis(20));
        store.update(&EVENTS, event("renewed", 2)).unwrap();
        let _ = live.try_recv();
        assert_eq!(store.expire(start + ttl + Duration::from_millis(10)), 1);
        assert!(store.get(&EVENTS, "a", "old").is_none());
        assert!(store.get(&EVENTS, "a", "renewed").is_some());
        assert!(store.get(&PODS, "a", "p").is_some(), "only events expire");
        let deleted = live.try_recv().unwrap();
        assert_eq!(deleted.event_type, EventType::Deleted);
        assert_eq!(deleted.object.name, "old");
        assert_eq!(
            store.expire(Instant::now() + ttl + Duration::from_secs(1)),
            1
        );
        assert_eq!(store.count(&EVENTS), 0);
    }

    #[test]
    fn a_deleted_event_leaves_no_lease_behind() {
        let store = Store::new(StoreLimits {
            event_ttl: Duration::from_millis(1),
            ..StoreLimits::default()
        });
        store.create(&EVENTS, event("gone", 1)).unwrap();
        store.delete(&EVENTS, "a", "gone").unwrap();
        store.create(&EVENTS, event("gone", 1)).unwrap();
        assert_eq!(store.expire(Instant::now() + Duration::from_secs(1)), 1);
        assert_eq!(store.count(&EVENTS), 0);
    }
}
