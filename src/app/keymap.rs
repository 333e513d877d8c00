//! The keymap: key names (`j`, `ctrl-c`, `pagedown`, `G`) parsed into key
//! events, the registry's defaults with user bindings merged over them.

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::commands::{COMMANDS, CommandId, by_name};

/// A key without the state crossterm carries (kind, repeat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    pub fn from_event(event: &KeyEvent) -> Key {
        // Shift is part of the character for printable keys (`G`, `?`).
        let modifiers = match event.code {
            KeyCode::Char(_) => event.modifiers - KeyModifiers::SHIFT,
            _ => event.modifiers,
        };
        Key {
            code: event.code,
            modifiers,
        }
    }

    /// Parse a key name as the registry and the config file write them.
    pub fn parse(name: &str) -> Option<Key> {
        let (modifiers, rest) = match name.strip_prefix("ctrl-") {
            Some(rest) => (KeyModifiers::CONTROL, rest),
            None => match name.strip_prefix("alt-") {
                Some(rest) => (KeyModifiers::ALT, rest),
                None => (KeyModifiers::NONE, name),
            },
        };
        let code = match rest {
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "enter" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" => KeyCode::Tab,
            "backspace" => KeyCode::Backspace,
            "space" => KeyCode::Char(' '),
            single if single.chars().count() == 1 => KeyCode::Char(single.chars().next()?),
            _ => return None,
        };
        Some(Key { code, modifiers })
    }

    /// The name the help screen shows.
    pub fn name(&self) -> String {
        let base = match self.code {
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            other => format!("{other:?}"),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("Ctrl-{base}")
        } else if self.modifiers.contains(KeyModifiers::ALT) {
            format!("Alt-{base}")
        } else {
            base
        }
    }
}

/// Keys to commands.
#[derive(Debug, Clone)]
pub struct Keymap {
    bindings: HashMap<Key, CommandId>,
}

/// A user binding that could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeymapError {
    #[error("unknown key \"{0}\"")]
    UnknownKey(String),
    #[error("unknown command \"{0}\"")]
    UnknownCommand(String),
}

impl Default for Keymap {
    fn default() -> Self {
        let mut bindings = HashMap::new();
        for command in COMMANDS {
            for key in command.keys.iter().filter_map(|k| Key::parse(k)) {
                bindings.insert(key, command.id);
            }
        }
        Keymap { bindings }
    }
}

impl Keymap {
    /// Merge user bindings (`key = command`) over the defaults: a key bound
    /// by the user replaces whatever it did before.
    pub fn with_overrides(overrides: &[(String, String)]) -> Result<Keymap, KeymapError> {
        let mut keymap = Keymap::default();
        for (key, command) in overrides {
            let parsed = Key::parse(key).ok_or_else(|| KeymapError::UnknownKey(key.clone()))?;
            let command =
                by_name(command).ok_or_else(|| KeymapError::UnknownCommand(command.clone()))?;
            keymap.bindings.insert(parsed, command.id);
        }
        Ok(keymap)
    }

    pub fn lookup(&self, event: &KeyEvent) -> Option<CommandId> {
        self.bindings.get(&Key::from_event(event)).copied()
    }

    /// The keys bound to a command, for help and hints.
    pub fn keys_for(&self, id: CommandId) -> Vec<Key> {
        let mut keys: Vec<Key> = self
            .bindings
            .iter()
            .filter(|(_, c)| **c == id)
            .map(|(k, _)| *k)
            .collect();
        keys.sort_by_key(|k| k.name());
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn defaults_cover_vim_and_arrows() {
        let keymap = Keymap::default();
        assert_eq!(
            keymap.lookup(&press(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(CommandId::Down)
        );
        assert_eq!(
            keymap.lookup(&press(KeyCode::Down, KeyModifiers::NONE)),
            Some(CommandId::Down)
        );
        assert_eq!(
            keymap.lookup(&press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(CommandId::Bottom)
        );
        assert_eq!(
            keymap.lookup(&press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(CommandId::Quit)
        );
    }

    #[test]
    fn user_bindings_merge_over_defaults() {
        let keymap = Keymap::with_overrides(&[
            ("x".to_string(), "quit".to_string()),
            ("ctrl-n".to_string(), "down".to_string()),
        ])
        .unwrap();
        assert_eq!(
            keymap.lookup(&press(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(CommandId::Quit)
        );
        assert_eq!(
            keymap.lookup(&press(KeyCode::Char('n'), KeyModifiers::CONTROL)),
            Some(CommandId::Down)
        );
        assert_eq!(
            keymap.lookup(&press(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(CommandId::Quit)
        );
        assert_eq!(
            Keymap::with_overrides(&[("ctrl-zz".into(), "quit".into())]).unwrap_err(),
            KeymapError::UnknownKey("ctrl-zz".into())
        );
        assert_eq!(
            Keymap::with_overrides(&[("x".into(), "explode".into())]).unwrap_err(),
            KeymapError::UnknownCommand("explode".into())
        );
    }
}
