//! Async adapter over [`embedded_io_async`] 0.7 [`Read`] and [`Write`]:
//! `no_std`, no allocation, no read-ahead, for `embassy` and other async
//! embedded executors.
//!
//! The blocking [`embedded_io_07`](crate::io::embedded_io_07) adapter with
//! `.await`: same methods, same [`Error`] type, same memory use (a reader is
//! its transport plus its decoder, a writer its transport plus its encoder),
//! and the reader never reads a byte of the next frame. This feature turns
//! on `embedded-io-07` for the shared [`Error`].
//!
//! ```
//! use serde::Serialize;
//! use unstick::io::embedded_io_async_07::{FrameReader, FrameWriter};
//! use unstick::{Config, Decoder, Encoder};
//!
//! #[derive(Serialize)]
//! struct Reading {
//!     sensor: u8,
//!     file_size: u64,
//! }
//!
//! # fn block_on<F: std::future::Future>(future: F) -> F::Output {
//! #     tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
//! # }
//! # block_on(async {
//! let mut wire = [0u8; 64];
//! let mut writer = FrameWriter::new(&mut wire[..], Encoder::<32>::new(Config::default())?);
//! writer.write_frame(&Reading { sensor: 7, file_size: 2 }, &[0x01, 0x02]).await?;
//! let unused = writer.into_inner().len();
//! let sent = &wire[..wire.len() - unused];
//!
//! let mut reader = FrameReader::new(sent, Decoder::<32>::new(Config::default())?);
//! let header = reader.next_header().await?.expect("one frame");
//! assert_eq!(header.json(), r#"{"sensor":7,"file_size":2}"#);
//! let mut body = [0u8; 8];
//! let len = reader.read_body(&mut body).await?;
//! assert_eq!(&body[..len], &[0x01, 0x02]);
//! assert!(reader.next_header().await?.is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! # Cancellation safety
//! The reader's methods await nothing but single reads of the transport, and
//! hand every byte read to the decoder before the next await. If the
//! transport's `read` is cancel-safe (drops no byte when its future is
//! dropped), so are [`next_header`](FrameReader::next_header),
//! [`next_start`](FrameReader::next_start), [`read_body`](FrameReader::read_body)
//! and [`skip_body`](FrameReader::skip_body): dropping their future (a
//! `select`, a timeout) loses nothing, and the next call resumes. The
//! writer's methods are not cancel-safe: a dropped write may have sent part
//! of a frame.

use embedded_io_async::{ErrorKind, ErrorType, Read, Write};
use serde::Serialize;

use crate::framing::{FrameDecoder, FrameEncoder};
use crate::io::MAX_PREFIX;
pub use crate::io::embedded_io_07::Error;
use crate::io::unbuffered::{self, STAGE};
use crate::{Config, Decoder, Encoder, Header, RawDecoder, RawEncoder};
#[cfg(doc)]
use crate::{DecodeError, EncodeError};

/// Reads frames from an [`embedded_io_async::Read`]: a header (or raw prefix), then
/// its body, then the next one. See the [module docs](self).
///
/// `D` is the decoder: [`Decoder<N>`] for header frames, [`RawDecoder`] for
/// raw frames ([`RawFrameReader`]).
#[derive(Debug)]
pub struct FrameReader<R, D> {
    inner: R,
    decoder: D,
}

/// A [`FrameReader`] of raw frames.
pub type RawFrameReader<R> = FrameReader<R, RawDecoder>;

impl<R: Read, D: FrameDecoder> FrameReader<R, D> {
    /// A reader at the start of a stream of frames, driving `decoder`.
    pub const fn new(inner: R, decoder: D) -> Self {
        Self { inner, decoder }
    }

    /// Reads body bytes of the current frame into `out` and returns how many.
    ///
    /// Returns `Ok(0)` once the body is complete (and between frames, or for
    /// an empty `out`). Never reads past the body. Blocks until at least one
    /// byte is available.
    ///
    /// # Errors
    /// [`Error::Decode`] with [`DecodeError::TruncatedBody`] if the stream
    /// ends inside the body; [`Error::Io`].
    pub async fn read_body(&mut self, out: &mut [u8]) -> Result<usize, Error<R::Error>> {
        let want = unbuffered::body_want(&mut self.decoder, out.len())?;
        if want == 0 {
            return Ok(0);
        }
        let len = self.read(&mut out[..want]).await?;
        Ok(unbuffered::body_commit(&mut self.decoder, &out[..len])?)
    }

