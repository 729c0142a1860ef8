//! The decoder under watch: drives a [`Decoder`] or a [`RawDecoder`] (as the
//! setup's kind calls for) over consecutive pieces of a stream and asserts
//! its invariants after every call, against a reference reading of the frame
//! boundaries made from the whole stream.
//!
//! Asserted, beside "no panic":
//! - a call never consumes more than it was given, and only from the front;
//!   `Ok(None)` only once the input is used up;
//! - a body chunk is never empty, is the front of the input, and counts down
//!   `remaining`; the chunks of a frame add up to its declared length;
//! - a header is exactly the bytes the prefix announced; limits hold for
//!   every header and body length delivered;
//! - `needed()`, `part()` and `is_at_frame_boundary()` agree with the
//!   reference; `Decoder::header()` is the frame's header from its `Header`
//!   event until its `FrameEnd`, and `None` at any other time;
//! - an error is the one the prefix or header calls for, raised right after
//!   it; then nothing but the same error, from `decode` and `finish`, until
//!   `reset`;
//! - `finish` at the end reports exactly the bytes missing.
//!
//! [`Decoder`]: unstick::Decoder
//! [`RawDecoder`]: unstick::RawDecoder

use unstick::{DecodeError, Endian, Part, Sign};

use crate::decoders::{Step, Watched, WithDecoder, with_decoder};
use crate::seen::{Seen, push_body};
use crate::setup::{Kind, Setup};

/// What a watched run delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The events, body chunks merged.
    pub seen: Vec<Seen>,
    /// The error that ended the run, from `decode` or from `finish`.
    pub error: Option<DecodeError>,
    /// Bytes of the stream consumed in all.
    pub consumed: usize,
}

/// Decodes `pieces` (consecutive slices of `stream`, covering all of it)
/// with the decoder `setup` calls for, asserting every invariant.
pub fn decode_checked(setup: &Setup, stream: &[u8], pieces: &[&[u8]]) -> Outcome {
    with_decoder(
        setup,
        Checked {
            setup,
            stream,
            pieces,
        },
    )
}

/// [`decode_checked`]'s work, for whichever decoder the setup calls for.
struct Checked<'a, 'p> {
    setup: &'a Setup,
    stream: &'a [u8],
    pieces: &'p [&'a [u8]],
}

impl WithDecoder for Checked<'_, '_> {
    type Output = Outcome;

    fn run<D: Watched>(self, decoder: D) -> Outcome {
        Watch::new(decoder, self.setup, self.stream).run(self.pieces)
    }
}

/// The prefix value of `bytes`, read without the crate: a length, or the
/// negative value of a signed prefix.
pub fn reference_prefix(setup: &Setup, bytes: &[u8]) -> Result<u64, i64> {
    let prefix = setup.config.prefix();
    let width = prefix.size();
    let mut buf = [0u8; 8];
    let raw = match prefix.endian() {
        Endian::Big => {
            buf[8 - width..].copy_from_slice(bytes);
            u64::from_be_bytes(buf)
        }
        Endian::Little => {
            buf[..width].copy_from_slice(bytes);
            u64::from_le_bytes(buf)
        }
    };
    let unused = 64 - 8 * width as u32;
    match prefix.sign() {
        Sign::Signed if ((raw << unused) as i64) < 0 => Err(((raw << unused) as i64) >> unused),
        _ => Ok(raw),
    }
}

/// Where the watched frame stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before its `Header` or `RawStart` event.
    Opening,
    /// In its body, `remaining` bytes to go; at 0 `FrameEnd` is due.
    Body { remaining: u64 },
}

struct Watch<'s, D> {
    decoder: D,
    setup: Setup,
    stream: &'s [u8],
    pos: usize,
    frame_start: usize,
    phase: Phase,
    /// The header of the frame whose body is being read.
    open_header: Option<(String, u64)>,
    seen: Vec<Seen>,
}

impl<'s, D: Watched> Watch<'s, D> {
    fn new(decoder: D, setup: &Setup, stream: &'s [u8]) -> Self {
        assert_eq!(D::KIND, setup.kind);
        assert!(decoder.is_at_frame_boundary());
        assert_eq!(decoder.part(), Part::Prefix);
        assert_eq!(decoder.current_header(), None);
        assert_eq!(decoder.needed(), setup.config.prefix().size() as u64);
        Self {
            decoder,
            setup: *setup,
            stream,
            pos: 0,
            frame_start: 0,
            phase: Phase::Opening,
            open_header: None,
            seen: Vec::new(),
        }
    }

