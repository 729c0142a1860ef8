//! The sans-IO decoder of raw frames (`prefix | payload`): the tutorial's
//! command-output replies.
//!
//! A raw frame has no header, so a [`RawDecoder`] has no header buffer and
//! no JSON code: it reads a length prefix, hands out exactly that many
//! payload bytes as slices of your input, and ends the frame. Everything
//! else works as in the [`Decoder`](crate::Decoder): state kept across
//! calls, nothing consumed past the event it returns, errors final until
//! [`reset`](RawDecoder::reset).
//!
//! ```
//! use unstick::{Config, RawDecoder, RawEvent};
//!
//! // struct.pack('i', 3) + b"dir", then the next reply's first byte.
//! let mut decoder = RawDecoder::new(Config::python_struct());
//! let mut input: &[u8] = b"\x03\0\0\0dir\x05";
//! assert_eq!(decoder.decode(&mut input)?, Some(RawEvent::Start { len: 3 }));
//! assert_eq!(decoder.decode(&mut input)?, Some(RawEvent::Body { chunk: b"dir", remaining: 0 }));
//! assert_eq!(decoder.decode(&mut input)?, Some(RawEvent::FrameEnd));
//! assert_eq!(input, b"\x05");
//! # Ok::<(), unstick::Error>(())
//! ```

use core::ops::ControlFlow;

use crate::config::Config;
use crate::decoder::next_chunk;
use crate::error::DecodeError;
use crate::event::{Part, RawEvent};
use crate::prefix::{PartialPrefix, PrefixValue};

/// Where the decoder is inside the current raw frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the length prefix.
    Prefix(PartialPrefix),
    /// Handing out the payload; at 0 the next call ends the frame.
    Body { remaining: u64 },
    /// Poisoned: every call returns this error until `reset`.
    Failed(DecodeError),
}

const FRAME_START: State = State::Prefix(PartialPrefix::START);

/// A push/pull decoder for one stream of raw frames. See the
/// [module docs](self).
///
/// Of its [`Config`] it uses the prefix and the maximum body length (the
/// payload limit); the body key and header limit do not apply.
#[derive(Debug, Clone)]
pub struct RawDecoder {
    config: Config,
    state: State,
}

impl RawDecoder {
    /// A decoder at the start of a stream. Every configuration works for
    /// raw frames.
    pub const fn new(config: Config) -> Self {
        Self {
            config,
            state: FRAME_START,
        }
    }

    /// The configuration this decoder was built with.
    pub const fn config(&self) -> &Config {
        &self.config
    }

