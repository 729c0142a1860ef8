//! Blocking adapter over [`embedded_io`] 0.7 [`Read`] and [`Write`]: `no_std`,
//! no allocation, no read-ahead.
//!
//! The same shape as the [`std_io`](crate::io::std_io) adapter, for UARTs,
//! `embassy`/`smoltcp` sockets behind blocking wrappers, flash files and any
//! other `embedded_io` transport. A [`FrameReader`] hands out one header at a
//! time and then its body; a [`FrameWriter`] cannot send a body of the wrong
//! length.
//!
//! ```
//! use serde::Serialize;
//! use unstick::Config;
//! use unstick::io::embedded::{FrameReader, FrameWriter};
//!
//! #[derive(Serialize)]
//! struct Upload<'a> {
//!     file_name: &'a str,
//!     file_size: u64,
//! }
//!
//! // Sender: two frames into a slice (`&mut [u8]` is an embedded_io::Write).
//! let mut wire = [0u8; 128];
//! let mut writer = FrameWriter::<_, 64>::new(&mut wire[..], Config::default())?;
//! writer.write_frame(&Upload { file_name: "a.txt", file_size: 5 }, b"hello")?;
//! writer.write_header(&Upload { file_name: "b.txt", file_size: 6 })?;
//! writer.write_body(b"wor")?;
//! writer.write_body(b"ld!")?;
//! writer.end_frame()?;
//! let unused = writer.into_inner().len();
//! let sent = &wire[..wire.len() - unused];
//!
//! // Receiver (`&[u8]` is an embedded_io::Read).
//! let mut reader = FrameReader::<_, 64>::new(sent, Config::default())?;
//! let mut body = [0u8; 16];
//! let header = reader.next_header()?.expect("a first frame");
//! assert_eq!(header.body_len(), 5);
//! let len = reader.read_body(&mut body)?;
//! assert_eq!(&body[..len], b"hello");
//! assert_eq!(reader.read_body(&mut body)?, 0); // the body is complete
//! let header = reader.next_header()?.expect("a second frame");
//! assert_eq!(header.json(), r#"{"file_name":"b.txt","file_size":6}"#);
//! assert_eq!(reader.skip_body()?, 6);
//! assert!(reader.next_header()?.is_none()); // a clean end between frames
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Memory
//! Nothing is allocated and nothing grows with the body: a [`FrameReader`] is
//! its transport plus a [`Decoder<N>`]; a [`FrameWriter`] is its transport, an
//! [`Encoder<N>`] and `N` bytes in which the prefix and header are assembled.
//! The reader asks the transport for at most the bytes the current prefix,
//! header or body still needs: it never reads ahead, so it never holds a byte
//! of the next frame, and [`into_inner`](FrameReader::into_inner) between two
//! frames hands back a transport positioned exactly on the next prefix. Body
//! bytes go straight from the transport into your buffer.
//!
//! # Errors
//! [`Error`] wraps the transport's error and the crate's protocol errors. A
//! stream that ends inside a frame is the decoder's truncation error
//! ([`DecodeError::TruncatedBody`] and its siblings, with the missing byte
//! count); a decode error is final, as in the [`Decoder`]. After a transport
//! error the reader can be called again: every byte read was handed to the
//! decoder, so it resumes where it stopped.

use core::fmt;

use embedded_io::{ErrorKind, ErrorType, Read, Write};
use serde::Serialize;

#[cfg(doc)]
use crate::Decoder;
use crate::io::MAX_PREFIX;
use crate::io::unbuffered::{STAGE, Unbuffered};
use crate::io::whole_frame::whole_frame_head;
use crate::{Config, ConfigError, DecodeError, EncodeError, Encoder, FrameKind, Header};

/// What went wrong in a [`FrameReader`] or [`FrameWriter`] over a transport
/// whose error type is `E`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Error<E> {
    /// The transport failed.
    Io(E),
    /// The bytes read are not a valid stream of frames, or the stream ended
    /// inside a frame (`Truncated*`).
    Decode(DecodeError),
    /// The call was refused: a header the encoder will not write, a body of
    /// the wrong length, a method for the other [`FrameKind`].
    Encode(EncodeError),
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(err) => write!(f, "transport error: {err}"),
            Self::Decode(err) => write!(f, "decode error: {err}"),
            Self::Encode(err) => write!(f, "encode error: {err}"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Io(err) => Some(err),
            Self::Decode(err) => Some(err),
            Self::Encode(err) => Some(err),
        }
    }
}

