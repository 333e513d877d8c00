//! Unit tests of the kubeconfig rules that need no files: which paths are
//! read, how server URLs compare, the proxy rule for loopback, the
//! overrides, and the wording of the errors.

use super::*;

fn config(url: &str) -> kube::Config {
    kube::Config::new(url.parse().expect("a valid URL"))
}

#[test]
fn kubeconfig_variable_lists_files_in_order_without_empty_entries_or_repeats() {
    let joined = std::env::join_paths(["/a/one", "", "/b/two", "/a/one"]).expect("joinable");
    let paths = candidate_paths(Some(&joined), Some(PathBuf::from("/home/someone")));
    assert_eq!(
        paths,
        vec![PathBuf::from("/a/one"), PathBuf::from("/b/two")]
    );
}

#[test]
fn without_kubeconfig_variable_the_home_file_is_read() {
    let paths = candidate_paths(None, Some(PathBuf::from("/home/someone")));
    assert_eq!(paths, vec![PathBuf::from("/home/someone/.kube/config")]);
    let empty = candidate_paths(Some(OsStr::new("")), Some(PathBuf::from("/home/someone")));
    assert_eq!(empty, vec![PathBuf::from("/home/someone/.kube/config")]);
    assert!(candidate_paths(None, None).is_empty());
}

#[test]
fn not_found_suggests_the_demo_and_names_the_files() {
    let error = KubeconfigError::NotFound {
        looked_at: vec![PathBuf::from("/x/config"), PathBuf::from("/y/config")],
    };
    let text = error.to_string();
    assert!(text.contains("/x/config, /y/config"), "{text}");
    assert!(text.contains("ktriage --demo"), "{text}");
    let nowhere = KubeconfigError::NotFound { looked_at: vec![] }.to_string();
    assert!(nowhere.contains("no home directory"), "{nowhere}");
    assert!(nowhere.contains("ktriage --demo"), "{nowhere}");
}

#[test]
fn invalid_names_the_file_and_the_line() {
    let error = KubeconfigError::Invalid {
        path: PathBuf::from("/x/config"),
        line: Some(7),
        message: "did not find expected key".to_string(),
    };
    assert_eq!(
        error.to_string(),
        "the kubeconfig /x/config is not valid at line 7: did not find expected key"
    );
}

#[test]
fn servers_compare_without_trailing_slash_or_case() {
    assert_eq!(
        normalized_server("https://API.example.com:6443/"),
        normalized_server("https://api.example.com:6443")
    );
}

#[test]
fn loopback_servers_bypass_an_environment_proxy() {
    for url in [
        "https://127.0.0.1:6443",
        "https://localhost:6443",
        "https://[::1]:6443",
    ] {
        let mut loopback = config(url);
        loopback.proxy_url = Some("http://proxy:3128".parse().expect("a proxy URL"));
        skip_environment_proxy_for_loopback(&mut loopback);
        assert_eq!(loopback.proxy_url, None, "{url}");
    }
    let mut remote = config("https://api.example.com:6443");
    remote.proxy_url = Some("http://proxy:3128".parse().expect("a proxy URL"));
    skip_environment_proxy_for_loopback(&mut remote);
    assert!(remote.proxy_url.is_some());
}

#[test]
fn overrides_replace_namespace_and_impersonation() {
    let mut target = config("https://127.0.0.1:6443");
    target.default_namespace = "team-a".to_string();
    target.auth_info.impersonate_groups = Some(vec!["from-file".to_string()]);
    let overrides = Overrides {
        namespace: Some("shop".to_string()),
        impersonate_user: Some("jane".to_string()),
        impersonate_groups: vec!["developers".to_string(), "oncall".to_string()],
    };
    apply_overrides(&mut target, &overrides).expect("the overrides apply");
    assert_eq!(target.default_namespace, "shop");
    assert_eq!(target.auth_info.impersonate.as_deref(), Some("jane"));
    assert_eq!(
        target.auth_info.impersonate_groups,
        Some(vec!["developers".to_string(), "oncall".to_string()])
    );
}

#[test]
fn empty_overrides_keep_the_kubeconfig_values() {
    let mut target = config("https://127.0.0.1:6443");
    target.default_namespace = "team-a".to_string();
    target.auth_info.impersonate = Some("from-file".to_string());
    let overrides = Overrides {
        namespace: Some(String::new()),
        ..Overrides::default()
    };
    apply_overrides(&mut target, &overrides).expect("the overrides apply");
    assert_eq!(target.default_namespace, "team-a");
    assert_eq!(target.auth_info.impersonate.as_deref(), Some("from-file"));
}

#[test]
fn an_empty_namespace_falls_back_to_default() {
    let mut target = config("https://127.0.0.1:6443");
    target.default_namespace = String::new();
    apply_overrides(&mut target, &Overrides::default()).expect("the overrides apply");
    assert_eq!(target.default_namespace, DEFAULT_NAMESPACE);
}

#[test]
fn groups_need_a_user() {
    let mut target = config("https://127.0.0.1:6443");
    let overrides = Overrides {
        impersonate_groups: vec!["developers".to_string()],
        ..Overrides::default()
    };
    let error = apply_overrides(&mut target, &overrides).expect_err("groups alone are refused");
    assert!(matches!(error, KubeconfigError::GroupsWithoutUser));
}

#[test]
fn control_characters_in_impersonation_are_refused() {
    let mut target = config("https://127.0.0.1:6443");
    let overrides = Overrides {
        impersonate_user: Some("jane\r\nX-Evil: 1".to_string()),
        ..Overrides::default()
    };
    let error = apply_overrides(&mut target, &overrides).expect_err("a header break is refused");
    assert!(matches!(
        error,
        KubeconfigError::InvalidImpersonation { .. }
    ));
}

#[test]
fn parse_failures_keep_the_line_apart_from_the_message() {
    let error = serde_saphyr::from_str::<Kubeconfig>("apiVersion: v1\ncontexts:\n  name: x\n")
        .expect_err("contexts must be a list");
    let KubeconfigError::Invalid { line, message, .. } =
        parse_failure(Path::new("/x/config"), &error)
    else {
        panic!("a parse failure is Invalid");
    };
    assert_eq!(line, Some(3));
    assert!(!message.contains("line"), "{message}");
    assert!(message.contains("(column 3)"), "{message}");
}
