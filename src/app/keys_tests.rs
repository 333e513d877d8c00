//! Every key goes through the registry: rebinding a command changes what
//! its key does in every view it acts in, and quit acts even in prompts.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::commands::{COMMANDS, CommandId, command};
use super::keymap::Keymap;
use super::msg::Msg;
use super::state::{AppState, DetailState, View, YamlState};
use super::update::update;
use crate::model::detail::PodDetail;
use crate::model::rows::PodRow;
use crate::model::safe_text::SafeText;
use crate::protocol::Effect;

fn state(keymap: Keymap) -> AppState {
    super::test_state::shop(keymap)
}

fn rebound(key: &str, command: &str) -> Keymap {
    Keymap::with_overrides(&[(key.to_string(), command.to_string())]).unwrap()
}

fn key(state: &mut AppState, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(state, Msg::Key(KeyEvent::new(code, modifiers)))
}

fn char(state: &mut AppState, c: char) -> Vec<Effect> {
    key(state, KeyCode::Char(c), KeyModifiers::NONE)
}

/// A YAML view of four lines searched for "image".
fn yaml(state: &mut AppState) {
    state.yaml = Some(YamlState {
        request: 1,
        title: SafeText::from_untrusted("pod shop/web-1"),
        lines: SafeText::lines_from_untrusted("kind: Pod\nimage: a\nname: b\nimage: c"),
        loading: false,
        error: None,
        scroll: 0,
        search: "image".into(),
        searching: false,
    });
    state.navigation.view = View::Yaml;
}

fn scroll(state: &AppState) -> usize {
    state.yaml.as_ref().map_or(usize::MAX, |y| y.scroll)
}

#[test]
fn every_command_is_found_by_its_id() {
    for entry in COMMANDS {
        assert_eq!(command(entry.id).name, entry.name);
    }
    assert_eq!(command(CommandId::Quit).id, CommandId::Quit);
}

#[test]
fn a_rebound_next_match_moves_in_the_yaml_view() {
    let mut state = state(rebound("x", "next"));
    yaml(&mut state);
    char(&mut state, 'x');
    assert_eq!(scroll(&state), 1);
    char(&mut state, 'x');
    assert_eq!(scroll(&state), 3);
    char(&mut state, 'N');
    assert_eq!(scroll(&state), 1);
}

#[test]
fn next_match_rebound_elsewhere_leaves_n_unbound_in_yaml() {
    // `n` now moves down: in YAML that scrolls by one line, not to a match.
    let mut state = state(rebound("n", "down"));
    yaml(&mut state);
    state.yaml.as_mut().unwrap().search = "name".into();
    char(&mut state, 'n');
    assert_eq!(scroll(&state), 1);
}

fn detail(state: &mut AppState) {
    let pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1"},
        "spec": {"containers": [{"name": "app"}, {"name": "proxy"}, {"name": "log"}]},
    }))
    .unwrap();
    state.detail.current = Some(DetailState {
        namespace: "shop".into(),
        name: "web-1".into(),
        detail: Some(Box::new(PodDetail::from_pod(&pod, Ok(&[])))),
        error: None,
        scroll: 0,
    });
    state.navigation.view = View::PodDetail;
    assert_eq!(PodRow::from_pod(&pod).containers.len(), 3);
}

#[test]
fn container_keys_are_commands_that_can_be_rebound() {
    let mut state = state(rebound("ctrl-n", "container"));
    detail(&mut state);
    let selected = |state: &AppState| crate::app::detail::selected_container(state);
    key(&mut state, KeyCode::Right, KeyModifiers::NONE);
    assert_eq!(selected(&state), 1);
    key(&mut state, KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(selected(&state), 2);
    key(&mut state, KeyCode::Left, KeyModifiers::NONE);
    assert_eq!(selected(&state), 1);
    // Outside the detail view the container keys do nothing.
    state.navigation.view = View::Pods;
    key(&mut state, KeyCode::Right, KeyModifiers::NONE);
    assert_eq!(selected(&state), 1);
}

#[test]
fn ctrl_c_quits_from_a_prompt_but_q_is_typed() {
    let mut state = state(Keymap::default());
    char(&mut state, '/');
    char(&mut state, 'q');
    assert!(!state.session.quit);
    assert_eq!(state.navigation.filter.as_typed(), "q");
    let effects = key(&mut state, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(state.session.quit);
    assert_eq!(effects, vec![Effect::Quit]);
}

#[test]
fn ctrl_c_rebound_no_longer_quits() {
    let mut state = state(rebound("ctrl-c", "help"));
    let effects = key(&mut state, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!state.session.quit);
    assert!(effects.is_empty());
    assert_eq!(state.overlay, super::state::Overlay::Help);
}
