//! The history store: one SQLite connection to the history file, opened
//! the way several ktriage processes can share it (WAL, a busy timeout,
//! `BEGIN IMMEDIATE` for every write, so a writer waits for another instead
//! of failing with `SQLITE_BUSY`), and the writes of observations and
//! events. A damaged or
//! foreign file is moved aside and a fresh one made; the caller is told.
//! Every call blocks: the store runs on the recorder's own thread, never on
//! the UI's. Last lines are in `last_lines`, queries in `query`, retention
//! in `retention`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use rusqlite::{Connection, ErrorCode, OpenFlags, Transaction, TransactionBehavior, params};

use super::columns::{micros, owner_columns};
use super::error::{HistoryError, from_sqlite};
use super::file::{self, Sniffed};
use super::schema::{self, Kind};
use crate::model::restart::{Gap, Observation, Owner, PodEventRecord, Termination};

/// How long a write waits for another process's write to finish.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open history.
pub struct Store {
    pub(super) connection: Connection,
    pub(super) path: PathBuf,
}

/// A store just opened, and where a damaged or foreign file was moved.
pub struct Opened {
    pub store: Store,
    pub moved_aside: Option<PathBuf>,
}

/// How many rows each table holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub pods: u64,
    pub terminations: u64,
    pub gaps: u64,
    pub events: u64,
    pub last_lines: u64,
}

enum Connected {
    Ready(Store),
    Damaged(String),
}

fn is_damage(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// Open and check the file at `path`; a file that is not a sound ktriage
/// history comes back as `Damaged` with the reason.
fn connect(path: &Path) -> Result<Connected, HistoryError> {
    let fail = |error| from_sqlite(path, error);
    if file::sniff(path)? == Sniffed::Other {
        return Ok(Connected::Damaged("not an SQLite database".into()));
    }
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut connection = Connection::open_with_flags(path, flags).map_err(fail)?;
    connection.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
    let checked = connection
        .query_row("PRAGMA quick_check", [], |row| row.get::<_, String>(0))
        .and_then(|check| Ok((check, schema::kind(&connection)?)));
    let version = match checked {
        Err(error) if is_damage(&error) => return Ok(Connected::Damaged(error.to_string())),
        Err(error) => return Err(fail(error)),
        Ok((check, _)) if check != "ok" => return Ok(Connected::Damaged(check)),
        Ok((_, Kind::Foreign)) => {
            return Ok(Connected::Damaged("a database of another program".into()));
        }
        Ok((_, Kind::Ours { version })) if version > schema::latest() => {
            return Err(HistoryError::Newer {
                path: path.to_path_buf(),
                found: version,
                known: schema::latest(),
            });
        }
        Ok((_, Kind::Ours { version })) => version,
        Ok((_, Kind::Empty)) => {
            schema::prepare_empty(&connection).map_err(fail)?;
            0
        }
    };
    let mode: String = connection
        .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
        .map_err(fail)?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(
            mode,
            "the history could not use WAL; writes from two processes will wait longer"
        );
    }
    connection
        .pragma_update(None, "synchronous", "NORMAL")
        .and_then(|()| connection.pragma_update(None, "foreign_keys", "ON"))
        .map_err(fail)?;
    schema::migrate(&mut connection, version).map_err(fail)?;
    Ok(Connected::Ready(Store {
        connection,
        path: path.to_path_buf(),
    }))
}

