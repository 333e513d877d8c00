//! Watchers: kube-runtime watchers with back-off, projected to slim rows and
//! sent to the state machine as `WatchUpdate`s. A full relist arrives as one
//! `Reset`; a 403 stops the watch and says what was refused; other errors
//! report "reconnecting" while the watcher retries.

use std::fmt::Debug;

use futures::StreamExt;
use kube::Resource;
use kube::api::Api;
use kube::runtime::{WatchStreamExt, watcher};
use serde::de::DeserializeOwned;
use tokio::sync::mpsc;

use crate::model::safe_text::SafeText;
use crate::protocol::{ClusterEvent, WatchUpdate};

/// The API's 403, if this watcher error is one.
pub fn forbidden_message(error: &watcher::Error) -> Option<String> {
    let status = match error {
        watcher::Error::InitialListFailed(kube::Error::Api(status))
        | watcher::Error::WatchStartFailed(kube::Error::Api(status))
        | watcher::Error::WatchFailed(kube::Error::Api(status)) => status,
        watcher::Error::WatchError(status) => status,
        _ => return None,
    };
    (status.code == 403).then(|| status.message.clone())
}

/// A short, readable form of a watcher error.
pub fn describe(error: &watcher::Error) -> String {
    match error {
        watcher::Error::InitialListFailed(inner)
        | watcher::Error::WatchStartFailed(inner)
        | watcher::Error::WatchFailed(inner) => describe_client_error(inner),
        watcher::Error::WatchError(status) => status.message.clone(),
        watcher::Error::NoResourceVersion => "the list had no resourceVersion".to_string(),
    }
}

pub fn describe_client_error(error: &kube::Error) -> String {
    match error {
        kube::Error::Api(status) if status.code == 401 => {
            "the API server refused the credentials (401): log in again".to_string()
        }
        kube::Error::Api(status) => format!("{} ({})", status.message, status.code),
        kube::Error::HyperError(inner) => format!("connection failed: {inner}"),
        other => other.to_string(),
    }
}

/// Run one watcher until it is forbidden or the receiver goes away.
pub async fn run<K, R, P>(
    api: Api<K>,
    config: watcher::Config,
    mut project: P,
    key: fn(&K) -> String,
    wrap: fn(u64, WatchUpdate<R>) -> ClusterEvent,
    generation: u64,
    sender: mpsc::Sender<ClusterEvent>,
) where
    K: Resource + Clone + DeserializeOwned + Debug + Send + 'static,
    R: Send + 'static,
    P: FnMut(&K) -> R + Send + 'static,
{
    let stream = watcher(api, config).default_backoff();
    let mut stream = std::pin::pin!(stream);
    let mut buffer: Vec<R> = Vec::new();
    while let Some(item) = stream.next().await {
        let update = match item {
            Ok(watcher::Event::Init) => {
                buffer.clear();
                continue;
            }
            Ok(watcher::Event::InitApply(object)) => {
                buffer.push(project(&object));
                continue;
            }
            Ok(watcher::Event::InitDone) => WatchUpdate::Reset(std::mem::take(&mut buffer)),
            Ok(watcher::Event::Apply(object)) => WatchUpdate::Applied(project(&object)),
            Ok(watcher::Event::Delete(object)) => WatchUpdate::Deleted(key(&object)),
            Err(error) => match forbidden_message(&error) {
                Some(message) => {
                    let _ = sender
                        .send(wrap(
                            generation,
                            WatchUpdate::Forbidden(SafeText::from_untrusted(&message)),
                        ))
                        .await;
                    return;
                }
                None => WatchUpdate::Reconnecting(SafeText::from_untrusted(&describe(&error))),
            },
        };
        if sender.send(wrap(generation, update)).await.is_err() {
            return;
        }
    }
}
