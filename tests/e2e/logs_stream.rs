//! The log reader against the simulated cluster: following a chatty
//! container with no gap, across an OOMKilled restart, through streams the
//! simulator cuts, the previous instance, and a workload whose pods change
//! while it is read.

use std::time::{Duration, Instant};

use ktriage::protocol::ClusterEvent;
use ktriage::protocol::logs::{LineKind, LogEvent, LogRequest, LogTarget, StreamState};
use ktriage_sim::scenario::Scenario;
use tokio::sync::mpsc;

use crate::common;

/// Everything a reading reported, in order.
#[derive(Default)]
struct Seen {
    events: Vec<LogEvent>,
}

impl Seen {
    fn lines(&self) -> impl Iterator<Item = &ktriage::protocol::logs::IncomingLine> {
        self.events.iter().flat_map(|event| match event {
            LogEvent::Lines(lines) => lines.as_slice(),
            _ => &[],
        })
    }

    fn states(&self) -> impl Iterator<Item = &StreamState> {
        self.events.iter().filter_map(|event| match event {
            LogEvent::State { state, .. } => Some(state),
            _ => None,
        })
    }

    /// The numbers of the numbered generator's lines (`seq=N ...`), in order.
    fn sequence(&self) -> Vec<u64> {
        self.lines()
            .filter(|line| line.kind == LineKind::Log)
            .filter_map(|line| {
                line.text
                    .strip_prefix("seq=")
                    .and_then(|rest| rest.split(' ').next())
                    .and_then(|n| n.parse().ok())
            })
            .collect()
    }
}

fn request(target: LogTarget, follow: bool, previous: bool, tail: Option<i64>) -> LogRequest {
    LogRequest {
        view: 7,
        target,
        follow,
        previous,
        since_seconds: None,
        tail_lines: tail,
    }
}

fn container(namespace: &str, pod: &str, container: &str) -> LogTarget {
    LogTarget::Container {
        namespace: namespace.to_string(),
        pod: pod.to_string(),
        container: container.to_string(),
    }
}

/// Run a reading for `duration` (or until it ends) and collect its reports.
async fn read_for(client: kube::Client, request: LogRequest, duration: Duration) -> Seen {
    read_until(client, request, duration, |_| false).await
}

