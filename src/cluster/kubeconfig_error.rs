//! The errors of reading a kubeconfig and of turning one of its contexts
//! into a client configuration, worded for the person at the terminal: each
//! names the file or context concerned and what to do next. The messages
//! carry names and paths only, never a credential.

use std::path::{Path, PathBuf};

/// Why no kubeconfig or no client configuration could be had.
#[derive(Debug, thiserror::Error)]
pub enum KubeconfigError {
    #[error(
        "no kubeconfig found ({}); point KUBECONFIG or --kubeconfig at one, or try `ktriage --demo`",
        looked_at_text(.looked_at)
    )]
    NotFound { looked_at: Vec<PathBuf> },
    #[error("cannot read the kubeconfig {}: {source}", .path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", invalid_text(.path, *.line, .message))]
    Invalid {
        path: PathBuf,
        /// The 1-based line the YAML parser pointed at, when it did.
        line: Option<u64>,
        message: String,
    },
    #[error("the kubeconfig ({}) defines no contexts", paths_text(.sources))]
    NoContexts { sources: Vec<PathBuf> },
    #[error(
        "the kubeconfig has no context named `{name}`; available: {}",
        .available.join(", ")
    )]
    UnknownContext {
        name: String,
        available: Vec<String>,
    },
    #[error("the context `{context}` cannot be used: {source}")]
    ContextUnusable {
        context: String,
        #[source]
        source: kube::config::KubeconfigError,
    },
    #[error("--as-group needs --as: Kubernetes impersonates groups only together with a user")]
    GroupsWithoutUser,
    #[error("the impersonation name {value:?} contains a control character")]
    InvalidImpersonation { value: String },
}

fn looked_at_text(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        "KUBECONFIG is not set and there is no home directory".to_string()
    } else {
        format!("looked at {}", paths_text(paths))
    }
}

fn paths_text(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    names.join(", ")
}

fn invalid_text(path: &Path, line: Option<u64>, message: &str) -> String {
    match line {
        Some(line) => format!(
            "the kubeconfig {} is not valid at line {line}: {message}",
            path.display()
        ),
        None => format!("the kubeconfig {} is not valid: {message}", path.display()),
    }
}
