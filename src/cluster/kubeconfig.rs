//! Which kubeconfig files ktriage reads and how a context becomes a client
//! configuration. The rules are kubectl's: `--kubeconfig PATH` alone when
//! given; otherwise every file named by `KUBECONFIG`, missing ones skipped,
//! merged so that the first file to define a cluster, user or context wins and
//! `current-context` comes from the first file that sets it; otherwise
//! `~/.kube/config`. Command-line overrides (`--namespace`, `--as`,
//! `--as-group`) are applied on top of the chosen context. This module only
//! reads files; it never writes a kubeconfig, never contacts a cluster, and
//! never logs or prints credentials: `LoadedKubeconfig`'s `Debug` leaves the
//! users out on purpose.

use std::ffi::OsStr;
use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig};

pub use super::kubeconfig_error::KubeconfigError;

/// The namespace kubectl falls back to when neither the command line nor
/// the context names one.
pub const DEFAULT_NAMESPACE: &str = "default";

/// One context of the merged kubeconfig, as the context picker shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextEntry {
    pub name: String,
    /// The name of the cluster entry the context points at.
    pub cluster: String,
    /// The name of the user entry; empty when the context names none.
    pub user: String,
    pub namespace: Option<String>,
    /// The cluster's server URL, when the cluster entry exists and has one.
    pub server: Option<String>,
}

/// Command-line settings that take precedence over the kubeconfig.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--namespace`: the namespace to start in.
    pub namespace: Option<String>,
    /// `--as`: the user to impersonate.
    pub impersonate_user: Option<String>,
    /// `--as-group`, repeatable: the groups to impersonate.
    pub impersonate_groups: Vec<String>,
}

/// The kubeconfig files that were found, merged.
pub struct LoadedKubeconfig {
    /// The usable contexts, in file order (first file first).
    pub contexts: Vec<ContextEntry>,
    /// `current-context`, if some file sets it to a non-empty name.
    pub current: Option<String>,
    /// The files that were read, in merge order.
    pub sources: Vec<PathBuf>,
    kubeconfig: Kubeconfig,
}

/// Read the kubeconfig the way kubectl chooses it: `explicit` (the
/// `--kubeconfig` flag) if given, else the files of `KUBECONFIG`, else
/// `~/.kube/config`.
pub fn load(explicit: Option<&Path>) -> Result<LoadedKubeconfig, KubeconfigError> {
    let paths = match explicit {
        Some(path) => vec![path.to_path_buf()],
        None => candidate_paths(
            std::env::var_os("KUBECONFIG").as_deref(),
            std::env::home_dir(),
        ),
    };
    load_from(&paths)
}

/// The files to read when no `--kubeconfig` is given: the non-empty entries
/// of `KUBECONFIG` without repeats, or `~/.kube/config` when it names none.
pub fn candidate_paths(kubeconfig_variable: Option<&OsStr>, home: Option<PathBuf>) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = Vec::new();
    if let Some(value) = kubeconfig_variable {
        for path in std::env::split_paths(value) {
            if !path.as_os_str().is_empty() && !paths.contains(&path) {
                paths.push(path);
            }
        }
    }
    if paths.is_empty()
        && let Some(home) = home
    {
        paths.push(home.join(".kube").join("config"));
    }
    paths
}

/// Read and merge `paths` in order, skipping the ones that do not exist.
pub fn load_from(paths: &[PathBuf]) -> Result<LoadedKubeconfig, KubeconfigError> {
    let mut merged = Kubeconfig::default();
    let mut sources = Vec::new();
    for path in paths {
        let Some(file) = read_file(path)? else {
            continue;
        };
        merged = merged.merge(file).map_err(|error| invalid(path, &error))?;
        sources.push(path.clone());
    }
    if sources.is_empty() {
        return Err(KubeconfigError::NotFound {
            looked_at: paths.to_vec(),
        });
    }
    LoadedKubeconfig::from_merged(merged, sources)
}

