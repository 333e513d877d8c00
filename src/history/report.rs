//! The restart history as `ktriage history` prints it: a table for people
//! or JSON for scripts, newest first, terminations and counted gaps. Read
//! from the store only; the cluster is never asked. Text from the cluster
//! is neutralised for the table (a terminal reads it) and kept as recorded
//! in the JSON (a program reads it, and JSON escapes controls).

use jiff::Timestamp;
use serde_json::{Value, json};

use crate::model::restart::timeline::{LastLinesState, Timeline, TimelineItem};
use crate::model::safe_text::SafeText;

use crate::model::restart::exit::{exit_text, reason_text};

fn time(value: Option<Timestamp>) -> Value {
    value.map_or(Value::Null, |t| Value::String(t.to_string()))
}

/// One JSON object per termination and gap, newest first.
pub fn json(timeline: &Timeline) -> Value {
    let rows: Vec<Value> = timeline
        .entries
        .iter()
        .filter_map(|entry| match &entry.item {
            TimelineItem::Termination(stored) => {
                let t = &stored.termination;
                let lines = match &stored.last_lines {
                    LastLinesState::Captured { lines, cut } => json!({"kept": lines, "cut": cut}),
                    LastLinesState::Missing { reason } => json!({"missing": reason}),
                    LastLinesState::Absent => Value::Null,
                };
                Some(json!({
                    "kind": "termination",
                    "namespace": t.namespace,
                    "pod": t.pod,
                    "podUid": t.pod_uid,
                    "revision": entry.revision,
                    "container": t.container,
                    "containerKind": t.container_kind.as_str(),
                    "containerID": t.container_id,
                    "startedAt": time(t.started),
                    "finishedAt": time(t.finished),
                    "exitCode": t.exit_code,
                    "signal": t.signal,
                    "reason": t.reason,
                    "message": t.message,
                    "restart": t.restart_count.saturating_add(1),
                    "source": t.source.as_str(),
                    "lastLines": lines,
                }))
            }
            TimelineItem::Gap(gap) => Some(json!({
                "kind": "gap",
                "namespace": gap.namespace,
                "pod": gap.pod,
                "podUid": gap.pod_uid,
                "revision": entry.revision,
                "container": gap.container,
                "missed": gap.missed,
                "after": time(gap.after),
                "before": time(Some(gap.before)),
            })),
            TimelineItem::Event(_) => None,
        })
        .collect();
    Value::Array(rows)
}

fn shown(text: &str) -> String {
    SafeText::from_untrusted(text).to_string()
}

/// A table, one line a termination or gap, newest first.
pub fn table(timeline: &Timeline) -> String {
    let mut rows = vec![[
        "FINISHED".to_string(),
        "POD".to_string(),
        "CONTAINER".to_string(),
        "EXIT".to_string(),
        "REASON".to_string(),
        "RESTART".to_string(),
        "SOURCE".to_string(),
    ]];
    for entry in &timeline.entries {
        match &entry.item {
            TimelineItem::Termination(stored) => {
                let t = &stored.termination;
                rows.push([
                    t.finished
                        .map_or_else(|| "-".to_string(), |f| f.to_string()),
                    shown(&t.pod),
                    shown(&t.container),
                    exit_text(t.exit_code, t.signal),
                    shown(&reason_text(t.exit_code, &t.reason)),
                    t.restart_count.saturating_add(1).to_string(),
                    t.source.as_str().to_string(),
                ]);
            }
            TimelineItem::Gap(gap) => rows.push([
                gap.before.to_string(),
                shown(&gap.pod),
                shown(&gap.container),
                "-".to_string(),
                format!("{} not seen", gap.missed),
                "-".to_string(),
                "gap".to_string(),
            ]),
            TimelineItem::Event(_) => {}
        }
    }
    let widths: Vec<usize> = (0..7)
        .map(|column| {
            rows.iter()
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::restart::timeline::{StoredTermination, TimelineEntry};
    use crate::model::restart::{ContainerKind, Gap, Source, Termination};

    fn timeline() -> Timeline {
        let at: Timestamp = "2024-06-01T12:00:00Z".parse().unwrap();
        let termination = Termination {
            cluster: "c".into(),
            namespace: "shop".into(),
            pod: "web-1\u{1b}[2J".into(),
            pod_uid: "u1".into(),
            owner: None,
            container: "app".into(),
            container_kind: ContainerKind::Regular,
            container_id: "containerd://a".into(),
            started: Some(at - jiff::SignedDuration::from_secs(30)),
            finished: Some(at),
            exit_code: 137,
            signal: None,
            reason: "OOMKilled".into(),
            message: String::new(),
            restart_count: 2,
            source: Source::Observed,
        };
        let gap = Gap {
            cluster: "c".into(),
            namespace: "shop".into(),
            pod: "web-1".into(),
            pod_uid: "u1".into(),
            owner: None,
            container: "app".into(),
            missed: 3,
            after: None,
            before: at - jiff::SignedDuration::from_mins(5),
            ended: 2,
        };
        Timeline::new(vec![
            TimelineEntry {
                at,
                revision: None,
                item: TimelineItem::Termination(Box::new(StoredTermination {
                    termination,
                    last_lines: LastLinesState::Captured {
                        lines: 20,
                        cut: false,
                    },
                })),
            },
            TimelineEntry {
                at: gap.before,
                revision: None,
                item: TimelineItem::Gap(gap),
            },
        ])
    }

    #[test]
    fn the_table_lists_terminations_and_gaps_with_cluster_text_neutralised() {
        let table = table(&timeline());
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3, "{table}");
        assert!(lines[0].starts_with("FINISHED"));
        assert!(lines[1].contains("web-1^[[2J") && !table.contains('\u{1b}'));
        assert!(lines[1].contains("137 SIGKILL") && lines[1].contains("OOMKilled"));
        assert!(lines[1].contains("  3  ") && lines[1].contains("observed"));
        assert!(lines[2].contains("3 not seen") && lines[2].contains("gap"));
    }

    #[test]
    fn the_json_keeps_records_as_recorded() {
        let rows = json(&timeline());
        let rows = rows.as_array().unwrap();
        assert_eq!(rows[0]["kind"], "termination");
        assert_eq!(rows[0]["pod"], "web-1\u{1b}[2J");
        assert_eq!(rows[0]["exitCode"], 137);
        assert_eq!(rows[0]["restart"], 3);
        assert_eq!(rows[0]["lastLines"]["kept"], 20);
        assert_eq!(rows[1]["kind"], "gap");
        assert_eq!(rows[1]["missed"], 3);
    }
}
