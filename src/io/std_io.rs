//! Blocking adapter over [`std::io::Read`] and [`std::io::Write`]: a
//! [`FrameReader`] that hands out one frame at a time and never reads a body
//! into the next frame, and a [`FrameWriter`] that cannot send a body of the
//! wrong length.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use unstick::Config;
//! use unstick::io::std_io::{FrameReader, FrameWriter};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Upload {
//!     file_name: String,
//!     file_size: u64,
//! }
//!
//! // Sender: two files over one stream (here a Vec; a TcpStream works alike).
//! let mut writer = FrameWriter::<_, 256>::new(Vec::new(), Config::default())?;
//! let file: &[u8] = b"hello"; // any Read of known length: a File, a slice...
//! writer.write_frame_from(&Upload { file_name: "a.txt".into(), file_size: 5 }, &mut &file[..])?;
//! writer.write_frame(&Upload { file_name: "b.txt".into(), file_size: 6 }, b"world!")?;
//! let wire = writer.into_inner();
//!
//! // Receiver: typed header, then the body as a bounded `Read`.
//! let mut reader = FrameReader::<_, 256>::new(&wire[..], Config::default())?;
//! let mut files = Vec::new();
//! while let Some(upload) = reader.next_header_as::<Upload>()? {
//!     let mut body = Vec::new();
//!     std::io::copy(&mut reader, &mut body)?; // stops at the end of this body
//!     assert_eq!(body.len() as u64, upload.file_size);
//!     files.push((upload.file_name, body));
//! }
//! assert_eq!(files[0], ("a.txt".to_owned(), b"hello".to_vec()));
//! assert_eq!(files[1], ("b.txt".to_owned(), b"world!".to_vec()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Buffers
//! Each reader and writer owns one buffer of [`BUFFER_SIZE`] bytes (more if
//! the header capacity `N` needs it), allocated once in `new`: memory stays
//! flat whatever the body size. The reader reads as much as its buffer holds,
//! so frames that arrive glued together cost one `read`; the bytes of the next
//! frame stay buffered for it. A body read into a caller's buffer at least as
//! large as the reader's bypasses it and asks the transport for at most the
//! bytes the body still owes.
//!
//! # Errors
//! Everything is an [`io::Error`]. Protocol errors carry the crate's error as
//! the `io::Error`'s inner error: get it back with
//! [`io::Error::get_ref`] or [`io::Error::downcast`]. (An `io::Error`'s
//! `Display` and `source()` are those of its inner error.)
//!
//! | cause                                  | [`io::ErrorKind`]  | inner error        |
//! |----------------------------------------|--------------------|--------------------|
//! | the stream ends inside a frame         | `UnexpectedEof`    | [`DecodeError`] `Truncated*` |
//! | any other decode error                 | `InvalidData`      | [`DecodeError`]    |
//! | a header that does not fit your type   | `InvalidData`      | [`crate::Error::Parse`] |
//! | a body source that ends early          | `UnexpectedEof`    | [`EncodeError::BodyUnderrun`] |
//! | a body source that runs long           | `InvalidData`      | [`EncodeError::BodyOverrun`] |
//! | any other encode error (your call)     | `InvalidInput`     | [`EncodeError`]    |
//! | a method for the other [`FrameKind`]   | `InvalidInput`     | [`EncodeError::WrongKind`] |
//!
//! Transport errors pass through unchanged; `Interrupted` is retried. After
//! a transport error (a read timeout, say) the reader can be called again and
//! resumes where it stopped. A decode error is final, as in the [`Decoder`].

use std::boxed::Box;
use std::fmt;
use std::io::{self, ErrorKind, Read, Write};
use std::vec;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Config, ConfigError, DecodeError, Decoder, EncodeError, Encoder, Event, FrameKind};
use crate::{Error, Header};

