//! The binary as a user meets it before any screen: flags, and a missing or
//! broken kubeconfig giving a clear message and a non-zero exit, no panic.

use std::process::Command;

fn ktriage(home: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ktriage"));
    command
        .env("HOME", home)
        .env_remove("KUBECONFIG")
        .env_remove("XDG_CONFIG_HOME")
        .env("XDG_STATE_HOME", home.join("state"));
    command
}

#[test]
fn no_kubeconfig_suggests_the_demo() {
    let home = tempfile::tempdir().expect("a home");
    let output = ktriage(home.path()).output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("--demo"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn broken_kubeconfig_names_the_file() {
    let home = tempfile::tempdir().expect("a home");
    let path = home.path().join("broken.yaml");
    std::fs::write(&path, "apiVersion: v1\nclusters: [\n").expect("written");
    let output = ktriage(home.path())
        .arg("--kubeconfig")
        .arg(&path)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("broken.yaml"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn unknown_context_lists_the_known_ones() {
    let home = tempfile::tempdir().expect("a home");
    let path = home.path().join("config");
    std::fs::write(&path, "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:1\ncontexts:\n- name: one\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  user:\n    token: t\ncurrent-context: one\n").expect("written");
    let output = ktriage(home.path())
        .arg("--kubeconfig")
        .arg(&path)
        .arg("--context")
        .arg("two")
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("two") && stderr.contains("one"), "{stderr}");
}

#[test]
fn broken_config_file_names_the_file() {
    let home = tempfile::tempdir().expect("a home");
    std::fs::create_dir_all(home.path().join(".config/ktriage")).expect("dir");
    std::fs::write(
        home.path().join(".config/ktriage/config.yaml"),
        "keys:\n  x: explode\n",
    )
    .expect("written");
    let output = ktriage(home.path()).arg("--demo").output().expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("config.yaml") && stderr.contains("explode"),
        "{stderr}"
    );
}
