//! The user's configuration file: `$XDG_CONFIG_HOME/ktriage/config.yaml`
//! (else `~/.config/ktriage/config.yaml`). Key bindings merged over the
//! registry's defaults, the colour choice, and the debug image. A broken file is an error
//! that names the file and the line; a missing file is no error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::app::keymap::{Keymap, KeymapError};

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `key: command`, e.g. `x: quit` or `ctrl-n: down`.
    #[serde(default)]
    pub keys: BTreeMap<String, String>,
    /// Draw without colours.
    #[serde(default)]
    pub no_color: bool,
    /// Lines a log view keeps before the oldest go (default 100,000).
    #[serde(default)]
    pub log_lines: Option<usize>,
    /// Debug containers: `debug: {image: busybox}`.
    #[serde(default)]
    pub debug: DebugConfig,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DebugConfig {
    /// The image the debug dialog offers first (before any was used).
    #[serde(default)]
    pub image: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Unreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: keys: {source}")]
    Keys { path: PathBuf, source: KeymapError },
}

/// Where the configuration file is looked for.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(base.join("ktriage").join("config.yaml"))
}

impl Config {
    /// Read the file at `path`; a missing file is the default configuration.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Config::default());
            }
            Err(source) => {
                return Err(ConfigError::Unreadable {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        serde_saphyr::from_str(&text).map_err(|error| ConfigError::Invalid {
            path: path.to_path_buf(),
            message: error.to_string(),
        })
    }

    /// Lines a log view keeps (at least 1,000).
    pub fn log_capacity(&self) -> usize {
        self.log_lines
            .unwrap_or(crate::app::logs::DEFAULT_CAPACITY)
            .max(1_000)
    }

    /// The keymap with this configuration's bindings applied.
    pub fn keymap(&self, path: &Path) -> Result<Keymap, ConfigError> {
        let bindings: Vec<(String, String)> = self
            .keys
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Keymap::with_overrides(&bindings).map_err(|source| ConfigError::Keys {
            path: path.to_path_buf(),
            source,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::commands::CommandId;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    #[test]
    fn missing_file_is_the_default() {
        let directory = tempfile::tempdir().unwrap();
        assert_eq!(
            Config::load(&directory.path().join("none.yaml")).unwrap(),
            Config::default()
        );
    }

    #[test]
    fn the_debug_image_can_be_configured() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("config.yaml");
        std::fs::write(&path, "debug:\n  image: nicolaka/netshoot\n").unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.debug.image.as_deref(), Some("nicolaka/netshoot"));
        std::fs::write(&path, "debug:\n  profile: sysadmin\n").unwrap();
        let error = Config::load(&path).unwrap_err().to_string();
        assert!(error.contains("profile"), "{error}");
    }

    #[test]
    fn bindings_are_merged_and_mistakes_named() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("config.yaml");
        std::fs::write(&path, "keys:\n  x: quit\n  ctrl-n: down\n").unwrap();
        let config = Config::load(&path).unwrap();
        let keymap = config.keymap(&path).unwrap();
        assert_eq!(
            keymap.lookup(&KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(CommandId::Quit)
        );
        std::fs::write(&path, "keys:\n  x: explode\n").unwrap();
        let error = Config::load(&path)
            .unwrap()
            .keymap(&path)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("config.yaml") && error.contains("explode"),
            "{error}"
        );
        std::fs::write(&path, "keys:\n  x: quit\ncolours: none\n").unwrap();
        let error = Config::load(&path).unwrap_err().to_string();
        assert!(
            error.contains("config.yaml") && error.contains("colours"),
            "{error}"
        );
    }
}
