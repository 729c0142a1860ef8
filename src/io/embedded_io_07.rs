//! Blocking adapter over [`embedded_io`] 0.7 [`Read`] and [`Write`]: `no_std`,
//! no allocation, no read-ahead.
//!
//! The same shape as the [`std`](crate::io::std) adapter, for UARTs,
//! `embassy`/`smoltcp` sockets behind blocking wrappers, flash files and any
//! other `embedded_io` transport. A [`FrameReader`] hands out one header at a
//! time and then its body; a [`FrameWriter`] cannot send a body of the wrong
//! length.
//!
//! ```
//! use serde::Serialize;
//! use unstick::io::embedded_io_07::{FrameReader, FrameWriter};
//! use unstick::{Config, Decoder, Encoder};
//!
//! #[derive(Serialize)]
//! struct Upload<'a> {
//!     file_name: &'a str,
//!     file_size: u64,
//! }
//!
//! // Sender: two frames into a slice (`&mut [u8]` is an embedded_io::Write).
//! let mut wire = [0u8; 128];
//! let mut writer = FrameWriter::new(&mut wire[..], Encoder::<64>::new(Config::default())?);
//! writer.write_frame(&Upload { file_name: "a.txt", file_size: 5 }, b"hello")?;
//! writer.write_header(&Upload { file_name: "b.txt", file_size: 6 })?;
//! writer.write_body(b"wor")?;
//! writer.write_body(b"ld!")?;
//! writer.end_frame()?;
//! let unused = writer.into_inner().len();
//! let sent = &wire[..wire.len() - unused];
//!
//! // Receiver (`&[u8]` is an embedded_io::Read).
//! let mut reader = FrameReader::new(sent, Decoder::<64>::new(Config::default())?);
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
//! its transport plus its decoder ([`Decoder<N>`] or [`RawDecoder`]); a
//! [`FrameWriter`] is its transport plus its encoder ([`Encoder<N>`], whose
//! buffer the prefix and header are sent from, or [`RawEncoder`]). Reads
//! towards the next frame pass through a stage of 64 bytes on the stack.
//! The reader asks the transport for at most the bytes the current prefix,
//! header or body still needs: it never reads ahead, so it never holds a byte
//! of the next frame, and [`into_inner`](FrameReader::into_inner) between two
//! frames hands back a transport positioned exactly on the next prefix. Body
//! bytes go straight from the transport into your buffer.
//!
//! # Errors
//! [`Error`] wraps the transport's error and the crate's protocol errors;
//! every error of the crate converts into it, so `?` works in functions that
//! return it. A
//! stream that ends inside a frame is the decoder's truncation error
//! ([`DecodeError::TruncatedBody`] and its siblings, with the missing byte
//! count); a decode error is final, as in the [`Decoder`]. After a transport
//! error the reader can be called again: every byte read was handed to the
//! decoder, so it resumes where it stopped.

use core::fmt;

use embedded_io::{ErrorKind, ErrorType, Read, Write};
use serde::Serialize;

use crate::framing::{FrameDecoder, FrameEncoder};
use crate::io::MAX_PREFIX;
use crate::io::unbuffered::{self, STAGE};
use crate::{
    Config, ConfigError, DecodeError, Decoder, EncodeError, Encoder, Header, ParseError,
    RawDecoder, RawEncoder,
};

/// What went wrong in a [`FrameReader`] or [`FrameWriter`] over a transport
/// whose error type is `E`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error<E> {
    /// The transport failed.
    Io(E),
    /// The bytes read are not a valid stream of frames, or the stream ended
    /// inside a frame (`Truncated*`).
    Decode(DecodeError),
    /// The call was refused: a header the encoder will not write, a body of
    /// the wrong length.
    Encode(EncodeError),
    /// A configuration was refused (when building a decoder or encoder in a
    /// function that returns this error).
    Config(ConfigError),
    /// A header did not match the type it was parsed into.
    Parse(ParseError),
}

impl<E: fmt::Display> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(err) => write!(f, "transport error: {err}"),
            Self::Decode(err) => write!(f, "decode error: {err}"),
            Self::Encode(err) => write!(f, "encode error: {err}"),
            Self::Config(err) => write!(f, "invalid configuration: {err}"),
            Self::Parse(err) => write!(f, "header does not match its type: {err}"),
        }
    }
}

