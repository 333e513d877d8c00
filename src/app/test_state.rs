//! The state the state machine's unit tests start from: the `admin`
//! context of a cluster called `demo`, pointed at namespace `shop`, at a
//! fixed time, with no rows yet.

use super::keymap::Keymap;
use super::state::{AppState, Target};
use crate::model::safe_text::SafeText;

pub(crate) fn shop(keymap: Keymap) -> AppState {
    let target = Target {
        context: SafeText::from_untrusted("admin"),
        cluster: SafeText::from_untrusted("demo"),
        user: SafeText::from_untrusted("admin"),
        namespace: Some("shop".into()),
        home_namespace: "shop".into(),
        read_only: false,
    };
    AppState::new(
        target,
        Vec::new(),
        keymap,
        "2024-06-01T12:00:00Z".parse().unwrap(),
    )
}
