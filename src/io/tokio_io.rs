//! Async adapter over tokio's [`AsyncRead`] and [`AsyncWrite`]: the
//! [`std_io`](crate::io::std_io) adapter's shape with `.await`. A
//! [`FrameReader`] hands out one header at a time and then streams its body,
//! never into the next frame; a [`FrameWriter`] cannot send a body of the
//! wrong length.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use unstick::Config;
//! use unstick::io::tokio_io::{FrameReader, FrameWriter};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Upload {
//!     file_name: String,
//!     file_size: u64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let (client, server) = tokio::io::duplex(64);
//! let sender = tokio::spawn(async move {
//!     let mut writer = FrameWriter::<_, 256>::new(client, Config::default())?;
//!     let file: &[u8] = b"hello"; // any AsyncRead of known length: a File, a slice...
//!     let upload = Upload { file_name: "a.txt".into(), file_size: 5 };
//!     writer.write_frame_from(&upload, &mut &file[..]).await?;
//!     let upload = Upload { file_name: "b.txt".into(), file_size: 6 };
//!     writer.write_frame(&upload, b"world!").await?;
//!     Ok::<_, Box<dyn std::error::Error + Send + Sync>>(()) // dropping the writer closes the stream
//! });
//!
//! let mut reader = FrameReader::<_, 256>::new(server, Config::default())?;
//! let mut files = Vec::new();
//! while let Some(upload) = reader.next_header_as::<Upload>().await? {
//!     let mut body = Vec::new();
//!     tokio::io::copy(&mut reader, &mut body).await?; // stops at the end of this body
//!     assert_eq!(body.len() as u64, upload.file_size);
//!     files.push((upload.file_name, body));
//! }
//! sender.await??;
//! assert_eq!(files[0], ("a.txt".to_owned(), b"hello".to_vec()));
//! assert_eq!(files[1], ("b.txt".to_owned(), b"world!".to_vec()));
//! # Ok(())
//! # }
//! ```
//!
//! # Cancellation safety
//! Every [`FrameReader`] method that awaits keeps all of its progress in the
//! reader (its buffer and its [`Decoder`]) and only awaits single reads of the
//! transport, so dropping its future (in `tokio::select!`, or on a
//! `tokio::time::timeout`) loses no byte: call it again and it resumes. These
//! are cancel-safe, provided the transport's `poll_read` is (tokio's sockets,
//! pipes and `DuplexStream` are):
//! [`next_header`](FrameReader::next_header),
//! [`next_header_as`](FrameReader::next_header_as),
//! [`next_raw`](FrameReader::next_raw),
//! [`read_body`](FrameReader::read_body),
//! [`skip_body`](FrameReader::skip_body), and the reader's [`AsyncRead`]
//! implementation.
//!
//! No [`FrameWriter`] method that awaits is cancel-safe: like
//! [`AsyncWriteExt::write_all`], a dropped future may have written part of
//! its bytes, and the peer then sees a broken frame. Close the connection
//! after cancelling a write.
//!
//! # Buffers
//! As in [`std_io`](crate::io::std_io): each reader and writer owns one buffer
//! of [`BUFFER_SIZE`] bytes (more if the header capacity `N` needs it),
//! allocated once in `new`. Frames that arrive glued together cost one read;
//! the bytes of the next frame stay buffered for it. A body read into a
//! caller's buffer at least as large as the reader's bypasses it and asks the
//! transport for at most the bytes the body still owes.
//!
//! # Errors
//! Everything is an [`io::Error`], mapped as in
//! [`std_io`](crate::io::std_io#errors): a stream that ends inside a frame is
//! `UnexpectedEof`, any other decode error `InvalidData`, a refused call
//! `InvalidInput`; the crate's error is the inner error
//! ([`io::Error::get_ref`], [`io::Error::downcast`]). Transport errors pass
//! through unchanged; `Interrupted` is retried. A decode error is final, as
//! in the [`Decoder`].

