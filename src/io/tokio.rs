//! Async adapter over tokio's [`AsyncRead`] and [`AsyncWrite`]: the
//! [`std`](crate::io::std) adapter's shape with `.await`. A
//! [`FrameReader`] hands out one header at a time and then streams its body,
//! never into the next frame; a [`FrameWriter`] cannot send a body of the
//! wrong length.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use unstick::io::tokio::{FrameReader, FrameWriter};
//! use unstick::{Config, Decoder, Encoder};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Upload {
//!     file_name: String,
//!     file_size: u64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let (client, server) = tokio::io::duplex(64);
//! let sender = tokio::spawn(async move {
//!     let mut writer = FrameWriter::new(client, Encoder::<256>::new(Config::default())?);
//!     let file: &[u8] = b"hello"; // any AsyncRead of known length: a File, a slice...
//!     let upload = Upload { file_name: "a.txt".into(), file_size: 5 };
//!     writer.write_frame_from(&upload, &mut &file[..]).await?;
//!     let upload = Upload { file_name: "b.txt".into(), file_size: 6 };
//!     writer.write_frame(&upload, b"world!").await?;
//!     std::io::Result::Ok(()) // dropping the writer closes the stream
//! });
//!
//! let mut reader = FrameReader::new(server, Decoder::<256>::new(Config::default())?);
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
//! [`next_start`](FrameReader::next_start),
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
//! As in [`std`](crate::io::std): each reader and writer owns one buffer
//! of [`BUFFER_SIZE`] bytes (more if the header capacity `N` needs it),
//! allocated once in `new`. Frames that arrive glued together cost one read;
//! the bytes of the next frame stay buffered for it. A body read into a
//! caller's buffer at least as large as the reader's bypasses it and asks the
//! transport for at most the bytes the body still owes.
//!
//! # Errors
//! Everything is an [`io::Error`], mapped as in
//! [`std`](crate::io::std#errors): a stream that ends inside a frame is
//! `UnexpectedEof`, any other decode error `InvalidData`, a refused call
//! `InvalidInput`; the crate's error is the inner error
//! ([`io::Error::get_ref`], [`io::Error::downcast`]). Transport errors pass
//! through unchanged; `Interrupted` is retried. A decode error is final, as
//! in the [`Decoder`].

use std::boxed::Box;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, ErrorKind};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::vec;

use ::tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::framing::FrameDecoder;
use crate::framing::FrameEncoder;
use crate::io::read_buffer::{self, Body, ReadBuffer};
use crate::io::write_buffer::{Pump, WriteBuffer};
use crate::{Config, Decoder, Encoder, Header, RawDecoder, RawEncoder};
#[cfg(doc)]
use crate::{DecodeError, EncodeError, ParseError};

/// Size of the buffer inside each [`FrameReader`] and [`FrameWriter`]
/// (raised to `N + 8` for a header capacity `N` above it).
pub const BUFFER_SIZE: usize = read_buffer::BUFFER_SIZE;

/// Reads frames from an [`AsyncRead`]: a header (or raw prefix), then its body,
/// then the next one. See the [module docs](self) for examples and the error
/// mapping.
///
/// `D` is the decoder: [`Decoder<N>`] for header frames, [`RawDecoder`] for
/// raw frames ([`RawFrameReader`]).
pub struct FrameReader<R, D> {
    inner: R,
    frames: ReadBuffer<D>,
    /// Where `next_header_as` unescapes strings: `N` bytes, allocated on
    /// first use.
    scratch: Box<[u8]>,
}

/// A [`FrameReader`] of raw frames.
pub type RawFrameReader<R> = FrameReader<R, RawDecoder>;

impl<R: AsyncRead + Unpin, D: FrameDecoder> FrameReader<R, D> {
    /// A reader at the start of a stream of frames, driving `decoder`.
    pub fn new(inner: R, decoder: D) -> Self {
        Self {
            inner,
            frames: ReadBuffer::new(decoder),
            scratch: Box::default(),
        }
    }

    /// Reads body bytes of the current frame into `out` and returns how many.
    /// Cancel-safe.
    ///
    /// Returns `Ok(0)` once the body is complete (and between frames, or for
    /// an empty `out`). Never reads past the body: bytes of the next frame
    /// that were already read stay buffered for it. Blocks until at least
    /// one byte is available.
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

