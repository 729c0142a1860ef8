//! Async adapter over [`embedded_io_async`] 0.7 [`Read`] and [`Write`]:
//! `no_std`, no allocation, no read-ahead, for `embassy` and other async
//! embedded executors.
//!
//! The blocking [`embedded`](crate::io::embedded) adapter with `.await`: same
//! methods, same [`Error`] type, same memory use (a reader is its transport
//! plus a [`Decoder<N>`]; a writer adds an [`Encoder<N>`] and `N` bytes to
//! assemble a prefix and header in), and the reader never reads a byte of the
//! next frame. This feature turns on `embedded-io-0_7` for the shared
//! [`Error`].
//!
//! ```
//! use serde::Serialize;
//! use unstick::Config;
//! use unstick::io::embedded_async::{FrameReader, FrameWriter};
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
//! let mut writer = FrameWriter::<_, 32>::new(&mut wire[..], Config::default())?;
//! writer.write_frame(&Reading { sensor: 7, file_size: 2 }, &[0x01, 0x02]).await?;
//! let unused = writer.into_inner().len();
//! let sent = &wire[..wire.len() - unused];
//!
//! let mut reader = FrameReader::<_, 32>::new(sent, Config::default())?;
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
//! [`next_raw`](FrameReader::next_raw), [`read_body`](FrameReader::read_body)
//! and [`skip_body`](FrameReader::skip_body): dropping their future (a
//! `select`, a timeout) loses nothing, and the next call resumes. The
//! writer's methods are not cancel-safe: a dropped write may have sent part
//! of a frame.

use embedded_io_async::{ErrorKind, ErrorType, Read, Write};
use serde::Serialize;

use crate::io::MAX_PREFIX;
use crate::io::embedded::Error;
use crate::io::unbuffered::{STAGE, Unbuffered};
use crate::io::whole_frame::whole_frame_head;
use crate::{Config, ConfigError, Encoder, FrameKind, Header};
#[cfg(doc)]
use crate::{Decoder, EncodeError};

/// Reads frames from an [`embedded_io_async::Read`]: a header, then its body,
/// then the next one. See the [module docs](self).
///
/// `N` is the header capacity of the inner [`Decoder`]; raw frames may use 0.
#[derive(Debug)]
pub struct FrameReader<R, const N: usize> {
    inner: R,
    state: Unbuffered<N>,
}

impl<R: Read, const N: usize> FrameReader<R, N> {
    /// A reader at the start of a stream of frames.
    ///
    /// # Errors
    /// As [`Decoder::new`]: for header frames the header limit must fit in `N`.
    pub fn new(inner: R, config: Config) -> Result<Self, ConfigError> {
        Ok(Self {
            inner,
            state: Unbuffered::new(config)?,
        })
    }

    /// Reads the next frame's header, first skipping whatever is left of the
    /// current frame's body.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    /// The header borrows the reader: parse it (or copy what you need) before
    /// reading the body.
    ///
    /// # Errors
    /// [`Error::Decode`] (a stream that ends inside a frame is a `Truncated*`
    /// error), [`Error::Io`], and [`Error::Encode`] with
    /// [`EncodeError::WrongKind`] if the reader is configured for raw frames.
    pub async fn next_header(&mut self) -> Result<Option<Header<'_>>, Error<R::Error>> {
        self.state.expect_kind(FrameKind::Header)?;
        self.skip_body().await?;
        let mut stage = [0u8; STAGE];
        let last = loop {
            let want = self.state.head_want(STAGE);
            let len = self.read(&mut stage[..want]).await?;
            if self.state.completes_header(len) {
                break len;
            }
            if !self.state.commit(&stage[..len])? {
                return Ok(None);
            }
        };
        self.state.header(&stage[..last]).map(Some)
    }

    /// Reads the next raw frame's prefix, first skipping whatever is left of
    /// the current frame's payload, and returns the payload length.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    ///
    /// # Errors
    /// As [`next_header`](Self::next_header); [`EncodeError::WrongKind`] if
    /// the reader is configured for header frames.
    pub async fn next_raw(&mut self) -> Result<Option<u64>, Error<R::Error>> {
        self.state.expect_kind(FrameKind::Raw)?;
        self.skip_body().await?;
        let mut stage = [0u8; MAX_PREFIX];
        while self.state.in_prefix() {
            let want = self.state.head_want(MAX_PREFIX);
            let len = self.read(&mut stage[..want]).await?;
            if !self.state.commit(&stage[..len])? {
                return Ok(None);
            }
        }
        Ok(Some(self.state.body_remaining()))
    }

    /// Reads body bytes of the current frame into `out` and returns how many.
    ///
    /// Returns `Ok(0)` once the body is complete (and between frames, or for
    /// an empty `out`). Never reads past the body. Waits until at least one
    /// byte is available.
    ///
    /// # Errors
    /// [`Error::Decode`] with
    /// [`DecodeError::TruncatedBody`](crate::DecodeError::TruncatedBody) if
    /// the stream ends inside the body; [`Error::Io`].
    pub async fn read_body(&mut self, out: &mut [u8]) -> Result<usize, Error<R::Error>> {
        let Some(want) = self.state.body_want(out.len())? else {
            return Ok(0);
        };
        let len = self.read(&mut out[..want]).await?;
        self.state.commit(&out[..len])?;
        Ok(len)
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
        self.state.body_remaining()
    }

    /// The configuration this reader was built with.
    pub const fn config(&self) -> &Config {
        self.state.config()
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

impl<R: Read, const N: usize> ErrorType for FrameReader<R, N>
where
    R::Error: 'static,
{
    type Error = Error<R::Error>;
}

/// Reads the current frame's body: `Ok(0)` at its end. See
/// [`FrameReader::read_body`].
impl<R: Read, const N: usize> Read for FrameReader<R, N>
where
    R::Error: 'static,
{
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        self.read_body(buf).await
    }
}