/// One file, ready to merge; `None` when it does not exist.
fn read_file(path: &Path) -> Result<Option<Kubeconfig>, KubeconfigError> {
    use kube::config::KubeconfigError as Kube;
    match Kubeconfig::read_from(path) {
        Ok(mut file) => {
            // kubectl treats an empty `current-context` as unset, so a later
            // file may still set it; kube's merge would keep the empty one.
            if file.current_context.as_deref() == Some("") {
                file.current_context = None;
            }
            // kubectl ignores these legacy fields; kube refuses to merge
            // files whose values differ.
            file.kind = None;
            file.api_version = None;
            Ok(Some(file))
        }
        Err(Kube::ReadConfig(source, _)) if source.kind() == std::io::ErrorKind::NotFound => {
            Ok(None)
        }
        Err(Kube::ReadConfig(source, _)) => Err(KubeconfigError::Unreadable {
            path: path.to_path_buf(),
            source,
        }),
        Err(Kube::Parse(error)) => Err(parse_failure(path, &error)),
        Err(error) => Err(invalid(path, &error)),
    }
}

/// The parser's message without its source excerpt, which could show a
/// credential from a neighbouring line, and with the line moved into its
/// own field.
fn parse_failure(path: &Path, error: &serde_saphyr::Error) -> KubeconfigError {
    let location = error.location().filter(|location| location.line() > 0);
    let mut message = error.without_snippet().to_string();
    if let Some(location) = location {
        let suffix = format!(" at line {}, column {}", location.line(), location.column());
        if let Some(rest) = message.strip_suffix(&suffix) {
            message = format!("{rest} (column {})", location.column());
        }
    }
    KubeconfigError::Invalid {
        path: path.to_path_buf(),
        line: location.map(|location| location.line()),
        message,
    }
}

fn invalid(path: &Path, error: &kube::config::KubeconfigError) -> KubeconfigError {
    KubeconfigError::Invalid {
        path: path.to_path_buf(),
        line: None,
        message: error.to_string(),
    }
}

impl LoadedKubeconfig {
    fn from_merged(
        kubeconfig: Kubeconfig,
        sources: Vec<PathBuf>,
    ) -> Result<LoadedKubeconfig, KubeconfigError> {
        let contexts: Vec<ContextEntry> = kubeconfig
            .contexts
            .iter()
            .filter_map(|named| {
                let context = named.context.as_ref()?;
                let server = kubeconfig
                    .clusters
                    .iter()
                    .find(|cluster| cluster.name == context.cluster)
                    .and_then(|cluster| cluster.cluster.as_ref())
                    .and_then(|cluster| cluster.server.clone());
                Some(ContextEntry {
                    name: named.name.clone(),
                    cluster: context.cluster.clone(),
                    user: context.user.clone().unwrap_or_default(),
                    namespace: context.namespace.clone().filter(|name| !name.is_empty()),
                    server,
                })
            })
            .collect();
        if contexts.is_empty() {
            return Err(KubeconfigError::NoContexts { sources });
        }
        let current = kubeconfig.current_context.clone();
        Ok(LoadedKubeconfig {
            contexts,
            current,
            sources,
            kubeconfig,
        })
    }

    /// The context called `name`.
    pub fn context(&self, name: &str) -> Option<&ContextEntry> {
        self.contexts.iter().find(|entry| entry.name == name)
    }

    /// A client configuration for `context`, with `overrides` applied. Its
    /// `default_namespace` is the override, else the context's namespace,
    /// else `default`.
    pub async fn client_config(
        &self,
        context: &str,
        overrides: &Overrides,
    ) -> Result<kube::Config, KubeconfigError> {
        let Some(entry) = self.context(context) else {
            return Err(KubeconfigError::UnknownContext {
                name: context.to_string(),
                available: self
                    .contexts
                    .iter()
                    .map(|entry| entry.name.clone())
                    .collect(),
            });
        };
        let options = KubeConfigOptions {
            context: Some(entry.name.clone()),
            ..KubeConfigOptions::default()
        };
        let mut config = kube::Config::from_custom_kubeconfig(self.kubeconfig.clone(), &options)
            .await
            .map_err(|source| KubeconfigError::ContextUnusable {
                context: entry.name.clone(),
                source,
            })?;
        if !self.cluster_sets_proxy(&entry.cluster) {
            skip_environment_proxy_for_loopback(&mut config);
        }
        apply_overrides(&mut config, overrides)?;
        Ok(config)
    }

