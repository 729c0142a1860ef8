//! Hostile input: each way a frame can be wrong has its own error, raised
//! the moment the bad field is complete, with nothing after that field
//! consumed, and the error sticks until `reset`.

mod common;

use common::{header_frame, prefix_bytes, raw_frame};
use std::ops::ControlFlow;

use unstick::{
    Config, DecodeError, Decoder, Event, HeaderError, JsonType, Prefix, RawDecoder, RawEvent,
};

/// A well-formed header frame under `config`.
fn good_frame(config: Config, body: &[u8]) -> Vec<u8> {
    header_frame(
        config.prefix(),
        &format!(r#"{{"file_size":{}}}"#, body.len()),
        body,
    )
}

struct Case {
    name: &'static str,
    config: Config,
    /// The frame up to and including the bad field.
    bad: Vec<u8>,
    error: DecodeError,
}

fn json_case(name: &'static str, json: &str, err: HeaderError) -> Case {
    Case {
        name,
        config: Config::default(),
        bad: header_frame(Prefix::NETWORK, json, b""),
        error: DecodeError::InvalidHeader(err),
    }
}

fn cases() -> Vec<Case> {
    let wrong = |found| HeaderError::BodyLenWrongType { offset: 13, found };
    let small_bodies = Config::builder().max_body_len(4).build().unwrap();
    let mut not_utf8 = prefix_bytes(Prefix::NETWORK, 9);
    not_utf8.extend_from_slice(b"{\"a\":\"\xff\"}");
    vec![
        Case {
            name: "header length zero",
            config: Config::default(),
            bad: vec![0, 0, 0, 0],
            error: DecodeError::HeaderLenZero,
        },
        Case {
            name: "header length of 4 GiB",
            config: Config::default(),
            bad: vec![0xff; 4],
            error: DecodeError::HeaderTooLong {
                len: u32::MAX as u64,
                max: 256,
            },
        },
        Case {
            name: "negative python prefix",
            config: Config::python_struct(),
            bad: (-2i32).to_le_bytes().to_vec(),
            error: DecodeError::NegativeLength { value: -2 },
        },
        Case {
            name: "header body length above the limit",
            config: small_bodies,
            bad: header_frame(Prefix::NETWORK, r#"{"file_size":5}"#, b""),
            error: DecodeError::BodyTooLong { len: 5, max: 4 },
        },
        Case {
            name: "header not UTF-8",
            config: Config::default(),
            bad: not_utf8,
            error: DecodeError::InvalidHeader(HeaderError::NotUtf8 { valid_up_to: 6 }),
        },
        json_case(
            "header not JSON",
            "file_size=5",
            HeaderError::Syntax {
                offset: 1,
                found: Some(b'i'),
            },
        ),
        json_case(
            "header cut short",
            r#"{"file_size":5"#,
            HeaderError::Syntax {
                offset: 14,
                found: None,
            },
        ),
        json_case(
            "header not an object",
            r#""hi""#,
            HeaderError::NotAnObject {
                found: JsonType::String,
            },
        ),
        json_case(
            "body length negative",
            r#"{"file_size":-1}"#,
            HeaderError::BodyLenNegative { offset: 13 },
        ),
        json_case(
            "body length float",
            r#"{"file_size":1.5}"#,
            HeaderError::BodyLenNotInteger { offset: 13 },
        ),
        json_case(
            "body length exponent",
            r#"{"file_size":1e9}"#,
            HeaderError::BodyLenNotInteger { offset: 13 },
        ),
        json_case(
            "body length string",
            r#"{"file_size":"9"}"#,
            wrong(JsonType::String),
        ),
        json_case(
            "body length bool",
            r#"{"file_size":false}"#,
            wrong(JsonType::Bool),
        ),
        json_case(
            "body length null",
            r#"{"file_size":null}"#,
            wrong(JsonType::Null),
        ),
        json_case(
            "body length array",
            r#"{"file_size":[9]}"#,
            wrong(JsonType::Array),
        ),
        json_case(
            "body length beyond u64",
            r#"{"file_size":99999999999999999999}"#,
            HeaderError::BodyLenOverflow { offset: 13 },
        ),
        json_case(
            "duplicate body key",
            r#"{"file_size":0,"file_size":5}"#,
            HeaderError::DuplicateBodyKey { offset: 15 },
        ),
        json_case(
            "nesting too deep",
            &format!(r#"{{"a":{}"#, "[".repeat(unstick::MAX_NESTING)),
            HeaderError::TooDeep {
                offset: 5 + unstick::MAX_NESTING - 1,
                max: unstick::MAX_NESTING,
            },
        ),
    ]
}

#[test]
fn every_hostile_field_has_its_error_and_nothing_after_it_is_consumed() {
    for case in cases() {
        let mut decoder = Decoder::<256>::new(case.config).unwrap();
        // The frame after the bad field: the decoder must leave it alone.
        let next = good_frame(case.config, b"next");
        let input = [good_frame(case.config, b"ok").as_slice(), &case.bad, &next].concat();
        let mut rest = &input[..];
        let mut ends = 0;
        let error = loop {
            match decoder.decode(&mut rest) {
                Ok(Some(Event::FrameEnd)) => ends += 1,
                Ok(Some(_)) => {}
                Ok(None) => panic!("{}: no error", case.name),
                Err(err) => break err,
            }
        };
        assert_eq!(
            ends, 1,
            "{}: the good frame before the bad one is delivered",
            case.name
        );
        assert_eq!(error, case.error, "{}", case.name);
        assert_eq!(
            rest, next,
            "{}: bytes after the bad field are not consumed",
            case.name
        );
        assert_eq!(
            decoder.decode(&mut rest),
            Err(case.error),
            "{}: the error sticks",
            case.name
        );
        assert_eq!(
            decoder.finish(),
            Err(case.error),
            "{}: finish reports it too",
            case.name
        );
        decoder.reset();
        assert!(
            matches!(decoder.decode(&mut rest), Ok(Some(Event::Header(_)))),
            "{}: after reset the next frame decodes",
            case.name
        );
    }
}

#[test]
fn raw_payload_above_the_limit_is_refused_before_any_payload_byte() {
    let config = Config::builder().max_body_len(100).build().unwrap();
    let mut decoder = RawDecoder::new(config);
    let next = raw_frame(Prefix::NETWORK, b"next");
    let ok = raw_frame(Prefix::NETWORK, b"ok");
    let input = [ok.as_slice(), &prefix_bytes(Prefix::NETWORK, 101), &next].concat();
    let mut rest = &input[..];
    let mut seen = Vec::new();
    let error = loop {
        match decoder.decode(&mut rest) {
            Ok(Some(event)) => seen.push(event),
            Ok(None) => panic!("no error"),
            Err(err) => break err,
        }
    };
    let ok_events = [
        RawEvent::Start { len: 2 },
        RawEvent::Body {
            chunk: b"ok",
            remaining: 0,
        },
        RawEvent::FrameEnd,
    ];
    assert_eq!(
        seen, ok_events,
        "the good frame before the bad one is delivered"
    );
    let error_expected = DecodeError::BodyTooLong { len: 101, max: 100 };
    assert_eq!(error, error_expected);
    assert_eq!(
        rest, next,
        "the payload after the bad prefix is not consumed"
    );
    assert_eq!(
        decoder.decode(&mut rest),
        Err(error_expected),
        "the error sticks"
    );
    assert_eq!(
        decoder.finish(),
        Err(error_expected),
        "finish reports it too"
    );
    decoder.reset();
    assert_eq!(
        decoder.decode(&mut rest),
        Ok(Some(RawEvent::Start { len: 4 }))
    );
}

#[test]
fn truncation_errors_say_how_many_bytes_were_missing() {
    let frame = header_frame(Prefix::NETWORK, r#"{"file_size":5}"#, b"hello");
    let cases = [
        (1, DecodeError::TruncatedPrefix { missing: 3 }),
        (4, DecodeError::TruncatedHeader { missing: 15 }),
        (12, DecodeError::TruncatedHeader { missing: 7 }),
        (19, DecodeError::TruncatedBody { missing: 5 }),
        (23, DecodeError::TruncatedBody { missing: 1 }),
    ];
    for (cut, expected) in cases {
        let mut decoder = Decoder::<64>::new(Config::default()).unwrap();
        let fed = decoder.feed(&mut &frame[..cut], |_| ControlFlow::<()>::Continue(()));
        assert_eq!(fed, Ok(None));
        assert_eq!(decoder.finish(), Err(expected), "cut after {cut} bytes");
        assert_eq!(
            decoder.decode(&mut &b"more"[..]),
            Err(expected),
            "the truncation sticks"
        );
    }
    let mut decoder = Decoder::<64>::new(Config::default()).unwrap();
    let fed = decoder.feed(&mut &frame[..], |_| ControlFlow::<()>::Continue(()));
    assert_eq!(fed, Ok(None));
    assert_eq!(decoder.finish(), Ok(()), "a stream may end between frames");
}

#[test]
fn errors_say_what_was_wrong() {
    let messages = [
        (
            DecodeError::HeaderLenZero,
            "header length 0 in the prefix: a header is never empty",
        ),
        (
            DecodeError::NegativeLength { value: -2 },
            "length prefix holds the negative value -2",
        ),
        (
            DecodeError::BodyTooLong { len: 5, max: 4 },
            "body length 5 exceeds the limit of 4 bytes",
        ),
        (
            DecodeError::InvalidHeader(HeaderError::BodyLenWrongType {
                offset: 13,
                found: JsonType::String,
            }),
            "body length at header offset 13 is a string, not a non-negative integer",
        ),
        (
            DecodeError::InvalidHeader(HeaderError::Syntax {
                offset: 7,
                found: Some(b'}'),
            }),
            "header is not valid JSON: unexpected byte 0x7d at offset 7",
        ),
        (
            DecodeError::TruncatedBody { missing: 3 },
            "input ended inside a body, 3 bytes short",
        ),
    ];
    for (err, text) in messages {
        assert_eq!(err.to_string(), text);
    }
}
