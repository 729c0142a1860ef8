//! The two framings as traits, so that one adapter type serves both: a
//! `FrameReader<R, D>` reads header frames when `D` is a [`Decoder`] and raw
//! frames when it is a [`RawDecoder`], as tokio-util's `FramedRead` is
//! generic over its codec.
//!
//! Both traits are sealed: the crate's own decoders and encoders are the only
//! implementations, and their methods are the adapters' business. Use the
//! decoders and encoders directly for sans-IO work.

use crate::config::Config;
use crate::decoder::Decoder;
use crate::encoder::Encoder;
use crate::error::{DecodeError, EncodeError};
use crate::event::{Event, Part, RawEvent};
use crate::raw_decoder::RawDecoder;
use crate::raw_encoder::RawEncoder;

/// A decoder an adapter can drive: [`Decoder<N>`] (header frames) or
/// [`RawDecoder`] (raw frames). Sealed.
pub trait FrameDecoder: sealed::Decode + Unpin {}

/// An encoder an adapter can drive: [`Encoder<N>`] (header frames) or
/// [`RawEncoder`] (raw frames). Sealed.
pub trait FrameEncoder: sealed::Encode + Unpin {}

impl<const N: usize> FrameDecoder for Decoder<N> {}
impl FrameDecoder for RawDecoder {}
impl<const N: usize> FrameEncoder for Encoder<N> {}
impl FrameEncoder for RawEncoder {}

pub(crate) mod sealed {
    use super::{Config, DecodeError, EncodeError, Part};

    /// What an adapter needs of a decoder, whatever its framing.
    pub trait Decode {
        /// Decodes from the front of `input` towards the next frame: passes
        /// over what is left of the current frame, then takes prefix (and
        /// header) bytes. `true` once the next frame is open (its header, or
        /// its raw prefix, is complete), `false` when `input` is used up first.
        fn open_next(&mut self, input: &mut &[u8]) -> Result<bool, DecodeError>;

        /// The next body bytes of the open frame from the front of `input`;
        /// `None` when `input` is empty, when no frame is open, or when the
        /// body is complete (the frame is then closed).
        fn body_chunk<'i>(&mut self, input: &mut &'i [u8])
        -> Result<Option<&'i [u8]>, DecodeError>;

        /// As the decoders' `needed`.
        fn needed(&self) -> u64;

        /// As the decoders' `part`.
        fn part(&self) -> Part;

        /// As the decoders' `finish`.
        fn finish(&mut self) -> Result<(), DecodeError>;

        /// As the decoders' `config`.
        fn config(&self) -> &Config;

        /// The header buffer's capacity: `N`, or 0 for raw frames.
        fn header_capacity(&self) -> usize;
    }

    /// What an adapter needs of an encoder, whatever its framing.
    pub trait Encode {
        /// As the encoders' `body`.
        fn body<'b>(&mut self, chunk: &'b [u8]) -> Result<&'b [u8], EncodeError>;

        /// As the encoders' `end_frame`.
        fn end_frame(&mut self) -> Result<(), EncodeError>;

        /// As the encoders' `remaining`.
        fn remaining(&self) -> Option<u64>;

        /// As the encoders' `reset`.
        fn reset(&mut self);

        /// As the encoders' `config`.
        fn config(&self) -> &Config;

        /// The header buffer's capacity: `N`, or 0 for raw frames.
        fn header_capacity(&self) -> usize;
    }
}

impl<const N: usize> sealed::Decode for Decoder<N> {
    fn open_next(&mut self, input: &mut &[u8]) -> Result<bool, DecodeError> {
        loop {
            match self.decode(input)? {
                Some(Event::Header(_)) => return Ok(true),
                Some(Event::Body { .. } | Event::FrameEnd) => {}
                None => return Ok(false),
            }
        }
    }

    fn body_chunk<'i>(&mut self, input: &mut &'i [u8]) -> Result<Option<&'i [u8]>, DecodeError> {
        if self.part() != Part::Body {
            return Ok(None);
        }
        match self.decode(input)? {
            Some(Event::Body { chunk, .. }) => Ok(Some(chunk)),
            _ => Ok(None),
        }
    }

    fn needed(&self) -> u64 {
        Decoder::needed(self)
    }

    fn part(&self) -> Part {
        Decoder::part(self)
    }

    fn finish(&mut self) -> Result<(), DecodeError> {
        Decoder::finish(self)
    }

    fn config(&self) -> &Config {
        Decoder::config(self)
    }

    fn header_capacity(&self) -> usize {
        N
    }
}

impl sealed::Decode for RawDecoder {
    fn open_next(&mut self, input: &mut &[u8]) -> Result<bool, DecodeError> {
        loop {
            match self.decode(input)? {
                Some(RawEvent::Start { .. }) => return Ok(true),
                Some(RawEvent::Body { .. } | RawEvent::FrameEnd) => {}
                None => return Ok(false),
            }
        }
    }

    fn body_chunk<'i>(&mut self, input: &mut &'i [u8]) -> Result<Option<&'i [u8]>, DecodeError> {
        if self.part() != Part::Body {
            return Ok(None);
        }
        match self.decode(input)? {
            Some(RawEvent::Body { chunk, .. }) => Ok(Some(chunk)),
            _ => Ok(None),
        }
    }

    fn needed(&self) -> u64 {
        RawDecoder::needed(self)
    }

    fn part(&self) -> Part {
        RawDecoder::part(self)
    }

    fn finish(&mut self) -> Result<(), DecodeError> {
        RawDecoder::finish(self)
    }

    fn config(&self) -> &Config {
        RawDecoder::config(self)
    }

    fn header_capacity(&self) -> usize {
        0
    }
}

impl<const N: usize> sealed::Encode for Encoder<N> {
    fn body<'b>(&mut self, chunk: &'b [u8]) -> Result<&'b [u8], EncodeError> {
        Encoder::body(self, chunk)
    }

    fn end_frame(&mut self) -> Result<(), EncodeError> {
        Encoder::end_frame(self)
    }

    fn remaining(&self) -> Option<u64> {
        Encoder::remaining(self)
    }

    fn reset(&mut self) {
        Encoder::reset(self);
    }

    fn config(&self) -> &Config {
        Encoder::config(self)
    }

    fn header_capacity(&self) -> usize {
        N
    }
}

impl sealed::Encode for RawEncoder {
    fn body<'b>(&mut self, chunk: &'b [u8]) -> Result<&'b [u8], EncodeError> {
        RawEncoder::body(self, chunk)
    }

    fn end_frame(&mut self) -> Result<(), EncodeError> {
        RawEncoder::end_frame(self)
    }

    fn remaining(&self) -> Option<u64> {
        RawEncoder::remaining(self)
    }

    fn reset(&mut self) {
        RawEncoder::reset(self);
    }

    fn config(&self) -> &Config {
        RawEncoder::config(self)
    }

    fn header_capacity(&self) -> usize {
        0
    }
}
