//! The language-neutral test vectors in `vectors/` (format: `vectors/README.md`).
//!
//! They are generated from the Rust vector set in `tests/common`: this test
//! fails when a file differs from what the vectors say today, and
//! `UNSTICK_BLESS=1 cargo test --test vectors` rewrites them. A second test
//! reads the files back and decodes every vector from its JSON with the Rust
//! decoder, so the files are proven, not just written.

mod common;

use std::fs;
use std::path::PathBuf;
use std::sync::Once;

use common::{CAPACITY, Kind, Seen, Vector, decode_pieces, huge_length_vectors, vectors};
use serde::Serialize;
use serde_json::{Map, Value, json};
use unstick::{
    Config, DecodeError, Decoder, Endian, HeaderError, JsonType, Prefix, RawDecoder, Sign, Width,
};

/// What a vector file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Set {
    /// The vectors of tests/common that end cleanly.
    WellFormed,
    /// The vectors of tests/common that end with an error.
    Hostile,
    /// Seeded mutations of the short vectors, their outcome the Rust decoder's.
    Mutations,
}

/// The vector files.
const FILES: [(&str, Set); 3] = [
    ("well_formed.json", Set::WellFormed),
    ("hostile.json", Set::Hostile),
    ("mutations.json", Set::Mutations),
];

/// Mutations per vector, and the longest input that gets them.
const MUTATIONS: usize = 2;
const MUTATED_MAX_LEN: usize = 512;

/// Byte strings longer than this are written as runs when they repeat.
const LONG: usize = 1 << 16;

fn vector_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("vectors")
        .join(file)
}

/// With `UNSTICK_BLESS` set, writes the files once, before either test reads them.
fn bless_if_asked() {
    static BLESS: Once = Once::new();
    BLESS.call_once(|| {
        if std::env::var_os("UNSTICK_BLESS").is_some() {
            for (file, set) in FILES {
                fs::write(vector_path(file), render(set)).expect("vectors/ is writable");
            }
        }
    });
}

#[test]
fn vector_files_are_up_to_date() {
    bless_if_asked();
    for (file, set) in FILES {
        let text = render(set);
        let path = vector_path(file);
        let current = fs::read_to_string(&path).unwrap_or_default();
        assert!(
            current == text,
            "vectors/{file} is stale: run `UNSTICK_BLESS=1 cargo test --test vectors`"
        );
    }
}

#[test]
fn rust_decoder_passes_every_vector_file() {
    bless_if_asked();
    let mut count = 0;
    for (file, _) in FILES {
        let text = fs::read_to_string(vector_path(file)).expect("vector file exists");
        let doc: Value = serde_json::from_str(&text).expect("vector file is JSON");
        for vector in doc["vectors"].as_array().expect("a vectors array") {
            check_from_file(vector);
            count += 1;
        }
    }
    let expected = all_vectors().len() + mutations(&all_vectors()).len();
    assert_eq!(count, expected, "every vector is in a file");
}

/// Every vector of tests/common, including those only the core decoder runs.
fn all_vectors() -> Vec<Vector> {
    let mut all = vectors();
    all.extend(huge_length_vectors());
    all
}

/// One vector file as text: a header, then the vectors of its set.
fn render(set: Set) -> String {
    let all = match set {
        Set::Mutations => mutations(&all_vectors()),
        Set::WellFormed | Set::Hostile => all_vectors(),
    };
    let list: Vec<FileVector<'_>> = all
        .iter()
        .filter(|v| match set {
            Set::WellFormed => v.error.is_none(),
            Set::Hostile => v.error.is_some(),
            Set::Mutations => true,
        })
        .map(vector_json)
        .collect();
    let doc = VectorFile {
        format: "unstick test vectors 1",
        wire_format: "unstick wire format 1 (SPEC.md)",
        generated_by: "tests/vectors.rs from tests/common/mod.rs; regenerate with UNSTICK_BLESS=1 cargo test --test vectors",
        vectors: list,
    };
    let mut text = serde_json::to_string_pretty(&doc).expect("serializes");
    text.push('\n');
    text
}

/// A vector file, its keys in this order.
#[derive(Serialize)]
struct VectorFile<'a> {
    format: &'static str,
    wire_format: &'static str,
    generated_by: &'static str,
    vectors: Vec<FileVector<'a>>,
}

/// One vector as written, its keys in this order.
#[derive(Serialize)]
struct FileVector<'a> {
    name: &'static str,
    config: FileConfig,
    input: Value,
    reads: Vec<usize>,
    events: Vec<FileEvent<'a>>,
    error: Option<FileError>,
    consumed: usize,
    finish: Option<FileError>,
}

