//! Properties that hold for every input: splitting never changes what is
//! decoded, what the encoder writes the decoder reads back, and no input
//! makes the decoder panic or take more bytes than it was given.

mod common;

use common::{Collector, Kind, Seen, decode_pieces};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use unstick::{
    Config, DecodeError, Decoder, EncodeError, Encoder, Endian, Event, Prefix, RawDecoder,
    RawEncoder, RawEvent, Sign, Width,
};

const CASES: u32 = 2048;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Upload {
    file_name: heapless::String<256>,
    file_size: u64,
    #[serde(default)]
    tags: heapless::Vec<u32, 4>,
}

fn prefix() -> impl Strategy<Value = Prefix> {
    let width = prop_oneof![
        Just(Width::One),
        Just(Width::Two),
        Just(Width::Four),
        Just(Width::Eight)
    ];
    let endian = prop_oneof![Just(Endian::Big), Just(Endian::Little)];
    let sign = prop_oneof![Just(Sign::Signed), Just(Sign::Unsigned)];
    (width, endian, sign).prop_map(|(w, e, s)| Prefix::new(w, e, s))
}

fn config() -> impl Strategy<Value = (Kind, Config)> {
    let kind = prop_oneof![Just(Kind::Header), Just(Kind::Raw)];
    (kind, prefix())
        .prop_map(|(kind, prefix)| (kind, Config::builder().prefix(prefix).build().unwrap()))
}

/// One step of either framing, for properties that hold for both.
#[derive(Debug, PartialEq)]
enum Step<'i, T> {
    /// A header (parsed by the caller's function) or a raw prefix; the body length.
    Open(Option<T>, u64),
    Body(&'i [u8], u64),
    End,
}

/// The decoder of either framing.
enum AnyDecoder<const N: usize> {
    Header(Decoder<N>),
    Raw(RawDecoder),
}

impl<const N: usize> AnyDecoder<N> {
    fn new(kind: Kind, config: Config) -> Self {
        match kind {
            Kind::Header => Self::Header(Decoder::new(config).unwrap()),
            Kind::Raw => Self::Raw(RawDecoder::new(config)),
        }
    }

    /// The next step; a header is handed to `parse` (and must be at most `N` bytes).
    fn decode<'i, T>(
        &mut self,
        input: &mut &'i [u8],
        parse: impl FnOnce(unstick::Header<'_>) -> T,
    ) -> Result<Option<Step<'i, T>>, DecodeError> {
        let step = match self {
            Self::Header(decoder) => decoder.decode(input)?.map(|event| match event {
                Event::Header(header) => {
                    assert!(header.as_bytes().len() <= N);
                    Step::Open(Some(parse(header)), header.body_len())
                }
                Event::Body { chunk, remaining } => Step::Body(chunk, remaining),
                Event::FrameEnd => Step::End,
            }),
            Self::Raw(decoder) => decoder.decode(input)?.map(|event| match event {
                RawEvent::Start { len } => Step::Open(None, len),
                RawEvent::Body { chunk, remaining } => Step::Body(chunk, remaining),
                RawEvent::FrameEnd => Step::End,
            }),
        };
        Ok(step)
    }

    fn finish(&mut self) -> Result<(), DecodeError> {
        match self {
            Self::Header(decoder) => decoder.finish(),
            Self::Raw(decoder) => decoder.finish(),
        }
    }
}

fn upload() -> impl Strategy<Value = (Upload, Vec<u8>)> {
    let name = "\\PC{0,40}|[\"\\\\/\\u{0}-\\u{1f}a-z]{0,20}";
    let tags = proptest::collection::vec(any::<u32>(), 0..4);
    (name, tags, proptest::collection::vec(any::<u8>(), 0..300)).prop_map(|(name, tags, body)| {
        let upload = Upload {
            file_name: heapless::String::try_from(name.as_str()).unwrap(),
            file_size: body.len() as u64,
            tags: heapless::Vec::from_slice(&tags).unwrap(),
        };
        (upload, body)
    })
}

