use super::*;
use crate::app::keymap::Keymap;
use crate::app::msg::Msg;
use crate::app::update::update;
use crate::model::pod_security::Level as PsaLevel;
use crate::model::rows::PodRow;
use crate::protocol::debug::PodInspection;
use crate::protocol::{ClusterEvent, WatchUpdate};

fn state() -> AppState {
    let mut state = crate::app::test_state::shop(Keymap::default());
    let pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1"},
        "spec": {"containers": [{"name": "app"}, {"name": "proxy"}]},
    }))
    .unwrap();
    let generation = state.session.generation;
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Pods {
            generation,
            update: WatchUpdate::Reset(vec![PodRow::from_pod(&pod)]),
        }),
    );
    state.prepare();
    state
}

/// The pod was read: two containers, no ephemeral ones, nothing enforced.
fn inspected(state: &mut AppState) {
    update(
        state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Inspected {
            namespace: "shop".into(),
            pod: "web-1".into(),
            result: Ok(PodInspection {
                containers: vec!["app".into(), "proxy".into()],
                ephemeral: Vec::new(),
            }),
            enforcement: Enforcement::None,
        })),
    );
}

fn press(state: &mut AppState, code: KeyCode) -> Vec<Effect> {
    update(state, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn dialog(state: &AppState) -> &DebugDialog {
    match &state.debug.flow {
        Some(DebugFlow::Dialog(dialog)) => dialog,
        other => panic!("no dialog: {other:?}"),
    }
}

#[test]
fn d_opens_the_dialog_and_reads_the_pod() {
    let mut state = state();
    let effects = press(&mut state, KeyCode::Char('d'));
    assert_eq!(
        effects,
        vec![Effect::Debug(DebugEffect::Inspect {
            namespace: "shop".into(),
            pod: "web-1".into()
        })]
    );
    let dialog = dialog(&state);
    assert_eq!(dialog.image, "busybox");
    assert_eq!(dialog.containers, ["app", "proxy"]);
    assert_eq!(dialog.command, "sh");
    assert!(dialog.name.starts_with("debugger-"));
}

#[test]
fn enter_sends_the_spec_with_the_existing_names() {
    let mut state = state();
    press(&mut state, KeyCode::Char('d'));
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Inspected {
            namespace: "shop".into(),
            pod: "web-1".into(),
            result: Ok(PodInspection {
                containers: vec!["app".into(), "proxy".into()],
                ephemeral: vec![ExistingContainer {
                    name: SafeText::from_untrusted("debugger-old11"),
                    image: SafeText::from_untrusted("busybox"),
                    progress: ContainerProgress::Running,
                }],
            }),
            enforcement: Enforcement::Enforced(PsaLevel::Baseline),
        })),
    );
    // Target: proxy; the profile follows shop's level: baseline.
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Right);
    assert_eq!(dialog(&state).advice(), Advice::Passes);
    let effects = press(&mut state, KeyCode::Enter);
    let [
        Effect::Debug(DebugEffect::Create {
            spec,
            existing,
            identity,
        }),
    ] = effects.as_slice()
    else {
        panic!("{effects:?}");
    };
    assert_eq!(spec.target.as_deref(), Some("proxy"));
    assert_eq!(spec.profile, Profile::Baseline);
    assert_eq!(spec.command, ["sh"]);
    assert_eq!(existing, &["debugger-old11"]);
    assert_eq!(identity.user, "admin");
    assert!(dialog(&state).sending);
}

#[test]
fn general_is_flagged_in_a_baseline_namespace() {
    let mut state = state();
    press(&mut state, KeyCode::Char('d'));
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Inspected {
            namespace: "shop".into(),
            pod: "web-1".into(),
            result: Ok(PodInspection {
                containers: vec!["app".into()],
                ephemeral: Vec::new(),
            }),
            enforcement: Enforcement::Enforced(PsaLevel::Baseline),
        })),
    );
    // Untouched, the profile follows the namespace's level.
    assert_eq!(dialog(&state).profile, Profile::Baseline);
    assert_eq!(dialog(&state).advice(), Advice::Passes);
    // Picked by hand, general is kept and flagged.
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Char('g'));
    assert_eq!(dialog(&state).profile, Profile::General);
    let Advice::Rejected { instead, .. } = dialog(&state).advice() else {
        panic!("general adds SYS_PTRACE");
    };
    assert_eq!(instead, Some(Profile::Baseline));
}

#[test]
fn sysadmin_asks_for_confirmation() {
    let mut state = state();
    press(&mut state, KeyCode::Char('d'));
    inspected(&mut state);
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Tab);
    press(&mut state, KeyCode::Char('s'));
    assert_eq!(dialog(&state).profile, Profile::Sysadmin);
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(dialog(&state).confirming);
    // Any other key goes back without sending.
    assert!(press(&mut state, KeyCode::Char('n')).is_empty());
    assert!(!dialog(&state).confirming);
    press(&mut state, KeyCode::Enter);
    let effects = press(&mut state, KeyCode::Char('y'));
    assert!(matches!(
        effects.as_slice(),
        [Effect::Debug(DebugEffect::Create { spec, .. })] if spec.profile == Profile::Sysadmin
    ));
}

