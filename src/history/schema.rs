//! The tables of the history file and the ordered migrations that make
//! them. `PRAGMA application_id` marks the file as ktriage's and `PRAGMA
//! user_version` says how many migrations it has; a file with a higher
//! version than this build knows was written by a newer ktriage and is an
//! error, never downgraded. Each migration runs in one `BEGIN IMMEDIATE`
//! transaction with its version, so a crash leaves the file at the
//! previous version. Owns the SQL of the schema only; no queries.
//!
//! Times are INTEGER microseconds since the Unix epoch, UTC: the finest
//! precision the Kubernetes API uses (MicroTime), so a record reads back
//! exactly as it was written. Each pod's identity and owner live once in
//! `pods`; a termination is unique per pod (cluster and uid), container and
//! record key (the container ID, or `restart:N` when the kubelet gave
//! none), so that two processes recording it keep one row. A gap is unique
//! per pod, container and the number of instances ended when it was found;
//! an event per pod, container (`''` for the pod itself), reason and first
//! time. Last lines hang off their termination and go with it.

use rusqlite::{Connection, TransactionBehavior};

/// `ktri` in ASCII: the mark of a ktriage history file.
pub const APPLICATION_ID: i32 = 0x6b74_7269;

/// Version 1: pods, terminations, gaps, events and last lines.
const VERSION_1: &str = "
CREATE TABLE pods (
    id INTEGER PRIMARY KEY,
    cluster TEXT NOT NULL,
    uid TEXT NOT NULL,
    namespace TEXT NOT NULL,
    name TEXT NOT NULL,
    owner_kind TEXT,
    owner_name TEXT,
    workload TEXT,
    revision TEXT,
    UNIQUE (cluster, uid)
);
CREATE INDEX pods_by_name ON pods (cluster, namespace, name);
CREATE INDEX pods_by_workload ON pods (cluster, namespace, workload);

CREATE TABLE terminations (
    id INTEGER PRIMARY KEY,
    pod INTEGER NOT NULL REFERENCES pods (id) ON DELETE CASCADE,
    container TEXT NOT NULL,
    container_kind TEXT NOT NULL,
    record_key TEXT NOT NULL,
    container_id TEXT NOT NULL,
    started INTEGER,
    finished INTEGER,
    at INTEGER NOT NULL,
    exit_code INTEGER NOT NULL,
    signal INTEGER,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    restart_count INTEGER NOT NULL,
    source TEXT NOT NULL,
    recorded INTEGER NOT NULL,
    UNIQUE (pod, container, record_key)
);
CREATE INDEX terminations_by_pod ON terminations (pod, at);
CREATE INDEX terminations_by_time ON terminations (at);

CREATE TABLE gaps (
    id INTEGER PRIMARY KEY,
    pod INTEGER NOT NULL REFERENCES pods (id) ON DELETE CASCADE,
    container TEXT NOT NULL,
    missed INTEGER NOT NULL,
    after INTEGER,
    before INTEGER NOT NULL,
    ended INTEGER NOT NULL,
    recorded INTEGER NOT NULL,
    UNIQUE (pod, container, ended)
);
CREATE INDEX gaps_by_pod ON gaps (pod, before);
CREATE INDEX gaps_by_time ON gaps (before);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    pod INTEGER NOT NULL REFERENCES pods (id) ON DELETE CASCADE,
    container TEXT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    type TEXT NOT NULL,
    first INTEGER NOT NULL,
    last INTEGER NOT NULL,
    count INTEGER NOT NULL,
    recorded INTEGER NOT NULL,
    UNIQUE (pod, container, reason, first)
);
CREATE INDEX events_by_pod ON events (pod, last);
CREATE INDEX events_by_time ON events (last);

CREATE TABLE last_lines (
    termination INTEGER PRIMARY KEY REFERENCES terminations (id) ON DELETE CASCADE,
    text TEXT,
    lines INTEGER NOT NULL,
    cut INTEGER NOT NULL,
    missing TEXT
);
";

/// The migrations in order; the file's `user_version` counts those run.
const MIGRATIONS: &[&str] = &[VERSION_1];

/// The schema version this build writes.
pub fn latest() -> i64 {
    i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX)
}

/// What a file's marks say about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// An empty database: no tables, no marks.
    Empty,
    /// A ktriage history at this schema version.
    Ours { version: i64 },
    /// Another program's database, or one with unknown marks.
    Foreign,
}

/// Read the marks of the open database.
pub(super) fn kind(connection: &Connection) -> rusqlite::Result<Kind> {
    let application: i32 =
        connection.pragma_query_value(None, "application_id", |row| row.get(0))?;
    let version: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    let tables: i64 = connection.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
        [],
        |row| row.get(0),
    )?;
    Ok(match (application, version, tables) {
        (APPLICATION_ID, version, _) => Kind::Ours { version },
        (0, 0, 0) => Kind::Empty,
        _ => Kind::Foreign,
    })
}

/// Prepare an empty database: incremental auto-vacuum must be chosen
/// before the first table exists (retention gives freed pages back with
/// `PRAGMA incremental_vacuum`).
pub(super) fn prepare_empty(connection: &Connection) -> rusqlite::Result<()> {
    connection.pragma_update(None, "auto_vacuum", "INCREMENTAL")
}

/// Run the migrations after `version`, each in its own write transaction.
pub(super) fn migrate(connection: &mut Connection, version: i64) -> rusqlite::Result<()> {
    let start = usize::try_from(version).unwrap_or(0);
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(start) {
        let transaction = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Another process may have migrated while this one waited.
        let current: i64 =
            transaction.pragma_query_value(None, "user_version", |row| row.get(0))?;
        let target = i64::try_from(index + 1).unwrap_or(i64::MAX);
        if current >= target {
            continue;
        }
        transaction.execute_batch(migration)?;
        transaction.pragma_update(None, "application_id", APPLICATION_ID)?;
        transaction.pragma_update(None, "user_version", target)?;
        transaction.commit()?;
    }
    Ok(())
}
