//! Frames → encoder (whole, or header then body in arbitrary chunks) →
//! arbitrary splits → decoder: the decoder gives back exactly the frames
//! encoded, and each header's JSON means what was serialized. The encoder may
//! refuse a frame only for a reason that holds. Each decoded header parses
//! as `check_escapes` demands: `parse` refuses it iff a member name or value
//! needed an escape, `parse_unescaped` reads it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unstick::EncodeError;
use unstick_fuzz::checked::reference_prefix;
use unstick_fuzz::encoders::Encoders;
use unstick_fuzz::inputs::{Frame, Roundtrip};
use unstick_fuzz::json::{HeaderMap, Scalar, Value, check_escapes, with_header};
use unstick_fuzz::setup::{CAPACITY, SMALL_CAPACITY, pieces};
use unstick_fuzz::{Kind, Seen, Setup, decode_checked};

fuzz_target!(|input: Roundtrip| {
    let setup = input.config.setup();
    match setup.capacity() {
        SMALL_CAPACITY => run::<SMALL_CAPACITY>(&setup, &input),
        _ => run::<CAPACITY>(&setup, &input),
    }
});

fn run<const N: usize>(setup: &Setup, input: &Roundtrip) {
    let mut encoders = Encoders::<N>::new(setup);
    let mut wire = Vec::new();
    let mut expected = Vec::new();
    let mut meanings = Vec::new();
    for frame in &input.frames {
        let start = wire.len();
        let sent = match setup.kind {
            Kind::Header => send_header(&mut encoders, setup, frame, &mut wire),
            Kind::Raw => send_raw(&mut encoders, setup, frame, &mut wire),
        };
        assert_eq!(encoders.remaining(), None);
        let len = frame.body.0.len() as u64;
        match sent {
            Sent::Header(map) => {
                let json = header_json(setup, &wire[start..]);
                meanings.push(reparse(&serde_json::to_string(&map).expect("serializable")));
                expected.push(Seen::Header {
                    json: String::from_utf8(json.to_vec()).expect("headers are UTF-8"),
                    body_len: len,
                });
            }
            Sent::Raw => expected.push(Seen::RawStart { len }),
            Sent::Refused => {
                assert_eq!(wire.len(), start, "a refused frame left bytes");
                continue;
            }
        }
        if len > 0 {
            expected.push(Seen::Body(frame.body.0.clone()));
        }
        expected.push(Seen::FrameEnd);
    }
    let outcome = decode_checked(setup, &wire, &pieces(&wire, &input.splits));
    assert_eq!(outcome.error, None);
    assert_eq!(outcome.seen, expected);
    let decoded = outcome.seen.iter().filter_map(|seen| match seen {
        Seen::Header { json, .. } => Some(reparse(json)),
        _ => None,
    });
    assert!(
        decoded.eq(meanings),
        "a header does not mean what was serialized"
    );
    for seen in &outcome.seen {
        if let Seen::Header { json, .. } = seen {
            with_header(json.as_bytes(), setup.config.body_key(), |header| {
                check_escapes(&header.expect("a decoded header is valid"));
            });
        }
    }
}

/// What became of one frame handed to the encoder.
enum Sent {
    /// A header frame with this header is on the wire.
    Header(HeaderMap),
    /// A raw frame is on the wire.
    Raw,
    /// The encoder refused the frame (for a reason that holds).
    Refused,
}

fn reparse(json: &str) -> serde_json::Value {
    serde_json::from_str(json).expect("an encoded header is JSON")
}

/// The JSON of the header frame at the start of `frame`.
fn header_json<'a>(setup: &Setup, frame: &'a [u8]) -> &'a [u8] {
    let width = setup.config.prefix().size();
    let len = reference_prefix(setup, &frame[..width]).expect("written lengths are positive");
    &frame[width..width + len as usize]
}

