//! Pod Security Admission as it judges a debug container: the namespace's
//! `pod-security.kubernetes.io/enforce` level, the checks of the baseline
//! and restricted standards that a container's securityContext can fail,
//! and advice on which profile passes. Only the new container is judged;
//! the pod's other containers are the API server's business. Pure data.

use serde_json::Value;

use super::debug::Profile;
use super::safe_text::SafeText;

/// The namespace label that sets the enforced level.
pub const ENFORCE_LABEL: &str = "pod-security.kubernetes.io/enforce";

/// A Pod Security Standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub fn from_label(value: &str) -> Option<Level> {
        match value {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }
}

/// What is known of a namespace's enforced level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Enforcement {
    /// Not asked yet.
    Pending,
    /// The namespace has no enforce label: everything is admitted.
    None,
    Enforced(Level),
    /// The namespace could not be read (the reason, for the screen).
    Unknown(SafeText),
}

/// Capabilities the baseline standard lets a container add.
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// The checks a container with this securityContext fails at `level`, each
/// named as the admission message names it.
pub fn violations(level: Level, security_context: Option<&Value>) -> Vec<String> {
    let empty = Value::Null;
    let context = security_context.unwrap_or(&empty);
    let mut failed = Vec::new();
    if level == Level::Privileged {
        return failed;
    }
    if context["privileged"].as_bool() == Some(true) {
        failed.push("privileged (securityContext.privileged=true)".to_string());
    }
    let added = strings(&context["capabilities"]["add"]);
    let extra: Vec<&str> = added
        .iter()
        .copied()
        .filter(|c| !BASELINE_CAPABILITIES.contains(c))
        .collect();
    if !extra.is_empty() {
        failed.push(format!("non-default capabilities ({})", extra.join(", ")));
    }
    if level == Level::Baseline {
        return failed;
    }
    if context["allowPrivilegeEscalation"].as_bool() != Some(false) {
        failed.push("allowPrivilegeEscalation != false".to_string());
    }
    if !strings(&context["capabilities"]["drop"]).contains(&"ALL") {
        failed.push("unrestricted capabilities (must drop ALL)".to_string());
    }
    let restricted_added: Vec<&str> = added
        .iter()
        .copied()
        .filter(|c| *c != "NET_BIND_SERVICE")
        .collect();
    if !restricted_added.is_empty() && extra.is_empty() {
        failed.push(format!(
            "unrestricted capabilities ({})",
            restricted_added.join(", ")
        ));
    }
    if context["runAsNonRoot"].as_bool() != Some(true) {
        failed.push("runAsNonRoot != true".to_string());
    }
    if context["runAsUser"].as_i64() == Some(0) {
        failed.push("runAsUser=0".to_string());
    }
    match context["seccompProfile"]["type"].as_str() {
        Some("RuntimeDefault" | "Localhost") => {}
        _ => failed.push("seccompProfile (must be RuntimeDefault or Localhost)".to_string()),
    }
    failed
}

/// Advice on one profile in one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Advice {
    /// The profile passes (or nothing is enforced).
    Passes,
    /// It will be rejected; `instead` passes, if any profile does.
    Rejected {
        level: Level,
        reasons: Vec<String>,
        instead: Option<Profile>,
    },
    /// The level could not be learned.
    Unknown(SafeText),
    Pending,
}