    /// The decoder, which knows where the reader stands
    /// ([`Decoder::part`], [`Decoder::header`]).
    pub const fn decoder(&self) -> &D {
        self.frames.decoder()
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

impl<R: AsyncRead + Unpin, const N: usize> FrameReader<R, Decoder<N>> {
    /// Reads the next frame's header, first skipping whatever is left of the
    /// current frame's body. Cancel-safe.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    /// The header borrows the reader: parse it (or copy what you need) before
    /// reading the body with [`read_body`](Self::read_body) or [`AsyncRead`].
    ///
    /// # Errors
    /// The decoder's errors (a stream that ends inside a frame is
    /// `UnexpectedEof`) and transport errors.
    pub async fn next_header(&mut self) -> io::Result<Option<Header<'_>>> {
        if !self.open_frame().await? {
            return Ok(None);
        }
        Ok(self.frames.decoder().header())
    }

    /// Reads the next frame's header into `T`, unescaping JSON strings into
    /// owned fields (`String`, `heapless::String`) through a scratch buffer
    /// of `N` bytes that the reader allocates once. Cancel-safe.
    ///
    /// # Errors
    /// As [`next_header`](Self::next_header), plus `InvalidData` with a
    /// [`ParseError`] inside if the header does not fit `T`. The frame's
    /// body is then still unread: [`skip_body`](Self::skip_body) (or the next
    /// `next_header*` call) passes over it, and the stream goes on.
    pub async fn next_header_as<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        if !self.open_frame().await? {
            return Ok(None);
        }
        if self.scratch.len() < N {
            self.scratch = vec![0; N].into_boxed_slice();
        }
        let Some(header) = self.frames.decoder().header() else {
            return Ok(None);
        };
        Ok(Some(header.parse_unescaped(&mut self.scratch)?))
    }

    /// The configuration this reader was built with.
    pub const fn config(&self) -> &Config {
        self.frames.decoder().config()
    }
}

impl<R: AsyncRead + Unpin> RawFrameReader<R> {
    /// Reads the next raw frame's prefix, first skipping whatever is left of
    /// the current frame's payload, and returns the payload length.
    /// Cancel-safe.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    ///
    /// # Errors
    /// The decoder's errors (a stream that ends inside a frame is
    /// `UnexpectedEof`) and transport errors.
    pub async fn next_start(&mut self) -> io::Result<Option<u64>> {
        if !self.open_frame().await? {
            return Ok(None);
        }
        Ok(Some(self.frames.body_remaining()))
    }

    /// The configuration this reader was built with.
    pub const fn config(&self) -> &Config {
        self.frames.decoder().config()
    }
}

/// Reads the current frame's body: `Ok(())` with nothing filled at its end.
/// See [`FrameReader::read_body`]. Cancel-safe.
impl<R: AsyncRead + Unpin, D: FrameDecoder> AsyncRead for FrameReader<R, D> {
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

impl<R: fmt::Debug, D: fmt::Debug> fmt::Debug for FrameReader<R, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameReader")
            .field("inner", &self.inner)
            .field("decoder", self.frames.decoder())
            .field("buffered", &self.frames.buffered().len())
            .finish_non_exhaustive()
    }
}

/// Writes frames to an [`AsyncWrite`]. No method is cancel-safe. See the [module docs](self) for examples
/// and the error mapping.
///
/// `E` is the encoder: [`Encoder<N>`] for header frames, [`RawEncoder`] for
/// raw frames ([`RawFrameWriter`]). The writer does not buffer what it
/// writes beyond one frame: `write_frame` and
/// [`write_frame_from`](Self::write_frame_from) send a small frame in one
/// `write`, but [`write_header`](Self::write_header) and
/// [`write_body`](Self::write_body) write at once, so wrap a socket in a
/// [`BufWriter`](::tokio::io::BufWriter) when you use them for small pieces
/// (and [`flush`](Self::flush) it).
pub struct FrameWriter<W, E> {
    inner: W,
    frames: WriteBuffer<E>,
}

/// A [`FrameWriter`] of raw frames.
pub type RawFrameWriter<W> = FrameWriter<W, RawEncoder>;

