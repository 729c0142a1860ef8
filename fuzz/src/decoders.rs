//! The two decoders under test, [`Decoder<N>`] (header frames) and
//! [`RawDecoder`] (raw frames), behind one interface, so that one watch
//! ([`crate::checked`]) and one push driver serve both.

use core::ops::ControlFlow;

use unstick::{DecodeError, Decoder, Event, Part, RawDecoder, RawEvent};

use crate::seen::{Seen, push, push_raw};
use crate::setup::{CAPACITY, Kind, SMALL_CAPACITY, Setup};

/// One decode call's result, owned, so the decoder can be asked again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A header: its bytes and declared body length.
    Header {
        /// The header bytes.
        json: Vec<u8>,
        /// The declared body length.
        body_len: u64,
    },
    /// The start of a raw frame.
    RawStart {
        /// The payload length.
        len: u64,
    },
    /// A body chunk.
    Body {
        /// Its length.
        len: usize,
        /// Whether it is the front of the input it was cut from.
        at_front: bool,
        /// What the decoder says is left after it.
        remaining: u64,
    },
    /// The end of a frame.
    FrameEnd,
}

impl Step {
    fn body(chunk: &[u8], remaining: u64, before: &[u8]) -> Self {
        Self::Body {
            len: chunk.len(),
            at_front: chunk.as_ptr() == before.as_ptr(),
            remaining,
        }
    }

    fn of(event: Event<'_, '_>, before: &[u8]) -> Self {
        match event {
            Event::Header(header) => Self::Header {
                json: header.as_bytes().to_vec(),
                body_len: header.body_len(),
            },
            Event::Body { chunk, remaining } => Self::body(chunk, remaining, before),
            Event::FrameEnd => Self::FrameEnd,
        }
    }

    fn of_raw(event: RawEvent<'_>, before: &[u8]) -> Self {
        match event {
            RawEvent::Start { len } => Self::RawStart { len },
            RawEvent::Body { chunk, remaining } => Self::body(chunk, remaining, before),
            RawEvent::FrameEnd => Self::FrameEnd,
        }
    }
}

/// What the watch asks of a decoder, whatever its kind of frames.
pub trait Watched {
    /// The kind of frames it reads.
    const KIND: Kind;

    /// `decode`, its event made owned.
    fn step(&mut self, input: &mut &[u8]) -> Result<Option<Step>, DecodeError>;

    /// `needed`.
    fn needed(&self) -> u64;

    /// `part`.
    fn part(&self) -> Part;

    /// `Decoder::header` as JSON text and body length; always `None` for
    /// raw frames, which have no header.
    fn current_header(&self) -> Option<(String, u64)>;

    /// `is_at_frame_boundary`.
    fn is_at_frame_boundary(&self) -> bool;

    /// `finish`.
    fn finish(&mut self) -> Result<(), DecodeError>;

    /// `reset`.
    fn reset(&mut self);

    /// `feed` over `input` with a callback that collects every event into
    /// `seen`, breaking after each one when `stop_each` holds: `Some` if it
    /// broke, `None` once `input` is used up.
    fn feed_into(
        &mut self,
        input: &mut &[u8],
        seen: &mut Vec<Seen>,
        stop_each: bool,
    ) -> Result<Option<()>, DecodeError>;
}

/// The flow a collecting callback returns.
fn flow(stop_each: bool) -> ControlFlow<()> {
    if stop_each {
        ControlFlow::Break(())
    } else {
        ControlFlow::Continue(())
    }
}

impl<const N: usize> Watched for Decoder<N> {
    const KIND: Kind = Kind::Header;

    fn step(&mut self, input: &mut &[u8]) -> Result<Option<Step>, DecodeError> {
        let before = *input;
        Ok(self.decode(input)?.map(|event| Step::of(event, before)))
    }

    fn needed(&self) -> u64 {
        Decoder::needed(self)
    }

    fn part(&self) -> Part {
        Decoder::part(self)
    }

    fn current_header(&self) -> Option<(String, u64)> {
        self.header()
            .map(|header| (header.json().to_owned(), header.body_len()))
    }

    fn is_at_frame_boundary(&self) -> bool {
        Decoder::is_at_frame_boundary(self)
    }

    fn finish(&mut self) -> Result<(), DecodeError> {
        Decoder::finish(self)
    }

    fn reset(&mut self) {
        Decoder::reset(self);
    }

    fn feed_into(
        &mut self,
        input: &mut &[u8],
        seen: &mut Vec<Seen>,
        stop_each: bool,
    ) -> Result<Option<()>, DecodeError> {
        self.feed(input, |event| {
            push(seen, &event);
            flow(stop_each)
        })
    }
}

impl Watched for RawDecoder {
    const KIND: Kind = Kind::Raw;

    fn step(&mut self, input: &mut &[u8]) -> Result<Option<Step>, DecodeError> {
        let before = *input;
        Ok(self.decode(input)?.map(|event| Step::of_raw(event, before)))
    }

    fn needed(&self) -> u64 {
        RawDecoder::needed(self)
    }

    fn part(&self) -> Part {
        RawDecoder::part(self)
    }

    fn current_header(&self) -> Option<(String, u64)> {
        None
    }

    fn is_at_frame_boundary(&self) -> bool {
        RawDecoder::is_at_frame_boundary(self)
    }

    fn finish(&mut self) -> Result<(), DecodeError> {
        RawDecoder::finish(self)
    }

    fn reset(&mut self) {
        RawDecoder::reset(self);
    }

    fn feed_into(
        &mut self,
        input: &mut &[u8],
        seen: &mut Vec<Seen>,
        stop_each: bool,
    ) -> Result<Option<()>, DecodeError> {
        self.feed(input, |event| {
            push_raw(seen, &event);
            flow(stop_each)
        })
    }
}

/// Work to do with the decoder a setup calls for, whatever its type.
pub trait WithDecoder {
    /// What the work gives back.
    type Output;

    /// Does the work with `decoder`, fresh at the start of a stream.
    fn run<D: Watched>(self, decoder: D) -> Self::Output;
}

/// Runs `work` with a fresh decoder of the kind and capacity `setup` calls
/// for: `RawDecoder` for raw frames, else `Decoder<CAPACITY>` or
/// `Decoder<SMALL_CAPACITY>`.
pub fn with_decoder<W: WithDecoder>(setup: &Setup, work: W) -> W::Output {
    match (setup.kind, setup.capacity()) {
        (Kind::Raw, _) => work.run(RawDecoder::new(setup.config)),
        (Kind::Header, SMALL_CAPACITY) => work.run(
            Decoder::<SMALL_CAPACITY>::new(setup.config).expect("every chosen setup is valid"),
        ),
        (Kind::Header, _) => {
            work.run(Decoder::<CAPACITY>::new(setup.config).expect("every chosen setup is valid"))
        }
    }
}