/// Whether a debug container with this profile and run-as user would be
/// admitted, and what to choose instead if not.
pub fn advise(enforcement: &Enforcement, profile: Profile, run_as_user: Option<i64>) -> Advice {
    let level = match enforcement {
        Enforcement::Pending => return Advice::Pending,
        Enforcement::Unknown(reason) => return Advice::Unknown(reason.clone()),
        Enforcement::None => return Advice::Passes,
        Enforcement::Enforced(level) => *level,
    };
    let judge = |profile: Profile| {
        let mut context = profile.security_context();
        if let Some(user) = run_as_user {
            let map = context.get_or_insert_with(|| serde_json::json!({}));
            map["runAsUser"] = serde_json::json!(user);
        }
        violations(level, context.as_ref())
    };
    let reasons = judge(profile);
    if reasons.is_empty() {
        return Advice::Passes;
    }
    // The closest profile that passes: the least restrictive first.
    let instead = [
        Profile::Baseline,
        Profile::Restricted,
        Profile::General,
        Profile::Netadmin,
    ]
    .into_iter()
    .find(|candidate| judge(*candidate).is_empty());
    Advice::Rejected {
        level,
        reasons,
        instead,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(advice: &Advice) -> Option<Option<Profile>> {
        match advice {
            Advice::Rejected { instead, .. } => Some(*instead),
            _ => None,
        }
    }

    #[test]
    fn privileged_admits_every_profile() {
        let enforcement = Enforcement::Enforced(Level::Privileged);
        for profile in Profile::ALL {
            assert_eq!(advise(&enforcement, profile, None), Advice::Passes);
        }
        assert_eq!(
            advise(&Enforcement::None, Profile::Sysadmin, None),
            Advice::Passes
        );
    }

    #[test]
    fn baseline_rejects_added_capabilities_and_privilege() {
        let enforcement = Enforcement::Enforced(Level::Baseline);
        assert_eq!(
            advise(&enforcement, Profile::Baseline, None),
            Advice::Passes
        );
        assert_eq!(
            advise(&enforcement, Profile::Restricted, None),
            Advice::Passes
        );
        for profile in [Profile::General, Profile::Netadmin, Profile::Sysadmin] {
            assert_eq!(
                rejected(&advise(&enforcement, profile, None)),
                Some(Some(Profile::Baseline)),
                "{profile:?}"
            );
        }
        let Advice::Rejected { reasons, .. } = advise(&enforcement, Profile::General, None) else {
            panic!("general adds SYS_PTRACE");
        };
        assert_eq!(reasons, ["non-default capabilities (SYS_PTRACE)"]);
        let Advice::Rejected { reasons, .. } = advise(&enforcement, Profile::Netadmin, None) else {
            panic!("netadmin adds NET_ADMIN");
        };
        assert_eq!(reasons, ["non-default capabilities (NET_ADMIN, NET_RAW)"]);
        let Advice::Rejected { reasons, .. } = advise(&enforcement, Profile::Sysadmin, None) else {
            panic!("sysadmin is privileged");
        };
        assert_eq!(reasons, ["privileged (securityContext.privileged=true)"]);
    }

    #[test]
    fn restricted_admits_only_the_restricted_profile() {
        let enforcement = Enforcement::Enforced(Level::Restricted);
        assert_eq!(
            advise(&enforcement, Profile::Restricted, None),
            Advice::Passes
        );
        assert_eq!(
            advise(&enforcement, Profile::Restricted, Some(1000)),
            Advice::Passes
        );
        for profile in [
            Profile::General,
            Profile::Baseline,
            Profile::Netadmin,
            Profile::Sysadmin,
        ] {
            assert_eq!(
                rejected(&advise(&enforcement, profile, None)),
                Some(Some(Profile::Restricted)),
                "{profile:?}"
            );
        }
        let Advice::Rejected { reasons, .. } = advise(&enforcement, Profile::Baseline, None) else {
            panic!("baseline sets nothing");
        };
        assert_eq!(reasons.len(), 4, "{reasons:?}");
        // Running as root is never restricted, whatever the profile.
        assert_eq!(
            rejected(&advise(&enforcement, Profile::Restricted, Some(0))),
            Some(None)
        );
    }

    #[test]
    fn unknown_and_pending_levels_are_said() {
        assert_eq!(
            advise(
                &Enforcement::Unknown("forbidden".into()),
                Profile::General,
                None
            ),
            Advice::Unknown("forbidden".into())
        );
        assert_eq!(
            advise(&Enforcement::Pending, Profile::General, None),
            Advice::Pending
        );
        assert_eq!(Level::from_label("baseline"), Some(Level::Baseline));
        assert_eq!(Level::from_label("strict"), None);
    }
}
