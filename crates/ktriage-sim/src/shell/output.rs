//! Where a simulated command's output goes: standard output and standard error, merged
//! into one stream when a terminal is attached, each capped so that a command cannot
//! make the simulator hold more than a fixed amount. It must not format or interpret.

/// The most a command may write to each stream; the rest is dropped.
const OUTPUT_LIMIT: usize = 1 << 20;

/// Where commands write: separate streams, or one stream when a terminal merges them.
#[derive(Debug, Default)]
pub(super) struct Output {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    merge_streams: bool,
}

impl Output {
    pub fn new(merge_streams: bool) -> Output {
        Output {
            merge_streams,
            ..Output::default()
        }
    }

    pub fn out(&mut self, bytes: &[u8]) {
        append_bounded(&mut self.stdout, bytes);
    }

    pub fn err(&mut self, bytes: &[u8]) {
        let stream = if self.merge_streams {
            &mut self.stdout
        } else {
            &mut self.stderr
        };
        append_bounded(stream, bytes);
    }
}

fn append_bounded(stream: &mut Vec<u8>, bytes: &[u8]) {
    let room = OUTPUT_LIMIT.saturating_sub(stream.len());
    stream.extend_from_slice(&bytes[..bytes.len().min(room)]);
}
