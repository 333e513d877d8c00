//! Keys while a debug flow is on screen: the debug dialog's fields, the
//! sysadmin confirmation, the progress view's Esc and the exec dialog.

use super::open::identity;
use super::*;
use crate::app::detail::cycle;

fn edit(text: &mut TypedText, key: &KeyEvent) {
    match key.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Char(character) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(character)
        }
        _ => {}
    }
}

/// Keys while a debug flow is on screen.
pub fn key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let identity = identity(state);
    match state.debug.flow.as_mut() {
        Some(DebugFlow::Dialog(dialog)) => {
            let outcome = dialog_key(dialog, key, &state.debug.defaults, identity);
            match outcome {
                DialogOutcome::Stay(effects) => effects,
                DialogOutcome::Close => {
                    state.debug.flow = None;
                    Vec::new()
                }
                DialogOutcome::Attach(request) => {
                    state.debug.flow = None;
                    vec![Effect::Debug(DebugEffect::Session(request))]
                }
            }
        }
        Some(DebugFlow::Progress(_)) => {
            if key.code == KeyCode::Esc {
                state.debug.flow = None;
                crate::app::session::info(
                    state,
                    Level::Info,
                    "stopped waiting for the debug container",
                );
                return vec![Effect::Debug(DebugEffect::CancelWatch)];
            }
            Vec::new()
        }
        Some(DebugFlow::Exec(dialog)) => match exec_key(dialog, key, identity) {
            Some(Some(request)) => {
                state.debug.flow = None;
                vec![Effect::Debug(DebugEffect::Session(request))]
            }
            Some(None) => {
                state.debug.flow = None;
                Vec::new()
            }
            None => Vec::new(),
        },
        None => Vec::new(),
    }
}

enum DialogOutcome {
    Stay(Vec<Effect>),
    Close,
    Attach(SessionRequest),
}

fn dialog_key(
    dialog: &mut DebugDialog,
    key: KeyEvent,
    defaults: &DebugDefaults,
    identity: Identity,
) -> DialogOutcome {
    if dialog.sending {
        return DialogOutcome::Stay(Vec::new());
    }
    if dialog.confirming {
        match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') => {
                dialog.confirming = false;
                return DialogOutcome::Stay(send(dialog, identity));
            }
            _ => {
                dialog.confirming = false;
                return DialogOutcome::Stay(Vec::new());
            }
        }
    }
    let fields = dialog.fields();
    let position = fields.iter().position(|f| *f == dialog.focus).unwrap_or(0);
    match key.code {
        KeyCode::Esc => return DialogOutcome::Close,
        KeyCode::Tab | KeyCode::Down => {
            dialog.focus = fields[cycle(position, fields.len(), true)];
        }
        KeyCode::BackTab | KeyCode::Up => {
            dialog.focus = fields[cycle(position, fields.len(), false)];
        }
        KeyCode::Left | KeyCode::Right => {
            let forward = key.code == KeyCode::Right;
            match dialog.focus {
                Field::Image => {
                    let choices = defaults.choices();
                    let current = choices.iter().position(|c| dialog.image == *c);
                    let next = match current {
                        Some(index) => cycle(index, choices.len(), forward),
                        None => 0,
                    };
                    if let Some(image) = choices.get(next) {
                        dialog.image.set(image);
                    }
                }
                Field::Target => {
                    dialog.target = cycle(dialog.target, dialog.containers.len(), forward)
                }
                Field::Profile => {
                    let index = Profile::ALL
                        .iter()
                        .position(|p| *p == dialog.profile)
                        .unwrap_or(0);
                    dialog.profile = Profile::ALL[cycle(index, Profile::ALL.len(), forward)];
                    dialog.profile_chosen = true;
                }
                _ => {}
            }
        }
        KeyCode::Enter => {
            if let Field::Existing(index) = dialog.focus {
                let Some(existing) = dialog.existing.get(index) else {
                    return DialogOutcome::Stay(Vec::new());
                };
                if existing.progress != ContainerProgress::Running {
                    dialog.error = Some(SafeText::from_untrusted(&format!(
                        "{} is not running ({}): only a running container can be attached",
                        existing.name.as_str(),
                        existing.progress.label()
                    )));
                    return DialogOutcome::Stay(Vec::new());
                }
                return DialogOutcome::Attach(SessionRequest {
                    namespace: dialog.namespace.to_string(),
                    pod: dialog.pod.to_string(),
                    container: existing.name.as_str().to_string(),
                    kind: SessionKind::Attach,
                    identity,
                });
            }
            if !dialog.inspected {
                // The patch must list the containers already there.
                dialog.error = Some(SafeText::from_trusted_static(
                    "still reading the pod; press Enter again in a moment",
                ));
                return DialogOutcome::Stay(Vec::new());
            }
            if let Err(problem) = validate(dialog) {
                dialog.error = Some(SafeText::from_untrusted(&problem));
                return DialogOutcome::Stay(Vec::new());
            }
            if dialog.profile.dangerous() {
                dialog.confirming = true;
                return DialogOutcome::Stay(Vec::new());
            }
            return DialogOutcome::Stay(send(dialog, identity));
        }
        _ => match dialog.focus {
            Field::Image => edit(&mut dialog.image, &key),
            Field::Command => edit(&mut dialog.command, &key),
            Field::RunAs => edit(&mut dialog.run_as_user, &key),
            Field::Profile => {
                // The profile's first letter picks it.
                if let KeyCode::Char(letter) = key.code
                    && let Some(profile) = Profile::ALL
                        .into_iter()
                        .find(|p| p.name().starts_with(letter))
                {
                    dialog.profile = profile;
                    dialog.profile_chosen = true;
                }
            }
            _ => {}
        },
    }
    DialogOutcome::Stay(Vec::new())
}