/// Size of the buffer inside each [`FrameReader`] and [`FrameWriter`]
/// (raised to `N + 8` for a header capacity `N` above it).
pub const BUFFER_SIZE: usize = 64 * 1024;

/// The largest prefix, so that a prefix and a whole header fit in a buffer.
const MAX_PREFIX: usize = 8;

/// Where the reader stands in the current frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Between frames: the next byte is a prefix byte.
    Between,
    /// The prefix is decoded; the header is due.
    Header,
    /// The header (or raw prefix) is decoded; body bytes and `FrameEnd` are due.
    Body,
}

/// Reads frames from a [`Read`]: a header, then its body, then the next one.
/// See the [module docs](self) for an example and the error mapping.
///
/// `N` is the header capacity of the inner [`Decoder`].
pub struct FrameReader<R, const N: usize> {
    inner: R,
    decoder: Decoder<N>,
    buf: Box<[u8]>,
    /// `buf[pos..filled]` is read but not yet decoded.
    pos: usize,
    filled: usize,
    part: Part,
}

impl<R: Read, const N: usize> FrameReader<R, N> {
    /// A reader at the start of a stream of frames.
    ///
    /// # Errors
    /// As [`Decoder::new`]: for header frames the header limit must fit in `N`.
    pub fn new(inner: R, config: Config) -> Result<Self, ConfigError> {
        Ok(Self {
            inner,
            decoder: Decoder::new(config)?,
            buf: vec![0; buffer_len(N)].into_boxed_slice(),
            pos: 0,
            filled: 0,
            part: Part::Between,
        })
    }

