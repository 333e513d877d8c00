//! The history file: made private, in WAL mode, versioned; a damaged or
//! foreign file moved aside with its bytes kept; a directory that cannot be
//! written named in the error.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use ktriage::history::{HistoryError, Store, schema};

use super::{at, history_path, many_terminations, open};

fn mode(path: &Path) -> u32 {
    fs::metadata(path)
        .expect("the file exists")
        .permissions()
        .mode()
        & 0o777
}

/// The files in `directory` whose names start with `history.db.corrupt-`.
fn moved_files(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(directory)
        .expect("the directory reads")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.starts_with("history.db.corrupt-"))
        .collect();
    names.sort();
    names
}

/// `history.db.corrupt-YYYYMMDDTHHMMSSZ`, as the moved file must be named.
fn assert_moved_name(moved: &Path) {
    let name = moved.file_name().expect("a file name").to_string_lossy();
    let stamp = name
        .strip_prefix("history.db.corrupt-")
        .expect("the moved file keeps the name and says why");
    assert_eq!(stamp.len(), 16, "{name}");
    assert!(
        stamp.ends_with('Z') && stamp.as_bytes()[8] == b'T',
        "{name}"
    );
    let parsed = jiff::fmt::strtime::parse("%Y%m%dT%H%M%SZ", stamp);
    assert!(parsed.is_ok(), "{name} carries a UTC time");
}

#[test]
fn a_new_history_is_private_versioned_and_in_wal_mode() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("state/ktriage/history.db");
    let mut store = open(&path);
    store
        .record(&many_terminations(3, at("2024-06-01T10:00:00Z")))
        .unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&directory.path().join("state/ktriage")), 0o700);
    assert_eq!(mode(&directory.path().join("state")), 0o700);
    // SQLite gives its write-ahead log the database's mode.
    assert_eq!(mode(&path.with_file_name("history.db-wal")), 0o600);
    let connection = rusqlite::Connection::open(&path).unwrap();
    let journal: String = connection
        .pragma_query_value(None, "journal_mode", |row| row.get(0))
        .unwrap();
    let version: i64 = connection
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    let application: i32 = connection
        .pragma_query_value(None, "application_id", |row| row.get(0))
        .unwrap();
    let vacuum: i64 = connection
        .pragma_query_value(None, "auto_vacuum", |row| row.get(0))
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(version, schema::latest());
    assert_eq!(application, schema::APPLICATION_ID);
    assert_eq!(vacuum, 2, "incremental auto-vacuum");
}