fn validate(dialog: &DebugDialog) -> Result<(), String> {
    if dialog.image.as_typed().trim().is_empty() {
        return Err("an image is needed".to_string());
    }
    dialog.run_as()?;
    Ok(())
}

fn send(dialog: &mut DebugDialog, identity: Identity) -> Vec<Effect> {
    dialog.sending = true;
    dialog.error = None;
    vec![Effect::Debug(DebugEffect::Create {
        spec: dialog.spec(),
        existing: dialog
            .existing
            .iter()
            .map(|e| e.name.as_str().to_string())
            .collect(),
        identity,
    })]
}

/// `None`: stay; `Some(None)`: close; `Some(Some(request))`: run it.
fn exec_key(
    dialog: &mut ExecDialog,
    key: KeyEvent,
    identity: Identity,
) -> Option<Option<SessionRequest>> {
    match key.code {
        KeyCode::Esc => return Some(None),
        KeyCode::Left | KeyCode::Right => {
            dialog.container = cycle(
                dialog.container,
                dialog.containers.len(),
                key.code == KeyCode::Right,
            );
        }
        KeyCode::Tab | KeyCode::Down | KeyCode::Up | KeyCode::BackTab => {
            let order = [Shell::Sh, Shell::Bash, Shell::Custom];
            let index = order.iter().position(|s| *s == dialog.shell).unwrap_or(0);
            let forward = matches!(key.code, KeyCode::Tab | KeyCode::Down);
            dialog.shell = order[cycle(index, order.len(), forward)];
        }
        KeyCode::Enter => {
            let command = dialog.command();
            let container = dialog.containers.get(dialog.container)?.to_string();
            if command.is_empty() {
                return None;
            }
            return Some(Some(SessionRequest {
                namespace: dialog.namespace.to_string(),
                pod: dialog.pod.to_string(),
                container,
                kind: SessionKind::Exec(command),
                identity,
            }));
        }
        _ if dialog.shell == Shell::Custom => edit(&mut dialog.custom, &key),
        _ => {}
    }
    None
}
