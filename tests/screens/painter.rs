//! The painter writes a frame only when it differs from the one on screen:
//! an idle screen writes nothing.

use ktriage::run::event_loop::{Painter, Screen};
use ktriage::ui::Theme;

use crate::support;
use crate::support::{fixture_rows, pods_reset, state};

#[derive(Default)]
struct CountingScreen {
    frames: usize,
}

impl Screen for CountingScreen {
    fn size(&self) -> (u16, u16) {
        (100, 30)
    }

    fn draw(&mut self, _render: &dyn Fn(&mut ratatui::Frame)) -> std::io::Result<()> {
        self.frames += 1;
        Ok(())
    }
}

#[test]
fn an_unchanged_screen_is_not_written_again() {
    let mut state = state(None, false);
    ktriage::app::start(&mut state);
    ktriage::app::update(&mut state, pods_reset(1, fixture_rows()));
    state.session.size = (100, 30);
    state.prepare();
    let mut screen = CountingScreen::default();
    let mut painter = Painter::new();
    assert!(
        painter
            .paint(&mut screen, &state, &Theme::colored())
            .expect("paints")
    );
    for _ in 0..5 {
        assert!(
            !painter
                .paint(&mut screen, &state, &Theme::colored())
                .expect("paints")
        );
    }
    assert_eq!(screen.frames, 1);
    ktriage::app::update(&mut state, support::char_key('j'));
    state.prepare();
    assert!(
        painter
            .paint(&mut screen, &state, &Theme::colored())
            .expect("paints")
    );
    assert_eq!(screen.frames, 2);
    painter.invalidate();
    assert!(
        painter
            .paint(&mut screen, &state, &Theme::colored())
            .expect("paints")
    );
    assert_eq!(screen.frames, 3);
}
