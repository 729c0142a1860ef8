//! The sans-IO decoder of header frames (`prefix | JSON header | body`).
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
//!     }
//! }
//! assert_eq!(bodies, 3);
//! decoder.finish()?; // the input ended cleanly, between two frames
//! # Ok::<(), unstick::Error>(())
//! ```
//!
//! # Push: `feed` calls you back
//! The callback says whether to go on: [`ControlFlow::Break`] stops after
//! the event, leaves the rest of the input in your slice, and `feed` hands
//! back whatever you broke with (an error of your own, for instance).
//! ```
//! use core::ops::ControlFlow;
//! use unstick::{Config, Decoder, Event};
//!
//! let mut decoder = Decoder::<64>::new(Config::default())?;
//! let mut input: &[u8] = b"\0\0\0\x0f{\"file_size\":3}dir\0\0\0\x0f{\"file_size\":3}ls!";
//! let mut first = Vec::new();
//! let flow = decoder.feed(&mut input, |event| match event {
//!     Event::Body { chunk, .. } => {
//!         first.extend_from_slice(chunk);
//!         ControlFlow::Continue(())
//!     }
//!     Event::FrameEnd => ControlFlow::Break("first frame done"),
//!     Event::Header(_) => ControlFlow::Continue(()),
//! })?;
//! assert_eq!(flow, Some("first frame done"));
//! assert_eq!(first, b"dir");
//! assert_eq!(input.len(), 22, "the second frame is still in the slice");
//! # Ok::<(), unstick::Error>(())
//! ```
//!
//! # Errors are final
//! After an error every call returns the same error until [`Decoder::reset`];
//! there is no silent resynchronisation, since a stream that lost its frame
//! boundary has nothing trustworthy left in it.

use core::ops::ControlFlow;

use crate::config::Config;
use crate::error::{ConfigError, DecodeError};
use crate::event::{Event, Header, Part};
use crate::header;
use crate::prefix::{PartialPrefix, PrefixValue};

/// Where the decoder is inside the current frame.
///
/// `repr(u8)` keeps the discriminant a plain byte: matching on it is then one
/// comparison per call instead of a decode of a niche, which is most of what
/// a call costs when input comes one byte at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum State {
    /// Reading the length prefix.
    Prefix(PartialPrefix),
    /// Reading a header of `len` bytes into the header buffer, `have` so far.
    Header { len: usize, have: usize },
    /// Handing out the body of `len` bytes, `remaining` of them (never 0)
    /// still owed. The checked header, `json_len` bytes, stays in the buffer
    /// meanwhile.
    Body {
        len: u64,
        remaining: u64,
        json_len: usize,
    },
    /// The body of `len` bytes is complete (the header still in the
    /// buffer): the next call ends the frame, with or without input. A state
    /// of its own rather than `Body` at 0, so that a body byte costs no test
    /// of `remaining` before it is handed out.
    BodyEnd { len: u64, json_len: usize },
    /// Poisoned: every call returns this error until `reset`.
    Failed(DecodeError),
}

const FRAME_START: State = State::Prefix(PartialPrefix::START);

/// A push/pull decoder for one stream of header frames, with a header buffer
/// of `N` bytes and no other memory. See the [module docs](self).
///
/// `N` bounds the header length (see
/// [`ConfigBuilder::max_header_len`](crate::ConfigBuilder::max_header_len)).
/// The decoder is `N + 64` bytes at most. For raw frames, which carry no
/// header, use [`RawDecoder`](crate::RawDecoder).
#[derive(Debug, Clone)]
pub struct Decoder<const N: usize> {
    config: Config,
    state: State,
    /// The header being read, or the checked header of the body being read.
    header: [u8; N],
}

impl<const N: usize> Decoder<N> {
    /// A decoder at the start of a stream.
    ///
    /// With the default configuration, [`Decoder::default`] needs no
    /// `Result`: on small targets that saves a copy of the decoder on the
    /// stack (the `Result` is built, then the decoder moved out of it; at
    /// opt-level `z` the compiler keeps both, 312 B for `Decoder<256>` on
    /// Cortex-M3).
    ///
    /// # Errors
    /// [`ConfigError::HeaderLimitAboveCapacity`] if the configured maximum
    /// header length exceeds `N`, and [`ConfigError::ZeroHeaderLimit`] if `N`
    /// is 0 and no smaller limit is set.
    pub const fn new(config: Config) -> Result<Self, ConfigError> {
        if let Err(err) = config.header_limit(N) {
            return Err(err);
        }
        Ok(Self::at_start(config))
    }

