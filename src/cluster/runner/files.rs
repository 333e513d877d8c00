//! What touches the local disk: saving log lines to a new file in the
//! program's state directory, readable by the user only. The write runs on a
//! blocking thread and reports `ClusterEvent::LogsSaved`. Never overwrites a
//! file, never talks to the cluster, never draws, never imports app/.
//! (Recently used debug images are read and written by `cluster::debug`.)

use std::io::Write;
use std::path::Path;

use super::Runner;
use crate::protocol::ClusterEvent;

impl Runner {
    /// Write `text` (`lines` log lines) to a new file `name` in the save
    /// directory, off the async threads, and report where it went.
    pub(super) fn save_logs(&mut self, name: String, text: String, lines: usize) {
        let directory = self.save_directory.clone();
        let sender = self.sender.clone();
        tokio::spawn(async move {
            let result = tokio::task::spawn_blocking(move || {
                save_private(&directory, &name, &text).map(|path| (path, lines))
            })
            .await
            .unwrap_or_else(|error| Err(error.to_string()));
            let _ = sender.send(ClusterEvent::LogsSaved { result }).await;
        });
    }
}

/// Write `text` to a new file `name` in `directory` (created if needed),
/// readable by the user only. Returns the path.
pub fn save_private(directory: &Path, name: &str, text: &str) -> Result<String, String> {
    let fail = |error: std::io::Error, what: &Path| format!("{}: {error}", what.display());
    std::fs::create_dir_all(directory).map_err(|e| fail(e, directory))?;
    let path = directory.join(name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&path).map_err(|e| fail(e, &path))?;
    file.write_all(text.as_bytes())
        .map_err(|e| fail(e, &path))?;
    file.sync_all().map_err(|e| fail(e, &path))?;
    Ok(path.display().to_string())
}