use std::fmt;
use std::future::poll_fn;
use std::io::{self, ErrorKind};
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

use crate::io::read_buffer::{self, Body, ReadBuffer, parse_header};
use crate::io::write_buffer::{Pump, WriteBuffer};
use crate::{Config, ConfigError, FrameKind, Header};
#[cfg(doc)]
use crate::{DecodeError, Decoder, EncodeError, Encoder, Error};

/// Size of the buffer inside each [`FrameReader`] and [`FrameWriter`]
/// (raised to `N + 8` for a header capacity `N` above it).
pub const BUFFER_SIZE: usize = read_buffer::BUFFER_SIZE;

/// Reads frames from an [`AsyncRead`]: a header, then its body, then the next
/// one. See the [module docs](self) for an example, cancellation safety and
/// the error mapping.
///
/// `N` is the header capacity of the inner [`Decoder`].
pub struct FrameReader<R, const N: usize> {
    inner: R,
    frames: ReadBuffer<N>,
}

impl<R: AsyncRead + Unpin, const N: usize> FrameReader<R, N> {
    /// A reader at the start of a stream of frames.
    ///
    /// # Errors
    /// As [`Decoder::new`]: for header frames the header limit must fit in `N`.
    pub fn new(inner: R, config: Config) -> Result<Self, ConfigError> {
        Ok(Self {
            inner,
            frames: ReadBuffer::new(config)?,
        })
    }

