//! Where a pop-up goes: centred in the area it covers.

use ratatui::layout::Rect;

/// A pop-up of at most `width` by `height`, centred in `area`, keeping
/// `margin` cells free on each side where it can.
pub fn centered(area: Rect, width: u16, height: u16, margin: u16) -> Rect {
    let width = width.min(area.width.saturating_sub(2 * margin)).max(1);
    let height = height.min(area.height.saturating_sub(2 * margin)).max(1);
    Rect {
        x: area.x + area.width.saturating_sub(width) / 2,
        y: area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    }
}
