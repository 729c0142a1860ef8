//! Properties that hold for every input: splitting never changes what is
//! decoded, what the encoder writes the decoder reads back, and no input
//! makes the decoder panic or take more bytes than it was given.

mod common;

use common::{Collector, Seen, decode_pieces};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use unstick::{
    Config, DecodeError, Decoder, EncodeError, Encoder, Endian, Event, FrameKind, Prefix, Sign,
    Width,
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

fn config() -> impl Strategy<Value = Config> {
    let kind = prop_oneof![Just(FrameKind::Header), Just(FrameKind::Raw)];
    (prefix(), kind)
        .prop_map(|(prefix, kind)| Config::builder().prefix(prefix).kind(kind).build().unwrap())
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
fn encode(config: Config, frames: &[(Upload, Vec<u8>)]) -> (Vec<u8>, Vec<(Upload, Vec<u8>)>) {
    let mut encoder = Encoder::<512>::new(config).unwrap();
    let mut wire = Vec::new();
    let mut sent = Vec::new();
    let mut out = vec![0u8; 1024];
    for (upload, body) in frames {
        let result = match config.kind() {
            FrameKind::Header => encoder.frame(upload, body, &mut out),
            FrameKind::Raw => encoder.raw_frame(body, &mut out),
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
        config in config(),
        frames in proptest::collection::vec(upload(), 0..6),
        points in proptest::collection::vec(any::<usize>(), 0..12),
    ) {
        let (wire, _) = encode(config, &frames);
        let whole = decode_pieces(config, [&wire[..]]);
        prop_assert_eq!(whole.1, None);
        let pieces = cut(&wire, &points);
        prop_assert_eq!(decode_pieces(config, pieces), whole);
    }

    #[test]
    fn encode_then_decode_gives_back_every_header_and_body(
        config in config(),
        frames in proptest::collection::vec(upload(), 0..6),
        points in proptest::collection::vec(any::<usize>(), 0..8),
    ) {
        let (wire, frames) = encode(config, &frames);
        let mut decoder = Decoder::<512>::new(config).unwrap();
        let mut decoded: Vec<(Option<Upload>, Vec<u8>)> = Vec::new();
        for piece in cut(&wire, &points) {
            let mut input = piece;
            while let Some(event) = decoder.decode(&mut input).unwrap() {
                match event {
                    Event::Header(header) => {
                        let mut scratch = [0u8; 256];
                        decoded.push((Some(header.parse_unescaped(&mut scratch).unwrap()), Vec::new()));
                    }
                    Event::RawStart { .. } => decoded.push((None, Vec::new())),
                    Event::Body { chunk, .. } => decoded.last_mut().unwrap().1.extend_from_slice(chunk),
                    Event::FrameEnd => {}
                }
            }
        }
        decoder.finish().unwrap();
        prop_assert_eq!(decoded.len(), frames.len());
        for ((header, body), (upload, sent)) in decoded.iter().zip(&frames) {
            prop_assert_eq!(body, sent);
            if config.kind() == FrameKind::Header {
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
        let (whole, _) = encode(config, &[(upload.clone(), body.clone())]);
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
    fn arbitrary_bytes_never_panic_nor_take_more_than_given(
        config in config(),
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        points in proptest::collection::vec(any::<usize>(), 0..10),
    ) {
        let config = config.to_builder().max_header_len(64).max_body_len(1000).build().unwrap();
        let mut decoder = Decoder::<64>::new(config).unwrap();
        let mut frame_body: Option<(u64, u64)> = None; // (declared, seen so far)
        let mut failed: Option<DecodeError> = None;
        for piece in cut(&bytes, &points) {
            let mut input = piece;
            loop {
                let before = input.len();
                let result = decoder.decode(&mut input);
                prop_assert!(input.len() <= before);
                prop_assert!(piece.ends_with(input));
                match result {
                    Err(err) => {
                        if let Some(first) = failed {
                            prop_assert_eq!(err, first);
                        }
                        failed = Some(err);
                        let mut again = input;
                        prop_assert_eq!(decoder.decode(&mut again), Err(err));
                        prop_assert_eq!(again, input);
                        break;
                    }
                    Ok(None) => {
                        prop_assert!(input.is_empty());
                        break;
                    }
                    Ok(Some(Event::Header(header))) => {
                        prop_assert!(header.as_bytes().len() <= 64);
                        prop_assert!(header.body_len() <= 1000);
                        frame_body = Some((header.body_len(), 0));
                    }
                    Ok(Some(Event::RawStart { len })) => {
                        prop_assert!(len <= 1000);
                        frame_body = Some((len, 0));
                    }
                    Ok(Some(Event::Body { chunk, remaining })) => {
                        prop_assert!(!chunk.is_empty());
                        let (declared, seen) = frame_body.as_mut().unwrap();
                        *seen += chunk.len() as u64;
                        prop_assert_eq!(*seen + remaining, *declared);
                    }
                    Ok(Some(Event::FrameEnd)) => {
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
