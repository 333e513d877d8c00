use super::*;

fn spec(profile: Profile) -> DebugSpec {
    DebugSpec {
        namespace: "shop".into(),
        pod: "web-1".into(),
        name: "debugger-x7k2p".into(),
        image: "busybox".into(),
        target: Some("app".into()),
        profile,
        command: vec!["sh".into()],
        run_as_user: None,
    }
}

/// The securityContext of each profile, as `kubectl debug --profile=NAME`
/// sends it for an ephemeral container.
#[test]
fn each_profile_sets_kubectls_security_context() {
    let expected = [
        (
            Profile::General,
            r#"{"capabilities":{"add":["SYS_PTRACE"]}}"#,
        ),
        (Profile::Baseline, "null"),
        (
            Profile::Restricted,
            r#"{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}"#,
        ),
        (
            Profile::Netadmin,
            r#"{"capabilities":{"add":["NET_ADMIN","NET_RAW"]}}"#,
        ),
        (Profile::Sysadmin, r#"{"privileged":true}"#),
    ];
    for (profile, json) in expected {
        let container = spec(profile).container();
        assert_eq!(
            container["securityContext"].to_string(),
            json,
            "{}",
            profile.name()
        );
        assert_eq!(
            container.get("securityContext").is_some(),
            profile != Profile::Baseline
        );
    }
}

#[test]
fn run_as_user_joins_the_profile() {
    let mut restricted = spec(Profile::Restricted);
    restricted.run_as_user = Some(1000);
    assert_eq!(
        restricted.container()["securityContext"].to_string(),
        r#"{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]},"runAsNonRoot":true,"runAsUser":1000,"seccompProfile":{"type":"RuntimeDefault"}}"#
    );
    let mut baseline = spec(Profile::Baseline);
    baseline.run_as_user = Some(65534);
    assert_eq!(
        baseline.container()["securityContext"].to_string(),
        r#"{"runAsUser":65534}"#
    );
}

/// `kubectl debug -it web-1 --image=busybox --target=app --profile=general -- sh`
#[test]
fn the_first_debug_container_patch_is_kubectls() {
    let body = spec(Profile::General).patch_body(&[]);
    assert_eq!(
        body.to_string(),
        r#"{"spec":{"ephemeralContainers":[{"command":["sh"],"image":"busybox","name":"debugger-x7k2p","resources":{},"securityContext":{"capabilities":{"add":["SYS_PTRACE"]}},"stdin":true,"targetContainerName":"app","terminationMessagePolicy":"File","tty":true}]}}"#
    );
}

#[test]
fn later_patches_carry_the_element_order() {
    let body = spec(Profile::Baseline).patch_body(&["debugger-aaaaa".into(), "dbg".into()]);
    assert_eq!(
        body.to_string(),
        r#"{"spec":{"$setElementOrder/ephemeralContainers":[{"name":"debugger-aaaaa"},{"name":"dbg"},{"name":"debugger-x7k2p"}],"ephemeralContainers":[{"command":["sh"],"image":"busybox","name":"debugger-x7k2p","resources":{},"stdin":true,"targetContainerName":"app","terminationMessagePolicy":"File","tty":true}]}}"#
    );
}

#[test]
fn no_target_and_no_command_are_left_out() {
    let mut bare = spec(Profile::Baseline);
    bare.target = None;
    bare.command.clear();
    let container = bare.container();
    assert!(container.get("targetContainerName").is_none());
    assert!(container.get("command").is_none());
}

#[test]
fn the_equivalent_kubectl_command() {
    assert_eq!(
        spec(Profile::Netadmin).kubectl_command(),
        "kubectl debug -it -n=shop web-1 --image=busybox --container=debugger-x7k2p --target=app --profile=netadmin -- sh"
    );
    let mut odd = spec(Profile::Restricted);
    odd.command = vec!["sh".into(), "-c".into(), "echo it's here".into()];
    odd.run_as_user = Some(1000);
    assert_eq!(
        odd.kubectl_command(),
        r#"kubectl debug -it -n=shop web-1 --image=busybox --container=debugger-x7k2p --target=app --profile=restricted --custom=<(echo '{"securityContext":{"runAsUser":1000}}') -- sh -c 'echo it'\''s here'"#
    );
}

#[test]
fn generated_names_look_like_kubectls() {
    let name = generated_name(123_456_789);
    assert!(name.starts_with("debugger-"));
    assert_eq!(name.len(), "debugger-".len() + 5);
    assert!(
        name["debugger-".len()..]
            .bytes()
            .all(|b| NAME_ALPHABET.contains(&b))
    );
    assert_ne!(generated_name(1), generated_name(2));
}

#[test]
fn commands_split_like_a_shell() {
    assert_eq!(split_command("sh"), ["sh"]);
    assert_eq!(
        split_command(r#"sh -c 'echo "a b"'  x"#),
        ["sh", "-c", r#"echo "a b""#, "x"]
    );
    assert!(split_command("   ").is_empty());
    assert_eq!(split_command("a ''"), ["a", ""]);
}

#[test]
fn profiles_have_names_and_only_sysadmin_is_dangerous() {
    for profile in Profile::ALL {
        assert_eq!(Profile::from_name(profile.name()), Some(profile));
        assert_eq!(profile.dangerous(), profile == Profile::Sysadmin);
    }
}
