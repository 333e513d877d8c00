//! The kubeconfig loader against real files: kubectl's merge rules across
//! several files, missing and broken files, context lookup and overrides,
//! and a client built from the simulator's kubeconfig that lists pods and
//! meets a 403 while impersonating. Paths are passed in, so no test changes
//! the process environment.

use std::error::Error;
use std::path::PathBuf;

use k8s_openapi::api::core::v1::Pod;
use ktriage::cluster::kubeconfig::{self, KubeconfigError, LoadedKubeconfig, Overrides};
use ktriage_sim::{Cluster, Scenario, SimServer};
use kube::api::{Api, ListParams};

use crate::common;

type TestResult = Result<(), Box<dyn Error>>;

const FIRST: &str = "\
apiVersion: v1
kind: Config
clusters:
- name: production
  cluster:
    server: https://prod.example.com:6443
- name: staging
  cluster:
    server: https://staging.example.com:6443
users:
- name: alice
  user:
    token: first-file-secret-token
contexts:
- name: prod-alice
  context:
    cluster: production
    user: alice
    namespace: payments
- name: staging-alice
  context:
    cluster: staging
    user: alice
";

const SECOND: &str = "\
apiVersion: v1
kind: Config
clusters:
- name: staging
  cluster:
    server: https://other-staging.example.com:6443
- name: production-alias
  cluster:
    server: https://prod.example.com:6443/
users:
- name: bob
  user:
    token: second-file-secret-token
contexts:
- name: staging-alice
  context:
    cluster: production
    user: bob
    namespace: overridden
- name: prod-bob
  context:
    cluster: production-alias
    user: bob
    namespace: checkout
- name: staging-bob
  context:
    cluster: staging
    user: bob
current-context: prod-bob
";

fn names(loaded: &LoadedKubeconfig) -> Vec<&str> {
    loaded
        .contexts
        .iter()
        .map(|entry| entry.name.as_str())
        .collect()
}

fn two_files() -> Result<(tempfile::TempDir, PathBuf, PathBuf), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let first = common::write(dir.path(), "first", FIRST);
    let second = common::write(dir.path(), "second", SECOND);
    Ok((dir, first, second))
}

#[test]
fn two_files_merge_and_the_first_definition_wins() -> TestResult {
    let (_dir, first, second) = two_files()?;
    let loaded = kubeconfig::load_from(&[first.clone(), second.clone()])?;
    assert_eq!(
        names(&loaded),
        ["prod-alice", "staging-alice", "prod-bob", "staging-bob"]
    );
    let staging = loaded.context("staging-alice").ok_or("staging-alice")?;
    assert_eq!(staging.cluster, "staging");
    assert_eq!(staging.user, "alice");
    assert_eq!(staging.namespace, None);
    assert_eq!(
        staging.server.as_deref(),
        Some("https://staging.example.com:6443")
    );
    let staging_bob = loaded.context("staging-bob").ok_or("staging-bob")?;
    assert_eq!(
        staging_bob.server.as_deref(),
        Some("https://staging.example.com:6443")
    );
    assert_eq!(loaded.sources, [first, second]);
    Ok(())
}

#[test]
fn current_context_comes_from_the_first_file_that_sets_it() -> TestResult {
    let (dir, first, second) = two_files()?;
    let loaded = kubeconfig::load_from(&[first.clone(), second.clone()])?;
    assert_eq!(loaded.current.as_deref(), Some("prod-bob"));

    let sets_it = common::write(
        dir.path(),
        "sets-it",
        &format!("{FIRST}current-context: prod-alice\n"),
    );
    let loaded = kubeconfig::load_from(&[sets_it, second.clone()])?;
    assert_eq!(loaded.current.as_deref(), Some("prod-alice"));

    let empty = common::write(
        dir.path(),
        "empty",
        &format!("{FIRST}current-context: \"\"\n"),
    );
    let loaded = kubeconfig::load_from(&[empty, second])?;
    assert_eq!(loaded.current.as_deref(), Some("prod-bob"));
    Ok(())
}

