//! Reading the history: the timeline of a pod (by name or uid, so a
//! StatefulSet's pod recreated under its name keeps one history) or of a
//! workload (every pod whose owner names it), its summary, and what the
//! detector needs to be seeded. Owned values
//! out; no writes.

use jiff::Timestamp;
use rusqlite::{Connection, Row, params};

use super::columns::{container_kind, count, micros, optional_time, owner, source, time};
use super::error::{HistoryError, from_sqlite};
use super::store::Store;
use crate::model::restart::summary::{LoopRule, RestartSummary};
use crate::model::restart::timeline::{
    LastLinesState, StoredTermination, Subject, Timeline, TimelineEntry, TimelineItem,
    TimelineQuery,
};
use crate::model::restart::{Gap, Known, PodEventRecord, Termination};

/// How many of a container's latest terminations seed the detector.
const SEED_KEYS: i64 = 16;

/// The pods a query reads, as a condition on `pods` with parameters ?1
/// (cluster), ?2 (namespace) and ?3 (name, uid or workload).
fn pods_condition(subject: &Subject) -> (&'static str, &str) {
    match subject {
        Subject::Pod(name_or_uid) => (
            "pods.cluster = ?1 AND pods.namespace = ?2 AND (pods.name = ?3 OR pods.uid = ?3)",
            name_or_uid,
        ),
        Subject::Workload(workload) => (
            "pods.cluster = ?1 AND pods.namespace = ?2 AND pods.workload = ?3",
            workload,
        ),
    }
}

/// The pod columns every timeline query selects first, in this order.
const POD_COLUMNS: &str = "pods.cluster, pods.namespace, pods.name, pods.uid, \
     pods.owner_kind, pods.owner_name, pods.workload, pods.revision";

/// The pod columns of a row: cluster, namespace, name, uid, owner.
type PodColumns = (
    String,
    String,
    String,
    String,
    Option<crate::model::restart::Owner>,
);

fn pod_columns(row: &Row<'_>) -> rusqlite::Result<PodColumns> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        owner((row.get(4)?, row.get(5)?, row.get(6)?, row.get(7)?)),
    ))
}

fn termination_entry(row: &Row<'_>) -> rusqlite::Result<TimelineEntry> {
    let (cluster, namespace, pod, pod_uid, owner) = pod_columns(row)?;
    let missing: Option<String> = row.get(22)?;
    let last_lines = match (row.get::<_, Option<i64>>(20)?, missing) {
        (_, Some(reason)) => LastLinesState::Missing { reason },
        (Some(lines), None) => LastLinesState::Captured {
            lines: count(20, lines)?,
            cut: row.get(21)?,
        },
        (None, None) => LastLinesState::Absent,
    };
    let revision = owner.as_ref().and_then(|owner| owner.revision.clone());
    let termination = Termination {
        cluster,
        namespace,
        pod,
        pod_uid,
        owner,
        container: row.get(8)?,
        container_kind: container_kind(9, &row.get::<_, String>(9)?)?,
        container_id: row.get(10)?,
        started: optional_time(11, row.get(11)?)?,
        finished: optional_time(12, row.get(12)?)?,
        exit_code: row.get(14)?,
        signal: row.get(15)?,
        reason: row.get(16)?,
        message: row.get(17)?,
        restart_count: count(18, row.get(18)?)?,
        source: source(19, &row.get::<_, String>(19)?)?,
    };
    Ok(TimelineEntry {
        at: time(13, row.get(13)?)?,
        revision,
        item: TimelineItem::Termination(Box::new(StoredTermination {
            termination,
            last_lines,
        })),
    })
}

fn gap_entry(row: &Row<'_>) -> rusqlite::Result<TimelineEntry> {
    let (cluster, namespace, pod, pod_uid, owner) = pod_columns(row)?;
    let before = time(11, row.get(11)?)?;
    Ok(TimelineEntry {
        at: before,
        revision: owner.as_ref().and_then(|owner| owner.revision.clone()),
        item: TimelineItem::Gap(Gap {
            cluster,
            namespace,
            pod,
            pod_uid,
            owner,
            container: row.get(8)?,
            missed: count(9, row.get(9)?)?,
            after: optional_time(10, row.get(10)?)?,
            before,
            ended: count(12, row.get(12)?)?,
        }),
    })
}

fn event_entry(row: &Row<'_>) -> rusqlite::Result<TimelineEntry> {
    let (cluster, namespace, pod, pod_uid, owner) = pod_columns(row)?;
    let container: String = row.get(8)?;
    let last = time(13, row.get(13)?)?;
    Ok(TimelineEntry {
        at: last,
        revision: owner.and_then(|owner| owner.revision),
        item: TimelineItem::Event(PodEventRecord {
            cluster,
            namespace,
            pod,
            pod_uid,
            container: (!container.is_empty()).then_some(container),
            reason: row.get(9)?,
            message: row.get(10)?,
            type_: row.get(11)?,
            first: time(12, row.get(12)?)?,
            last,
            count: count(14, row.get(14)?)?,
        }),
    })
}