    /// A decoder at the start of a stream, for a `config` already checked
    /// against `N`.
    const fn at_start(config: Config) -> Self {
        Self {
            config,
            state: FRAME_START,
            header: [0; N],
        }
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
        match &mut self.state {
            State::Body {
                len,
                remaining,
                json_len,
            } => {
                let Some((chunk, left)) = next_chunk(input, *remaining) else {
                    return Ok(None);
                };
                if left == 0 {
                    let (len, json_len) = (*len, *json_len);
                    self.state = State::BodyEnd { len, json_len };
                } else {
                    *remaining = left;
                }
                Ok(Some(Event::Body {
                    chunk,
                    remaining: left,
                }))
            }
            State::Header { len, have } => {
                if let Some(next) = one_more_header_byte(input, &mut self.header, *have, *len) {
                    *have = next;
                    return Ok(None);
                }
                let (len, have) = (*len, *have);
                // The out-of-line paths get a copy of `input`, written back
                // after: given `input` itself, its address would escape and
                // the caller's slice would stay in memory through the caller's
                // whole loop (bytewise, 8,836 instructions per frame instead
                // of 7,966 when this was measured).
                let mut rest = *input;
                let event = self.header_bytes(&mut rest, len, have);
                *input = rest;
                event
            }
            State::BodyEnd { .. } => {
                self.state = FRAME_START;
                Ok(Some(Event::FrameEnd))
            }
            State::Failed(err) => Err(*err),
            _ if input.is_empty() => Ok(None),
            State::Prefix(partial) => {
                let partial = *partial;
                let mut rest = *input;
                let event = self.prefix(&mut rest, partial);
                *input = rest;
                event
            }
        }
    }