#[test]
fn missing_files_are_skipped() -> TestResult {
    let (dir, first, _second) = two_files()?;
    let missing = dir.path().join("does-not-exist");
    let loaded = kubeconfig::load_from(&[missing, first.clone()])?;
    assert_eq!(names(&loaded), ["prod-alice", "staging-alice"]);
    assert_eq!(loaded.sources, [first]);
    assert_eq!(loaded.current, None);
    Ok(())
}

#[test]
fn no_file_at_all_suggests_the_demo() -> TestResult {
    let dir = tempfile::tempdir()?;
    let missing = dir.path().join("nothing-here");
    let error = kubeconfig::load_from(std::slice::from_ref(&missing)).expect_err("nothing to load");
    assert!(
        matches!(&error, KubeconfigError::NotFound { looked_at } if looked_at == std::slice::from_ref(&missing))
    );
    let text = error.to_string();
    assert!(text.contains("--demo"), "{text}");
    assert!(text.contains(&missing.display().to_string()), "{text}");

    let explicit = kubeconfig::load(Some(&missing)).expect_err("an explicit missing file");
    assert!(matches!(explicit, KubeconfigError::NotFound { .. }));
    Ok(())
}

#[test]
fn an_explicit_path_is_read_alone() -> TestResult {
    let (_dir, _first, second) = two_files()?;
    let loaded = kubeconfig::load(Some(&second))?;
    assert_eq!(names(&loaded), ["staging-alice", "prod-bob", "staging-bob"]);
    assert_eq!(loaded.sources, [second]);
    Ok(())
}

#[test]
fn broken_yaml_names_the_file_and_the_line() -> TestResult {
    let dir = tempfile::tempdir()?;
    let (_keep, first, _second) = two_files()?;
    let broken = common::write(
        dir.path(),
        "broken",
        "apiVersion: v1\nclusters:\n- name: a\n  cluster:\n    server: [unclosed\ncontexts: []\n",
    );
    let error = kubeconfig::load_from(&[first, broken.clone()]).expect_err("broken YAML");
    let KubeconfigError::Invalid { path, line, .. } = &error else {
        return Err(format!("expected Invalid, got {error:?}").into());
    };
    assert_eq!(path, &broken);
    assert!(line.is_some_and(|line| (5..=7).contains(&line)), "{line:?}");
    let text = error.to_string();
    assert!(text.contains(&broken.display().to_string()), "{text}");
    assert!(
        text.contains(&format!("line {}", line.unwrap_or(0))),
        "{text}"
    );
    assert_eq!(text.matches("line").count(), 1, "{text}");
    assert!(!text.contains("unclosed"), "no excerpt of the file: {text}");
    Ok(())
}

#[test]
fn a_wrongly_typed_field_is_invalid_without_showing_the_file() -> TestResult {
    let dir = tempfile::tempdir()?;
    let wrong = common::write(
        dir.path(),
        "wrong",
        "apiVersion: v1\nusers:\n- name: x\n  user:\n    token: [do-not-show-this]\n",
    );
    let error = kubeconfig::load_from(&[wrong]).expect_err("a token must be a string");
    assert!(
        matches!(error, KubeconfigError::Invalid { line: Some(5), .. }),
        "{error:?}"
    );
    let text = error.to_string();
    assert!(!text.contains("do-not-show-this"), "{text}");
    Ok(())
}

#[test]
fn a_directory_is_unreadable() -> TestResult {
    let dir = tempfile::tempdir()?;
    let error = kubeconfig::load_from(&[dir.path().to_path_buf()]).expect_err("a directory");
    assert!(
        matches!(error, KubeconfigError::Unreadable { .. }),
        "{error:?}"
    );
    Ok(())
}

#[test]
fn a_file_without_contexts_is_refused() -> TestResult {
    let dir = tempfile::tempdir()?;
    let empty = common::write(dir.path(), "empty", "");
    let error = kubeconfig::load_from(&[empty]).expect_err("no contexts");
    assert!(
        matches!(error, KubeconfigError::NoContexts { .. }),
        "{error:?}"
    );
    Ok(())
}

