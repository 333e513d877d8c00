//! The state machine: messages in, state and effects out.

use crossterm::event::KeyCode;
use ktriage::app::msg::Msg;
use ktriage::app::state::View;
use ktriage::app::{start, update};
use ktriage::model::safe_text::SafeText;
use ktriage::protocol::{ClusterEvent, Effect, WatchUpdate};

use crate::support;
use crate::support::{char_key, fixture_rows, key, pods_reset, state};

#[test]
fn start_watches_pods_metrics_and_lists() {
    let mut state = state(Some("shop"), false);
    let effects = start(&mut state);
    assert!(effects.contains(&Effect::WatchPods {
        generation: 1,
        namespace: Some("shop".into()),
        label_selector: None,
        node: None
    }));
    assert!(effects.contains(&Effect::PollMetrics {
        generation: 1,
        namespace: Some("shop".into())
    }));
    assert!(effects.contains(&Effect::WatchNamespaces { generation: 1 }));
}

#[test]
fn reports_of_a_replaced_watch_are_ignored() {
    let mut state = state(None, false);
    start(&mut state);
    update(&mut state, pods_reset(0, fixture_rows()));
    assert_eq!(state.lists.pods.len(), 0);
    update(&mut state, pods_reset(1, fixture_rows()));
    assert_eq!(state.lists.pods.len(), fixture_rows().len());
}

#[test]
fn open_a_pod_fetches_its_detail() {
    let mut state = state(None, false);
    start(&mut state);
    update(&mut state, pods_reset(1, fixture_rows()));
    state.prepare();
    update(&mut state, key(KeyCode::Down));
    let selected = state
        .lists
        .pods
        .selected_row()
        .map(|r| {
            (
                r.namespace.as_str().to_string(),
                r.name.as_str().to_string(),
            )
        })
        .unwrap();
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.navigation.view, View::PodDetail);
    assert_eq!(
        effects,
        vec![Effect::FetchPodDetail {
            namespace: selected.0,
            name: selected.1
        }]
    );
    update(&mut state, key(KeyCode::Esc));
    assert_eq!(state.navigation.view, View::Pods);
}

#[test]
fn filter_narrows_and_escape_clears() {
    let mut state = state(None, false);
    start(&mut state);
    update(&mut state, pods_reset(1, fixture_rows()));
    state.prepare();
    let all = state.lists.pods.visible_len();
    update(&mut state, char_key('/'));
    for character in "prom".chars() {
        update(&mut state, char_key(character));
    }
    state.prepare();
    assert!(state.lists.pods.visible_len() < all);
    assert!(
        state
            .lists
            .pods
            .window(0, 10)
            .all(|row| row.name.as_str().contains("prom"))
    );
    update(&mut state, key(KeyCode::Esc));
    state.prepare();
    assert_eq!(state.lists.pods.visible_len(), all);
}

#[test]
fn palette_switches_namespace_and_restarts_watches() {
    let mut state = state(None, false);
    start(&mut state);
    update(&mut state, char_key(':'));
    for character in "ns team-a".chars() {
        update(&mut state, char_key(character));
    }
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.session.target.namespace.as_deref(), Some("team-a"));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::WatchPods { namespace: Some(n), .. } if n == "team-a"))
    );
}

#[test]
fn context_switch_needs_a_known_context() {
    let mut state = state(None, false);
    start(&mut state);
    for line in [":ctx nowhere", ":ctx viewer"] {
        for character in line.chars() {
            update(&mut state, char_key(character));
        }
        let effects = update(&mut state, key(KeyCode::Enter));
        if line.ends_with("viewer") {
            assert_eq!(
                effects,
                vec![Effect::SwitchContext {
                    name: "viewer".into()
                }]
            );
        } else {
            assert!(effects.is_empty());
            assert!(state.session.message.is_some());
        }
    }
}