    /// Decodes `input`, calling `on_event` for every event in order, until
    /// `input` is used up or `on_event` breaks; advances `input` past what
    /// was used, so after a break it starts right after the last event.
    ///
    /// Returns `Some` with the callback's [`ControlFlow::Break`] value if it
    /// broke, `None` once `input` is used up.
    ///
    /// # Errors
    /// As [`decode`](Self::decode); events before the error were delivered.
    pub fn feed<'i, B>(
        &mut self,
        input: &mut &'i [u8],
        mut on_event: impl FnMut(Event<'_, 'i>) -> ControlFlow<B>,
    ) -> Result<Option<B>, DecodeError> {
        while let Some(event) = self.decode(input)? {
            if let ControlFlow::Break(value) = on_event(event) {
                return Ok(Some(value));
            }
        }
        Ok(None)
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
            State::BodyEnd { .. } => return Ok(()),
            State::Prefix(partial) if partial.have() == 0 => return Ok(()),
            State::Prefix(partial) => DecodeError::TruncatedPrefix {
                missing: self.config.prefix().size() - partial.have(),
            },
            State::Header { len, have } => DecodeError::TruncatedHeader {
                missing: len - have,
            },
            State::Body { remaining, .. } => DecodeError::TruncatedBody { missing: remaining },
        };
        self.state = State::Failed(err);
        Err(err)
    }

    /// Forgets the current frame and any error: the next byte is read as the
    /// start of a frame.
    pub fn reset(&mut self) {
        self.state = FRAME_START;
    }

    /// How many more bytes complete the part of the frame being read: the
    /// rest of the prefix, of the header or of the body. `0` when an event is
    /// due without input, or after an error.
    ///
    /// A reader that asks its transport for at most this many bytes never
    /// reads past the current part, so it needs no buffer of its own.
    pub fn needed(&self) -> u64 {
        let needed = match self.state {
            State::Prefix(partial) => self.config.prefix().size() - partial.have(),
            State::Header { len, have } => len - have,
            State::Body { remaining, .. } => return remaining,
            State::BodyEnd { .. } | State::Failed(_) => 0,
        };
        needed as u64
    }

    /// Which part of a frame the decoder is reading.
    pub const fn part(&self) -> Part {
        match self.state {
            State::Prefix(_) => Part::Prefix,
            State::Header { .. } => Part::Header,
            State::Body { .. } | State::BodyEnd { .. } => Part::Body,
            State::Failed(_) => Part::Failed,
        }
    }

    /// The header of the frame whose body is being read: from the
    /// [`Event::Header`] until its [`Event::FrameEnd`]; `None` at any other
    /// time.
    pub fn header(&self) -> Option<Header<'_>> {
        let (State::Body { len, json_len, .. } | State::BodyEnd { len, json_len }) = self.state
        else {
            return None;
        };
        Some(Header::new(self.header.get(..json_len)?, len))
    }

    /// Whether the decoder stands between two frames (no byte of a frame seen).
    pub const fn is_at_frame_boundary(&self) -> bool {
        matches!(self.state, State::Prefix(partial) if partial.have() == 0)
    }

    /// Records `err` as final and returns it.
    fn fail<T>(&mut self, err: DecodeError) -> Result<T, DecodeError> {
        self.state = State::Failed(err);
        Err(err)
    }

    /// Reads prefix bytes; once the prefix is complete, starts the header.
    /// Kept out of line: it runs once per frame, and inlining it into
    /// `decode` slows the body path.
    #[inline(never)]
    fn prefix<'i>(
        &mut self,
        input: &mut &'i [u8],
        mut partial: PartialPrefix,
    ) -> Result<Option<Event<'_, 'i>>, DecodeError> {
        let Some(value) = partial.read(self.config.prefix(), input) else {
            self.state = State::Prefix(partial);
            return Ok(None);
        };
        match self.header_len(value) {
            Ok(len) => self.header_bytes(input, len, 0),
            Err(err) => self.fail(err),
        }
    }

    /// The header length a complete prefix declares, if it is one this
    /// decoder takes. One error path for all three refusals: on Cortex-M
    /// each `fail` costs a copy of the error into the state and the result.
    fn header_len(&self, value: PrefixValue) -> Result<usize, DecodeError> {
        let len = match value {
            PrefixValue::Negative(value) => return Err(DecodeError::NegativeLength { value }),
            PrefixValue::Len(0) => return Err(DecodeError::HeaderLenZero),
            PrefixValue::Len(len) => len,
        };
        let max = self.config.max_header_len().unwrap_or(N);
        match usize::try_from(len) {
            Ok(len) if len <= max => Ok(len),
            _ => Err(DecodeError::HeaderTooLong { len, max }),
        }
    }

    /// Copies header bytes into the buffer, `have` of `len` there already;
    /// once the header is complete, checks it. The prefix path calls it
    /// directly with the header's first bytes. Out of line: inlined into
    /// `decode`, its registers pushed the caller's own loop state (a
    /// `chunks(1)` iterator in the bench) onto the stack, which every body
    /// byte then paid for.
    #[inline(never)]
    fn header_bytes<'i>(
        &mut self,
        input: &mut &'i [u8],
        len: usize,
        have: usize,
    ) -> Result<Option<Event<'_, 'i>>, DecodeError> {
        let (take, rest) = input.split_at(input.len().min(len - have));
        let Some(room) = self.header.get_mut(have..have + take.len()) else {
            // `new` keeps the header limit within `N`; this only restates it.
            return self.fail(DecodeError::HeaderTooLong {
                len: len as u64,
                max: N,
            });
        };
        copy_header(room, take);
        *input = rest;
        let have = have + take.len();
        if have < len {
            self.state = State::Header { len, have };
            return Ok(None);
        }
        self.header_complete(len)
    }

    /// Checks the complete header and opens the body (a frame with an
    /// empty body goes straight to its end). Inlined into `header_bytes`,
    /// its only caller: one call less per header.
    ///
    /// It sets the state by hand instead of calling `fail`: the header it
    /// returns borrows the buffer, which `fail`'s `&mut self` would not allow
    /// on the same path.
    #[inline]
    fn header_complete(
        &mut self,
        json_len: usize,
    ) -> Result<Option<Event<'_, 'static>>, DecodeError> {
        let json = self.header.get(..json_len).unwrap_or_default();
        let body_len = match header::check(json, self.config.body_key()) {
            Ok(body_len) => body_len,
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
        self.state = match body_len {
            0 => State::BodyEnd { len: 0, json_len },
            _ => State::Body {
                len: body_len,
                remaining: body_len,
                json_len,
            },
        };
        Ok(Some(Event::Header(Header::new(json, body_len))))
    }
}

