//! The view's text about its lines: each source's prefix, the streams'
//! state for the status line, and what a save writes.

use jiff::Timestamp;

use super::{LogView, SourceView};
use crate::model::log_buffer::SourceId;
use crate::model::safe_text::SafeText;
use crate::protocol::logs::{LogTarget, StreamState, VIEW_SOURCE};

impl LogView {
    /// The file name a save of this view gets.
    pub fn file_name(&self, now: Timestamp) -> String {
        let title: String = self
            .target
            .title()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("{title}-{}.log", now.strftime("%Y%m%dT%H%M%SZ"))
    }

    /// The text a save writes: the lines shown (filtered or all), with the
    /// container of each line when there are several, and timestamps when
    /// they are on.
    pub fn saved_text(&self) -> (String, usize) {
        let mut text = String::new();
        let mut count = 0;
        for index in 0..self.visible_len() {
            let Some(seq) = self.visible_seq(index) else {
                continue;
            };
            let Some(line) = self.buffer.get(seq) else {
                continue;
            };
            if self.timestamps
                && let Some(time) = line.timestamp
            {
                text.push_str(&time.to_string());
                text.push(' ');
            }
            if self.several_sources()
                && let Some(prefix) = self.prefix(source_number(line.source))
            {
                text.push_str(prefix.as_str());
                text.push(' ');
            }
            text.push_str(line.text.as_str());
            text.push('\n');
            count += 1;
        }
        (text, count)
    }

    /// The prefix of a source's lines; none for the view's own notices.
    pub fn prefix(&self, source: u32) -> Option<&SafeText> {
        if source == VIEW_SOURCE {
            return None;
        }
        self.source(source).map(|view| &view.prefix)
    }

    /// A short account of the streams for the status line: the worst
    /// state wins (failed, reconnecting, waiting).
    pub fn stream_summary(&self) -> Option<(bool, SafeText)> {
        let name = |s: &SourceView| match self.target {
            LogTarget::Selector { .. } => format!("{}/{}", s.source.pod, s.source.container),
            _ => s.source.container.clone(),
        };
        let worst = self
            .sources
            .iter()
            .filter_map(|s| match &s.state {
                StreamState::Failed(why) => Some((0, true, format!("{}: {why}", name(s)))),
                StreamState::Reconnecting { attempt, reason } => Some((
                    1,
                    true,
                    format!("reconnecting {} (attempt {attempt}): {reason}", name(s)),
                )),
                // "starting" is what the view says while loading.
                StreamState::Waiting(why) if why != "starting" => {
                    Some((2, false, format!("{}: {why}", name(s))))
                }
                StreamState::Ended(why) if !self.several_sources() => {
                    Some((3, false, format!("{}: {why}", name(s))))
                }
                _ => None,
            })
            .min_by_key(|(rank, ..)| *rank)?;
        Some((worst.1, SafeText::from_untrusted(&worst.2)))
    }
}

/// The buffer's source id of a reading's source number.
pub(super) fn source_id(source: u32) -> SourceId {
    if source == VIEW_SOURCE {
        SourceId(u16::MAX)
    } else {
        SourceId(u16::try_from(source).unwrap_or(u16::MAX - 1))
    }
}

/// The reading's source number of a buffer's source id.
pub fn source_number(id: SourceId) -> u32 {
    if id.0 == u16::MAX {
        VIEW_SOURCE
    } else {
        u32::from(id.0)
    }
}