#[test]
fn forbidden_namespaces_fall_back_to_known_ones() {
    let mut state = state(Some("team-a"), false);
    start(&mut state);
    let denied = SafeText::from_untrusted(
        "namespaces is forbidden: User \"viewer\" cannot list resource \"namespaces\"",
    );
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Namespaces {
            generation: 1,
            update: WatchUpdate::Forbidden(denied),
        }),
    );
    state.prepare();
    let names: Vec<String> = state
        .lists
        .namespaces
        .window(0, 10)
        .map(|n| n.name.as_str().to_string())
        .collect();
    assert_eq!(names, vec!["team-a".to_string()]);
}

#[test]
fn sort_by_restarts_puts_the_worst_last_and_reverse_first() {
    let mut state = state(None, false);
    start(&mut state);
    update(&mut state, pods_reset(1, fixture_rows()));
    for _ in 0..4 {
        update(&mut state, char_key('>'));
    }
    state.prepare();
    let last = state
        .lists
        .pods
        .window(state.lists.pods.visible_len() - 1, 1)
        .next()
        .map(|r| r.restarts);
    assert_eq!(last, Some(7527));
    update(&mut state, char_key('<'));
    state.prepare();
    assert_eq!(
        state.lists.pods.window(0, 1).next().map(|r| r.restarts),
        Some(7527)
    );
}

#[test]
fn quit_from_q_and_ctrl_c() {
    let mut state = state(None, false);
    assert_eq!(update(&mut state, char_key('q')), vec![Effect::Quit]);
    let mut other = support::state(None, false);
    let ctrl_c = Msg::Key(crossterm::event::KeyEvent::new(
        KeyCode::Char('c'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    assert_eq!(update(&mut other, ctrl_c), vec![Effect::Quit]);
}

#[test]
fn palette_reads_the_logs_of_a_label_selector() {
    let mut state = state(Some("shop"), false);
    start(&mut state);
    for character in ":logs app=web,tier!=cache".chars() {
        update(&mut state, char_key(character));
    }
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(state.navigation.view, ktriage::app::state::View::Logs);
    let request = effects
        .iter()
        .find_map(|e| match e {
            Effect::ReadLogs(request) => Some(request.clone()),
            _ => None,
        })
        .expect("a log reading");
    assert_eq!(
        request.target,
        ktriage::protocol::logs::LogTarget::Selector {
            namespace: "shop".to_string(),
            selector: "app=web,tier!=cache".to_string(),
            title: "app=web,tier!=cache".to_string(),
        }
    );
    assert!(request.follow && !request.previous);
    // Esc leaves the view and stops the reading.
    let effects = update(&mut state, key(KeyCode::Esc));
    assert_eq!(effects, vec![Effect::StopLogs]);
    assert_eq!(state.navigation.view, ktriage::app::state::View::Pods);
    assert!(state.logs.view.is_none());
}

#[test]
fn a_message_stays_until_the_next_key() {
    let mut state = state(Some("shop"), false);
    start(&mut state);
    for character in ":nope".chars() {
        update(&mut state, char_key(character));
    }
    update(&mut state, key(KeyCode::Enter));
    assert_eq!(
        state
            .session
            .message
            .as_ref()
            .map(|(_, text)| text.as_str()),
        Some("unknown command: nope")
    );
    update(&mut state, key(KeyCode::Down));
    assert!(state.session.message.is_none());
}

#[test]
fn the_palette_refuses_what_the_role_may_not_do() {
    use ktriage::model::access::{Access, ResourceRule};
    let mut state = state(Some("team-a"), false);
    start(&mut state);
    state.session.access = Some(Access {
        namespace: "team-a".to_string(),
        rules: vec![ResourceRule {
            verbs: vec!["get".to_string(), "list".to_string(), "watch".to_string()],
            api_groups: vec![String::new()],
            resources: vec!["pods".to_string()],
            resource_names: Vec::new(),
        }],
        incomplete: false,
    });
    for character in ":logs app=web".chars() {
        update(&mut state, char_key(character));
    }
    let effects = update(&mut state, key(KeyCode::Enter));
    assert!(effects.is_empty(), "no reading starts: {effects:?}");
    assert_eq!(
        state
            .session
            .message
            .as_ref()
            .map(|(_, text)| text.as_str()),
        Some("not allowed: get pods/log in team-a")
    );
    assert_ne!(state.navigation.view, ktriage::app::state::View::Logs);
}
