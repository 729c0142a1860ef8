//! Writes the checked-in seed corpora, `fuzz/seeds/<target>/`, from the
//! conformance vectors of `tests/common` (the tutorial's scenarios, the
//! Python client's frames, every prefix format, every error):
//!
//! ```text
//! cargo run --manifest-path fuzz/Cargo.toml --example make_seeds
//! ```
//!
//! The output is the same on every run; each structured seed is read back
//! through `arbitrary` and compared with what was meant before it is written.

#[path = "../../tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use common::{CAPACITY, Seen as Expected, Vector};
use unstick::{DecodeError, Decoder, Event};
use unstick_fuzz::inputs::{Calls, Frame, HeaderSpec, Op, Roundtrip};
use unstick_fuzz::json::{Blob, Scalar, Text, Value};
use unstick_fuzz::{ConfigBytes, Input, Kind};

/// Seeds above this size would raise libFuzzer's default input size.
const MAX_SEED: usize = 4096;

const TARGETS: [&str; 5] = [
    "decode",
    "split_differential",
    "roundtrip",
    "encode",
    "header",
];

/// Inputs that once failed a target's own checks (the harness was wrong,
/// or, for the surrogate escapes, serde-json-core cannot unescape them: see
/// `unstick_fuzz::json::check_escapes`), kept as seeds so the paths they
/// took stay covered.
const REGRESSIONS: [(&str, &[u8]); 7] = [
    (
        "decode/regression.header_len_zero_in_a_one_byte_prefix",
        &[0x00, 0x00, 0x5d, 0x00, 0x00, 0xff],
    ),
    (
        "split_differential/regression.header_len_zero_in_a_one_byte_prefix",
        &[0x00, 0x00, 0x00, 0x00, 0x00],
    ),
    (
        "roundtrip/regression.extra_member_named_like_the_body_key",
        b"\x00\x31\x2b\x09\x89\x09file_size\x09\x00\x00\x31\x2b\x09\x89\x09file_\x00\x02",
    ),
    (
        "encode/regression.frame_call_puts_its_body_on_the_wire_once",
        b"\x02\x00\x00\x01\x25\x49\x92\x24\x00\x01\x00\x00\x00\x00\x56\x55\x55\x55\x05\x00\x00\x00\x00\x00\x00\x00\x00\x05\xe8\x03\x00",
    ),
    (
        "header/regression.lone_surrogate_key.json",
        br#"{"\ud83d_size":1,"\tfile\u005fsize":99}"#,
    ),
    (
        "header/regression.surrogate_pair_escape_first.json",
        br#"{"file_name":"\ud83d\ude00.txt","file_size":0}"#,
    ),
    (
        "header/regression.surrogate_pair_escape_later.json",
        br#"{"file_name":"x\ud83d\ude00","file_size":0}"#,
    ),
];

fn main() -> std::io::Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut seeds: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut headers: BTreeMap<Vec<u8>, String> = BTreeMap::new();
    for vector in common::vectors() {
        if vector.input.len() > MAX_SEED {
            continue;
        }
        let Some(config) = ConfigBytes::for_config(kind_of(&vector), &vector.config) else {
            panic!(
                "{}: the fuzz config bytes cannot express its config",
                vector.name
            );
        };
        byte_seeds(&vector, config, &mut seeds);
        for (i, json) in headers_of(&vector).into_iter().enumerate() {
            headers
                .entry(json)
                .or_insert(format!("{}.{i}.json", vector.name));
        }
        if vector.error.is_none() {
            structured_seeds(&vector, config, &mut seeds);
        }
    }
    for (json, name) in headers {
        seeds.insert(format!("header/{name}"), json);
    }
    for (path, bytes) in REGRESSIONS {
        seeds.insert(path.to_owned(), bytes.to_vec());
    }
    for target in TARGETS {
        let dir = root.join(target);
        if dir.exists() {
            fs::remove_dir_all(&dir)?;
        }
        fs::create_dir_all(&dir)?;
    }
    for (path, bytes) in &seeds {
        fs::write(root.join(path), bytes)?;
    }
    println!("wrote {} seeds under {}", seeds.len(), root.display());
    Ok(())
}

/// The fuzz setup's kind of the vector's frames.
fn kind_of(vector: &Vector) -> Kind {
    match vector.kind {
        common::Kind::Header => Kind::Header,
        common::Kind::Raw => Kind::Raw,
    }
}

/// `decode` and `split_differential`: the vector fed whole, a byte at a
/// time and in its scenario's reads.
fn byte_seeds(vector: &Vector, config: ConfigBytes, seeds: &mut BTreeMap<String, Vec<u8>>) {
    let reads: Vec<u8> = vector
        .reads
        .iter()
        .map(|&r| u8::try_from(r).expect("small reads"))
        .collect();
    let mut ways = vec![("whole", Vec::new()), ("bytewise", vec![1])];
    if !reads.is_empty() {
        ways.push(("reads", reads));
    }
    for (how, sizes) in ways {
        let input = Input {
            config,
            sizes: &sizes,
            stream: &vector.input,
        };
        for target in ["decode", "split_differential"] {
            seeds.insert(format!("{target}/{}.{how}", vector.name), input.to_bytes());
        }
    }
}

