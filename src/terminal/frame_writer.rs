//! The buffered writer under the ratatui backend. It keeps a whole frame in
//! memory and hands it to the terminal in one write and one flush, holds back
//! the flushes ratatui asks for in the middle of a synchronized frame, and can
//! be told to drop everything once the terminal has been given back, so a
//! half-drawn frame never lands on the user's shell. It knows nothing about
//! escape sequences or what is drawn.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Buffers writes to `W` until a flush. Pending bytes are dropped, not
/// written, when the writer itself is dropped: the session flushes what it
/// means to send before it lets go.
pub struct FrameWriter<W: Write> {
    inner: W,
    pending: Vec<u8>,
    switches: Arc<WriterSwitches>,
}

/// Flags the session sets from outside, while ratatui owns the writer.
#[derive(Debug, Default)]
pub(crate) struct WriterSwitches {
    holding_flushes: AtomicBool,
    discarding: AtomicBool,
}

impl WriterSwitches {
    /// While holding, `flush` keeps the bytes in memory; the frame is sent by
    /// the first flush after holding stops.
    pub(crate) fn hold_flushes(&self, holding: bool) {
        self.holding_flushes.store(holding, Ordering::SeqCst);
    }

    /// Once discarding, every write and every pending byte is dropped.
    pub(crate) fn discard_everything(&self) {
        self.discarding.store(true, Ordering::SeqCst);
    }

    fn is_holding(&self) -> bool {
        self.holding_flushes.load(Ordering::SeqCst)
    }

    fn is_discarding(&self) -> bool {
        self.discarding.load(Ordering::SeqCst)
    }
}

impl<W: Write> FrameWriter<W> {
    /// A writer in front of `inner`, with room for a typical full frame.
    pub fn new(inner: W) -> FrameWriter<W> {
        FrameWriter {
            inner,
            pending: Vec::with_capacity(16 * 1024),
            switches: Arc::new(WriterSwitches::default()),
        }
    }

    /// The bytes written since the last flush.
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }

    pub(crate) fn switches(&self) -> Arc<WriterSwitches> {
        Arc::clone(&self.switches)
    }
}

impl<W: Write> Write for FrameWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !self.switches.is_discarding() {
            self.pending.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.switches.is_discarding() {
            self.pending.clear();
            return Ok(());
        }
        if self.switches.is_holding() {
            return Ok(());
        }
        if self.pending.is_empty() {
            return Ok(());
        }
        let sent = self.inner.write_all(&self.pending);
        self.pending.clear();
        sent?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct CountingSink {
        bytes: Vec<u8>,
        flushes: usize,
    }

    impl Write for &mut CountingSink {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.bytes.extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            self.flushes += 1;
            Ok(())
        }
    }

    #[test]
    fn bytes_reach_the_terminal_only_on_flush() -> io::Result<()> {
        let mut sink = CountingSink::default();
        {
            let mut writer = FrameWriter::new(&mut sink);
            writer.write_all(b"frame")?;
            assert_eq!(writer.pending_len(), 5);
            writer.flush()?;
            assert_eq!(writer.pending_len(), 0);
        }
        assert_eq!(sink.bytes, b"frame");
        assert_eq!(sink.flushes, 1);
        Ok(())
    }

    #[test]
    fn held_flushes_send_nothing_until_released() -> io::Result<()> {
        let mut sink = CountingSink::default();
        {
            let mut writer = FrameWriter::new(&mut sink);
            let switches = writer.switches();
            switches.hold_flushes(true);
            writer.write_all(b"one")?;
            writer.flush()?;
            writer.write_all(b"two")?;
            writer.flush()?;
            switches.hold_flushes(false);
            writer.flush()?;
        }
        assert_eq!(sink.bytes, b"onetwo");
        assert_eq!(sink.flushes, 1);
        Ok(())
    }

    #[test]
    fn discarding_drops_pending_and_later_bytes() -> io::Result<()> {
        let mut sink = CountingSink::default();
        {
            let mut writer = FrameWriter::new(&mut sink);
            writer.write_all(b"half a frame")?;
            writer.switches().discard_everything();
            writer.write_all(b"more")?;
            writer.flush()?;
        }
        assert!(sink.bytes.is_empty());
        assert_eq!(sink.flushes, 0);
        Ok(())
    }

    #[test]
    fn dropping_the_writer_does_not_send_pending_bytes() -> io::Result<()> {
        let mut sink = CountingSink::default();
        {
            let mut writer = FrameWriter::new(&mut sink);
            writer.write_all(b"unfinished")?;
        }
        assert!(sink.bytes.is_empty());
        Ok(())
    }
}
