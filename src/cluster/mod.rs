//! Every Kubernetes call of ktriage lives here, through kube-rs: which
//! kubeconfig and context to use, a client per context, and later the
//! watchers, log streams, access reviews and debug containers that turn API
//! traffic into messages for the app. Nothing here draws or owns UI state,
//! and nothing here writes a credential to a log.

pub mod kubeconfig;
mod kubeconfig_error;
