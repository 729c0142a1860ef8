//! The state of a [`std`](crate::io::std) or [`tokio`](crate::io::tokio)
//! `FrameWriter` without its transport: an encoder and the buffer in which a
//! frame's prefix, header and (when it fits) body are assembled. Every method encodes and checks, then hands
//! back the bytes to write; the adapters only write them, blocking or with
//! `.await`.
//!
//! A body copied from a source is a loop around [`pump`](WriteBuffer::pump):
//! write what it hands out to flush, or read from the source into the room
//! it hands out and report the count to [`pumped`](WriteBuffer::pumped);
//! once the body is complete, read the source once more and let
//! [`source_ended`](WriteBuffer::source_ended) check that it had nothing
//! left.

use std::boxed::Box;
use std::io;
use std::vec;

use serde::Serialize;

use crate::framing::FrameEncoder;
use crate::io::read_buffer::buffer_len;
use crate::{EncodeError, Encoder, RawEncoder};

/// The next step of copying a body from a source.
pub(crate) enum Pump<'a> {
    /// The buffer is full of the frame's bytes: write them all; nothing is
    /// pending afterwards.
    Flush(&'a [u8]),
    /// Read from the source into this room after the pending bytes, then
    /// report the count to [`pumped`](WriteBuffer::pumped).
    Read(&'a mut [u8]),
    /// The whole body is in: read the source once more into this room (never
    /// empty) and let [`source_ended`](WriteBuffer::source_ended) check that
    /// it gave nothing.
    Done(&'a mut [u8]),
}

/// A writer's encoder and buffer. See the [module docs](self).
pub(crate) struct WriteBuffer<E> {
    encoder: E,
    buf: Box<[u8]>,
}

impl<E: FrameEncoder> WriteBuffer<E> {
    /// A writer's state between frames.
    pub(crate) fn new(encoder: E) -> Self {
        let len = buffer_len(encoder.header_capacity());
        Self {
            encoder,
            buf: vec![0; len].into_boxed_slice(),
        }
    }

    /// Accounts for `chunk` as body bytes and hands it back to be written.
    pub(crate) fn body<'b>(&mut self, chunk: &'b [u8]) -> io::Result<&'b [u8]> {
        Ok(self.encoder.body(chunk)?)
    }

    /// Closes the open frame.
    pub(crate) fn end_frame(&mut self) -> io::Result<()> {
        Ok(self.encoder.end_frame()?)
    }

    /// Body bytes the open frame still owes.
    pub(crate) fn owed(&self) -> io::Result<u64> {
        let owed = self.encoder.remaining();
        Ok(owed.ok_or(EncodeError::NoFrameInProgress)?)
    }

    /// The next step of copying the open frame's body from a source, with
    /// the first `pending` bytes of the buffer already part of the frame.
    pub(crate) fn pump(&mut self, pending: usize) -> io::Result<Pump<'_>> {
        let owed = self.owed()?;
        if pending == self.buf.len() {
            return Ok(Pump::Flush(&self.buf[..pending]));
        }
        let space = self.buf.len() - pending;
        if owed == 0 {
            return Ok(Pump::Done(&mut self.buf[pending..]));
        }
        let room = usize::try_from(owed).map_or(space, |owed| owed.min(space));
        Ok(Pump::Read(&mut self.buf[pending..pending + room]))
    }

    /// Accounts for `len` bytes read into the room [`pump`](Self::pump)
    /// handed out; returns the new count of pending bytes.
    ///
    /// # Errors
    /// `UnexpectedEof` with [`EncodeError::BodyUnderrun`] if the source
    /// ended (`len` 0) before the whole body: the frame is abandoned.
    pub(crate) fn pumped(&mut self, pending: usize, len: usize) -> io::Result<usize> {
        if len == 0 {
            let missing = self.owed()?;
            self.encoder.reset();
            let err = EncodeError::BodyUnderrun { missing };
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, err));
        }
        self.encoder.body(&self.buf[pending..pending + len])?;
        Ok(pending + len)
    }

    /// Checks that the source, read once more after the whole body, gave
    /// nothing (`extra` bytes), and returns the `pending` bytes left to
    /// write before the frame is closed.
    ///
    /// # Errors
    /// `InvalidData` with [`EncodeError::BodyOverrun`] (its `chunk` is what
    /// that last read gave) if the source ran long: the frame is abandoned.
    pub(crate) fn source_ended(&mut self, pending: usize, extra: usize) -> io::Result<&[u8]> {
        if extra == 0 {
            return Ok(&self.buf[..pending]);
        }
        self.encoder.reset();
        let err = EncodeError::BodyOverrun {
            remaining: 0,
            chunk: extra,
        };
        Err(io::Error::new(io::ErrorKind::InvalidData, err))
    }
}