/// Every header in the vector's input, the one that fails included.
fn headers_of(vector: &Vector) -> Vec<Vec<u8>> {
    if vector.kind != common::Kind::Header {
        return Vec::new();
    }
    let width = vector.config.prefix().size();
    let mut decoder = Decoder::<CAPACITY>::new(vector.config).expect("vector configs are valid");
    let mut input = &vector.input[..];
    let mut frame_start = 0;
    let mut found = Vec::new();
    loop {
        let result = decoder.decode(&mut input);
        let pos = vector.input.len() - input.len();
        match result {
            Ok(Some(Event::Header(header))) => found.push(header.as_bytes().to_vec()),
            Ok(Some(Event::FrameEnd)) => frame_start = pos,
            Ok(Some(_)) => {}
            Err(DecodeError::InvalidHeader(_)) => {
                found.push(vector.input[frame_start + width..pos].to_vec());
                return found;
            }
            Ok(None) | Err(_) => return found,
        }
    }
}

/// `roundtrip` and `encode`: the vector's frames, re-encoded.
fn structured_seeds(vector: &Vector, config: ConfigBytes, seeds: &mut BTreeMap<String, Vec<u8>>) {
    let key = vector.config.body_key();
    let frames = frames_of(&vector.expected, key);
    for (how, whole, chunks, splits) in [
        ("whole", true, vec![], vec![]),
        ("chunked", false, vec![3], vec![1]),
    ] {
        let input = Roundtrip {
            config,
            frames: frames
                .iter()
                .map(|frame| Frame {
                    whole,
                    chunks: chunks.clone(),
                    ..frame.clone()
                })
                .collect(),
            splits,
        };
        let bytes = checked(input.to_bytes(), &input);
        seeds.insert(format!("roundtrip/{}.{how}", vector.name), bytes);
    }
    let calls = Calls {
        config,
        ops: frames
            .iter()
            .flat_map(|frame| ops_of(frame, kind_of(vector)))
            .collect(),
    };
    let bytes = checked(calls.to_bytes(), &calls);
    seeds.insert(format!("encode/{}.calls", vector.name), bytes);
}

/// Reads `bytes` back through `arbitrary` and checks they mean `meant`.
fn checked<'a, T: Arbitrary<'a> + PartialEq + std::fmt::Debug>(
    bytes: Vec<u8>,
    meant: &T,
) -> Vec<u8> {
    let leaked: &'a [u8] = Box::leak(bytes.into_boxed_slice());
    let read = T::arbitrary_take_rest(Unstructured::new(leaked)).expect("seed bytes read back");
    assert_eq!(&read, meant, "seed bytes read back as something else");
    leaked.to_vec()
}

/// The frames of a vector's events: header members (the body key left
/// out, it is put back with the body's length) and bodies.
fn frames_of(expected: &[Expected], key: &str) -> Vec<Frame> {
    let mut frames = Vec::new();
    for event in expected {
        match event {
            Expected::Header { json, .. } => frames.push(Frame {
                extra: members(json, key),
                at: 0,
                body: Blob(Vec::new()),
                whole: true,
                chunks: Vec::new(),
            }),
            Expected::RawStart { .. } => frames.push(Frame {
                extra: Vec::new(),
                at: 0,
                body: Blob(Vec::new()),
                whole: true,
                chunks: Vec::new(),
            }),
            Expected::Body(bytes) => {
                let frame = frames.last_mut().expect("a body follows its frame's start");
                frame.body = Blob(bytes.clone());
            }
            Expected::FrameEnd => {}
        }
    }
    frames
}

/// The members of `json` but `key`, as far as they are scalars or flat.
fn members(json: &str, key: &str) -> Vec<(Text, Value)> {
    let value: serde_json::Value = serde_json::from_str(json).expect("vector headers are JSON");
    let object = value.as_object().expect("vector headers are objects");
    object
        .iter()
        .filter(|(name, _)| name.as_str() != key)
        .filter_map(|(name, value)| Some((Text(name.clone()), convert(value)?)))
        .collect()
}

fn convert(value: &serde_json::Value) -> Option<Value> {
    match value {
        serde_json::Value::Array(items) => items
            .iter()
            .map(scalar)
            .collect::<Option<_>>()
            .map(Value::List),
        serde_json::Value::Object(members) => members
            .iter()
            .map(|(name, value)| Some((Text(name.clone()), scalar(value)?)))
            .collect::<Option<_>>()
            .map(Value::Object),
        scalar_value => scalar(scalar_value).map(Value::Scalar),
    }
}

fn scalar(value: &serde_json::Value) -> Option<Scalar> {
    Some(match value {
        serde_json::Value::Null => Scalar::Null,
        serde_json::Value::Bool(b) => Scalar::Bool(*b),
        serde_json::Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Scalar::U64(u),
            (None, Some(i), _) => Scalar::I64(i),
            (None, None, Some(x)) => Scalar::F64(x),
            (None, None, None) => return None,
        },
        serde_json::Value::String(s) => Scalar::Str(Text(s.clone())),
        _ => return None,
    })
}

/// The encoder calls that send `frame`: whole when the body fits a `u8`
/// length, else header (or raw prefix), body chunks and `end_frame`.
fn ops_of(frame: &Frame, kind: Kind) -> Vec<Op> {
    let body = &frame.body.0;
    let len = body.len() as u64;
    let header = HeaderSpec {
        extra: frame.extra.clone(),
        body: Some(Value::Scalar(Scalar::U64(len))),
        at: frame.at,
    };
    let out = 1000;
    if let Ok(small) = u8::try_from(body.len()) {
        return vec![match kind {
            Kind::Header => Op::Frame {
                header,
                body: small,
                out,
            },
            Kind::Raw => Op::RawFrame { len: small, out },
        }];
    }
    let mut ops = vec![match kind {
        Kind::Header => Op::Header { header, out },
        Kind::Raw => Op::Raw { len, out: 8 },
    }];
    ops.extend(body.chunks(255).map(|chunk| Op::Body {
        len: chunk.len() as u8,
    }));
    ops.push(Op::EndFrame);
    ops
}