/// Encodes `frames` under `config`: header frames for a header config, the
/// body alone as a raw frame otherwise. Frames too long for a narrow prefix
/// must be refused as such, and are left out; returns the wire bytes and
/// the frames that made it.
fn encode(
    kind: Kind,
    config: Config,
    frames: &[(Upload, Vec<u8>)],
) -> (Vec<u8>, Vec<(Upload, Vec<u8>)>) {
    let mut encoder = Encoder::<512>::new(config).unwrap();
    let mut raw_encoder = RawEncoder::new(config);
    let mut wire = Vec::new();
    let mut sent = Vec::new();
    let mut out = vec![0u8; 1024];
    for (upload, body) in frames {
        let result = match kind {
            Kind::Header => encoder.frame(upload, body, &mut out),
            Kind::Raw => raw_encoder.frame(body, &mut out),
        };
        match result {
            Ok(n) => {
                wire.extend_from_slice(&out[..n]);
                sent.push((upload.clone(), body.clone()));
            }
            Err(EncodeError::LengthOutOfRange { len, max }) => {
                assert_eq!(max, config.prefix().max_len());
                assert!(len > max);
            }
            Err(err) => panic!("unexpected encode error {err}"),
        }
    }
    (wire, sent)
}

/// The last `len` bytes of `piece`, as a slice of it: where a decoder must
/// leave the caller's input once it has used the rest. Compared by address,
/// since an empty slice from anywhere else would match by content.
fn tail(piece: &[u8], len: usize) -> &[u8] {
    &piece[piece.len() - len..]
}

