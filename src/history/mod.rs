//! Restart history on disk: the SQLite store (`store`, with its schema and
//! migrations in `schema`, its file handling in `file`, the last lines of
//! terminations in `last_lines`, its queries in `query` and its retention
//! in `retention`) and the recorder that runs it
//! on its own thread (`recorder`). It records the model's terminations,
//! gaps, events and last lines (`crate::model::restart`) and answers with
//! the model's timelines and summaries, so the screens never need this
//! module's types. It must not import `app/`, `ui/` or `cluster/`, and must
//! not block the event loop: every store call blocks, and only the
//! recorder's thread makes them.

mod columns;
pub mod error;
mod file;
mod last_lines;
mod query;
pub mod recorder;
pub mod report;
pub mod retention;
pub mod schema;
pub mod store;
pub mod view;

pub use error::HistoryError;
pub use last_lines::LAST_LINES_LIMIT;
pub use recorder::{Recorder, Reply, Status};
pub use retention::{Pruned, Retention, Size};
pub use store::{Counts, Opened, Store};
