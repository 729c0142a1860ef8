//! The state of a [`std_io`](crate::io::std_io) or
//! [`tokio_io`](crate::io::tokio_io) `FrameReader` without its transport: a
//! [`Decoder`], a read buffer, and where the reader stands in the current
//! frame. Every decision is made here; the adapters only make the reads it
//! asks for, blocking or with `.await`.
//!
//! Each reader call is a loop around one step method
//! ([`frame_spare`](ReadBuffer::frame_spare) or
//! [`body_step`](ReadBuffer::body_step)): while the step hands out a spare
//! part of the buffer, read from the transport into it and
//! [`commit`](ReadBuffer::commit) the count, then ask again. Everything read
//! is handed to the buffer before the next read, so a call that fails or is
//! cancelled between two reads loses nothing.

use std::boxed::Box;
use std::io;
use std::vec;

use serde::de::DeserializeOwned;

use crate::io::MAX_PREFIX;
use crate::io::io_error::{broken_invariant, decode_error, encode_error, parse_error};
use crate::{Config, ConfigError, Decoder, EncodeError, Event, FrameKind, Header};

/// The size of a reader's or writer's buffer, unless the header capacity
/// needs more.
pub(crate) const BUFFER_SIZE: usize = 64 * 1024;

/// The buffer length for a header capacity of `n`: a prefix and a whole
/// header always fit.
pub(crate) const fn buffer_len(n: usize) -> usize {
    let needed = n.saturating_add(MAX_PREFIX);
    if needed > BUFFER_SIZE {
        needed
    } else {
        BUFFER_SIZE
    }
}

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