impl<const N: usize> Default for Decoder<N> {
    /// A decoder with the default configuration ([`Config::default`]) at
    /// the start of a stream, built in place (see [`new`](Self::new)).
    ///
    /// `N` must be at least 1: `Decoder::<0>::default()` does not compile.
    ///
    /// ```compile_fail
    /// let decoder = unstick::Decoder::<0>::default();
    /// ```
    fn default() -> Self {
        const { assert!(N > 0, "a Decoder<N> needs a header buffer: N >= 1") };
        Self::at_start(Config::default())
    }
}

/// The header path for input that comes one byte per call (a UART
/// interrupt, a byte-wise reader): when `input` is one byte that does not
/// complete the header (`have + 1 < len`), stores it at `have`, advances
/// `input` past it (to the end of the caller's slice, not to some other
/// empty slice) and returns the new `have`. `None` leaves everything to the
/// general path, which is out of line. Without it a header byte fed alone
/// costs a call to that path (benches/callgrind.sh, `unstick_bytewise`:
/// about 65 instructions more per header byte, 11,363 per frame instead of
/// 7,255).
#[inline]
fn one_more_header_byte(
    input: &mut &[u8],
    header: &mut [u8],
    have: usize,
    len: usize,
) -> Option<usize> {
    let [byte] = **input else { return None };
    let next = have + 1;
    if next >= len {
        return None;
    }
    *header.get_mut(have)? = byte;
    *input = &input[1..];
    Some(next)
}

/// Copies header bytes into the buffer (`room` and `take` have the same
/// length).
///
/// On bare-metal targets a byte loop: `copy_from_slice` is a call to
/// `memcpy`, and this copy is the decoder's only use of it on a Cortex-M3,
/// where it would link compiler-builtins' `memcpy` (776 B with its entry
/// point, more than the loop many times over) to copy a few dozen bytes
/// per frame. Elsewhere `memcpy` is linked anyway, and for a 60-byte header
/// it costs about 70 instructions less per frame than the loop
/// (benches/callgrind.sh on x86-64).
#[inline]
fn copy_header(room: &mut [u8], take: &[u8]) {
    if cfg!(target_os = "none") {
        for (slot, byte) in room.iter_mut().zip(take) {
            *slot = *byte;
        }
    } else {
        room.copy_from_slice(take);
    }
}

