//! The session slice: where the program is pointed, the user's rights there,
//! the clock, the screen size and the status message. Pure.

use jiff::Timestamp;

use super::keymap::Keymap;
use super::state::AppState;
use crate::model::access::Access;
use crate::model::safe_text::SafeText;

/// Where the program is pointed.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub context: SafeText,
    pub cluster: SafeText,
    pub user: SafeText,
    /// `None`: every namespace.
    pub namespace: Option<String>,
    /// The context's own namespace, used when namespaces cannot be listed.
    pub home_namespace: String,
    pub read_only: bool,
}

impl Target {
    /// The namespace as the header shows it: it may come from a kubeconfig
    /// or a flag, so it is neutralised like cluster text; `(all)` for every
    /// namespace.
    pub fn shown_namespace(&self) -> SafeText {
        match &self.namespace {
            Some(namespace) => SafeText::from_untrusted(namespace),
            None => SafeText::from_trusted_static("(all)"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

/// Where the program is pointed and what it knows of the session: the
/// target, the user's rights, the clock, the screen, the status message.
#[derive(Debug, Clone)]
pub struct Session {
    pub target: Target,
    /// The rules that apply in the current namespace, once reviewed.
    pub access: Option<crate::model::access::Access>,
    /// Namespaces known without listing: the context's, other contexts', typed ones.
    pub namespace_hints: Vec<String>,
    pub keymap: Keymap,
    /// Numbers the watches: reports of a replaced watch are ignored.
    pub generation: u64,
    /// Numbers one-off reads, so a reply finds the view that asked for it.
    pub request_serial: crate::protocol::RequestId,
    pub now: Timestamp,
    pub size: (u16, u16),
    pub message: Option<(Level, SafeText)>,
    pub quit: bool,
}

pub(super) fn info(state: &mut AppState, level: Level, text: &str) {
    state.session.message = Some((level, SafeText::from_untrusted(text)));
}

/// What the user may do in the namespace, once reviewed. Without an answer
/// every command stays offered; the API decides.
pub(super) fn access_reviewed(
    state: &mut AppState,
    generation: u64,
    result: Result<Access, SafeText>,
) {
    if let (true, Ok(access)) = (generation == state.session.generation, result) {
        state.session.access = Some(access);
    }
}
