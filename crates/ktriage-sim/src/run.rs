//! `ktriage sim`: build a cluster from a scenario (and generated scale),
//! serve it on a loopback port, and write a kubeconfig. It must not print:
//! the ktriage binary reports the address and the kubeconfig path.

use std::net::SocketAddr;
use std::path::PathBuf;

use super::scenario::{Scale, Scenario, ScenarioError};
use super::{Cluster, SimServer};

/// What `ktriage sim` was asked for.
#[derive(Debug, Clone, Default)]
pub struct SimOptions {
    pub scenario: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
    pub kubeconfig_out: Option<PathBuf>,
    pub scale: Option<Scale>,
    pub speed: Option<f64>,
    /// Events expire this long (cluster seconds) after their last write.
    pub event_ttl_seconds: Option<f64>,
    pub drop_watches_every_seconds: Option<f64>,
    pub drop_log_streams_every_seconds: Option<f64>,
    pub throttle_every_nth_request: Option<u64>,
    pub error_every_nth_request: Option<u64>,
    pub latency_milliseconds: Option<u64>,
    pub tokens_expire_after_seconds: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error("cannot build the cluster: {0}")]
    Build(String),
    #[error("cannot listen on {address}: {source}")]
    Listen {
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot write the kubeconfig {path}: {source}")]
    Kubeconfig {
        path: String,
        source: std::io::Error,
    },
}

/// The scenario these options describe, faults and scale applied.
pub fn scenario(options: &SimOptions) -> Result<Scenario, SimError> {
    let mut scenario = match &options.scenario {
        Some(path) => Scenario::load(path)?,
        None => Scenario::demo()?,
    };
    if options.scale.is_some() {
        scenario.scale = options.scale;
    }
    if let Some(speed) = options.speed {
        scenario.cluster.speed = speed;
    }
    if let Some(ttl) = options.event_ttl_seconds {
        if !(ttl > 0.0 && ttl.is_finite()) {
            return Err(SimError::Build(
                "--event-ttl: must be a positive number of seconds".to_string(),
            ));
        }
        scenario.cluster.event_ttl_seconds = ttl;
    }
    let faults = &mut scenario.faults;
    faults.drop_watches_every_seconds = options
        .drop_watches_every_seconds
        .or(faults.drop_watches_every_seconds);
    faults.drop_log_streams_every_seconds = options
        .drop_log_streams_every_seconds
        .or(faults.drop_log_streams_every_seconds);
    faults.throttle_every_nth_request = options
        .throttle_every_nth_request
        .or(faults.throttle_every_nth_request);
    faults.error_every_nth_request = options
        .error_every_nth_request
        .or(faults.error_every_nth_request);
    faults.latency_milliseconds = options.latency_milliseconds.or(faults.latency_milliseconds);
    faults.tokens_expire_after_seconds = options
        .tokens_expire_after_seconds
        .or(faults.tokens_expire_after_seconds);
    Ok(scenario)
}

/// Build and start the server these options describe.
pub async fn start(options: &SimOptions) -> Result<SimServer, SimError> {
    let scenario = scenario(options)?;
    let cluster =
        Cluster::build(scenario).map_err(|error| SimError::Build(error.message().to_string()))?;
    let address = options
        .listen
        .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 0)));
    let server = SimServer::start(cluster, address)
        .await
        .map_err(|source| SimError::Listen { address, source })?;
    if let Some(path) = &options.kubeconfig_out {
        write_private(path, &server.kubeconfig()).map_err(|source| SimError::Kubeconfig {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(server)
}

/// Write a file only its owner may read (it holds tokens).
pub fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_ttl_can_be_set_and_must_be_positive() {
        let options = SimOptions {
            event_ttl_seconds: Some(120.0),
            ..SimOptions::default()
        };
        assert_eq!(scenario(&options).unwrap().cluster.event_ttl_seconds, 120.0);
        assert_eq!(
            scenario(&SimOptions::default())
                .unwrap()
                .cluster
                .event_ttl_seconds,
            3600.0
        );
        let zero = SimOptions {
            event_ttl_seconds: Some(0.0),
            ..SimOptions::default()
        };
        assert!(scenario(&zero).is_err());
    }
}