    /// Reads the next frame's header, first skipping whatever is left of the
    /// current frame's body.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    /// The header borrows the reader: parse it (or copy what you need) before
    /// reading the body with [`read_body`](Self::read_body) or [`Read`].
    ///
    /// # Errors
    /// The decoder's errors (a stream that ends inside a frame is
    /// `UnexpectedEof`), transport errors, and `InvalidInput` if the reader
    /// is configured for raw frames.
    pub fn next_header(&mut self) -> io::Result<Option<Header<'_>>> {
        self.expect_kind(FrameKind::Header)?;
        if !self.start_frame()? {
            return Ok(None);
        }
        let len = self.decoder.needed() as usize;
        if !self.fill_to(len)? {
            return Err(self.truncated());
        }
        let mut input = &self.buf[self.pos..self.pos + len];
        let event = self.decoder.decode(&mut input).map_err(decode_error)?;
        self.pos += len;
        match event {
            Some(Event::Header(header)) => {
                self.part = Part::Body;
                Ok(Some(header))
            }
            _ => Err(broken_invariant("a whole header did not yield a header")),
        }
    }

    /// Reads the next frame's header into `T`, unescaping JSON strings into
    /// owned fields (`String`, `heapless::String`), through a scratch buffer
    /// of `N` bytes on the stack.
    ///
    /// # Errors
    /// As [`next_header`](Self::next_header), plus `InvalidData` with
    /// [`Error::Parse`] inside if the header does not fit `T`. The frame's
    /// body is then still unread: [`skip_body`](Self::skip_body) (or the next
    /// `next_header*` call) passes over it, and the stream goes on.
    pub fn next_header_as<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        let Some(header) = self.next_header()? else {
            return Ok(None);
        };
        let mut scratch = [0u8; N];
        match header.parse_unescaped(&mut scratch) {
            Ok(value) => Ok(Some(value)),
            Err(err) => Err(io::Error::new(ErrorKind::InvalidData, Error::Parse(err))),
        }
    }

    /// Reads the next raw frame's prefix, first skipping whatever is left of
    /// the current frame's payload, and returns the payload length.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    ///
    /// # Errors
    /// As [`next_header`](Self::next_header); `InvalidInput` if the reader is
    /// configured for header frames.
    pub fn next_raw(&mut self) -> io::Result<Option<u64>> {
        self.expect_kind(FrameKind::Raw)?;
        if !self.start_frame()? {
            return Ok(None);
        }
        Ok(Some(self.decoder.needed()))
    }

    /// Reads body bytes of the current frame into `out` and returns how many.
    ///
    /// Returns `Ok(0)` once the body is complete (and between frames, or for
    /// an empty `out`). Never reads past the body: bytes of the next frame
    /// that were already read stay buffered for it. Blocks until at least
    /// one byte is available.
    ///
    /// # Errors
    /// `UnexpectedEof` ([`DecodeError::TruncatedBody`]) if the stream ends
    /// inside the body; transport errors.
    pub fn read_body(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.part != Part::Body || out.is_empty() {
            return Ok(0);
        }
        if self.decoder.needed() == 0 {
            self.end_frame()?;
            return Ok(0);
        }
        if self.pos == self.filled {
            if out.len() >= self.buf.len() {
                return self.read_body_direct(out);
            }
            self.refill()?;
        }
        let chunk = self.buffered_body(out.len())?;
        let len = chunk.len();
        out[..len].copy_from_slice(chunk);
        Ok(len)
    }

    /// Reads and discards the rest of the current body and returns how many
    /// bytes were skipped; afterwards the reader stands between two frames.
    ///
    /// # Errors
    /// As [`read_body`](Self::read_body).
    pub fn skip_body(&mut self) -> io::Result<u64> {
        let mut skipped = 0;
        while self.part == Part::Body {
            if self.decoder.needed() == 0 {
                self.end_frame()?;
            } else {
                if self.pos == self.filled {
                    self.refill()?;
                }
                skipped += self.buffered_body(usize::MAX)?.len() as u64;
            }
        }
        Ok(skipped)
    }

    /// Body bytes of the current frame not yet read (0 between frames).
    pub fn body_remaining(&self) -> u64 {
        match self.part {
            Part::Body => self.decoder.needed(),
            Part::Between | Part::Header => 0,
        }
    }

    /// The configuration this reader was built with.
    pub const fn config(&self) -> &Config {
        self.decoder.config()
    }

    /// Bytes read from the transport but not yet decoded: the start of the
    /// next frame(s), or of the rest of this body.
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.pos..self.filled]
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

    fn expect_kind(&self, kind: FrameKind) -> io::Result<()> {
        let configured = self.decoder.config().kind();
        if configured == kind {
            return Ok(());
        }
        Err(encode_error(EncodeError::WrongKind { configured }))
    }

    /// Finishes the current frame and decodes the next prefix. `false` at a
    /// clean end of stream; afterwards the part is `Header` or (raw) `Body`.
    fn start_frame(&mut self) -> io::Result<bool> {
        if self.part == Part::Body {
            self.skip_body()?;
        }
        if self.part == Part::Header {
            return Ok(true);
        }
        let size = self.decoder.config().prefix().size();
        if !self.fill_to(size)? {
            if self.pos < self.filled {
                return Err(self.truncated());
            }
            self.decoder.finish().map_err(decode_error)?;
            return Ok(false);
        }
        let mut input = &self.buf[self.pos..self.pos + size];
        let event = self.decoder.decode(&mut input).map_err(decode_error)?;
        self.pos += size;
        self.part = match event {
            Some(Event::RawStart { .. }) => Part::Body,
            _ => Part::Header,
        };
        Ok(true)
    }

    /// Consumes the `FrameEnd` that is due after a complete body.
    fn end_frame(&mut self) -> io::Result<()> {
        match self.decoder.decode(&mut &[][..]).map_err(decode_error)? {
            Some(Event::FrameEnd) => {
                self.part = Part::Between;
                Ok(())
            }
            _ => Err(broken_invariant("a complete body did not end its frame")),
        }
    }

    /// Decodes up to `max` buffered body bytes (at least one must be
    /// buffered and owed) and returns them.
    fn buffered_body(&mut self, max: usize) -> io::Result<&[u8]> {
        let end = self.filled.min(self.pos.saturating_add(max));
        let mut input = &self.buf[self.pos..end];
        match self.decoder.decode(&mut input).map_err(decode_error)? {
            Some(Event::Body { chunk, .. }) => {
                self.pos += chunk.len();
                Ok(chunk)
            }
            _ => Err(broken_invariant("buffered body bytes yielded no body")),
        }
    }

    /// Reads body bytes straight into `out`, asking for no more than the
    /// body owes.
    fn read_body_direct(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let owed = usize::try_from(self.decoder.needed()).unwrap_or(usize::MAX);
        let want = owed.min(out.len());
        let len = read_retrying(&mut self.inner, &mut out[..want])?;
        if len == 0 {
            return Err(self.truncated());
        }
        let mut input = &out[..len];
        match self.decoder.decode(&mut input).map_err(decode_error)? {
            Some(Event::Body { .. }) => Ok(len),
            _ => Err(broken_invariant("body bytes yielded no body")),
        }
    }

    /// Reads at least one more byte into the buffer, which must be empty.
    fn refill(&mut self) -> io::Result<()> {
        if self.fill_to(1)? {
            Ok(())
        } else {
            Err(self.truncated())
        }
    }

    /// Reads until `want` bytes are buffered; `false` if the stream ended
    /// first. `want` is at most a prefix or a header, which fit the buffer.
    fn fill_to(&mut self, want: usize) -> io::Result<bool> {
        if self.buf.len() - self.pos < want || self.pos == self.filled {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.pos = 0;
        }
        while self.filled - self.pos < want {
            let len = read_retrying(&mut self.inner, &mut self.buf[self.filled..])?;
            if len == 0 {
                return Ok(false);
            }
            self.filled += len;
        }
        Ok(true)
    }

    /// The error for a stream that ended inside a frame: the decoder gets
    /// what is left, then `finish` says how many bytes were missing.
    fn truncated(&mut self) -> io::Error {
        let mut input = &self.buf[self.pos..self.filled];
        self.pos = self.filled;
        loop {
            match self.decoder.decode(&mut input) {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(err) => return decode_error(err),
            }
        }
        match self.decoder.finish() {
            Err(err) => decode_error(err),
            Ok(()) => broken_invariant("a stream that ended inside a frame finished cleanly"),
        }
    }
}

