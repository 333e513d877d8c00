//! Reads of the restart history: handed to the history room's recorder,
//! which answers on the report channel; without a store, the reply says so.
//! Never draws, never imports app/.

use super::Runner;
use crate::model::safe_text::SafeText;
use crate::protocol::ClusterEvent;
use crate::protocol::history::{HistoryEffect, HistoryEvent};

impl Runner {
    pub(super) fn history(&mut self, effect: HistoryEffect) {
        let why = SafeText::from_trusted_static("the history store is not open");
        let event = match effect {
            HistoryEffect::Read { request, .. } => HistoryEvent::Read {
                request,
                result: Err(why),
            },
            HistoryEffect::LastLines { request, .. } => HistoryEvent::LastLines {
                request,
                result: Err(why),
            },
        };
        let sender = self.sender.clone();
        self.spawn("history", async move {
            let _ = sender.send(ClusterEvent::History(event)).await;
        });
    }
}
