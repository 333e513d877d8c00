//! Clients per context, built on demand from the loaded kubeconfig and kept:
//! switching back to a context reuses its client.

use std::collections::HashMap;

use kube::Client;

use super::event_loop::ContextSwitcher;
use crate::app::state::Target;
use crate::cluster::kubeconfig::{LoadedKubeconfig, Overrides};
use crate::model::listing::ContextRow;
use crate::model::safe_text::SafeText;

/// The contexts of a kubeconfig as the contexts view lists them.
pub fn context_rows(loaded: &LoadedKubeconfig) -> Vec<ContextRow> {
    loaded
        .contexts
        .iter()
        .map(|context| ContextRow {
            name: SafeText::from_untrusted(&context.name),
            cluster: SafeText::from_untrusted(&context.cluster),
            user: SafeText::from_untrusted(&context.user),
            namespace: SafeText::from_untrusted(context.namespace.as_deref().unwrap_or_default()),
        })
        .collect()
}

pub struct KubeconfigSwitcher {
    loaded: LoadedKubeconfig,
    overrides: Overrides,
    read_only: bool,
    all_namespaces: bool,
    clients: HashMap<String, (Client, String)>,
    /// Each context's cluster, as the history names it (`cluster_id`).
    cluster_ids: HashMap<String, String>,
    first: bool,
}

impl KubeconfigSwitcher {
    pub fn new(
        loaded: LoadedKubeconfig,
        overrides: Overrides,
        read_only: bool,
        all_namespaces: bool,
    ) -> KubeconfigSwitcher {
        KubeconfigSwitcher {
            loaded,
            overrides,
            read_only,
            all_namespaces,
            clients: HashMap::new(),
            cluster_ids: HashMap::new(),
            first: true,
        }
    }

    /// The client, the target and the namespace hints of a context.
    pub async fn connect(&mut self, name: &str) -> Result<(Client, Target, Vec<String>), SafeText> {
        // `-n` applies to the context the program starts in.
        let mut overrides = self.overrides.clone();
        if !self.first {
            overrides.namespace = None;
        }
        let (client, namespace) = match self.clients.get(name) {
            Some((client, namespace)) if overrides.namespace.is_none() => {
                (client.clone(), namespace.clone())
            }
            _ => {
                let config = self
                    .loaded
                    .client_config(name, &overrides)
                    .await
                    .map_err(|e| SafeText::from_untrusted(&e.to_string()))?;
                let namespace = config.default_namespace.clone();
                self.cluster_ids.insert(
                    name.to_string(),
                    super::history_command::cluster_id_of(&config),
                );
                let client = Client::try_from(config)
                    .map_err(|e| SafeText::from_untrusted(&e.to_string()))?;
                self.clients
                    .insert(name.to_string(), (client.clone(), namespace.clone()));
                (client, namespace)
            }
        };
        let entry = self.loaded.context(name);
        let target = Target {
            context: SafeText::from_untrusted(name),
            cluster: SafeText::from_untrusted(
                entry.map(|e| e.cluster.as_str()).unwrap_or_default(),
            ),
            user: SafeText::from_untrusted(
                &self
                    .overrides
                    .impersonate_user
                    .clone()
                    .or_else(|| entry.map(|e| e.user.clone()))
                    .unwrap_or_default(),
            ),
            namespace: if self.first && self.all_namespaces {
                None
            } else {
                Some(namespace.clone())
            },
            home_namespace: namespace.clone(),
            read_only: self.read_only,
        };
        let mut hints = vec![namespace];
        for other in self.loaded.context_names_for_cluster(name) {
            if let Some(namespace) = self
                .loaded
                .context(&other)
                .and_then(|c| c.namespace.clone())
                && !hints.contains(&namespace)
            {
                hints.push(namespace);
            }
        }
        self.first = false;
        Ok((client, target, hints))
    }
}

impl ContextSwitcher for KubeconfigSwitcher {
    fn switch(
        &mut self,
        name: &str,
    ) -> impl std::future::Future<Output = Result<(Client, Target, Vec<String>), SafeText>> + Send
    {
        self.connect(name)
    }

    fn cluster_id(&self, name: &str) -> String {
        KubeconfigSwitcher::cluster_id(self, name)
    }
}

impl KubeconfigSwitcher {
    /// The cluster a connected context reaches, as the history names it:
    /// the same for two contexts of one cluster.
    pub fn cluster_id(&self, name: &str) -> String {
        self.cluster_ids.get(name).cloned().unwrap_or_default()
    }
}