    /// Reads the next frame's header, first skipping whatever is left of the
    /// current frame's body. Cancel-safe.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    /// The header borrows the reader: parse it (or copy what you need) before
    /// reading the body with [`read_body`](Self::read_body) or [`AsyncRead`].
    ///
    /// # Errors
    /// The decoder's errors (a stream that ends inside a frame is
    /// `UnexpectedEof`), transport errors, and `InvalidInput` if the reader
    /// is configured for raw frames.
    pub async fn next_header(&mut self) -> io::Result<Option<Header<'_>>> {
        self.frames.expect_kind(FrameKind::Header)?;
        if !self.open_frame().await? {
            return Ok(None);
        }
        self.frames.header().map(Some)
    }

    /// Reads the next frame's header into `T`, unescaping JSON strings into
    /// owned fields (`String`, `heapless::String`), through a scratch buffer
    /// of `N` bytes. Cancel-safe.
    ///
    /// # Errors
    /// As [`next_header`](Self::next_header), plus `InvalidData` with
    /// [`Error::Parse`] inside if the header does not fit `T`. The frame's
    /// body is then still unread: [`skip_body`](Self::skip_body) (or the next
    /// `next_header*` call) passes over it, and the stream goes on.
    pub async fn next_header_as<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        match self.next_header().await? {
            Some(header) => parse_header::<T, N>(header).map(Some),
            None => Ok(None),
        }
    }

    /// Reads the next raw frame's prefix, first skipping whatever is left of
    /// the current frame's payload, and returns the payload length.
    /// Cancel-safe.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    ///
    /// # Errors
    /// As [`next_header`](Self::next_header); `InvalidInput` if the reader is
    /// configured for header frames.
    pub async fn next_raw(&mut self) -> io::Result<Option<u64>> {
        self.frames.expect_kind(FrameKind::Raw)?;
        if !self.open_frame().await? {
            return Ok(None);
        }
        Ok(Some(self.frames.body_remaining()))
    }

    /// Reads body bytes of the current frame into `out` and returns how many.
    /// Cancel-safe.
    ///
    /// Returns `Ok(0)` once the body is complete (and between frames, or for
    /// an empty `out`). Never reads past the body: bytes of the next frame
    /// that were already read stay buffered for it. Waits until at least one
    /// byte is available.
    ///
    /// # Errors
    /// `UnexpectedEof` ([`DecodeError::TruncatedBody`]) if the stream ends
    /// inside the body; transport errors.
    pub async fn read_body(&mut self, out: &mut [u8]) -> io::Result<usize> {
        poll_fn(|cx| self.poll_read_body(cx, out)).await
    }

    /// Reads and discards the rest of the current body and returns how many
    /// bytes were skipped; afterwards the reader stands between two frames.
    /// Cancel-safe (a cancelled call may have skipped some bytes; the next
    /// call skips the rest).
    ///
    /// # Errors
    /// As [`read_body`](Self::read_body).
    pub async fn skip_body(&mut self) -> io::Result<u64> {
        let mut skipped = 0;
        loop {
            match self.frames.body_step(usize::MAX)? {
                Body::Read(spare) => {
                    let len = read_retrying(&mut self.inner, spare).await?;
                    self.frames.commit(len)?;
                }
                Body::Chunk([]) => return Ok(skipped),
                Body::Chunk(chunk) => skipped += chunk.len() as u64,
            }
        }
    }

    /// Body bytes of the current frame not yet read (0 between frames).
    pub fn body_remaining(&self) -> u64 {
        self.frames.body_remaining()
    }

    /// The configuration this reader was built with.
    pub const fn config(&self) -> &Config {
        self.frames.config()
    }

    /// Bytes read from the transport but not yet decoded: the start of the
    /// next frame(s), or of the rest of this body.
    pub fn buffer(&self) -> &[u8] {
        self.frames.buffered()
    }

    /// The transport.
    pub const fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The transport. Reading from it directly desynchronises the reader.
    pub const fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The transport; the bytes in [`buffer`](Self::buffer) are lost.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// [`read_body`](Self::read_body) as a poll function, for the
    /// [`AsyncRead`] implementation.
    fn poll_read_body(&mut self, cx: &mut Context<'_>, out: &mut [u8]) -> Poll<io::Result<usize>> {
        if let Some(want) = self.frames.direct_len(out.len()) {
            let len = ready!(poll_read_retrying(&mut self.inner, cx, &mut out[..want]))?;
            return Poll::Ready(self.frames.commit_direct(&out[..len]));
        }
        loop {
            match self.frames.body_step(out.len())? {
                Body::Read(spare) => {
                    let len = ready!(poll_read_retrying(&mut self.inner, cx, spare))?;
                    self.frames.commit(len)?;
                }
                Body::Chunk(chunk) => {
                    out[..chunk.len()].copy_from_slice(chunk);
                    return Poll::Ready(Ok(chunk.len()));
                }
            }
        }
    }

    /// Reads until the next frame is open (see
    /// [`ReadBuffer::frame_spare`]); `false` at a clean end of the stream.
    /// Cancel-safe: every read is committed before the next await.
    async fn open_frame(&mut self) -> io::Result<bool> {
        while let Some(spare) = self.frames.frame_spare()? {
            let len = read_retrying(&mut self.inner, spare).await?;
            if !self.frames.commit(len)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

/// Reads the current frame's body: `Ok(())` with nothing filled at its end.
/// See [`FrameReader::read_body`]. Cancel-safe.
impl<R: AsyncRead + Unpin, const N: usize> AsyncRead for FrameReader<R, N> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let len = ready!(self.get_mut().poll_read_body(cx, buf.initialize_unfilled()))?;
        buf.advance(len);
        Poll::Ready(Ok(()))
    }
}

impl<R: fmt::Debug, const N: usize> fmt::Debug for FrameReader<R, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameReader")
            .field("inner", &self.inner)
            .field("decoder", self.frames.decoder())
            .field("buffered", &self.frames.buffered().len())
            .finish_non_exhaustive()
    }
}

