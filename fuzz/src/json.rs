//! Header contents for the structured targets, and a header-check oracle.
//!
//! [`Text`] and [`Blob`] read a length byte and then that many bytes from the
//! front of the fuzz input, so dictionary tokens land in them whole and the
//! seed generator can write them back ([`Text::write`]).

use arbitrary::{Arbitrary, Unstructured};
use serde::Serialize;
use serde::de::IgnoredAny;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use unstick::{
    Config, DecodeError, Decoder, Endian, Event, Header, HeaderError, ParseError, Prefix, Sign,
    Width,
};

/// A string: a length byte, then up to that many bytes, lossily UTF-8.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

/// Bytes: a 16-bit little-endian length, then up to that many bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

impl<'a> Arbitrary<'a> for Text {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = usize::from(u8::arbitrary(u)?);
        let bytes = u.bytes(len.min(u.len()))?;
        Ok(Self(String::from_utf8_lossy(bytes).into_owned()))
    }
}

impl<'a> Arbitrary<'a> for Blob {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = usize::from(u16::arbitrary(u)?);
        Ok(Self(u.bytes(len.min(u.len()))?.to_vec()))
    }
}

impl Text {
    /// Appends the bytes that [`Arbitrary`] reads back as `text`.
    pub fn write(text: &str, out: &mut Vec<u8>) {
        out.push(u8::try_from(text.len()).expect("seed text under 256 bytes"));
        out.extend_from_slice(text.as_bytes());
    }
}

impl Blob {
    /// Appends the bytes that [`Arbitrary`] reads back as `bytes`.
    pub fn write(bytes: &[u8], out: &mut Vec<u8>) {
        let len = u16::try_from(bytes.len()).expect("seed body under 64 KiB");
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(bytes);
    }
}

/// A JSON scalar.
#[derive(Debug, Clone, PartialEq, Arbitrary)]
pub enum Scalar {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// An unsigned integer.
    U64(u64),
    /// A signed integer.
    I64(i64),
    /// A float (non-finite ones serialize as `null`).
    F64(f64),
    /// A string, escaped by the serializer.
    Str(Text),
}

/// A JSON value, at most two levels deep.
#[derive(Debug, Clone, PartialEq, Arbitrary)]
pub enum Value {
    /// A scalar.
    Scalar(Scalar),
    /// An array of scalars.
    List(Vec<Scalar>),
    /// An object of scalars.
    Object(Vec<(Text, Scalar)>),
}

impl Serialize for Scalar {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => s.serialize_none(),
            Self::Bool(b) => s.serialize_bool(*b),
            Self::U64(n) => s.serialize_u64(*n),
            Self::I64(n) => s.serialize_i64(*n),
            Self::F64(x) => s.serialize_f64(*x),
            Self::Str(text) => s.serialize_str(&text.0),
        }
    }
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Scalar(scalar) => scalar.serialize(s),
            Self::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(&key.0, value)?;
                }
                map.end()
            }
        }
    }
}

/// A header: members in order, serialized as one JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderMap(pub Vec<(String, Value)>);

impl HeaderMap {
    /// `extra` members with `key: body` inserted at `at` (modulo the count),
    /// or left out when `body` is `None`.
    pub fn new(extra: &[(Text, Value)], key: &str, body: Option<Value>, at: u8) -> Self {
        let mut members: Vec<(String, Value)> = extra
            .iter()
            .map(|(k, v)| (k.0.clone(), v.clone()))
            .collect();
        if let Some(body) = body {
            let at = usize::from(at) % (members.len() + 1);
            members.insert(at, (key.to_owned(), body));
        }
        Self(members)
    }

    /// How many members are named `key`.
    pub fn count_key(&self, key: &str) -> usize {
        self.0.iter().filter(|(k, _)| k == key).count()
    }
}

