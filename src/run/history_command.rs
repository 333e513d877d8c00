//! `ktriage history`: the restart history of a pod or a workload, read from
//! the store without touching the cluster. The kubeconfig is read only to
//! know which cluster a context reaches (its server and CA), so that the
//! history of the same cluster is found through any of its contexts.

use std::path::PathBuf;

use jiff::{SignedDuration, Timestamp};

use crate::cluster::kubeconfig::{self, Overrides};
use crate::history::Store;
use crate::model::restart::timeline::{Subject, TimelineQuery};

/// How the history is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Table,
    Json,
}

/// What `ktriage history` was asked.
#[derive(Debug, Clone)]
pub struct HistoryOptions {
    pub kubeconfig: Option<PathBuf>,
    pub context: Option<String>,
    pub namespace: Option<String>,
    /// `POD`, or `deploy/NAME` (also `sts/`, `ds/`, `job/` and the long names).
    pub subject: String,
    /// `30m`, `24h`, `7d`.
    pub since: String,
    pub output: Output,
}

/// The cluster a client configuration reaches, as the history names it.
pub fn cluster_id_of(config: &kube::Config) -> String {
    let ca = config.root_cert.as_ref().and_then(|certs| certs.first());
    crate::model::restart::cluster_id::cluster_id(
        config.cluster_url.to_string().as_str(),
        ca.map(Vec::as_slice),
    )
}

/// `30m`, `24h`, `7d`, `90s`.
pub fn parse_since(text: &str) -> Result<SignedDuration, String> {
    let bad = || format!("--since takes a number and s, m, h or d (like 7d), not {text:?}");
    let split = text.len().saturating_sub(1);
    let (number, unit) = (
        text.get(..split).ok_or_else(bad)?,
        text.get(split..).ok_or_else(bad)?,
    );
    let number: i64 = number.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    number
        .checked_mul(seconds)
        .filter(|s| *s >= 0)
        .map(SignedDuration::from_secs)
        .ok_or_else(bad)
}

fn subject(text: &str) -> Subject {
    match text.split_once('/') {
        Some((
            "deploy" | "deployment" | "deployments" | "sts" | "statefulset" | "ds" | "daemonset"
            | "job" | "jobs",
            name,
        )) => Subject::Workload(name.to_string()),
        Some(("pod" | "po" | "pods", name)) => Subject::Pod(name.to_string()),
        _ => Subject::Pod(text.to_string()),
    }
}

/// The printed history, or why there is none.
pub async fn history(options: HistoryOptions) -> Result<String, String> {
    let since = Timestamp::now() - parse_since(&options.since)?;
    let loaded = kubeconfig::load(options.kubeconfig.as_deref()).map_err(|e| e.to_string())?;
    let context = options
        .context
        .clone()
        .or_else(|| loaded.current.clone())
        .or_else(|| loaded.contexts.first().map(|c| c.name.clone()))
        .ok_or("the kubeconfig has no context")?;
    let overrides = Overrides {
        namespace: options.namespace.clone(),
        ..Overrides::default()
    };
    let config = loaded
        .client_config(&context, &overrides)
        .await
        .map_err(|e| e.to_string())?;
    let path = super::state_directory().join("history.db");
    if !path.exists() {
        return Err(format!(
            "no history has been recorded yet ({} does not exist)",
            path.display()
        ));
    }
    let opened = Store::open(&path).map_err(|e| e.to_string())?;
    if let Some(moved) = &opened.moved_aside {
        return Err(format!(
            "the history file was damaged and moved aside to {}",
            moved.display()
        ));
    }
    let query = TimelineQuery {
        cluster: cluster_id_of(&config),
        namespace: config.default_namespace.clone(),
        subject: subject(&options.subject),
        since,
    };
    let timeline = opened.store.timeline(&query).map_err(|e| e.to_string())?;
    Ok(match options.output {
        Output::Table => crate::history::report::table(&timeline),
        Output::Json => format!("{:#}\n", crate::history::report::json(&timeline)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_units_and_refuses_the_rest() {
        assert_eq!(parse_since("7d"), Ok(SignedDuration::from_hours(168)));
        assert_eq!(parse_since("90s"), Ok(SignedDuration::from_secs(90)));
        assert!(parse_since("7").is_err());
        assert!(parse_since("d").is_err());
        assert!(parse_since("-1h").is_err());
        assert!(parse_since("1w").is_err());
    }

    #[test]
    fn subjects_name_a_pod_or_a_workload() {
        assert_eq!(subject("deploy/web"), Subject::Workload("web".into()));
        assert_eq!(subject("sts/db"), Subject::Workload("db".into()));
        assert_eq!(subject("web-1"), Subject::Pod("web-1".into()));
        assert_eq!(subject("pod/web-1"), Subject::Pod("web-1".into()));
    }
}
