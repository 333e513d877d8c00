//! Following: a watch of the reading's pods feeds one task per pod, and
//! each task starts a follower per container (see `follower.rs`); pods and
//! containers that appear later join.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::runtime::{WatchStreamExt, watcher};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::follower::follow_container;
use super::instance::{containers, pod_name};
use super::lines::Resume;
use super::{Reading, Start};
use crate::protocol::logs::{LogTarget, VIEW_SOURCE};

/// Follow every started container, and the pods that join (selectors).
pub(super) async fn follow(reading: Reading, pods: Vec<Pod>, starts: Vec<Start>) {
    let mut channels: HashMap<String, watch::Sender<Option<Pod>>> = HashMap::new();
    let mut tasks = JoinSet::new();
    let mut by_pod: HashMap<String, Vec<Start>> = HashMap::new();
    for start in starts {
        by_pod.entry(start.pod.clone()).or_default().push(start);
    }
    for pod in pods {
        let name = pod_name(&pod);
        let (sender, receiver) = watch::channel(Some(pod));
        channels.insert(name.clone(), sender);
        let starts = by_pod.remove(&name).unwrap_or_default();
        tasks.spawn(follow_pod(reading.clone(), name, receiver, starts));
    }
    let selector = match &reading.request.target {
        LogTarget::Selector { selector, .. } => Some(selector.clone()),
        _ => None,
    };
    let config = match (&selector, &reading.request.target) {
        (Some(selector), _) => watcher::Config::default().labels(selector),
        (None, LogTarget::Container { pod, .. } | LogTarget::Pod { pod, .. }) => {
            watcher::Config::default().fields(&format!("metadata.name={pod}"))
        }
        (None, LogTarget::Selector { .. }) => watcher::Config::default(),
    };
    let stream = watcher(reading.api.clone(), config).default_backoff();
    let mut stream = std::pin::pin!(stream);
    let mut relisted: HashSet<String> = HashSet::new();
    loop {
        tokio::select! {
            item = stream.next() => {
                let Some(item) = item else { break };
                match item {
                    Ok(watcher::Event::Init) => relisted.clear(),
                    Ok(watcher::Event::InitApply(pod)) | Ok(watcher::Event::Apply(pod)) => {
                        let name = pod_name(&pod);
                        relisted.insert(name.clone());
                        match channels.get(&name) {
                            Some(sender) => {
                                sender.send_replace(Some(pod));
                            }
                            None if selector.is_some() => {
                                let (sender, receiver) = watch::channel(Some(pod));
                                channels.insert(name.clone(), sender);
                                reading.notice(VIEW_SOURCE, format!("pod {name} joined")).await;
                                tasks.spawn(follow_pod(reading.clone(), name, receiver, Vec::new()));
                            }
                            None => {}
                        }
                    }
                    Ok(watcher::Event::InitDone) => {
                        for (name, sender) in &channels {
                            if !relisted.contains(name) {
                                sender.send_replace(None);
                            }
                        }
                    }
                    Ok(watcher::Event::Delete(pod)) => {
                        if let Some(sender) = channels.get(&pod_name(&pod)) {
                            sender.send_replace(None);
                        }
                    }
                    Err(error) => {
                        if crate::cluster::watch::forbidden_message(&error).is_some() {
                            // Without watch rights, look at the pods now and then.
                            poll_pods(&reading, &channels, &mut tasks).await;
                            return;
                        }
                    }
                }
            }
            done = tasks.join_next(), if !tasks.is_empty() => {
                if done.is_none() { break; }
                if tasks.is_empty() && selector.is_none() { return; }
            }
        }
    }
    while tasks.join_next().await.is_some() {}
}

/// Follow pods by reading them every few seconds (no watch rights).
async fn poll_pods(
    reading: &Reading,
    channels: &HashMap<String, watch::Sender<Option<Pod>>>,
    tasks: &mut JoinSet<()>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            done = tasks.join_next() => {
                if done.is_none() || tasks.is_empty() { return; }
                continue;
            }
        }
        for (name, sender) in channels {
            match reading.api.get_opt(name).await {
                Ok(pod) => {
                    sender.send_replace(pod);
                }
                Err(_) => continue,
            }
        }
    }
}

/// Follow the containers of one pod; with several-container targets, new
/// (ephemeral) containers join as they are added.
async fn follow_pod(
    reading: Reading,
    pod: String,
    mut receiver: watch::Receiver<Option<Pod>>,
    starts: Vec<Start>,
) {
    let mut tasks = JoinSet::new();
    let mut known: HashSet<String> = HashSet::new();
    for start in starts {
        known.insert(start.container.clone());
        tasks.spawn(follow_container(reading.clone(), receiver.clone(), start));
    }
    let one = match &reading.request.target {
        LogTarget::Container { container, .. } => Some(container.clone()),
        _ => None,
    };
    loop {
        let current = receiver.borrow_and_update().clone();
        let Some(current) = current else { break };
        for (container, kind) in containers(&current) {
            if known.contains(&container) || one.as_ref().is_some_and(|one| *one != container) {
                continue;
            }
            known.insert(container.clone());
            let source = reading.add_source(&pod, &container, kind).await;
            let start = Start {
                pod: pod.clone(),
                container,
                source,
                instance: None,
                resume: Resume::default(),
                read_nothing: false,
            };
            tasks.spawn(follow_container(reading.clone(), receiver.clone(), start));
        }
        tokio::select! {
            changed = receiver.changed() => if changed.is_err() { break },
            done = tasks.join_next(), if !tasks.is_empty() => if done.is_none() { break },
        }
    }
    while tasks.join_next().await.is_some() {}
}