/// Sends a header frame; refused only for a reason that holds.
fn send_header<const N: usize>(
    encoders: &mut Encoders<N>,
    setup: &Setup,
    frame: &Frame,
    wire: &mut Vec<u8>,
) -> Sent {
    let body = &frame.body.0;
    let key = setup.config.body_key();
    let map = HeaderMap::new(
        &frame.extra,
        key,
        Some(Value::Scalar(Scalar::U64(body.len() as u64))),
        frame.at,
    );
    let mut out = vec![0u8; 8 + N + if frame.whole { body.len() } else { 0 }];
    let encoder = encoders.header_frames().expect("a header frame setup");
    let result = if frame.whole {
        encoder
            .frame(&map, body, &mut out)
            .map(|n| wire.extend_from_slice(&out[..n]))
    } else {
        encoder.header(&map, &mut out).map(|n| {
            wire.extend_from_slice(&out[..n]);
            send_body(encoders, body, &frame.chunks, wire);
        })
    };
    match result {
        Ok(()) => Sent::Header(map),
        Err(err) => {
            check_refusal(setup, &map, body.len() as u64, err);
            Sent::Refused
        }
    }
}

/// Sends a raw frame; refused only for a reason that holds.
fn send_raw<const N: usize>(
    encoders: &mut Encoders<N>,
    setup: &Setup,
    frame: &Frame,
    wire: &mut Vec<u8>,
) -> Sent {
    let payload = &frame.body.0;
    let mut out = vec![0u8; 8 + payload.len()];
    let encoder = encoders.raw_frames().expect("a raw frame setup");
    let result = if frame.whole {
        encoder
            .frame(payload, &mut out)
            .map(|n| wire.extend_from_slice(&out[..n]))
    } else {
        encoder.start(payload.len() as u64, &mut out).map(|n| {
            wire.extend_from_slice(&out[..n]);
            send_body(encoders, payload, &frame.chunks, wire);
        })
    };
    match result {
        Ok(()) => Sent::Raw,
        Err(err) => {
            check_length_refusal(setup, payload.len() as u64, err);
            Sent::Refused
        }
    }
}

fn send_body<const N: usize>(
    encoders: &mut Encoders<N>,
    body: &[u8],
    chunks: &[u8],
    wire: &mut Vec<u8>,
) {
    for chunk in pieces(body, chunks) {
        let sent = encoders
            .body(chunk)
            .expect("a chunk within the body is taken");
        assert!(
            std::ptr::eq(sent, chunk),
            "body() must hand back the same slice"
        );
        wire.extend_from_slice(sent);
    }
    encoders
        .end_frame()
        .expect("a complete body ends the frame");
}

/// A header frame may be refused only for a reason that holds.
fn check_refusal(setup: &Setup, map: &HeaderMap, body_len: u64, err: EncodeError) {
    let json_len = map.to_json().len() as u64;
    match err {
        EncodeError::HeaderTooLong { max } => {
            assert_eq!(max, setup.header_limit());
            assert!(json_len > max as u64);
        }
        EncodeError::LengthOutOfRange { len, max } => {
            assert_eq!(len, json_len);
            assert_eq!(max, setup.config.prefix().max_len());
            assert!(len > max);
        }
        EncodeError::InvalidHeader(_) => {
            // Only a member of `extra` named like the body key can spoil the
            // header: a duplicate, or first of the two with a wrong value.
            assert!(map.count_key(setup.config.body_key()) > 1, "{err:?}");
        }
        other => check_length_refusal(setup, body_len, other),
    }
}

/// A body or payload length may be refused only when it is over the limit
/// or, for a raw frame, beyond the prefix.
fn check_length_refusal(setup: &Setup, len: u64, err: EncodeError) {
    match err {
        EncodeError::BodyTooLong { len: l, max } => {
            assert_eq!((l, max), (len, setup.config.max_body_len()));
            assert!(len > max);
        }
        EncodeError::LengthOutOfRange { len: l, max } if setup.kind == Kind::Raw => {
            assert_eq!((l, max), (len, setup.config.prefix().max_len()));
            assert!(len > max);
        }
        other => panic!("refused for no reason that holds: {other:?}"),
    }
}