/// Cuts `input` at the given points (taken modulo its length, in order).
fn cut<'a>(input: &'a [u8], points: &[usize]) -> Vec<&'a [u8]> {
    let mut cuts: Vec<usize> = points.iter().map(|p| p % (input.len() + 1)).collect();
    cuts.sort_unstable();
    let mut pieces = Vec::new();
    let mut start = 0;
    for at in cuts {
        pieces.push(&input[start..at]);
        start = at;
    }
    pieces.push(&input[start..]);
    pieces
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn any_frames_cut_anywhere_decode_like_the_whole_input(
        (kind, config) in config(),
        frames in proptest::collection::vec(upload(), 0..6),
        points in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let (wire, _) = encode(kind, config, &frames);
        let whole = decode_pieces(kind, config, [&wire[..]]);
        prop_assert_eq!(whole.1, None);
        let pieces = cut(&wire, &points);
        prop_assert_eq!(decode_pieces(kind, config, pieces), whole);
    }

    #[test]
    fn encode_then_decode_gives_back_every_header_and_body(
        (kind, config) in config(),
        frames in proptest::collection::vec(upload(), 0..6),
        points in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let (wire, frames) = encode(kind, config, &frames);
        let mut decoder = AnyDecoder::<512>::new(kind, config);
        let mut decoded: Vec<(Option<Upload>, Vec<u8>)> = Vec::new();
        let unescaped = |header: unstick::Header<'_>| {
            let mut scratch = [0u8; 256];
            header.parse_unescaped::<Upload>(&mut scratch).unwrap()
        };
        for piece in cut(&wire, &points) {
            let mut input = piece;
            while let Some(step) = decoder.decode(&mut input, unescaped).unwrap() {
                match step {
                    Step::Open(header, _) => decoded.push((header, Vec::new())),
                    Step::Body(chunk, _) => decoded.last_mut().unwrap().1.extend_from_slice(chunk),
                    Step::End => {}
                }
            }
        }
        decoder.finish().unwrap();
        prop_assert_eq!(decoded.len(), frames.len());
        for ((header, body), (upload, sent)) in decoded.iter().zip(&frames) {
            prop_assert_eq!(body, sent);
            if kind == Kind::Header {
                prop_assert_eq!(header.as_ref(), Some(upload));
            }
        }
    }

    #[test]
    fn streamed_body_chunks_encode_like_a_whole_frame(
        (upload, body) in upload(),
        points in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let config = Config::python_struct();
        let (whole, _) = encode(Kind::Header, config, &[(upload.clone(), body.clone())]);
        let mut encoder = Encoder::<512>::new(config).unwrap();
        let mut out = [0u8; 512];
        let n = encoder.header(&upload, &mut out).unwrap();
        let mut streamed = out[..n].to_vec();
        for chunk in cut(&body, &points) {
            streamed.extend_from_slice(encoder.body(chunk).unwrap());
        }
        encoder.end_frame().unwrap();
        prop_assert_eq!(streamed, whole);
    }

    #[test]
    fn every_call_leaves_input_at_the_tail_of_the_callers_slice(
        (kind, config) in config(),
        frames in proptest::collection::vec(upload(), 0..4),
        points in proptest::collection::vec(any::<usize>(), 0..40),
    ) {
        let (wire, _) = encode(kind, config, &frames);
        let cuts = cut(&wire, &points);
        for pieces in [cuts, wire.chunks(1).collect()] {
            let mut decoder = AnyDecoder::<256>::new(kind, config);
            for piece in pieces {
                let mut input = piece;
                while decoder.decode(&mut input, |_| ())?.is_some() {
                    prop_assert_eq!(input.as_ptr(), tail(piece, input.len()).as_ptr());
                }
                prop_assert_eq!(input.as_ptr(), tail(piece, 0).as_ptr(), "used up");
            }
            prop_assert_eq!(decoder.finish(), Ok(()));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_nor_take_more_than_given(
        (kind, config) in config(),
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        points in proptest::collection::vec(any::<usize>(), 0..10),
    ) {
        let config = config.to_builder().max_header_len(64).max_body_len(1000).build().unwrap();
        let mut decoder = AnyDecoder::<64>::new(kind, config);
        let mut frame_body: Option<(u64, u64)> = None; // (declared, seen so far)
        let mut failed: Option<DecodeError> = None;
        for piece in cut(&bytes, &points) {
            let mut input = piece;
            loop {
                let before = input.len();
                let result = decoder.decode(&mut input, |_| ());
                prop_assert!(input.len() <= before);
                prop_assert_eq!(input.as_ptr(), tail(piece, input.len()).as_ptr());
                match result {
                    Err(err) => {
                        if let Some(first) = failed {
                            prop_assert_eq!(err, first);
                        }
                        failed = Some(err);
                        let mut again = input;
                        prop_assert_eq!(decoder.decode(&mut again, |_| ()), Err(err));
                        prop_assert_eq!(again, input);
                        break;
                    }
                    Ok(None) => {
                        prop_assert!(input.is_empty());
                        break;
                    }
                    Ok(Some(Step::Open(_, len))) => {
                        prop_assert!(len <= 1000);
                        frame_body = Some((len, 0));
                    }
                    Ok(Some(Step::Body(chunk, remaining))) => {
                        prop_assert!(!chunk.is_empty());
                        let (declared, seen) = frame_body.as_mut().unwrap();
                        *seen += chunk.len() as u64;
                        prop_assert_eq!(*seen + remaining, *declared);
                    }
                    Ok(Some(Step::End)) => {
                        let (declared, seen) = frame_body.take().unwrap();
                        prop_assert_eq!(seen, declared);
                    }
                }
            }
        }
        let end = decoder.finish();
        if let Some(first) = failed {
            prop_assert_eq!(end, Err(first));
        }
    }
}

#[test]
fn collector_merges_chunks_of_one_body() {
    let mut collector = Collector::default();
    collector.body(b"he");
    collector.body(b"llo");
    assert_eq!(collector.seen, vec![Seen::Body(b"hello".to_vec())]);
}