/// Reads the current frame's body: `Ok(0)` at its end. See
/// [`FrameReader::read_body`].
impl<R: Read, const N: usize> Read for FrameReader<R, N> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_body(buf)
    }
}

impl<R: fmt::Debug, const N: usize> fmt::Debug for FrameReader<R, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameReader")
            .field("inner", &self.inner)
            .field("decoder", &self.decoder)
            .field("buffered", &(self.filled - self.pos))
            .finish_non_exhaustive()
    }
}

/// Writes frames to a [`Write`]. See the [module docs](self) for an example
/// and the error mapping.
///
/// `N` is the header capacity of the inner [`Encoder`]. The writer does not
/// buffer what it writes beyond one frame: [`write_frame`](Self::write_frame)
/// and [`write_frame_from`](Self::write_frame_from) send a small frame in one
/// `write`, but [`write_header`](Self::write_header) and
/// [`write_body`](Self::write_body) write at once, so wrap a socket in a
/// [`BufWriter`](std::io::BufWriter) when you use them for small pieces.
pub struct FrameWriter<W, const N: usize> {
    inner: W,
    encoder: Encoder<N>,
    buf: Box<[u8]>,
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
            buf: vec![0; buffer_len(N)].into_boxed_slice(),
        })
    }

    /// Writes the prefix and header of a header frame and opens it for the
    /// body its body key declares.
    ///
    /// # Errors
    /// `InvalidInput` with the [`EncodeError`] if the header is refused
    /// (nothing is written); transport errors.
    pub fn write_header<T: Serialize + ?Sized>(&mut self, header: &T) -> io::Result<()> {
        let len = self
            .encoder
            .header(header, &mut self.buf)
            .map_err(encode_error)?;
        self.inner.write_all(&self.buf[..len])
    }

    /// Writes the prefix of a raw frame of `len` payload bytes and opens it.
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header).
    pub fn write_raw_start(&mut self, len: u64) -> io::Result<()> {
        let written = self.encoder.raw(len, &mut self.buf).map_err(encode_error)?;
        self.inner.write_all(&self.buf[..written])
    }

    /// Writes the next body bytes of the open frame.
    ///
    /// # Errors
    /// `InvalidInput` with [`EncodeError::BodyOverrun`] if the frame expects
    /// fewer bytes (nothing is written), or
    /// [`EncodeError::NoFrameInProgress`]; transport errors.
    pub fn write_body(&mut self, chunk: &[u8]) -> io::Result<()> {
        let chunk = self.encoder.body(chunk).map_err(encode_error)?;
        self.inner.write_all(chunk)
    }

    /// Closes the open frame, which must have had its whole body.
    ///
    /// # Errors
    /// `InvalidInput` with [`EncodeError::BodyUnderrun`] (the frame stays
    /// open) or [`EncodeError::NoFrameInProgress`].
    pub fn end_frame(&mut self) -> io::Result<()> {
        self.encoder.end_frame().map_err(encode_error)
    }

    /// Writes a whole header frame whose body is `body`, in one `write` when
    /// it fits the buffer.
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header), and `InvalidInput` with
    /// [`EncodeError::BodyLenMismatch`] if `body` is not as long as the
    /// header declares. On these errors nothing is written.
    pub fn write_frame<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        body: &[u8],
    ) -> io::Result<()> {
        let head = self
            .encoder
            .header(header, &mut self.buf)
            .map_err(encode_error)?;
        let actual = body.len() as u64;
        if let Some(declared) = self
            .encoder
            .remaining()
            .filter(|&declared| declared != actual)
        {
            self.encoder.reset();
            return Err(encode_error(EncodeError::BodyLenMismatch {
                declared,
                actual,
            }));
        }
        self.encoder.body(body).map_err(encode_error)?;
        self.encoder.end_frame().map_err(encode_error)?;
        match self.buf.get_mut(head..head + body.len()) {
            Some(room) => {
                room.copy_from_slice(body);
                self.inner.write_all(&self.buf[..head + body.len()])
            }
            None => {
                self.inner.write_all(&self.buf[..head])?;
                self.inner.write_all(body)
            }
        }
    }

    /// Writes a whole header frame whose body is read from `source`, which
    /// must hold exactly the declared number of bytes, and returns the body
    /// length. A small frame goes out in one `write`.
    ///
    /// After the declared length it reads `source` once more to make sure it
    /// has ended, so give it a source that ends: a file, a slice, or a stream
    /// behind [`Read::take`].
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header); then, as
    /// [`write_body_from`](Self::write_body_from).
    pub fn write_frame_from<T: Serialize + ?Sized, S: Read + ?Sized>(
        &mut self,
        header: &T,
        source: &mut S,
    ) -> io::Result<u64> {
        let head = self
            .encoder
            .header(header, &mut self.buf)
            .map_err(encode_error)?;
        self.pump(source, head)
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
    pub fn write_body_from<S: Read + ?Sized>(&mut self, source: &mut S) -> io::Result<u64> {
        self.pump(source, 0)
    }

    /// Body bytes the open frame still expects, or `None` between frames.
    pub const fn remaining(&self) -> Option<u64> {
        self.encoder.remaining()
    }

    /// Flushes the transport.
    ///
    /// # Errors
    /// Transport errors.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
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

    /// Copies the open frame's body from `source` through the buffer, whose
    /// first `pending` bytes are already part of the frame, then checks that
    /// `source` has ended, writes what is pending and closes the frame.
    fn pump<S: Read + ?Sized>(&mut self, source: &mut S, mut pending: usize) -> io::Result<u64> {
        let mut copied = 0;
        loop {
            let remaining = self
                .encoder
                .remaining()
                .ok_or(EncodeError::NoFrameInProgress);
            let remaining = remaining.map_err(encode_error)?;
            if remaining == 0 {
                break;
            }
            if pending == self.buf.len() {
                self.inner.write_all(&self.buf[..pending])?;
                pending = 0;
            }
            let space = self.buf.len() - pending;
            let room = usize::try_from(remaining).map_or(space, |owed| owed.min(space));
            let len = read_retrying(source, &mut self.buf[pending..pending + room])?;
            if len == 0 {
                self.encoder.reset();
                let err = EncodeError::BodyUnderrun { missing: remaining };
                return Err(io::Error::new(ErrorKind::UnexpectedEof, err));
            }
            self.encoder
                .body(&self.buf[pending..pending + len])
                .map_err(encode_error)?;
            pending += len;
            copied += len as u64;
        }
        self.ensure_ended(source)?;
        self.inner.write_all(&self.buf[..pending])?;
        self.encoder.end_frame().map_err(encode_error)?;
        Ok(copied)
    }

    /// Refuses a source that still has bytes after the declared body.
    fn ensure_ended<S: Read + ?Sized>(&mut self, source: &mut S) -> io::Result<()> {
        let mut probe = [0u8; 1];
        let extra = read_retrying(source, &mut probe)?;
        if extra == 0 {
            return Ok(());
        }
        self.encoder.reset();
        let err = EncodeError::BodyOverrun {
            remaining: 0,
            chunk: extra,
        };
        Err(io::Error::new(ErrorKind::InvalidData, err))
    }
}

