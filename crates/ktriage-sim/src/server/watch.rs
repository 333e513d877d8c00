//! Watch streams: newline-delimited JSON events over a chunked 200, held open
//! until `timeoutSeconds`, with bookmarks, streaming lists
//! (`sendInitialEvents`), "too old resource version" as an in-stream ERROR
//! 410, selectors applied to both the old and new object (an object leaving a
//! selector is DELETED for that watcher), and injected drops.
//!
//! It must not change objects; it streams what the store records.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;
use bytes::{BufMut, Bytes, BytesMut};
use serde_json::json;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;

use super::super::resources::ResourceType;
use super::super::selector::{FieldSelector, LabelSelector};
use super::super::status::{ApiError, too_old_resource_version};
use super::super::store::{EventType, StoredObject, WatchRefusal, WatchStart};
use super::request::{Query, ResourcePath};
use super::rest::{selected, selectors};
use super::{Shared, stream_cut, table};

const BOOKMARK_EVERY: Duration = Duration::from_secs(30);

struct Filter {
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
    resource: &'static ResourceType,
}

impl Filter {
    fn matches(&self, object: &StoredObject) -> bool {
        object.resource == self.resource
    }

    fn selects(&self, object: &StoredObject) -> bool {
        self.matches(object)
            && self
                .namespace
                .as_ref()
                .is_none_or(|n| *n == object.namespace)
            && selected(object, &self.labels, &self.fields)
    }
}

fn invalid(message: &str) -> ApiError {
    ApiError::invalid(
        "meta.k8s.io",
        "ListOptions",
        "",
        format!("ListOptions.meta.k8s.io \"\" is invalid: {message}"),
        vec![json!({"reason": "FieldValueForbidden", "message": message})],
    )
}

struct Encoder {
    resource: &'static ResourceType,
    table: bool,
    headers_sent: bool,
}

impl Encoder {
    fn event(&mut self, event_type: &str, object: &StoredObject) -> Bytes {
        let mut buffer = BytesMut::with_capacity(object.json.len() + 32);
        buffer.put_slice(b"{\"type\":\"");
        buffer.put_slice(event_type.as_bytes());
        buffer.put_slice(b"\",\"object\":");
        let rendered = if self.table {
            table::table(
                self.resource,
                &[Arc::new(clone_object(object))],
                object.resource_version,
                None,
                !self.headers_sent,
            )
        } else {
            None
        };
        match rendered {
            Some(value) => {
                self.headers_sent = true;
                buffer.put_slice(value.to_string().as_bytes());
            }
            None => buffer.put_slice(&object.json),
        }
        buffer.put_slice(b"}\n");
        buffer.freeze()
    }

    fn bookmark(&self, resource_version: u64, initial_end: bool) -> Bytes {
        let mut metadata = json!({"resourceVersion": resource_version.to_string()});
        if initial_end {
            metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
        }
        let event = json!({"type": "BOOKMARK", "object": {"kind": self.resource.kind, "apiVersion": self.resource.api_version(), "metadata": metadata}});
        Bytes::from(format!("{event}\n"))
    }
}

fn clone_object(object: &StoredObject) -> StoredObject {
    StoredObject {
        resource: object.resource,
        namespace: object.namespace.clone(),
        name: object.name.clone(),
        resource_version: object.resource_version,
        labels: object.labels.clone(),
        fields: object.fields.clone(),
        json: object.json.clone(),
    }
}

