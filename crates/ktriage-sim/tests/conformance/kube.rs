//! kube-rs against the simulated cluster: watchers survive dropped
//! connections and a compacted history (410) without a hot loop, 403 and 401
//! reach the client as API errors, and exec speaks the channel protocol.

use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, AttachParams, PostParams};
use kube::runtime::{WatchStreamExt, watcher};
use tokio::io::AsyncReadExt;

use crate::harness::{self, client, fast_demo, start};

fn pod(name: &str) -> Pod {
    serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "team-a"},
        "spec": {"containers": [{"name": "app", "image": "busybox:1.36"}]},
    }))
    .expect("a pod")
}

/// Collect watcher events for `duration`, creating `created` part way through.
async fn watch_while(
    api: Api<Pod>,
    admin: Api<Pod>,
    created: &str,
    duration: Duration,
    before_create: impl std::future::Future<Output = ()>,
) -> Vec<watcher::Event<Pod>> {
    let stream = watcher(api, watcher::Config::default()).default_backoff();
    let collector = tokio::spawn(async move {
        let mut events = Vec::new();
        let mut stream = std::pin::pin!(stream);
        let deadline = tokio::time::sleep(duration);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => return events,
                item = stream.next() => match item {
                    Some(Ok(event)) => events.push(event),
                    Some(Err(_)) => {}
                    None => return events,
                },
            }
        }
    });
    before_create.await;
    admin
        .create(&PostParams::default(), &pod(created))
        .await
        .expect("the pod is created");
    collector.await.expect("the collector joins")
}

