//! The metrics slice: pod usage as last read, whether the metrics API
//! answers, and which namespaces are read when the cluster is large. Pure.

use super::state::AppState;
use crate::model::rows::Usage;
use crate::model::safe_text::SafeText;
use crate::protocol::Effect;

/// Pod metrics as last read.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    pub usage: std::collections::HashMap<(String, String), Usage>,
    /// `None` until the metrics API answers once; `Some(false)` when it cannot.
    pub available: Option<bool>,
    /// The namespaces metrics are read for, when narrowed to the screen.
    pub scope: Option<Vec<String>>,
}

/// Above this many pods across namespaces, metrics are read only for the
/// namespaces on screen: polling every pod's metrics would be most of the
/// program's traffic and work.
pub const LARGE_CLUSTER: usize = 5_000;

/// Narrow (or widen) the metrics poll when the namespaces on screen change.
/// Called once per batch of messages, not per message: at 50,000 pods it
/// rebuilds the view, which a burst of watch events should pay for once.
pub fn metrics_scope(state: &mut AppState) -> Option<Effect> {
    let wanted = if state.across_namespaces() && state.lists.pods.len() > LARGE_CLUSTER {
        state.prepare();
        let mut namespaces: Vec<String> = state
            .lists
            .pods
            .window(state.lists.pods.offset, state.table_height())
            .map(|row| row.namespace.as_str().to_string())
            .collect();
        namespaces.sort_unstable();
        namespaces.dedup();
        Some(namespaces)
    } else {
        None
    };
    if wanted == state.metrics.scope {
        return None;
    }
    state.metrics.scope = wanted.clone();
    Some(Effect::MetricsScope { namespaces: wanted })
}

/// A metrics read: kept unless it belongs to a replaced watch.
pub(super) fn read(
    state: &mut AppState,
    generation: u64,
    result: Result<Vec<(String, String, Usage)>, SafeText>,
) {
    if generation != state.session.generation {
        return;
    }
    match result {
        Ok(usage) => {
            state.metrics.available = Some(true);
            state.metrics.usage = usage
                .into_iter()
                .map(|(namespace, name, usage)| ((namespace, name), usage))
                .collect();
        }
        Err(_) => state.metrics.available = Some(false),
    }
}
