//! The history file on disk, before SQLite opens it: its directory (made
//! 0700 when missing), the file itself (made 0600 before any byte is
//! written, and tightened to 0600 when found wider: it holds cluster names
//! and log lines), a lock that lets one process at a time check, repair or
//! migrate it, the sniffing of its first bytes, and moving a damaged file
//! and its `-wal` and `-shm` aside as `history.db.corrupt-<UTC time>`.
//! SQLite's own files beside it (`-wal`, `-shm`) take the database file's
//! mode. Owns paths and permissions; no SQL.

use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::error::{HistoryError, directory_of, from_io, io_reason};

/// The first 16 bytes of every SQLite 3 database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// The suffixes of SQLite's files beside a database.
const COMPANIONS: [&str; 2] = ["-wal", "-shm"];

/// Make the file's directory, 0700, with its missing parents. An existing
/// directory keeps its mode (it may be shared, like `~/.local/state`).
pub fn prepare_directory(path: &Path) -> Result<(), HistoryError> {
    let directory = directory_of(path);
    if directory.is_dir() {
        return Ok(());
    }
    // A part of the path that exists and is not a directory: say which.
    let mut ancestor = directory.as_path();
    loop {
        if ancestor.exists() {
            if !ancestor.is_dir() {
                return Err(HistoryError::Unwritable {
                    directory: directory.clone(),
                    reason: format!("{} is not a directory", ancestor.display()),
                });
            }
            break;
        }
        match ancestor.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => ancestor = parent,
            _ => break,
        }
    }
    DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&directory)
        .map_err(|error| HistoryError::Unwritable {
            directory,
            reason: io_reason(&error),
        })
}

/// Held while the file is checked, repaired or migrated: other ktriage
/// processes wait at `open` instead of moving aside a file this one just
/// made. The lock file `history.db.lock` stays beside the history.
pub struct OpenLock {
    _file: File,
}

pub fn lock(path: &Path) -> Result<OpenLock, HistoryError> {
    let lock_path = with_suffix(path, ".lock");
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&lock_path)
        .map_err(|error| from_io(path, &error))?;
    file.lock().map_err(|error| from_io(path, &error))?;
    Ok(OpenLock { _file: file })
}

/// Make the history file empty with mode 0600 if it is missing, else make
/// sure no one but its owner can read it.
pub fn create_private(path: &Path) -> Result<(), HistoryError> {
    match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => tighten(path),
        Err(error) => Err(from_io(path, &error)),
    }
}

fn tighten(path: &Path) -> Result<(), HistoryError> {
    let metadata = fs::metadata(path).map_err(|error| from_io(path, &error))?;
    if !metadata.is_file() {
        return Err(HistoryError::Unwritable {
            directory: directory_of(path),
            reason: format!("{} is not a regular file", path.display()),
        });
    }
    if metadata.permissions().mode() & 0o077 != 0 {
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))
            .map_err(|error| from_io(path, &error))?;
    }
    Ok(())
}

/// What the first bytes of the file say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// No byte yet: SQLite makes a new database.
    Empty,
    Sqlite,
    /// Not an SQLite database.
    Other,
}

pub fn sniff(path: &Path) -> Result<Sniffed, HistoryError> {
    let mut file = File::open(path).map_err(|error| from_io(path, &error))?;
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(count) => read += count,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(from_io(path, &error)),
        }
    }
    Ok(match read {
        0 => Sniffed::Empty,
        16 if &header == SQLITE_HEADER => Sniffed::Sqlite,
        _ => Sniffed::Other,
    })
}

/// Move the file and its `-wal` and `-shm` aside as
/// `<name>.corrupt-<UTC time>` (and `…-wal`, `…-shm`), with `.2`, `.3`…
/// added if that name is taken; returns the new name of the file.
pub fn move_aside(path: &Path, now: Timestamp) -> Result<PathBuf, HistoryError> {
    let stamp = now.strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut target = with_suffix(path, &format!(".corrupt-{stamp}"));
    let mut attempt = 1;
    while target.exists()
        || COMPANIONS
            .iter()
            .any(|companion| with_suffix(&target, companion).exists())
    {
        attempt += 1;
        target = with_suffix(path, &format!(".corrupt-{stamp}.{attempt}"));
    }
    let failed = |error: io::Error| HistoryError::MoveAside {
        path: path.to_path_buf(),
        reason: io_reason(&error),
    };
    fs::rename(path, &target).map_err(failed)?;
    for companion in COMPANIONS {
        let from = with_suffix(path, companion);
        match fs::rename(&from, with_suffix(&target, companion)) {
            Ok(()) => {}
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(error) => return Err(failed(error)),
        }
    }
    Ok(target)
}

/// `path` with `suffix` added to its file name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}