fn timeline(connection: &Connection, query: &TimelineQuery) -> rusqlite::Result<Timeline> {
    let (condition, subject) = pods_condition(&query.subject);
    let since = micros(query.since);
    let arguments = params![query.cluster, query.namespace, subject, since];
    let mut entries = Vec::new();
    let terminations = format!(
        "SELECT {POD_COLUMNS}, t.container, t.container_kind, t.container_id, t.started,
             t.finished, t.at, t.exit_code, t.signal, t.reason, t.message, t.restart_count,
             t.source, l.lines, l.cut, l.missing
         FROM terminations t JOIN pods ON pods.id = t.pod
         LEFT JOIN last_lines l ON l.termination = t.id
         WHERE {condition} AND t.at >= ?4"
    );
    let mut statement = connection.prepare_cached(&terminations)?;
    for entry in statement.query_map(arguments, termination_entry)? {
        entries.push(entry?);
    }
    let gaps = format!(
        "SELECT {POD_COLUMNS}, g.container, g.missed, g.after, g.before, g.ended
         FROM gaps g JOIN pods ON pods.id = g.pod
         WHERE {condition} AND g.before >= ?4"
    );
    let mut statement = connection.prepare_cached(&gaps)?;
    for entry in statement.query_map(arguments, gap_entry)? {
        entries.push(entry?);
    }
    let events = format!(
        "SELECT {POD_COLUMNS}, e.container, e.reason, e.message, e.type, e.first, e.last,
             e.count
         FROM events e JOIN pods ON pods.id = e.pod
         WHERE {condition} AND e.last >= ?4"
    );
    let mut statement = connection.prepare_cached(&events)?;
    for entry in statement.query_map(arguments, event_entry)? {
        entries.push(entry?);
    }
    Ok(Timeline::new(entries))
}

impl Store {
    /// Terminations, gaps and events of the pods `query` names, newest
    /// first, since `query.since`.
    pub fn timeline(&self, query: &TimelineQuery) -> Result<Timeline, HistoryError> {
        timeline(&self.connection, query).map_err(|error| from_sqlite(&self.path, error))
    }

    /// The timeline of the pod named `pod_or_uid` (every pod of that name,
    /// or the one with that uid) in `namespace`.
    pub fn pod_timeline(
        &self,
        cluster: &str,
        namespace: &str,
        pod_or_uid: &str,
        since: Timestamp,
    ) -> Result<Timeline, HistoryError> {
        self.timeline(&TimelineQuery {
            cluster: cluster.into(),
            namespace: namespace.into(),
            subject: Subject::Pod(pod_or_uid.into()),
            since,
        })
    }

    /// The timeline of every pod of the workload `workload` (a Deployment,
    /// StatefulSet, DaemonSet or Job name) in `namespace`; its entries carry
    /// the revision each pod ran.
    pub fn workload_timeline(
        &self,
        cluster: &str,
        namespace: &str,
        workload: &str,
        since: Timestamp,
    ) -> Result<Timeline, HistoryError> {
        self.timeline(&TimelineQuery {
            cluster: cluster.into(),
            namespace: namespace.into(),
            subject: Subject::Workload(workload.into()),
            since,
        })
    }

    /// The summary of `query`'s timeline at `now`.
    pub fn summary(
        &self,
        query: &TimelineQuery,
        now: Timestamp,
    ) -> Result<RestartSummary, HistoryError> {
        let timeline = self.timeline(query)?;
        Ok(RestartSummary::of(&timeline, now, &LoopRule::default()))
    }

    /// What the history holds about one container, to seed the detector:
    /// the instances its terminations and gaps account for, its latest
    /// record keys, and the time its records reach.
    pub fn known(
        &self,
        cluster: &str,
        pod_uid: &str,
        container: &str,
    ) -> Result<Known, HistoryError> {
        let read = || -> rusqlite::Result<Known> {
            let arguments = params![cluster, pod_uid, container];
            let (terminations, until): (Option<i64>, Option<i64>) = self
                .connection
                .prepare_cached(
                    "SELECT max(t.restart_count) + 1, max(t.at) FROM terminations t
                     JOIN pods ON pods.id = t.pod
                     WHERE pods.cluster = ?1 AND pods.uid = ?2 AND t.container = ?3",
                )?
                .query_row(arguments, |row| Ok((row.get(0)?, row.get(1)?)))?;
            let (gaps, gap_until): (Option<i64>, Option<i64>) = self
                .connection
                .prepare_cached(
                    "SELECT max(g.ended), max(g.before) FROM gaps g
                     JOIN pods ON pods.id = g.pod
                     WHERE pods.cluster = ?1 AND pods.uid = ?2 AND g.container = ?3",
                )?
                .query_row(arguments, |row| Ok((row.get(0)?, row.get(1)?)))?;
            let mut statement = self.connection.prepare_cached(
                "SELECT t.record_key, t.restart_count FROM terminations t
                 JOIN pods ON pods.id = t.pod
                 WHERE pods.cluster = ?1 AND pods.uid = ?2 AND t.container = ?3
                 ORDER BY t.restart_count DESC, t.at DESC LIMIT ?4",
            )?;
            let mut recorded = Vec::new();
            for row in statement
                .query_map(params![cluster, pod_uid, container, SEED_KEYS], |row| {
                    Ok((row.get::<_, String>(0)?, count(1, row.get(1)?)?))
                })?
            {
                recorded.push(row?);
            }
            let ended = terminations.max(gaps).unwrap_or(0);
            Ok(Known {
                ended: count(0, ended)?,
                recorded,
                until: optional_time(1, until.max(gap_until))?,
            })
        };
        read().map_err(|error| from_sqlite(&self.path, error))
    }
}
