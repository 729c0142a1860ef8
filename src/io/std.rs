//! Blocking adapter over [`std::io::Read`] and [`std::io::Write`]: a
//! [`FrameReader`] that hands out one frame at a time and never reads a body
//! into the next frame, and a [`FrameWriter`] that cannot send a body of the
//! wrong length.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use unstick::io::std::{FrameReader, FrameWriter};
//! use unstick::{Config, Decoder, Encoder};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Upload {
//!     file_name: String,
//!     file_size: u64,
//! }
//!
//! // Sender: two files over one stream (here a Vec; a TcpStream works alike).
//! let mut writer = FrameWriter::new(Vec::new(), Encoder::<256>::new(Config::default())?);
//! let file: &[u8] = b"hello"; // any Read of known length: a File, a slice...
//! writer.write_frame_from(&Upload { file_name: "a.txt".into(), file_size: 5 }, &mut &file[..])?;
//! writer.write_frame(&Upload { file_name: "b.txt".into(), file_size: 6 }, b"world!")?;
//! let wire = writer.into_inner();
//!
//! // Receiver: typed header, then the body as a bounded `Read`.
//! let mut reader = FrameReader::new(&wire[..], Decoder::<256>::new(Config::default())?);
//! let mut files = Vec::new();
//! while let Some(upload) = reader.next_header_as::<Upload>()? {
//!     let mut body = Vec::new();
//!     std::io::copy(&mut reader, &mut body)?; // stops at the end of this body
//!     assert_eq!(body.len() as u64, upload.file_size);
//!     files.push((upload.file_name, body));
//! }
//! assert_eq!(files[0], ("a.txt".to_owned(), b"hello".to_vec()));
//! assert_eq!(files[1], ("b.txt".to_owned(), b"world!".to_vec()));
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! Raw frames, the tutorial's command output, use a [`RawDecoder`] and
//! [`RawEncoder`] in the same types:
//! ```
//! use unstick::io::std::{RawFrameReader, RawFrameWriter};
//! use unstick::{Config, RawDecoder, RawEncoder};
//!
//! let mut writer = RawFrameWriter::new(Vec::new(), RawEncoder::new(Config::python_struct()));
//! writer.write_frame(b"dir listing")?;
//! let wire = writer.into_inner();
//! assert_eq!(&wire[..4], &11i32.to_le_bytes());
//!
//! let mut reader = RawFrameReader::new(&wire[..], RawDecoder::new(Config::python_struct()));
//! assert_eq!(reader.next_start()?, Some(11));
//! assert_eq!(std::io::read_to_string(&mut reader)?, "dir listing");
//! assert_eq!(reader.next_start()?, None);
//! # Ok::<(), std::io::Error>(())
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
//! | a header that does not fit your type   | `InvalidData`      | [`ParseError`]     |
//! | a body source that ends early          | `UnexpectedEof`    | [`EncodeError::BodyUnderrun`] |
//! | a body source that runs long           | `InvalidData`      | [`EncodeError::BodyOverrun`] |
//! | any other encode error (your call)     | `InvalidInput`     | [`EncodeError`]    |
//!
//! These are the crate-wide conversions (`From<DecodeError> for io::Error`
//! and its siblings), so your own code gets the same with `?`.
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

/// Reads frames from a [`Read`]: a header (or raw prefix), then its body,
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

impl<R: Read, D: FrameDecoder> FrameReader<R, D> {
    /// A reader at the start of a stream of frames, driving `decoder`.
    pub fn new(inner: R, decoder: D) -> Self {
        Self {
            inner,
            frames: ReadBuffer::new(decoder),
            scratch: Box::default(),
        }
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
        if let Some(want) = self.frames.direct_len(out.len()) {
            let len = read_retrying(&mut self.inner, &mut out[..want])?;
            return self.frames.commit_direct(&out[..len]);
        }
        loop {
            match self.frames.body_step(out.len())? {
                Body::Read(spare) => {
                    let len = read_retrying(&mut self.inner, spare)?;
                    self.frames.commit(len)?;
                }
                Body::Chunk(chunk) => {
                    out[..chunk.len()].copy_from_slice(chunk);
                    return Ok(chunk.len());
                }
            }
        }
    }