/// Takes the next chunk of a body that owes `remaining` bytes (more than 0)
/// from the front of `input`, never past the body: the chunk and how many
/// bytes are owed after it; `None` if `input` is empty.
#[inline]
pub(crate) fn next_chunk<'i>(input: &mut &'i [u8], remaining: u64) -> Option<(&'i [u8], u64)> {
    if input.is_empty() {
        return None;
    }
    let take = match remaining < input.len() as u64 {
        true => remaining as usize,
        false => input.len(),
    };
    let (chunk, rest) = input.split_at(take);
    *input = rest;
    Some((chunk, remaining - chunk.len() as u64))
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
    fn the_default_decoder_is_new_with_the_default_config() {
        let mut decoder = Decoder::<16>::default();
        assert_eq!(decoder.config(), &Config::default());
        let mut input = &b"\0\0\0\x0f{\"file_size\":0}"[..];
        let header = decoder.decode(&mut input).unwrap().unwrap();
        assert_eq!(header, Event::Header(Header::new(b"{\"file_size\":0}", 0)));
        assert_eq!(decoder.decode(&mut input), Ok(Some(Event::FrameEnd)));
        let mut input = &b"\0\0\0\x11"[..];
        assert_eq!(
            decoder.decode(&mut input),
            Err(DecodeError::HeaderTooLong { len: 17, max: 16 })
        );
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
        let mut input: &[u8] = b"123456789";
        assert!(matches!(
            decoder.decode(&mut input),
            Ok(Some(Event::Body { remaining: 0, .. }))
        ));
        assert_eq!(decoder.needed(), 0, "the frame end is due without input");
        assert_eq!(decoder.part(), Part::Body);
        assert_eq!(decoder.decode(&mut input), Ok(Some(Event::FrameEnd)));
        assert_eq!(decoder.needed(), 4);
    }

    #[test]
    fn a_header_fed_one_byte_per_call_completes_on_its_last_byte() {
        let mut decoder = Decoder::<32>::default();
        let frame = b"\0\0\0\x0f{\"file_size\":2}ab";
        let (head, body) = frame.split_at(19);
        for (i, byte) in head.iter().enumerate() {
            let mut input = core::slice::from_ref(byte);
            let event = decoder.decode(&mut input);
            assert!(input.is_empty(), "byte {i} is taken");
            if i + 1 < head.len() {
                assert_eq!(event, Ok(None), "byte {i}");
            } else {
                let expected = Header::new(br#"{"file_size":2}"#, 2);
                assert_eq!(event, Ok(Some(Event::Header(expected))));
            }
        }
        let mut input = body;
        assert_eq!(
            decoder.decode(&mut input),
            Ok(Some(Event::Body {
                chunk: b"ab",
                remaining: 0
            }))
        );
        assert_eq!(decoder.decode(&mut input), Ok(Some(Event::FrameEnd)));
        assert_eq!(decoder.finish(), Ok(()));
    }

    #[test]
    fn an_empty_body_ends_its_frame_without_input() {
        let mut decoder = Decoder::<32>::default();
        let mut input: &[u8] = b"\0\0\0\x0f{\"file_size\":0}";
        assert!(matches!(
            decoder.decode(&mut input),
            Ok(Some(Event::Header(_)))
        ));
        assert_eq!((decoder.needed(), decoder.part()), (0, Part::Body));
        assert!(decoder.header().is_some());
        assert_eq!(
            decoder.finish(),
            Ok(()),
            "a complete frame but for its end event"
        );
        assert_eq!(decoder.decode(&mut input), Ok(Some(Event::FrameEnd)));
        assert!(decoder.is_at_frame_boundary());
    }

    #[test]
    fn header_and_part_follow_the_frame() {
        let mut decoder = Decoder::<32>::new(Config::default()).unwrap();
        assert_eq!(decoder.part(), Part::Prefix);
        assert!(decoder.is_at_frame_boundary());
        assert_eq!(decoder.header(), None);
        let mut input: &[u8] = b"\0\0\0\x0f{\"file_size\"";
        assert_eq!(decoder.decode(&mut input), Ok(None));
        assert_eq!(decoder.part(), Part::Header);
        assert_eq!(decoder.header(), None, "no header before it is complete");
        let mut input: &[u8] = b":2}ab";
        let Ok(Some(Event::Header(event_header))) = decoder.decode(&mut input) else {
            panic!("the header completes");
        };
        let expected = Header::new(br#"{"file_size":2}"#, 2);
        assert_eq!(event_header, expected);
        assert_eq!(decoder.part(), Part::Body);
        assert_eq!(decoder.header(), Some(expected));
        let mut one: &[u8] = &input[..1];
        assert!(matches!(
            decoder.decode(&mut one),
            Ok(Some(Event::Body { remaining: 1, .. }))
        ));
        let mut input: &[u8] = &input[1..];
        assert!(matches!(
            decoder.decode(&mut input),
            Ok(Some(Event::Body { remaining: 0, .. }))
        ));
        assert_eq!(decoder.header(), Some(expected), "until the frame ends");
        assert_eq!(decoder.decode(&mut input), Ok(Some(Event::FrameEnd)));
        assert_eq!(decoder.header(), None);
        assert!(decoder.is_at_frame_boundary());
        let mut input: &[u8] = b"\0\0\0\0";
        assert_eq!(decoder.decode(&mut input), Err(DecodeError::HeaderLenZero));
        assert_eq!(decoder.part(), Part::Failed);
        assert_eq!(decoder.needed(), 0);
    }

    #[test]
    fn feed_stops_where_the_callback_breaks() {
        let mut decoder = Decoder::<32>::new(Config::default()).unwrap();
        let frame: &[u8] = b"\0\0\0\x0f{\"file_size\":1}x";
        let wire = [frame, frame].concat();
        let mut input = &wire[..];
        let mut events = 0;
        let stopped = decoder.feed(&mut input, |event| {
            events += 1;
            match event {
                Event::FrameEnd => ControlFlow::Break(events),
                _ => ControlFlow::Continue(()),
            }
        });
        assert_eq!(stopped, Ok(Some(3)));
        assert_eq!(input, frame, "the second frame is left in the input");
        let mut ends = 0;
        let rest = decoder.feed(&mut input, |event| {
            ends += usize::from(event == Event::FrameEnd);
            ControlFlow::<()>::Continue(())
        });
        assert_eq!(rest, Ok(None));
        assert_eq!((ends, input.len()), (1, 0));
    }
}
