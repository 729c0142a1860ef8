//! Typed header parses over serde-json-core, with its errors turned into
//! [`ParseError`]s.
//!
//! serde-json-core hands a field the raw, still escaped text of a string
//! when it has no scratch buffer. [`parse`] therefore gives it an empty
//! one: escape-free strings still borrow, and the first escaped string fails
//! with "scratch too short", which here means [`ParseError::EscapedString`].

use serde::Deserialize;
use serde_json_core::de::Error as JsonError;

use crate::error::ParseError;

/// Parses `json` into `T`, borrowing strings; refuses escaped strings.
pub(crate) fn parse<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, ParseError> {
    match serde_json_core::from_str_escaped(json, &mut []) {
        Ok((value, _)) => Ok(value),
        Err(JsonError::EscapedStringIsTooLong) => Err(ParseError::EscapedString),
        Err(err) => Err(parse_error(err)),
    }
}

/// Parses `json` into `T`, decoding escaped strings through `scratch`.
pub(crate) fn parse_unescaped<'a, T: Deserialize<'a>>(
    json: &'a str,
    scratch: &mut [u8],
) -> Result<T, ParseError> {
    match serde_json_core::from_str_escaped(json, scratch) {
        Ok((value, _)) => Ok(value),
        Err(JsonError::EscapedStringIsTooLong) => Err(ParseError::ScratchTooSmall),
        Err(err) => Err(parse_error(err)),
    }
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
        _ => ParseError::UnexpectedValue,
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

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
