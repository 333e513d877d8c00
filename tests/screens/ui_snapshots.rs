//! Every view drawn on a TestBackend at 80x24 and 160x48 with a fixed clock:
//! loading, empty, populated, error, forbidden, stale and read-only states.
//! A changed screen fails here until its new snapshot is reviewed.

use crossterm::event::KeyCode;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Event, Namespace, Node, Pod};
use ktriage::app::msg::Msg;
use ktriage::app::state::{AppState, DetailState, View, YamlState};
use ktriage::app::{start, update};
use ktriage::model::detail::PodDetail;
use ktriage::model::listing::{EventRow, NamespaceRow, NodeRow, WorkloadRow};
use ktriage::model::rows::{PodRow, Usage, container_details};
use ktriage::model::safe_text::SafeText;
use ktriage::protocol::{ClusterEvent, WatchUpdate};

use crate::support;
use crate::support::{
    SIZES, char_key, fixture_pods, fixture_rows, key, now, pods_reset, render, state,
};

fn snapshot(name: &str, mut build: impl FnMut() -> AppState) {
    for (width, height) in SIZES {
        let mut state = build();
        let screen = render(&mut state, width, height);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
    }
}

fn started(namespace: Option<&str>) -> AppState {
    let mut state = state(namespace, false);
    start(&mut state);
    state
}

fn populated(namespace: Option<&str>) -> AppState {
    let mut state = started(namespace);
    update(&mut state, pods_reset(1, fixture_rows()));
    let usage = fixture_rows()
        .iter()
        .take(3)
        .map(|row| {
            (
                row.namespace.as_str().to_string(),
                row.name.as_str().to_string(),
                Usage {
                    cpu_nanocores: 42_000_000,
                    memory_bytes: 96 << 20,
                },
            )
        })
        .collect();
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Metrics {
            generation: 1,
            result: Ok(usage),
        }),
    );
    state
}

