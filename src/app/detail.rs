//! The pod detail view's slice: the pod shown, its reply, and the container
//! selected in it (which `l`, `d` and `s` act on). Pure.

use super::state::AppState;
use crate::model::detail::PodDetail;
use crate::model::safe_text::SafeText;

#[derive(Debug, Clone, PartialEq)]
pub struct DetailState {
    pub namespace: SafeText,
    pub name: SafeText,
    pub detail: Option<Box<PodDetail>>,
    pub error: Option<SafeText>,
    pub scroll: usize,
}

/// The pod detail view.
#[derive(Debug, Clone, Default)]
pub struct Detail {
    /// The pod shown, while the view is open.
    pub current: Option<DetailState>,
    /// The container selected in the detail view: namespace, pod, index.
    pub container: Option<(String, String, usize)>,
}

/// Which container the detail view has selected, by index into its list.
pub fn selected_container(state: &AppState) -> usize {
    match (&state.detail.current, &state.detail.container) {
        (Some(detail), Some((namespace, pod, index)))
            if detail.namespace == *namespace && detail.name == *pod =>
        {
            *index
        }
        _ => 0,
    }
}

/// ←/→ in the detail view: select the previous or next container.
pub fn select_container(state: &mut AppState, forward: bool) {
    let Some(detail) = &state.detail.current else {
        return;
    };
    let count = detail.detail.as_ref().map_or(0, |d| d.containers.len());
    let index = cycle(selected_container(state), count, forward);
    state.detail.container = Some((detail.namespace.to_string(), detail.name.to_string(), index));
}

/// The reply to a pod read: ignored unless the view still shows that pod.
pub(super) fn loaded(
    state: &mut AppState,
    namespace: &str,
    name: &str,
    result: Result<Box<PodDetail>, SafeText>,
) {
    if let Some(detail) = state
        .detail
        .current
        .as_mut()
        .filter(|d| d.namespace == namespace && d.name == name)
    {
        match result {
            Ok(loaded) => {
                detail.detail = Some(loaded);
                detail.error = None;
            }
            Err(error) => detail.error = Some(error),
        }
    }
}

pub(super) fn cycle(index: usize, len: usize, forward: bool) -> usize {
    if len == 0 {
        return 0;
    }
    if forward {
        (index + 1) % len
    } else {
        (index + len - 1) % len
    }
}
