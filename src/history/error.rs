//! The history's errors, worded for the screen: which file or directory,
//! and what went wrong in plain words (`cannot write the history in DIR:
//! permission denied`). Owns the reading of I/O and SQLite failures into
//! these; no recovery, which is the caller's.

use std::io;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot write the history in {}: {reason}", directory.display())]
    Unwritable { directory: PathBuf, reason: String },
    #[error("cannot write the history in {}: the disk is full", directory.display())]
    DiskFull { directory: PathBuf },
    #[error(
        "{} was written by a newer ktriage (schema {found}, this one knows {known}); \
         it is left as it is",
        path.display()
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot move the damaged history {} aside: {reason}", path.display())]
    MoveAside { path: PathBuf, reason: String },
    #[error("the history in {} is damaged: {reason}", path.display())]
    Damaged { path: PathBuf, reason: String },
    #[error("the history in {} failed: {source}", path.display())]
    Database {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot start the history's thread: {0}")]
    Thread(#[source] io::Error),
    #[error("the history recorder has stopped")]
    Stopped,
    #[error("the history recorder is behind: {0} commands are waiting")]
    Busy(usize),
}

/// A few words for an I/O error, without the OS error number.
pub fn io_reason(error: &io::Error) -> String {
    match error.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::ReadOnlyFilesystem => "the file system is read-only".to_string(),
        io::ErrorKind::StorageFull => "the disk is full".to_string(),
        io::ErrorKind::NotADirectory => "a part of the path is not a directory".to_string(),
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        _ => error.to_string(),
    }
}

/// The directory a history file lives in.
pub fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An I/O error on the history file `path` read as a `HistoryError`.
pub fn from_io(path: &Path, error: &io::Error) -> HistoryError {
    let directory = directory_of(path);
    match error.kind() {
        io::ErrorKind::StorageFull => HistoryError::DiskFull { directory },
        _ => HistoryError::Unwritable {
            directory,
            reason: io_reason(error),
        },
    }
}

/// A SQLite error on the history file `path` read as a `HistoryError`: a
/// full disk and a file or directory that cannot be written are named as
/// such; everything else carries SQLite's message.
pub fn from_sqlite(path: &Path, error: rusqlite::Error) -> HistoryError {
    let directory = directory_of(path);
    match error.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => HistoryError::DiskFull { directory },
        Some(ErrorCode::ReadOnly) => HistoryError::Unwritable {
            directory,
            reason: "the file or its directory is read-only".to_string(),
        },
        Some(ErrorCode::PermissionDenied) => HistoryError::Unwritable {
            directory,
            reason: "permission denied".to_string(),
        },
        Some(ErrorCode::CannotOpen) => HistoryError::Unwritable {
            directory,
            reason: "the file or its journal cannot be opened".to_string(),
        },
        _ => HistoryError::Database {
            path: path.to_path_buf(),
            source: error,
        },
    }
}
