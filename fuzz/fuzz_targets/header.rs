//! Arbitrary bytes as a JSON header: the crate's verdict agrees with
//! serde_json, and typed parsing of an accepted header (borrowed and
//! unescaped) never panics and reads the same body length. `parse` refuses
//! exactly the headers with an escaped string the type reads
//! ([`check_escapes`]); without any escape it reads what `parse_unescaped`
//! reads. With owned `String` keys (on which serde-json-core alone panics)
//! it reads the keys serde_json reads.
#![no_main]

use std::collections::BTreeMap;

use heapless::String;
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use serde::de::IgnoredAny;
use unstick::{DecodeError, Header, HeaderError, JsonType, ParseError};
use unstick_fuzz::json::{ORACLE_CAPACITY, check_escapes, with_header};

const KEY: &str = "file_size";

#[derive(Debug, PartialEq, Deserialize)]
struct Borrowed<'a> {
    file_size: u64,
    #[serde(default)]
    file_name: Option<&'a str>,
    #[serde(default)]
    offset: Option<i64>,
    #[serde(default)]
    meta: Option<Meta<'a>>,
}

#[derive(Debug, PartialEq, Deserialize)]
struct Meta<'a> {
    #[serde(default)]
    md5: Option<&'a str>,
    #[serde(default)]
    last: Option<bool>,
}

#[derive(Deserialize)]
struct Unescaped {
    file_size: u64,
    #[serde(default)]
    file_name: Option<String<32>>,
    #[serde(default)]
    cmd: Option<String<8>>,
}

fuzz_target!(|data: &[u8]| {
    if data.is_empty() || data.len() > ORACLE_CAPACITY {
        return;
    }
    let reference = serde_json::from_slice::<serde_json::Value>(data);
    with_header(data, KEY, |verdict| match verdict {
        Ok(header) => accepted(&header, data, reference),
        Err(DecodeError::InvalidHeader(err)) => refused(err, reference),
        Err(other) => panic!("a whole header gave {other:?}"),
    });
});

/// serde_json refuses some valid JSON the crate accepts: lone surrogates
/// (`"\ud83d_"`, which RFC 8259 allows and the crate passes through),
/// numbers beyond f64, nesting at its recursion limit.
fn serde_json_may_refuse(err: &serde_json::Error) -> bool {
    let message = err.to_string();
    [
        "surrogate",
        "hex escape",
        "unicode code point",
        "number out of range",
        "recursion limit",
    ]
    .iter()
    .any(|known| message.contains(known))
}

fn accepted(header: &Header<'_>, data: &[u8], reference: serde_json::Result<serde_json::Value>) {
    assert_eq!(header.as_bytes(), data);
    let mut scratch = [0u8; 64];
    let keys = header.parse_unescaped::<BTreeMap<std::string::String, IgnoredAny>>(&mut scratch);
    if let (Ok(keys), Ok(serde_json::Value::Object(object))) = (keys, &reference) {
        assert!(
            keys.keys().eq(object.keys()),
            "owned keys differ from serde_json's"
        );
    }
    match reference {
        Ok(value) => {
            let object = value
                .as_object()
                .expect("accepted a header that is not an object");
            let declared = object.get(KEY).map_or(Some(0), serde_json::Value::as_u64);
            assert_eq!(
                declared,
                Some(header.body_len()),
                "body length differs from serde_json's"
            );
        }
        Err(err) => assert!(
            serde_json_may_refuse(&err),
            "accepted what serde_json refuses: {err}"
        ),
    }
    check_escapes(header);
    let borrowed = header.parse::<Borrowed>();
    let mut scratch = [0u8; 64];
    if data.contains(&b'\\') {
        // A struct reads every string of the header (unknown members too).
        assert!(borrowed.is_err(), "parse borrowed an escaped string");
    } else {
        assert_ne!(borrowed, Err(ParseError::EscapedString));
        assert_eq!(
            borrowed,
            header.parse_unescaped::<Borrowed>(&mut scratch),
            "without escapes, parse and parse_unescaped differ"
        );
    }
    if let Ok(typed) = borrowed {
        assert_eq!(typed.file_size, header.body_len());
    }
    if let Ok(typed) = header.parse_unescaped::<Unescaped>(&mut scratch) {
        assert_eq!(typed.file_size, header.body_len());
        let _ = (typed.file_name, typed.cmd);
    }
}

fn refused(err: HeaderError, reference: serde_json::Result<serde_json::Value>) {
    match (err, reference) {
        (HeaderError::NotUtf8 { .. } | HeaderError::Syntax { .. }, Ok(value)) => {
            panic!("refused {err:?} what serde_json reads as {value}")
        }
        (HeaderError::NotAnObject { found }, Ok(value)) => assert_eq!(found, type_of(&value)),
        (HeaderError::NotAnObject { .. }, Err(err)) => {
            assert!(
                serde_json_may_refuse(&err),
                "found a type in what serde_json refuses: {err}"
            )
        }
        (
            HeaderError::BodyLenNegative { .. }
            | HeaderError::BodyLenNotInteger { .. }
            | HeaderError::BodyLenOverflow { .. }
            | HeaderError::BodyLenWrongType { .. }
            | HeaderError::DuplicateBodyKey { .. },
            Ok(value),
        ) => assert!(
            value.get(KEY).is_some(),
            "a body length error without a body key"
        ),
        _ => {}
    }
}

fn type_of(value: &serde_json::Value) -> JsonType {
    match value {
        serde_json::Value::Null => JsonType::Null,
        serde_json::Value::Bool(_) => JsonType::Bool,
        serde_json::Value::Number(_) => JsonType::Number,
        serde_json::Value::String(_) => JsonType::String,
        serde_json::Value::Array(_) => JsonType::Array,
        serde_json::Value::Object(_) => JsonType::Object,
    }
}
