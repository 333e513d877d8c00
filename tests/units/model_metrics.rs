//! The quantity model against metrics that real metrics servers produced
//! (`tests/fixtures/metrics/`, see `tests/fixtures/SOURCES.md`): usage must
//! print as `kubectl top` prints it and round-trip to the same canonical text.

use ktriage::model::quantity::{
    cpu_nanocores, format_cpu_millis, format_cpu_quantity, format_memory_mi,
    format_memory_quantity, memory_bytes,
};
use serde_json::Value;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn read_value(folder: &str, name: &str) -> Result<Value, Box<dyn std::error::Error>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(folder)
        .join(name);
    Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
}

fn usage_of(value: &Value) -> Result<(u64, u64), Box<dyn std::error::Error>> {
    let cpu = value["cpu"].as_str().ok_or("no cpu")?;
    let memory = value["memory"].as_str().ok_or("no memory")?;
    let nanocores = cpu_nanocores(cpu).ok_or("bad cpu")?;
    let bytes = memory_bytes(memory).ok_or("bad memory")?;
    assert_eq!(format_cpu_quantity(nanocores), cpu);
    assert_eq!(format_memory_quantity(bytes), memory);
    Ok((nanocores, bytes))
}

#[test]
fn node_metrics_format_as_kubectl_top() -> TestResult {
    let node = read_value("metrics", "nodemetrics-minikube.json")?;
    let (nanocores, bytes) = usage_of(&node["usage"])?;
    assert_eq!((nanocores, bytes), (487_558_164, 732_212 * 1024));
    assert_eq!(format_cpu_millis(nanocores), "488m");
    assert_eq!(format_memory_mi(bytes), "715Mi");

    let list = read_value("metrics", "nodemetricslist-k3d.json")?;
    let items = list["items"].as_array().ok_or("no items")?;
    let printed: Vec<(String, String)> = items
        .iter()
        .map(|item| {
            usage_of(&item["usage"])
                .map(|(cpu, memory)| (format_cpu_millis(cpu), format_memory_mi(memory)))
        })
        .collect::<Result<_, _>>()?;
    assert_eq!(
        printed,
        [
            (String::from("163m"), String::from("569Mi")),
            (String::from("103m"), String::from("276Mi"))
        ]
    );
    Ok(())
}

#[test]
fn pod_metrics_format_as_kubectl_top() -> TestResult {
    let pod = read_value("metrics", "podmetrics-kube-scheduler-minikube.json")?;
    let containers = pod["containers"].as_array().ok_or("no containers")?;
    let mut total_nanocores = 0;
    let mut total_bytes = 0;
    for container in containers {
        let (nanocores, bytes) = usage_of(&container["usage"])?;
        total_nanocores += nanocores;
        total_bytes += bytes;
    }
    assert_eq!(format_cpu_millis(total_nanocores), "10m");
    assert_eq!(format_memory_mi(total_bytes), "21Mi");
    Ok(())
}