/// Writes frames to an [`embedded_io_async::Write`]. See the
/// [module docs](self).
///
/// `N` is the header capacity of the inner [`Encoder`] and the size of the
/// buffer in which a prefix and its header are assembled: a header may take
/// `N` minus the prefix width bytes (a longer one is refused with
/// [`EncodeError::BufferTooSmall`], before anything is written). Body bytes
/// go straight from your slice to the transport.
#[derive(Debug)]
pub struct FrameWriter<W, const N: usize> {
    inner: W,
    encoder: Encoder<N>,
    head: [u8; N],
}

impl<W: Write, const N: usize> FrameWriter<W, N> {
    /// A writer between frames.
    ///
    /// # Errors
    /// As [`Encoder::new`]: for header frames the header limit must fit in `N`.
    pub fn new(inner: W, config: Config) -> Result<Self, ConfigError> {
        Ok(Self {
            inner,
            encoder: Encoder::new(config)?,
            head: [0; N],
        })
    }

    /// Writes the prefix and header of a header frame and opens it for the
    /// body its body key declares.
    ///
    /// # Errors
    /// [`Error::Encode`] if the header is refused (nothing is written);
    /// [`Error::Io`].
    pub async fn write_header<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
    ) -> Result<(), Error<W::Error>> {
        let len = self
            .encoder
            .header(header, &mut self.head)
            .map_err(Error::Encode)?;
        self.inner
            .write_all(&self.head[..len])
            .await
            .map_err(Error::Io)
    }

    /// Writes the prefix of a raw frame of `len` payload bytes and opens it.
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header).
    pub async fn write_raw_start(&mut self, len: u64) -> Result<(), Error<W::Error>> {
        let mut prefix = [0u8; MAX_PREFIX];
        let written = self.encoder.raw(len, &mut prefix).map_err(Error::Encode)?;
        self.inner
            .write_all(&prefix[..written])
            .await
            .map_err(Error::Io)
    }

    /// Writes the next body bytes of the open frame.
    ///
    /// # Errors
    /// [`Error::Encode`] with [`EncodeError::BodyOverrun`] if the frame
    /// expects fewer bytes (nothing is written), or
    /// [`EncodeError::NoFrameInProgress`]; [`Error::Io`].
    pub async fn write_body(&mut self, chunk: &[u8]) -> Result<(), Error<W::Error>> {
        let chunk = self.encoder.body(chunk).map_err(Error::Encode)?;
        self.inner.write_all(chunk).await.map_err(Error::Io)
    }

    /// Closes the open frame, which must have had its whole body.
    ///
    /// # Errors
    /// [`Error::Encode`] with [`EncodeError::BodyUnderrun`] (the frame stays
    /// open) or [`EncodeError::NoFrameInProgress`].
    pub fn end_frame(&mut self) -> Result<(), Error<W::Error>> {
        self.encoder.end_frame().map_err(Error::Encode)
    }

    /// Writes a whole header frame whose body is `body`.
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
        let len = whole_frame_head(&mut self.encoder, header, body, &mut self.head)
            .map_err(Error::Encode)?;
        self.inner
            .write_all(&self.head[..len])
            .await
            .map_err(Error::Io)?;
        self.inner.write_all(body).await.map_err(Error::Io)
    }

    /// Body bytes the open frame still expects, or `None` between frames.
    pub const fn remaining(&self) -> Option<u64> {
        self.encoder.remaining()
    }

    /// Flushes the transport.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub async fn flush(&mut self) -> Result<(), Error<W::Error>> {
        self.inner.flush().await.map_err(Error::Io)
    }

    /// The configuration this writer was built with.
    pub const fn config(&self) -> &Config {
        self.encoder.config()
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