/// One event as written.
#[derive(Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
enum FileEvent<'a> {
    Header { json: &'a str, body_len: u64 },
    Start { len: u64 },
    Body { bytes: Value },
    FrameEnd,
}

/// One error as written: name, group, the fields that carry the numbers, message.
#[derive(Serialize)]
struct FileError {
    name: &'static str,
    invalid_header: bool,
    #[serde(flatten)]
    fields: Map<String, Value>,
    message: String,
}

/// `MUTATIONS` seeded mutations of every short vector: a byte replaced, set
/// to a JSON-significant value, deleted or inserted, or the input cut. What
/// they decode to is what the Rust decoder says, so every other
/// implementation is compared with it on inputs nobody wrote by hand.
fn mutations(vectors: &[Vector]) -> Vec<Vector> {
    let mut rng = XorShift(0x756e_7374_6963_6b31);
    let mut out = Vec::new();
    for vector in vectors.iter().filter(|v| v.input.len() <= MUTATED_MAX_LEN) {
        for round in 0..MUTATIONS {
            let input = mutate(&vector.input, &mut rng);
            let (expected, error) = decode_pieces(vector.kind, vector.config, [&input[..]]);
            let name = format!("{}_mutation_{round}", vector.name);
            out.push(Vector {
                name: Box::leak(name.into_boxed_str()),
                input,
                reads: Vec::new(),
                expected,
                error,
                ..vector.clone()
            });
        }
    }
    out
}

fn mutate(input: &[u8], rng: &mut XorShift) -> Vec<u8> {
    const SIGNIFICANT: [u8; 12] = [
        0x00, 0xff, 0x80, b'"', b'\\', b'{', b'}', b'[', b'-', b'.', b'e', b'0',
    ];
    let mut bytes = input.to_vec();
    let at = rng.below(bytes.len() + 1);
    match (rng.below(5), at < bytes.len()) {
        (0, true) => bytes[at] = rng.below(256) as u8,
        (1, true) => bytes[at] = SIGNIFICANT[rng.below(SIGNIFICANT.len())],
        (2, true) => {
            bytes.remove(at);
        }
        (3, _) => bytes.insert(at, SIGNIFICANT[rng.below(SIGNIFICANT.len())]),
        _ => bytes.truncate(at),
    }
    bytes
}

/// A small deterministic generator (xorshift64), so the file never changes
/// unless the vectors do.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn vector_json(vector: &Vector) -> FileVector<'_> {
    let (feed_error, finish_error) = match vector.error {
        Some(err) if is_truncation(err) => (None, Some(err)),
        Some(err) => (Some(err), Some(err)),
        None => (None, None),
    };
    FileVector {
        name: vector.name,
        config: config_json(vector.kind, vector.config),
        input: bytes_json(&vector.input),
        reads: vector.reads.clone(),
        events: vector.expected.iter().map(file_event).collect(),
        error: feed_error.map(file_error),
        consumed: consumed(vector.kind, vector.config, &vector.input),
        finish: finish_error.map(file_error),
    }
}

fn is_truncation(err: DecodeError) -> bool {
    matches!(
        err,
        DecodeError::TruncatedPrefix { .. }
            | DecodeError::TruncatedHeader { .. }
            | DecodeError::TruncatedBody { .. }
    )
}

/// How many input bytes the decoder has used when it stops (fed whole).
fn consumed(kind: Kind, config: Config, input: &[u8]) -> usize {
    let mut rest = input;
    match kind {
        Kind::Header => {
            let mut decoder = Decoder::<CAPACITY>::new(config).expect("valid");
            while let Ok(Some(_)) = decoder.decode(&mut rest) {}
        }
        Kind::Raw => {
            let mut decoder = RawDecoder::new(config);
            while let Ok(Some(_)) = decoder.decode(&mut rest) {}
        }
    }
    input.len() - rest.len()
}

/// A configuration as written, its keys in this order.
#[derive(Serialize)]
struct FileConfig {
    prefix: FilePrefix,
    frame: &'static str,
    body_key: Option<&'static str>,
    max_header_len: Option<usize>,
    max_body_len: Option<u64>,
}

#[derive(Serialize)]
struct FilePrefix {
    width: usize,
    endian: &'static str,
    sign: &'static str,
}

fn config_json(kind: Kind, config: Config) -> FileConfig {
    let prefix = config.prefix();
    let header = kind == Kind::Header;
    let max_body = config.max_body_len();
    FileConfig {
        prefix: FilePrefix {
            width: prefix.width().bytes(),
            endian: match prefix.endian() {
                Endian::Big => "big",
                Endian::Little => "little",
            },
            sign: match prefix.sign() {
                Sign::Signed => "signed",
                Sign::Unsigned => "unsigned",
            },
        },
        frame: if header { "header" } else { "raw" },
        body_key: header.then(|| config.body_key()),
        max_header_len: header.then(|| config.max_header_len().unwrap_or(CAPACITY)),
        max_body_len: (max_body != u64::MAX).then_some(max_body),
    }
}