/// The next step of a body read.
pub(crate) enum Body<'a> {
    /// Nothing of the body is buffered: read from the transport into this
    /// spare part of the buffer, [`commit`](ReadBuffer::commit) the count,
    /// and ask again.
    Read(&'a mut [u8]),
    /// Body bytes, decoded. Empty once the body is complete (the frame is
    /// then ended), between frames, or when no byte was asked for.
    Chunk(&'a [u8]),
}

/// A reader's decoder and read buffer. See the [module docs](self).
pub(crate) struct ReadBuffer<const N: usize> {
    decoder: Decoder<N>,
    buf: Box<[u8]>,
    /// `buf[pos..filled]` is read but not yet decoded.
    pos: usize,
    filled: usize,
    part: Part,
}

impl<const N: usize> ReadBuffer<N> {
    /// A reader's state at the start of a stream of frames.
    pub(crate) fn new(config: Config) -> Result<Self, ConfigError> {
        Ok(Self {
            decoder: Decoder::new(config)?,
            buf: vec![0; buffer_len(N)].into_boxed_slice(),
            pos: 0,
            filled: 0,
            part: Part::Between,
        })
    }

    /// The decoder.
    pub(crate) const fn decoder(&self) -> &Decoder<N> {
        &self.decoder
    }

    /// The configuration.
    pub(crate) const fn config(&self) -> &Config {
        self.decoder.config()
    }

    /// Bytes read but not yet decoded.
    pub(crate) fn buffered(&self) -> &[u8] {
        &self.buf[self.pos..self.filled]
    }

    /// Body bytes of the current frame not yet read (0 between frames).
    pub(crate) fn body_remaining(&self) -> u64 {
        match self.part {
            Part::Body => self.decoder.needed(),
            Part::Between | Part::Header => 0,
        }
    }

    /// Refuses a call for the other frame kind.
    pub(crate) fn expect_kind(&self, kind: FrameKind) -> io::Result<()> {
        let configured = self.decoder.config().kind();
        if configured == kind {
            return Ok(());
        }
        Err(encode_error(EncodeError::WrongKind { configured }))
    }

    /// Moves towards the next frame as far as the buffered bytes allow:
    /// skips the rest of the current body, decodes the next prefix and, for a
    /// header frame, waits for the whole header.
    ///
    /// `Some(spare)`: read into `spare`, [`commit`](Self::commit) the count,
    /// and ask again. `None`: the frame is open; take its header with
    /// [`header`](Self::header), or (raw frames) its payload length from
    /// [`body_remaining`](Self::body_remaining).
    pub(crate) fn frame_spare(&mut self) -> io::Result<Option<&mut [u8]>> {
        match self.advance_frame()? {
            Some(want) => Ok(Some(self.spare(want))),
            None => Ok(None),
        }
    }

    /// Decodes the header that [`frame_spare`](Self::frame_spare) found
    /// buffered, and opens the frame's body.
    pub(crate) fn header(&mut self) -> io::Result<Header<'_>> {
        let len = self.header_len();
        let Some(mut input) = self.buf[self.pos..self.filled].get(..len) else {
            return Err(broken_invariant(
                "a header was taken before it was buffered",
            ));
        };
        match self.decoder.decode(&mut input).map_err(decode_error)? {
            Some(Event::Header(header)) => {
                self.pos += len;
                self.part = Part::Body;
                Ok(header)
            }
            _ => Err(broken_invariant("a whole header did not yield a header")),
        }
    }

    /// The next step of reading at most `max` bytes of the current body.
    pub(crate) fn body_step(&mut self, max: usize) -> io::Result<Body<'_>> {
        if self.part != Part::Body || max == 0 {
            return Ok(Body::Chunk(&[]));
        }
        if self.decoder.needed() == 0 {
            self.end_frame()?;
            return Ok(Body::Chunk(&[]));
        }
        if self.pos == self.filled {
            return Ok(Body::Read(self.spare(1)));
        }
        self.buffered_body(max).map(Body::Chunk)
    }

    /// How many body bytes to read straight from the transport into a
    /// caller's buffer of `len` bytes, bypassing this buffer: `Some` only
    /// when nothing is buffered, the body still owes bytes, and the caller's
    /// buffer is at least as large as this one. Hand what was read to
    /// [`commit_direct`](Self::commit_direct).
    pub(crate) fn direct_len(&self, len: usize) -> Option<usize> {
        let owed = usize::try_from(self.body_remaining()).unwrap_or(usize::MAX);
        let direct = owed > 0 && self.pos == self.filled && len >= self.buf.len();
        direct.then(|| owed.min(len))
    }

    /// Decodes `bytes` read straight into the caller's buffer as body bytes
    /// and returns their count; none means the transport has ended: the
    /// decoder's truncation error.
    pub(crate) fn commit_direct(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if bytes.is_empty() {
            self.end_of_stream()?;
            return Ok(0);
        }
        match self.decoder.decode(&mut &*bytes).map_err(decode_error)? {
            Some(Event::Body { .. }) => Ok(bytes.len()),
            _ => Err(broken_invariant("body bytes yielded no body")),
        }
    }

    /// Records `len` bytes read into the spare part last handed out. 0 means
    /// the transport has ended: `Ok(false)` if it ended between two frames
    /// (the reader then stands there), else the decoder's truncation error.
    pub(crate) fn commit(&mut self, len: usize) -> io::Result<bool> {
        if len == 0 {
            self.end_of_stream()?;
            return Ok(false);
        }
        self.filled += len;
        Ok(true)
    }

    /// Decodes what is buffered towards the next frame: the number of bytes
    /// that must be buffered to go on, or `None` once the frame is open.
    fn advance_frame(&mut self) -> io::Result<Option<usize>> {
        while self.part == Part::Body {
            if self.decoder.needed() == 0 {
                self.end_frame()?;
            } else if self.pos == self.filled {
                return Ok(Some(1));
            } else {
                self.buffered_body(usize::MAX)?;
            }
        }
        if self.part == Part::Between {
            let size = self.decoder.config().prefix().size();
            if self.filled - self.pos < size {
                return Ok(Some(size));
            }
            self.decode_prefix(size)?;
            if self.part == Part::Body {
                // A raw frame: its payload follows the prefix.
                return Ok(None);
            }
        }
        let len = self.header_len();
        if self.filled - self.pos < len {
            return Ok(Some(len));
        }
        Ok(None)
    }

    /// Decodes the buffered prefix of `size` bytes.
    fn decode_prefix(&mut self, size: usize) -> io::Result<()> {
        let mut input = &self.buf[self.pos..self.pos + size];
        let event = self.decoder.decode(&mut input).map_err(decode_error)?;
        self.pos += size;
        self.part = match event {
            Some(Event::RawStart { .. }) => Part::Body,
            _ => Part::Header,
        };
        Ok(())
    }

    /// The length of the header being read: at most `N`, which fits the
    /// buffer.
    fn header_len(&self) -> usize {
        usize::try_from(self.decoder.needed()).unwrap_or(usize::MAX)
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

    /// The free end of the buffer to read into. The unread bytes move to the
    /// front first when there are none, or when `want` bytes would not fit
    /// behind them (`want` is at most a prefix or a header, which fit).
    fn spare(&mut self, want: usize) -> &mut [u8] {
        if self.buf.len() - self.pos < want || self.pos == self.filled {
            self.buf.copy_within(self.pos..self.filled, 0);
            self.filled -= self.pos;
            self.pos = 0;
        }
        &mut self.buf[self.filled..]
    }

    /// The transport has ended: the decoder gets what is buffered, then
    /// `finish` says whether that was between two frames (the reader then
    /// stands there) or how many bytes were missing.
    fn end_of_stream(&mut self) -> io::Result<()> {
        let rest = &self.buf[self.pos..self.filled];
        self.pos = self.filled;
        self.decoder.feed(rest, |_| {}).map_err(decode_error)?;
        self.decoder.finish().map_err(decode_error)?;
        self.part = Part::Between;
        Ok(())
    }
}

