//! Debug containers as `kubectl debug` makes them: the five profiles and the
//! securityContext each one sets on an ephemeral container, the container
//! spec, the strategic-merge patch body for `pods/NAME/ephemeralcontainers`,
//! generated names, and the equivalent `kubectl debug` command line. Pure
//! data: sending the patch is the cluster layer's work.

use serde_json::{Map, Value, json};

use super::safe_text::SafeText;

/// A debugging profile, with the securityContext `kubectl debug --profile`
/// gives an ephemeral container.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Profile {
    /// Process tracing: adds `SYS_PTRACE`.
    General,
    /// No securityContext at all.
    Baseline,
    /// Non-root, every capability dropped, no privilege escalation, the
    /// runtime's default seccomp profile.
    Restricted,
    /// Network tools: adds `NET_ADMIN` and `NET_RAW`.
    Netadmin,
    /// A privileged container: full access to the node.
    Sysadmin,
}

impl Profile {
    pub const ALL: [Profile; 5] = [
        Profile::General,
        Profile::Baseline,
        Profile::Restricted,
        Profile::Netadmin,
        Profile::Sysadmin,
    ];

    /// The name `--profile` takes.
    pub fn name(self) -> &'static str {
        match self {
            Profile::General => "general",
            Profile::Baseline => "baseline",
            Profile::Restricted => "restricted",
            Profile::Netadmin => "netadmin",
            Profile::Sysadmin => "sysadmin",
        }
    }

    pub fn from_name(name: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.name() == name)
    }

    /// What the profile is for, in a few words.
    pub fn summary(self) -> &'static str {
        match self {
            Profile::General => "process tracing (SYS_PTRACE)",
            Profile::Baseline => "no extra privileges",
            Profile::Restricted => "non-root, no capabilities",
            Profile::Netadmin => "network tools (NET_ADMIN, NET_RAW)",
            Profile::Sysadmin => "privileged: full access to the node",
        }
    }

    /// A privileged container: asks for confirmation first.
    pub fn dangerous(self) -> bool {
        self == Profile::Sysadmin
    }

    /// The securityContext the profile sets, before any run-as user;
    /// `None` when it sets none.
    pub fn security_context(self) -> Option<Value> {
        match self {
            Profile::General => Some(json!({"capabilities": {"add": ["SYS_PTRACE"]}})),
            Profile::Baseline => None,
            Profile::Restricted => Some(json!({
                "allowPrivilegeEscalation": false,
                "capabilities": {"drop": ["ALL"]},
                "runAsNonRoot": true,
                "seccompProfile": {"type": "RuntimeDefault"},
            })),
            Profile::Netadmin => Some(json!({"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}})),
            Profile::Sysadmin => Some(json!({"privileged": true})),
        }
    }
}

/// Everything that decides the ephemeral container that is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugSpec {
    pub namespace: String,
    pub pod: String,
    /// The new container's name (`debugger-xxxxx`).
    pub name: String,
    pub image: String,
    /// The container whose process namespace is shared.
    pub target: Option<String>,
    pub profile: Profile,
    /// What runs in the container; empty: the image's entrypoint.
    pub command: Vec<String>,
    pub run_as_user: Option<i64>,
}

impl DebugSpec {
    /// The securityContext sent: the profile's, with the run-as user added.
    pub fn security_context(&self) -> Option<Value> {
        let mut context = self.profile.security_context();
        if let Some(user) = self.run_as_user {
            let map = context.get_or_insert_with(|| json!({}));
            map["runAsUser"] = json!(user);
        }
        context
    }

    /// The ephemeral container, as `kubectl debug -it` builds it.
    pub fn container(&self) -> Value {
        let mut container = Map::new();
        container.insert("name".into(), json!(self.name));
        container.insert("image".into(), json!(self.image));
        if !self.command.is_empty() {
            container.insert("command".into(), json!(self.command));
        }
        container.insert("resources".into(), json!({}));
        if let Some(context) = self.security_context() {
            container.insert("securityContext".into(), context);
        }
        container.insert("stdin".into(), json!(true));
        if let Some(target) = &self.target {
            container.insert("targetContainerName".into(), json!(target));
        }
        container.insert("terminationMessagePolicy".into(), json!("File"));
        container.insert("tty".into(), json!(true));
        Value::Object(container)
    }

    /// The two-way strategic merge patch kubectl sends: the new container,
    /// and the order of the whole list when the pod already has some.
    pub fn patch_body(&self, existing: &[String]) -> Value {
        let mut spec = Map::new();
        if !existing.is_empty() {
            let order: Vec<Value> = existing
                .iter()
                .chain(std::iter::once(&self.name))
                .map(|name| json!({"name": name}))
                .collect();
            spec.insert(
                "$setElementOrder/ephemeralContainers".into(),
                Value::Array(order),
            );
        }
        spec.insert(
            "ephemeralContainers".into(),
            Value::Array(vec![self.container()]),
        );
        json!({"spec": Value::Object(spec)})
    }

    /// The `kubectl debug` command that makes the same container, as the
    /// screen shows it (the image and the command were typed).
    pub fn kubectl_command(&self) -> SafeText {
        let mut words = vec![
            "kubectl".to_string(),
            "debug".to_string(),
            "-it".to_string(),
            format!("-n={}", quote(&self.namespace)),
            quote(&self.pod),
            format!("--image={}", quote(&self.image)),
            format!("--container={}", quote(&self.name)),
        ];
        if let Some(target) = &self.target {
            words.push(format!("--target={}", quote(target)));
        }
        words.push(format!("--profile={}", self.profile.name()));
        if let Some(user) = self.run_as_user {
            // kubectl has no flag for it: a partial container spec does it.
            words.push(format!(
                "--custom=<(echo '{{\"securityContext\":{{\"runAsUser\":{user}}}}}')"
            ));
        }
        if !self.command.is_empty() {
            words.push("--".to_string());
            words.extend(self.command.iter().map(|w| quote(w)));
        }
        SafeText::from_untrusted(&words.join(" "))
    }

    /// The container sent, as JSON on one line, as the screen shows it.
    pub fn shown_container(&self) -> SafeText {
        SafeText::from_untrusted(&self.container().to_string())
    }
}

/// A word as a POSIX shell reads it back.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Characters of generated names: no vowels (no words) and no look-alikes,
/// the alphabet the Kubernetes tools use for random suffixes.
const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `debugger-` and five characters drawn from `seed`.
pub fn generated_name(seed: u64) -> String {
    let mut value = seed;
    let mut name = String::from("debugger-");
    for _ in 0..5 {
        let index = (value % NAME_ALPHABET.len() as u64) as usize;
        name.push(char::from(NAME_ALPHABET[index]));
        value /= NAME_ALPHABET.len() as u64;
    }
    name
}

/// A command line split into words, honouring single and double quotes.
pub fn split_command(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for character in line.chars() {
        match (quote, character) {
            (Some(open), c) if c == open => quote = None,
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(character);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

#[cfg(test)]
#[path = "debug_tests.rs"]
mod tests;