/// Transport errors keep their kind; decode errors are `InvalidData`, encode
/// errors `InvalidInput`.
impl<E: embedded_io::Error + 'static> embedded_io::Error for Error<E> {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Io(err) => err.kind(),
            Self::Decode(_) => ErrorKind::InvalidData,
            Self::Encode(_) => ErrorKind::InvalidInput,
        }
    }
}

/// Reads frames from an [`embedded_io::Read`]: a header, then its body, then
/// the next one. See the [module docs](self).
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
    /// current frame's body. Blocks until the whole header is in.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    /// The header borrows the reader: parse it (or copy what you need) before
    /// reading the body.
    ///
    /// # Errors
    /// [`Error::Decode`] (a stream that ends inside a frame is a `Truncated*`
    /// error), [`Error::Io`], and [`Error::Encode`] with
    /// [`EncodeError::WrongKind`] if the reader is configured for raw frames.
    pub fn next_header(&mut self) -> Result<Option<Header<'_>>, Error<R::Error>> {
        self.state.expect_kind(FrameKind::Header)?;
        self.skip_body()?;
        let mut stage = [0u8; STAGE];
        let last = loop {
            let want = self.state.head_want(STAGE);
            let len = self.read(&mut stage[..want])?;
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
    pub fn next_raw(&mut self) -> Result<Option<u64>, Error<R::Error>> {
        self.state.expect_kind(FrameKind::Raw)?;
        self.skip_body()?;
        let mut stage = [0u8; MAX_PREFIX];
        while self.state.in_prefix() {
            let want = self.state.head_want(MAX_PREFIX);
            let len = self.read(&mut stage[..want])?;
            if !self.state.commit(&stage[..len])? {
                return Ok(None);
            }
        }
        Ok(Some(self.state.body_remaining()))
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
    pub fn read_body(&mut self, out: &mut [u8]) -> Result<usize, Error<R::Error>> {
        let Some(want) = self.state.body_want(out.len())? else {
            return Ok(0);
        };
        let len = self.read(&mut out[..want])?;
        self.state.commit(&out[..len])?;
        Ok(len)
    }

    /// Reads and discards the rest of the current body and returns how many
    /// bytes were skipped; afterwards the reader stands between two frames.
    ///
    /// # Errors
    /// As [`read_body`](Self::read_body).
    pub fn skip_body(&mut self) -> Result<u64, Error<R::Error>> {
        let mut stage = [0u8; STAGE];
        let mut skipped = 0;
        loop {
            match self.read_body(&mut stage)? {
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
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Error<R::Error>> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match self.inner.read(buf) {
                Err(err) if embedded_io::Error::kind(&err) == ErrorKind::Interrupted => {}
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
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        self.read_body(buf)
    }
}

/// Writes frames to an [`embedded_io::Write`]. See the [module docs](self).
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
    pub fn write_header<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
    ) -> Result<(), Error<W::Error>> {
        let len = self
            .encoder
            .header(header, &mut self.head)
            .map_err(Error::Encode)?;
        self.inner.write_all(&self.head[..len]).map_err(Error::Io)
    }

    /// Writes the prefix of a raw frame of `len` payload bytes and opens it.
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header).
    pub fn write_raw_start(&mut self, len: u64) -> Result<(), Error<W::Error>> {
        let mut prefix = [0u8; MAX_PREFIX];
        let written = self.encoder.raw(len, &mut prefix).map_err(Error::Encode)?;
        self.inner.write_all(&prefix[..written]).map_err(Error::Io)
    }

    /// Writes the next body bytes of the open frame.
    ///
    /// # Errors
    /// [`Error::Encode`] with [`EncodeError::BodyOverrun`] if the frame
    /// expects fewer bytes (nothing is written), or
    /// [`EncodeError::NoFrameInProgress`]; [`Error::Io`].
    pub fn write_body(&mut self, chunk: &[u8]) -> Result<(), Error<W::Error>> {
        let chunk = self.encoder.body(chunk).map_err(Error::Encode)?;
        self.inner.write_all(chunk).map_err(Error::Io)
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
    pub fn write_frame<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        body: &[u8],
    ) -> Result<(), Error<W::Error>> {
        let len = whole_frame_head(&mut self.encoder, header, body, &mut self.head)
            .map_err(Error::Encode)?;
        self.inner.write_all(&self.head[..len]).map_err(Error::Io)?;
        self.inner.write_all(body).map_err(Error::Io)
    }

    /// Body bytes the open frame still expects, or `None` between frames.
    pub const fn remaining(&self) -> Option<u64> {
        self.encoder.remaining()
    }

    /// Flushes the transport.
    ///
    /// # Errors
    /// [`Error::Io`].
    pub fn flush(&mut self) -> Result<(), Error<W::Error>> {
        self.inner.flush().map_err(Error::Io)
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
