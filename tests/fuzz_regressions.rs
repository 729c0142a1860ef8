//! Inputs the fuzz targets (`fuzz/`) turned up, each pinned as a named test
//! against the public API. Each test says which target found it and what the
//! disagreement was; see the README's "Fuzzing" section to run the targets.

use serde::Serialize;
use unstick::{Config, DecodeError, Decoder, EncodeError, Encoder, Event, HeaderError, JsonType};

/// Decodes `json` as one header frame of the default profile.
fn body_len_of(json: &[u8]) -> Result<u64, DecodeError> {
    let mut frame = (json.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(json);
    let mut decoder = Decoder::<256>::new(Config::default()).expect("default config");
    match decoder.decode(&mut &frame[..])? {
        Some(Event::Header(header)) => {
            assert_eq!(header.as_bytes(), json);
            Ok(header.body_len())
        }
        other => panic!("a whole header frame gave {other:?}"),
    }
}

/// `header` target: serde_json refuses a lone surrogate escape
/// (`"\ud83d_size"`), which RFC 8259's grammar allows. The crate accepts it
/// and, since it is no character, never matches it with the body key; the
/// key spelled with a valid escape still is the body key.
#[test]
fn lone_surrogate_in_a_key_is_valid_json_and_never_the_body_key() {
    assert_eq!(
        body_len_of(br#"{"\ud83d_size":1,"\tfile\u005fsize":99}"#),
        Ok(0)
    );
    assert_eq!(
        body_len_of(br#"{"\ud83dfile_size":1,"file\u005fsize":2}"#),
        Ok(2)
    );
    assert_eq!(body_len_of(br#"{"file_size\udc00":1}"#), Ok(0));
}

/// A header struct that writes the body key twice, as the `roundtrip`
/// target's headers did when an extra member was named like the body key.
#[derive(Serialize)]
struct BodyKeyTwice {
    #[serde(rename = "file_size")]
    first: Option<u64>,
    file_size: u64,
}

/// `roundtrip` target: a member named like the body key *before* the real
/// body length, holding `null`, makes the header invalid on its own (the
/// first occurrence is the body length the receiver would read), so the
/// encoder refuses it as a wrong type rather than as a duplicate; either way
/// nothing is written and no frame is opened.
#[test]
fn encoder_refuses_a_header_that_repeats_the_body_key_whatever_comes_first() {
    let mut encoder = Encoder::<64>::new(Config::default()).expect("default config");
    let mut out = [0xa5u8; 64];
    let null_first = BodyKeyTwice {
        first: None,
        file_size: 3,
    };
    assert_eq!(
        encoder.header(&null_first, &mut out),
        Err(EncodeError::InvalidHeader(HeaderError::BodyLenWrongType {
            offset: 13,
            found: JsonType::Null
        }))
    );
    let number_first = BodyKeyTwice {
        first: Some(3),
        file_size: 3,
    };
    assert_eq!(
        encoder.frame(&number_first, b"abc", &mut out),
        Err(EncodeError::InvalidHeader(HeaderError::DuplicateBodyKey {
            offset: 15
        }))
    );
    assert_eq!(out, [0xa5; 64]);
    assert_eq!(encoder.remaining(), None);
}

/// `decode` target: a header byte fed alone, through the decoder's one-byte
/// fast path, left `input` as an empty slice of its own instead of the end
/// of the caller's slice. The count of bytes used was right, but a caller
/// that finds its place from `input`'s address (as the target checks) lost
/// it. The input, fed one byte per call, is kept in `fuzz/seeds/decode`.
#[test]
fn a_byte_fed_alone_leaves_input_at_the_end_of_the_callers_slice() {
    let frame = b"\0\0\0\x0f{\"file_size\":5}hello";
    let mut decoder = Decoder::<256>::default();
    for at in 0..frame.len() {
        let piece = &frame[at..=at];
        let mut input = piece;
        while decoder.decode(&mut input).expect("valid frame").is_some() {}
        assert_eq!(input.as_ptr(), piece[1..].as_ptr(), "byte {at}");
    }
    assert_eq!(decoder.finish(), Ok(()));
}
