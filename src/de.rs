//! Typed header parses over serde-json-core (the engine), with its errors
//! turned into [`ParseError`]s, and wrapped so that no header type can make
//! it panic.
//!
//! serde-json-core hands a field the raw, still escaped text of a string
//! when it has no scratch buffer. [`parse`] therefore gives it an empty
//! one: escape-free strings still borrow, and the first escaped string fails
//! with "scratch too short", which here means [`ParseError::EscapedString`].
//! (serde-json-core unescapes the strings it skips too, so an escape in a
//! member the type ignores is refused as well.) When the header holds no
//! backslash at all, `parse` gives no scratch buffer: the engine then reads
//! the same and does not look for escapes in every string.
//!
//! serde-json-core reads a map key through a deserializer of its own that
//! panics (`unreachable!`) on every request but a borrowed string, an
//! identifier or an ignored value: an owned `String` key (`BTreeMap<String,
//! _>`), an integer key, an `Option` key. The wrapper here forwards every
//! request to the engine unchanged and wraps everything the engine hands back
//! (the deserializers of elements, values, options, newtypes, enum variants),
//! so that every map key, at any depth, is read through [`Key`]: it asks the
//! engine for a string and gives the key's visitor that string, which an
//! owned `String` (or a `char`, an `Option`, a unit enum variant) accepts and
//! an integer refuses with an error. The wrapper is thin: every method
//! forwards and inlines away.

use core::fmt;

use serde::de::value::{BorrowedStrDeserializer, StrDeserializer};
use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde_json_core::de::{Deserializer as Engine, Error as JsonError};

use crate::error::ParseError;
use crate::header::has_backslash;

/// Parses `json` into `T`, borrowing strings; refuses escaped strings.
pub(crate) fn parse<'a, T: Deserialize<'a>>(json: &'a [u8]) -> Result<T, ParseError> {
    let scratch: Option<&mut [u8]> = if has_backslash(json) {
        Some(&mut [])
    } else {
        None
    };
    match read(Engine::new(json, scratch)) {
        Ok(value) => Ok(value),
        Err(JsonError::EscapedStringIsTooLong) => Err(ParseError::EscapedString),
        Err(err) => match parse_error(err) {
            // `parse` refuses every escape, the undecodable ones too.
            ParseError::UndecodableEscape => Err(ParseError::EscapedString),
            err => Err(err),
        },
    }
}

/// Parses `json` into `T`, decoding escaped strings through `scratch`.
pub(crate) fn parse_unescaped<'a, T: Deserialize<'a>>(
    json: &'a [u8],
    scratch: &mut [u8],
) -> Result<T, ParseError> {
    read(Engine::new(json, Some(scratch))).map_err(parse_error)
}

/// Reads a `T` through the wrapper, then the end of the input.
fn read<'a, T: Deserialize<'a>>(mut engine: Engine<'a, '_>) -> Result<T, JsonError> {
    let value = T::deserialize(Safe(&mut engine))?;
    engine.end()?;
    Ok(value)
}

/// What a serde-json-core error means for a header the decoder has
/// already checked to be valid JSON.
fn parse_error(err: JsonError) -> ParseError {
    match err {
        JsonError::InvalidType => ParseError::WrongType,
        JsonError::InvalidNumber => ParseError::NumberOutOfRange,
        JsonError::CustomError => ParseError::Rejected,
        JsonError::AnyIsUnsupported | JsonError::BytesIsUnsupported => ParseError::Unsupported,
        JsonError::EscapedStringIsTooLong => ParseError::ScratchTooSmall,
        // The decoder checked every escape against RFC 8259: what the engine
        // cannot decode is a `\uD800`-`\uDFFF` surrogate escape.
        JsonError::InvalidEscapeSequence | JsonError::InvalidUnicodeCodePoint => {
            ParseError::UndecodableEscape
        }
        _ => ParseError::UnexpectedValue,
    }
}

/// A deserializer that forwards every request to `D` and wraps what `D`
/// hands to the visitor.
struct Safe<D>(D);

/// A visitor that forwards to `V`, wrapping the deserializers and accesses
/// it is given.
struct Wrap<V>(V);

