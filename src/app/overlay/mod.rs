//! The overlay slice: what covers the view and takes the keys (the help,
//! the command palette, the list filter's prompt), and the keys that type
//! text into them, with their own Enter, Esc and Backspace. The YAML search
//! and the log prompts belong to their views.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub mod palette;

use crate::app::commands::by_name;
use crate::app::navigation::{mark_current_stale, step};
use crate::app::state::AppState;
use crate::app::update::run_palette;
use crate::model::typed_text::TypedText;
use crate::protocol::Effect;

pub(crate) fn edit(text: &mut TypedText, key: &KeyEvent) {
    match key.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(character) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            text.push(character)
        }
        _ => {}
    }
}

pub(super) fn filter_key(state: &mut AppState, key: KeyEvent) {
    match key.code {
        KeyCode::Enter => state.overlay.close_filter(),
        KeyCode::Esc => {
            state.overlay.close_filter();
            state.navigation.filter.clear();
        }
        KeyCode::Up | KeyCode::Down => {
            let delta = if key.code == KeyCode::Up { -1 } else { 1 };
            step(state, delta);
            return;
        }
        _ => edit(&mut state.navigation.filter, &key),
    }
    mark_current_stale(state);
}

pub(super) fn palette_key(state: &mut AppState, key: KeyEvent) -> Vec<Effect> {
    let Some(current) = state.overlay.palette_mut() else {
        return Vec::new();
    };
    match key.code {
        KeyCode::Esc => state.overlay = Overlay::None,
        KeyCode::Up => current.selected = current.selected.saturating_sub(1),
        KeyCode::Down => current.selected += 1,
        KeyCode::Tab => {
            let suggestions = palette::suggestions(state);
            if let (Some(choice), Some(current)) = (
                suggestions
                    .get(state.overlay.palette().map_or(0, |p| p.selected))
                    .cloned(),
                state.overlay.palette_mut(),
            ) {
                current.input.set(&choice);
                current.selected = 0;
            }
        }
        KeyCode::Enter => {
            let suggestions = palette::suggestions(state);
            let input = state
                .overlay
                .palette()
                .map(|p| p.input.as_typed().trim().to_string())
                .unwrap_or_default();
            let selected = state.overlay.palette().map_or(0, |p| p.selected);
            let chosen = if by_name(input.split_whitespace().next().unwrap_or_default()).is_some()
                && (input.contains(' ') || suggestions.is_empty())
            {
                input
            } else {
                suggestions.get(selected).cloned().unwrap_or(input)
            };
            state.overlay = Overlay::None;
            return run_palette(state, &chosen);
        }
        _ => {
            edit(&mut current.input, &key);
            current.selected = 0;
        }
    }
    Vec::new()
}

/// The `:` palette.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Palette {
    pub input: TypedText,
    pub selected: usize,
}

/// What covers the view and takes the keys, if anything.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Overlay {
    #[default]
    None,
    Help,
    Palette(Palette),
    /// The list filter's prompt is open.
    Filter,
}

impl Overlay {
    pub fn palette(&self) -> Option<&Palette> {
        match self {
            Overlay::Palette(palette) => Some(palette),
            _ => None,
        }
    }

    pub fn palette_mut(&mut self) -> Option<&mut Palette> {
        match self {
            Overlay::Palette(palette) => Some(palette),
            _ => None,
        }
    }

    /// Close the filter's prompt, if it is open.
    pub fn close_filter(&mut self) {
        if *self == Overlay::Filter {
            *self = Overlay::None;
        }
    }
}
