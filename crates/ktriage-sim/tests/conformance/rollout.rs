//! The stories a restart history needs, read by real clients: the demo's
//! `cart` Deployment rolling out a revision that crash-loops (kube-rs, and
//! kubectl's `rollout history`, `get rs`, `rollout status` and `describe`),
//! restarts that go on with no watch open, and Events that expire after the
//! event TTL.

use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::api::{Api, ListParams};
use kube::runtime::{WatchStreamExt, watcher};
use serde_json::Value;

use crate::harness::{client, eventually, fast_demo, run, start, stderr, stdout};

const REVISION: &str = "deployment.kubernetes.io/revision";

fn revision(set: &ReplicaSet) -> String {
    set.metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(REVISION))
        .cloned()
        .unwrap_or_default()
}

/// The demo's cart Deployment once its stuck rollout has settled: the old
/// set at 3, the new one at 2 and counted in the Deployment's status.
async fn stuck_rollout(client: &kube::Client) -> (Deployment, ReplicaSet, ReplicaSet) {
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "shop");
    let sets: Api<ReplicaSet> = Api::namespaced(client.clone(), "shop");
    eventually(Duration::from_secs(30), || {
        let deployments = deployments.clone();
        let sets = sets.clone();
        async move {
            let deployment = deployments.get("cart").await.ok()?;
            let status = deployment.status.clone()?;
            if status.updated_replicas != Some(2) || status.available_replicas != Some(3) {
                return None;
            }
            let mut list = sets
                .list(&ListParams::default().labels("app=cart"))
                .await
                .ok()?
                .items;
            list.sort_by_key(revision);
            let [old, new] = <[ReplicaSet; 2]>::try_from(list).ok()?;
            let replicas = |set: &ReplicaSet| set.spec.as_ref().and_then(|s| s.replicas);
            (replicas(&old) == Some(3) && replicas(&new) == Some(2))
                .then_some((deployment, old, new))
        }
    })
    .await
    .expect("the cart rollout settles with three old pods and two new ones")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_looping_rollout_through_kube_rs() {
    let sim = start(fast_demo(50.0)).await;
    let client = client(&sim, "admin").await;
    let (deployment, old, new) = stuck_rollout(&client).await;
    let annotations = deployment.metadata.annotations.clone().unwrap_or_default();
    assert_eq!(annotations.get(REVISION).map(String::as_str), Some("2"));
    assert_eq!(deployment.metadata.generation, Some(2));
    let status = deployment.status.clone().unwrap_or_default();
    assert_eq!(status.observed_generation, Some(2));
    assert_eq!(status.replicas, Some(5));
    assert_eq!(status.unavailable_replicas, Some(2));
    let image = |template: Option<&k8s_openapi::api::core::v1::PodTemplateSpec>| {
        template
            .and_then(|t| t.spec.as_ref())
            .and_then(|s| s.containers.first())
            .and_then(|c| c.image.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        image(deployment.spec.as_ref().map(|s| &s.template)),
        "registry.example.com/shop/cart:2.0.0"
    );
    assert_eq!(revision(&old), "1");
    assert_eq!(revision(&new), "2");
    assert_eq!(
        image(old.spec.as_ref().and_then(|s| s.template.as_ref())),
        "registry.example.com/shop/cart:1.8.3"
    );
    let new_name = new.metadata.name.clone().unwrap_or_default();
    let old_name = old.metadata.name.clone().unwrap_or_default();
    let hash = new
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("pod-template-hash"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(new_name, format!("cart-{hash}"));
    assert_ne!(new_name, old_name);
    let owner = new
        .metadata
        .owner_references
        .clone()
        .unwrap_or_default()
        .pop()
        .expect("the new set is owned");
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("Deployment", "cart")
    );
    assert_eq!(Some(owner.uid.as_str()), deployment.metadata.uid.as_deref());

    // The new pods crash-loop with the new image's exit code and words.
    let pods: Api<Pod> = Api::namespaced(client.clone(), "shop");
    let selector = format!("app=cart,pod-template-hash={hash}");
    let crashed = eventually(Duration::from_secs(20), || {
        let pods = pods.clone();
        let selector = selector.clone();
        async move {
            let list = pods
                .list(&ListParams::default().labels(&selector))
                .await
                .ok()?;
            let restarted = list.items.iter().all(|pod| {
                pod.status
                    .as_ref()
                    .and_then(|s| s.container_statuses.as_ref())
                    .and_then(|c| c.first())
                    .is_some_and(|c| {
                        c.restart_count >= 2
                            && c.last_state
                                .as_ref()
                                .and_then(|s| s.terminated.as_ref())
                                .is_some_and(|t| {
                                    t.exit_code == 3 && t.reason.as_deref() == Some("Error")
                                })
                    })
            });
            (list.items.len() == 2 && restarted).then_some(list.items)
        }
    })
    .await
    .expect("both new pods restart with exit code 3");
    for pod in &crashed {
        let reference = pod
            .metadata
            .owner_references
            .clone()
            .unwrap_or_default()
            .pop()
            .expect("owned");
        assert_eq!(reference.name, new_name);
        assert_eq!(reference.controller, Some(true));
        assert!(
            pod.metadata
                .name
                .as_deref()
                .is_some_and(|n| n.starts_with(&format!("{new_name}-")))
        );
    }
    let name = crashed[0].metadata.name.clone().unwrap_or_default();
    let logs = pods
        .logs(
            &name,
            &kube::api::LogParams {
                previous: true,
                ..Default::default()
            },
        )
        .await
        .expect("the previous instance's log");
    assert!(logs.trim_end().ends_with("exiting with status 3"), "{logs}");

    // The controllers' events, as they write them.
    let events: Api<Event> = Api::namespaced(client.clone(), "shop");
    let scaling: Vec<String> = events
        .list(
            &ListParams::default()
                .fields("involvedObject.kind=Deployment,involvedObject.name=cart"),
        )
        .await
        .expect("events")
        .items
        .into_iter()
        .filter(|e| e.reason.as_deref() == Some("ScalingReplicaSet"))
        .filter_map(|e| e.message)
        .collect();
    for expected in [
        format!("Scaled up replica set {old_name} from 0 to 4"),
        format!("Scaled up replica set {new_name} from 0 to 1"),
        format!("Scaled down replica set {old_name} from 4 to 3"),
        format!("Scaled up replica set {new_name} from 1 to 2"),
    ] {
        assert!(
            scaling.contains(&expected),
            "{expected} missing: {scaling:?}"
        );
    }
    let pod_events = events
        .list(&ListParams::default().fields(&format!("involvedObject.name={name}")))
        .await
        .expect("events")
        .items;
    let find = |reason: &str| {
        pod_events
            .iter()
            .find(|e| e.reason.as_deref() == Some(reason))
    };
    let back_off = find("BackOff").expect("a BackOff event");
    assert_eq!(
        back_off.involved_object.field_path.as_deref(),
        Some("spec.containers{app}")
    );
    let uid = crashed[0].metadata.uid.clone().unwrap_or_default();
    assert_eq!(
        back_off.message.as_deref(),
        Some(
            format!("Back-off restarting failed container app in pod {name}_shop({uid})").as_str()
        )
    );
    let started = find("Started").expect("a Started event");
    assert!(started.count.unwrap_or(0) >= 2, "{started:?}");
    assert!(started.first_timestamp.is_some() && started.last_timestamp.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn restarts_go_on_with_no_watch_open() {
    let sim = start(fast_demo(50.0)).await;
    let pods: Api<Pod> = Api::namespaced(client(&sim, "admin").await, "team-a");
    let read = || {
        let pods = pods.clone();
        async move {
            let pod = pods.get("flaky").await.expect("the flaky pod");
            let value = serde_json::to_value(&pod).expect("json");
            value["status"]["containerStatuses"][0].clone()
        }
    };
    let first = eventually(Duration::from_secs(10), || async {
        let status = read().await;
        (status["restartCount"].as_u64() >= Some(1)).then_some(status)
    })
    .await
    .expect("flaky restarts");
    // Nothing watches; the kubelet runs on its own clock.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let second = read().await;
    let restarts = |s: &Value| s["restartCount"].as_u64().unwrap_or(0);
    assert!(
        restarts(&second) > restarts(&first),
        "{} then {}",
        restarts(&first),
        restarts(&second)
    );
    // lastState holds one termination only: the newest.
    for status in [&first, &second] {
        let last = status["lastState"].as_object().expect("a lastState");
        assert_eq!(
            last.keys().collect::<Vec<_>>(),
            ["terminated"],
            "{status:#}"
        );
        assert_eq!(status["lastState"]["terminated"]["exitCode"], 2);
    }
    let id = |s: &Value| s["lastState"]["terminated"]["containerID"].clone();
    assert_ne!(
        id(&first),
        id(&second),
        "lastState moved on to the newer exit"
    );
    let finished = |s: &Value| {
        s["lastState"]["terminated"]["finishedAt"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert!(finished(&second) >= finished(&first));
}

#[tokio::test(flavor = "multi_thread")]
async fn events_expire_after_the_event_ttl() {
    assert_eq!(fast_demo(1.0).cluster.event_ttl_seconds, 3600.0);
    let mut scenario = fast_demo(10.0);
    // 30 s of cluster time: three seconds here.
    scenario.cluster.event_ttl_seconds = 30.0;
    let sim = start(scenario).await;
    let client = client(&sim, "admin").await;
    let events: Api<Event> = Api::namespaced(client, "payments");
    let deleted = tokio::spawn({
        let events = events.clone();
        async move {
            let stream = watcher(events, watcher::Config::default()).default_backoff();
            let mut stream = std::pin::pin!(stream);
            let deadline = tokio::time::sleep(Duration::from_secs(15));
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    _ = &mut deadline => return None,
                    item = stream.next() => match item {
                        Some(Ok(watcher::Event::Delete(event))) => return event.reason,
                        Some(_) => {}
                        None => return None,
                    },
                }
            }
        }
    });
    let scheduled = |list: &[Event]| -> Vec<String> {
        list.iter()
            .filter(|e| e.reason.as_deref() == Some("Scheduled"))
            .filter_map(|e| e.metadata.name.clone())
            .collect()
    };
    let first = eventually(Duration::from_secs(5), || async {
        let list = events.list(&ListParams::default()).await.ok()?.items;
        let names = scheduled(&list);
        (!names.is_empty()).then_some(names)
    })
    .await
    .expect("the scheduler's events");
    // Written once each, they are gone three seconds later.
    let gone = eventually(Duration::from_secs(10), || async {
        let list = events.list(&ListParams::default()).await.ok()?.items;
        let names = scheduled(&list);
        first.iter().all(|name| !names.contains(name)).then_some(())
    })
    .await;
    assert!(gone.is_some(), "the Scheduled events outlived the TTL");
    assert!(
        deleted.await.expect("joins").is_some(),
        "a watcher sees the expired event DELETED"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn kubectl_reads_the_rollout() {
    let sim = start(fast_demo(40.0)).await;
    let client = client(&sim, "admin").await;
    let (_, old, new) = stuck_rollout(&client).await;
    let old_name = old.metadata.name.unwrap_or_default();
    let new_name = new.metadata.name.unwrap_or_default();
    // Before the progress deadline (600 s, 15 s here): still waiting.
    for version in ["1.27", "1.30", "1.33"] {
        let mut command = sim.kubectl(version, "admin");
        command.args([
            "rollout",
            "status",
            "deployment/cart",
            "-n",
            "shop",
            "--watch=false",
        ]);
        let output = run(command).await;
        assert_eq!(
            stdout(&output),
            "Waiting for deployment \"cart\" rollout to finish: 2 out of 4 new replicas have been updated...\n",
            "kubectl {version}: {}",
            stderr(&output)
        );
    }
    for version in ["1.27", "1.30", "1.33"] {
        let mut command = sim.kubectl(version, "admin");
        command.args(["rollout", "history", "deployment/cart", "-n", "shop"]);
        let output = run(command).await;
        let text = stdout(&output);
        let rows: Vec<Vec<&str>> = text
            .lines()
            .skip_while(|l| !l.starts_with("REVISION"))
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            rows.len(),
            2,
            "kubectl {version}: {text}{}",
            stderr(&output)
        );
        assert_eq!(rows[0], ["1", "<none>"], "kubectl {version}: {text}");
        assert_eq!(rows[1][0], "2", "kubectl {version}: {text}");
        assert!(
            text.contains(
                "kubectl set image deployment/cart app=registry.example.com/shop/cart:2.0.0"
            ),
            "kubectl {version}: {text}"
        );

        let mut command = sim.kubectl(version, "admin");
        command.args([
            "rollout",
            "history",
            "deployment/cart",
            "-n",
            "shop",
            "--revision=2",
        ]);
        let text = stdout(&run(command).await);
        assert!(
            text.contains("registry.example.com/shop/cart:2.0.0")
                && text.contains("pod-template-hash="),
            "kubectl {version}: {text}"
        );

        let mut command = sim.kubectl(version, "admin");
        command.args(["get", "rs", "-n", "shop", "-l", "app=cart"]);
        let output = run(command).await;
        let text = stdout(&output);
        let lines: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(
            lines.first().cloned().unwrap_or_default(),
            ["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            "kubectl {version}: {text}{}",
            stderr(&output)
        );
        let row = |name: &str| lines.iter().find(|l| l.first() == Some(&name)).cloned();
        assert_eq!(
            row(&old_name).map(|r| r[1..4].to_vec()),
            Some(vec!["3", "3", "3"]),
            "{text}"
        );
        assert_eq!(
            row(&new_name).map(|r| r[1..4].to_vec()),
            Some(vec!["2", "2", "0"]),
            "{text}"
        );
    }
    let mut command = sim.kubectl("1.33", "admin");
    command.args(["describe", "deployment", "cart", "-n", "shop"]);
    let text = stdout(&run(command).await);
    for expected in [
        format!("{new_name} (2/2 replicas created)"),
        format!("{old_name} (3/3 replicas created)"),
        "25% max unavailable, 25% max surge".to_string(),
        format!("Scaled up replica set {new_name} from 1 to 2"),
    ] {
        assert!(text.contains(&expected), "{expected} missing in\n{text}");
    }
    // No progress for the deadline: the rollout has failed.
    let failed = eventually(Duration::from_secs(40), || async {
        let mut command = sim.kubectl("1.33", "admin");
        command.args([
            "rollout",
            "status",
            "deployment/cart",
            "-n",
            "shop",
            "--watch=false",
        ]);
        let output = run(command).await;
        (!output.status.success()).then(|| stderr(&output))
    })
    .await
    .expect("the rollout exceeds its progress deadline");
    assert_eq!(
        failed,
        "error: deployment \"cart\" exceeded its progress deadline\n"
    );
}