#[test]
fn enter_on_a_running_existing_container_attaches() {
    let mut state = state();
    press(&mut state, KeyCode::Char('d'));
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Inspected {
            namespace: "shop".into(),
            pod: "web-1".into(),
            result: Ok(PodInspection {
                containers: vec!["app".into()],
                ephemeral: vec![
                    ExistingContainer {
                        name: SafeText::from_untrusted("debugger-done1"),
                        image: SafeText::from_untrusted("busybox"),
                        progress: ContainerProgress::Terminated {
                            reason: SafeText::from_untrusted("Completed"),
                            exit_code: 0,
                            message: SafeText::default(),
                        },
                    },
                    ExistingContainer {
                        name: SafeText::from_untrusted("debugger-live1"),
                        image: SafeText::from_untrusted("busybox"),
                        progress: ContainerProgress::Running,
                    },
                ],
            }),
            enforcement: Enforcement::None,
        })),
    );
    for _ in 0..5 {
        press(&mut state, KeyCode::Tab);
    }
    assert_eq!(dialog(&state).focus, Field::Existing(0));
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(dialog(&state).error.is_some());
    press(&mut state, KeyCode::Down);
    let effects = press(&mut state, KeyCode::Enter);
    let [Effect::Debug(DebugEffect::Session(request))] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(request.container, "debugger-live1");
    assert_eq!(request.kind, SessionKind::Attach);
    assert!(state.debug.flow.is_none());
}

#[test]
fn progress_runs_to_attach_and_a_refusal_stays_in_the_dialog() {
    let mut state = state();
    press(&mut state, KeyCode::Char('d'));
    inspected(&mut state);
    press(&mut state, KeyCode::Enter);
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::CreateFailed {
            error: SafeText::from_untrusted("read-only mode"),
        })),
    );
    assert!(!dialog(&state).sending);
    assert_eq!(
        dialog(&state).error.as_ref().map(|e| e.as_str()),
        Some("read-only mode")
    );
    press(&mut state, KeyCode::Enter);
    let name = dialog(&state).name.to_string();
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Created {
            container: name.clone(),
            audit_id: Some("id-1".into()),
        })),
    );
    assert!(matches!(state.debug.flow, Some(DebugFlow::Progress(_))));
    // An image is remembered once it ran.
    assert!(state.debug.defaults.recent.is_empty());
    let waiting = ContainerProgress::Waiting {
        reason: SafeText::from_untrusted("ContainerCreating"),
        message: SafeText::default(),
    };
    let effects = update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Progressed {
            container: name.clone(),
            progress: waiting,
        })),
    );
    assert!(effects.is_empty());
    let effects = update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Progressed {
            container: name.clone(),
            progress: ContainerProgress::Running,
        })),
    );
    assert!(matches!(
        effects.as_slice(),
        [Effect::Debug(DebugEffect::Session(SessionRequest { container, kind: SessionKind::Attach, .. }))] if *container == name
    ));
    assert!(state.debug.flow.is_none());
    assert_eq!(state.debug.defaults.recent, ["busybox"]);
}

#[test]
fn esc_cancels_the_wait() {
    let mut state = state();
    press(&mut state, KeyCode::Char('d'));
    inspected(&mut state);
    press(&mut state, KeyCode::Enter);
    let name = dialog(&state).name.to_string();
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Created {
            container: name,
            audit_id: None,
        })),
    );
    assert_eq!(
        press(&mut state, KeyCode::Esc),
        vec![Effect::Debug(DebugEffect::CancelWatch)]
    );
    assert!(state.debug.flow.is_none());
}

#[test]
fn exec_chooses_the_shell_and_session_ends_show_exit_codes() {
    let mut state = state();
    press(&mut state, KeyCode::Char('s'));
    press(&mut state, KeyCode::Right);
    press(&mut state, KeyCode::Down);
    let effects = press(&mut state, KeyCode::Enter);
    let [Effect::Debug(DebugEffect::Session(request))] = effects.as_slice() else {
        panic!("{effects:?}");
    };
    assert_eq!(request.container, "proxy");
    assert_eq!(request.kind, SessionKind::Exec(vec!["bash".into()]));
    let request = request.clone();
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::SessionEnded {
            request: request.clone(),
            end: SessionEnd::Exited(Some(3)),
        })),
    );
    let (level, text) = state.session.message.clone().unwrap();
    assert_eq!(level, Level::Warning);
    assert_eq!(text.as_str(), "exec bash in proxy ended: exit code 3");
    // Custom commands are split like a shell.
    press(&mut state, KeyCode::Char('s'));
    press(&mut state, KeyCode::Up);
    for c in "sh -c 'echo hi'".chars() {
        press(&mut state, KeyCode::Char(c));
    }
    let effects = press(&mut state, KeyCode::Enter);
    assert!(matches!(
        effects.as_slice(),
        [Effect::Debug(DebugEffect::Session(SessionRequest { kind: SessionKind::Exec(command), .. }))]
            if command == &["sh", "-c", "echo hi"]
    ));
}

