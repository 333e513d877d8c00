//! The last lines a terminated container wrote, kept beside its
//! termination: at most `LAST_LINES_LIMIT` bytes (the newest whole lines),
//! or the reason they could not be read (`forbidden: get pods/log`). A
//! reason never replaces lines already kept. The text is read one
//! termination at a time; timelines carry only whether it is there.

use rusqlite::params;

use super::columns::count;
use super::error::{HistoryError, from_sqlite};
use super::store::Store;
use crate::model::restart::{LastLines, TerminationKey};

/// The most bytes of last lines kept per termination; older lines are cut.
pub const LAST_LINES_LIMIT: usize = 64 * 1024;

impl Store {
    /// Attach the last lines of a recorded termination (text over
    /// `LAST_LINES_LIMIT` keeps its newest lines and is marked cut). Lines
    /// already captured are not replaced by a reason they are missing.
    /// Returns false when the termination is not recorded.
    pub fn attach_last_lines(
        &mut self,
        key: &TerminationKey,
        lines: &LastLines,
    ) -> Result<bool, HistoryError> {
        let (text, count, cut, missing) = match lines {
            LastLines::Captured { text, lines, cut } => {
                let (kept, dropped) = newest_part(text, LAST_LINES_LIMIT);
                let count = if dropped {
                    u32::try_from(kept.lines().count()).unwrap_or(u32::MAX)
                } else {
                    *lines
                };
                (Some(kept), count, *cut || dropped, None)
            }
            LastLines::Missing { reason } => (None, 0, false, Some(reason.as_str())),
        };
        self.write(|transaction| {
            let changed = transaction.execute(
                "INSERT INTO last_lines (termination, text, lines, cut, missing)
                 SELECT terminations.id, ?1, ?2, ?3, ?4
                 FROM terminations JOIN pods ON pods.id = terminations.pod
                 WHERE pods.cluster = ?5 AND pods.uid = ?6
                   AND terminations.container = ?7 AND terminations.record_key = ?8
                 ON CONFLICT (termination) DO UPDATE SET
                     text = excluded.text, lines = excluded.lines,
                     cut = excluded.cut, missing = excluded.missing
                 WHERE excluded.missing IS NULL OR last_lines.missing IS NOT NULL",
                params![
                    text,
                    count,
                    cut,
                    missing,
                    key.cluster,
                    key.pod_uid,
                    key.container,
                    key.record_key
                ],
            )?;
            if changed > 0 {
                return Ok(true);
            }
            transaction
                .query_row(
                    "SELECT count(*) FROM terminations JOIN pods ON pods.id = terminations.pod
                     WHERE pods.cluster = ?1 AND pods.uid = ?2
                       AND terminations.container = ?3 AND terminations.record_key = ?4",
                    params![key.cluster, key.pod_uid, key.container, key.record_key],
                    |row| row.get::<_, i64>(0),
                )
                .map(|found| found > 0)
        })
    }

    /// The last lines attached to a termination.
    pub fn last_lines(&self, key: &TerminationKey) -> Result<Option<LastLines>, HistoryError> {
        let read = || -> rusqlite::Result<Option<LastLines>> {
            let mut statement = self.connection.prepare_cached(
                "SELECT l.text, l.lines, l.cut, l.missing
                 FROM last_lines l JOIN terminations t ON t.id = l.termination
                 JOIN pods ON pods.id = t.pod
                 WHERE pods.cluster = ?1 AND pods.uid = ?2 AND t.container = ?3
                   AND t.record_key = ?4",
            )?;
            let mut rows = statement.query(params![
                key.cluster,
                key.pod_uid,
                key.container,
                key.record_key
            ])?;
            let Some(row) = rows.next()? else {
                return Ok(None);
            };
            let text: Option<String> = row.get(0)?;
            let missing: Option<String> = row.get(3)?;
            Ok(Some(match (text, missing) {
                (_, Some(reason)) => LastLines::Missing { reason },
                (text, None) => LastLines::Captured {
                    text: text.unwrap_or_default(),
                    lines: count(1, row.get(1)?)?,
                    cut: row.get(2)?,
                },
            }))
        };
        read().map_err(|error| from_sqlite(&self.path, error))
    }
}

/// The newest part of `text` that fits in `limit` bytes, starting at a
/// line, and whether anything was dropped.
fn newest_part(text: &str, limit: usize) -> (&str, bool) {
    if text.len() <= limit {
        return (text, false);
    }
    let mut start = text.len() - limit;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    let tail = &text[start..];
    match tail.find('\n') {
        Some(newline) if newline + 1 < tail.len() => (&tail[newline + 1..], true),
        _ => (tail, true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_newest_part_of_long_lines_starts_at_a_line() {
        assert_eq!(newest_part("short\n", 64), ("short\n", false));
        assert_eq!(newest_part("one\ntwo\nthree\n", 9), ("three\n", true));
        // A cut inside a character moves past it.
        assert_eq!(newest_part("ééé\nab\n", 6), ("ab\n", true));
        // A single long line is cut inside, at a character.
        assert_eq!(newest_part("abcdéfgh", 4), ("fgh", true));
    }
}