fn seen_json(seen: &Seen) -> Value {
    serde_json::to_value(file_event(seen)).expect("serializes")
}

fn file_event(seen: &Seen) -> FileEvent<'_> {
    match seen {
        Seen::Header { json, body_len } => FileEvent::Header {
            json,
            body_len: *body_len,
        },
        Seen::RawStart { len } => FileEvent::Start { len: *len },
        Seen::Body(bytes) => FileEvent::Body {
            bytes: bytes_json(bytes),
        },
        Seen::FrameEnd => FileEvent::FrameEnd,
    }
}

fn error_json(err: DecodeError) -> Value {
    serde_json::to_value(file_error(err)).expect("serializes")
}

fn file_error(err: DecodeError) -> FileError {
    let (name, fields): (&str, Vec<(&str, Value)>) = match err {
        DecodeError::HeaderLenZero => ("HeaderLenZero", vec![]),
        DecodeError::HeaderTooLong { len, max } => (
            "HeaderTooLong",
            vec![("len", json!(len)), ("max", json!(max))],
        ),
        DecodeError::NegativeLength { value } => ("NegativeLength", vec![("value", json!(value))]),
        DecodeError::BodyTooLong { len, max } => (
            "BodyTooLong",
            vec![("len", json!(len)), ("max", json!(max))],
        ),
        DecodeError::InvalidHeader(inner) => header_error_fields(inner),
        DecodeError::TruncatedPrefix { missing } => {
            ("TruncatedPrefix", vec![("missing", json!(missing))])
        }
        DecodeError::TruncatedHeader { missing } => {
            ("TruncatedHeader", vec![("missing", json!(missing))])
        }
        DecodeError::TruncatedBody { missing } => {
            ("TruncatedBody", vec![("missing", json!(missing))])
        }
        other => panic!("no spec name for {other:?}"),
    };
    FileError {
        name,
        invalid_header: matches!(err, DecodeError::InvalidHeader(_)),
        fields: fields
            .into_iter()
            .map(|(key, value)| (key.to_owned(), value))
            .collect(),
        message: err.to_string(),
    }
}

fn header_error_fields(err: HeaderError) -> (&'static str, Vec<(&'static str, Value)>) {
    match err {
        HeaderError::NotUtf8 { valid_up_to } => {
            ("NotUtf8", vec![("valid_up_to", json!(valid_up_to))])
        }
        HeaderError::Syntax { offset, found } => (
            "Syntax",
            vec![("offset", json!(offset)), ("found", json!(found))],
        ),
        HeaderError::TooDeep { offset, max } => (
            "TooDeep",
            vec![("offset", json!(offset)), ("max", json!(max))],
        ),
        HeaderError::NotAnObject { found } => {
            ("NotAnObject", vec![("found", json!(type_name(found)))])
        }
        HeaderError::DuplicateBodyKey { offset } => {
            ("DuplicateBodyKey", vec![("offset", json!(offset))])
        }
        HeaderError::BodyLenNegative { offset } => {
            ("BodyLenNegative", vec![("offset", json!(offset))])
        }
        HeaderError::BodyLenNotInteger { offset } => {
            ("BodyLenNotInteger", vec![("offset", json!(offset))])
        }
        HeaderError::BodyLenOverflow { offset } => {
            ("BodyLenOverflow", vec![("offset", json!(offset))])
        }
        HeaderError::BodyLenWrongType { offset, found } => (
            "BodyLenWrongType",
            vec![
                ("offset", json!(offset)),
                ("found", json!(type_name(found))),
            ],
        ),
        other => panic!("no spec name for {other:?}"),
    }
}

fn type_name(found: JsonType) -> &'static str {
    match found {
        JsonType::Object => "object",
        JsonType::Array => "array",
        JsonType::String => "string",
        JsonType::Number => "number",
        JsonType::Bool => "bool",
        JsonType::Null => "null",
    }
}

/// A byte string: hex text, or for long repetitive data a list of runs
/// `{"hex": ..., "repeat": n}` to concatenate.
fn bytes_json(bytes: &[u8]) -> Value {
    if bytes.len() <= LONG {
        return json!(hex(bytes));
    }
    let runs: Vec<Value> = runs(bytes)
        .into_iter()
        .map(|(piece, repeat)| json!({ "hex": hex(piece), "repeat": repeat }))
        .collect();
    json!(runs)
}

