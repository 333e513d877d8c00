//! Opening the debug and exec dialogs on the pod (and container) on screen.

use super::*;
use crate::app::detail::selected_container;

pub(super) fn identity(state: &AppState) -> Identity {
    Identity {
        context: state.session.target.context.as_str().to_string(),
        user: state.session.target.user.as_str().to_string(),
    }
}

/// Container names as the dialogs show them.
fn displayed(names: &[String]) -> Vec<SafeText> {
    names
        .iter()
        .map(|name| SafeText::from_untrusted(name))
        .collect()
}

/// The pod the current view points at.
struct Pointed {
    namespace: String,
    pod: String,
    /// Containers a debug container can target (not ephemeral ones).
    targets: Vec<String>,
    /// Every container, ephemeral ones included (exec can use any).
    all: Vec<String>,
    /// The container selected in the detail view.
    selected: Option<String>,
}

fn pointed_pod(state: &AppState) -> Option<Pointed> {
    match state.navigation.view {
        View::Pods => state.lists.pods.selected_row().map(|row| {
            let containers: Vec<String> = row
                .containers
                .iter()
                .map(|c| c.as_str().to_string())
                .collect();
            Pointed {
                namespace: row.namespace.as_str().to_string(),
                pod: row.name.as_str().to_string(),
                targets: containers.clone(),
                all: containers,
                selected: None,
            }
        }),
        View::PodDetail => state.detail.current.as_ref().map(|detail| {
            let loaded = detail
                .detail
                .as_ref()
                .map(|d| d.containers.as_slice())
                .unwrap_or_default();
            let name = |c: &crate::model::rows::ContainerDetail| c.name.as_str().to_string();
            Pointed {
                namespace: detail.namespace.to_string(),
                pod: detail.name.to_string(),
                targets: loaded
                    .iter()
                    .filter(|c| c.kind != crate::model::rows::ContainerKind::Ephemeral)
                    .map(name)
                    .collect(),
                all: loaded.iter().map(name).collect(),
                selected: loaded.get(selected_container(state)).map(name),
            }
        }),
        _ => None,
    }
}

fn position(list: &[String], wanted: &Option<String>) -> usize {
    wanted
        .as_ref()
        .and_then(|name| list.iter().position(|c| c == name))
        .unwrap_or(0)
}

/// A seed for the generated name: the clock, the pod and a counter.
fn name_seed(state: &AppState, pod: &str) -> u64 {
    let mut value = state.session.now.as_nanosecond() as u64 ^ state.debug.serial.rotate_left(32);
    for byte in pod.bytes() {
        value = (value ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    // splitmix64's finaliser spreads every input bit over the result.
    value = (value ^ (value >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    value = (value ^ (value >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    value ^ (value >> 31)
}

/// `d`: open the debug dialog for the pod on screen.
pub fn open_dialog(state: &mut AppState) -> Vec<Effect> {
    let Some(Pointed {
        namespace,
        pod,
        targets: containers,
        selected,
        ..
    }) = pointed_pod(state)
    else {
        crate::app::session::info(state, Level::Info, "select a pod to debug");
        return Vec::new();
    };
    let target = position(&containers, &selected);
    state.debug.serial += 1;
    let name = generated_name(name_seed(state, &pod));
    state.debug.flow = Some(DebugFlow::Dialog(Box::new(DebugDialog {
        namespace: SafeText::from_untrusted(&namespace),
        pod: SafeText::from_untrusted(&pod),
        name: SafeText::from_untrusted(&name),
        containers: displayed(&containers),
        target,
        image: TypedText::new(&state.debug.defaults.first_image()),
        profile: Profile::General,
        profile_chosen: false,
        command: TypedText::new("sh"),
        run_as_user: TypedText::default(),
        focus: Field::Image,
        existing: Vec::new(),
        inspected: false,
        enforcement: Enforcement::Pending,
        confirming: false,
        sending: false,
        // The spec and the kubectl command line are still worth seeing.
        error: state.session.target.read_only.then(|| {
            SafeText::from_trusted_static("read-only mode: nothing will be sent to the cluster")
        }),
    })));
    vec![Effect::Debug(DebugEffect::Inspect { namespace, pod })]
}

/// `s`: open the exec dialog for the pod on screen.
pub fn open_exec(state: &mut AppState) -> Vec<Effect> {
    let Some(Pointed {
        namespace,
        pod,
        all: containers,
        selected,
        ..
    }) = pointed_pod(state)
    else {
        crate::app::session::info(state, Level::Info, "select a pod to exec into");
        return Vec::new();
    };
    let container = position(&containers, &selected);
    state.debug.flow = Some(DebugFlow::Exec(ExecDialog {
        namespace: SafeText::from_untrusted(&namespace),
        pod: SafeText::from_untrusted(&pod),
        containers: displayed(&containers),
        container,
        shell: Shell::Sh,
        custom: TypedText::default(),
    }));
    Vec::new()
}
