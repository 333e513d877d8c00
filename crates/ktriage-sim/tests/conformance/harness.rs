//! What tests against the simulator share: start the simulated cluster
//! in-process on a loopback port, write its kubeconfig, run real kubectl
//! binaries against it with an isolated HOME so discovery caches never leak
//! between runs, and make kube-rs clients for its contexts. The simulator's
//! conformance tests and ktriage's end-to-end tests both include this file.
//! It checks only its own preconditions (the versioned kubectl binaries are
//! there); what is tested is asserted by the test modules, never here.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use ktriage_sim::scenario::Scenario;
use ktriage_sim::{Cluster, SimServer};

pub struct Sim {
    pub server: SimServer,
    pub dir: tempfile::TempDir,
    pub kubeconfig: PathBuf,
}

/// The demo scenario with its clock sped up, so stories play out quickly.
pub fn fast_demo(speed: f64) -> Scenario {
    let mut scenario = Scenario::demo().expect("the demo scenario parses");
    scenario.cluster.speed = speed;
    scenario
}

pub async fn start(scenario: Scenario) -> Sim {
    let cluster = Cluster::build(scenario).expect("the cluster builds");
    let server = SimServer::start(cluster, "127.0.0.1:0".parse().expect("address"))
        .await
        .expect("the server starts");
    let dir = tempfile::tempdir().expect("a temporary directory");
    let kubeconfig = dir.path().join("kubeconfig");
    std::fs::write(&kubeconfig, server.kubeconfig()).expect("the kubeconfig is written");
    std::fs::create_dir_all(dir.path().join("home")).expect("home");
    Sim {
        server,
        dir,
        kubeconfig,
    }
}

/// Where the versioned kubectl binaries live (`kubectl.1.27` … `kubectl.1.33`).
pub fn kubectl_path(version: &str) -> PathBuf {
    let kubectl = which("kubectl")
        .expect("kubectl is on PATH (every machine has the versioned binaries beside it)");
    let real = std::fs::canonicalize(&kubectl).expect("kubectl resolves");
    let path = real
        .parent()
        .expect("a directory")
        .join(format!("kubectl.{version}"));
    assert!(path.exists(), "{} is missing", path.display());
    path
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

impl Sim {
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// A kubectl command against this cluster, as `context`.
    pub fn kubectl(&self, version: &str, context: &str) -> Command {
        let mut command = Command::new(kubectl_path(version));
        command
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HOME", self.home())
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .arg("--context")
            .arg(context)
            .arg("--cache-dir")
            .arg(self.dir.path().join(format!("cache-{version}")));
        command
    }
}

/// Run a blocking command off the async runtime.
pub async fn run(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("the command runs"))
        .await
        .expect("the task joins")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Poll `check` until it returns Some, or give up after `limit`.
pub async fn eventually<T, F, Fut>(limit: Duration, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check().await {
            return Some(value);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("a file is written");
    path
}

/// A kube-rs client for one context of the simulated cluster.
pub async fn client(sim: &Sim, context: &str) -> kube::Client {
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&sim.server.kubeconfig())
        .expect("the kubeconfig parses");
    let options = kube::config::KubeConfigOptions {
        context: Some(context.to_string()),
        ..Default::default()
    };
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .expect("the context loads");
    kube::Client::try_from(config).expect("a client")
}