impl Serialize for HeaderMap {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl HeaderMap {
    /// The JSON text serde-json-core (the encoder's serializer) writes.
    pub fn to_json(&self) -> Vec<u8> {
        let mut size = 1024;
        loop {
            let mut json = vec![0u8; size];
            match serde_json_core::to_slice(self, &mut json) {
                Ok(len) => {
                    json.truncate(len);
                    return json;
                }
                Err(serde_json_core::ser::Error::BufferFull) => size *= 4,
                Err(err) => panic!("serde-json-core refused a header map: {err:?}"),
            }
        }
    }
}

/// The capacity of the oracle's decoder: headers longer than this get no verdict.
pub const ORACLE_CAPACITY: usize = 8192;

/// The crate's own verdict on `json` as a header with body key `key`: the
/// declared body length, or why it is not a header. Asked of a decoder that
/// reads the JSON behind an 8-byte prefix, with no body limit.
pub fn header_verdict(json: &[u8], key: &'static str) -> Result<u64, HeaderError> {
    let mut verdict = None;
    with_header(json, key, |header| {
        verdict = Some(match header {
            Ok(header) => Ok(header.body_len()),
            Err(DecodeError::InvalidHeader(err)) => Err(err),
            Err(other) => panic!("oracle decoder raised {other:?}"),
        });
    });
    verdict.expect("the oracle decides every non-empty header within its capacity")
}

/// Runs `f` on what the decoder makes of `json` (non-empty, at most
/// [`ORACLE_CAPACITY`] bytes) as one header frame: the header or the error.
pub fn with_header(
    json: &[u8],
    key: &'static str,
    f: impl FnOnce(Result<unstick::Header<'_>, DecodeError>),
) {
    assert!(!json.is_empty() && json.len() <= ORACLE_CAPACITY);
    let config = oracle_config(key);
    let mut decoder = Decoder::<ORACLE_CAPACITY>::new(config).expect("the oracle config is valid");
    let mut frame = (json.len() as u64).to_be_bytes().to_vec();
    frame.extend_from_slice(json);
    let mut input = &frame[..];
    match decoder.decode(&mut input) {
        Ok(Some(Event::Header(header))) => f(Ok(header)),
        Err(err) => f(Err(err)),
        Ok(other) => panic!("a whole header frame gave {other:?}"),
    }
}

fn oracle_config(key: &'static str) -> Config {
    Config::builder()
        .prefix(Prefix::new(Width::Eight, Endian::Big, Sign::Unsigned))
        .body_key(key)
        .build()
        .expect("the body keys are valid")
}

/// Checks `Header::parse`'s refusal of escapes: into a type that reads every
/// string (`IgnoredAny`: keys and values, nested too), `parse` succeeds iff
/// the header holds no backslash (in JSON a backslash only ever starts an
/// escape in a string) and refuses with [`ParseError::EscapedString`]
/// otherwise; `parse_unescaped` with a scratch as long as the header always
/// succeeds.
///
/// One documented exception: serde-json-core 0.7 cannot unescape a
/// `\uD800`-`\uDFFF` escape (a UTF-16 surrogate, half of the pair Python's
/// `json.dumps` writes for every character beyond U+FFFF); a header with one
/// makes `parse_unescaped` fail with exactly
/// [`ParseError::UndecodableEscape`] (`parse` refuses it as any escape).
pub fn check_escapes(header: &Header<'_>) {
    let json = header.as_bytes();
    let parsed = header.parse::<IgnoredAny>();
    let mut scratch = vec![0u8; json.len()];
    let unescaped = header.parse_unescaped::<IgnoredAny>(&mut scratch);
    let text = header.json();
    if json.contains(&b'\\') {
        assert_eq!(parsed, Err(ParseError::EscapedString), "{text:?}");
    } else {
        assert_eq!(parsed, Ok(IgnoredAny), "{text:?}");
    }
    if has_surrogate_escape(json) {
        assert!(
            matches!(unescaped, Ok(_) | Err(ParseError::UndecodableEscape)),
            "{unescaped:?} for {text:?}"
        );
    } else {
        assert_eq!(unescaped, Ok(IgnoredAny), "{text:?}");
    }
}

/// Whether the JSON text `json` holds a `\u` escape of a UTF-16 surrogate.
pub fn has_surrogate_escape(json: &[u8]) -> bool {
    let mut rest = json;
    while let Some(at) = rest.iter().position(|&b| b == b'\\') {
        let escape = &rest[at + 1..];
        if escape.first() == Some(&b'u') {
            let code = escape
                .get(1..5)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u16::from_str_radix(hex, 16).ok());
            if code.is_some_and(|code| (0xd800..=0xdfff).contains(&code)) {
                return true;
            }
        }
        rest = escape.get(1..).unwrap_or_default();
    }
    false
}