impl Store {
    /// Open the history at `path`, making it (and its directory) when
    /// missing. A file that is not SQLite, fails SQLite's quick check, or
    /// is another program's database is moved aside
    /// (`Opened::moved_aside`) and a fresh history made in its place. A
    /// file from a newer ktriage is an error and left alone.
    pub fn open(path: &Path) -> Result<Opened, HistoryError> {
        file::prepare_directory(path)?;
        let _lock = file::lock(path)?;
        file::create_private(path)?;
        let reason = match connect(path)? {
            Connected::Ready(store) => {
                return Ok(Opened {
                    store,
                    moved_aside: None,
                });
            }
            Connected::Damaged(reason) => reason,
        };
        let moved = file::move_aside(path, Timestamp::now())?;
        tracing::warn!(reason, moved = %moved.display(), "the history file was damaged and moved aside");
        file::create_private(path)?;
        match connect(path)? {
            Connected::Ready(store) => Ok(Opened {
                store,
                moved_aside: Some(moved),
            }),
            Connected::Damaged(reason) => Err(HistoryError::Damaged {
                path: path.to_path_buf(),
                reason,
            }),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `work` in one `BEGIN IMMEDIATE` transaction and commit it.
    pub(super) fn write<T>(
        &mut self,
        work: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<T>,
    ) -> Result<T, HistoryError> {
        let path = &self.path;
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|error| from_sqlite(path, error))?;
        let value = work(&transaction).map_err(|error| from_sqlite(path, error))?;
        transaction
            .commit()
            .map_err(|error| from_sqlite(path, error))?;
        Ok(value)
    }

    /// Record terminations and gaps in one transaction; returns how many
    /// rows were added (those another process or an earlier call recorded
    /// are kept once).
    pub fn record(&mut self, batch: &[Observation]) -> Result<usize, HistoryError> {
        let recorded = micros(Timestamp::now());
        self.write(|transaction| {
            let mut pods = PodIds::default();
            let mut added = 0;
            for observation in batch {
                added += match observation {
                    Observation::Termination(termination) => {
                        insert_termination(transaction, &mut pods, termination, recorded)?
                    }
                    Observation::Gap(gap) => insert_gap(transaction, &mut pods, gap, recorded)?,
                };
            }
            Ok(added)
        })
    }

    /// Record events; an event already recorded (same pod, container,
    /// reason and first time) takes the newer count, last time and
    /// message. Returns the rows added or changed.
    pub fn record_events(&mut self, events: &[PodEventRecord]) -> Result<usize, HistoryError> {
        let recorded = micros(Timestamp::now());
        self.write(|transaction| {
            let mut pods = PodIds::default();
            let mut changed = 0;
            let mut insert = transaction.prepare_cached(
                "INSERT INTO events (pod, container, reason, message, type, first, last, count, recorded)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (pod, container, reason, first) DO UPDATE SET
                     message = CASE WHEN excluded.last >= events.last
                                    THEN excluded.message ELSE events.message END,
                     last = max(events.last, excluded.last),
                     count = max(events.count, excluded.count)
                 WHERE excluded.last > events.last OR excluded.count > events.count",
            )?;
            for event in events {
                let pod = pods.id(
                    transaction,
                    &event.cluster,
                    &event.pod_uid,
                    &event.namespace,
                    &event.pod,
                    None,
                )?;
                changed += insert.execute(params![
                    pod,
                    event.container.as_deref().unwrap_or_default(),
                    event.reason,
                    event.message,
                    event.type_,
                    micros(event.first),
                    micros(event.last),
                    event.count,
                    recorded,
                ])?;
            }
            Ok(changed)
        })
    }

    /// How many rows each table holds.
    pub fn counts(&self) -> Result<Counts, HistoryError> {
        let count = |table: &str| -> rusqlite::Result<u64> {
            self.connection
                .query_row(&format!("SELECT count(*) FROM {table}"), [], |row| {
                    row.get::<_, i64>(0)
                })
                .map(|count| u64::try_from(count).unwrap_or(0))
        };
        let counts = (|| {
            Ok(Counts {
                pods: count("pods")?,
                terminations: count("terminations")?,
                gaps: count("gaps")?,
                events: count("events")?,
                last_lines: count("last_lines")?,
            })
        })();
        counts.map_err(|error| from_sqlite(&self.path, error))
    }
}

/// The ids of the pods met in one transaction.
#[derive(Default)]
struct PodIds {
    known: HashMap<(String, String), i64>,
}

impl PodIds {
    /// The row of the pod `uid` in `cluster`, made when missing; an owner
    /// learnt later fills a row made without one (from an event).
    fn id(
        &mut self,
        transaction: &Transaction<'_>,
        cluster: &str,
        uid: &str,
        namespace: &str,
        name: &str,
        owner: Option<&Owner>,
    ) -> rusqlite::Result<i64> {
        let key = (cluster.to_string(), uid.to_string());
        if let Some(id) = self.known.get(&key) {
            return Ok(*id);
        }
        let (kind, owner_name, workload, revision) = owner_columns(owner);
        transaction
            .prepare_cached(
                "INSERT INTO pods (cluster, uid, namespace, name, owner_kind, owner_name, workload, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (cluster, uid) DO UPDATE SET
                     owner_kind = excluded.owner_kind, owner_name = excluded.owner_name,
                     workload = excluded.workload, revision = excluded.revision
                 WHERE pods.owner_kind IS NULL AND excluded.owner_kind IS NOT NULL",
            )?
            .execute(params![cluster, uid, namespace, name, kind, owner_name, workload, revision])?;
        let id = transaction
            .prepare_cached("SELECT id FROM pods WHERE cluster = ?1 AND uid = ?2")?
            .query_row(params![cluster, uid], |row| row.get(0))?;
        self.known.insert(key, id);
        Ok(id)
    }
}

fn insert_termination(
    transaction: &Transaction<'_>,
    pods: &mut PodIds,
    termination: &Termination,
    recorded: i64,
) -> rusqlite::Result<usize> {
    let pod = pods.id(
        transaction,
        &termination.cluster,
        &termination.pod_uid,
        &termination.namespace,
        &termination.pod,
        termination.owner.as_ref(),
    )?;
    let at = termination.at().map_or(recorded, micros);
    transaction
        .prepare_cached(
            "INSERT INTO terminations (pod, container, container_kind, record_key, container_id,
                 started, finished, at, exit_code, signal, reason, message, restart_count,
                 source, recorded)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             ON CONFLICT (pod, container, record_key) DO NOTHING",
        )?
        .execute(params![
            pod,
            termination.container,
            termination.container_kind.as_str(),
            termination.record_key(),
            termination.container_id,
            termination.started.map(micros),
            termination.finished.map(micros),
            at,
            termination.exit_code,
            termination.signal,
            termination.reason,
            termination.message,
            termination.restart_count,
            termination.source.as_str(),
            recorded,
        ])
}

fn insert_gap(
    transaction: &Transaction<'_>,
    pods: &mut PodIds,
    gap: &Gap,
    recorded: i64,
) -> rusqlite::Result<usize> {
    let pod = pods.id(
        transaction,
        &gap.cluster,
        &gap.pod_uid,
        &gap.namespace,
        &gap.pod,
        gap.owner.as_ref(),
    )?;
    transaction
        .prepare_cached(
            "INSERT INTO gaps (pod, container, missed, after, before, ended, recorded)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (pod, container, ended) DO NOTHING",
        )?
        .execute(params![
            pod,
            gap.container,
            gap.missed,
            gap.after.map(micros),
            micros(gap.before),
            gap.ended,
            recorded,
        ])
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
