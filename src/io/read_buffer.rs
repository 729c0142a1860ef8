//! The state of a [`std`](crate::io::std) or [`tokio`](crate::io::tokio)
//! `FrameReader` without its transport: a decoder and a read buffer. Every
//! decision is made here (and where the reader stands is the decoder's own
//! [`part`](crate::Decoder::part)); the adapters only make the reads it asks
//! for, blocking or with `.await`.
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

use crate::Part;
use crate::framing::FrameDecoder;
use crate::io::MAX_PREFIX;

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
pub(crate) struct ReadBuffer<D> {
    decoder: D,
    buf: Box<[u8]>,
    /// `buf[pos..filled]` is read but not yet decoded.
    pos: usize,
    filled: usize,
}

impl<D> ReadBuffer<D> {
    /// The decoder.
    pub(crate) const fn decoder(&self) -> &D {
        &self.decoder
    }

    /// Bytes read but not yet decoded.
    pub(crate) fn buffered(&self) -> &[u8] {
        &self.buf[self.pos..self.filled]
    }
}

impl<D: FrameDecoder> ReadBuffer<D> {
    /// A reader's state at the start of a stream of frames.
    pub(crate) fn new(decoder: D) -> Self {
        let len = buffer_len(decoder.header_capacity());
        Self {
            decoder,
            buf: vec![0; len].into_boxed_slice(),
            pos: 0,
            filled: 0,
        }
    }

    /// Body bytes of the current frame not yet read (0 between frames).
    pub(crate) fn body_remaining(&self) -> u64 {
        match self.decoder.part() {
            Part::Body => self.decoder.needed(),
            Part::Prefix | Part::Header | Part::Failed => 0,
        }
    }

    /// Decodes what is buffered towards the next frame: passes over the rest
    /// of the current body, then the next prefix and header.
    ///
    /// `Some(spare)`: nothing buffered is left; read into `spare`,
    /// [`commit`](Self::commit) the count, and ask again. `None`: the frame
    /// is open; its header is the decoder's
    /// [`header`](crate::Decoder::header), its body length
    /// [`body_remaining`](Self::body_remaining).
    pub(crate) fn frame_spare(&mut self) -> io::Result<Option<&mut [u8]>> {
        let mut input = &self.buf[self.pos..self.filled];
        let opened = self.decoder.open_next(&mut input);
        self.pos = self.filled - input.len();
        if opened? {
            return Ok(None);
        }
        Ok(Some(self.spare()))
    }

    /// The next step of reading at most `max` bytes of the current body.
    pub(crate) fn body_step(&mut self, max: usize) -> io::Result<Body<'_>> {
        if self.decoder.part() != Part::Body || max == 0 {
            return Ok(Body::Chunk(&[]));
        }
        if self.pos == self.filled && self.decoder.needed() > 0 {
            return Ok(Body::Read(self.spare()));
        }
        let end = self.filled.min(self.pos.saturating_add(max));
        let mut input = &self.buf[self.pos..end];
        let chunk = self.decoder.body_chunk(&mut input)?.unwrap_or_default();
        self.pos += chunk.len();
        Ok(Body::Chunk(chunk))
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
        let chunk = self.decoder.body_chunk(&mut &*bytes)?;
        Ok(chunk.map_or(0, <[u8]>::len))
    }

    /// Records `len` bytes read into the spare part last handed out. 0 means
    /// the transport has ended: `Ok(false)` if it ended between two frames,
    /// else the decoder's truncation error.
    pub(crate) fn commit(&mut self, len: usize) -> io::Result<bool> {
        if len == 0 {
            self.end_of_stream()?;
            return Ok(false);
        }
        self.filled += len;
        Ok(true)
    }

    /// The free end of the buffer to read into; the unread bytes move to the
    /// front first.
    fn spare(&mut self) -> &mut [u8] {
        self.buf.copy_within(self.pos..self.filled, 0);
        self.filled -= self.pos;
        self.pos = 0;
        &mut self.buf[self.filled..]
    }

    /// The transport has ended: the decoder gets what is buffered, then
    /// `finish` says whether that was between two frames or how many bytes
    /// were missing.
    fn end_of_stream(&mut self) -> io::Result<()> {
        let mut rest = &self.buf[self.pos..self.filled];
        self.pos = self.filled;
        while self.decoder.open_next(&mut rest)? {}
        self.decoder.finish()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, DecodeError, Decoder, RawDecoder};

    /// Copies `bytes` into the spare part `frame_spare` hands out and commits
    /// them; `false` if the buffer said the frame was already open.
    fn feed<D: FrameDecoder>(frames: &mut ReadBuffer<D>, bytes: &[u8]) -> io::Result<bool> {
        let Some(spare) = frames.frame_spare()? else {
            return Ok(false);
        };
        spare[..bytes.len()].copy_from_slice(bytes);
        frames.commit(bytes.len())
    }

    fn header_frames() -> ReadBuffer<Decoder<64>> {
        ReadBuffer::new(Decoder::new(Config::default()).unwrap())
    }

    #[test]
    fn buffer_holds_a_prefix_and_a_whole_header() {
        assert_eq!(buffer_len(256), 64 * 1024, "the README's 64 KiB buffer");
        assert_eq!(buffer_len(BUFFER_SIZE), BUFFER_SIZE + MAX_PREFIX);
        const BIG: usize = BUFFER_SIZE + 100;
        let big = ReadBuffer::new(Decoder::<BIG>::new(Config::default()).unwrap());
        assert_eq!(big.buf.len(), BIG + MAX_PREFIX, "a header of N bytes fits");
        let raw = ReadBuffer::new(RawDecoder::new(Config::default()));
        assert_eq!(raw.buf.len(), BUFFER_SIZE);
    }

    #[test]
    fn a_frame_opens_once_its_prefix_and_whole_header_are_decoded() -> io::Result<()> {
        let json = br#"{"file_size":3}"#;
        let mut frames = header_frames();
        assert!(feed(&mut frames, &[0, 0, 0])?);
        assert!(feed(&mut frames, &[json.len() as u8])?);
        assert!(feed(&mut frames, &json[..5])?);
        assert!(feed(&mut frames, &[&json[5..], b"a"].concat())?);
        assert!(frames.frame_spare()?.is_none(), "the header is whole");
        let header = frames.decoder().header().map(|h| h.json());
        assert_eq!(header.map(str::as_bytes), Some(&json[..]));
        assert_eq!(frames.body_remaining(), 3);
        assert_eq!(frames.buffered(), b"a");
        Ok(())
    }

    #[test]
    fn a_raw_frame_opens_with_its_prefix_and_its_payload_is_not_skipped() -> io::Result<()> {
        let mut frames = ReadBuffer::new(RawDecoder::new(Config::default()));
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
        let mut frames = header_frames();
        assert!(!frames.commit(0).unwrap());
        assert!(feed(&mut frames, &[0, 0]).unwrap());
        let err = frames.commit(0).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<DecodeError>());
        assert_eq!(inner, Some(&DecodeError::TruncatedPrefix { missing: 2 }));
    }
}