/// Writes frames to an [`AsyncWrite`]. See the [module docs](self) for an
/// example and the error mapping. No method is cancel-safe.
///
/// `N` is the header capacity of the inner [`Encoder`]. The writer does not
/// buffer what it writes beyond one frame: [`write_frame`](Self::write_frame)
/// and [`write_frame_from`](Self::write_frame_from) send a small frame in one
/// write, but [`write_header`](Self::write_header) and
/// [`write_body`](Self::write_body) write at once, so wrap a socket in a
/// [`BufWriter`](tokio::io::BufWriter) when you use them for small pieces
/// (and [`flush`](Self::flush) it).
pub struct FrameWriter<W, const N: usize> {
    inner: W,
    frames: WriteBuffer<N>,
}

impl<W: AsyncWrite + Unpin, const N: usize> FrameWriter<W, N> {
    /// A writer between frames.
    ///
    /// # Errors
    /// As [`Encoder::new`]: for header frames the header limit must fit in `N`.
    pub fn new(inner: W, config: Config) -> Result<Self, ConfigError> {
        Ok(Self {
            inner,
            frames: WriteBuffer::new(config)?,
        })
    }

    /// Writes the prefix and header of a header frame and opens it for the
    /// body its body key declares.
    ///
    /// # Errors
    /// `InvalidInput` with the [`EncodeError`] if the header is refused
    /// (nothing is written); transport errors.
    pub async fn write_header<T: Serialize + ?Sized>(&mut self, header: &T) -> io::Result<()> {
        let head = self.frames.header(header)?;
        self.inner.write_all(head).await
    }