async fn read_until(
    client: kube::Client,
    request: LogRequest,
    limit: Duration,
    done: impl Fn(&Seen) -> bool,
) -> Seen {
    let (sender, mut receiver) = mpsc::channel(1024);
    let task = tokio::spawn(ktriage::cluster::logs::read(client, request, sender));
    let mut seen = Seen::default();
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, receiver.recv()).await {
            Ok(Some(ClusterEvent::Logs { view, event })) => {
                assert_eq!(view, 7, "reports carry their view");
                seen.events.push(event);
                if done(&seen) {
                    break;
                }
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    task.abort();
    seen
}

fn assert_consecutive(numbers: &[u64]) {
    assert!(!numbers.is_empty(), "no numbered lines arrived");
    for pair in numbers.windows(2) {
        assert_eq!(
            pair[1],
            pair[0] + 1,
            "a gap or a repeat between {} and {} (of {} lines)",
            pair[0],
            pair[1],
            numbers.len()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_a_chatty_container_keeps_every_line_in_order() {
    let sim = common::start(Scenario::demo().expect("demo")).await;
    let client = common::client(&sim, "admin").await;
    let seen = read_for(
        client,
        request(container("shop", "chatty", "app"), true, false, Some(100)),
        Duration::from_secs(3),
    )
    .await;
    let numbers = seen.sequence();
    assert_consecutive(&numbers);
    // The first read is the last 100 lines; the follow brings ~300 a second more.
    assert!(numbers.len() > 400, "only {} lines in 3 s", numbers.len());
    assert!(seen.states().any(|s| *s == StreamState::Streaming));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cut_stream_resumes_with_no_duplicate_and_no_missing_line() {
    let mut scenario = Scenario::demo().expect("demo");
    scenario.faults.drop_log_streams_every_seconds = Some(0.7);
    let sim = common::start(scenario).await;
    let client = common::client(&sim, "admin").await;
    let seen = read_for(
        client,
        request(container("shop", "chatty", "app"), true, false, Some(10)),
        Duration::from_secs(4),
    )
    .await;
    let numbers = seen.sequence();
    assert_consecutive(&numbers);
    let reconnects = seen
        .states()
        .filter(|s| matches!(s, StreamState::Reconnecting { .. }))
        .count();
    assert!(
        reconnects >= 2,
        "the stream was cut every 0.7 s but {reconnects} reconnections were reported"
    );
    assert!(numbers.len() > 600, "only {} lines in 4 s", numbers.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_across_an_oomkilled_restart_marks_it_and_goes_on() {
    // orders-db leaks memory until the kernel kills it at its limit.
    let sim = common::start(common::fast_demo(25.0)).await;
    let client = common::client(&sim, "admin").await;
    let seen = read_until(
        client,
        request(
            container("shop", "orders-db-0", "postgres"),
            true,
            false,
            None,
        ),
        Duration::from_secs(30),
        |seen| {
            // Done once a line of the new instance follows the marker.
            let mut lines = seen.lines().skip_while(|l| l.kind != LineKind::Marker);
            lines.next().is_some() && lines.any(|l| l.kind == LineKind::Log)
        },
    )
    .await;
    let marker = seen
        .lines()
        .find(|line| line.kind == LineKind::Marker)
        .expect("a restart marker");
    assert_eq!(
        marker.text,
        "container postgres restarted: exit 137 OOMKilled"
    );
    let after: Vec<&str> = seen
        .lines()
        .skip_while(|l| l.kind != LineKind::Marker)
        .skip(1)
        .filter(|l| l.kind == LineKind::Log)
        .map(|l| l.text.as_str())
        .collect();
    assert_eq!(
        after.first().copied(),
        Some("PostgreSQL init process complete; ready for start up."),
        "the new instance is read from its first line"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_previous_instance_is_read_and_a_missing_one_is_explained() {
    let sim = common::start(common::fast_demo(25.0)).await;
    let client = common::client(&sim, "admin").await;
    // checkout crash-loops every 4 s (0.16 s here): it has a previous instance soon.
    let pods = common::eventually(Duration::from_secs(20), || {
        let client = client.clone();
        async move {
            let api: kube::Api<k8s_openapi::api::core::v1::Pod> =
                kube::Api::namespaced(client, "shop");
            let list = api
                .list(&kube::api::ListParams::default().labels("app=checkout"))
                .await
                .ok()?;
            list.items.into_iter().find(|pod| {
                pod.status
                    .as_ref()
                    .and_then(|s| s.container_statuses.as_ref())
                    .is_some_and(|c| c.iter().any(|c| c.restart_count > 0))
            })
        }
    })
    .await
    .expect("a checkout pod restarts");
    let name = pods.metadata.name.clone().expect("a name");
    let seen = read_until(
        client.clone(),
        request(container("shop", &name, "app"), false, true, None),
        Duration::from_secs(10),
        |seen| seen.events.contains(&LogEvent::Finished),
    )
    .await;
    let texts: Vec<&str> = seen.lines().map(|l| l.text.as_str()).collect();
    assert!(
        texts.contains(&"panic: runtime error: invalid memory address or nil pointer dereference"),
        "the previous instance's last words: {texts:?}"
    );
    // A container that never restarted has no previous instance: said, not hidden.
    let seen = read_until(
        client,
        request(container("shop", "chatty", "app"), false, true, None),
        Duration::from_secs(10),
        |seen| seen.events.contains(&LogEvent::Finished),
    )
    .await;
    let failed: Vec<&StreamState> = seen
        .states()
        .filter(|s| matches!(s, StreamState::Failed(_)))
        .collect();
    assert_eq!(
        failed,
        [&StreamState::Failed(
            "previous terminated container \"app\" in pod \"chatty\" not found".to_string()
        )]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_workload_reading_takes_in_a_pod_added_while_it_runs() {
    let sim = common::start(Scenario::demo().expect("demo")).await;
    let client = common::client(&sim, "admin").await;
    let target = LogTarget::Selector {
        namespace: "shop".to_string(),
        selector: "app=gateway".to_string(),
        title: "gateway".to_string(),
    };
    let (sender, mut receiver) = mpsc::channel(1024);
    let task = tokio::spawn(ktriage::cluster::logs::read(
        client.clone(),
        request(target, true, false, Some(5)),
        sender,
    ));
    let mut seen = Seen::default();
    let collect = |receiver: &mut mpsc::Receiver<ClusterEvent>, seen: &mut Seen| {
        while let Ok(ClusterEvent::Logs { event, .. }) = receiver.try_recv() {
            seen.events.push(event);
        }
    };
    let sources = |seen: &Seen| -> Vec<(u32, String)> {
        seen.events
            .iter()
            .filter_map(|e| match e {
                LogEvent::Source(s) => Some((s.id, format!("{}/{}", s.pod, s.container))),
                _ => None,
            })
            .collect()
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    collect(&mut receiver, &mut seen);
    let first: Vec<String> = sources(&seen).into_iter().map(|s| s.1).collect();
    assert_eq!(
        first,
        [
            "web-with-sidecars/migrate",
            "web-with-sidecars/mesh-proxy",
            "web-with-sidecars/gateway",
            "web-with-sidecars/log-shipper"
        ]
    );
    // Lines of several containers arrive in time order.
    let times: Vec<_> = seen.lines().filter_map(|l| l.time).collect();
    assert!(
        times.windows(2).all(|pair| pair[0] <= pair[1]),
        "merged in time order"
    );
    // A second gateway pod appears.
    let api: kube::Api<k8s_openapi::api::core::v1::Pod> = kube::Api::namespaced(client, "shop");
    let pod: k8s_openapi::api::core::v1::Pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "gateway-2", "labels": {"app": "gateway"}},
        "spec": {"containers": [{"name": "gateway", "image": "registry.example.com/shop/gateway:3.2.0"}]}
    }))
    .expect("a pod");
    api.create(&Default::default(), &pod)
        .await
        .expect("created");
    // Its container is followed once it starts (it writes nothing itself).
    let joined = common::eventually(Duration::from_secs(15), || {
        collect(&mut receiver, &mut seen);
        let id = sources(&seen)
            .into_iter()
            .find(|s| s.1 == "gateway-2/gateway")
            .map(|s| s.0);
        let streaming = seen.events.iter().any(|e| {
            matches!(e, LogEvent::State { source, state: StreamState::Streaming } if Some(*source) == id)
        });
        async move { streaming.then_some(()) }
    })
    .await;
    task.abort();
    assert!(joined.is_some(), "gateway-2 joined: {:?}", sources(&seen));
    let lines: Vec<(u32, String)> = seen.lines().map(|l| (l.source, l.text.clone())).collect();
    assert!(
        lines.iter().any(|l| l.1 == "pod gateway-2 joined"),
        "the view says a pod joined"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_log_reading_fails_with_the_apis_words() {
    // The viewer may read pods in team-a, but not their logs.
    let text = ktriage_sim::scenario::RESTRICTED_YAML.replacen(
        "resources: [pods, pods/log,",
        "resources: [pods,",
        1,
    );
    let sim = common::start(Scenario::parse(&text, "restricted.yaml").expect("restricted")).await;
    let client = common::client(&sim, "viewer").await;
    let seen = read_until(
        client,
        request(container("team-a", "worker", "app"), true, false, Some(10)),
        Duration::from_secs(10),
        |seen| seen.events.iter().any(|e| matches!(e, LogEvent::Failed(_))),
    )
    .await;
    let failed = seen
        .events
        .iter()
        .find_map(|e| match e {
            LogEvent::Failed(text) => Some(text.clone()),
            _ => None,
        })
        .expect("the reading fails");
    assert_eq!(
        failed,
        "pods \"worker\" is forbidden: User \"viewer\" cannot get resource \"pods/log\" \
         in API group \"\" in the namespace \"team-a\""
    );
}