fn fixture<T: serde::de::DeserializeOwned>(path: &str) -> T {
    let text = std::fs::read_to_string(format!(
        "{}/tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture");
    serde_json::from_str(&text).expect("parses")
}

fn list<T: serde::de::DeserializeOwned>(path: &str) -> Vec<T> {
    let value: serde_json::Value = fixture(path);
    value["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| serde_json::from_value(item.clone()).ok())
        .collect()
}

#[test]
fn pods_loading() {
    snapshot("pods_loading", || started(Some("shop")));
}

#[test]
fn pods_empty() {
    snapshot("pods_empty", || {
        let mut state = started(Some("shop"));
        update(&mut state, pods_reset(1, Vec::new()));
        state
    });
}

#[test]
fn pods_populated_all_namespaces() {
    snapshot("pods_populated", || populated(None));
}

#[test]
fn pods_filtered() {
    snapshot("pods_filtered", || {
        let mut state = populated(None);
        update(&mut state, char_key('/'));
        for character in "crash".chars() {
            update(&mut state, char_key(character));
        }
        state
    });
}

#[test]
fn pods_forbidden() {
    snapshot("pods_forbidden", || {
        let mut state = started(Some("shop"));
        let message = SafeText::from_untrusted(
            "pods is forbidden: User \"viewer\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\"",
        );
        update(
            &mut state,
            Msg::Cluster(ClusterEvent::Pods {
                generation: 1,
                update: WatchUpdate::Forbidden(message),
            }),
        );
        state
    });
}

#[test]
fn pods_stale_while_reconnecting() {
    snapshot("pods_stale", || {
        let mut state = populated(None);
        state.session.now = now()
            .checked_add(jiff::SignedDuration::from_secs(12))
            .expect("time");
        update(
            &mut state,
            Msg::Cluster(ClusterEvent::Pods {
                generation: 1,
                update: WatchUpdate::Reconnecting(SafeText::from_untrusted(
                    "connection failed: connection refused",
                )),
            }),
        );
        state
    });
}

#[test]
fn pods_error_before_any_data() {
    snapshot("pods_error", || {
        let mut state = started(None);
        update(
            &mut state,
            Msg::Cluster(ClusterEvent::Pods {
                generation: 1,
                update: WatchUpdate::Reconnecting(SafeText::from_untrusted(
                    "the API server refused the credentials (401): log in again",
                )),
            }),
        );
        state
    });
}

#[test]
fn pods_read_only() {
    snapshot("pods_read_only", || {
        let mut state = support::state(Some("shop"), true);
        start(&mut state);
        update(&mut state, pods_reset(1, fixture_rows()));
        state
    });
}

#[test]
fn namespaces_view() {
    snapshot("namespaces", || {
        let mut state = populated(None);
        let rows: Vec<NamespaceRow> = list::<Namespace>("other/namespacelist-k3d.json")
            .iter()
            .map(NamespaceRow::from_namespace)
            .collect();
        update(
            &mut state,
            Msg::Cluster(ClusterEvent::Namespaces {
                generation: 1,
                update: WatchUpdate::Reset(rows),
            }),
        );
        update(&mut state, char_key('3'));
        state
    });
}

#[test]
fn nodes_view() {
    snapshot("nodes", || {
        let mut state = populated(None);
        let rows: Vec<NodeRow> = list::<Node>("other/nodelist-k3d.json")
            .iter()
            .map(NodeRow::from_node)
            .collect();
        update(
            &mut state,
            Msg::Cluster(ClusterEvent::Nodes {
                generation: 1,
                update: WatchUpdate::Reset(rows),
            }),
        );
        update(&mut state, char_key('5'));
        state
    });
}

#[test]
fn workloads_view() {
    snapshot("workloads", || {
        let mut state = populated(None);
        let deployment: Deployment = fixture("other/deployment-postgres-icx.json");
        update(
            &mut state,
            Msg::Cluster(ClusterEvent::Workloads {
                generation: 1,
                update: WatchUpdate::Reset(vec![WorkloadRow::from_deployment(&deployment)]),
            }),
        );
        update(&mut state, char_key('2'));
        state
    });
}

#[test]
fn contexts_view() {
    snapshot("contexts", || {
        let mut state = populated(None);
        update(&mut state, char_key('4'));
        state
    });
}

fn detail_of(pod: &Pod) -> PodDetail {
    let events: Vec<EventRow> = list::<Event>("other/eventlist-k3d-default-backoff.json")
        .iter()
        .map(EventRow::from_event)
        .collect();
    PodDetail {
        row: PodRow::from_pod(pod),
        containers: container_details(pod),
        conditions: pod
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .into_iter()
            .flatten()
            .map(|c| {
                (
                    SafeText::from_untrusted(&c.type_),
                    SafeText::from_untrusted(&c.status),
                    SafeText::from_untrusted(c.reason.as_deref().unwrap_or_default()),
                )
            })
            .collect(),
        labels: vec![(
            SafeText::from_untrusted("app"),
            SafeText::from_untrusted("my-pod"),
        )],
        annotations: Vec::new(),
        events,
        events_error: None,
    }
}

#[test]
fn pod_detail_of_a_crash_loop() {
    snapshot("pod_detail", || {
        let mut state = populated(None);
        let pod = fixture_pods().remove(0);
        state.detail.current = Some(DetailState {
            namespace: "argocd".into(),
            name: "my-pod".into(),
            detail: Some(Box::new(detail_of(&pod))),
            error: None,
            scroll: 0,
        });
        state.navigation.view = View::PodDetail;
        state
    });
}

#[test]
fn pod_detail_loading_and_error() {
    snapshot("pod_detail_error", || {
        let mut state = populated(None);
        state.detail.current = Some(DetailState {
            namespace: "shop".into(),
            name: "gone".into(),
            detail: None,
            error: Some(SafeText::from_untrusted("pods \"gone\" not found (404)")),
            scroll: 0,
        });
        state.navigation.view = View::PodDetail;
        state
    });
}

#[test]
fn yaml_view_with_search() {
    snapshot("yaml", || {
        let mut state = populated(None);
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\n  namespace: argocd\nspec:\n  containers:\n  - name: main\n    image: alpine:latest\nstatus:\n  phase: Running\n";
        state.yaml = Some(YamlState {
            request: 1,
            title: SafeText::from_untrusted("pod argocd/my-pod"),
            lines: SafeText::lines_from_untrusted(text),
            loading: false,
            error: None,
            scroll: 0,
            search: "main".into(),
            searching: false,
        });
        state.navigation.view = View::Yaml;
        state
    });
}

#[test]
fn help_overlay() {
    snapshot("help", || {
        let mut state = populated(None);
        update(&mut state, char_key('?'));
        state
    });
}

#[test]
fn palette_overlay() {
    snapshot("palette", || {
        let mut state = populated(None);
        update(&mut state, char_key(':'));
        update(&mut state, char_key('n'));
        state
    });
}

#[test]
fn hostile_text_never_reaches_the_screen() {
    let mut state = started(None);
    let mut pod = fixture_pods().remove(0);
    pod.metadata.name = Some("evil\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\u{9b}31m".to_string());
    update(&mut state, pods_reset(1, vec![PodRow::from_pod(&pod)]));
    for (width, height) in SIZES {
        let screen = render(&mut state, width, height);
        assert!(
            !screen.contains('\u{1b}') && !screen.contains('\u{7}') && !screen.contains('\u{9b}')
        );
        assert!(screen.contains("evil^[]52;c;aGk="), "{screen}");
    }
    update(&mut state, key(KeyCode::Esc));
}
