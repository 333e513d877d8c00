//! How the model's values sit in the history's columns: times as INTEGER
//! microseconds since the Unix epoch, kinds and sources by their names, an
//! owner as four nullable columns. A value that cannot be read back (a name
//! this build does not know, a time out of range) is a conversion error
//! naming its column, never a guess.

use jiff::Timestamp;
use rusqlite::types::Type;

use crate::model::restart::{ContainerKind, Owner, OwnerKind, Source};

/// A time as the history stores it.
pub fn micros(time: Timestamp) -> i64 {
    time.as_microsecond()
}

fn invalid(
    column: usize,
    kind: Type,
    error: impl std::error::Error + Send + Sync + 'static,
) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(column, kind, Box::new(error))
}

/// The time stored as `micros` in `column`.
pub fn time(column: usize, micros: i64) -> rusqlite::Result<Timestamp> {
    Timestamp::from_microsecond(micros).map_err(|error| invalid(column, Type::Integer, error))
}

pub fn optional_time(column: usize, micros: Option<i64>) -> rusqlite::Result<Option<Timestamp>> {
    micros.map(|micros| time(column, micros)).transpose()
}

#[derive(Debug, thiserror::Error)]
#[error("unknown name {0:?}")]
struct UnknownName(String);

pub fn container_kind(column: usize, name: &str) -> rusqlite::Result<ContainerKind> {
    ContainerKind::from_name(name)
        .ok_or_else(|| invalid(column, Type::Text, UnknownName(name.into())))
}

pub fn source(column: usize, name: &str) -> rusqlite::Result<Source> {
    Source::from_name(name).ok_or_else(|| invalid(column, Type::Text, UnknownName(name.into())))
}

/// A count kept as INTEGER.
pub fn count(column: usize, value: i64) -> rusqlite::Result<u32> {
    u32::try_from(value).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(column, value))
}

/// The owner columns of a pod: kind, name, workload, revision.
pub type OwnerColumns = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub fn owner_columns(owner: Option<&Owner>) -> OwnerColumns {
    match owner {
        Some(owner) => (
            Some(owner.kind.as_str().to_string()),
            Some(owner.name.clone()),
            Some(owner.workload.clone()),
            owner.revision.clone(),
        ),
        None => (None, None, None, None),
    }
}

pub fn owner((kind, name, workload, revision): OwnerColumns) -> Option<Owner> {
    let (kind, name) = (kind?, name?);
    Some(Owner {
        kind: OwnerKind::from_name(&kind),
        workload: workload.unwrap_or_else(|| name.clone()),
        name,
        revision,
    })
}
