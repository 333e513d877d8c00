//! The debug pop-ups on a TestBackend at 80x24 and 160x48 with a fixed
//! clock: the dialog with a Pod Security warning and existing ephemeral
//! containers, the sysadmin confirmation, the progress of a new container
//! (ContainerCreating, ErrImagePull), the errors (403, 422, read-only) and
//! the exec dialog.

use crossterm::event::KeyCode;
use ktriage::app::msg::Msg;
use ktriage::app::state::AppState;
use ktriage::app::{start, update};
use ktriage::model::pod_security::{Enforcement, Level};
use ktriage::model::safe_text::SafeText;
use ktriage::protocol::ClusterEvent;
use ktriage::protocol::debug::{ContainerProgress, DebugEvent, ExistingContainer, PodInspection};

use crate::support::{SIZES, char_key, fixture_rows, key, pods_reset, render, state};

fn snapshot(name: &str, mut build: impl FnMut() -> AppState) {
    for (width, height) in SIZES {
        let mut state = build();
        let screen = render(&mut state, width, height);
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), screen);
    }
}

fn text(value: &str) -> SafeText {
    SafeText::from_untrusted(value)
}

fn report(event: DebugEvent) -> Msg {
    Msg::Cluster(ClusterEvent::Debug(event))
}

/// The pods list with the dialog open on its first pod, the pod read.
fn dialog(enforcement: Enforcement) -> AppState {
    let mut state = state(None, false);
    start(&mut state);
    update(&mut state, pods_reset(1, fixture_rows()));
    state.prepare();
    update(&mut state, char_key('d'));
    let (namespace, pod) = match &state.debug.flow {
        Some(ktriage::app::debug::DebugFlow::Dialog(dialog)) => {
            (dialog.namespace.to_string(), dialog.pod.to_string())
        }
        other => panic!("no dialog: {other:?}"),
    };
    update(
        &mut state,
        report(DebugEvent::Inspected {
            namespace,
            pod,
            result: Ok(PodInspection {
                containers: vec!["app".into(), "istio-proxy".into()],
                ephemeral: vec![
                    ExistingContainer {
                        name: text("debugger-7tq2x"),
                        image: text("busybox"),
                        progress: ContainerProgress::Running,
                    },
                    ExistingContainer {
                        name: text("debugger-k4m9z"),
                        image: text("nicolaka/netshoot"),
                        progress: ContainerProgress::Terminated {
                            reason: text("Completed"),
                            exit_code: 0,
                            message: SafeText::default(),
                        },
                    },
                ],
            }),
            enforcement,
        }),
    );
    state
}

#[test]
fn debug_dialog_with_pod_security_warning() {
    snapshot("debug_dialog_psa_warning", || {
        let mut state = dialog(Enforcement::Enforced(Level::Baseline));
        // Picked by hand: general, which baseline rejects.
        update(&mut state, key(KeyCode::Tab));
        update(&mut state, key(KeyCode::Tab));
        update(&mut state, char_key('g'));
        state
    });
}

#[test]
fn debug_dialog_profile_follows_the_level() {
    snapshot("debug_dialog_psa_restricted", || {
        dialog(Enforcement::Enforced(Level::Restricted))
    });
}

#[test]
fn debug_dialog_level_unknown() {
    snapshot("debug_dialog_psa_unknown", || {
        dialog(Enforcement::Unknown(
            "not allowed to read namespace team-a (get namespaces)".into(),
        ))
    });
}

#[test]
fn debug_dialog_sysadmin_confirmation() {
    snapshot("debug_dialog_sysadmin_confirm", || {
        let mut state = dialog(Enforcement::None);
        update(&mut state, key(KeyCode::Tab));
        update(&mut state, key(KeyCode::Tab));
        update(&mut state, char_key('s'));
        update(&mut state, key(KeyCode::Enter));
        state
    });
}

fn failed(error: &str) -> AppState {
    let mut state = dialog(Enforcement::Enforced(Level::Restricted));
    update(&mut state, key(KeyCode::Enter));
    update(
        &mut state,
        report(DebugEvent::CreateFailed { error: text(error) }),
    );
    state
}

#[test]
fn debug_error_forbidden() {
    snapshot("debug_error_403", || {
        failed(
            r#"not allowed: patch pods/ephemeralcontainers in team-a (the API said: pods "api-1" is forbidden: User "viewer" cannot patch resource "pods/ephemeralcontainers" in API group "" in the namespace "team-a")"#,
        )
    });
}

#[test]
fn debug_error_invalid() {
    snapshot("debug_error_422", || {
        failed(
            r#"the API rejected the container: Pod "api-1" is invalid: spec.ephemeralContainers[2].name: Duplicate value: "app""#,
        )
    });
}

#[test]
fn debug_error_read_only() {
    snapshot("debug_error_read_only", || {
        failed("read-only mode: ktriage does not change the cluster (nothing was sent)")
    });
}

fn progress(states: &[ContainerProgress]) -> AppState {
    let mut state = dialog(Enforcement::None);
    update(&mut state, key(KeyCode::Enter));
    let name = match &state.debug.flow {
        Some(ktriage::app::debug::DebugFlow::Dialog(dialog)) => dialog.name.to_string(),
        other => panic!("no dialog: {other:?}"),
    };
    update(
        &mut state,
        report(DebugEvent::Created {
            container: name.clone(),
            audit_id: Some("6a1f2c3d-0000-4000-8000-00000000002a".into()),
        }),
    );
    for progress in states {
        update(
            &mut state,
            report(DebugEvent::Progressed {
                container: name.clone(),
                progress: progress.clone(),
            }),
        );
    }
    state
}

#[test]
fn debug_progress_container_creating() {
    snapshot("debug_progress_creating", || {
        progress(&[ContainerProgress::Waiting {
            reason: text("ContainerCreating"),
            message: SafeText::default(),
        }])
    });
}

#[test]
fn debug_progress_err_image_pull() {
    snapshot("debug_progress_err_image_pull", || {
        progress(&[
            ContainerProgress::Waiting {
                reason: text("ContainerCreating"),
                message: SafeText::default(),
            },
            ContainerProgress::Waiting {
                reason: text("ErrImagePull"),
                message: text(
                    "failed to pull and unpack image \"registry.example.com/does-not-exist:1\": not found",
                ),
            },
        ])
    });
}

#[test]
fn exec_dialog() {
    snapshot("exec_dialog", || {
        let mut state = state(None, false);
        start(&mut state);
        update(&mut state, pods_reset(1, fixture_rows()));
        state.prepare();
        update(&mut state, char_key('s'));
        update(&mut state, key(KeyCode::Down));
        state
    });
}

#[test]
fn cluster_text_in_the_dialog_is_neutralised() {
    let mut state = dialog(Enforcement::Unknown("\u{1b}]52;c;aGk=\u{7} evil".into()));
    let screen = render(&mut state, 160, 48);
    assert!(!screen.contains('\u{1b}'), "{screen}");
    assert!(!screen.contains('\u{7}'), "{screen}");
}
