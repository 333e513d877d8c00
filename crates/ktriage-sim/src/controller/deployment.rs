//! The Deployment controller, after kubernetes `pkg/controller/deployment`
//! (`rolling.go`, `sync.go`, `progress.go`): a changed pod template gets a
//! new ReplicaSet `<deployment>-<pod-template-hash>` at the next revision;
//! each sync scales the new one up within `maxSurge` and the old ones down
//! within `maxUnavailable` (25 % each), counting only available pods, so a
//! revision whose pods never become ready leaves the rollout stuck with the
//! old pods kept. The status (`replicas`, `updatedReplicas`,
//! `readyReplicas`, `availableReplicas`, `unavailableReplicas`,
//! `observedGeneration`) and the `Available` and `Progressing` conditions
//! follow, `ProgressDeadlineExceeded` once no progress was made for
//! `progressDeadlineSeconds`. Each scale writes the `ScalingReplicaSet`
//! event the real controller writes.
//!
//! It scales ReplicaSets and writes the Deployment; the pods are the
//! ReplicaSet controller's.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Context;
use super::replicaset::ReplicaSetState;
use crate::kubelet::events::Involved;
use crate::objects::{self, Owner, ReplicaSetOf};
use crate::resources::{DEPLOYMENTS, REPLICASETS};
use crate::scenario::{PodTemplate, RolloutSpec};
use crate::store::{ObjectKey, now_rfc3339};

pub const COMPONENT: &str = "deployment-controller";

/// `progressDeadlineSeconds` of every simulated Deployment (the default).
pub const PROGRESS_DEADLINE_SECONDS: f64 = 600.0;

const NEW_RS_CREATED: &str = "NewReplicaSetCreated";
const FOUND_NEW_RS: &str = "FoundNewReplicaSet";
const RS_UPDATED: &str = "ReplicaSetUpdated";
const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
const TIMED_OUT: &str = "ProgressDeadlineExceeded";

/// The replicas a new ReplicaSet may have (`NewRSNewReplicas`): up to the
/// desired count, while all ReplicaSets together stay within
/// `desired + maxSurge`.
pub fn new_replicas(desired: u32, surge: u32, all: u32, new: u32) -> u32 {
    let max_total = desired + surge;
    if all >= max_total {
        return new;
    }
    new + (max_total - all).min(desired.saturating_sub(new))
}

/// A declared revision waiting for its time.
#[derive(Debug)]
struct PendingRollout {
    at: Instant,
    template: PodTemplate,
    change_cause: Option<String>,
}

/// The status numbers, as last written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub replicas: u32,
    pub updated: u32,
    pub ready: u32,
    pub available: u32,
    pub unavailable: u32,
}

#[derive(Debug, Clone, PartialEq)]
struct Condition {
    kind: &'static str,
    status: &'static str,
    reason: &'static str,
    message: String,
    last_update: String,
    last_transition: String,
    /// `lastUpdateTime` on the host's clock, for the progress deadline.
    updated_at: Instant,
}

impl Condition {
    fn new(
        kind: &'static str,
        status: bool,
        reason: &'static str,
        message: String,
        now: Instant,
    ) -> Condition {
        let time = now_rfc3339();
        Condition {
            kind,
            status: if status { "True" } else { "False" },
            reason,
            message,
            last_update: time.clone(),
            last_transition: time,
            updated_at: now,
        }
    }

    fn json(&self) -> Value {
        json!({
            "type": self.kind, "status": self.status,
            "lastUpdateTime": self.last_update, "lastTransitionTime": self.last_transition,
            "reason": self.reason, "message": self.message,
        })
    }
}

/// `SetDeploymentCondition`: the same status and reason change nothing; a
/// new reason keeps the transition time while the status holds.
fn set_condition(conditions: &mut Vec<Condition>, mut condition: Condition) {
    if let Some(current) = conditions.iter().find(|c| c.kind == condition.kind) {
        if current.status == condition.status && current.reason == condition.reason {
            return;
        }
        if current.status == condition.status {
            condition.last_transition = current.last_transition.clone();
        }
    }
    conditions.retain(|c| c.kind != condition.kind);
    conditions.push(condition);
}