    /// Writes the prefix of a raw frame of `len` payload bytes and opens it.
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header).
    pub async fn write_raw_start(&mut self, len: u64) -> io::Result<()> {
        let prefix = self.frames.raw(len)?;
        self.inner.write_all(prefix).await
    }

    /// Writes the next body bytes of the open frame.
    ///
    /// # Errors
    /// `InvalidInput` with [`EncodeError::BodyOverrun`] if the frame expects
    /// fewer bytes (nothing is written), or
    /// [`EncodeError::NoFrameInProgress`]; transport errors.
    pub async fn write_body(&mut self, chunk: &[u8]) -> io::Result<()> {
        let chunk = self.frames.body(chunk)?;
        self.inner.write_all(chunk).await
    }

    /// Closes the open frame, which must have had its whole body.
    ///
    /// # Errors
    /// `InvalidInput` with [`EncodeError::BodyUnderrun`] (the frame stays
    /// open) or [`EncodeError::NoFrameInProgress`].
    pub fn end_frame(&mut self) -> io::Result<()> {
        self.frames.end_frame()
    }

    /// Writes a whole header frame whose body is `body`, in one write when
    /// it fits the buffer.
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header), and `InvalidInput` with
    /// [`EncodeError::BodyLenMismatch`] if `body` is not as long as the
    /// header declares. On these errors nothing is written.
    pub async fn write_frame<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        body: &[u8],
    ) -> io::Result<()> {
        let (head, rest) = self.frames.frame(header, body)?;
        self.inner.write_all(head).await?;
        self.inner.write_all(rest).await
    }

    /// Writes a whole header frame whose body is read from `source`, which
    /// must hold exactly the declared number of bytes, and returns the body
    /// length. A small frame goes out in one write.
    ///
    /// After the declared length it reads `source` once more to make sure it
    /// has ended, so give it a source that ends: a file, a slice, or a stream
    /// behind [`AsyncReadExt::take`].
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header); then, as
    /// [`write_body_from`](Self::write_body_from).
    pub async fn write_frame_from<T, S>(&mut self, header: &T, source: &mut S) -> io::Result<u64>
    where
        T: Serialize + ?Sized,
        S: AsyncRead + Unpin + ?Sized,
    {
        let head = self.frames.open_header(header)?;
        self.pump(source, head).await
    }

    /// Writes the rest of the open frame's body from `source`, which must
    /// hold exactly that many bytes, closes the frame and returns how many
    /// bytes were copied. Reads `source` once more at the end, as
    /// [`write_frame_from`](Self::write_frame_from) does.
    ///
    /// # Errors
    /// - `UnexpectedEof` with [`EncodeError::BodyUnderrun`] if `source` ends
    ///   early, and `InvalidData` with [`EncodeError::BodyOverrun`] if it runs
    ///   long. The last buffered part of the frame is then not written, so
    ///   the peer can never mistake it for a complete body, and the frame is
    ///   abandoned. If the frame did not fit the buffer, part of it was
    ///   already written and the stream is broken: close it.
    /// - `InvalidInput` with [`EncodeError::NoFrameInProgress`]; transport
    ///   errors.
    pub async fn write_body_from<S>(&mut self, source: &mut S) -> io::Result<u64>
    where
        S: AsyncRead + Unpin + ?Sized,
    {
        self.pump(source, 0).await
    }

    /// Body bytes the open frame still expects, or `None` between frames.
    pub const fn remaining(&self) -> Option<u64> {
        self.frames.encoder().remaining()
    }

    /// Flushes the transport.
    ///
    /// # Errors
    /// Transport errors.
    pub async fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().await
    }

    /// Flushes and shuts down the transport's write side (for a TCP stream:
    /// sends FIN, so the peer's reader sees a clean end between frames).
    ///
    /// # Errors
    /// Transport errors.
    pub async fn shutdown(&mut self) -> io::Result<()> {
        self.inner.shutdown().await
    }

    /// The configuration this writer was built with.
    pub const fn config(&self) -> &Config {
        self.frames.encoder().config()
    }

    /// The transport.
    pub const fn get_ref(&self) -> &W {
        &self.inner
    }

    /// The transport. Writing to it directly corrupts the stream of frames.
    pub const fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// The transport.
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Copies the open frame's body from `source` through the buffer, whose
    /// first `pending` bytes are already part of the frame, then checks that
    /// `source` has ended, writes what is pending and closes the frame;
    /// returns the body length.
    async fn pump<S>(&mut self, source: &mut S, mut pending: usize) -> io::Result<u64>
    where
        S: AsyncRead + Unpin + ?Sized,
    {
        let owed = self.frames.owed()?;
        loop {
            match self.frames.pump(pending)? {
                Pump::Flush(full) => {
                    self.inner.write_all(full).await?;
                    pending = 0;
                }
                Pump::Read(room) => {
                    let len = read_retrying(source, room).await?;
                    pending = self.frames.pumped(pending, len)?;
                }
                Pump::Done => break,
            }
        }
        let extra = read_retrying(source, &mut [0u8; 1]).await?;
        let rest = self.frames.source_ended(pending, extra)?;
        self.inner.write_all(rest).await?;
        self.frames.end_frame()?;
        Ok(owed)
    }
}

impl<W: fmt::Debug, const N: usize> fmt::Debug for FrameWriter<W, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameWriter")
            .field("inner", &self.inner)
            .field("encoder", self.frames.encoder())
            .finish_non_exhaustive()
    }
}

/// `AsyncReadExt::read`, retried on `Interrupted`. Cancel-safe.
async fn read_retrying<S>(source: &mut S, buf: &mut [u8]) -> io::Result<usize>
where
    S: AsyncRead + Unpin + ?Sized,
{
    loop {
        match source.read(buf).await {
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            result => return result,
        }
    }
}

/// One `poll_read` into `buf`, retried on `Interrupted`; the number of bytes
/// read.
fn poll_read_retrying<S>(
    source: &mut S,
    cx: &mut Context<'_>,
    buf: &mut [u8],
) -> Poll<io::Result<usize>>
where
    S: AsyncRead + Unpin + ?Sized,
{
    let mut read = ReadBuf::new(buf);
    loop {
        match ready!(Pin::new(&mut *source).poll_read(cx, &mut read)) {
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => return Poll::Ready(Err(err)),
            Ok(()) => return Poll::Ready(Ok(read.filled().len())),
        }
    }
}