    /// Reads and discards the rest of the current body and returns how many
    /// bytes were skipped; afterwards the reader stands between two frames.
    ///
    /// # Errors
    /// As [`read_body`](Self::read_body).
    pub async fn skip_body(&mut self) -> Result<u64, Error<R::Error>> {
        let mut stage = [0u8; STAGE];
        let mut skipped = 0;
        loop {
            match self.read_body(&mut stage).await? {
                0 => return Ok(skipped),
                len => skipped += len as u64,
            }
        }
    }

    /// Body bytes of the current frame not yet read (0 between frames).
    pub fn body_remaining(&self) -> u64 {
        unbuffered::body_remaining(&self.decoder)
    }

    /// The decoder, which knows where the reader stands
    /// ([`Decoder::part`], [`Decoder::header`]).
    pub const fn decoder(&self) -> &D {
        &self.decoder
    }

    /// The transport.
    pub const fn get_ref(&self) -> &R {
        &self.inner
    }

    /// The transport. Reading from it directly desynchronises the reader.
    pub const fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// The transport, positioned after the last byte the reader used: on the
    /// next prefix if the reader stands between two frames.
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Reads until the next frame is open, first passing over what is left of
    /// the current one; `false` at a clean end of the stream.
    async fn open_frame(&mut self) -> Result<bool, Error<R::Error>> {
        let mut stage = [0u8; STAGE];
        loop {
            let want = unbuffered::open_want(&mut self.decoder)?;
            let len = self.read(&mut stage[..want]).await?;
            match unbuffered::open_commit(&mut self.decoder, &stage[..len])? {
                Some(true) => return Ok(true),
                Some(false) => {}
                None => return Ok(false),
            }
        }
    }

    /// One read, retried on `Interrupted`; `Ok(0)` at the end of the stream,
    /// and at once for an empty `buf` (the transport is not asked).
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error<R::Error>> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.inner.read(buf).await {
                Err(err) if embedded_io_async::Error::kind(&err) == ErrorKind::Interrupted => {}
                result => return result.map_err(Error::Io),
            }
        }
    }
}

impl<R: Read, const N: usize> FrameReader<R, Decoder<N>> {
    /// Reads the next frame's header, first skipping whatever is left of the
    /// current frame's body. Blocks until the whole header is in.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    /// The header borrows the reader: parse it (or copy what you need) before
    /// reading the body.
    ///
    /// # Errors
    /// [`Error::Decode`] (a stream that ends inside a frame is a `Truncated*`
    /// error) and [`Error::Io`].
    pub async fn next_header(&mut self) -> Result<Option<Header<'_>>, Error<R::Error>> {
        if !self.open_frame().await? {
            return Ok(None);
        }
        Ok(self.decoder.header())
    }

    /// The configuration this reader was built with.
    pub const fn config(&self) -> &Config {
        self.decoder.config()
    }
}

impl<R: Read> RawFrameReader<R> {
    /// Reads the next raw frame's prefix, first skipping whatever is left of
    /// the current frame's payload, and returns the payload length.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    ///
    /// # Errors
    /// As [`FrameReader::next_header`].
    pub async fn next_start(&mut self) -> Result<Option<u64>, Error<R::Error>> {
        if !self.open_frame().await? {
            return Ok(None);
        }
        Ok(Some(self.body_remaining()))
    }

    /// The configuration this reader was built with.
    pub const fn config(&self) -> &Config {
        self.decoder.config()
    }
}

impl<R: Read, D: FrameDecoder> ErrorType for FrameReader<R, D>
where
    R::Error: 'static,
{
    type Error = Error<R::Error>;
}

/// Reads the current frame's body: `Ok(0)` at its end. See
/// [`FrameReader::read_body`].
impl<R: Read, D: FrameDecoder> Read for FrameReader<R, D>
where
    R::Error: 'static,
{
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        self.read_body(buf).await
    }
}

/// Writes frames to an [`embedded_io_async::Write`]. See the [module docs](self).
///
/// `E` is the encoder: [`Encoder<N>`] for header frames (the prefix and
/// header are sent from its buffer), [`RawEncoder`] for raw frames
/// ([`RawFrameWriter`]). Body bytes go straight from your slice to the
/// transport.
#[derive(Debug)]
pub struct FrameWriter<W, E> {
    inner: W,
    encoder: E,
}

