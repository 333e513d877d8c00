//! Benchmarks of the simulated cluster at scale: serving 50,000 pods as a
//! paginated list (through HTTPS and kube-rs, as a client sees it, and from
//! the store alone), and the watch fan-out of one change to many watchers.
//! Also prints the resident memory of a 50,000-pod cluster.

// A benchmark is a measuring harness, not the product: it may stop on a
// broken fixture and print what it measured.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use ktriage_sim::resources::PODS;
use ktriage_sim::scenario::{Scale, Scenario};
use ktriage_sim::store::ListRequest;
use ktriage_sim::{Cluster, SimServer};
use kube::api::{Api, ListParams, WatchParams};

fn resident_megabytes() -> f64 {
    let text = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = text
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / 1_048_576.0
}

fn scaled_scenario() -> Scenario {
    let mut scenario = Scenario::demo().expect("demo parses");
    scenario.scale = Some(Scale {
        pods: 50_000,
        namespaces: 50,
        nodes: 100,
        crash_loop_every: Some(50),
    });
    scenario
}

async fn client(server: &SimServer) -> kube::Client {
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&server.kubeconfig()).expect("kubeconfig");
    let options = kube::config::KubeConfigOptions {
        context: Some("admin".to_string()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .expect("config");
    kube::Client::try_from(config).expect("client")
}

fn bench_lists(criterion: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let before = resident_megabytes();
    let started = std::time::Instant::now();
    let cluster = Cluster::build(scaled_scenario()).expect("cluster");
    eprintln!(
        "built {} pods in {:.2?}; resident memory {:.0} MB -> {:.0} MB",
        cluster.store.count(&PODS),
        started.elapsed(),
        before,
        resident_megabytes()
    );
    let server = runtime
        .block_on(SimServer::start(
            cluster,
            "127.0.0.1:0".parse().expect("address"),
        ))
        .expect("server");
    let client = runtime.block_on(client(&server));
    let mut group = criterion.benchmark_group("list_50000_pods");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.bench_function("store_pages_of_500", |bencher| {
        let store = &server.cluster().store;
        bencher.iter(|| {
            let mut token: Option<String> = None;
            let mut total = 0;
            loop {
                let page = store
                    .list(
                        &PODS,
                        &ListRequest {
                            namespace: None,
                            limit: Some(500),
                            continue_token: token.as_deref(),
                            filter: None,
                        },
                    )
                    .expect("page");
                total += page.items.len();
                match page.continue_token {
                    Some(next) => token = Some(next),
                    None => break,
                }
            }
            black_box(total)
        })
    });
    group.bench_function("https_kube_rs_pages_of_500", |bencher| {
        let api: Api<Pod> = Api::all(client.clone());
        bencher.iter(|| {
            runtime.block_on(async {
                let mut params = ListParams::default().limit(500);
                let mut total = 0;
                loop {
                    let page = api.list(&params).await.expect("page");
                    total += page.items.len();
                    match page.metadata.continue_ {
                        Some(token) if !token.is_empty() => params = params.continue_token(&token),
                        _ => break,
                    }
                }
                black_box(total)
            })
        })
    });
    group.finish();

    let mut group = criterion.benchmark_group("watch_fan_out");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    for watchers in [10usize, 100] {
        group.bench_function(format!("{watchers}_watchers_100_changes"), |bencher| {
            bencher.iter(|| {
                runtime.block_on(async {
                    let api: Api<Pod> = Api::namespaced(client.clone(), "ns-000");
                    let version = api.list(&ListParams::default().limit(1)).await.expect("list").metadata.resource_version.unwrap_or_default();
                    let mut streams = Vec::new();
                    for _ in 0..watchers {
                        streams.push(Box::pin(api.watch(&WatchParams::default().labels("bench=fan-out"), &version).await.expect("watch")));
                    }
                    let store = &server.cluster().store;
                    for index in 0..100 {
                        let pod = serde_json::json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("fan-{index}"), "namespace": "ns-000", "labels": {"bench": "fan-out"}}, "spec": {"containers": [{"name": "a", "image": "x"}]}});
                        store.create(&PODS, pod).expect("create");
                    }
                    let mut received = 0;
                    for stream in &mut streams {
                        for _ in 0..100 {
                            if stream.next().await.is_some() {
                                received += 1;
                            }
                        }
                    }
                    for index in 0..100 {
                        store.delete(&PODS, "ns-000", &format!("fan-{index}")).expect("delete");
                    }
                    black_box(received)
                })
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench_lists);
criterion_main!(benches);