    /// Reads and discards the rest of the current body and returns how many
    /// bytes were skipped; afterwards the reader stands between two frames.
    ///
    /// # Errors
    /// As [`read_body`](Self::read_body).
    pub fn skip_body(&mut self) -> io::Result<u64> {
        let mut skipped = 0;
        loop {
            match self.frames.body_step(usize::MAX)? {
                Body::Read(spare) => {
                    let len = read_retrying(&mut self.inner, spare)?;
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

    /// Reads until the next frame is open (see
    /// [`ReadBuffer::frame_spare`]); `false` at a clean end of the stream.
    fn open_frame(&mut self) -> io::Result<bool> {
        while let Some(spare) = self.frames.frame_spare()? {
            let len = read_retrying(&mut self.inner, spare)?;
            if !self.frames.commit(len)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

impl<R: Read, const N: usize> FrameReader<R, Decoder<N>> {
    /// Reads the next frame's header, first skipping whatever is left of the
    /// current frame's body.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    /// The header borrows the reader: parse it (or copy what you need) before
    /// reading the body with [`read_body`](Self::read_body) or [`Read`].
    ///
    /// # Errors
    /// The decoder's errors (a stream that ends inside a frame is
    /// `UnexpectedEof`) and transport errors.
    pub fn next_header(&mut self) -> io::Result<Option<Header<'_>>> {
        if !self.open_frame()? {
            return Ok(None);
        }
        Ok(self.frames.decoder().header())
    }

    /// Reads the next frame's header into `T`, unescaping JSON strings into
    /// owned fields (`String`, `heapless::String`) through a scratch buffer
    /// of `N` bytes that the reader allocates once.
    ///
    /// # Errors
    /// As [`next_header`](Self::next_header), plus `InvalidData` with a
    /// [`ParseError`] inside if the header does not fit `T`. The frame's
    /// body is then still unread: [`skip_body`](Self::skip_body) (or the next
    /// `next_header*` call) passes over it, and the stream goes on.
    pub fn next_header_as<T: DeserializeOwned>(&mut self) -> io::Result<Option<T>> {
        if !self.open_frame()? {
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

impl<R: Read> RawFrameReader<R> {
    /// Reads the next raw frame's prefix, first skipping whatever is left of
    /// the current frame's payload, and returns the payload length.
    ///
    /// Returns `Ok(None)` when the stream ends cleanly between two frames.
    ///
    /// # Errors
    /// The decoder's errors (a stream that ends inside a frame is
    /// `UnexpectedEof`) and transport errors.
    pub fn next_start(&mut self) -> io::Result<Option<u64>> {
        if !self.open_frame()? {
            return Ok(None);
        }
        Ok(Some(self.frames.body_remaining()))
    }

    /// The configuration this reader was built with.
    pub const fn config(&self) -> &Config {
        self.frames.decoder().config()
    }
}

/// Reads the current frame's body: `Ok(0)` at its end. See
/// [`FrameReader::read_body`].
impl<R: Read, D: FrameDecoder> Read for FrameReader<R, D> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_body(buf)
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

/// Writes frames to a [`Write`]. See the [module docs](self) for examples
/// and the error mapping.
///
/// `E` is the encoder: [`Encoder<N>`] for header frames, [`RawEncoder`] for
/// raw frames ([`RawFrameWriter`]). The writer does not buffer what it
/// writes beyond one frame: `write_frame` and
/// [`write_frame_from`](Self::write_frame_from) send a small frame in one
/// `write`, but [`write_header`](Self::write_header) and
/// [`write_body`](Self::write_body) write at once, so wrap a socket in a
/// [`BufWriter`](std::io::BufWriter) when you use them for small pieces.
pub struct FrameWriter<W, E> {
    inner: W,
    frames: WriteBuffer<E>,
}

/// A [`FrameWriter`] of raw frames.
pub type RawFrameWriter<W> = FrameWriter<W, RawEncoder>;

impl<W: Write, E: FrameEncoder> FrameWriter<W, E> {
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
    pub fn write_body(&mut self, chunk: &[u8]) -> io::Result<()> {
        let chunk = self.frames.body(chunk)?;
        self.inner.write_all(chunk)
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
    /// behind [`Read::take`].
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
    pub fn remaining(&self) -> Option<u64> {
        self.frames.encoder().remaining()
    }

    /// Flushes the transport.
    ///
    /// # Errors
    /// Transport errors.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
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
    fn pump<S: Read + ?Sized>(&mut self, source: &mut S, mut pending: usize) -> io::Result<u64> {
        let owed = self.frames.owed()?;
        let extra = loop {
            match self.frames.pump(pending)? {
                Pump::Flush(full) => {
                    self.inner.write_all(full)?;
                    pending = 0;
                }
                Pump::Read(room) => {
                    let len = read_retrying(source, room)?;
                    pending = self.frames.pumped(pending, len)?;
                }
                Pump::Done(probe) => break read_retrying(source, probe)?,
            }
        };
        let rest = self.frames.source_ended(pending, extra)?;
        self.inner.write_all(rest)?;
        self.frames.end_frame()?;
        Ok(owed)
    }
}

impl<W: Write, const N: usize> FrameWriter<W, Encoder<N>> {
    /// Writes the prefix and header of a frame and opens it for the body its
    /// body key declares.
    ///
    /// # Errors
    /// `InvalidInput` with the [`EncodeError`] if the header is refused
    /// (nothing is written); transport errors.
    pub fn write_header<T: Serialize + ?Sized>(&mut self, header: &T) -> io::Result<()> {
        let head = self.frames.header(header)?;
        self.inner.write_all(head)
    }

    /// Writes a whole frame whose body is `body`, in one `write` when it
    /// fits the buffer.
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
        let (head, rest) = self.frames.frame(header, body)?;
        self.inner.write_all(head)?;
        self.inner.write_all(rest)
    }

    /// Writes a whole frame whose body is read from `source`, which must
    /// hold exactly the declared number of bytes, and returns the body
    /// length. A small frame goes out in one `write`.
    ///
    /// # Errors
    /// As [`write_header`](Self::write_header); then, as
    /// [`write_body_from`](Self::write_body_from).
    pub fn write_frame_from<T: Serialize + ?Sized, S: Read + ?Sized>(
        &mut self,
        header: &T,
        source: &mut S,
    ) -> io::Result<u64> {
        let head = self.frames.open_header(header)?;
        self.pump(source, head)
    }

    /// The configuration this writer was built with.
    pub const fn config(&self) -> &Config {
        self.frames.encoder().config()
    }
}

impl<W: Write> RawFrameWriter<W> {
    /// Writes the prefix of a raw frame of `len` payload bytes and opens it.
    ///
    /// # Errors
    /// `InvalidInput` with the [`EncodeError`] if the length is refused
    /// (nothing is written); transport errors.
    pub fn write_start(&mut self, len: u64) -> io::Result<()> {
        let prefix = self.frames.start(len)?;
        self.inner.write_all(prefix)
    }

    /// Writes a whole raw frame, in one `write` when it fits the buffer.
    ///
    /// # Errors
    /// As [`write_start`](Self::write_start).
    pub fn write_frame(&mut self, payload: &[u8]) -> io::Result<()> {
        let (head, rest) = self.frames.frame(payload)?;
        self.inner.write_all(head)?;
        self.inner.write_all(rest)
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

/// `Read::read`, retried on `Interrupted`.
fn read_retrying<S: Read + ?Sized>(source: &mut S, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match source.read(buf) {
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            result => return result,
        }
    }
}
