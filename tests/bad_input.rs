//! Hostile input: each way a frame can be wrong has its own error, raised
//! the moment the bad field is complete, with nothing after that field
//! consumed, and the error sticks until `reset`.

mod common;

use common::{good_frame, header_frame, hostile_fields, prefix_bytes, raw_frame};
use std::ops::ControlFlow;

use unstick::{
    Config, DecodeError, Decoder, Event, HeaderError, JsonType, Prefix, RawDecoder, RawEvent,
};

#[test]
fn every_hostile_field_has_its_error_and_nothing_after_it_is_consumed() {
    for case in hostile_fields() {
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
