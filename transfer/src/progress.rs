//! Progress on a connection, for idle timeouts: a stream wrapper notes the
//! time of every read or write that moved at least one byte, and a watchdog
//! future resolves once nothing has moved for a given time. A slow but
//! moving transfer is never idle; a peer that neither sends nor reads (so
//! that our writes block) is.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, sleep_until};

/// The time of the last progress on one connection, shared by its streams
/// and its watchdog.
#[derive(Debug, Clone)]
pub struct Progress {
    start: Instant,
    /// Milliseconds from `start` to the last progress.
    last_ms: Arc<AtomicU64>,
}

impl Progress {
    /// A clock whose last progress is now.
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
            last_ms: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Notes progress now.
    pub fn touch(&self) {
        let elapsed = self.start.elapsed().as_millis();
        let elapsed = u64::try_from(elapsed).unwrap_or(u64::MAX);
        self.last_ms.fetch_max(elapsed, Ordering::Relaxed);
    }

    /// Resolves once there has been no progress for `limit`.
    pub async fn stalled(&self, limit: Duration) {
        loop {
            let last = self.start + Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
            let deadline = last + limit;
            if Instant::now() >= deadline {
                return;
            }
            sleep_until(deadline).await;
        }
    }

    /// Wraps `stream` so that its reads and writes count as progress.
    pub fn track<S>(&self, stream: S) -> Tracked<S> {
        Tracked {
            inner: stream,
            progress: self.clone(),
        }
    }
}

/// A stream whose every read or write of at least one byte is progress.
#[derive(Debug)]
pub struct Tracked<S> {
    inner: S,
    progress: Progress,
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        ready!(Pin::new(&mut this.inner).poll_read(cx, buf))?;
        if buf.filled().len() > before {
            this.progress.touch();
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let len = ready!(Pin::new(&mut this.inner).poll_write(cx, buf))?;
        if len > 0 {
            this.progress.touch();
        }
        Poll::Ready(Ok(len))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