#[tokio::test]
async fn an_unknown_context_lists_the_available_ones() -> TestResult {
    let (_dir, first, second) = two_files()?;
    let loaded = kubeconfig::load_from(&[first, second])?;
    let error = loaded
        .client_config("nope", &Overrides::default())
        .await
        .expect_err("no such context");
    let text = error.to_string();
    assert!(text.contains("`nope`"), "{text}");
    assert!(
        text.contains("prod-alice, staging-alice, prod-bob, staging-bob"),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn client_config_takes_namespace_and_impersonation() -> TestResult {
    let (_dir, first, second) = two_files()?;
    let loaded = kubeconfig::load_from(&[first, second])?;

    let config = loaded
        .client_config("prod-alice", &Overrides::default())
        .await?;
    assert_eq!(config.default_namespace, "payments");
    assert_eq!(config.cluster_url.host(), Some("prod.example.com"));
    assert_eq!(config.auth_info.impersonate, None);

    let config = loaded
        .client_config("staging-alice", &Overrides::default())
        .await?;
    assert_eq!(config.default_namespace, "default");

    let overrides = Overrides {
        namespace: Some("checkout".to_string()),
        impersonate_user: Some("system:serviceaccount:ops:reader".to_string()),
        impersonate_groups: vec!["oncall".to_string()],
    };
    let config = loaded.client_config("prod-alice", &overrides).await?;
    assert_eq!(config.default_namespace, "checkout");
    assert_eq!(
        config.auth_info.impersonate.as_deref(),
        Some("system:serviceaccount:ops:reader")
    );
    assert_eq!(
        config.auth_info.impersonate_groups,
        Some(vec!["oncall".to_string()])
    );
    kube::Client::try_from(config)?;
    Ok(())
}

#[test]
fn contexts_on_the_same_cluster_share_namespace_hints() -> TestResult {
    let (_dir, first, second) = two_files()?;
    let loaded = kubeconfig::load_from(&[first, second])?;
    assert_eq!(loaded.context_names_for_cluster("prod-alice"), ["prod-bob"]);
    assert_eq!(loaded.context_names_for_cluster("prod-bob"), ["prod-alice"]);
    assert_eq!(
        loaded.context_names_for_cluster("staging-alice"),
        ["staging-bob"]
    );
    assert!(loaded.context_names_for_cluster("nope").is_empty());
    Ok(())
}

#[test]
fn debug_output_holds_no_tokens() -> TestResult {
    let (_dir, first, second) = two_files()?;
    let loaded = kubeconfig::load_from(&[first, second])?;
    let text = format!("{loaded:?}");
    assert!(text.contains("prod-alice"), "{text}");
    assert!(!text.contains("secret-token"), "{text}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_from_the_simulator_kubeconfig_lists_and_is_refused() -> TestResult {
    let cluster = Cluster::build(Scenario::demo()?)
        .map_err(|error| format!("the cluster builds: {error:?}"))?;
    let server = SimServer::start(cluster, "127.0.0.1:0".parse()?).await?;
    let dir = tempfile::tempdir()?;
    let path = common::write(dir.path(), "kubeconfig", &server.kubeconfig());
    let loaded = kubeconfig::load(Some(&path))?;
    for context in ["admin", "viewer", "debugger"] {
        assert!(loaded.context(context).is_some(), "{context}");
    }

    let config = loaded
        .client_config("viewer", &Overrides::default())
        .await?;
    assert_eq!(config.default_namespace, "team-a");
    let client = kube::Client::try_from(config)?;
    let pods: Api<Pod> = Api::default_namespaced(client);
    let listed = pods.list(&ListParams::default()).await?;
    assert!(!listed.items.is_empty());

    let as_viewer = Overrides {
        impersonate_user: Some("viewer".to_string()),
        ..Overrides::default()
    };
    let config = loaded.client_config("admin", &as_viewer).await?;
    let client = kube::Client::try_from(config)?;
    let shop: Api<Pod> = Api::namespaced(client.clone(), "shop");
    match shop.list(&ListParams::default()).await {
        Err(kube::Error::Api(status)) => assert_eq!(status.code, 403, "{status:?}"),
        other => return Err(format!("expected 403, got {other:?}").into()),
    }

    let admin = loaded.client_config("admin", &Overrides::default()).await?;
    let shop: Api<Pod> = Api::namespaced(kube::Client::try_from(admin)?, "shop");
    shop.list(&ListParams::default()).await?;
    Ok(())
}