impl<W: AsyncWrite + Unpin, E: FrameEncoder> FrameWriter<W, E> {
    /// A writer between frames, driving `encoder`.
    pub fn new(inner: W, encoder: E) -> Self {
        Self {
            inner,
            frames: WriteBuffer::new(encoder),
        }
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

    /// Writes the rest of the open frame's body from `source`, which must
    /// hold exactly that many bytes, closes the frame and returns how many
    /// bytes were copied.
    ///
    /// After the declared length it reads `source` once more to make sure it
    /// has ended, so give it a source that ends: a file, a slice, or a stream
    /// behind [`AsyncReadExt::take`].
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
    pub async fn write_body_from<S: AsyncRead + Unpin + ?Sized>(
        &mut self,
        source: &mut S,
    ) -> io::Result<u64> {
        self.pump(source, 0).await
    }

    /// Body bytes the open frame still expects, or `None` between frames.
    pub fn remaining(&self) -> Option<u64> {
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

    /// The encoder.
    pub const fn encoder(&self) -> &E {
        self.frames.encoder()
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
    async fn pump<S: AsyncRead + Unpin + ?Sized>(
        &mut self,
        source: &mut S,
        mut pending: usize,
    ) -> io::Result<u64> {
        let owed = self.frames.owed()?;
        let extra = loop {
            match self.frames.pump(pending)? {
                Pump::Flush(full) => {
                    self.inner.write_all(full).await?;
                    pending = 0;
                }
                Pump::Read(room) => {
                    let len = read_retrying(source, room).await?;
                    pending = self.frames.pumped(pending, len)?;
                }
                Pump::Done(probe) => break read_retrying(source, probe).await?,
            }
        };
        let rest = self.frames.source_ended(pending, extra)?;
        self.inner.write_all(rest).await?;
        self.frames.end_frame()?;
        Ok(owed)
    }
}

impl<W: AsyncWrite + Unpin, const N: usize> FrameWriter<W, Encoder<N>> {
    /// Writes the prefix and header of a frame and opens it for the body its
    /// body key declares.
    ///
    /// # Errors
    /// `InvalidInput` with the [`EncodeError`] if the header is refused
    /// (nothing is written); transport errors.
    pub async fn write_header<T: Serialize + ?Sized>(&mut self, header: &T) -> io::Result<()> {
        let head = self.frames.header(header)?;
        self.inner.write_all(head).await
    }

    /// Writes a whole frame whose body is `body`, in one `write` when it
    /// fits the buffer.
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

    /// Writes a whole frame whose body is read from `source`, which must
    /// hold exactly the declared number of bytes, and returns the body
    /// length. A small frame goes out in one `write`.
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header); then, as
    /// [`write_body_from`](Self::write_body_from).
    pub async fn write_frame_from<T: Serialize + ?Sized, S: AsyncRead + Unpin + ?Sized>(
        &mut self,
        header: &T,
        source: &mut S,
    ) -> io::Result<u64> {
        let head = self.frames.open_header(header)?;
        self.pump(source, head).await
    }

    /// The configuration this writer was built with.
    pub const fn config(&self) -> &Config {
        self.frames.encoder().config()
    }
}

impl<W: AsyncWrite + Unpin> RawFrameWriter<W> {
    /// Writes the prefix of a raw frame of `len` payload bytes and opens it.
    ///
    /// # Errors
    /// `InvalidInput` with the [`EncodeError`] if the length is refused
    /// (nothing is written); transport errors.
    pub async fn write_start(&mut self, len: u64) -> io::Result<()> {
        let prefix = self.frames.start(len)?;
        self.inner.write_all(prefix).await
    }

    /// Writes a whole raw frame, in one `write` when it fits the buffer.
    ///
    /// # Errors
    /// As [`write_start`](Self::write_start).
    pub async fn write_frame(&mut self, payload: &[u8]) -> io::Result<()> {
        let (head, rest) = self.frames.frame(payload)?;
        self.inner.write_all(head).await?;
        self.inner.write_all(rest).await
    }

    /// The configuration this writer was built with.
    pub const fn config(&self) -> &Config {
        self.frames.encoder().config()
    }
}

impl<W: fmt::Debug, E: fmt::Debug> fmt::Debug for FrameWriter<W, E> {
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
