//! The simulator's faults and the service proxy, as a client meets them:
//! 429 with Retry-After, 500, a log stream cut in the middle (the lines that
//! did arrive are whole and in order), and the service proxy reaching the
//! upstream a scenario names.

use std::time::Duration;

use futures::{AsyncBufReadExt, TryStreamExt};
use k8s_openapi::api::core::v1::Pod;
use kube::api::{Api, LogParams};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::harness::{self, client, fast_demo, start};

/// A raw HTTPS request with curl, so client-side retries (kube-rs retries
/// 429 and 503 by itself) do not hide what the server answered.
async fn curl(sim: &harness::Sim, path: &str) -> String {
    let ca = sim.dir.path().join("ca.pem");
    std::fs::write(&ca, &sim.server.ca_pem).expect("the CA is written");
    let mut command = std::process::Command::new("curl");
    command
        .args(["-s", "-i", "--cacert"])
        .arg(&ca)
        .args(["-H", "Authorization: Bearer demo-admin-token"])
        .arg(format!("{}{path}", sim.server.url()));
    harness::stdout(&harness::run(command).await)
}

#[tokio::test(flavor = "multi_thread")]
async fn throttling_and_server_errors_are_answered_as_the_apiserver_does() {
    let mut scenario = fast_demo(1.0);
    scenario.faults.throttle_every_nth_request = Some(2);
    scenario.faults.retry_after_seconds = 7;
    let sim = start(scenario).await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        answers.push(curl(&sim, "/api/v1/namespaces/shop/pods").await);
    }
    let throttled = answers
        .iter()
        .find(|a| a.starts_with("HTTP/1.1 429"))
        .expect("every second request is throttled");
    assert!(
        throttled.to_lowercase().contains("retry-after: 7"),
        "{throttled}"
    );
    assert!(
        throttled.contains("\"reason\":\"TooManyRequests\""),
        "{throttled}"
    );
    // kube-rs honours Retry-After and retries: the list still succeeds.
    let mut quick = fast_demo(1.0);
    quick.faults.throttle_every_nth_request = Some(2);
    quick.faults.retry_after_seconds = 1;
    let sim = start(quick).await;
    let pods: Api<Pod> = Api::namespaced(client(&sim, "admin").await, "shop");
    for _ in 0..2 {
        assert!(pods.list(&Default::default()).await.is_ok());
    }

    let mut scenario = fast_demo(1.0);
    scenario.faults.error_every_nth_request = Some(2);
    let sim = start(scenario).await;
    let mut answers = Vec::new();
    for _ in 0..2 {
        answers.push(curl(&sim, "/api/v1/namespaces/shop/pods").await);
    }
    let failed = answers
        .iter()
        .find(|a| a.starts_with("HTTP/1.1 500"))
        .expect("every second request fails");
    assert!(failed.contains("\"reason\":\"InternalError\""), "{failed}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cut_log_stream_ends_with_whole_lines_in_order() {
    let mut scenario = fast_demo(1.0);
    scenario.faults.drop_log_streams_every_seconds = Some(1.0);
    let sim = start(scenario).await;
    let pods: Api<Pod> = Api::namespaced(client(&sim, "admin").await, "shop");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let params = LogParams {
        follow: true,
        container: Some("app".into()),
        ..LogParams::default()
    };
    let stream = pods
        .log_stream("chatty", &params)
        .await
        .expect("the stream opens");
    let mut lines = stream.lines();
    let mut numbers = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match lines.try_next().await {
                Ok(Some(line)) => {
                    if let Some(number) = line
                        .strip_prefix("seq=")
                        .and_then(|rest| rest.split_whitespace().next())
                        .and_then(|n| n.parse::<u64>().ok())
                    {
                        numbers.push(number);
                    }
                }
                Ok(None) | Err(_) => return,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "the cut stream never ended");
    assert!(
        numbers.len() > 100,
        "too few lines before the cut: {}",
        numbers.len()
    );
    assert!(
        numbers.windows(2).all(|pair| pair[1] == pair[0] + 1),
        "lines out of order or missing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_service_proxy_reaches_the_upstream() {
    let upstream = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = upstream.local_addr().expect("address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = upstream.accept().await {
            tokio::spawn(async move {
                let mut request = vec![0u8; 4096];
                let read = socket.read(&mut request).await.unwrap_or(0);
                let first_line = String::from_utf8_lossy(&request[..read])
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let body = format!("{{\"status\":\"success\",\"seen\":\"{first_line}\"}}");
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
            });
        }
    });
    let mut scenario = fast_demo(1.0);
    if let Some(service) = scenario
        .services
        .iter_mut()
        .find(|s| s.name == "prometheus")
    {
        service.upstream = Some(format!("http://{address}"));
    }
    let sim = start(scenario).await;
    let text = curl(
        &sim,
        "/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query?query=up",
    )
    .await;
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(text.contains("\"status\":\"success\""), "{text}");
    assert!(
        text.contains("GET /api/v1/query?query=up HTTP/1.1"),
        "{text}"
    );
    let missing = curl(
        &sim,
        "/api/v1/namespaces/shop/services/storefront:80/proxy/",
    )
    .await;
    assert!(missing.starts_with("HTTP/1.1 503"), "{missing}");
    assert!(
        missing.contains("no endpoints available for service") && missing.contains("storefront"),
        "{missing}"
    );
}
