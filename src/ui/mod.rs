//! Drawing: `draw(frame, &AppState, &Theme)` reads the state and never
//! changes it. `views/` holds one file per screen, `widgets/` the pieces
//! they share (the table, the chrome, pop-up placement). Views take cluster
//! and typed text as `SafeText` and make none (tests/units/architecture.rs
//! checks it). No I/O, no kube, no clock: time comes from the state.

pub mod theme;
pub mod views;
pub mod widgets;

#[cfg(test)]
mod hostile_input_tests;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

use crate::app::state::{AppState, View};
pub use theme::Theme;
use views::{
    contexts, debug, help, history, logs, namespaces, nodes, palette, pod_detail, pods, workloads,
    yaml,
};
use widgets::chrome;

pub fn draw(frame: &mut Frame, state: &AppState, theme: &Theme) {
    let [header, title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    chrome::header(frame, header, state, theme);
    let counts = match state.navigation.view {
        View::Pods => Some((state.lists.pods.visible_len(), state.lists.pods.len())),
        View::Workloads => Some((
            state.lists.workloads.visible_len(),
            state.lists.workloads.len(),
        )),
        View::Namespaces => Some((
            state.lists.namespaces.visible_len(),
            state.lists.namespaces.len(),
        )),
        View::Nodes => Some((state.lists.nodes.visible_len(), state.lists.nodes.len())),
        View::Contexts => Some((
            state.lists.contexts.visible_len(),
            state.lists.contexts.len(),
        )),
        View::PodDetail | View::Yaml | View::Logs | View::History => None,
    };
    match (&state.logs.view, state.navigation.view) {
        (Some(view), View::Logs) => frame.render_widget(
            ratatui::widgets::Paragraph::new(logs::title(view, theme)),
            title,
        ),
        _ => chrome::title(frame, title, state, theme, counts),
    }
    match state.navigation.view {
        View::Pods => pods::draw(frame, body, state, theme),
        View::Workloads => workloads::draw(frame, body, state, theme),
        View::Namespaces => namespaces::draw(frame, body, state, theme),
        View::Nodes => nodes::draw(frame, body, state, theme),
        View::Contexts => contexts::draw(frame, body, state, theme),
        View::PodDetail => pod_detail::draw(frame, body, state, theme),
        View::Yaml => yaml::draw(frame, body, state, theme),
        View::Logs => logs::draw(frame, body, state, theme),
        View::History => history::draw(frame, body, state, theme),
    }
    chrome::status(frame, status, state, theme);
    if state.overlay == crate::app::state::Overlay::Help {
        help::draw(frame, frame.area(), state, theme);
    }
    if state.overlay.palette().is_some() {
        palette::draw(frame, frame.area(), state, theme);
    }
    if state.debug.flow.is_some() {
        debug::draw(frame, frame.area(), state, theme);
    }
}
