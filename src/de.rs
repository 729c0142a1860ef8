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