impl<const N: usize> WriteBuffer<Encoder<N>> {
    /// Encodes a frame's prefix and header into the buffer, opens the frame,
    /// and returns their length.
    pub(crate) fn open_header<T: Serialize + ?Sized>(&mut self, header: &T) -> io::Result<usize> {
        Ok(self.encoder.header(header, &mut self.buf)?)
    }

    /// Encodes a frame's prefix and header and opens the frame; returns the
    /// bytes to write.
    pub(crate) fn header<T: Serialize + ?Sized>(&mut self, header: &T) -> io::Result<&[u8]> {
        let len = self.open_header(header)?;
        Ok(&self.buf[..len])
    }

    /// Encodes a whole frame: the bytes to write, all in the first part when
    /// the body fits the buffer, else the prefix and header, then the body.
    /// The frame is accounted for and closed before anything is written.
    pub(crate) fn frame<'b, T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        body: &'b [u8],
    ) -> io::Result<(&[u8], &'b [u8])> {
        let head = self.encoder.frame_head(header, body)?;
        let len = head.len();
        let (prefix, json) = self.buf[..len].split_at_mut(head.prefix().len());
        prefix.copy_from_slice(head.prefix());
        json.copy_from_slice(head.json());
        Ok(self.with_body(len, body))
    }
}

impl WriteBuffer<RawEncoder> {
    /// Encodes a raw frame's prefix and opens the frame; returns the bytes to
    /// write.
    pub(crate) fn start(&mut self, len: u64) -> io::Result<&[u8]> {
        let written = self.encoder.start(len, &mut self.buf)?;
        Ok(&self.buf[..written])
    }

    /// Encodes a whole raw frame, as [`WriteBuffer::frame`] does.
    pub(crate) fn frame<'b>(&mut self, payload: &'b [u8]) -> io::Result<(&[u8], &'b [u8])> {
        let head = self.encoder.start(payload.len() as u64, &mut self.buf)?;
        self.encoder.body(payload)?;
        self.encoder.end_frame()?;
        Ok(self.with_body(head, payload))
    }
}

impl<E> WriteBuffer<E> {
    /// The encoder.
    pub(crate) const fn encoder(&self) -> &E {
        &self.encoder
    }

    /// The `head` bytes in the buffer followed by `body`: copied behind them
    /// when it fits, else handed back to be written on its own.
    fn with_body<'b>(&mut self, head: usize, body: &'b [u8]) -> (&[u8], &'b [u8]) {
        match self.buf.get_mut(head..head + body.len()) {
            Some(room) => {
                room.copy_from_slice(body);
                (&self.buf[..head + body.len()], &[])
            }
            None => (&self.buf[..head], body),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Config;
    use crate::io::read_buffer::BUFFER_SIZE;

    #[test]
    fn buffer_holds_a_prefix_and_a_whole_header() {
        const BIG: usize = BUFFER_SIZE + 100;
        let big = WriteBuffer::new(Encoder::<BIG>::new(Config::default()).unwrap());
        assert_eq!(
            big.buf.len(),
            BIG + 8,
            "a header of N bytes and its prefix fit"
        );
        let raw = WriteBuffer::new(RawEncoder::new(Config::default()));
        assert_eq!(raw.buf.len(), BUFFER_SIZE);
    }

    #[test]
    fn a_source_that_ends_early_abandons_the_frame() {
        let mut frames = WriteBuffer::new(RawEncoder::new(Config::default()));
        assert_eq!(frames.start(5).map(<[u8]>::len).ok(), Some(4));
        let err = frames.pumped(0, 0).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<EncodeError>());
        assert_eq!(inner, Some(&EncodeError::BodyUnderrun { missing: 5 }));
        assert_eq!(frames.encoder().remaining(), None, "no frame is left open");
        assert!(frames.start(1).is_ok(), "the next frame may start");
    }

    #[test]
    fn a_source_that_runs_long_abandons_the_frame() {
        let mut frames = WriteBuffer::new(RawEncoder::new(Config::default()));
        assert!(frames.start(0).is_ok());
        let err = frames.source_ended(4, 3).unwrap_err();
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<EncodeError>());
        let overrun = EncodeError::BodyOverrun {
            remaining: 0,
            chunk: 3,
        };
        assert_eq!(inner, Some(&overrun), "the chunk is what the probe read");
        assert_eq!(frames.encoder().remaining(), None);
    }
}
