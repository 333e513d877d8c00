//! Builders for state-machine and screen tests: fixture pods, a fixed clock,
//! key presses.

#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;
use k8s_openapi::api::core::v1::Pod;
use ktriage::app::keymap::Keymap;
use ktriage::app::msg::Msg;
use ktriage::app::state::{AppState, Target};
use ktriage::model::listing::ContextRow;
use ktriage::model::rows::PodRow;
use ktriage::model::safe_text::SafeText;
use ktriage::protocol::{ClusterEvent, WatchUpdate};

/// The clock every screen test uses.
pub fn now() -> Timestamp {
    "2024-06-01T12:00:00Z".parse().expect("a timestamp")
}

pub fn fixture_pods() -> Vec<Pod> {
    let directory = format!("{}/tests/fixtures/pods", env!("CARGO_MANIFEST_DIR"));
    let mut pods = Vec::new();
    for name in [
        "crashloopbackoff-error-exit1.yaml",
        "imagepullbackoff.yaml",
        "running-readiness-not-ready.yaml",
        "terminating-deletiontimestamp-pending.yaml",
        "succeeded-completed-exit0.yaml",
    ] {
        let text = std::fs::read_to_string(format!("{directory}/{name}")).expect("a fixture");
        pods.push(serde_saphyr::from_str::<Pod>(&text).expect("a pod"));
    }
    for name in [
        "running-native-sidecar-initcontainer-kind.json",
        "multi-container-7-sidecars-prometheus-openshift.json",
        "init-crashloopbackoff-restart7527-openshift.json",
    ] {
        let text = std::fs::read_to_string(format!("{directory}/{name}")).expect("a fixture");
        pods.push(serde_json::from_str::<Pod>(&text).expect("a pod"));
    }
    pods
}

pub fn fixture_rows() -> Vec<PodRow> {
    fixture_pods().iter().map(PodRow::from_pod).collect()
}

pub fn context(name: &str, namespace: &str) -> ContextRow {
    ContextRow {
        name: SafeText::from_untrusted(name),
        cluster: SafeText::from_untrusted("demo"),
        user: SafeText::from_untrusted(name),
        namespace: SafeText::from_untrusted(namespace),
    }
}

pub fn state(namespace: Option<&str>, read_only: bool) -> AppState {
    let target = Target {
        context: SafeText::from_untrusted("admin"),
        cluster: SafeText::from_untrusted("demo"),
        user: SafeText::from_untrusted("admin"),
        namespace: namespace.map(str::to_string),
        home_namespace: namespace.unwrap_or("default").to_string(),
        read_only,
    };
    let mut state = AppState::new(
        target,
        vec![context("admin", "shop"), context("viewer", "team-a")],
        Keymap::default(),
        now(),
    );
    state.session.size = (80, 24);
    state
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn char_key(character: char) -> Msg {
    key(KeyCode::Char(character))
}

pub fn pods_reset(generation: u64, rows: Vec<PodRow>) -> Msg {
    Msg::Cluster(ClusterEvent::Pods {
        generation,
        update: WatchUpdate::Reset(rows),
    })
}

/// The sizes every screen is drawn at: the smallest supported and a large one.
pub const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

/// Draw `state` on a TestBackend of this size and return the screen as text
/// (one line per row, trailing spaces trimmed).
pub fn render(state: &mut AppState, width: u16, height: u16) -> String {
    state.session.size = (width, height);
    state.prepare();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
        .expect("terminal");
    terminal
        .draw(|frame| ktriage::ui::draw(frame, state, &ktriage::ui::Theme::colored()))
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
