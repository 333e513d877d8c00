//! The terminal lent to an interactive session: the UI's key events paused
//! (so no key is read by two readers), the raw bytes typed on the tty,
//! the program's standard output, and window sizes on SIGWINCH. Raw mode
//! stays on throughout; leaving and re-entering the alternate screen is the
//! session's (`TerminalSession::suspend` and `resume`).

use std::io::{self, IsTerminal};
use std::os::fd::{AsRawFd, RawFd};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crossterm::event::{Event, EventStream};
use futures::{Stream, StreamExt};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

#[derive(Default)]
struct Switched {
    events: Option<EventStream>,
    paused: bool,
    waker: Option<Waker>,
}

/// The UI's key events, which can be paused while a session reads the tty.
/// Pausing drops crossterm's reader, which stops its background poll.
#[derive(Clone, Default)]
pub struct EventsSwitch(Arc<Mutex<Switched>>);

impl EventsSwitch {
    pub fn new() -> EventsSwitch {
        EventsSwitch::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Switched> {
        match self.0.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Stop reading key events.
    pub fn pause(&self) {
        let mut switched = self.lock();
        switched.paused = true;
        switched.events = None;
    }

    /// Read key events again.
    pub fn resume(&self) {
        let mut switched = self.lock();
        switched.paused = false;
        if let Some(waker) = switched.waker.take() {
            waker.wake();
        }
    }

    /// The events, for the application loop.
    pub fn stream(&self) -> SwitchedEvents {
        SwitchedEvents(self.clone())
    }
}

pub struct SwitchedEvents(EventsSwitch);

impl Stream for SwitchedEvents {
    type Item = io::Result<Event>;

    fn poll_next(self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut switched = self.0.lock();
        if switched.paused {
            switched.waker = Some(context.waker().clone());
            return Poll::Pending;
        }
        switched
            .events
            .get_or_insert_with(EventStream::new)
            .poll_next_unpin(context)
    }
}

/// Bytes typed on the terminal, read on a thread that polls with a short
/// timeout so it can be stopped without leaving a read pending.
pub struct TtyInput {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The receiving end of `TtyInput` as an `AsyncRead`.
pub struct ChannelReader {
    receiver: mpsc::Receiver<Vec<u8>>,
    pending: Vec<u8>,
    offset: usize,
}

impl AsyncRead for ChannelReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
        buffer: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.offset >= self.pending.len() {
            match self.receiver.poll_recv(context) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(Ok(())),
                Poll::Ready(Some(bytes)) => {
                    self.pending = bytes;
                    self.offset = 0;
                }
            }
        }
        let count = buffer.remaining().min(self.pending.len() - self.offset);
        let start = self.offset;
        buffer.put_slice(&self.pending[start..start + count]);
        self.offset += count;
        Poll::Ready(Ok(()))
    }
}

/// How often the reader thread looks at its stop flag.
const POLL_INTERVAL_MS: i32 = 50;

/// Wait up to `POLL_INTERVAL_MS` for `fd` to be readable.
fn readable(fd: RawFd) -> io::Result<bool> {
    let mut descriptor = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd, and its count is 1.
    let ready = unsafe { libc::poll(&mut descriptor, 1, POLL_INTERVAL_MS) };
    if ready < 0 {
        let error = io::Error::last_os_error();
        return if error.kind() == io::ErrorKind::Interrupted {
            Ok(false)
        } else {
            Err(error)
        };
    }
    Ok(ready > 0)
}

/// Read what is available on `fd` (poll said it is readable, so this does not block).
fn read_available(fd: RawFd, buffer: &mut [u8]) -> io::Result<usize> {
    // SAFETY: the buffer is valid for writes of its length.
    let count = unsafe { libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len()) };
    if count < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(count as usize)
    }
}

impl TtyInput {
    /// Start reading the controlling terminal: standard input if it is a
    /// tty, else `/dev/tty`.
    pub fn start() -> io::Result<(TtyInput, ChannelReader)> {
        let device = if io::stdin().is_terminal() {
            None
        } else {
            Some(std::fs::File::open("/dev/tty")?)
        };
        let stop = Arc::new(AtomicBool::new(false));
        let (sender, receiver) = mpsc::channel::<Vec<u8>>(64);
        let stopped = stop.clone();
        let thread = std::thread::Builder::new()
            .name("tty-input".to_string())
            .spawn(move || {
                let fd = device
                    .as_ref()
                    .map_or(libc::STDIN_FILENO, |file| file.as_raw_fd());
                let mut buffer = [0u8; 4096];
                while !stopped.load(Ordering::SeqCst) {
                    match readable(fd) {
                        Ok(false) => continue,
                        Ok(true) => {}
                        Err(_) => return,
                    }
                    match read_available(fd, &mut buffer) {
                        Ok(0) => return,
                        Ok(count) => {
                            if sender.blocking_send(buffer[..count].to_vec()).is_err() {
                                return;
                            }
                        }
                        Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                        Err(_) => return,
                    }
                }
            })?;
        Ok((
            TtyInput {
                stop,
                thread: Some(thread),
            },
            ChannelReader {
                receiver,
                pending: Vec::new(),
                offset: 0,
            },
        ))
    }

    /// Stop reading; returns once no read is pending.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for TtyInput {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The task that listens for window changes, and the sizes it reports.
pub type WindowSizes = (tokio::task::JoinHandle<()>, mpsc::Receiver<(u16, u16)>);

/// Window sizes (columns, rows) as they change, until the task is aborted.
pub fn window_sizes() -> io::Result<WindowSizes> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut changes = signal(SignalKind::window_change())?;
    let (sender, receiver) = mpsc::channel(8);
    let task = tokio::spawn(async move {
        while changes.recv().await.is_some() {
            // Let a burst of changes (a window being dragged) settle.
            tokio::time::sleep(Duration::from_millis(20)).await;
            if let Ok(size) = crossterm::terminal::size()
                && sender.send(size).await.is_err()
            {
                return;
            }
        }
    });
    Ok((task, receiver))
}
