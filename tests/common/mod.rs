//! Shared test support: the conformance vectors and the event collector
//! that every transport's tests run through.
//!
//! A [`Vector`] is input bytes plus what a correct decoder makes of them,
//! with body chunks merged: a transport passes a vector when feeding the
//! input through it — whole, a byte at a time, or in the scenario's reads —
//! yields exactly `expected` and then `error` (`None`: a clean end).

#![allow(dead_code)] // each test binary uses its own part of this module

use std::ops::ControlFlow;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use unstick::{
    Config, DecodeError, Endian, Event, HeaderError, JsonType, Prefix, RawEvent, Sign, Width,
};

/// Which frames a vector's stream carries, and so which decoder reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Header frames: `Decoder<CAPACITY>`.
    Header,
    /// Raw frames: `RawDecoder`.
    Raw,
}

/// A decoded event with body chunks merged, comparable across transports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// A header: its JSON text and declared body length.
    Header { json: String, body_len: u64 },
    /// The start of a raw frame.
    RawStart { len: u64 },
    /// All body bytes of one frame (absent when the body is empty).
    Body(Vec<u8>),
    /// The end of a frame.
    FrameEnd,
}

/// Collects events into [`Seen`]s, merging consecutive body chunks.
#[derive(Debug, Default)]
pub struct Collector {
    pub seen: Vec<Seen>,
}

impl Collector {
    pub fn push(&mut self, event: Event<'_, '_>) {
        match event {
            Event::Header(header) => self.seen.push(Seen::Header {
                json: header.json().to_owned(),
                body_len: header.body_len(),
            }),
            Event::Body { chunk, .. } => self.body(chunk),
            Event::FrameEnd => self.seen.push(Seen::FrameEnd),
        }
    }

    pub fn push_raw(&mut self, event: RawEvent<'_>) {
        match event {
            RawEvent::Start { len } => self.seen.push(Seen::RawStart { len }),
            RawEvent::Body { chunk, .. } => self.body(chunk),
            RawEvent::FrameEnd => self.seen.push(Seen::FrameEnd),
        }
    }

    /// Appends body bytes, merging with a preceding body.
    pub fn body(&mut self, chunk: &[u8]) {
        assert!(!chunk.is_empty(), "a body chunk is never empty");
        match self.seen.last_mut() {
            Some(Seen::Body(bytes)) => bytes.extend_from_slice(chunk),
            _ => self.seen.push(Seen::Body(chunk.to_vec())),
        }
    }
}

/// One conformance case.
#[derive(Debug, Clone)]
pub struct Vector {
    pub name: &'static str,
    pub kind: Kind,
    pub config: Config,
    pub input: Vec<u8>,
    /// The read sizes of the scenario this vector comes from; empty when the
    /// scenario is "everything in one read". Runners also try other splits.
    pub reads: Vec<usize>,
    pub expected: Vec<Seen>,
    /// The error after `expected`, from `decode` or from `finish` at the end
    /// of input; `None` for a clean end between frames.
    pub error: Option<DecodeError>,
}

/// The header-frame decoder capacity every runner uses for the vectors.
pub const CAPACITY: usize = 256;

/// Feeds `pieces` one after the other through the core decoder of `kind`,
/// then `finish`; returns what it saw and the error, if any.
pub fn decode_pieces<'a>(
    kind: Kind,
    config: Config,
    pieces: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<Seen>, Option<DecodeError>) {
    match kind {
        Kind::Header => decode_header_pieces(config, pieces),
        Kind::Raw => decode_raw_pieces(config, pieces),
    }
}

fn decode_header_pieces<'a>(
    config: Config,
    pieces: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<Seen>, Option<DecodeError>) {
    let mut decoder = unstick::Decoder::<CAPACITY>::new(config).expect("vector configs are valid");
    let mut collector = Collector::default();
    for mut piece in pieces {
        let fed = decoder.feed(&mut piece, |event| {
            collector.push(event);
            ControlFlow::<()>::Continue(())
        });
        if let Err(err) = fed {
            return (collector.seen, Some(err));
        }
    }
    (collector.seen, decoder.finish().err())
}

fn decode_raw_pieces<'a>(
    config: Config,
    pieces: impl IntoIterator<Item = &'a [u8]>,
) -> (Vec<Seen>, Option<DecodeError>) {
    let mut decoder = unstick::RawDecoder::new(config);
    let mut collector = Collector::default();
    for mut piece in pieces {
        let fed = decoder.feed(&mut piece, |event| {
            collector.push_raw(event);
            ControlFlow::<()>::Continue(())
        });
        if let Err(err) = fed {
            return (collector.seen, Some(err));
        }
    }
    (collector.seen, decoder.finish().err())
}

