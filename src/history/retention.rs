//! Keeping the history bounded, by age and by size: records older than
//! `max_age` go, then, while the live pages of the file (the pages in use,
//! not the free ones) take more than `max_bytes`, the oldest records go in
//! chunks (the share of the rows the excess is of the size), each in its
//! own short write transaction so that another process's writes are not
//! held back for long. A pod with no record left
//! goes too; last lines go with their termination (a foreign key with
//! `ON DELETE CASCADE`).
//!
//! Deleting frees pages inside the file without shrinking it. The file is
//! made with `auto_vacuum = INCREMENTAL`, so `PRAGMA incremental_vacuum`
//! then gives the free pages back to the file system in place, and a WAL
//! checkpoint (`TRUNCATE`) empties the `-wal` file. A full `VACUUM` is not
//! used: it rewrites the whole file, needs as much free disk again, and
//! holds the write lock meanwhile. The values come from the caller (the
//! config file, later); the defaults are 30 days and 256 MiB.

use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, Transaction, params};

use super::columns::micros;
use super::error::{HistoryError, from_sqlite};
use super::store::Store;

/// How long and how large the history may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub max_age: SignedDuration,
    pub max_bytes: u64,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            max_age: SignedDuration::from_hours(30 * 24),
            max_bytes: 256 * 1024 * 1024,
        }
    }
}

/// What a pass of retention did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Rows deleted for their age.
    pub by_age: usize,
    /// Rows deleted to bring the file under its size.
    pub by_size: usize,
    /// The file's bytes (its pages, free ones included) before and after.
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// The bytes of the database's pages: all of them, and those in use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Size {
    pub file: u64,
    pub live: u64,
}

/// The fewest rows deleted at a time when the file is too large.
const CHUNK: i64 = 16;

fn pragma(connection: &Connection, name: &str) -> rusqlite::Result<u64> {
    let value: i64 = connection.pragma_query_value(None, name, |row| row.get(0))?;
    Ok(u64::try_from(value).unwrap_or(0))
}

fn size(connection: &Connection) -> rusqlite::Result<Size> {
    let page = pragma(connection, "page_size")?;
    let pages = pragma(connection, "page_count")?;
    let free = pragma(connection, "freelist_count")?;
    Ok(Size {
        file: pages * page,
        live: pages.saturating_sub(free) * page,
    })
}

/// Delete the records that ended before `cutoff` (microseconds).
fn delete_before(transaction: &Transaction<'_>, cutoff: i64) -> rusqlite::Result<usize> {
    let mut deleted = 0;
    for statement in [
        "DELETE FROM terminations WHERE at < ?1",
        "DELETE FROM gaps WHERE before < ?1",
        "DELETE FROM events WHERE last < ?1",
    ] {
        deleted += transaction.execute(statement, params![cutoff])?;
    }
    Ok(deleted)
}

fn delete_orphan_pods(transaction: &Transaction<'_>) -> rusqlite::Result<usize> {
    transaction.execute(
        "DELETE FROM pods WHERE
             NOT EXISTS (SELECT 1 FROM terminations WHERE terminations.pod = pods.id)
         AND NOT EXISTS (SELECT 1 FROM gaps WHERE gaps.pod = pods.id)
         AND NOT EXISTS (SELECT 1 FROM events WHERE events.pod = pods.id)",
        [],
    )
}

/// The time just after the oldest `chunk` records of any table, or None
/// when the history holds no record.
fn oldest_cutoff(connection: &Connection, chunk: i64) -> rusqlite::Result<Option<i64>> {
    connection.query_row(
        "SELECT max(at) + 1 FROM (
             SELECT at FROM (
                 SELECT at FROM terminations
                 UNION ALL SELECT before FROM gaps
                 UNION ALL SELECT last FROM events
             ) ORDER BY at LIMIT ?1
         )",
        params![chunk],
        |row| row.get(0),
    )
}

impl Store {
    /// The bytes of the file's pages, and of those in use.
    pub fn size(&self) -> Result<Size, HistoryError> {
        size(&self.connection).map_err(|error| from_sqlite(&self.path, error))
    }

    /// Delete what `retention` does not keep at `now`, then give the freed
    /// space back to the file system.
    pub fn retain(
        &mut self,
        retention: &Retention,
        now: Timestamp,
    ) -> Result<Pruned, HistoryError> {
        let bytes_before = self.size()?.file;
        let cutoff = micros(now.checked_sub(retention.max_age).unwrap_or(Timestamp::MIN));
        let by_age = self.write(|transaction| {
            let deleted = delete_before(transaction, cutoff)?;
            delete_orphan_pods(transaction)?;
            Ok(deleted)
        })?;
        let mut by_size = 0;
        loop {
            let live = self.size()?.live;
            if live <= retention.max_bytes {
                break;
            }
            let rows: i64 = self
                .connection
                .query_row(
                    "SELECT (SELECT count(*) FROM terminations) + (SELECT count(*) FROM gaps)
                         + (SELECT count(*) FROM events)",
                    [],
                    |row| row.get(0),
                )
                .map_err(|error| from_sqlite(&self.path, error))?;
            // The share of the rows as large as the excess, and a few more.
            let excess = (live - retention.max_bytes) as f64 / live as f64;
            let chunk = CHUNK.max((rows as f64 * excess).ceil() as i64 + 1);
            let cutoff = oldest_cutoff(&self.connection, chunk)
                .map_err(|error| from_sqlite(&self.path, error))?;
            let Some(cutoff) = cutoff else {
                break;
            };
            by_size += self.write(|transaction| {
                let deleted = delete_before(transaction, cutoff)?;
                delete_orphan_pods(transaction)?;
                Ok(deleted)
            })?;
        }
        let path = &self.path;
        let connection = &self.connection;
        let give_back = || -> rusqlite::Result<()> {
            // The pragma frees one page per step: run it to its end.
            let mut vacuum = connection.prepare("PRAGMA incremental_vacuum")?;
            let mut steps = vacuum.query([])?;
            while steps.next()?.is_some() {}
            connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        };
        give_back().map_err(|error| from_sqlite(path, error))?;
        Ok(Pruned {
            by_age,
            by_size,
            bytes_before,
            bytes_after: self.size()?.file,
        })
    }
}
