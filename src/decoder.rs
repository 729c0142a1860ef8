//! The sans-IO frame decoder.
//!
//! Give it bytes as they arrive — one at a time or many frames at once — and
//! it hands back [`Event`]s. It keeps its state between calls, looks at every
//! byte once, copies only the prefix and header (into a buffer of `N` bytes
//! inside the decoder), and hands body bytes back as slices of your input. It
//! never consumes a byte past the event it returns, so the next frame's bytes
//! stay in your slice.
//!
//! # Pull: `decode` advances your slice
//! ```
//! use unstick::{Config, Decoder, Event};
//!
//! // Three frames glued into one read, as TCP delivers them.
//! let mut wire = Vec::new();
//! for body in [&b"hello"[..], b"hello", b"hello"] {
//!     let header = format!(r#"{{"file_size":{}}}"#, body.len());
//!     wire.extend_from_slice(&(header.len() as u32).to_be_bytes());
//!     wire.extend_from_slice(header.as_bytes());
//!     wire.extend_from_slice(body);
//! }
//!
//! let mut decoder = Decoder::<64>::new(Config::default())?;
//! let mut input = &wire[..];
//! let mut bodies = 0;
//! while let Some(event) = decoder.decode(&mut input)? {
//!     match event {
//!         Event::Header(header) => assert_eq!(header.body_len(), 5),
//!         Event::Body { chunk, .. } => assert_eq!(chunk, b"hello"),
//!         Event::FrameEnd => bodies += 1,
//!         Event::RawStart { .. } => unreachable!("header frames are configured"),
//!     }
//! }
//! assert_eq!(bodies, 3);
//! decoder.finish()?; // the input ended cleanly, between two frames
//! # Ok::<(), unstick::Error>(())
//! ```
//!
//! # Push: `feed` calls you back
//! ```
//! use unstick::{Config, Decoder, Event, FrameKind};
//!
//! let config = Config::builder().kind(FrameKind::Raw).build()?;
//! let mut decoder = Decoder::<0>::new(config)?; // raw frames need no header buffer
//! let mut output = Vec::new();
//! for byte in b"\0\0\0\x03dir" {
//!     decoder.feed(&[*byte], |event| {
//!         if let Event::Body { chunk, .. } = event {
//!             output.extend_from_slice(chunk);
//!         }
//!     })?;
//! }
//! assert_eq!(output, b"dir");
//! # Ok::<(), unstick::Error>(())
//! ```
//!
//! # Errors are final
//! After an error every call returns the same error until [`Decoder::reset`];
//! there is no silent resynchronisation, since a stream that lost its frame
//! boundary has nothing trustworthy left in it.

use heapless::Vec;

use crate::config::{Config, FrameKind};
use crate::error::{ConfigError, DecodeError};
use crate::event::{Event, Header};
use crate::header;
use crate::prefix::PrefixValue;

/// Where the decoder is inside the current frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the length prefix: `have` bytes so far, folded into `acc`.
    Prefix { have: u8, acc: u64 },
    /// Reading a header of `len` bytes into the header buffer.
    Header { len: usize },
    /// Handing out body bytes; at 0 the next call ends the frame.
    Body { remaining: u64 },
    /// Poisoned: every call returns this error until `reset`.
    Failed(DecodeError),
}

const FRAME_START: State = State::Prefix { have: 0, acc: 0 };

/// A push/pull decoder for one stream of frames, with a header buffer of `N`
/// bytes and no other memory. See the [module docs](self) for examples.
///
/// `N` bounds the header length (see
/// [`ConfigBuilder::max_header_len`](crate::ConfigBuilder::max_header_len));
/// for raw frames it may be 0. The decoder is `N + 64` bytes at most.
#[derive(Debug, Clone)]
pub struct Decoder<const N: usize> {
    config: Config,
    state: State,
    header: Vec<u8, N>,
}

impl<const N: usize> Decoder<N> {
    /// A decoder at the start of a stream.
    ///
    /// # Errors
    /// For header frames: [`ConfigError::HeaderLimitAboveCapacity`] if the
    /// configured maximum header length exceeds `N`, and
    /// [`ConfigError::ZeroHeaderLimit`] if `N` is 0 and no smaller limit is set.
    pub const fn new(config: Config) -> Result<Self, ConfigError> {
        if let Err(err) = config.check_capacity(N) {
            return Err(err);
        }
        Ok(Self {
            config,
            state: FRAME_START,
            header: Vec::new(),
        })
    }