impl<W: fmt::Debug, const N: usize> fmt::Debug for FrameWriter<W, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameWriter")
            .field("inner", &self.inner)
            .field("encoder", &self.encoder)
            .finish_non_exhaustive()
    }
}

/// The buffer length for a header capacity of `n`.
const fn buffer_len(n: usize) -> usize {
    let needed = n.saturating_add(MAX_PREFIX);
    if needed > BUFFER_SIZE {
        needed
    } else {
        BUFFER_SIZE
    }
}

/// `Read::read`, retried on `Interrupted`.
fn read_retrying<S: Read + ?Sized>(source: &mut S, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match source.read(buf) {
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            result => return result,
        }
    }
}

/// A decode error as an `io::Error`: truncation is `UnexpectedEof`, the rest
/// `InvalidData`.
fn decode_error(err: DecodeError) -> io::Error {
    let kind = match err {
        DecodeError::TruncatedPrefix { .. }
        | DecodeError::TruncatedHeader { .. }
        | DecodeError::TruncatedBody { .. } => ErrorKind::UnexpectedEof,
        _ => ErrorKind::InvalidData,
    };
    io::Error::new(kind, err)
}

/// An encode error caused by the caller's arguments, as an `io::Error`.
fn encode_error(err: EncodeError) -> io::Error {
    io::Error::new(ErrorKind::InvalidInput, err)
}

/// An error for a state the adapter's own bookkeeping rules out.
fn broken_invariant(what: &'static str) -> io::Error {
    io::Error::other(what)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_holds_a_prefix_and_a_whole_header() {
        assert_eq!(buffer_len(256), BUFFER_SIZE);
        assert_eq!(buffer_len(BUFFER_SIZE), BUFFER_SIZE + MAX_PREFIX);
    }

    #[test]
    fn header_call_on_a_raw_reader_is_invalid_input() {
        let config = Config::builder().kind(FrameKind::Raw).build().unwrap();
        let mut reader = FrameReader::<_, 0>::new(&b"\0\0\0\x01x"[..], config).unwrap();
        let err = reader.next_header().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(reader.next_raw().unwrap(), Some(1));
    }
}
