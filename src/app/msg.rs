//! The messages that drive the state machine: keys, resizes, the clock and
//! the cluster's reports (`protocol::ClusterEvent`). Only the application
//! loop builds a `Msg`; the I/O side sends `ClusterEvent`s.

use crossterm::event::KeyEvent;
use jiff::Timestamp;

use crate::protocol::ClusterEvent;

/// Everything `update` reacts to. Messages move once through a bounded
/// channel; boxing the large ones would cost an allocation per watch event.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    Tick(Timestamp),
    Cluster(ClusterEvent),
}