    /// The other contexts that reach the same cluster as `context`, by
    /// cluster name or by server URL. When a user may not list namespaces,
    /// their namespaces are good hints of where to look.
    pub fn context_names_for_cluster(&self, context: &str) -> Vec<String> {
        let Some(target) = self.context(context) else {
            return Vec::new();
        };
        let target_server = target.server.as_deref().map(normalized_server);
        self.contexts
            .iter()
            .filter(|entry| entry.name != target.name)
            .filter(|entry| {
                entry.cluster == target.cluster
                    || (target_server.is_some()
                        && entry.server.as_deref().map(normalized_server) == target_server)
            })
            .map(|entry| entry.name.clone())
            .collect()
    }

    fn cluster_sets_proxy(&self, cluster: &str) -> bool {
        self.kubeconfig
            .clusters
            .iter()
            .find(|named| named.name == cluster)
            .and_then(|named| named.cluster.as_ref())
            .and_then(|cluster| cluster.proxy_url.as_deref())
            .is_some_and(|proxy| !proxy.is_empty())
    }
}

impl fmt::Debug for LoadedKubeconfig {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("LoadedKubeconfig")
            .field("contexts", &self.contexts)
            .field("current", &self.current)
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

/// Server URLs that differ only by a trailing slash or the case of the
/// scheme and host name the same cluster.
fn normalized_server(server: &str) -> String {
    server.trim_end_matches('/').to_ascii_lowercase()
}

/// kubectl never sends loopback traffic through `HTTPS_PROXY`; kube does
/// unless the URL is listed in `NO_PROXY`. A proxy named by the kubeconfig
/// itself is kept.
fn skip_environment_proxy_for_loopback(config: &mut kube::Config) {
    let host = config.cluster_url.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|address| address.is_loopback());
    if loopback {
        config.proxy_url = None;
    }
}

/// Put the command-line overrides on `config`, as kubectl does: each one
/// replaces the kubeconfig's value and leaves the others alone.
pub fn apply_overrides(
    config: &mut kube::Config,
    overrides: &Overrides,
) -> Result<(), KubeconfigError> {
    if let Some(namespace) = overrides
        .namespace
        .as_deref()
        .filter(|name| !name.is_empty())
    {
        config.default_namespace = namespace.to_string();
    }
    if config.default_namespace.is_empty() {
        config.default_namespace = DEFAULT_NAMESPACE.to_string();
    }
    if let Some(user) = overrides
        .impersonate_user
        .as_deref()
        .filter(|name| !name.is_empty())
    {
        check_header_safe(user)?;
        config.auth_info.impersonate = Some(user.to_string());
    }
    if !overrides.impersonate_groups.is_empty() {
        for group in &overrides.impersonate_groups {
            check_header_safe(group)?;
        }
        config.auth_info.impersonate_groups = Some(overrides.impersonate_groups.clone());
    }
    let has_groups = config
        .auth_info
        .impersonate_groups
        .as_ref()
        .is_some_and(|groups| !groups.is_empty());
    if has_groups && config.auth_info.impersonate.is_none() {
        return Err(KubeconfigError::GroupsWithoutUser);
    }
    Ok(())
}

/// Impersonation names travel as HTTP header values, which cannot hold
/// control characters.
fn check_header_safe(value: &str) -> Result<(), KubeconfigError> {
    if value.chars().any(char::is_control) {
        return Err(KubeconfigError::InvalidImpersonation {
            value: value.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
#[path = "kubeconfig_tests.rs"]
mod tests;
