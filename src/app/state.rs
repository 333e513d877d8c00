//! `AppState`: everything the screen shows, owned by one task and changed
//! only by `update`. It is made of slices; each slice's type lives with the
//! module that changes it and is re-exported here.

use jiff::Timestamp;

pub use super::debug::Debugging;
pub use super::detail::{Detail, DetailState};
pub use super::history::{History, HistoryView};
use super::keymap::Keymap;
use super::lists::collection::Collection;
pub use super::lists::listable::{
    CONTEXT_COLUMNS, NAMESPACE_COLUMNS, NODE_COLUMNS, POD_COLUMNS, WORKLOAD_COLUMNS,
};
pub use super::lists::{Lists, PodScope};
pub use super::logs::Logs;
pub use super::metrics::Metrics;
pub use super::navigation::{Navigation, View};
pub use super::overlay::{Overlay, Palette};
pub use super::session::{Level, Session, Target};
pub use super::yaml::YamlState;
use crate::model::listing::ContextRow;

/// Everything the screen shows, in slices: each slice is changed by its own
/// update module (`navigation`, `overlay`, `lists`, `metrics`, `detail`,
/// `yaml`, `logs`, `debug`).
#[derive(Debug, Clone)]
pub struct AppState {
    pub session: Session,
    pub lists: Lists,
    pub navigation: Navigation,
    pub overlay: Overlay,
    pub metrics: Metrics,
    pub detail: Detail,
    pub yaml: Option<YamlState>,
    pub logs: Logs,
    pub debug: Debugging,
    pub history: History,
}

impl AppState {
    pub fn new(
        target: Target,
        contexts: Vec<ContextRow>,
        keymap: Keymap,
        now: Timestamp,
    ) -> AppState {
        let mut context_rows = Collection::default();
        context_rows.reset(contexts, now);
        context_rows.reindex("");
        let hints = vec![target.home_namespace.clone()];
        AppState {
            session: Session {
                target,
                access: None,
                namespace_hints: hints,
                keymap,
                generation: 0,
                request_serial: 0,
                now,
                size: (80, 24),
                message: None,
                quit: false,
            },
            lists: Lists {
                contexts: context_rows,
                ..Lists::default()
            },
            navigation: Navigation {
                view: View::Pods,
                back: Vec::new(),
                filter: Default::default(),
            },
            overlay: Overlay::None,
            metrics: Metrics::default(),
            detail: Detail::default(),
            yaml: None,
            logs: Logs {
                view: None,
                serial: 0,
                capacity: super::logs::DEFAULT_CAPACITY,
            },
            debug: Debugging::default(),
            history: History::default(),
        }
    }

    /// A new request id.
    pub fn next_request(&mut self) -> crate::protocol::RequestId {
        self.session.request_serial += 1;
        self.session.request_serial
    }

    /// Rebuild the visible order of every list that changed (call before drawing).
    pub fn prepare(&mut self) {
        let filter = self.navigation.filter.as_typed().to_string();
        let filter_for =
            |view: View, current: View| if view == current { filter.as_str() } else { "" };
        let view = self.navigation.view;
        if self.lists.pods.is_stale() {
            self.lists.pods.reindex(filter_for(View::Pods, view));
        }
        if self.lists.workloads.is_stale() {
            self.lists
                .workloads
                .reindex(filter_for(View::Workloads, view));
        }
        if self.lists.namespaces.is_stale() {
            self.lists
                .namespaces
                .reindex(filter_for(View::Namespaces, view));
        }
        if self.lists.nodes.is_stale() {
            self.lists.nodes.reindex(filter_for(View::Nodes, view));
        }
        if self.lists.contexts.is_stale() {
            self.lists
                .contexts
                .reindex(filter_for(View::Contexts, view));
        }
        let height = self.table_height();
        match self.navigation.view {
            View::Pods => self.lists.pods.scroll_into_view(height),
            View::Workloads => self.lists.workloads.scroll_into_view(height),
            View::Namespaces => self.lists.namespaces.scroll_into_view(height),
            View::Nodes => self.lists.nodes.scroll_into_view(height),
            View::Contexts => self.lists.contexts.scroll_into_view(height),
            View::PodDetail | View::Yaml | View::Logs | View::History => {}
        }
    }

    /// Rows of table the body has room for: the screen less header (2),
    /// table header (1), status line (1) and the table's border (2).
    pub fn table_height(&self) -> usize {
        usize::from(self.session.size.1.saturating_sub(6)).max(1)
    }

    /// Whether a command's needs are met: `Err` names what is missing.
    pub fn permitted(&self, command: &super::commands::Command) -> Result<(), String> {
        let Some(access) = &self.session.access else {
            return Ok(());
        };
        for need in command.needs {
            if access.allows(need.verb, "", need.resource) == Some(false) {
                return Err(format!(
                    "{} {} in {}",
                    need.verb, need.resource, access.namespace
                ));
            }
        }
        Ok(())
    }

    /// Whether pods from several namespaces are shown (adds the NAMESPACE column).
    pub fn across_namespaces(&self) -> bool {
        self.session.target.namespace.is_none()
    }
}