/// The input cut into the scenario's reads (the rest in one last read).
pub fn scenario_reads(vector: &Vector) -> Vec<&[u8]> {
    let mut rest = &vector.input[..];
    let mut pieces = Vec::new();
    for &size in &vector.reads {
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        pieces.push(piece);
        rest = tail;
    }
    pieces.push(rest);
    pieces
}

/// A header frame built by hand: prefix, JSON, body.
pub fn header_frame(prefix: Prefix, json: &str, body: &[u8]) -> Vec<u8> {
    let mut frame = prefix_bytes(prefix, json.len() as u64);
    frame.extend_from_slice(json.as_bytes());
    frame.extend_from_slice(body);
    frame
}

/// A raw frame built by hand: prefix, payload.
pub fn raw_frame(prefix: Prefix, payload: &[u8]) -> Vec<u8> {
    let mut frame = prefix_bytes(prefix, payload.len() as u64);
    frame.extend_from_slice(payload);
    frame
}

/// The prefix bytes for `value`, written without the crate's encoder.
pub fn prefix_bytes(prefix: Prefix, value: u64) -> Vec<u8> {
    let width = prefix.width().bytes();
    match prefix.endian() {
        Endian::Big => value.to_be_bytes()[8 - width..].to_vec(),
        Endian::Little => value.to_le_bytes()[..width].to_vec(),
    }
}

/// What `struct.pack('i', len(h)) + h + body` writes, `h` being JSON text.
pub fn python_frame(json: &str, body: &[u8]) -> Vec<u8> {
    let mut frame = (json.len() as i32).to_le_bytes().to_vec();
    frame.extend_from_slice(json.as_bytes());
    frame.extend_from_slice(body);
    frame
}

/// The [`Seen`] for a header an adapter hands out.
pub fn header_seen(header: unstick::Header<'_>) -> Seen {
    Seen::Header {
        json: header.json().to_owned(),
        body_len: header.body_len(),
    }
}

pub fn header(json: &str, body_len: u64) -> Seen {
    Seen::Header {
        json: json.to_owned(),
        body_len,
    }
}

/// `header`, then the body (if any), then the frame end.
pub fn header_events(json: &str, body: &[u8]) -> Vec<Seen> {
    let mut seen = vec![header(json, body.len() as u64)];
    if !body.is_empty() {
        seen.push(Seen::Body(body.to_vec()));
    }
    seen.push(Seen::FrameEnd);
    seen
}

/// `RawStart`, then the payload (if any), then the frame end.
pub fn raw_events(payload: &[u8]) -> Vec<Seen> {
    let mut seen = vec![Seen::RawStart {
        len: payload.len() as u64,
    }];
    if !payload.is_empty() {
        seen.push(Seen::Body(payload.to_vec()));
    }
    seen.push(Seen::FrameEnd);
    seen
}

fn raw_config(prefix: Prefix) -> Config {
    Config::builder().prefix(prefix).build().expect("valid")
}

/// `vector` read as raw frames.
fn raw(vector: Vector) -> Vector {
    Vector {
        kind: Kind::Raw,
        ..vector
    }
}

fn ok(name: &'static str, config: Config, input: Vec<u8>, expected: Vec<Seen>) -> Vector {
    Vector {
        name,
        kind: Kind::Header,
        config,
        input,
        reads: Vec::new(),
        expected,
        error: None,
    }
}

fn bad(
    name: &'static str,
    config: Config,
    input: Vec<u8>,
    expected: Vec<Seen>,
    error: DecodeError,
) -> Vector {
    Vector {
        name,
        kind: Kind::Header,
        config,
        input,
        reads: Vec::new(),
        expected,
        error: Some(error),
    }
}

const HELLO: &str = r#"{"file_size":5}"#;
const PY_UPLOAD: &str = r#"{"file_name": "a.txt", "file_size": 3}"#;