/// A seed that deserializes through [`Safe`].
struct Seed<S>(S);

/// A seed that deserializes a map key through [`Key`].
struct KeySeed<S>(S);

/// A sequence, map, enum or variant access whose elements, keys, values and
/// variant contents are read through [`Safe`] and [`Key`].
struct Access<A>(A);

/// The deserializer of a map key: JSON keys are strings, so every request
/// but an identifier, an ignored value, an `Option`, a newtype or an enum is
/// answered with the key's string.
struct Key<D>(D);

/// Turns a key's string into a unit enum variant.
struct VariantName<V>(V);

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Safe<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Wrap(visitor))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_bool(Wrap(visitor))
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_i8(Wrap(visitor))
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_i16(Wrap(visitor))
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_i32(Wrap(visitor))
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_i64(Wrap(visitor))
    }

    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_i128(Wrap(visitor))
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_u8(Wrap(visitor))
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_u16(Wrap(visitor))
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_u32(Wrap(visitor))
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_u64(Wrap(visitor))
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_u128(Wrap(visitor))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_f32(Wrap(visitor))
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_f64(Wrap(visitor))
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_char(Wrap(visitor))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_str(Wrap(visitor))
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_string(Wrap(visitor))
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_bytes(Wrap(visitor))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_byte_buf(Wrap(visitor))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_option(Wrap(visitor))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit(Wrap(visitor))
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_seq(Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap(visitor))
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_map(Wrap(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_identifier(Wrap(visitor))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_ignored_any(Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_bool(v)
    }

    fn visit_i8<E: de::Error>(self, v: i8) -> Result<V::Value, E> {
        self.0.visit_i8(v)
    }

    fn visit_i16<E: de::Error>(self, v: i16) -> Result<V::Value, E> {
        self.0.visit_i16(v)
    }

    fn visit_i32<E: de::Error>(self, v: i32) -> Result<V::Value, E> {
        self.0.visit_i32(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_i64(v)
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<V::Value, E> {
        self.0.visit_i128(v)
    }

    fn visit_u8<E: de::Error>(self, v: u8) -> Result<V::Value, E> {
        self.0.visit_u8(v)
    }

    fn visit_u16<E: de::Error>(self, v: u16) -> Result<V::Value, E> {
        self.0.visit_u16(v)
    }

    fn visit_u32<E: de::Error>(self, v: u32) -> Result<V::Value, E> {
        self.0.visit_u32(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_u64(v)
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<V::Value, E> {
        self.0.visit_u128(v)
    }

    fn visit_f32<E: de::Error>(self, v: f32) -> Result<V::Value, E> {
        self.0.visit_f32(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.0.visit_f64(v)
    }

    fn visit_char<E: de::Error>(self, v: char) -> Result<V::Value, E> {
        self.0.visit_char(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.0.visit_str(v)
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.0.visit_borrowed_str(v)
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<V::Value, E> {
        self.0.visit_bytes(v)
    }

    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<V::Value, E> {
        self.0.visit_borrowed_bytes(v)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Safe(d))
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Safe(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, access: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Access(access))
    }

    fn visit_map<A: MapAccess<'de>>(self, access: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Access(access))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, access: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Access(access))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Safe(d))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for KeySeed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Key(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(KeySeed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Access<A> {
    type Error = A::Error;
    type Variant = Access<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((value, Access(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Access<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap(visitor))
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Key<D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_identifier(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_ignored_any(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_str(VariantName(visitor))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct
    }
}

impl<'de, V: Visitor<'de>> Visitor<'de> for VariantName<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        self.0.visit_enum(StrDeserializer::new(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<V::Value, E> {
        self.0.visit_enum(BorrowedStrDeserializer::new(v))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    /// [`super::parse`] over the text of a header.
    pub(super) fn parse<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, ParseError> {
        super::parse(json.as_bytes())
    }

    /// [`super::parse_unescaped`] over the text of a header.
    pub(super) fn parse_unescaped<'a, T: Deserialize<'a>>(
        json: &'a str,
        scratch: &mut [u8],
    ) -> Result<T, ParseError> {
        super::parse_unescaped(json.as_bytes(), scratch)
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Borrowed<'a> {
        name: &'a str,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Owned {
        name: heapless::String<8>,
    }

    #[derive(Debug, Deserialize)]
    struct Sized {
        #[allow(dead_code)]
        size: u8,
    }

    #[test]
    fn parse_borrows_escape_free_strings_and_refuses_escaped_ones() {
        assert_eq!(parse(r#"{"name":"a.txt"}"#), Ok(Borrowed { name: "a.txt" }));
        assert_eq!(
            parse::<Borrowed>(r#"{"name":"a\nb"}"#),
            Err(ParseError::EscapedString)
        );
        assert_eq!(
            parse::<Owned>(r#"{"name":"\u7535"}"#),
            Err(ParseError::EscapedString)
        );
    }

    #[test]
    fn parse_unescaped_decodes_into_owned_fields() {
        let mut scratch = [0u8; 8];
        let owned: Owned = parse_unescaped(r#"{"name":"\u7535"}"#, &mut scratch).unwrap();
        assert_eq!(owned.name, "电");
        let mut tiny = [0u8; 2];
        assert_eq!(
            parse_unescaped::<Owned>(r#"{"name":"\u7535"}"#, &mut tiny),
            Err(ParseError::ScratchTooSmall)
        );
    }

    #[test]
    fn mismatches_have_their_own_errors() {
        assert_eq!(
            parse::<Sized>(r#"{"size":"5"}"#).err(),
            Some(ParseError::WrongType)
        );
        assert_eq!(
            parse::<Sized>(r#"{"size":300}"#).err(),
            Some(ParseError::NumberOutOfRange)
        );
        assert_eq!(
            parse::<Sized>(r#"{"size":-1}"#).err(),
            Some(ParseError::NumberOutOfRange)
        );
        assert_eq!(
            parse::<Sized>(r#"{"other":1}"#).err(),
            Some(ParseError::Rejected)
        );
        assert_eq!(
            parse::<Owned>(r#"{"name":"123456789"}"#).err(),
            Some(ParseError::Rejected)
        );
        assert_eq!(
            parse::<Sized>(r#"{"size":5.0}"#).err(),
            Some(ParseError::UnexpectedValue)
        );
    }
}

#[cfg(test)]
mod wrapper_tests {
    extern crate std;

    use std::collections::{BTreeMap, HashMap};
    use std::string::String;
    use std::vec;
    use std::vec::Vec;

    use proptest::prelude::*;
    use serde::Deserialize;

    use super::tests::{parse, parse_unescaped};
    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Upload<'a> {
        file_name: &'a str,
        file_size: u64,
    }

    #[test]
    fn parses_as_serde_json_core_parses() {
        let json = r#" {"file_name": "a.txt", "file_size": 11} "#;
        let upload = Upload {
            file_name: "a.txt",
            file_size: 11,
        };
        assert_eq!(parse::<Upload<'_>>(json), Ok(upload));
        assert_eq!(
            parse::<Upload<'_>>(r#"{"file_name": "a"}"#),
            Err(ParseError::Rejected)
        );
        assert_eq!(
            parse::<Upload<'_>>(r#"{"file_name": "a", "file_size": 1} x"#),
            Err(ParseError::UnexpectedValue)
        );
    }

    #[test]
    fn parse_refuses_an_escaped_string_that_parse_unescaped_reads() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct Owned {
            file_name: heapless::String<16>,
        }
        let json = r#"{"file_name": "\u7535\u5f71.mp4"}"#;
        assert_eq!(parse::<Owned>(json), Err(ParseError::EscapedString));
        let mut scratch = [0; 16];
        let owned: Owned = parse_unescaped(json, &mut scratch).unwrap();
        assert_eq!(owned.file_name, "电影.mp4");
        let skipped = r#"{"file_name": "a", "file_size": 1, "note": "\n"}"#;
        assert_eq!(parse::<Upload<'_>>(skipped), Err(ParseError::EscapedString));
    }

    #[test]
    fn owned_string_keys_are_read_not_a_panic() {
        let json = r#"{"b": 2, "a": 1, "\u00e9": 3}"#;
        let mut scratch = [0; 8];
        let map: BTreeMap<String, u8> = parse_unescaped(json, &mut scratch).unwrap();
        let expected = [("a", 1), ("b", 2), ("é", 3)].map(|(k, v)| (String::from(k), v));
        assert_eq!(map, BTreeMap::from(expected));
        type Nested = Vec<Option<HashMap<String, Vec<BTreeMap<String, ()>>>>>;
        let nested: Nested = parse(r#"[null, {"x": [{"y": null}]}]"#).unwrap();
        assert_eq!(nested[1].as_ref().unwrap()["x"][0].len(), 1);
    }

    #[test]
    fn keys_of_other_types_are_an_error_or_a_string() {
        assert_eq!(
            parse::<BTreeMap<u32, u8>>(r#"{"1": 2}"#),
            Err(ParseError::Rejected)
        );
        assert_eq!(
            parse::<BTreeMap<bool, u8>>(r#"{"true": 2}"#),
            Err(ParseError::Rejected)
        );
        assert_eq!(
            parse::<BTreeMap<(u8, u8), u8>>(r#"{"x": 2}"#),
            Err(ParseError::Rejected)
        );
        let chars: BTreeMap<char, u8> = parse(r#"{"x": 2}"#).unwrap();
        assert_eq!(chars[&'x'], 2);
        let options: BTreeMap<Option<&str>, u8> = parse(r#"{"x": 2}"#).unwrap();
        assert_eq!(options[&Some("x")], 2);
        #[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
        enum Kind {
            Upload,
            Delete,
        }
        let kinds: BTreeMap<Kind, u8> = parse(r#"{"Delete": 1, "Upload": 2}"#).unwrap();
        assert_eq!(kinds[&Kind::Upload], 2);
        assert_eq!(
            parse::<BTreeMap<Kind, u8>>(r#"{"Rename": 1}"#),
            Err(ParseError::Rejected)
        );
    }

    #[test]
    fn enums_and_newtypes_pass_through() {
        #[derive(Debug, PartialEq, Deserialize)]
        enum Command<'a> {
            Stop,
            Get { name: &'a str },
            Put(BTreeMap<String, u8>),
        }
        #[derive(Debug, PartialEq, Deserialize)]
        struct Wrapper<'a>(#[serde(borrow)] Vec<Command<'a>>);
        let json = r#"["Stop", {"Get": {"name": "x"}}, {"Put": {"k": 1}}]"#;
        let Wrapper(commands) = parse(json).unwrap();
        assert_eq!(commands[0], Command::Stop);
        assert_eq!(commands[1], Command::Get { name: "x" });
        assert_eq!(
            commands[2],
            Command::Put(BTreeMap::from([(String::from("k"), 1)]))
        );
    }

    /// A header type that reads every kind of value and owned keys at every depth.
    #[derive(Debug, PartialEq, Deserialize)]
    struct Everything {
        s: Option<heapless::String<8>>,
        n: Option<i32>,
        f: Option<f32>,
        b: Option<bool>,
        list: Option<Vec<BTreeMap<String, Option<u8>>>>,
        map: Option<BTreeMap<String, BTreeMap<String, u8>>>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Plain {
        s: Option<heapless::String<8>>,
        n: Option<i32>,
        list: Option<Vec<Option<u8>>>,
    }

    fn json_like() -> impl Strategy<Value = String> {
        let token = prop_oneof![
            Just("{"),
            Just("}"),
            Just("["),
            Just("]"),
            Just(","),
            Just(":"),
            Just("\"s\""),
            Just("\"n\""),
            Just("\"f\""),
            Just("\"b\""),
            Just("\"list\""),
            Just("\"map\""),
            Just("\"k\\u00e9\""),
            Just("1"),
            Just("-2.5"),
            Just("true"),
            Just("null"),
            Just(" "),
        ];
        proptest::collection::vec(token, 0..24).prop_map(|tokens| tokens.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn no_json_makes_owned_keys_panic(json in json_like()) {
            let mut scratch = [0; 8];
            let _ = parse_unescaped::<Everything>(&json, &mut scratch);
            let _ = parse::<Everything>(&json);
            let _ = parse::<BTreeMap<String, BTreeMap<u8, String>>>(&json);
        }

        #[test]
        fn agrees_with_serde_json_core_where_it_does_not_panic(json in json_like()) {
            let mut scratch = [0; 8];
            let mut engine_scratch = [0; 8];
            let engine = serde_json_core::from_str_escaped::<Plain>(&json, &mut engine_scratch);
            prop_assert_eq!(
                parse_unescaped::<Plain>(&json, &mut scratch),
                engine.map(|(value, _)| value).map_err(parse_error)
            );
        }
    }

    #[test]
    fn surrogate_escapes_are_named_as_such() {
        #[derive(Debug, serde::Deserialize)]
        struct Named {
            #[allow(dead_code)]
            name: heapless::String<16>,
        }
        let emoji = r#"{"name":"\ud83d\ude00.txt"}"#;
        assert_eq!(parse::<Named>(emoji).err(), Some(ParseError::EscapedString));
        let mut scratch = [0u8; 16];
        assert_eq!(
            parse_unescaped::<Named>(emoji, &mut scratch).err(),
            Some(ParseError::UndecodableEscape)
        );
        let later = r#"{"name":"x\ud83d\ude00"}"#;
        assert_eq!(parse::<Named>(later).err(), Some(ParseError::EscapedString));
    }

    #[test]
    fn what_the_parser_does_not_support_is_named_as_such() {
        #[derive(Debug, Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(#[allow(dead_code)] u8),
            Text(#[allow(dead_code)] heapless::String<8>),
        }
        assert_eq!(parse::<Either>("1").err(), Some(ParseError::Unsupported));
        #[derive(Debug, Deserialize)]
        struct Raw<'a> {
            #[allow(dead_code)]
            raw: &'a [u8],
        }
        assert_eq!(
            parse::<Raw<'_>>(r#"{"raw": "abc"}"#).err(),
            Some(ParseError::Unsupported)
        );
    }

    #[test]
    fn a_unit_variant_reads_as_a_string_or_as_a_member_with_null() {
        #[derive(Debug, PartialEq, Deserialize)]
        enum Command {
            Stop,
        }
        assert_eq!(parse(r#""Stop""#), Ok(Command::Stop));
        assert_eq!(parse(r#"{"Stop": null}"#), Ok(Command::Stop));
    }

    #[test]
    fn types_read_the_human_readable_form() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct Peer {
            addr: core::net::Ipv4Addr,
        }
        let addr = core::net::Ipv4Addr::new(10, 0, 0, 1);
        assert_eq!(parse(r#"{"addr": "10.0.0.1"}"#), Ok(Peer { addr }));
    }

    /// The length a JSON array announces to its type: none.
    #[derive(Debug, PartialEq)]
    struct ArrayHint(Option<usize>);

    /// The length a JSON object announces to its type: none.
    #[derive(Debug, PartialEq)]
    struct ObjectHint(Option<usize>);

    impl<'de> Deserialize<'de> for ArrayHint {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_seq(HintVisitor).map(Self)
        }
    }

    impl<'de> Deserialize<'de> for ObjectHint {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_map(HintVisitor).map(Self)
        }
    }

    /// Reads an array or object and returns the size hint it was given.
    struct HintVisitor;

    impl<'de> Visitor<'de> for HintVisitor {
        type Value = Option<usize>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an array or an object")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<usize>, A::Error> {
            let hint = seq.size_hint();
            while seq.next_element::<de::IgnoredAny>()?.is_some() {}
            Ok(hint)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<usize>, A::Error> {
            let hint = map.size_hint();
            while map
                .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                .is_some()
            {}
            Ok(hint)
        }
    }

    #[test]
    fn arrays_and_objects_announce_no_length() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct Both {
            list: ArrayHint,
            map: ObjectHint,
        }
        assert_eq!(
            parse(r#"{"list": [1, 2], "map": {"a": 1}}"#),
            Ok(Both {
                list: ArrayHint(None),
                map: ObjectHint(None)
            })
        );
    }
}