    /// The configuration this decoder was built with.
    pub const fn config(&self) -> &Config {
        &self.config
    }

    /// Decodes the next event from the front of `input` and advances `input`
    /// past the bytes it used.
    ///
    /// Returns `Ok(None)` when `input` is used up without completing an
    /// event (the partial prefix or header is kept); `input` is then empty.
    /// Returns an event even for an empty `input` when one is due without more
    /// bytes (the `FrameEnd` after the last body chunk).
    ///
    /// # Errors
    /// Any [`DecodeError`] but the truncation ones (see [`finish`](Self::finish)).
    /// `input` then starts right after the offending prefix or header. The
    /// error is final: every later call returns it again until
    /// [`reset`](Self::reset).
    #[inline]
    pub fn decode<'i>(
        &mut self,
        input: &mut &'i [u8],
    ) -> Result<Option<Event<'_, 'i>>, DecodeError> {
        match self.state {
            State::Failed(err) => Err(err),
            State::Body { remaining } => Ok(self.body(input, remaining)),
            State::Prefix { have, acc } => self.prefix(input, have, acc),
            State::Header { len } => self.header(input, len),
        }
    }

    /// Decodes all of `input`, calling `on_event` for every event in order.
    ///
    /// # Errors
    /// As [`decode`](Self::decode); events before the error were delivered.
    pub fn feed<'i>(
        &mut self,
        mut input: &'i [u8],
        mut on_event: impl FnMut(Event<'_, 'i>),
    ) -> Result<(), DecodeError> {
        while let Some(event) = self.decode(&mut input)? {
            on_event(event);
        }
        Ok(())
    }

    /// Tells the decoder the input has ended: `Ok` if it ended between two
    /// frames, else the truncation error with how many bytes were missing
    /// (which also poisons the decoder).
    ///
    /// # Errors
    /// [`DecodeError::TruncatedPrefix`], [`DecodeError::TruncatedHeader`],
    /// [`DecodeError::TruncatedBody`], or the error that already poisoned it.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        let err = match self.state {
            State::Failed(err) => err,
            State::Prefix { have: 0, .. } | State::Body { remaining: 0 } => return Ok(()),
            State::Prefix { have, .. } => DecodeError::TruncatedPrefix {
                missing: self.config.prefix().size() - usize::from(have),
            },
            State::Header { len } => DecodeError::TruncatedHeader {
                missing: len - self.header.len(),
            },
            State::Body { remaining } => DecodeError::TruncatedBody { missing: remaining },
        };
        self.state = State::Failed(err);
        Err(err)
    }

    /// Forgets the current frame and any error: the next byte is read as the
    /// start of a frame.
    pub fn reset(&mut self) {
        self.state = FRAME_START;
        self.header.clear();
    }

    /// How many more bytes complete the part of the frame being read: the
    /// rest of the prefix, of the header or of the body. `0` when an event is
    /// due without input, or after an error.
    ///
    /// A reader that asks its transport for at most this many bytes never
    /// reads past the current part, so it needs no buffer of its own.
    pub fn needed(&self) -> u64 {
        let needed = match self.state {
            State::Prefix { have, .. } => self.config.prefix().size() - usize::from(have),
            State::Header { len } => len - self.header.len(),
            State::Body { remaining } => return remaining,
            State::Failed(_) => 0,
        };
        needed as u64
    }

    /// Whether the decoder stands between two frames (no byte of a frame seen).
    pub const fn is_at_frame_boundary(&self) -> bool {
        matches!(self.state, State::Prefix { have: 0, .. })
    }

    /// Records `err` as final and returns it.
    fn fail(&mut self, err: DecodeError) -> Result<Option<Event<'static, 'static>>, DecodeError> {
        self.state = State::Failed(err);
        Err(err)
    }

    #[inline]
    fn body<'i>(&mut self, input: &mut &'i [u8], remaining: u64) -> Option<Event<'static, 'i>> {
        if remaining == 0 {
            self.state = FRAME_START;
            return Some(Event::FrameEnd);
        }
        if input.is_empty() {
            return None;
        }
        let take = usize::try_from(remaining).map_or(input.len(), |r| r.min(input.len()));
        let (chunk, rest) = input.split_at(take);
        *input = rest;
        let remaining = remaining - chunk.len() as u64;
        self.state = State::Body { remaining };
        Some(Event::Body { chunk, remaining })
    }

    #[inline(never)]
    fn prefix<'i>(
        &mut self,
        input: &mut &'i [u8],
        mut have: u8,
        mut acc: u64,
    ) -> Result<Option<Event<'_, 'i>>, DecodeError> {
        let prefix = self.config.prefix();
        while usize::from(have) < prefix.size() {
            let Some((&byte, rest)) = input.split_first() else {
                self.state = State::Prefix { have, acc };
                return Ok(None);
            };
            acc = prefix.accumulate(acc, usize::from(have), byte);
            have += 1;
            *input = rest;
        }
        let len = match prefix.interpret(acc) {
            PrefixValue::Len(len) => len,
            PrefixValue::Negative(value) => {
                return self.fail(DecodeError::NegativeLength { value });
            }
        };
        match self.config.kind() {
            FrameKind::Raw => self.raw_start(len),
            FrameKind::Header => self.header_start(input, len),
        }
    }

    fn raw_start(&mut self, len: u64) -> Result<Option<Event<'static, 'static>>, DecodeError> {
        let max = self.config.max_body_len();
        if len > max {
            return self.fail(DecodeError::BodyTooLong { len, max });
        }
        self.state = State::Body { remaining: len };
        Ok(Some(Event::RawStart { len }))
    }

    fn header_start<'i>(
        &mut self,
        input: &mut &'i [u8],
        len: u64,
    ) -> Result<Option<Event<'_, 'i>>, DecodeError> {
        let max = self.config.max_header_len().unwrap_or(N);
        if len == 0 {
            return self.fail(DecodeError::HeaderLenZero);
        }
        match usize::try_from(len) {
            Ok(len) if len <= max => {
                self.header.clear();
                self.header(input, len)
            }
            _ => self.fail(DecodeError::HeaderTooLong { len, max }),
        }
    }

    /// Buffers header bytes; checks the header once all `len` are in.
    #[inline]
    fn header<'i>(
        &mut self,
        input: &mut &'i [u8],
        len: usize,
    ) -> Result<Option<Event<'_, 'i>>, DecodeError> {
        let (take, rest) = input.split_at(input.len().min(len - self.header.len()));
        if self.header.extend_from_slice(take).is_err() {
            return self.fail(DecodeError::HeaderTooLong {
                len: len as u64,
                max: N,
            });
        }
        *input = rest;
        if self.header.len() < len {
            self.state = State::Header { len };
            return Ok(None);
        }
        self.header_complete()
    }

    /// Checks the complete header and opens the body.
    #[inline(never)]
    fn header_complete(&mut self) -> Result<Option<Event<'_, 'static>>, DecodeError> {
        let (json, body_len) = match header::check(&self.header, self.config.body_key()) {
            Ok(checked) => checked,
            Err(err) => {
                self.state = State::Failed(err.into());
                return Err(err.into());
            }
        };
        let max = self.config.max_body_len();
        if body_len > max {
            let err = DecodeError::BodyTooLong { len: body_len, max };
            self.state = State::Failed(err);
            return Err(err);
        }
        self.state = State::Body {
            remaining: body_len,
        };
        Ok(Some(Event::Header(Header::new(json, body_len))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoder_fits_in_capacity_plus_64_bytes() {
        assert!(
            size_of::<Decoder<256>>() <= 256 + 64,
            "{}",
            size_of::<Decoder<256>>()
        );
        assert!(size_of::<Decoder<0>>() <= 64);
    }

    #[test]
    fn header_limit_above_capacity_is_refused() {
        let config = Config::builder().max_header_len(300).build().unwrap();
        assert_eq!(
            Decoder::<256>::new(config).map(|_| ()),
            Err(ConfigError::HeaderLimitAboveCapacity {
                max: 300,
                capacity: 256
            })
        );
    }

    #[test]
    fn needed_follows_the_parts_of_a_frame() {
        let mut decoder = Decoder::<32>::new(Config::default()).unwrap();
        assert_eq!(decoder.needed(), 4);
        let mut input: &[u8] = b"\0\0";
        assert_eq!(decoder.decode(&mut input), Ok(None));
        assert_eq!(decoder.needed(), 2);
        let mut input: &[u8] = b"\0\x0f{\"file_size\"";
        assert_eq!(decoder.decode(&mut input), Ok(None));
        assert_eq!(decoder.needed(), 3);
        let mut input: &[u8] = b":9}";
        assert!(matches!(
            decoder.decode(&mut input),
            Ok(Some(Event::Header(_)))
        ));
        assert_eq!(decoder.needed(), 9);
        assert!(!decoder.is_at_frame_boundary());
    }
}