/// Every well-formed vector: the tutorial's scenarios and every prefix format.
pub fn good_vectors() -> Vec<Vector> {
    let net = Config::default();
    let py = Config::python_struct();
    let mut v = Vec::new();

    let hello = header_frame(Prefix::NETWORK, HELLO, b"hello");
    v.push(ok(
        "three_hello_frames_in_one_read",
        net,
        hello.repeat(3),
        [
            header_events(HELLO, b"hello"),
            header_events(HELLO, b"hello"),
            header_events(HELLO, b"hello"),
        ]
        .concat(),
    ));

    let mut split = ok(
        "header_arrives_as_2_then_20_bytes",
        net,
        hello.clone(),
        header_events(HELLO, b"hello"),
    );
    split.reads = vec![2, 20];
    v.push(split);

    let ls = r#"{"cmd":"ls"}"#;
    let mut glued = header_frame(Prefix::NETWORK, ls, b"");
    glued.extend_from_slice(&hello);
    let mut seen = header_events(ls, b"");
    seen.extend(header_events(HELLO, b"hello"));
    v.push(ok("header_only_frame_glued_to_the_next", net, glued, seen));

    let big: Vec<u8> = (0..10_000_000u32).map(|i| (i % 251) as u8).collect();
    let big_json = r#"{"file_name":"big.bin","file_size":10000000}"#;
    let mut input = header_frame(Prefix::NETWORK, big_json, &big);
    input.extend_from_slice(&hello);
    let mut seen = header_events(big_json, &big);
    seen.extend(header_events(HELLO, b"hello"));
    v.push(ok(
        "ten_mb_body_then_the_next_frame_in_one_slice",
        net,
        input,
        seen,
    ));

    v.push(ok(
        "python_struct_pack_i_and_json_dumps",
        py,
        python_frame(PY_UPLOAD, b"abc"),
        header_events(PY_UPLOAD, b"abc"),
    ));

    let escaped = r#"{"file_name": "\u7535\u5f71.mp4", "file_size": 4}"#;
    v.push(ok(
        "python_json_dumps_escapes_non_ascii_names",
        py,
        python_frame(escaped, b"film"),
        header_events(escaped, b"film"),
    ));

    let utf8 = "{\"file_name\": \"电影.mp4\", \"file_size\": 2}";
    v.push(ok(
        "python_ensure_ascii_false_sends_raw_utf8",
        py,
        python_frame(utf8, b"ok"),
        header_events(utf8, b"ok"),
    ));

    let zero = r#"{"file_name": "empty.txt", "file_size": 0}"#;
    v.push(ok(
        "explicit_zero_body",
        py,
        python_frame(zero, b""),
        header_events(zero, b""),
    ));

    let raw_py = raw_config(Prefix::PYTHON_STRUCT_I);
    let mut input = raw_frame(Prefix::PYTHON_STRUCT_I, b"dir\r\n");
    input.extend(raw_frame(Prefix::PYTHON_STRUCT_I, b""));
    input.extend(raw_frame(Prefix::PYTHON_STRUCT_I, b"total 0\n"));
    let mut seen = raw_events(b"dir\r\n");
    seen.extend(raw_events(b""));
    seen.extend(raw_events(b"total 0\n"));
    v.push(raw(ok("raw_command_output_frames", raw_py, input, seen)));

    v.push(ok(
        "empty_input_is_a_clean_end",
        net,
        Vec::new(),
        Vec::new(),
    ));

    for (name, width, endian, sign) in [
        (
            "prefix_1_byte_unsigned",
            Width::One,
            Endian::Big,
            Sign::Unsigned,
        ),
        (
            "prefix_1_byte_signed",
            Width::One,
            Endian::Little,
            Sign::Signed,
        ),
        (
            "prefix_2_bytes_big_endian",
            Width::Two,
            Endian::Big,
            Sign::Unsigned,
        ),
        (
            "prefix_2_bytes_little_endian_signed",
            Width::Two,
            Endian::Little,
            Sign::Signed,
        ),
        (
            "prefix_8_bytes_big_endian_signed",
            Width::Eight,
            Endian::Big,
            Sign::Signed,
        ),
        (
            "prefix_8_bytes_little_endian",
            Width::Eight,
            Endian::Little,
            Sign::Unsigned,
        ),
    ] {
        let prefix = Prefix::new(width, endian, sign);
        let config = Config::builder().prefix(prefix).build().expect("valid");
        let mut input = header_frame(prefix, PY_UPLOAD, b"xyz");
        input.extend(header_frame(prefix, HELLO, b"hello"));
        let mut seen = header_events(PY_UPLOAD, b"xyz");
        seen.extend(header_events(HELLO, b"hello"));
        v.push(ok(name, config, input, seen));
    }
    v
}