#[test]
fn enter_waits_for_the_pod_to_be_read() {
    let mut state = state();
    press(&mut state, KeyCode::Char('d'));
    assert!(press(&mut state, KeyCode::Enter).is_empty());
    assert!(dialog(&state).error.is_some());
    inspected(&mut state);
    assert_eq!(press(&mut state, KeyCode::Enter).len(), 1);
}

#[test]
fn d_in_the_detail_view_debugs_that_pod() {
    let mut state = state();
    press(&mut state, KeyCode::Enter);
    assert_eq!(state.navigation.view, View::PodDetail);
    let effects = press(&mut state, KeyCode::Char('d'));
    assert_eq!(
        effects,
        vec![Effect::Debug(DebugEffect::Inspect {
            namespace: "shop".into(),
            pod: "web-1".into()
        })]
    );
}

#[test]
fn recent_images_come_first() {
    let mut defaults = DebugDefaults {
        image: Some("nicolaka/netshoot".into()),
        recent: Vec::new(),
    };
    assert_eq!(defaults.first_image(), "nicolaka/netshoot");
    defaults.remember("alpine");
    assert_eq!(defaults.first_image(), "alpine");
    assert_eq!(
        defaults.choices(),
        ["alpine", "nicolaka/netshoot", "busybox"]
    );
}

#[test]
fn a_container_that_ends_first_says_how() {
    let mut state = state();
    press(&mut state, KeyCode::Char('d'));
    inspected(&mut state);
    press(&mut state, KeyCode::Enter);
    let name = dialog(&state).name.to_string();
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Created {
            container: name.clone(),
            audit_id: None,
        })),
    );
    let effects = update(
        &mut state,
        Msg::Cluster(ClusterEvent::Debug(DebugEvent::Progressed {
            container: name.clone(),
            progress: ContainerProgress::Terminated {
                reason: SafeText::from_untrusted("Error"),
                exit_code: 127,
                message: SafeText::default(),
            },
        })),
    );
    // Its logs are read: what it printed says why it ended.
    assert_eq!(
        effects,
        vec![Effect::ReadLogs(crate::protocol::logs::LogRequest {
            view: state.logs.serial,
            target: crate::protocol::logs::LogTarget::Container {
                namespace: "shop".to_string(),
                pod: "web-1".to_string(),
                container: name.clone(),
            },
            follow: true,
            previous: false,
            since_seconds: None,
            tail_lines: Some(1000),
        })]
    );
    assert!(state.debug.flow.is_none());
    assert_eq!(state.navigation.view, crate::app::state::View::Logs);
    let (level, text) = state.session.message.clone().unwrap();
    assert_eq!(level, Level::Warning);
    assert_eq!(
        text.as_str(),
        format!("{name} in shop/web-1 ended before it could be attached: Error, exit code 127")
    );
}

#[test]
fn the_container_selected_in_the_detail_view_is_the_default() {
    let mut state = state();
    press(&mut state, KeyCode::Enter);
    let pod = serde_json::from_value(serde_json::json!({
        "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1"},
        "spec": {"containers": [{"name": "app"}, {"name": "proxy"}],
                 "ephemeralContainers": [{"name": "debugger-old11"}]},
    }))
    .unwrap();
    let detail = crate::model::detail::PodDetail {
        row: PodRow::from_pod(&pod),
        containers: crate::model::rows::container_details(&pod),
        conditions: Vec::new(),
        labels: Vec::new(),
        annotations: Vec::new(),
        events: Vec::new(),
        events_error: None,
    };
    update(
        &mut state,
        Msg::Cluster(ClusterEvent::PodDetailLoaded {
            namespace: "shop".into(),
            name: "web-1".into(),
            result: Ok(Box::new(detail)),
        }),
    );
    press(&mut state, KeyCode::Right);
    press(&mut state, KeyCode::Char('d'));
    assert_eq!(dialog(&state).containers, ["app", "proxy"]);
    assert_eq!(dialog(&state).target, 1);
    press(&mut state, KeyCode::Esc);
    // The ephemeral container can be exec'd into, not targeted.
    press(&mut state, KeyCode::Right);
    press(&mut state, KeyCode::Char('s'));
    let Some(DebugFlow::Exec(exec)) = &state.debug.flow else {
        panic!("no exec dialog");
    };
    assert_eq!(exec.containers, ["app", "proxy", "debugger-old11"]);
    assert_eq!(exec.container, 2);
    press(&mut state, KeyCode::Esc);
    press(&mut state, KeyCode::Char('d'));
    assert_eq!(dialog(&state).target, 0);
}

#[test]
fn read_only_mode_is_said_when_the_dialog_opens() {
    let mut state = state();
    state.session.target.read_only = true;
    press(&mut state, KeyCode::Char('d'));
    assert_eq!(
        dialog(&state).error.as_ref().map(|e| e.as_str()),
        Some("read-only mode: nothing will be sent to the cluster")
    );
}