    /// Decodes the next event from the front of `input` and advances `input`
    /// past the bytes it used; `Ok(None)` when `input` is used up without
    /// completing an event. As [`Decoder::decode`](crate::Decoder::decode).
    ///
    /// # Errors
    /// [`DecodeError::NegativeLength`] and [`DecodeError::BodyTooLong`]
    /// (the payload is over the limit), raised once the prefix is complete;
    /// final until [`reset`](Self::reset).
    #[inline]
    pub fn decode<'i>(
        &mut self,
        input: &mut &'i [u8],
    ) -> Result<Option<RawEvent<'i>>, DecodeError> {
        match self.state {
            State::Failed(err) => Err(err),
            State::Body { remaining } => Ok(self.body(input, remaining)),
            State::Prefix(_) if input.is_empty() => Ok(None),
            State::Prefix(partial) => self.prefix(input, partial),
        }
    }

    /// Decodes `input`, calling `on_event` for every event, until `input` is
    /// used up or `on_event` breaks. As [`Decoder::feed`](crate::Decoder::feed).
    ///
    /// # Errors
    /// As [`decode`](Self::decode); events before the error were delivered.
    pub fn feed<'i, B>(
        &mut self,
        input: &mut &'i [u8],
        mut on_event: impl FnMut(RawEvent<'i>) -> ControlFlow<B>,
    ) -> Result<Option<B>, DecodeError> {
        while let Some(event) = self.decode(input)? {
            if let ControlFlow::Break(value) = on_event(event) {
                return Ok(Some(value));
            }
        }
        Ok(None)
    }

    /// Tells the decoder the input has ended. As
    /// [`Decoder::finish`](crate::Decoder::finish).
    ///
    /// # Errors
    /// [`DecodeError::TruncatedPrefix`], [`DecodeError::TruncatedBody`], or
    /// the error that already poisoned it.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        let err = match self.state {
            State::Failed(err) => err,
            State::Body { remaining: 0 } => return Ok(()),
            State::Prefix(partial) if partial.have() == 0 => return Ok(()),
            State::Prefix(partial) => DecodeError::TruncatedPrefix {
                missing: self.config.prefix().size() - partial.have(),
            },
            State::Body { remaining } => DecodeError::TruncatedBody { missing: remaining },
        };
        self.state = State::Failed(err);
        Err(err)
    }

    /// Forgets the current frame and any error.
    pub fn reset(&mut self) {
        self.state = FRAME_START;
    }

    /// How many more bytes complete the prefix or the payload being read;
    /// `0` when an event is due without input, or after an error.
    pub fn needed(&self) -> u64 {
        match self.state {
            State::Prefix(partial) => (self.config.prefix().size() - partial.have()) as u64,
            State::Body { remaining } => remaining,
            State::Failed(_) => 0,
        }
    }

    /// Which part of a frame the decoder is reading (never [`Part::Header`]).
    pub const fn part(&self) -> Part {
        match self.state {
            State::Prefix(_) => Part::Prefix,
            State::Body { .. } => Part::Body,
            State::Failed(_) => Part::Failed,
        }
    }

    /// Whether the decoder stands between two frames (no byte of a frame seen).
    pub const fn is_at_frame_boundary(&self) -> bool {
        matches!(self.state, State::Prefix(partial) if partial.have() == 0)
    }

    fn body<'i>(&mut self, input: &mut &'i [u8], remaining: u64) -> Option<RawEvent<'i>> {
        if remaining == 0 {
            self.state = FRAME_START;
            return Some(RawEvent::FrameEnd);
        }
        let (chunk, remaining) = next_chunk(input, remaining)?;
        self.state = State::Body { remaining };
        Some(RawEvent::Body { chunk, remaining })
    }

    fn prefix<'i>(
        &mut self,
        input: &mut &'i [u8],
        mut partial: PartialPrefix,
    ) -> Result<Option<RawEvent<'i>>, DecodeError> {
        let err = match partial.read(self.config.prefix(), input) {
            None => {
                self.state = State::Prefix(partial);
                return Ok(None);
            }
            Some(PrefixValue::Negative(value)) => DecodeError::NegativeLength { value },
            Some(PrefixValue::Len(len)) if len > self.config.max_body_len() => {
                DecodeError::BodyTooLong {
                    len,
                    max: self.config.max_body_len(),
                }
            }
            Some(PrefixValue::Len(len)) => {
                self.state = State::Body { remaining: len };
                return Ok(Some(RawEvent::Start { len }));
            }
        };
        self.state = State::Failed(err);
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_decoder_holds_no_header_buffer() {
        assert!(size_of::<RawDecoder>() <= 64, "{}", size_of::<RawDecoder>());
    }

    #[test]
    fn a_payload_of_exactly_the_limit_is_accepted_and_one_more_refused() {
        let config = Config::builder().max_body_len(3).build().unwrap();
        let mut decoder = RawDecoder::new(config);
        let mut input: &[u8] = b"\0\0\0\x03abc\0\0\0\x04";
        assert_eq!(
            decoder.decode(&mut input),
            Ok(Some(RawEvent::Start { len: 3 }))
        );
        assert_eq!(decoder.part(), Part::Body);
        assert_eq!(
            decoder.decode(&mut input),
            Ok(Some(RawEvent::Body {
                chunk: b"abc",
                remaining: 0
            }))
        );
        assert_eq!(decoder.decode(&mut input), Ok(Some(RawEvent::FrameEnd)));
        assert!(decoder.is_at_frame_boundary());
        let err = DecodeError::BodyTooLong { len: 4, max: 3 };
        assert_eq!(decoder.decode(&mut input), Err(err));
        assert_eq!(decoder.part(), Part::Failed);
        assert_eq!(decoder.finish(), Err(err));
    }

    #[test]
    fn needed_and_finish_follow_prefix_and_payload() {
        let mut decoder = RawDecoder::new(Config::default());
        let mut input: &[u8] = b"\0\0";
        assert_eq!(decoder.decode(&mut input), Ok(None));
        assert_eq!(decoder.needed(), 2);
        assert!(!decoder.is_at_frame_boundary());
        let mut input: &[u8] = b"\0\x05ab";
        assert_eq!(
            decoder.decode(&mut input),
            Ok(Some(RawEvent::Start { len: 5 }))
        );
        assert!(matches!(
            decoder.decode(&mut input),
            Ok(Some(RawEvent::Body { remaining: 3, .. }))
        ));
        assert_eq!(decoder.needed(), 3);
        assert_eq!(
            decoder.finish(),
            Err(DecodeError::TruncatedBody { missing: 3 })
        );
        decoder.reset();
        assert_eq!(decoder.finish(), Ok(()));
    }
}