/// Splits `bytes` into (piece, repeat) runs: a piece of up to 4096 bytes
/// repeated at least twice when that covers 1024 bytes or more, literal
/// stretches otherwise.
fn runs(bytes: &[u8]) -> Vec<(&[u8], usize)> {
    let mut out = Vec::new();
    let (mut literal, mut at) = (0, 0);
    while at < bytes.len() {
        match period_at(bytes, at) {
            Some((period, repeat)) => {
                if literal < at {
                    out.push((&bytes[literal..at], 1));
                }
                out.push((&bytes[at..at + period], repeat));
                at += period * repeat;
                literal = at;
            }
            None => at += 1,
        }
    }
    if literal < bytes.len() {
        out.push((&bytes[literal..], 1));
    }
    out
}

fn period_at(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    const PROBE: usize = 64;
    let window = bytes.get(at..at + PROBE)?;
    let period = (1..=4096).find(|&p| bytes.get(at + p..at + p + PROBE) == Some(window))?;
    let piece = &bytes[at..at + period];
    let repeat = bytes[at..]
        .chunks_exact(period)
        .take_while(|chunk| *chunk == piece)
        .count();
    (repeat >= 2 && period * repeat >= 1024).then_some((period, repeat))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

// ---- reading the files back ----

fn check_from_file(vector: &Value) {
    let name = vector["name"].as_str().expect("a name");
    let (kind, config) = config_from_json(&vector["config"]);
    let input = bytes_from_json(&vector["input"]);
    let reads: Vec<usize> = serde_json::from_value(vector["reads"].clone()).expect("reads");
    let mut pieces = Vec::new();
    let mut rest = &input[..];
    for size in reads {
        let (piece, tail) = rest.split_at(size.min(rest.len()));
        pieces.push(piece);
        rest = tail;
    }
    pieces.push(rest);
    let (seen, error) = decode_pieces(kind, config, pieces);
    let events: Vec<Value> = seen.iter().map(seen_json).collect();
    let expected_events: Vec<Value> = vector["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(normalize_event)
        .collect();
    assert!(events == expected_events, "{name}: events differ");
    let expected_error = match (&vector["error"], &vector["finish"]) {
        (Value::Null, Value::Null) => Value::Null,
        (Value::Null, finish) => finish.clone(),
        (error, finish) => {
            assert_eq!(error, finish, "{name}: finish repeats the error");
            error.clone()
        }
    };
    assert_eq!(
        error.map(error_json).unwrap_or(Value::Null),
        expected_error,
        "{name}"
    );
    assert_eq!(
        vector["consumed"].as_u64(),
        Some(consumed(kind, config, &input) as u64),
        "{name}: consumed"
    );
}

/// Body events as decoded bytes in hex, whatever form the file uses.
fn normalize_event(event: &Value) -> Value {
    match event.get("bytes") {
        Some(bytes) => json!({ "event": "body", "bytes": bytes_json(&bytes_from_json(bytes)) }),
        None => event.clone(),
    }
}

fn config_from_json(config: &Value) -> (Kind, Config) {
    let prefix = &config["prefix"];
    let width = match prefix["width"].as_u64() {
        Some(1) => Width::One,
        Some(2) => Width::Two,
        Some(4) => Width::Four,
        Some(8) => Width::Eight,
        other => panic!("prefix width {other:?}"),
    };
    let endian = match prefix["endian"].as_str() {
        Some("big") => Endian::Big,
        Some("little") => Endian::Little,
        other => panic!("endian {other:?}"),
    };
    let sign = match prefix["sign"].as_str() {
        Some("signed") => Sign::Signed,
        Some("unsigned") => Sign::Unsigned,
        other => panic!("sign {other:?}"),
    };
    let mut builder = Config::builder().prefix(Prefix::new(width, endian, sign));
    let mut kind = Kind::Header;
    match config["frame"].as_str() {
        Some("raw") => kind = Kind::Raw,
        Some("header") => {
            let key = config["body_key"].as_str().expect("a body key").to_owned();
            let max = config["max_header_len"].as_u64().expect("a header limit");
            builder = builder
                .body_key(Box::leak(key.into_boxed_str()))
                .max_header_len(u32::try_from(max).expect("a u32 limit"));
        }
        other => panic!("frame kind {other:?}"),
    }
    if let Some(max) = config["max_body_len"].as_u64() {
        builder = builder.max_body_len(max);
    }
    (kind, builder.build().expect("file configs are valid"))
}

fn bytes_from_json(value: &Value) -> Vec<u8> {
    match value {
        Value::String(text) => unhex(text),
        Value::Array(runs) => runs
            .iter()
            .flat_map(|run| {
                let piece = unhex(run["hex"].as_str().expect("hex"));
                let repeat = run["repeat"].as_u64().expect("repeat") as usize;
                piece.repeat(repeat)
            })
            .collect(),
        other => panic!("not a byte string: {other}"),
    }
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digits"))
        .collect()
}