pub fn serve(
    shared: &Arc<Shared>,
    path: &ResourcePath,
    query: &Query,
    wants_table: bool,
) -> Result<Response, ApiError> {
    let resource = path.resource;
    let send_initial = query
        .get("sendInitialEvents")
        .map(|v| v == "true" || v == "1");
    let version_match = query.get("resourceVersionMatch").filter(|v| !v.is_empty());
    match (send_initial, version_match) {
        (Some(_), Some("NotOlderThan")) => {}
        (Some(_), _) => {
            return Err(invalid(
                "sendInitialEvents: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan",
            ));
        }
        (None, Some(_)) => {
            return Err(invalid(
                "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided",
            ));
        }
        (None, None) => {}
    }
    let (labels, fields) = selectors(resource, query)?;
    let mut fields = fields;
    if let Some(name) = &path.name {
        fields = super::super::selector::FieldSelector::parse(
            &format!("metadata.name={name}"),
            &["metadata.name"],
        )
        .map_err(ApiError::bad_request)?;
    }
    let filter = Filter {
        namespace: path.namespace.clone(),
        labels,
        fields,
        resource,
    };
    let requested =
        match query.get("resourceVersion").filter(|v| !v.is_empty()) {
            None | Some("0") => None,
            Some(text) => Some(text.parse::<u64>().map_err(|_| {
                ApiError::bad_request(format!("invalid resource version \"{text}\""))
            })?),
        };
    let initial_events = send_initial == Some(true);
    let from = if initial_events { None } else { requested };
    let timeout = query
        .integer("timeoutSeconds")?
        .filter(|t| *t > 0)
        .map_or(Duration::from_secs(1800), |t| Duration::from_secs(t as u64));
    let bookmarks = query.flag("allowWatchBookmarks");
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(256);
    let mut encoder = Encoder {
        resource,
        table: wants_table,
        headers_sent: false,
    };
    match shared.cluster.store.watch(resource, from) {
        Err(WatchRefusal::TooNew { requested, current }) => {
            return Err(ApiError::too_large_resource_version(requested, current));
        }
        Err(WatchRefusal::TooOld { requested, oldest }) => {
            let event =
                json!({"type": "ERROR", "object": too_old_resource_version(requested, oldest)});
            let _ = sender.try_send(Ok(Bytes::from(format!("{event}\n"))));
        }
        Ok(start) => {
            let drop_after = shared
                .cluster
                .scenario
                .faults
                .drop_watches_every_seconds
                .map(Duration::from_secs_f64);
            let generation = shared.generation.subscribe();
            tokio::spawn(async move {
                let result = run(
                    start,
                    filter,
                    &mut encoder,
                    &sender,
                    Settings {
                        timeout,
                        bookmarks,
                        initial_events,
                        drop_after,
                    },
                    generation,
                )
                .await;
                if let Err(error) = result {
                    let _ = sender.send(Err(error)).await;
                }
            });
        }
    }
    let mut response = Response::new(Body::from_stream(ReceiverStream::new(receiver)));
    *response.status_mut() = StatusCode::OK;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache, private"),
    );
    Ok(response)
}

struct Settings {
    timeout: Duration,
    bookmarks: bool,
    initial_events: bool,
    drop_after: Option<Duration>,
}

type Sender = mpsc::Sender<Result<Bytes, std::io::Error>>;

async fn send(sender: &Sender, bytes: Bytes) -> Result<(), std::io::Error> {
    sender
        .send(Ok(bytes))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "watcher went away"))
}

async fn run(
    start: WatchStart,
    filter: Filter,
    encoder: &mut Encoder,
    sender: &Sender,
    settings: Settings,
    mut generation: tokio::sync::watch::Receiver<u64>,
) -> Result<(), std::io::Error> {
    let WatchStart {
        replay,
        initial,
        mut live,
        resource_version,
    } = start;
    let mut last = resource_version;
    for object in initial.iter().filter(|o| filter.selects(o)) {
        send(sender, encoder.event("ADDED", object)).await?;
    }
    if settings.initial_events {
        send(sender, encoder.bookmark(resource_version, true)).await?;
    }
    for event in &replay {
        if let Some(bytes) = encode_change(encoder, &filter, event) {
            send(sender, bytes).await?;
        }
    }
    let deadline = tokio::time::Instant::now() + settings.timeout;
    let cut_at = settings.drop_after.map(|d| tokio::time::Instant::now() + d);
    let mut bookmark =
        tokio::time::interval_at(tokio::time::Instant::now() + BOOKMARK_EVERY, BOOKMARK_EVERY);
    loop {
        tokio::select! {
            _ = tokio::time::sleep_until(deadline) => return Ok(()),
            _ = async { match cut_at { Some(at) => tokio::time::sleep_until(at).await, None => std::future::pending().await } } => return Err(stream_cut()),
            _ = generation.changed() => return Err(stream_cut()),
            _ = sender.closed() => return Ok(()),
            _ = bookmark.tick(), if settings.bookmarks => send(sender, encoder.bookmark(last, false)).await?,
            received = live.recv() => match received {
                Ok(event) => {
                    // Changes up to the start version were replayed (or are in the initial state).
                    if event.object.resource_version <= resource_version {
                        continue;
                    }
                    if filter.matches(&event.object) {
                        last = event.object.resource_version;
                    }
                    if let Some(bytes) = encode_change(encoder, &filter, &event) {
                        send(sender, bytes).await?;
                    }
                }
                // A watcher too slow to keep up is closed, as the watch cache does.
                Err(broadcast::error::RecvError::Lagged(_)) => return Ok(()),
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
        }
    }
}

fn encode_change(
    encoder: &mut Encoder,
    filter: &Filter,
    event: &super::super::store::WatchEvent,
) -> Option<Bytes> {
    if !filter.matches(&event.object) {
        return None;
    }
    let now = filter.selects(&event.object);
    let before = event.previous.as_ref().is_some_and(|p| filter.selects(p));
    let event_type = match (event.event_type, before, now) {
        (EventType::Deleted, true, _) => "DELETED",
        (EventType::Deleted, false, _) => return None,
        (_, false, true) => "ADDED",
        (_, true, true) => event.event_type.as_str(),
        (_, true, false) => "DELETED",
        (_, false, false) => return None,
    };
    Some(encoder.event(event_type, &event.object))
}
