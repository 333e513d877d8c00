//! What the user may do in a namespace, from a SelfSubjectRulesReview: the
//! rules as the API returned them and the question "may I VERB RESOURCE".
//! Pure data; asking the API is the cluster layer's work.

/// One resource rule of a rules review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRule {
    pub verbs: Vec<String>,
    pub api_groups: Vec<String>,
    pub resources: Vec<String>,
    pub resource_names: Vec<String>,
}

/// The rules that apply in one namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub namespace: String,
    pub rules: Vec<ResourceRule>,
    /// The authorizer could not list every rule: a "no" may be wrong.
    pub incomplete: bool,
}

fn matches(list: &[String], value: &str) -> bool {
    list.iter().any(|item| item == "*" || item == value)
}

fn resource_matches(list: &[String], resource: &str) -> bool {
    let (base, sub) = resource.split_once('/').unwrap_or((resource, ""));
    list.iter().any(|item| {
        if item == "*" || item == resource {
            return true;
        }
        match item.split_once('/') {
            Some((item_base, item_sub)) => {
                !sub.is_empty()
                    && (item_base == base || item_base == "*")
                    && (item_sub == sub || item_sub == "*")
            }
            None => false,
        }
    })
}

impl Access {
    /// Whether `verb` on `resource` (`pods`, `pods/log`) in `group` is allowed
    /// for any object. `None` when the answer is not known for sure.
    pub fn allows(&self, verb: &str, group: &str, resource: &str) -> Option<bool> {
        let allowed = self.rules.iter().any(|rule| {
            rule.resource_names.is_empty()
                && matches(&rule.verbs, verb)
                && matches(&rule.api_groups, group)
                && resource_matches(&rule.resources, resource)
        });
        match (allowed, self.incomplete) {
            (true, _) => Some(true),
            (false, true) => None,
            (false, false) => Some(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(verbs: &[&str], groups: &[&str], resources: &[&str]) -> ResourceRule {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect();
        ResourceRule {
            verbs: strings(verbs),
            api_groups: strings(groups),
            resources: strings(resources),
            resource_names: Vec::new(),
        }
    }

    #[test]
    fn subresources_need_their_own_rule() {
        let access = Access {
            namespace: "team-a".into(),
            rules: vec![rule(&["get", "list"], &[""], &["pods"])],
            incomplete: false,
        };
        assert_eq!(access.allows("list", "", "pods"), Some(true));
        assert_eq!(access.allows("get", "", "pods/log"), Some(false));
        let logs = Access {
            namespace: "team-a".into(),
            rules: vec![rule(&["get"], &[""], &["pods/*"])],
            incomplete: false,
        };
        assert_eq!(logs.allows("get", "", "pods/log"), Some(true));
        assert_eq!(logs.allows("get", "", "pods"), Some(false));
    }

    #[test]
    fn wildcards_and_incomplete_answers() {
        let admin = Access {
            namespace: "x".into(),
            rules: vec![rule(&["*"], &["*"], &["*"])],
            incomplete: false,
        };
        assert_eq!(
            admin.allows("patch", "", "pods/ephemeralcontainers"),
            Some(true)
        );
        let unsure = Access {
            namespace: "x".into(),
            rules: Vec::new(),
            incomplete: true,
        };
        assert_eq!(unsure.allows("get", "", "pods"), None);
    }
}
