//! The same header members serialized in the shapes serde-json-core writes
//! differently, for the `encode` target: the encoder's serializer must write
//! serde-json-core's bytes and reach the header check's verdict in each, and
//! refuse (never panic) where serde-json-core would panic or write a name
//! unescaped.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use crate::json::{HeaderMap, Scalar, Value};

/// Struct keys are `&'static str`: members are renamed to one of these.
/// Some need escaping (serde-json-core writes them unescaped, the encoder
/// refuses them), one of those is the body key escaped.
const STRUCT_KEYS: [&str; 7] = [
    "file_size",
    "file_name",
    "size",
    "file\\u005fsize",
    "a\"b",
    "é",
    "",
];

/// How a [`HeaderMap`] is serialized.
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    /// As a map (`serialize_map`, string keys).
    Map(&'a HeaderMap),
    /// As a struct: each key renamed to one of [`STRUCT_KEYS`].
    Struct(&'a HeaderMap),
    /// Inside a newtype variant named `file_size`: `{"file_size":{...}}`.
    Variant(&'a HeaderMap),
    /// As a map whose non-empty strings are `char`s (their first one).
    Chars(&'a HeaderMap),
}

impl<'a> Shape<'a> {
    /// The shape chosen by the top two bits of `choice`.
    pub fn of(choice: u8, map: &'a HeaderMap) -> Self {
        match choice >> 6 {
            0 => Self::Map(map),
            1 => Self::Struct(map),
            2 => Self::Variant(map),
            _ => Self::Chars(map),
        }
    }

    /// Whether serde-json-core would panic on it (it does on every `char`).
    fn panics_serde_json_core(&self) -> bool {
        let Self::Chars(map) = self else {
            return false;
        };
        map.0.iter().any(|(_, value)| match value {
            Value::Scalar(scalar) => is_char(scalar),
            Value::List(items) => items.iter().any(is_char),
            Value::Object(members) => members.iter().any(|(_, scalar)| is_char(scalar)),
        })
    }

    /// Whether the encoder must refuse it as unwritable: serde-json-core
    /// would panic on it, or write a struct key that needs escaping as it
    /// is.
    pub fn unwritable(&self) -> bool {
        self.panics_serde_json_core() || self.has_name_needing_escape()
    }

    fn has_name_needing_escape(&self) -> bool {
        let Self::Struct(map) = self else {
            return false;
        };
        map.0.iter().any(|(key, _)| {
            struct_key(key)
                .bytes()
                .any(|b| b == b'"' || b == b'\\' || b < 0x20)
        })
    }

    /// The bytes serde-json-core writes (only if it does not panic).
    pub fn reference_json(&self) -> Vec<u8> {
        assert!(!self.panics_serde_json_core());
        let mut size = 1024;
        loop {
            let mut json = vec![0u8; size];
            match serde_json_core::to_slice(self, &mut json) {
                Ok(len) => {
                    json.truncate(len);
                    return json;
                }
                Err(serde_json_core::ser::Error::BufferFull) => size *= 4,
                Err(err) => panic!("serde-json-core refused a header: {err:?}"),
            }
        }
    }
}

fn is_char(scalar: &Scalar) -> bool {
    matches!(scalar, Scalar::Str(text) if !text.0.is_empty())
}

fn struct_key(key: &str) -> &'static str {
    STRUCT_KEYS
        .iter()
        .find(|known| **known == key)
        .unwrap_or(&STRUCT_KEYS[key.len() % STRUCT_KEYS.len()])
}

impl Serialize for Shape<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match *self {
            Self::Map(map) => map.serialize(s),
            Self::Struct(map) => {
                let mut st = s.serialize_struct("Header", map.0.len())?;
                for (key, value) in &map.0 {
                    st.serialize_field(struct_key(key), value)?;
                }
                st.end()
            }
            Self::Variant(map) => s.serialize_newtype_variant("Header", 0, "file_size", map),
            Self::Chars(map) => {
                let mut out = s.serialize_map(Some(map.0.len()))?;
                for (key, value) in &map.0 {
                    out.serialize_entry(key, &CharValue(value))?;
                }
                out.end()
            }
        }
    }
}

/// A value whose non-empty strings serialize as their first `char`.
struct CharValue<'a>(&'a Value);

/// A scalar whose non-empty string serializes as its first `char`.
struct CharScalar<'a>(&'a Scalar);

impl Serialize for CharValue<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Scalar(scalar) => CharScalar(scalar).serialize(s),
            Value::List(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&CharScalar(item))?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(&key.0, &CharScalar(value))?;
                }
                map.end()
            }
        }
    }
}

impl Serialize for CharScalar<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Scalar::Str(text) => match text.0.chars().next() {
                Some(first) => s.serialize_char(first),
                None => s.serialize_str(""),
            },
            other => other.serialize(s),
        }
    }
}