/// One Deployment under control.
#[derive(Debug)]
pub struct DeploymentState {
    pub namespace: String,
    pub name: String,
    pub uid: String,
    pub replicas: u32,
    /// `spec.selector.matchLabels`, also the template's labels.
    pub selector: BTreeMap<String, String>,
    pub template: PodTemplate,
    /// The `deployment.kubernetes.io/revision` annotation.
    pub revision: u64,
    pub generation: u64,
    rollout: Option<PendingRollout>,
    change_cause: Option<String>,
    conditions: Vec<Condition>,
    status: Counts,
    progress_deadline: Duration,
    written: Option<Value>,
}

impl DeploymentState {
    /// A Deployment at revision 1, with its declared rollout (if any) due
    /// `afterSeconds` of cluster time after `started`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        namespace: &str,
        name: &str,
        uid: &str,
        replicas: u32,
        selector: BTreeMap<String, String>,
        template: PodTemplate,
        rollout: Option<&RolloutSpec>,
        started: Instant,
        speed: f64,
    ) -> DeploymentState {
        let scaled = |seconds: f64| Duration::from_secs_f64((seconds / speed).max(0.0));
        DeploymentState {
            namespace: namespace.to_string(),
            name: name.to_string(),
            uid: uid.to_string(),
            replicas,
            selector,
            rollout: rollout.map(|rollout| PendingRollout {
                at: started + scaled(rollout.after_seconds),
                template: rollout.apply(&template),
                change_cause: rollout.change_cause.clone(),
            }),
            template,
            revision: 1,
            generation: 1,
            change_cause: None,
            conditions: Vec::new(),
            status: Counts::default(),
            progress_deadline: scaled(PROGRESS_DEADLINE_SECONDS),
            written: None,
        }
    }

    pub fn key(&self) -> ObjectKey {
        (self.namespace.clone(), self.name.clone())
    }

    fn involved(&self) -> Involved {
        Involved {
            kind: "Deployment",
            api_version: "apps/v1",
            namespace: self.namespace.clone(),
            name: self.name.clone(),
            uid: self.uid.clone(),
            field_path: None,
        }
    }

    /// When the declared rollout is due, while it has not begun.
    pub fn rollout_at(&self) -> Option<Instant> {
        self.rollout.as_ref().map(|rollout| rollout.at)
    }

    fn progressing(&self) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == "Progressing")
    }

    /// Whether a timer asks for a sync: the rollout's time, or the progress
    /// deadline of a rollout still under way.
    pub fn due(&self, now: Instant) -> bool {
        self.rollout.as_ref().is_some_and(|r| r.at <= now)
            || self.progressing().is_some_and(|c| {
                [NEW_RS_CREATED, FOUND_NEW_RS, RS_UPDATED].contains(&c.reason)
                    && c.updated_at + self.progress_deadline <= now
            })
    }

    /// The first ReplicaSet was made with the Deployment (at build): the
    /// condition, and unless `settled` the event, its creation wrote.
    pub(crate) fn created(
        &mut self,
        context: &mut Context<'_>,
        set: &ReplicaSetState,
        settled: bool,
    ) {
        set_condition(
            &mut self.conditions,
            Condition::new(
                "Progressing",
                true,
                NEW_RS_CREATED,
                format!("Created new replica set \"{}\"", set.name),
                context.now,
            ),
        );
        if !settled && set.replicas > 0 {
            context.event(
                &self.involved(),
                "ScalingReplicaSet",
                &format!(
                    "Scaled up replica set {} from 0 to {}",
                    set.name, set.replicas
                ),
                COMPONENT,
            );
        }
    }

    /// One sync of a RollingUpdate Deployment (`rolloutRolling`).
    pub(crate) fn sync(
        &mut self,
        context: &mut Context<'_>,
        sets: &mut BTreeMap<ObjectKey, ReplicaSetState>,
        dirty_sets: &mut BTreeSet<ObjectKey>,
    ) {
        let key = self.key();
        if let Some(rollout) = self.rollout.take_if(|r| r.at <= context.now) {
            self.begin_rollout(context, rollout);
        }
        let (surge, max_unavailable) = objects::rolling_limits(self.replicas);
        let desired = self.replicas;
        let max_total = desired + surge;
        let new_key = sets
            .iter()
            .find(|(_, set)| set.deployment == key && set.template == self.template)
            .map(|(key, _)| key.clone());
        let Some(new_key) = new_key.or_else(|| self.create_set(context, sets, dirty_sets, surge))
        else {
            return;
        };
        let mut old_keys: Vec<(u64, ObjectKey)> = sets
            .iter()
            .filter(|(set_key, set)| set.deployment == key && **set_key != new_key)
            .map(|(set_key, set)| (set.revision, set_key.clone()))
            .collect();
        old_keys.sort();
        let total_spec = |sets: &BTreeMap<ObjectKey, ReplicaSetState>| -> u32 {
            sets.values()
                .filter(|set| set.deployment == key)
                .map(|set| set.replicas)
                .sum()
        };
        // reconcileNewReplicaSet
        let all = total_spec(sets);
        let mut scaled = false;
        if let Some(new) = sets.get_mut(&new_key) {
            let target = if new.replicas > desired {
                desired
            } else {
                new_replicas(desired, surge, all, new.replicas)
            };
            scaled = self.scale(context, new, target, max_total, dirty_sets);
        }
        // reconcileOldReplicaSets
        let old_spec: u32 = old_keys
            .iter()
            .filter_map(|(_, k)| sets.get(k))
            .map(|set| set.replicas)
            .sum();
        if !scaled && old_spec > 0 {
            let all = i64::from(total_spec(sets));
            let min_available = i64::from(desired.saturating_sub(max_unavailable.min(desired)));
            let new_unavailable = sets.get(&new_key).map_or(0, |new| {
                i64::from(new.replicas) - i64::from(new.status.available)
            });
            let max_scaled_down = all - min_available - new_unavailable;
            if max_scaled_down > 0 {
                // cleanupUnhealthyReplicas: old pods that are not available go first.
                let mut cleaned = 0i64;
                for (_, old_key) in &old_keys {
                    if cleaned >= max_scaled_down {
                        break;
                    }
                    let Some(old) = sets.get_mut(old_key) else {
                        continue;
                    };
                    let unhealthy = i64::from(old.replicas) - i64::from(old.status.available);
                    if old.replicas == 0 || unhealthy <= 0 {
                        continue;
                    }
                    let count = (max_scaled_down - cleaned).min(unhealthy);
                    let target = old.replicas - count as u32;
                    self.scale(context, old, target, max_total, dirty_sets);
                    cleaned += count;
                }
                // scaleDownOldReplicaSetsForRollingUpdate
                let available: i64 = sets
                    .values()
                    .filter(|set| set.deployment == key)
                    .map(|set| i64::from(set.status.available))
                    .sum();
                if available > min_available {
                    let total = available - min_available;
                    let mut done = 0i64;
                    for (_, old_key) in &old_keys {
                        if done >= total {
                            break;
                        }
                        let Some(old) = sets.get_mut(old_key) else {
                            continue;
                        };
                        if old.replicas == 0 {
                            continue;
                        }
                        let count = i64::from(old.replicas).min(total - done);
                        let target = old.replicas - count as u32;
                        self.scale(context, old, target, max_total, dirty_sets);
                        done += count;
                    }
                }
            }
        }
        self.sync_status(context, sets, &new_key, max_unavailable);
    }

    /// The template changed, as `kubectl set image` changes it: a new
    /// generation (the apiserver bumps it on a spec change).
    fn begin_rollout(&mut self, context: &mut Context<'_>, rollout: PendingRollout) {
        self.template = rollout.template;
        self.generation += 1;
        self.change_cause = rollout.change_cause;
        let template = objects::pod_template(&self.template, &self.selector);
        let generation = self.generation;
        let change_cause = self.change_cause.clone();
        let _ = context
            .store
            .modify(&DEPLOYMENTS, &self.namespace, &self.name, |deployment| {
                deployment["metadata"]["generation"] = json!(generation);
                deployment["spec"]["template"] = template;
                if let Some(cause) = change_cause {
                    deployment["metadata"]["annotations"]["kubernetes.io/change-cause"] =
                        json!(cause);
                }
                Ok(())
            });
    }

    /// `getNewReplicaSet` when none matches the template: the next revision.
    fn create_set(
        &mut self,
        context: &mut Context<'_>,
        sets: &mut BTreeMap<ObjectKey, ReplicaSetState>,
        dirty_sets: &mut BTreeSet<ObjectKey>,
        surge: u32,
    ) -> Option<ObjectKey> {
        let key = self.key();
        let mine = || sets.values().filter(|set| set.deployment == key);
        let revision = mine().map(|set| set.revision).max().unwrap_or(0) + 1;
        let all: u32 = mine().map(|set| set.replicas).sum();
        let count = new_replicas(self.replicas, surge, all, 0);
        let hash = objects::template_hash(&self.namespace, &self.name, revision, &self.template);
        let name = format!("{}-{hash}", self.name);
        let mut labels = self.selector.clone();
        labels.insert("pod-template-hash".to_string(), hash);
        let owner = Owner {
            api_version: "apps/v1",
            kind: "Deployment",
            name: self.name.clone(),
            uid: self.uid.clone(),
        };
        let value = objects::replica_set(&ReplicaSetOf {
            namespace: &self.namespace,
            name: &name,
            labels: &labels,
            template: &self.template,
            revision,
            replicas: count,
            desired: self.replicas,
            max: self.replicas + surge,
            current: 0,
            change_cause: self.change_cause.as_deref(),
            owner: &owner,
        });
        let stored = context.store.create(&REPLICASETS, value).ok()?;
        let uid = stored
            .value()
            .ok()?
            .pointer("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let set = ReplicaSetState::new(
            &self.namespace,
            &name,
            &uid,
            key,
            labels,
            self.template.clone(),
            revision,
            count,
            Vec::new(),
        );
        let set_key = set.key();
        sets.insert(set_key.clone(), set);
        dirty_sets.insert(set_key.clone());
        if count > 0 {
            context.event(
                &self.involved(),
                "ScalingReplicaSet",
                &format!("Scaled up replica set {name} from 0 to {count}"),
                COMPONENT,
            );
        }
        self.revision = revision;
        let _ = context
            .store
            .modify(&DEPLOYMENTS, &self.namespace, &self.name, |deployment| {
                deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] =
                    json!(revision.to_string());
                Ok(())
            });
        set_condition(
            &mut self.conditions,
            Condition::new(
                "Progressing",
                true,
                NEW_RS_CREATED,
                format!("Created new replica set \"{name}\""),
                context.now,
            ),
        );
        Some(set_key)
    }

    /// `scaleReplicaSetAndRecordEvent`.
    fn scale(
        &self,
        context: &mut Context<'_>,
        set: &mut ReplicaSetState,
        replicas: u32,
        max_total: u32,
        dirty_sets: &mut BTreeSet<ObjectKey>,
    ) -> bool {
        if set.replicas == replicas {
            return false;
        }
        let from = set.replicas;
        set.scale(context, replicas, self.replicas, max_total);
        dirty_sets.insert(set.key());
        let direction = if replicas > from { "up" } else { "down" };
        context.event(
            &self.involved(),
            "ScalingReplicaSet",
            &format!(
                "Scaled {direction} replica set {} from {from} to {replicas}",
                set.name
            ),
            COMPONENT,
        );
        true
    }

    /// `syncRolloutStatus`: the numbers from the ReplicaSets, the
    /// conditions, and a write only when something changed.
    fn sync_status(
        &mut self,
        context: &mut Context<'_>,
        sets: &BTreeMap<ObjectKey, ReplicaSetState>,
        new_key: &ObjectKey,
        max_unavailable: u32,
    ) {
        let key = self.key();
        let mine: Vec<&ReplicaSetState> =
            sets.values().filter(|set| set.deployment == key).collect();
        let new = sets.get(new_key);
        let new_name = new.map(|set| set.name.clone()).unwrap_or_default();
        let available: u32 = mine.iter().map(|set| set.status.available).sum();
        let spec: u32 = mine.iter().map(|set| set.replicas).sum();
        let counts = Counts {
            replicas: mine.iter().map(|set| set.status.replicas).sum(),
            updated: new.map_or(0, |set| set.status.replicas),
            ready: mine.iter().map(|set| set.status.ready).sum(),
            available,
            unavailable: spec.saturating_sub(available),
        };
        let now = context.now;
        let desired = self.replicas;
        let minimum = desired.saturating_sub(max_unavailable.min(desired));
        set_condition(
            &mut self.conditions,
            if available >= minimum {
                Condition::new(
                    "Available",
                    true,
                    "MinimumReplicasAvailable",
                    "Deployment has minimum availability.".to_string(),
                    now,
                )
            } else {
                Condition::new(
                    "Available",
                    false,
                    "MinimumReplicasUnavailable",
                    "Deployment does not have minimum availability.".to_string(),
                    now,
                )
            },
        );
        let current = self.progressing().cloned();
        let complete_before = counts.replicas == counts.updated
            && current
                .as_ref()
                .is_some_and(|c| c.reason == NEW_RS_AVAILABLE);
        if !complete_before {
            let old = self.status;
            let complete = counts.updated == desired
                && counts.replicas == desired
                && counts.available == desired;
            let progressed = counts.updated > old.updated
                || counts.replicas.saturating_sub(counts.updated)
                    < old.replicas.saturating_sub(old.updated)
                || counts.ready > old.ready
                || counts.available > old.available;
            if complete {
                set_condition(
                    &mut self.conditions,
                    Condition::new(
                        "Progressing",
                        true,
                        NEW_RS_AVAILABLE,
                        format!("ReplicaSet \"{new_name}\" has successfully progressed."),
                        now,
                    ),
                );
            } else if progressed {
                // Progress moves lastUpdateTime even when the reason stays.
                let mut condition = Condition::new(
                    "Progressing",
                    true,
                    RS_UPDATED,
                    format!("ReplicaSet \"{new_name}\" is progressing."),
                    now,
                );
                if let Some(current) = &current
                    && current.status == "True"
                {
                    condition.last_transition = current.last_transition.clone();
                }
                self.conditions.retain(|c| c.kind != "Progressing");
                self.conditions.push(condition);
            } else if current.as_ref().is_some_and(|c| {
                c.reason == TIMED_OUT
                    || (c.reason != NEW_RS_AVAILABLE && c.updated_at + self.progress_deadline < now)
            }) {
                set_condition(
                    &mut self.conditions,
                    Condition::new(
                        "Progressing",
                        false,
                        TIMED_OUT,
                        format!("ReplicaSet \"{new_name}\" has timed out progressing."),
                        now,
                    ),
                );
            }
        }
        self.status = counts;
        let mut status = json!({"observedGeneration": self.generation});
        for (field, value) in [
            ("replicas", counts.replicas),
            ("updatedReplicas", counts.updated),
            ("readyReplicas", counts.ready),
            ("availableReplicas", counts.available),
            ("unavailableReplicas", counts.unavailable),
        ] {
            if value > 0 {
                status[field] = json!(value);
            }
        }
        status["conditions"] = self.conditions.iter().map(Condition::json).collect();
        if self.written.as_ref() == Some(&status) {
            return;
        }
        let written =
            context
                .store
                .modify(&DEPLOYMENTS, &self.namespace, &self.name, |deployment| {
                    deployment["status"] = status.clone();
                    Ok(())
                });
        if written.is_ok() {
            self.written = Some(status);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_new_set_grows_within_max_surge() {
        // 4 replicas: surge 1. A fresh new set may take one pod.
        assert_eq!(new_replicas(4, 1, 4, 0), 1);
        // All five slots are taken: no growth until an old pod goes.
        assert_eq!(new_replicas(4, 1, 5, 1), 1);
        assert_eq!(new_replicas(4, 1, 4, 1), 2);
        // Never beyond the desired count.
        assert_eq!(new_replicas(4, 1, 0, 0), 4);
        assert_eq!(objects::rolling_limits(4), (1, 1));
        assert_eq!(objects::rolling_limits(2), (1, 0));
        assert_eq!(objects::rolling_limits(0), (0, 1));
    }

    #[test]
    fn a_condition_keeps_its_transition_time_while_its_status_holds() {
        let now = Instant::now();
        let mut conditions = Vec::new();
        let mut first = Condition::new("Progressing", true, NEW_RS_CREATED, "a".into(), now);
        first.last_transition = "2020-01-01T00:00:00Z".into();
        set_condition(&mut conditions, first);
        set_condition(
            &mut conditions,
            Condition::new(
                "Available",
                true,
                "MinimumReplicasAvailable",
                "b".into(),
                now,
            ),
        );
        set_condition(
            &mut conditions,
            Condition::new("Progressing", true, RS_UPDATED, "c".into(), now),
        );
        assert_eq!(conditions[1].reason, RS_UPDATED);
        assert_eq!(conditions[1].last_transition, "2020-01-01T00:00:00Z");
        set_condition(
            &mut conditions,
            Condition::new("Progressing", false, TIMED_OUT, "d".into(), now),
        );
        assert_ne!(conditions[1].last_transition, "2020-01-01T00:00:00Z");
    }
}
