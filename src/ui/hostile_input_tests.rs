//! Typed text reaches the screen only as `SafeText`: an escape sequence
//! pasted into the filter, the YAML search or the palette is shown as
//! visible characters, never sent to the terminal.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::keymap::Keymap;
use crate::app::msg::Msg;
use crate::app::state::{AppState, Target};
use crate::app::update::update;
use crate::model::safe_text::SafeText;

const PASTE: &str = "\u{1b}]52;c;aGk=\u{7}x";

fn state() -> AppState {
    let target = Target {
        context: SafeText::from_untrusted("admin"),
        cluster: SafeText::from_untrusted("demo"),
        user: SafeText::from_untrusted("admin"),
        namespace: Some("shop\u{1b}[2J".into()),
        home_namespace: "shop".into(),
        read_only: false,
    };
    AppState::new(
        target,
        Vec::new(),
        Keymap::default(),
        "2024-06-01T12:00:00Z".parse().unwrap(),
    )
}

fn typed(state: &mut AppState, text: &str) {
    for character in text.chars() {
        update(
            state,
            Msg::Key(KeyEvent::new(KeyCode::Char(character), KeyModifiers::NONE)),
        );
    }
}

fn screen(state: &mut AppState) -> String {
    state.prepare();
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal
        .draw(|frame| super::draw(frame, state, &super::Theme::monochrome()))
        .unwrap();
    let buffer = terminal.backend().buffer();
    buffer.content().iter().map(|cell| cell.symbol()).collect()
}

#[test]
fn a_pasted_escape_in_the_filter_is_shown_not_sent() {
    let mut state = state();
    typed(&mut state, "/");
    typed(&mut state, PASTE);
    let shown = screen(&mut state);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'));
    assert!(shown.contains("/^[]52;c;aGk=^Gx"), "{shown}");
    assert!(shown.contains("shop^[[2J"), "{shown}");
}

#[test]
fn a_pasted_escape_in_the_palette_is_shown_not_sent() {
    let mut state = state();
    typed(&mut state, ":");
    typed(&mut state, PASTE);
    let shown = screen(&mut state);
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'));
    assert!(shown.contains("^[]52;c;aGk=^Gx"), "{shown}");
}
