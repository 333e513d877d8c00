//! Keys that type text rather than run commands: the filter line, the YAML
//! search and the command palette, with their own Enter, Esc and Backspace.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::commands::by_name;
use super::navigation::{mark_current_stale, step};
use super::palette;
use super::state::{AppState, Overlay};
use super::update::run_palette;
use crate::protocol::Effect;

fn edit(text: &mut String, key: &KeyEvent) {
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

pub(super) fn yaml_search_key(state: &mut AppState, key: KeyEvent) {
    let Some(yaml) = state.yaml.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Enter => {
            yaml.searching = false;
            yaml_next_match(state, true);
        }
        KeyCode::Esc => {
            yaml.searching = false;
            yaml.search.clear();
        }
        _ => edit(&mut yaml.search, &key),
    }
}

pub(super) fn yaml_next_match(state: &mut AppState, forward: bool) {
    let Some(yaml) = state.yaml.as_mut() else {
        return;
    };
    if yaml.search.is_empty() {
        return;
    }
    let needle = yaml.search.to_lowercase();
    let count = yaml.lines.len();
    for offset in 1..=count {
        let index = if forward {
            (yaml.scroll + offset) % count
        } else {
            (yaml.scroll + count - offset % count) % count
        };
        if yaml.lines[index].as_str().to_lowercase().contains(&needle) {
            yaml.scroll = index;
            return;
        }
    }
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
                current.input = choice;
                current.selected = 0;
            }
        }
        KeyCode::Enter => {
            let suggestions = palette::suggestions(state);
            let input = state
                .overlay
                .palette()
                .map(|p| p.input.trim().to_string())
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
