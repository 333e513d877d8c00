//! The audit log of everything ktriage does to a cluster: one JSON object
//! per line, appended to `$XDG_STATE_HOME/ktriage/audit.log`, readable only
//! by its owner (mode 0600). Records what was attempted, by whom, where, and
//! how it ended, refusals included. It never holds a token or command output.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// What was attempted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Add an ephemeral debug container.
    CreateDebugContainer,
    /// Attach to a running container's terminal.
    Attach,
    /// Run a command in a container.
    Exec,
}

/// How it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", content = "detail", rename_all = "kebab-case")]
pub enum Outcome {
    /// The API server accepted it.
    Accepted,
    /// Refused before any request was sent (read-only mode).
    Refused(String),
    /// The API server or the connection failed; the error as shown.
    Failed(String),
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// RFC 3339, UTC.
    pub time: String,
    pub context: String,
    pub user: String,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// The debug container's image; empty for attach and exec.
    pub image: String,
    /// The debug profile; empty for attach and exec.
    pub profile: String,
    /// The command run by exec.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
    pub action: Action,
    pub outcome: Outcome,
    /// The `Audit-Id` the API server gave the request, when it was read.
    pub audit_id: Option<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("cannot write the audit log {path}: {source}")]
pub struct AuditError {
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

/// The append-only log file.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    pub fn at(path: impl Into<PathBuf>) -> AuditLog {
        AuditLog { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one record as a line. The file is created 0600, and made 0600
    /// again if it was loosened.
    pub fn append(&self, record: &Record) -> Result<(), AuditError> {
        let failed = |source| AuditError {
            path: self.path.clone(),
            source,
        };
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(failed)?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&self.path).map_err(failed)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = file.metadata().map_err(failed)?.permissions().mode();
            if mode & 0o077 != 0 {
                file.set_permissions(std::fs::Permissions::from_mode(0o600))
                    .map_err(failed)?;
            }
        }
        let mut line =
            serde_json::to_string(record).map_err(|error| failed(std::io::Error::other(error)))?;
        line.push('\n');
        // One write per record: concurrent appenders never interleave lines.
        file.write_all(line.as_bytes()).map_err(failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(outcome: Outcome) -> Record {
        Record {
            time: "2024-06-01T12:00:00Z".into(),
            context: "admin".into(),
            user: "admin".into(),
            namespace: "shop".into(),
            pod: "web-1".into(),
            container: "debugger-x7k2p".into(),
            image: "busybox".into(),
            profile: "general".into(),
            command: Vec::new(),
            action: Action::CreateDebugContainer,
            outcome,
            audit_id: Some("0d6f3b2e-0000-4000-8000-000000000007".into()),
        }
    }

    #[test]
    fn records_are_json_lines_in_a_private_file() {
        let directory = tempfile::tempdir().unwrap();
        let log = AuditLog::at(directory.path().join("state/audit.log"));
        log.append(&record(Outcome::Accepted)).unwrap();
        let mut refused = record(Outcome::Refused("read-only mode".into()));
        refused.audit_id = None;
        refused.action = Action::Exec;
        refused.command = vec!["sh".into()];
        log.append(&refused).unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(
            lines[0],
            r#"{"time":"2024-06-01T12:00:00Z","context":"admin","user":"admin","namespace":"shop","pod":"web-1","container":"debugger-x7k2p","image":"busybox","profile":"general","action":"create-debug-container","outcome":{"result":"accepted"},"audit_id":"0d6f3b2e-0000-4000-8000-000000000007"}"#
        );
        let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
        assert_eq!(second["action"], "exec");
        assert_eq!(second["command"], serde_json::json!(["sh"]));
        assert_eq!(
            second["outcome"],
            serde_json::json!({"result": "refused", "detail": "read-only mode"})
        );
        assert!(second["audit_id"].is_null());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(log.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_loosened_file_is_made_private_again() {
        use std::os::unix::fs::PermissionsExt;
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("audit.log");
        std::fs::write(&path, "").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        AuditLog::at(&path)
            .append(&record(Outcome::Failed("boom".into())))
            .unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
