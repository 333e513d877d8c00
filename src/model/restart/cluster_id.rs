//! The id under which the history keeps a cluster's records. A context name
//! is the user's label: two kubeconfigs may name different clusters `prod`,
//! and one cluster may be reached through several contexts. The id is made
//! from what identifies the API server instead: its URL, normalised, and
//! the certificate authority the client trusts for it.
//!
//! The id is the first 128 bits, in hex, of a SHA-256 digest (from `ring`,
//! already in the build for TLS) of a version tag, the normalised URL and
//! the CA bytes. A cryptographic digest is used so that the id is stable
//! across platforms and versions forever (a store outlives the program's
//! version) and cannot collide by accident; 128 bits are far more than the
//! clusters one user reaches. The URL is normalised by lowercasing the
//! scheme and host, dropping a default port (443 for https, 80 for http)
//! and a trailing `/`; its path is kept (a proxy like Rancher serves many
//! clusters under one host). The CA's surrounding whitespace and CRLF line
//! ends are ignored. Pure.

use ring::digest::{SHA256, digest};

/// The version of the recipe: a change to it must change the tag, so that
/// new ids cannot collide with old ones.
const TAG: &[u8] = b"ktriage cluster id v1\0";

/// How many bytes of the digest the id keeps.
const ID_BYTES: usize = 16;

/// The server URL as the id reads it: `HTTPS://API.Example.com:443/` is
/// `https://api.example.com`.
pub fn normalise_server(server_url: &str) -> String {
    let trimmed = server_url.trim();
    let Ok(uri) = trimmed.parse::<http::Uri>() else {
        return trimmed.trim_end_matches('/').to_ascii_lowercase();
    };
    let Some(host) = uri.host() else {
        return trimmed.trim_end_matches('/').to_ascii_lowercase();
    };
    let scheme = uri.scheme_str().unwrap_or("https").to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => Some(80),
        "https" => Some(443),
        _ => None,
    };
    let port = uri
        .port_u16()
        .filter(|port| Some(*port) != default_port)
        .map(|port| format!(":{port}"))
        .unwrap_or_default();
    let path = uri.path().trim_end_matches('/');
    format!("{scheme}://{host}{port}{path}")
}

/// The CA bytes as the id reads them: without surrounding whitespace, with
/// LF line ends.
fn normalise_ca(ca_data: &[u8]) -> Vec<u8> {
    let start = ca_data
        .iter()
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(ca_data.len());
    let end = ca_data
        .iter()
        .rposition(|byte| !byte.is_ascii_whitespace())
        .map_or(start, |end| end + 1);
    let trimmed = ca_data.get(start..end).unwrap_or_default();
    let mut out = Vec::with_capacity(trimmed.len());
    let mut bytes = trimmed.iter().peekable();
    while let Some(&byte) = bytes.next() {
        if byte == b'\r' && bytes.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(byte);
    }
    out
}

/// The id of the cluster served at `server_url` and trusted through the CA
/// `ca_data` (the PEM or DER bytes, `None` when the kubeconfig gives no
/// CA): 32 lowercase hex digits.
pub fn cluster_id(server_url: &str, ca_data: Option<&[u8]>) -> String {
    let mut input = TAG.to_vec();
    input.extend_from_slice(normalise_server(server_url).as_bytes());
    input.push(0);
    match ca_data {
        Some(ca_data) => {
            input.push(1);
            input.extend_from_slice(&normalise_ca(ca_data));
        }
        None => input.push(0),
    }
    let hash = digest(&SHA256, &input);
    hash.as_ref()
        .iter()
        .take(ID_BYTES)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &[u8] = b"-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mt\n-----END CERTIFICATE-----\n";

    #[test]
    fn servers_that_differ_in_spelling_only_are_one_server() {
        for spelling in [
            "https://api.example.com",
            "https://api.example.com/",
            "HTTPS://API.Example.COM:443",
            "  https://api.example.com.:443/ ",
        ] {
            assert_eq!(
                normalise_server(spelling),
                "https://api.example.com",
                "{spelling:?}"
            );
        }
        assert_eq!(normalise_server("http://10.0.0.1:80"), "http://10.0.0.1");
        assert_eq!(
            normalise_server("https://[::1]:6443/"),
            "https://[::1]:6443"
        );
        assert_eq!(
            normalise_server("https://rancher.example.com/k8s/clusters/c-m-abc/"),
            "https://rancher.example.com/k8s/clusters/c-m-abc"
        );
    }

    #[test]
    fn the_same_cluster_through_two_contexts_shares_an_id() {
        let one = cluster_id("https://api.example.com:443/", Some(CA));
        let crlf: Vec<u8> = String::from_utf8_lossy(CA)
            .replace('\n', "\r\n")
            .into_bytes();
        let other = cluster_id("https://API.example.com", Some(&crlf));
        assert_eq!(one, other);
        assert_eq!(one.len(), 32);
        assert!(
            one.chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
    }

    #[test]
    fn two_clusters_behind_one_address_do_not_share_an_id() {
        let with_ca = cluster_id("https://127.0.0.1:6443", Some(CA));
        let other_ca = cluster_id("https://127.0.0.1:6443", Some(b"another CA"));
        let no_ca = cluster_id("https://127.0.0.1:6443", None);
        let empty_ca = cluster_id("https://127.0.0.1:6443", Some(b""));
        let other_port = cluster_id("https://127.0.0.1:6444", Some(CA));
        let ids = [&with_ca, &other_ca, &no_ca, &empty_ca, &other_port];
        for (index, id) in ids.iter().enumerate() {
            for other in &ids[index + 1..] {
                assert_ne!(id, other);
            }
        }
    }

    #[test]
    fn the_recipe_does_not_change_between_versions() {
        // A store made by an earlier build must still find its clusters.
        assert_eq!(
            cluster_id("https://api.example.com", None),
            cluster_id("https://api.example.com/", None)
        );
        assert_eq!(cluster_id("https://api.example.com", None), FIXED_ID);
    }

    /// The id of `https://api.example.com` without a CA, as the first
    /// version computed it (checked with Python's hashlib).
    const FIXED_ID: &str = "4706165bb115403a7e3f5eb7cff06fe9";
}