    fn run(mut self, pieces: &[&'s [u8]]) -> Outcome {
        for piece in pieces {
            assert_eq!(
                piece.as_ptr(),
                self.stream[self.pos..].as_ptr(),
                "pieces must be consecutive"
            );
            if let Err((err, rest)) = self.feed(piece) {
                return self.failed(err, rest);
            }
        }
        assert_eq!(self.pos, self.stream.len(), "pieces must cover the stream");
        self.finish()
    }

    fn width(&self) -> usize {
        self.setup.config.prefix().size()
    }

    fn prefix_end(&self) -> usize {
        self.frame_start + self.width()
    }

    /// The reference value of the current frame's prefix, once it is in.
    fn prefix_value(&self) -> Result<u64, i64> {
        let bytes = &self.stream[self.frame_start..self.prefix_end()];
        reference_prefix(&self.setup, bytes)
    }

    /// The announced header length of the current frame.
    fn header_len(&self) -> usize {
        let len = self
            .prefix_value()
            .expect("a header length is not negative");
        usize::try_from(len).expect("a header length fits in memory")
    }

    fn feed(&mut self, piece: &'s [u8]) -> Result<(), (DecodeError, &'s [u8])> {
        let mut input = piece;
        loop {
            let before = input;
            let step = self.decoder.step(&mut input);
            assert!(input.len() <= before.len(), "consumed more than given");
            let used = before.len() - input.len();
            assert_eq!(
                input.as_ptr(),
                before[used..].as_ptr(),
                "input advanced by other than the bytes used"
            );
            self.pos += used;
            match step.map_err(|err| (err, input))? {
                None => {
                    assert!(input.is_empty(), "Ok(None) with input left");
                    self.check_incomplete();
                    return Ok(());
                }
                Some(step) => self.step(step, used),
            }
            self.check_accessors();
        }
    }

    fn step(&mut self, step: Step, used: usize) {
        match step {
            Step::Header { json, body_len } => self.header(&json, body_len),
            Step::RawStart { len } => self.raw_start(len),
            Step::Body {
                len,
                at_front,
                remaining,
            } => self.body(len, at_front, remaining, used),
            Step::FrameEnd => self.frame_end(used),
        }
    }

    /// `part()` and `header()` agree with the reference and the events.
    fn check_accessors(&self) {
        let part = match self.phase {
            Phase::Body { .. } => Part::Body,
            Phase::Opening if self.pos < self.prefix_end() => Part::Prefix,
            Phase::Opening => Part::Header,
        };
        assert_eq!(self.decoder.part(), part);
        assert_eq!(self.decoder.current_header(), self.open_header);
    }

    fn check_incomplete(&self) {
        self.check_accessors();
        let needed = self.decoder.needed();
        match self.phase {
            Phase::Body { remaining } => {
                assert!(remaining > 0, "FrameEnd was due");
                assert_eq!(needed, remaining);
                assert!(!self.decoder.is_at_frame_boundary());
            }
            Phase::Opening if self.pos < self.prefix_end() => {
                assert_eq!(needed, (self.prefix_end() - self.pos) as u64);
                let boundary = self.pos == self.frame_start;
                assert_eq!(self.decoder.is_at_frame_boundary(), boundary);
            }
            Phase::Opening => {
                assert_eq!(self.setup.kind, Kind::Header);
                let end = self.prefix_end() + self.header_len();
                assert!(end > self.pos);
                assert_eq!(needed, (end - self.pos) as u64);
                assert!(!self.decoder.is_at_frame_boundary());
            }
        }
    }

    fn header(&mut self, json: &[u8], body_len: u64) {
        assert_eq!(self.phase, Phase::Opening);
        assert_eq!(self.setup.kind, Kind::Header);
        let len = self.header_len();
        assert!(len > 0);
        assert!(len <= self.setup.header_limit(), "header limit broken");
        assert_eq!(
            self.pos,
            self.prefix_end() + len,
            "header not where announced"
        );
        assert_eq!(json, &self.stream[self.prefix_end()..self.pos]);
        assert!(
            body_len <= self.setup.config.max_body_len(),
            "body limit broken"
        );
        let json = String::from_utf8(json.to_vec()).expect("a header is UTF-8");
        self.open_header = Some((json.clone(), body_len));
        self.seen.push(Seen::Header { json, body_len });
        self.open_body(body_len);
    }

    fn raw_start(&mut self, len: u64) {
        assert_eq!(self.phase, Phase::Opening);
        assert_eq!(self.setup.kind, Kind::Raw);
        assert_eq!(
            self.pos,
            self.prefix_end(),
            "RawStart not right after the prefix"
        );
        assert_eq!(Ok(len), self.prefix_value());
        assert!(len <= self.setup.config.max_body_len(), "body limit broken");
        self.seen.push(Seen::RawStart { len });
        self.open_body(len);
    }

    fn open_body(&mut self, len: u64) {
        self.phase = Phase::Body { remaining: len };
        assert_eq!(self.decoder.needed(), len);
        assert!(!self.decoder.is_at_frame_boundary());
    }

    fn body(&mut self, len: usize, at_front: bool, remaining: u64, used: usize) {
        let Phase::Body { remaining: before } = self.phase else {
            panic!("body chunk outside a body");
        };
        assert!(len > 0, "empty body chunk");
        assert!(at_front, "body chunk is not the front of the input");
        assert_eq!(len, used, "body chunk is not what was consumed");
        assert_eq!(
            Some(remaining),
            before.checked_sub(len as u64),
            "remaining miscounted"
        );
        push_body(&mut self.seen, &self.stream[self.pos - len..self.pos]);
        self.phase = Phase::Body { remaining };
        assert_eq!(self.decoder.needed(), remaining);
    }

    fn frame_end(&mut self, used: usize) {
        assert_eq!(
            self.phase,
            Phase::Body { remaining: 0 },
            "FrameEnd before the body's end"
        );
        assert_eq!(used, 0, "FrameEnd consumed bytes");
        self.seen.push(Seen::FrameEnd);
        self.open_header = None;
        self.phase = Phase::Opening;
        self.frame_start = self.pos;
        assert!(self.decoder.is_at_frame_boundary());
        assert_eq!(self.decoder.needed(), self.width() as u64);
    }

    /// Checks that `err` is the error the reference calls for, raised at the
    /// right place, and that it is final.
    fn failed(mut self, err: DecodeError, rest: &[u8]) -> Outcome {
        assert_eq!(self.phase, Phase::Opening, "error inside a body: {err:?}");
        assert!(
            self.pos >= self.prefix_end(),
            "error before the prefix is complete"
        );
        let value = self.prefix_value();
        let after_prefix = self.pos == self.prefix_end();
        let kind = self.setup.kind;
        let max_body = self.setup.config.max_body_len();
        match err {
            DecodeError::NegativeLength { value: v } => {
                assert!(after_prefix);
                assert_eq!(value, Err(v));
            }
            DecodeError::HeaderLenZero => {
                assert!(after_prefix);
                assert_eq!(kind, Kind::Header);
                assert_eq!(value, Ok(0));
            }
            DecodeError::HeaderTooLong { len, max } => {
                assert!(after_prefix);
                assert_eq!(kind, Kind::Header);
                assert_eq!(value, Ok(len));
                assert_eq!(max, self.setup.header_limit());
                assert!(len > max as u64);
            }
            DecodeError::BodyTooLong { len, max } => {
                assert_eq!(max, max_body);
                assert!(len > max);
                match kind {
                    Kind::Raw => {
                        assert!(after_prefix);
                        assert_eq!(value, Ok(len));
                    }
                    Kind::Header => self.check_after_header(),
                }
            }
            DecodeError::InvalidHeader(_) => {
                assert_eq!(kind, Kind::Header);
                self.check_after_header();
            }
            other => panic!("decode raised {other:?}"),
        }
        self.check_final(err, rest);
        self.decoder.reset();
        assert!(self.decoder.is_at_frame_boundary());
        assert_eq!(self.decoder.part(), Part::Prefix);
        assert_eq!(self.decoder.needed(), self.width() as u64);
        Outcome {
            seen: self.seen,
            error: Some(err),
            consumed: self.pos,
        }
    }

    fn check_after_header(&self) {
        let len = self.header_len();
        assert!(len > 0 && len <= self.setup.header_limit());
        assert_eq!(
            self.pos,
            self.prefix_end() + len,
            "error not right after the header"
        );
    }

    /// After `err`: the same error from every call, nothing consumed.
    fn check_final(&mut self, err: DecodeError, rest: &[u8]) {
        let fresh = [0u8; 9];
        for input in [rest, &fresh[..], &[][..]] {
            let mut again = input;
            assert_eq!(self.decoder.step(&mut again), Err(err));
            assert_eq!(
                again.len(),
                input.len(),
                "a poisoned decoder consumed input"
            );
        }
        assert_eq!(self.decoder.needed(), 0);
        assert!(!self.decoder.is_at_frame_boundary());
        assert_eq!(self.decoder.part(), Part::Failed);
        assert_eq!(self.decoder.current_header(), None);
        assert_eq!(self.decoder.finish(), Err(err));
        assert_eq!(self.decoder.finish(), Err(err));
    }

    /// The end of the input: a clean end between frames, or the truncation
    /// with exactly the missing bytes.
    fn finish(mut self) -> Outcome {
        let needed = self.decoder.needed();
        let expected = match self.phase {
            Phase::Opening if self.pos == self.frame_start => None,
            Phase::Opening if self.pos < self.prefix_end() => Some(DecodeError::TruncatedPrefix {
                missing: self.prefix_end() - self.pos,
            }),
            Phase::Opening => Some(DecodeError::TruncatedHeader {
                missing: self.prefix_end() + self.header_len() - self.pos,
            }),
            Phase::Body { remaining } => {
                assert!(remaining > 0, "FrameEnd was due");
                Some(DecodeError::TruncatedBody { missing: remaining })
            }
        };
        assert_eq!(self.decoder.finish().err(), expected);
        match expected {
            Some(err) => {
                let missing = match err {
                    DecodeError::TruncatedPrefix { missing }
                    | DecodeError::TruncatedHeader { missing } => missing as u64,
                    DecodeError::TruncatedBody { missing } => missing,
                    _ => unreachable!("only truncations are expected here"),
                };
                assert_eq!(missing, needed, "finish disagrees with needed()");
                self.check_final(err, &[]);
            }
            None => {
                assert!(self.decoder.is_at_frame_boundary());
                assert_eq!(self.decoder.step(&mut &[][..]), Ok(None));
            }
        }
        Outcome {
            seen: self.seen,
            error: expected,
            consumed: self.pos,
        }
    }
}