/// A [`FrameWriter`] of raw frames.
pub type RawFrameWriter<W> = FrameWriter<W, RawEncoder>;

impl<W: Write, E: FrameEncoder> FrameWriter<W, E> {
    /// A writer between frames, driving `encoder`.
    pub const fn new(inner: W, encoder: E) -> Self {
        Self { inner, encoder }
    }

    /// Writes the next body bytes of the open frame.
    ///
    /// # Errors
    /// [`Error::Encode`] with [`EncodeError::BodyOverrun`] if the frame
    /// expects fewer bytes (nothing is written), or
    /// [`EncodeError::NoFrameInProgress`]; [`Error::Io`].
    pub async fn write_body(&mut self, chunk: &[u8]) -> Result<(), Error<W::Error>> {
        let chunk = self.encoder.body(chunk)?;
        self.inner.write_all(chunk).await.map_err(Error::Io)
    }

    /// Closes the open frame, which must have had its whole body.
    ///
    /// # Errors
    /// [`Error::Encode`] with [`EncodeError::BodyUnderrun`] (the frame stays
    /// open) or [`EncodeError::NoFrameInProgress`].
    pub fn end_frame(&mut self) -> Result<(), Error<W::Error>> {
        Ok(self.encoder.end_frame()?)
    }

    /// Body bytes the open frame still expects, or `None` between frames.
    pub fn remaining(&self) -> Option<u64> {
        self.encoder.remaining()
    }

    /// Flushes the transport.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub async fn flush(&mut self) -> Result<(), Error<W::Error>> {
        self.inner.flush().await.map_err(Error::Io)
    }

    /// The encoder.
    pub const fn encoder(&self) -> &E {
        &self.encoder
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
}

impl<W: Write, const N: usize> FrameWriter<W, Encoder<N>> {
    /// Writes the prefix and header of a frame and opens it for the body its
    /// body key declares.
    ///
    /// # Errors
    /// [`Error::Encode`] if the header is refused (nothing is written);
    /// [`Error::Io`].
    pub async fn write_header<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
    ) -> Result<(), Error<W::Error>> {
        let head = self.encoder.open(header)?;
        self.inner
            .write_all(head.prefix())
            .await
            .map_err(Error::Io)?;
        self.inner.write_all(head.json()).await.map_err(Error::Io)
    }

    /// Writes a whole frame whose body is `body`.
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header), and [`Error::Encode`] with
    /// [`EncodeError::BodyLenMismatch`] if `body` is not as long as the
    /// header declares. On these errors nothing is written.
    pub async fn write_frame<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        body: &[u8],
    ) -> Result<(), Error<W::Error>> {
        let head = self.encoder.frame_head(header, body)?;
        self.inner
            .write_all(head.prefix())
            .await
            .map_err(Error::Io)?;
        self.inner.write_all(head.json()).await.map_err(Error::Io)?;
        self.inner.write_all(body).await.map_err(Error::Io)
    }

    /// The configuration this writer was built with.
    pub const fn config(&self) -> &Config {
        self.encoder.config()
    }
}

impl<W: Write> RawFrameWriter<W> {
    /// Writes the prefix of a raw frame of `len` payload bytes and opens it.
    ///
    /// # Errors
    /// [`Error::Encode`] if the length is refused (nothing is written);
    /// [`Error::Io`].
    pub async fn write_start(&mut self, len: u64) -> Result<(), Error<W::Error>> {
        let mut prefix = [0u8; MAX_PREFIX];
        let written = self.encoder.start(len, &mut prefix)?;
        self.inner
            .write_all(&prefix[..written])
            .await
            .map_err(Error::Io)
    }

    /// Writes a whole raw frame.
    ///
    /// # Errors
    /// As [`write_start`](Self::write_start).
    pub async fn write_frame(&mut self, payload: &[u8]) -> Result<(), Error<W::Error>> {
        self.write_start(payload.len() as u64).await?;
        self.write_body(payload).await?;
        self.end_frame()
    }

    /// The configuration this writer was built with.
    pub const fn config(&self) -> &Config {
        self.encoder.config()
    }
}