/// Parses `header` into `T`, unescaping JSON strings into owned fields
/// through a scratch buffer of `N` bytes on the stack.
pub(crate) fn parse_header<T: DeserializeOwned, const N: usize>(
    header: Header<'_>,
) -> io::Result<T> {
    let mut scratch = [0u8; N];
    header.parse_unescaped(&mut scratch).map_err(parse_error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DecodeError;

    /// Copies `bytes` into the spare part `frame_spare` hands out and commits
    /// them; `false` if the buffer said the frame was already open.
    fn feed<const N: usize>(frames: &mut ReadBuffer<N>, bytes: &[u8]) -> io::Result<bool> {
        let Some(spare) = frames.frame_spare()? else {
            return Ok(false);
        };
        spare[..bytes.len()].copy_from_slice(bytes);
        frames.commit(bytes.len())
    }

    #[test]
    fn buffer_holds_a_prefix_and_a_whole_header() {
        assert_eq!(buffer_len(256), BUFFER_SIZE);
        assert_eq!(buffer_len(BUFFER_SIZE), BUFFER_SIZE + MAX_PREFIX);
    }

    #[test]
    fn a_frame_opens_once_its_prefix_and_whole_header_are_buffered() -> io::Result<()> {
        let json = br#"{"file_size":3}"#;
        let mut frames = ReadBuffer::<64>::new(Config::default()).unwrap();
        assert!(feed(&mut frames, &[0, 0, 0])?);
        assert!(feed(&mut frames, &[json.len() as u8])?);
        assert!(feed(&mut frames, &json[..5])?);
        assert!(feed(&mut frames, &[&json[5..], b"a"].concat())?);
        assert!(frames.frame_spare()?.is_none(), "the header is whole");
        assert_eq!(frames.header()?.json().as_bytes(), json);
        assert_eq!(frames.body_remaining(), 3);
        assert_eq!(frames.buffered(), b"a");
        Ok(())
    }

    #[test]
    fn a_raw_frame_opens_with_its_prefix_and_its_payload_is_not_skipped() -> io::Result<()> {
        let config = Config::builder().kind(FrameKind::Raw).build().unwrap();
        let mut frames = ReadBuffer::<0>::new(config).unwrap();
        assert!(feed(&mut frames, b"\0\0\0\x02ab")?);
        assert!(frames.frame_spare()?.is_none());
        assert_eq!(frames.body_remaining(), 2);
        let Body::Chunk(chunk) = frames.body_step(8)? else {
            panic!("the payload is buffered");
        };
        assert_eq!(chunk, b"ab");
        Ok(())
    }

    #[test]
    fn the_stream_may_end_between_frames_but_not_inside_one() {
        let mut frames = ReadBuffer::<64>::new(Config::default()).unwrap();
        assert!(!frames.commit(0).unwrap());
        assert!(feed(&mut frames, &[0, 0]).unwrap());
        let err = frames.commit(0).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<DecodeError>());
        assert_eq!(inner, Some(&DecodeError::TruncatedPrefix { missing: 2 }));
    }
}