#[test]
fn a_history_readable_by_others_is_made_private() {
    let (_directory, path) = history_path();
    drop(open(&path));
    fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
    drop(open(&path));
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn garbage_is_moved_aside_with_its_bytes_and_a_fresh_history_works() {
    let (directory, path) = history_path();
    let garbage: Vec<u8> = (0..10_000u32).map(|index| (index * 7 + 3) as u8).collect();
    fs::write(&path, &garbage).unwrap();
    fs::write(path.with_file_name("history.db-wal"), b"stale log").unwrap();
    let opened = Store::open(&path).unwrap();
    let moved = opened
        .moved_aside
        .clone()
        .expect("the garbage is moved aside");
    assert_moved_name(&moved);
    assert_eq!(fs::read(&moved).unwrap(), garbage);
    let moved_log = moved.with_file_name(format!(
        "{}-wal",
        moved.file_name().unwrap().to_string_lossy()
    ));
    assert_eq!(fs::read(moved_log).unwrap(), b"stale log");
    let mut store = opened.store;
    let added = store
        .record(&many_terminations(5, at("2024-06-01T10:00:00Z")))
        .unwrap();
    assert_eq!(added, 5);
    assert_eq!(mode(&path), 0o600);
    drop(store);
    // Opened again, the fresh history is sound and keeps its rows.
    let store = open(&path);
    assert_eq!(store.counts().unwrap().terminations, 5);
    assert_eq!(
        moved_files(directory.path()).len(),
        2,
        "the file and its log"
    );
}

#[test]
fn a_damaged_history_is_moved_aside() {
    let (directory, path) = history_path();
    let mut store = open(&path);
    store
        .record(&many_terminations(500, at("2024-06-01T10:00:00Z")))
        .unwrap();
    drop(store);
    // Overwrite every page after the first with noise, as a failing disk
    // or a careless copy might.
    let mut bytes = fs::read(&path).unwrap();
    assert!(bytes.len() > 8192, "the history spans several pages");
    for (index, byte) in bytes.iter_mut().enumerate().skip(4096) {
        *byte = (index % 251) as u8;
    }
    fs::write(&path, &bytes).unwrap();
    let opened = Store::open(&path).unwrap();
    let moved = opened.moved_aside.expect("the damaged file is moved aside");
    assert_eq!(fs::read(&moved).unwrap(), bytes);
    assert_eq!(opened.store.counts().unwrap().terminations, 0);
    assert_eq!(moved_files(directory.path()).len(), 1);
}

#[test]
fn another_programs_database_is_moved_aside_and_kept() {
    let (_directory, path) = history_path();
    let foreign = rusqlite::Connection::open(&path).unwrap();
    foreign
        .execute_batch(
            "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT);
             INSERT INTO moz_places (url) VALUES ('https://example.com');",
        )
        .unwrap();
    drop(foreign);
    let opened = Store::open(&path).unwrap();
    let moved = opened
        .moved_aside
        .expect("a foreign database is moved aside");
    let kept = rusqlite::Connection::open(&moved).unwrap();
    let url: String = kept
        .query_row("SELECT url FROM moz_places", [], |row| row.get(0))
        .unwrap();
    assert_eq!(url, "https://example.com");
    assert_eq!(opened.store.counts().unwrap().terminations, 0);
}

#[test]
fn a_history_from_a_newer_ktriage_is_an_error_and_left_alone() {
    let (directory, path) = history_path();
    drop(open(&path));
    let newer = rusqlite::Connection::open(&path).unwrap();
    newer.pragma_update(None, "user_version", 99).unwrap();
    drop(newer);
    let error = Store::open(&path).err().expect("a newer schema is refused");
    assert!(
        matches!(error, HistoryError::Newer { found: 99, known, .. } if known == schema::latest()),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("written by a newer ktriage"),
        "{error}"
    );
    assert!(moved_files(directory.path()).is_empty());
    let kept = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = kept
        .pragma_query_value(None, "user_version", |row| row.get(0))
        .unwrap();
    assert_eq!(version, 99);
}

#[test]
fn a_path_through_a_regular_file_cannot_hold_the_history() {
    // A regular file where a directory should be stops root too.
    let directory = tempfile::tempdir().unwrap();
    let blocker = directory.path().join("state");
    fs::write(&blocker, b"not a directory").unwrap();
    for path in [
        blocker.join("history.db"),
        blocker.join("ktriage/history.db"),
    ] {
        let error = Store::open(&path)
            .err()
            .expect("the history cannot be made");
        let HistoryError::Unwritable {
            directory: named,
            reason,
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(named, path.parent().unwrap());
        assert_eq!(reason, &format!("{} is not a directory", blocker.display()));
        assert!(
            error.to_string().starts_with(&format!(
                "cannot write the history in {}: ",
                named.display()
            )),
            "{error}"
        );
    }
    assert_eq!(fs::read(&blocker).unwrap(), b"not a directory");
}

#[test]
fn a_read_only_directory_refuses_the_history_unless_it_runs_as_root() {
    let directory = tempfile::tempdir().unwrap();
    let locked = directory.path().join("locked");
    fs::create_dir(&locked).unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o500)).unwrap();
    let path = locked.join("history.db");
    let result = Store::open(&path);
    // Root ignores the mode bits of a directory: there the history is made
    // (the file system itself is writable); anyone else is refused.
    // SAFETY: geteuid has no preconditions and cannot fail.
    let root = unsafe { libc::geteuid() } == 0;
    match (root, result) {
        (true, Ok(opened)) => {
            assert_eq!(opened.moved_aside, None);
            assert_eq!(mode(&path), 0o600);
        }
        (false, Err(error)) => assert_eq!(
            error.to_string(),
            format!(
                "cannot write the history in {}: permission denied",
                locked.display()
            )
        ),
        (root, result) => panic!(
            "running as root: {root}, opening gave {:?}",
            result.map(|opened| opened.moved_aside)
        ),
    }
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o700)).unwrap();
}

#[test]
fn a_directory_where_the_file_should_be_is_refused_and_left_alone() {
    let (directory, path) = history_path();
    fs::create_dir(&path).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).unwrap();
    let error = Store::open(&path)
        .err()
        .expect("a directory is not a history");
    assert_eq!(
        error.to_string(),
        format!(
            "cannot write the history in {}: {} is not a regular file",
            directory.path().display(),
            path.display()
        )
    );
    assert_eq!(mode(&path), 0o755);
    assert!(moved_files(directory.path()).is_empty());
}