fn saw_pod(events: &[watcher::Event<Pod>], name: &str) -> bool {
    events.iter().any(|event| match event {
        watcher::Event::Apply(pod) | watcher::Event::InitApply(pod) => {
            pod.metadata.name.as_deref() == Some(name)
        }
        _ => false,
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn watcher_survives_dropped_connections_without_a_hot_loop() {
    let mut scenario = fast_demo(1.0);
    scenario.faults.drop_watches_every_seconds = Some(1.0);
    let sim = start(scenario).await;
    let viewer: Api<Pod> = Api::namespaced(client(&sim, "viewer").await, "team-a");
    let admin: Api<Pod> = Api::namespaced(client(&sim, "admin").await, "team-a");
    let before = sim.server.request_count();
    let events = watch_while(
        viewer,
        admin,
        "after-drops",
        Duration::from_secs(5),
        tokio::time::sleep(Duration::from_millis(2500)),
    )
    .await;
    let requests = sim.server.request_count() - before;
    assert!(
        saw_pod(&events, "after-drops"),
        "the watcher missed the pod created after its stream was cut"
    );
    // Five seconds with a cut every second: a handful of re-watches, not a loop.
    assert!(requests < 40, "{requests} requests in five seconds");
}

#[tokio::test(flavor = "multi_thread")]
async fn watcher_relists_after_a_compacted_history() {
    let sim = start(fast_demo(1.0)).await;
    let viewer: Api<Pod> = Api::namespaced(client(&sim, "viewer").await, "team-a");
    let admin: Api<Pod> = Api::namespaced(client(&sim, "admin").await, "team-a");
    let before = sim.server.request_count();
    let server = &sim.server;
    let events = watch_while(
        viewer,
        admin,
        "after-restart",
        Duration::from_secs(5),
        async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            server.restart();
            tokio::time::sleep(Duration::from_millis(1000)).await;
        },
    )
    .await;
    let requests = sim.server.request_count() - before;
    let inits = events
        .iter()
        .filter(|e| matches!(e, watcher::Event::Init))
        .count();
    assert!(
        inits >= 2,
        "the watcher never relisted after the 410 ({inits} inits)"
    );
    assert!(saw_pod(&events, "after-restart"));
    assert!(requests < 40, "{requests} requests in five seconds");
}

#[tokio::test(flavor = "multi_thread")]
async fn forbidden_and_unauthorized_are_api_errors() {
    let sim = start(fast_demo(1.0)).await;
    let viewer: Api<Pod> = Api::namespaced(client(&sim, "viewer").await, "shop");
    match viewer.list(&Default::default()).await {
        Err(kube::Error::Api(status)) => {
            assert_eq!(status.code, 403);
            assert_eq!(status.reason, "Forbidden");
            assert_eq!(
                status.message,
                "pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\""
            );
        }
        other => panic!("expected a 403, got {other:?}"),
    }
    let text = sim
        .server
        .kubeconfig()
        .replace("demo-viewer-token", "expired-token");
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&text).expect("parses");
    let options = kube::config::KubeConfigOptions {
        context: Some("viewer".to_string()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .expect("loads");
    let stranger: Api<Pod> =
        Api::namespaced(kube::Client::try_from(config).expect("client"), "team-a");
    match stranger.list(&Default::default()).await {
        Err(kube::Error::Api(status)) => {
            assert_eq!(status.code, 401);
            assert_eq!(status.reason, "Unauthorized");
        }
        other => panic!("expected a 401, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn paginated_lists_are_consistent_snapshots() {
    let sim = start(fast_demo(1.0)).await;
    let admin: Api<Pod> = Api::all(client(&sim, "admin").await);
    let everything = admin.list(&Default::default()).await.expect("a list");
    let mut paged = Vec::new();
    let mut params = kube::api::ListParams::default().limit(7);
    let mut resource_versions = std::collections::BTreeSet::new();
    loop {
        let page = admin.list(&params).await.expect("a page");
        resource_versions.insert(page.metadata.resource_version.clone());
        paged.extend(page.items.into_iter().filter_map(|p| p.metadata.name));
        match page.metadata.continue_ {
            Some(token) if !token.is_empty() => params = params.continue_token(&token),
            _ => break,
        }
    }
    assert_eq!(
        resource_versions.len(),
        1,
        "every page carries the first page's resourceVersion"
    );
    assert_eq!(paged.len(), everything.items.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn exec_returns_output_and_exit_code() {
    let sim = start(fast_demo(1.0)).await;
    let admin: Api<Pod> = Api::namespaced(client(&sim, "admin").await, "team-a");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut process = admin
        .exec(
            "worker",
            vec!["sh", "-c", "echo hi; echo $HOSTNAME; exit 3"],
            &AttachParams::default().container("app").stderr(false),
        )
        .await
        .expect("exec starts");
    let mut output = String::new();
    if let Some(mut stdout) = process.stdout() {
        stdout
            .read_to_string(&mut output)
            .await
            .expect("stdout reads");
    }
    let status = process
        .take_status()
        .expect("a status channel")
        .await
        .expect("a status");
    assert_eq!(output, "hi\nworker\n");
    assert_eq!(status.reason.as_deref(), Some("NonZeroExitCode"));
    let code = status
        .details
        .and_then(|d| d.causes)
        .and_then(|c| c.into_iter().next())
        .and_then(|c| c.message);
    assert_eq!(code.as_deref(), Some("3"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_loop_waits_with_the_kubelets_message() {
    let sim = harness::start(harness::fast_demo(25.0)).await;
    let client = harness::client(&sim, "admin").await;
    let api: kube::Api<k8s_openapi::api::core::v1::Pod> = kube::Api::namespaced(client, "shop");
    let (pod, message) = harness::eventually(Duration::from_secs(20), || {
        let api = api.clone();
        async move {
            let pods = api
                .list(&kube::api::ListParams::default().labels("app=checkout"))
                .await
                .ok()?;
            pods.items.into_iter().find_map(|pod| {
                let waiting = pod.status.as_ref()?.container_statuses.as_ref()?[0]
                    .state
                    .as_ref()?
                    .waiting
                    .clone()?;
                (waiting.reason.as_deref() == Some("CrashLoopBackOff"))
                    .then(|| (pod.clone(), waiting.message.unwrap_or_default()))
            })
        }
    })
    .await
    .expect("a checkout pod waits to restart");
    let name = pod.metadata.name.clone().unwrap_or_default();
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let suffix = format!(" restarting failed container=app pod={name}_shop({uid})");
    assert!(
        message.starts_with("back-off ") && message.ends_with(&suffix),
        "{message}"
    );
}
