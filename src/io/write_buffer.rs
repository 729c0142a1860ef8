//! The state of a [`std_io`](crate::io::std_io) or
//! [`tokio_io`](crate::io::tokio_io) `FrameWriter` without its transport: an
//! [`Encoder`] and the buffer in which a frame's prefix, header and (when it
//! fits) body are assembled. Every method encodes and checks, then hands
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

use crate::io::io_error::{encode_error, overrun_error, underrun_error};
use crate::io::read_buffer::buffer_len;
use crate::io::whole_frame::whole_frame_head;
use crate::{Config, ConfigError, EncodeError, Encoder};

/// The next step of copying a body from a source.
pub(crate) enum Pump<'a> {
    /// The buffer is full of the frame's bytes: write them all; nothing is
    /// pending afterwards.
    Flush(&'a [u8]),
    /// Read from the source into this room after the pending bytes, then
    /// report the count to [`pumped`](WriteBuffer::pumped).
    Read(&'a mut [u8]),
    /// The whole body is in: check that the source has ended with
    /// [`source_ended`](WriteBuffer::source_ended).
    Done,
}

/// A writer's encoder and buffer. See the [module docs](self).
pub(crate) struct WriteBuffer<const N: usize> {
    encoder: Encoder<N>,
    buf: Box<[u8]>,
}

impl<const N: usize> WriteBuffer<N> {
    /// A writer's state between frames.
    pub(crate) fn new(config: Config) -> Result<Self, ConfigError> {
        Ok(Self {
            encoder: Encoder::new(config)?,
            buf: vec![0; buffer_len(N)].into_boxed_slice(),
        })
    }

    /// The encoder.
    pub(crate) const fn encoder(&self) -> &Encoder<N> {
        &self.encoder
    }

    /// Encodes the prefix and header of a header frame and opens it; returns
    /// the bytes to write.
    pub(crate) fn header<T: Serialize + ?Sized>(&mut self, header: &T) -> io::Result<&[u8]> {
        let len = self.open_header(header)?;
        Ok(&self.buf[..len])
    }

    /// Encodes the prefix of a raw frame of `len` payload bytes and opens it;
    /// returns the bytes to write.
    pub(crate) fn raw(&mut self, len: u64) -> io::Result<&[u8]> {
        let written = self.encoder.raw(len, &mut self.buf).map_err(encode_error)?;
        Ok(&self.buf[..written])
    }

    /// Accounts for `chunk` as the next body bytes; returns it, to be written.
    pub(crate) fn body<'b>(&mut self, chunk: &'b [u8]) -> io::Result<&'b [u8]> {
        self.encoder.body(chunk).map_err(encode_error)
    }

    /// Closes the open frame.
    pub(crate) fn end_frame(&mut self) -> io::Result<()> {
        self.encoder.end_frame().map_err(encode_error)
    }

    /// Encodes a whole header frame whose body is `body` and returns the two
    /// slices to write, in order: the buffered prefix and header, with the
    /// body copied behind them when it fits (the second slice is then
    /// empty), and else the body itself.
    pub(crate) fn frame<'b, T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        body: &'b [u8],
    ) -> io::Result<(&[u8], &'b [u8])> {
        let head = whole_frame_head(&mut self.encoder, header, body, &mut self.buf)
            .map_err(encode_error)?;
        match self.buf.get_mut(head..head + body.len()) {
            Some(room) => {
                room.copy_from_slice(body);
                Ok((&self.buf[..head + body.len()], &[]))
            }
            None => Ok((&self.buf[..head], body)),
        }
    }

    /// Encodes the prefix and header of a header frame into the buffer and
    /// opens it; returns their length: the bytes pending in the buffer.
    pub(crate) fn open_header<T: Serialize + ?Sized>(&mut self, header: &T) -> io::Result<usize> {
        self.encoder
            .header(header, &mut self.buf)
            .map_err(encode_error)
    }

    /// Body bytes the open frame still expects.
    ///
    /// # Errors
    /// `InvalidInput` with [`EncodeError::NoFrameInProgress`] between frames.
    pub(crate) fn owed(&self) -> io::Result<u64> {
        let owed = self.encoder.remaining();
        owed.ok_or_else(|| encode_error(EncodeError::NoFrameInProgress))
    }

    /// The next step of copying the open frame's body from a source, with the
    /// first `pending` bytes of the buffer already part of the frame.
    pub(crate) fn pump(&mut self, pending: usize) -> io::Result<Pump<'_>> {
        let owed = self.owed()?;
        if owed == 0 {
            return Ok(Pump::Done);
        }
        if pending == self.buf.len() {
            return Ok(Pump::Flush(&self.buf[..pending]));
        }
        let space = self.buf.len() - pending;
        let room = usize::try_from(owed).map_or(space, |owed| owed.min(space));
        Ok(Pump::Read(&mut self.buf[pending..pending + room]))
    }

    /// Accounts for the `len` bytes the source gave into the room that
    /// [`pump`](Self::pump) handed out, and returns the new pending count.
    ///
    /// # Errors
    /// `UnexpectedEof` with [`EncodeError::BodyUnderrun`] if `len` is 0: the
    /// source ended early, and the frame is abandoned.
    pub(crate) fn pumped(&mut self, pending: usize, len: usize) -> io::Result<usize> {
        if len == 0 {
            let missing = self.owed()?;
            self.encoder.reset();
            return Err(underrun_error(missing));
        }
        self.encoder
            .body(&self.buf[pending..pending + len])
            .map_err(encode_error)?;
        Ok(pending + len)
    }

    /// Checks that the source, read once more after the whole body, gave
    /// nothing (`extra` bytes), and returns the `pending` bytes left to
    /// write before the frame is closed.
    ///
    /// # Errors
    /// `InvalidData` with [`EncodeError::BodyOverrun`] if the source ran
    /// long: the frame is abandoned.
    pub(crate) fn source_ended(&mut self, pending: usize, extra: usize) -> io::Result<&[u8]> {
        if extra == 0 {
            return Ok(&self.buf[..pending]);
        }
        self.encoder.reset();
        Err(overrun_error(extra))
    }
}