/// Every hostile or broken input, one per error variant (and one per way a
/// body length can be wrong), each after a good frame that must still be
/// delivered.
pub fn bad_vectors() -> Vec<Vector> {
    let net = Config::default();
    let py = Config::python_struct();
    let good = header_frame(Prefix::NETWORK, HELLO, b"hello");
    let before = header_events(HELLO, b"hello");
    let after_good = |tail: &[u8]| [good.as_slice(), tail].concat();
    let invalid = |err: HeaderError| DecodeError::InvalidHeader(err);
    let mut v = Vec::new();

    v.push(bad(
        "header_length_zero",
        net,
        after_good(&[0, 0, 0, 0]),
        before.clone(),
        DecodeError::HeaderLenZero,
    ));
    v.push(bad(
        "header_longer_than_the_buffer",
        net,
        after_good(&[0, 0, 1, 1]),
        before.clone(),
        DecodeError::HeaderTooLong {
            len: 257,
            max: CAPACITY,
        },
    ));
    let limited = Config::builder().max_header_len(10).build().expect("valid");
    v.push(bad(
        "header_longer_than_the_configured_limit",
        limited,
        header_frame(Prefix::NETWORK, HELLO, b"hello"),
        Vec::new(),
        DecodeError::HeaderTooLong { len: 15, max: 10 },
    ));
    v.push(bad(
        "hostile_4_gib_header_length",
        net,
        after_good(&[0xff; 4]),
        before.clone(),
        DecodeError::HeaderTooLong {
            len: u32::MAX as u64,
            max: CAPACITY,
        },
    ));
    v.push(bad(
        "negative_python_prefix",
        py,
        (-1i32).to_le_bytes().to_vec(),
        Vec::new(),
        DecodeError::NegativeLength { value: -1 },
    ));
    let small_bodies = Config::builder().max_body_len(4).build().expect("valid");
    v.push(bad(
        "body_longer_than_the_limit",
        small_bodies,
        good.clone(),
        Vec::new(),
        DecodeError::BodyTooLong { len: 5, max: 4 },
    ));
    let small_raw = raw_config(Prefix::NETWORK)
        .to_builder()
        .max_body_len(2)
        .build()
        .expect("valid");
    v.push(raw(bad(
        "raw_payload_longer_than_the_limit",
        small_raw,
        raw_frame(Prefix::NETWORK, b"abc"),
        Vec::new(),
        DecodeError::BodyTooLong { len: 3, max: 2 },
    )));
    let mut not_utf8 = prefix_bytes(Prefix::NETWORK, 9);
    not_utf8.extend_from_slice(b"{\"a\":\"\xff\"}");
    v.push(bad(
        "header_not_utf8",
        net,
        after_good(&not_utf8),
        before.clone(),
        invalid(HeaderError::NotUtf8 { valid_up_to: 6 }),
    ));
    for (name, json, err) in [
        (
            "header_not_json",
            "hello",
            HeaderError::Syntax {
                offset: 0,
                found: Some(b'h'),
            },
        ),
        (
            "header_trailing_comma",
            r#"{"a":1,}"#,
            HeaderError::Syntax {
                offset: 7,
                found: Some(b'}'),
            },
        ),
        (
            "header_not_an_object",
            "[1,2]",
            HeaderError::NotAnObject {
                found: JsonType::Array,
            },
        ),
        (
            "body_len_negative",
            r#"{"file_size":-5}"#,
            HeaderError::BodyLenNegative { offset: 13 },
        ),
        (
            "body_len_float",
            r#"{"file_size":5.0}"#,
            HeaderError::BodyLenNotInteger { offset: 13 },
        ),
        (
            "body_len_string",
            r#"{"file_size":"5"}"#,
            HeaderError::BodyLenWrongType {
                offset: 13,
                found: JsonType::String,
            },
        ),
        (
            "body_len_bool",
            r#"{"file_size":true}"#,
            HeaderError::BodyLenWrongType {
                offset: 13,
                found: JsonType::Bool,
            },
        ),
        (
            "body_len_null",
            r#"{"file_size":null}"#,
            HeaderError::BodyLenWrongType {
                offset: 13,
                found: JsonType::Null,
            },
        ),
        (
            "body_len_beyond_u64",
            r#"{"file_size":18446744073709551616}"#,
            HeaderError::BodyLenOverflow { offset: 13 },
        ),
        (
            "duplicate_body_key",
            r#"{"file_size":1,"file_size":99}"#,
            HeaderError::DuplicateBodyKey { offset: 15 },
        ),
        (
            "duplicate_body_key_spelled_with_an_escape",
            r#"{"file_size":1,"file\u005fsize":99}"#,
            HeaderError::DuplicateBodyKey { offset: 15 },
        ),
    ] {
        let frame = header_frame(Prefix::NETWORK, json, b"");
        v.push(bad(
            name,
            net,
            after_good(&frame),
            before.clone(),
            invalid(err),
        ));
    }
    let deep = format!(r#"{{"a":{}"#, "[".repeat(unstick::MAX_NESTING));
    v.push(bad(
        "header_nested_too_deep",
        net,
        header_frame(Prefix::NETWORK, &deep, b""),
        Vec::new(),
        invalid(HeaderError::TooDeep {
            offset: 5 + unstick::MAX_NESTING - 1,
            max: unstick::MAX_NESTING,
        }),
    ));
    v.push(bad(
        "input_ends_inside_a_prefix",
        net,
        after_good(&[0, 0]),
        before.clone(),
        DecodeError::TruncatedPrefix { missing: 2 },
    ));
    let frame = header_frame(Prefix::NETWORK, HELLO, b"hello");
    v.push(bad(
        "input_ends_inside_a_header",
        net,
        after_good(&frame[..10]),
        before.clone(),
        DecodeError::TruncatedHeader { missing: 9 },
    ));
    let mut seen = before.clone();
    seen.push(header(HELLO, 5));
    seen.push(Seen::Body(b"he".to_vec()));
    v.push(bad(
        "input_ends_inside_a_body",
        net,
        after_good(&frame[..frame.len() - 3]),
        seen,
        DecodeError::TruncatedBody { missing: 3 },
    ));
    let mut cut_payload = raw_frame(Prefix::NETWORK, b"ok");
    cut_payload.extend_from_slice(&raw_frame(Prefix::NETWORK, b"dir")[..5]);
    let mut seen = raw_events(b"ok");
    seen.push(Seen::RawStart { len: 3 });
    seen.push(Seen::Body(b"d".to_vec()));
    v.push(raw(bad(
        "raw_input_ends_inside_a_payload",
        raw_config(Prefix::NETWORK),
        cut_payload,
        seen,
        DecodeError::TruncatedBody { missing: 2 },
    )));
    v
}

/// A well-formed header frame under `config`.
pub fn good_frame(config: Config, body: &[u8]) -> Vec<u8> {
    header_frame(
        config.prefix(),
        &format!(r#"{{"file_size":{}}}"#, body.len()),
        body,
    )
}

/// One hostile field of the bad-input table: a header frame cut right after
/// the field that makes it wrong.
pub struct HostileField {
    pub name: &'static str,
    pub config: Config,
    /// The frame up to and including the bad field.
    pub bad: Vec<u8>,
    pub error: DecodeError,
}

fn json_case(name: &'static str, json: &str, err: HeaderError) -> HostileField {
    HostileField {
        name,
        config: Config::default(),
        bad: header_frame(Prefix::NETWORK, json, b""),
        error: DecodeError::InvalidHeader(err),
    }
}

/// The bad-input table: every way one field of a header frame can be wrong.
pub fn hostile_fields() -> Vec<HostileField> {
    let wrong = |found| HeaderError::BodyLenWrongType { offset: 13, found };
    let small_bodies = Config::builder().max_body_len(4).build().unwrap();
    let mut not_utf8 = prefix_bytes(Prefix::NETWORK, 9);
    not_utf8.extend_from_slice(b"{\"a\":\"\xff\"}");
    vec![
        HostileField {
            name: "header_length_zero_between_good_frames",
            config: Config::default(),
            bad: vec![0, 0, 0, 0],
            error: DecodeError::HeaderLenZero,
        },
        HostileField {
            name: "header_length_of_4_gib_between_good_frames",
            config: Config::default(),
            bad: vec![0xff; 4],
            error: DecodeError::HeaderTooLong {
                len: u32::MAX as u64,
                max: 256,
            },
        },
        HostileField {
            name: "negative_python_prefix_between_good_frames",
            config: Config::python_struct(),
            bad: (-2i32).to_le_bytes().to_vec(),
            error: DecodeError::NegativeLength { value: -2 },
        },
        HostileField {
            name: "header_body_length_above_the_limit_between_good_frames",
            config: small_bodies,
            bad: header_frame(Prefix::NETWORK, r#"{"file_size":5}"#, b""),
            error: DecodeError::BodyTooLong { len: 5, max: 4 },
        },
        HostileField {
            name: "header_not_utf_8_between_good_frames",
            config: Config::default(),
            bad: not_utf8,
            error: DecodeError::InvalidHeader(HeaderError::NotUtf8 { valid_up_to: 6 }),
        },
        json_case(
            "header_not_json_between_good_frames",
            "file_size=5",
            HeaderError::Syntax {
                offset: 1,
                found: Some(b'i'),
            },
        ),
        json_case(
            "header_cut_short_between_good_frames",
            r#"{"file_size":5"#,
            HeaderError::Syntax {
                offset: 14,
                found: None,
            },
        ),
        json_case(
            "header_not_an_object_between_good_frames",
            r#""hi""#,
            HeaderError::NotAnObject {
                found: JsonType::String,
            },
        ),
        json_case(
            "body_length_negative_between_good_frames",
            r#"{"file_size":-1}"#,
            HeaderError::BodyLenNegative { offset: 13 },
        ),
        json_case(
            "body_length_float_between_good_frames",
            r#"{"file_size":1.5}"#,
            HeaderError::BodyLenNotInteger { offset: 13 },
        ),
        json_case(
            "body_length_exponent_between_good_frames",
            r#"{"file_size":1e9}"#,
            HeaderError::BodyLenNotInteger { offset: 13 },
        ),
        json_case(
            "body_length_string_between_good_frames",
            r#"{"file_size":"9"}"#,
            wrong(JsonType::String),
        ),
        json_case(
            "body_length_bool_between_good_frames",
            r#"{"file_size":false}"#,
            wrong(JsonType::Bool),
        ),
        json_case(
            "body_length_null_between_good_frames",
            r#"{"file_size":null}"#,
            wrong(JsonType::Null),
        ),
        json_case(
            "body_length_array_between_good_frames",
            r#"{"file_size":[9]}"#,
            wrong(JsonType::Array),
        ),
        json_case(
            "body_length_beyond_u64_between_good_frames",
            r#"{"file_size":99999999999999999999}"#,
            HeaderError::BodyLenOverflow { offset: 13 },
        ),
        json_case(
            "duplicate_body_key_between_good_frames",
            r#"{"file_size":0,"file_size":5}"#,
            HeaderError::DuplicateBodyKey { offset: 15 },
        ),
        json_case(
            "nesting_too_deep_between_good_frames",
            &format!(r#"{{"a":{}"#, "[".repeat(unstick::MAX_NESTING)),
            HeaderError::TooDeep {
                offset: 5 + unstick::MAX_NESTING - 1,
                max: unstick::MAX_NESTING,
            },
        ),
    ]
}

/// The bad-input table as vectors: a good frame, the frame cut after its bad
/// field, and a good frame after it that the decoder must leave alone.
pub fn hostile_field_vectors() -> Vec<Vector> {
    hostile_fields()
        .into_iter()
        .map(|field| {
            let good = good_frame(field.config, b"ok");
            let next = good_frame(field.config, b"next");
            let (before, clean) = decode_pieces(Kind::Header, field.config, [&good[..]]);
            assert_eq!(clean, None, "the good frame decodes");
            Vector {
                name: field.name,
                kind: Kind::Header,
                config: field.config,
                input: [good, field.bad, next].concat(),
                reads: Vec::new(),
                expected: before,
                error: Some(field.error),
            }
        })
        .collect()
}

fn with_key(key: &'static str) -> Config {
    Config::builder().body_key(key).build().expect("valid")
}

/// Well-formed headers that exercise JSON escapes, key comparison after
/// unescaping, white space, nesting and the limits at their edge.
pub fn escape_vectors() -> Vec<Vector> {
    let net = Config::default();
    let one = |name, config, json: &str, body: &[u8]| {
        ok(
            name,
            config,
            header_frame(Prefix::NETWORK, json, body),
            header_events(json, body),
        )
    };
    // 256 bytes: as deep as a header of CAPACITY bytes can nest (126 levels).
    let deep = format!(r#"{{"a":{}{}}}"#, "[".repeat(125), "]".repeat(125));
    vec![
        one(
            "body_key_spelled_with_an_escape",
            net,
            r#"{"file\u005fsize": 3}"#,
            b"abc",
        ),
        one(
            "body_key_non_ascii_escaped",
            with_key("总大小"),
            r#"{"\u603b\u5927\u5c0f": 3}"#,
            b"abc",
        ),
        one(
            "body_key_non_ascii_raw_utf8",
            with_key("总大小"),
            "{\"总大小\": 4}",
            b"abcd",
        ),
        one(
            "body_key_surrogate_pair_escape",
            with_key("😀"),
            r#"{"\ud83d\ude00": 2}"#,
            b"ok",
        ),
        one(
            "body_key_configured",
            with_key("len"),
            r#"{"file_size": 99, "len": 2}"#,
            b"ok",
        ),
        one(
            "near_miss_keys_are_other_keys",
            net,
            r#"{"file_siz": 1, "file_sizes": 2, "File_size": 3}"#,
            b"",
        ),
        one(
            "lone_surrogate_and_nul_keys_are_other_keys",
            net,
            r#"{"\ud800": 1, "file_size\u0000": 2, "\udc00file_size": 3}"#,
            b"",
        ),
        one(
            "nested_body_key_is_not_the_body_key",
            net,
            r#"{"cmd": "dir", "nested": {"file_size": 9}, "list": [{"file_size": 8}]}"#,
            b"",
        ),
        one(
            "every_json_value_is_validated_not_interpreted",
            net,
            r#"{"s":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00","n":[-0.5e+3,0,1E2,-0,2e-7],"t":true,"f":false,"z":null,"o":{"a":{"b":[]}},"file_size":2}"#,
            b"ok",
        ),
        one(
            "white_space_around_every_token",
            net,
            " \t\r\n{ \"file_size\" :\n5 ,\t\"a\" : [ 1 , { } ] } \r\n",
            b"hello",
        ),
        one("empty_object_header", net, "{}", b""),
        one(
            "duplicate_other_keys_are_allowed",
            net,
            r#"{"a":1,"a":2,"file_size":0}"#,
            b"",
        ),
        one("deep_nesting_fills_the_header_buffer", net, &deep, b""),
        one(
            "python_escapes_quotes_backslashes_and_controls",
            Config::default(),
            r#"{"file_name": "a \"q\" \\ b\n.txt", "file_size": 0}"#,
            b"",
        ),
        one(
            "nested_objects_with_several_members",
            net,
            r#"{"m":{"a":1,"b":2},"l":[{"x":1,"y":[2,3]},4],"file_size":3}"#,
            b"abc",
        ),
        one(
            "pretty_printed_with_a_control_a_quote_and_a_backslash_in_one_word",
            net,
            "{\n  \"n\": \"a\\\"\",\n  \"file_size\": 5\n}",
            b"hello",
        ),
        one(
            "header_exactly_at_the_limit",
            Config::builder().max_header_len(15).build().expect("valid"),
            HELLO,
            b"hello",
        ),
        one(
            "body_exactly_at_the_limit",
            Config::builder().max_body_len(5).build().expect("valid"),
            HELLO,
            b"hello",
        ),
        one(
            "body_len_after_many_spaces",
            net,
            r#"{"file_size":       1}"#,
            b"z",
        ),
    ]
}

/// Hostile input beyond the bad-input table: the edges of each rule.
pub fn edge_vectors() -> Vec<Vector> {
    let net = Config::default();
    let invalid = DecodeError::InvalidHeader;
    let syntax = |offset, found| invalid(HeaderError::Syntax { offset, found });
    let json = |name, text: &str, err| {
        bad(
            name,
            net,
            header_frame(Prefix::NETWORK, text, b""),
            Vec::new(),
            err,
        )
    };
    let bytes = |name, header: &[u8], err| {
        let mut input = prefix_bytes(Prefix::NETWORK, header.len() as u64);
        input.extend_from_slice(header);
        bad(name, net, input, Vec::new(), err)
    };
    let eight = |sign| Prefix::new(Width::Eight, Endian::Big, sign);
    vec![
        bytes(
            "utf8_bom_before_the_object",
            b"\xef\xbb\xbf{}",
            syntax(0, Some(0xef)),
        ),
        bytes(
            "utf8_encoded_surrogate_is_not_utf8",
            b"{\"a\":\"\xed\xa0\x80\"}",
            invalid(HeaderError::NotUtf8 { valid_up_to: 6 }),
        ),
        bytes(
            "overlong_utf8_is_not_utf8",
            b"{\"a\":\"\xc0\xaf\"}",
            invalid(HeaderError::NotUtf8 { valid_up_to: 6 }),
        ),
        bytes(
            "utf8_cut_at_the_end_of_the_header",
            b"{\"a\":\"\xe7\x94",
            invalid(HeaderError::NotUtf8 { valid_up_to: 6 }),
        ),
        json(
            "body_len_nan",
            r#"{"file_size":NaN}"#,
            syntax(13, Some(b'N')),
        ),
        json(
            "infinity_elsewhere",
            r#"{"a":Infinity,"file_size":1}"#,
            syntax(5, Some(b'I')),
        ),
        json(
            "single_quoted_json",
            "{'file_size': 5}",
            syntax(1, Some(b'\'')),
        ),
        json(
            "body_len_negative_zero",
            r#"{"file_size":-0}"#,
            invalid(HeaderError::BodyLenNegative { offset: 13 }),
        ),
        json(
            "body_len_leading_zero",
            r#"{"file_size":05}"#,
            syntax(14, Some(b'5')),
        ),
        json(
            "body_len_exponent_after_integer",
            r#"{"file_size":5E0}"#,
            invalid(HeaderError::BodyLenNotInteger { offset: 13 }),
        ),
        json(
            "body_len_forty_digits",
            r#"{"file_size":1234567890123456789012345678901234567890}"#,
            invalid(HeaderError::BodyLenOverflow { offset: 13 }),
        ),
        json(
            "body_len_object",
            r#"{"file_size":{"n":5}}"#,
            invalid(HeaderError::BodyLenWrongType {
                offset: 13,
                found: JsonType::Object,
            }),
        ),
        json(
            "body_len_string_left_open",
            r#"{"file_size":"5"#,
            invalid(HeaderError::BodyLenWrongType {
                offset: 13,
                found: JsonType::String,
            }),
        ),
        json(
            "control_character_in_a_string",
            "{\"a\":\"x\u{1}y\"}",
            syntax(7, Some(1)),
        ),
        json("white_space_only", "   ", syntax(3, None)),
        json(
            "top_level_number",
            "42",
            invalid(HeaderError::NotAnObject {
                found: JsonType::Number,
            }),
        ),
        json(
            "top_level_null",
            "null",
            invalid(HeaderError::NotAnObject {
                found: JsonType::Null,
            }),
        ),
        json("top_level_array_left_open", "[1,2", syntax(4, None)),
        json(
            "top_level_array_at_the_nesting_limit",
            &format!(
                "{}{}",
                "[".repeat(unstick::MAX_NESTING),
                "]".repeat(unstick::MAX_NESTING)
            ),
            invalid(HeaderError::NotAnObject {
                found: JsonType::Array,
            }),
        ),
        json(
            "top_level_array_nested_too_deep",
            &"[".repeat(unstick::MAX_NESTING + 1),
            invalid(HeaderError::TooDeep {
                offset: unstick::MAX_NESTING,
                max: unstick::MAX_NESTING,
            }),
        ),
        json(
            "trailing_garbage_after_the_object",
            r#"{"file_size":0} x"#,
            syntax(16, Some(b'x')),
        ),
        json(
            "duplicate_body_key_after_a_valid_one",
            r#"{"file_size":1,"a":[],"file_size":-1}"#,
            invalid(HeaderError::DuplicateBodyKey { offset: 22 }),
        ),
        json(
            "bad_escape_in_a_key",
            r#"{"file\qsize":1}"#,
            syntax(7, Some(b'q')),
        ),
        json(
            "short_unicode_escape",
            r#"{"a":"\u12"}"#,
            syntax(10, Some(b'"')),
        ),
        bad(
            "duplicate_non_ascii_body_key_raw_and_escaped",
            with_key("总大小"),
            header_frame(
                Prefix::NETWORK,
                "{\"总大小\":1,\"\\u603b\\u5927\\u5c0f\":2}",
                b"",
            ),
            Vec::new(),
            invalid(HeaderError::DuplicateBodyKey { offset: 15 }),
        ),
        bad(
            "python_prefix_most_negative",
            Config::python_struct(),
            vec![0, 0, 0, 0x80],
            Vec::new(),
            DecodeError::NegativeLength {
                value: i64::from(i32::MIN),
            },
        ),
        bad(
            "eight_byte_signed_prefix_most_negative",
            Config::builder()
                .prefix(eight(Sign::Signed))
                .build()
                .expect("valid"),
            vec![0x80, 0, 0, 0, 0, 0, 0, 0],
            Vec::new(),
            DecodeError::NegativeLength { value: i64::MIN },
        ),
        bad(
            "eight_byte_header_length_beyond_everything",
            Config::builder()
                .prefix(eight(Sign::Unsigned))
                .build()
                .expect("valid"),
            vec![0xff; 8],
            Vec::new(),
            DecodeError::HeaderTooLong {
                len: u64::MAX,
                max: CAPACITY,
            },
        ),
        bad(
            "python_prefix_cut_after_one_byte",
            Config::python_struct(),
            vec![0x26],
            Vec::new(),
            DecodeError::TruncatedPrefix { missing: 3 },
        ),
    ]
}

/// Lengths of 2^64 - 1 with no body limit: every decoder must hand them out
/// and then report how much is missing. Not in [`vectors`], since the codec
/// transport buffers whole bodies and puts a limit on them; the vector files
/// and the core decoder run them.
pub fn huge_length_vectors() -> Vec<Vector> {
    let max_json = r#"{"file_size":18446744073709551615}"#;
    let eight = Prefix::new(Width::Eight, Endian::Big, Sign::Unsigned);
    vec![
        bad(
            "body_len_u64_max_then_the_input_ends",
            Config::default(),
            header_frame(Prefix::NETWORK, max_json, b"ab"),
            vec![header(max_json, u64::MAX), Seen::Body(b"ab".to_vec())],
            DecodeError::TruncatedBody {
                missing: u64::MAX - 2,
            },
        ),
        raw(bad(
            "raw_payload_u64_max_then_the_input_ends",
            raw_config(eight),
            prefix_bytes(eight, u64::MAX),
            vec![Seen::RawStart { len: u64::MAX }],
            DecodeError::TruncatedBody { missing: u64::MAX },
        )),
    ]
}

/// All vectors: the well-formed ones, the hostile ones, the bad-input table,
/// escapes and edges.
pub fn vectors() -> Vec<Vector> {
    let mut all = good_vectors();
    all.extend(bad_vectors());
    all.extend(hostile_field_vectors());
    all.extend(escape_vectors());
    all.extend(edge_vectors());
    all
}

/// The decode error inside an `io::Error` from a std or tokio adapter,
/// checking the kind the adapters promise (`UnexpectedEof` for truncation,
/// `InvalidData` otherwise) and that the message is the error's own.
pub fn io_decode_error(err: &std::io::Error) -> DecodeError {
    let inner = *err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<DecodeError>())
        .unwrap_or_else(|| panic!("not a decode error: {err:?}"));
    let truncated = matches!(
        inner,
        DecodeError::TruncatedPrefix { .. }
            | DecodeError::TruncatedHeader { .. }
            | DecodeError::TruncatedBody { .. }
    );
    let kind = if truncated {
        std::io::ErrorKind::UnexpectedEof
    } else {
        std::io::ErrorKind::InvalidData
    };
    assert_eq!(err.kind(), kind, "{inner}");
    assert_eq!(err.to_string(), inner.to_string());
    inner
}

/// Polls `future` until it is ready, with a waker that does nothing: for
/// transports that are always ready or wake their task at once.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}