impl<E: core::error::Error + 'static> core::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Io(err) => Some(err),
            Self::Decode(err) => Some(err),
            Self::Encode(err) => Some(err),
            Self::Config(err) => Some(err),
            Self::Parse(err) => Some(err),
        }
    }
}

/// Transport errors keep their kind; decode and parse errors are
/// `InvalidData`, encode and configuration errors `InvalidInput`.
impl<E: embedded_io::Error + 'static> embedded_io::Error for Error<E> {
    fn kind(&self) -> ErrorKind {
        match self {
            Self::Io(err) => err.kind(),
            Self::Decode(_) | Self::Parse(_) => ErrorKind::InvalidData,
            Self::Encode(_) | Self::Config(_) => ErrorKind::InvalidInput,
        }
    }
}

impl<E> From<DecodeError> for Error<E> {
    fn from(err: DecodeError) -> Self {
        Self::Decode(err)
    }
}

impl<E> From<EncodeError> for Error<E> {
    fn from(err: EncodeError) -> Self {
        Self::Encode(err)
    }
}

impl<E> From<ConfigError> for Error<E> {
    fn from(err: ConfigError) -> Self {
        Self::Config(err)
    }
}

impl<E> From<ParseError> for Error<E> {
    fn from(err: ParseError) -> Self {
        Self::Parse(err)
    }
}

/// Reads frames from an [`embedded_io::Read`]: a header (or raw prefix), then
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
    pub fn read_body(&mut self, out: &mut [u8]) -> Result<usize, Error<R::Error>> {
        let want = unbuffered::body_want(&mut self.decoder, out.len())?;
        if want == 0 {
            return Ok(0);
        }
        let len = self.read(&mut out[..want])?;
        Ok(unbuffered::body_commit(&mut self.decoder, &out[..len])?)
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
    fn open_frame(&mut self) -> Result<bool, Error<R::Error>> {
        let mut stage = [0u8; STAGE];
        loop {
            let want = unbuffered::open_want(&mut self.decoder)?;
            let len = self.read(&mut stage[..want])?;
            match unbuffered::open_commit(&mut self.decoder, &stage[..len])? {
                Some(true) => return Ok(true),
                Some(false) => {}
                None => return Ok(false),
            }
        }
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
    pub fn next_header(&mut self) -> Result<Option<Header<'_>>, Error<R::Error>> {
        if !self.open_frame()? {
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
    pub fn next_start(&mut self) -> Result<Option<u64>, Error<R::Error>> {
        if !self.open_frame()? {
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
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        self.read_body(buf)
    }
}

/// Writes frames to an [`embedded_io::Write`]. See the [module docs](self).
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
    pub fn write_body(&mut self, chunk: &[u8]) -> Result<(), Error<W::Error>> {
        let chunk = self.encoder.body(chunk)?;
        self.inner.write_all(chunk).map_err(Error::Io)
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
    pub fn flush(&mut self) -> Result<(), Error<W::Error>> {
        self.inner.flush().map_err(Error::Io)
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
    pub fn write_header<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
    ) -> Result<(), Error<W::Error>> {
        let head = self.encoder.open(header)?;
        self.inner.write_all(head.prefix()).map_err(Error::Io)?;
        self.inner.write_all(head.json()).map_err(Error::Io)
    }

    /// Writes a whole frame whose body is `body`.
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
        let head = self.encoder.frame_head(header, body)?;
        self.inner.write_all(head.prefix()).map_err(Error::Io)?;
        self.inner.write_all(head.json()).map_err(Error::Io)?;
        self.inner.write_all(body).map_err(Error::Io)
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
    pub fn write_start(&mut self, len: u64) -> Result<(), Error<W::Error>> {
        let mut prefix = [0u8; MAX_PREFIX];
        let written = self.encoder.start(len, &mut prefix)?;
        self.inner.write_all(&prefix[..written]).map_err(Error::Io)
    }

    /// Writes a whole raw frame.
    ///
    /// # Errors
    /// As [`write_start`](Self::write_start).
    pub fn write_frame(&mut self, payload: &[u8]) -> Result<(), Error<W::Error>> {
        self.write_start(payload.len() as u64)?;
        self.write_body(payload)?;
        self.end_frame()
    }

    /// The configuration this writer was built with.
    pub const fn config(&self) -> &Config {
        self.encoder.config()
    }
}
