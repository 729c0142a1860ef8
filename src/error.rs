//! Errors, one type per layer.
//!
//! | type            | raised by                                   |
//! |-----------------|---------------------------------------------|
//! | [`ConfigError`] | [`ConfigBuilder::build`](crate::ConfigBuilder::build), [`Decoder::new`](crate::Decoder::new), [`Encoder::new`](crate::Encoder::new) |
//! | [`HeaderError`] | the JSON header check, shared by the decoder and the encoder |
//! | [`DecodeError`] | [`Decoder`](crate::Decoder), [`RawDecoder`](crate::RawDecoder) |
//! | [`EncodeError`] | [`Encoder`](crate::Encoder), [`RawEncoder`](crate::RawEncoder) |
//! | [`ParseError`]  | [`Header::parse`](crate::Header::parse) and [`Header::parse_unescaped`](crate::Header::parse_unescaped) |
//! | [`Error`]       | any of the above, for code that uses `?` across layers |
//!
//! Every error is `Copy + Eq`, carries the numbers that explain it, and has a
//! `Display` text that says what was wrong and where. None of them depends on a
//! Cargo feature, and each one composes with `?`: into [`Error`], into
//! `Box<dyn core::error::Error + Send + Sync>`, into `std::io::Error` (with the
//! `std` feature) and into the embedded adapters' error.
//!
//! | error | `std::io::ErrorKind` |
//! |-------|----------------------|
//! | [`DecodeError::TruncatedPrefix`], [`TruncatedHeader`](DecodeError::TruncatedHeader), [`TruncatedBody`](DecodeError::TruncatedBody) | `UnexpectedEof` |
//! | any other [`DecodeError`], [`HeaderError`], [`ParseError`] | `InvalidData` |
//! | [`ConfigError`], [`EncodeError`] | `InvalidInput` |
//!
//! ```
//! use unstick::{Config, DecodeError, Decoder};
//!
//! let mut decoder = Decoder::<64>::new(Config::default())?;
//! let mut input: &[u8] = &[0, 0, 1, 0]; // a header of 256 bytes: over the limit of 64
//! let err = decoder.decode(&mut input).unwrap_err();
//! assert_eq!(err, DecodeError::HeaderTooLong { len: 256, max: 64 });
//! assert_eq!(err.to_string(), "header length 256 in the prefix exceeds the limit of 64 bytes");
//! # Ok::<(), unstick::Error>(())
//! ```

use core::fmt;

/// A configuration that cannot work, refused before any byte is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ConfigError {
    /// The body key is the empty string.
    EmptyBodyKey,
    /// The body key contains `"`, `\` or a control character, which JSON
    /// would have to escape; keys are matched as written, so this is refused.
    BodyKeyNeedsEscape,
    /// The maximum header length is zero: no header frame could ever be valid.
    ZeroHeaderLimit,
    /// The maximum header length is larger than the header buffer of the
    /// decoder or encoder it was given to.
    HeaderLimitAboveCapacity {
        /// The configured maximum header length.
        max: usize,
        /// The buffer capacity `N` of the decoder or encoder.
        capacity: usize,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::EmptyBodyKey => f.write_str("the body key is empty"),
            Self::BodyKeyNeedsEscape => f.write_str(
                "the body key contains a character JSON must escape (quote, backslash or control character)",
            ),
            Self::ZeroHeaderLimit => f.write_str("the maximum header length is zero"),
            Self::HeaderLimitAboveCapacity { max, capacity } => write!(
                f,
                "the maximum header length {max} exceeds the header buffer capacity of {capacity} bytes"
            ),
        }
    }
}

impl core::error::Error for ConfigError {}

/// The JSON type of a value, as named in [`HeaderError`] messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum JsonType {
    /// `{...}`
    Object,
    /// `[...]`
    Array,
    /// `"..."`
    String,
    /// A number such as `12` or `1.5e3`.
    Number,
    /// `true` or `false`.
    Bool,
    /// `null`.
    Null,
}

impl JsonType {
    fn name(self) -> &'static str {
        match self {
            Self::Object => "an object",
            Self::Array => "an array",
            Self::String => "a string",
            Self::Number => "a number",
            Self::Bool => "a boolean",
            Self::Null => "null",
        }
    }
}

impl fmt::Display for JsonType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A header that is not a valid frame header.
///
/// Offsets count bytes from the first byte of the JSON header (not of the
/// frame).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum HeaderError {
    /// The header is not UTF-8; the bytes before `valid_up_to` are.
    NotUtf8 {
        /// Length of the longest valid UTF-8 prefix.
        valid_up_to: usize,
    },
    /// The header is not valid JSON (RFC 8259).
    Syntax {
        /// Offset of the offending byte.
        offset: usize,
        /// The offending byte, or `None` if the header ended too early.
        found: Option<u8>,
    },
    /// Arrays and objects are nested deeper than the limit.
    TooDeep {
        /// Offset of the `[` or `{` that went one level too deep.
        offset: usize,
        /// The nesting limit ([`MAX_NESTING`](crate::MAX_NESTING)).
        max: usize,
    },
    /// The header is valid JSON but its top-level value is not an object.
    NotAnObject {
        /// What the top-level value is instead.
        found: JsonType,
    },
    /// The body key appears more than once in the top-level object.
    DuplicateBodyKey {
        /// Offset of the second occurrence of the key.
        offset: usize,
    },
    /// The body length is a negative number.
    BodyLenNegative {
        /// Offset of the value.
        offset: usize,
    },
    /// The body length has a fraction or an exponent (`5.0`, `1e3`).
    BodyLenNotInteger {
        /// Offset of the value.
        offset: usize,
    },
    /// The body length does not fit in a `u64`.
    BodyLenOverflow {
        /// Offset of the value.
        offset: usize,
    },
    /// The body length is not a number at all.
    BodyLenWrongType {
        /// Offset of the value.
        offset: usize,
        /// What it is instead.
        found: JsonType,
    },
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::NotUtf8 { valid_up_to } => {
                write!(
                    f,
                    "header is not UTF-8 (invalid byte at offset {valid_up_to})"
                )
            }
            Self::Syntax {
                offset,
                found: Some(byte),
            } => write!(
                f,
                "header is not valid JSON: unexpected byte 0x{byte:02x} at offset {offset}"
            ),
            Self::Syntax {
                offset,
                found: None,
            } => {
                write!(
                    f,
                    "header is not valid JSON: it ends too early, at offset {offset}"
                )
            }
            Self::TooDeep { offset, max } => write!(
                f,
                "header nests arrays and objects deeper than {max} levels (at offset {offset})"
            ),
            Self::NotAnObject { found } => {
                write!(f, "header is {found}, not a JSON object")
            }
            Self::DuplicateBodyKey { offset } => {
                write!(f, "header repeats the body key (again at offset {offset})")
            }
            Self::BodyLenNegative { offset } => {
                write!(f, "body length at header offset {offset} is negative")
            }
            Self::BodyLenNotInteger { offset } => write!(
                f,
                "body length at header offset {offset} is not an integer (it has a fraction or an exponent)"
            ),
            Self::BodyLenOverflow { offset } => {
                write!(
                    f,
                    "body length at header offset {offset} does not fit in 64 bits"
                )
            }
            Self::BodyLenWrongType { offset, found } => write!(
                f,
                "body length at header offset {offset} is {found}, not a non-negative integer"
            ),
        }
    }
}

impl core::error::Error for HeaderError {}

/// Why the [`Decoder`](crate::Decoder) refused its input.
///
/// Every error poisons the decoder: each later call returns the same error
/// until [`Decoder::reset`](crate::Decoder::reset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DecodeError {
    /// The prefix of a header frame says the header is 0 bytes long.
    HeaderLenZero,
    /// The prefix announces a header longer than the configured maximum.
    HeaderTooLong {
        /// The announced header length.
        len: u64,
        /// The limit in force.
        max: usize,
    },
    /// A signed prefix holds a negative length.
    NegativeLength {
        /// The value of the prefix.
        value: i64,
    },
    /// The header or the prefix of a raw frame announces a body longer than
    /// the configured maximum.
    BodyTooLong {
        /// The announced body length.
        len: u64,
        /// The limit in force.
        max: u64,
    },
    /// The header is not a valid frame header.
    InvalidHeader(HeaderError),
    /// The input ended inside a length prefix.
    TruncatedPrefix {
        /// How many prefix bytes were still missing.
        missing: usize,
    },
    /// The input ended inside a header.
    TruncatedHeader {
        /// How many header bytes were still missing.
        missing: usize,
    },
    /// The input ended inside a body.
    TruncatedBody {
        /// How many body bytes were still missing.
        missing: u64,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::HeaderLenZero => {
                f.write_str("header length 0 in the prefix: a header is never empty")
            }
            Self::HeaderTooLong { len, max } => write!(
                f,
                "header length {len} in the prefix exceeds the limit of {max} bytes"
            ),
            Self::NegativeLength { value } => {
                write!(f, "length prefix holds the negative value {value}")
            }
            Self::BodyTooLong { len, max } => {
                write!(f, "body length {len} exceeds the limit of {max} bytes")
            }
            Self::InvalidHeader(err) => err.fmt(f),
            Self::TruncatedPrefix { missing } => {
                write!(
                    f,
                    "input ended inside a length prefix, {missing} bytes short"
                )
            }
            Self::TruncatedHeader { missing } => {
                write!(f, "input ended inside a header, {missing} bytes short")
            }
            Self::TruncatedBody { missing } => {
                write!(f, "input ended inside a body, {missing} bytes short")
            }
        }
    }
}

impl core::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::InvalidHeader(err) => Some(err),
            _ => None,
        }
    }
}

impl From<HeaderError> for DecodeError {
    fn from(err: HeaderError) -> Self {
        Self::InvalidHeader(err)
    }
}

/// Why the [`Encoder`](crate::Encoder) refused to write.
///
/// On every error the output buffer is untouched and the encoder's state is
/// as it was before the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is too small for the prefix and header.
    BufferTooSmall {
        /// Bytes the call needs.
        required: usize,
        /// Bytes the buffer has.
        available: usize,
    },
    /// The serialized header is longer than the configured maximum.
    HeaderTooLong {
        /// The limit in force.
        max: usize,
    },
    /// The serialized header is not a valid frame header.
    InvalidHeader(HeaderError),
    /// A length does not fit in the configured prefix.
    LengthOutOfRange {
        /// The length to be written.
        len: u64,
        /// The largest length the prefix can hold.
        max: u64,
    },
    /// The declared body length exceeds the configured maximum.
    BodyTooLong {
        /// The declared body length.
        len: u64,
        /// The limit in force.
        max: u64,
    },
    /// A body chunk holds more bytes than the frame has left.
    BodyOverrun {
        /// Body bytes the frame still expects.
        remaining: u64,
        /// Length of the refused chunk.
        chunk: usize,
    },
    /// The frame was closed before its whole body was written.
    BodyUnderrun {
        /// Body bytes still owed.
        missing: u64,
    },
    /// A whole-frame call got a body whose length differs from the one the
    /// header declares.
    BodyLenMismatch {
        /// The length the header declares.
        declared: u64,
        /// The length of the body given.
        actual: u64,
    },
    /// A new frame was started while the current one still expects body bytes.
    FrameInProgress {
        /// Body bytes the current frame still expects.
        remaining: u64,
    },
    /// Body bytes were given while no frame was open.
    NoFrameInProgress,
    /// The header type serializes a value that serde-json-core cannot write
    /// (it would panic); nothing was written.
    Unserializable {
        /// Offset in the header at which the value would start.
        offset: usize,
        /// What the value is.
        value: UnserializableValue,
    },
    /// The header type's own `Serialize` implementation reported an error.
    SerializeFailed,
}

/// A value serde-json-core cannot write, named in
/// [`EncodeError::Unserializable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum UnserializableValue {
    /// A `char` (as a value or a map key): use a `&str` or a `heapless::String`.
    Char,
    /// An enum tuple variant (`E::V(a, b)`): use a struct variant or a struct.
    TupleVariant,
    /// A `u128` or `i128`.
    Int128,
    /// serde-json-core's `EscapedStr` wrapped around something else than a
    /// string.
    EscapedNonString,
    /// A struct field or enum variant name holding `"`, `\` or a control
    /// character (from `#[serde(rename = ...)]`): serde-json-core writes
    /// names unescaped, which would make invalid JSON or another key.
    NameNeedsEscape,
    /// A map key that is not a string (an integer, a struct, ...):
    /// serde-json-core writes it as it is, which JSON does not allow.
    NonStringKey,
}

impl fmt::Display for UnserializableValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Char => "a char",
            Self::TupleVariant => "an enum tuple variant",
            Self::Int128 => "a 128-bit integer",
            Self::EscapedNonString => "an EscapedStr that is not a string",
            Self::NameNeedsEscape => "a field or variant name that needs escaping",
            Self::NonStringKey => "a map key that is not a string",
        })
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BufferTooSmall {
                required,
                available,
            } => write!(
                f,
                "output buffer too small: {required} bytes required, {available} available"
            ),
            Self::HeaderTooLong { max } => {
                write!(f, "serialized header exceeds the limit of {max} bytes")
            }
            Self::InvalidHeader(err) => err.fmt(f),
            Self::LengthOutOfRange { len, max } => {
                write!(f, "length {len} does not fit in the prefix (at most {max})")
            }
            Self::BodyTooLong { len, max } => {
                write!(f, "body length {len} exceeds the limit of {max} bytes")
            }
            Self::BodyOverrun { remaining, chunk } => write!(
                f,
                "body chunk of {chunk} bytes overruns the frame, which expects only {remaining} more"
            ),
            Self::BodyUnderrun { missing } => {
                write!(
                    f,
                    "frame closed {missing} body bytes short of its declared length"
                )
            }
            Self::BodyLenMismatch { declared, actual } => write!(
                f,
                "header declares a body of {declared} bytes but {actual} were given"
            ),
            Self::FrameInProgress { remaining } => write!(
                f,
                "a new frame was started while the current one still expects {remaining} body bytes"
            ),
            Self::NoFrameInProgress => f.write_str("body bytes given while no frame is open"),
            Self::Unserializable { offset, value } => write!(
                f,
                "the header holds {value} at offset {offset}, which serde-json-core cannot serialize"
            ),
            Self::SerializeFailed => {
                f.write_str("the header type's Serialize implementation reported an error")
            }
        }
    }
}

impl core::error::Error for EncodeError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::InvalidHeader(err) => Some(err),
            _ => None,
        }
    }
}

impl From<HeaderError> for EncodeError {
    fn from(err: HeaderError) -> Self {
        Self::InvalidHeader(err)
    }
}

/// A header that does not match the type it is parsed into.
///
/// The header itself is valid JSON (the decoder checked it); these say where
/// your type and the header disagree. serde-json-core does the parsing; its
/// own error type is not part of this crate's API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ParseError {
    /// A string the type reads holds a JSON escape (`\n`, `\u7535`), so its
    /// real text differs from the bytes received and cannot be borrowed.
    /// [`Header::parse`](crate::Header::parse) refuses it; use
    /// [`Header::parse_unescaped`](crate::Header::parse_unescaped) with owned
    /// (`heapless::String`) fields.
    EscapedString,
    /// The scratch buffer given to
    /// [`parse_unescaped`](crate::Header::parse_unescaped) is shorter than a
    /// decoded string.
    ScratchTooSmall,
    /// A value has another JSON type than the field expects (a string where
    /// a number is due, for example).
    WrongType,
    /// A number does not fit the field: negative for an unsigned field, too
    /// large, or with a fraction for an integer field.
    NumberOutOfRange,
    /// The type's own `Deserialize` refused the header: a missing field, an
    /// unknown enum variant, a `heapless::String` or `heapless::Vec` field
    /// too small, or a borrowed `&str` field given an escaped string.
    Rejected,
    /// The type asks for what the parser does not support: self-describing
    /// input (`deserialize_any`: untagged enums, `#[serde(flatten)]`) or raw
    /// bytes.
    Unsupported,
    /// The parser met a value of a shape the type did not expect at that
    /// point (for example `5.0` for an integer field).
    UnexpectedValue,
    /// A string the type reads holds a UTF-16 surrogate escape
    /// (`"\ud83d\ude00"`: how Python's `json.dumps` writes a character above
    /// U+FFFF, such as an emoji). It is valid JSON and the frame decodes, but
    /// serde-json-core cannot decode the escape: read such a header as text
    /// ([`Header::json`](crate::Header::json)), or have the sender write
    /// UTF-8 (`json.dumps(..., ensure_ascii=False)`).
    UndecodableEscape,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EscapedString => {
                "a header string holds a JSON escape (such as \\u7535), which `parse` cannot borrow: use `Header::parse_unescaped` with owned string fields"
            }
            Self::ScratchTooSmall => {
                "the scratch buffer is shorter than a decoded header string: give `parse_unescaped` a longer one"
            }
            Self::WrongType => "a header value has another JSON type than its field",
            Self::NumberOutOfRange => {
                "a header number does not fit its field (negative, too large, or not an integer)"
            }
            Self::Rejected => {
                "the header type refused the header: a missing field, an unknown variant, a field too small, or a borrowed &str field given an escaped string"
            }
            Self::Unsupported => {
                "the header type needs what the parser lacks: self-describing input (untagged enums, flatten) or bytes"
            }
            Self::UnexpectedValue => "a header value has a shape its field does not expect",
            Self::UndecodableEscape => {
                "a header string holds a UTF-16 surrogate escape (such as \\ud83d\\ude00) that serde-json-core cannot decode: read the header as JSON text"
            }
        })
    }
}

impl core::error::Error for ParseError {}

/// Any error of this crate, so that code mixing layers can use `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// See [`ConfigError`].
    Config(ConfigError),
    /// See [`DecodeError`].
    Decode(DecodeError),
    /// See [`EncodeError`].
    Encode(EncodeError),
    /// See [`ParseError`].
    Parse(ParseError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Config(err) => write!(f, "invalid configuration: {err}"),
            Self::Decode(err) => write!(f, "decode error: {err}"),
            Self::Encode(err) => write!(f, "encode error: {err}"),
            Self::Parse(err) => write!(f, "header does not match the expected type: {err}"),
        }
    }
}

impl core::error::Error for Error {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Config(err) => Some(err),
            Self::Decode(err) => Some(err),
            Self::Encode(err) => Some(err),
            Self::Parse(err) => Some(err),
        }
    }
}

impl From<ConfigError> for Error {
    fn from(err: ConfigError) -> Self {
        Self::Config(err)
    }
}

impl From<DecodeError> for Error {
    fn from(err: DecodeError) -> Self {
        Self::Decode(err)
    }
}

impl From<EncodeError> for Error {
    fn from(err: EncodeError) -> Self {
        Self::Encode(err)
    }
}

impl From<ParseError> for Error {
    fn from(err: ParseError) -> Self {
        Self::Parse(err)
    }
}

impl From<HeaderError> for Error {
    fn from(err: HeaderError) -> Self {
        Self::Decode(DecodeError::InvalidHeader(err))
    }
}

impl DecodeError {
    /// Whether the input ended inside a frame (`Truncated*`), as opposed to
    /// bytes that break the format.
    pub const fn is_truncation(&self) -> bool {
        matches!(
            self,
            Self::TruncatedPrefix { .. }
                | Self::TruncatedHeader { .. }
                | Self::TruncatedBody { .. }
        )
    }
}

#[cfg(feature = "std")]
mod into_io {
    //! Every error as a `std::io::Error`, with the kinds of the table in the
    //! module docs; the original error is the `io::Error`'s inner error.
    use std::io::{self, ErrorKind};

    use super::{ConfigError, DecodeError, EncodeError, Error, HeaderError, ParseError};

    impl From<ConfigError> for io::Error {
        fn from(err: ConfigError) -> Self {
            io::Error::new(ErrorKind::InvalidInput, err)
        }
    }

    impl From<DecodeError> for io::Error {
        fn from(err: DecodeError) -> Self {
            let kind = match err.is_truncation() {
                true => ErrorKind::UnexpectedEof,
                false => ErrorKind::InvalidData,
            };
            io::Error::new(kind, err)
        }
    }

    impl From<EncodeError> for io::Error {
        fn from(err: EncodeError) -> Self {
            io::Error::new(ErrorKind::InvalidInput, err)
        }
    }

    impl From<HeaderError> for io::Error {
        fn from(err: HeaderError) -> Self {
            io::Error::new(ErrorKind::InvalidData, err)
        }
    }

    impl From<ParseError> for io::Error {
        fn from(err: ParseError) -> Self {
            io::Error::new(ErrorKind::InvalidData, err)
        }
    }

    /// The kind of the layer's error; the inner error is the layer's error,
    /// so `downcast_ref::<DecodeError>()` finds it.
    impl From<Error> for io::Error {
        fn from(err: Error) -> Self {
            match err {
                Error::Config(err) => err.into(),
                Error::Decode(err) => err.into(),
                Error::Encode(err) => err.into(),
                Error::Parse(err) => err.into(),
            }
        }
    }
}

#[cfg(test)]
#[cfg(feature = "std")]
mod tests {
    use core::error::Error as _;
    use std::boxed::Box;
    use std::io;
    use std::string::ToString;

    use super::*;

    fn io_kind(err: impl Into<io::Error>) -> io::ErrorKind {
        err.into().kind()
    }

    /// Asserts that the text of `err` says each of `words`: what was wrong,
    /// where, and the numbers the error carries.
    fn assert_says(err: impl fmt::Display, words: &[&str]) {
        let text = err.to_string();
        for word in words {
            assert!(text.contains(word), "{text:?} does not say {word:?}");
        }
    }

    #[test]
    fn config_errors_say_which_setting_cannot_work() {
        assert_says(ConfigError::EmptyBodyKey, &["body key", "empty"]);
        assert_says(ConfigError::BodyKeyNeedsEscape, &["body key", "escape"]);
        assert_says(
            ConfigError::ZeroHeaderLimit,
            &["maximum header length", "zero"],
        );
        let above = ConfigError::HeaderLimitAboveCapacity {
            max: 300,
            capacity: 256,
        };
        assert_says(above, &["maximum header length", "300", "capacity", "256"]);
    }

    #[test]
    fn json_types_are_named_as_in_prose() {
        let names = [
            (JsonType::Object, "an object"),
            (JsonType::Array, "an array"),
            (JsonType::String, "a string"),
            (JsonType::Number, "a number"),
            (JsonType::Bool, "a boolean"),
            (JsonType::Null, "null"),
        ];
        for (found, name) in names {
            assert_says(
                HeaderError::NotAnObject { found },
                &[name, "not a JSON object"],
            );
        }
    }

    #[test]
    fn header_errors_say_what_is_wrong_and_at_which_offset() {
        assert_says(HeaderError::NotUtf8 { valid_up_to: 17 }, &["UTF-8", "17"]);
        let cut = HeaderError::Syntax {
            offset: 23,
            found: None,
        };
        assert_says(cut, &["JSON", "ends", "23"]);
        let deep = HeaderError::TooDeep {
            offset: 41,
            max: 32,
        };
        assert_says(deep, &["deeper", "32", "41"]);
        assert_says(
            HeaderError::DuplicateBodyKey { offset: 19 },
            &["body key", "19"],
        );
        assert_says(
            HeaderError::BodyLenNegative { offset: 12 },
            &["body length", "negative", "12"],
        );
        assert_says(
            HeaderError::BodyLenNotInteger { offset: 13 },
            &["body length", "integer", "13"],
        );
        assert_says(
            HeaderError::BodyLenOverflow { offset: 14 },
            &["body length", "64 bits", "14"],
        );
    }

    #[test]
    fn decode_errors_say_which_part_of_the_frame_is_wrong() {
        let long = DecodeError::HeaderTooLong { len: 300, max: 64 };
        assert_says(long, &["header length", "prefix", "300", "64"]);
        assert_says(
            DecodeError::TruncatedPrefix { missing: 3 },
            &["ended", "prefix", "3"],
        );
        assert_says(
            DecodeError::TruncatedHeader { missing: 9 },
            &["ended", "header", "9"],
        );
        let header = HeaderError::DuplicateBodyKey { offset: 19 };
        assert_eq!(
            DecodeError::InvalidHeader(header).to_string(),
            header.to_string()
        );
    }

    #[test]
    fn encode_errors_say_what_was_refused_and_the_numbers() {
        let small = EncodeError::BufferTooSmall {
            required: 70,
            available: 12,
        };
        assert_says(small, &["buffer", "70", "12"]);
        assert_says(EncodeError::HeaderTooLong { max: 64 }, &["header", "64"]);
        let range = EncodeError::LengthOutOfRange {
            len: 70_000,
            max: 65_535,
        };
        assert_says(range, &["prefix", "70000", "65535"]);
        let long = EncodeError::BodyTooLong { len: 900, max: 800 };
        assert_says(long, &["body length", "900", "800"]);
        let overrun = EncodeError::BodyOverrun {
            remaining: 2,
            chunk: 5,
        };
        assert_says(overrun, &["chunk of 5", "only 2"]);
        assert_says(
            EncodeError::BodyUnderrun { missing: 4 },
            &["closed", "4", "short"],
        );
        let mismatch = EncodeError::BodyLenMismatch {
            declared: 10,
            actual: 7,
        };
        assert_says(mismatch, &["declares", "10", "7"]);
        assert_says(
            EncodeError::FrameInProgress { remaining: 6 },
            &["new frame", "6"],
        );
        assert_says(EncodeError::NoFrameInProgress, &["no frame"]);
        assert_says(EncodeError::SerializeFailed, &["Serialize"]);
        let header = HeaderError::BodyLenNegative { offset: 8 };
        assert_eq!(
            EncodeError::InvalidHeader(header).to_string(),
            header.to_string()
        );
    }

    #[test]
    fn unserializable_values_are_named_with_their_offset() {
        let names = [
            (UnserializableValue::Char, "a char"),
            (UnserializableValue::TupleVariant, "tuple variant"),
            (UnserializableValue::Int128, "128-bit integer"),
            (UnserializableValue::EscapedNonString, "EscapedStr"),
            (
                UnserializableValue::NameNeedsEscape,
                "name that needs escaping",
            ),
            (
                UnserializableValue::NonStringKey,
                "map key that is not a string",
            ),
        ];
        for (value, name) in names {
            let err = EncodeError::Unserializable { offset: 11, value };
            assert_says(err, &[name, "offset 11", "serde-json-core"]);
        }
    }

    #[test]
    fn parse_errors_say_where_the_type_and_the_header_disagree() {
        assert_says(ParseError::EscapedString, &["escape", "parse_unescaped"]);
        assert_says(ParseError::ScratchTooSmall, &["scratch buffer", "shorter"]);
        assert_says(ParseError::WrongType, &["JSON type", "field"]);
        assert_says(ParseError::NumberOutOfRange, &["number", "does not fit"]);
        assert_says(ParseError::Rejected, &["refused", "missing field"]);
        assert_says(ParseError::Unsupported, &["self-describing"]);
        assert_says(ParseError::UnexpectedValue, &["shape"]);
        assert_says(ParseError::UndecodableEscape, &["surrogate"]);
    }

    #[test]
    fn the_crate_error_names_the_layer_then_says_the_layers_text() {
        let layers = [
            (Error::Config(ConfigError::ZeroHeaderLimit), "configuration"),
            (Error::Decode(DecodeError::HeaderLenZero), "decode"),
            (Error::Encode(EncodeError::NoFrameInProgress), "encode"),
            (Error::Parse(ParseError::WrongType), "expected type"),
        ];
        for (err, layer) in layers {
            let inner = err.source().map(ToString::to_string).unwrap_or_default();
            assert_says(err, &[layer, &inner]);
        }
    }

    #[test]
    fn the_source_of_an_error_is_the_error_of_the_layer_below() {
        let header = HeaderError::NotUtf8 { valid_up_to: 3 };
        let decode = DecodeError::InvalidHeader(header);
        let encode = EncodeError::InvalidHeader(header);
        for err in [&decode as &dyn core::error::Error, &encode] {
            let source = err.source().and_then(|s| s.downcast_ref::<HeaderError>());
            assert_eq!(source, Some(&header));
        }
        assert!(DecodeError::TruncatedBody { missing: 1 }.source().is_none());
        assert!(EncodeError::NoFrameInProgress.source().is_none());
        let crate_error = Error::Decode(decode);
        let source = crate_error
            .source()
            .and_then(|s| s.downcast_ref::<DecodeError>());
        assert_eq!(source, Some(&decode));
    }

    #[test]
    fn every_error_becomes_an_io_error_of_the_documented_kind() {
        use io::ErrorKind::{InvalidData, InvalidInput, UnexpectedEof};
        assert_eq!(io_kind(ConfigError::ZeroHeaderLimit), InvalidInput);
        assert_eq!(io_kind(EncodeError::NoFrameInProgress), InvalidInput);
        assert_eq!(io_kind(DecodeError::HeaderLenZero), InvalidData);
        for truncated in [
            DecodeError::TruncatedPrefix { missing: 1 },
            DecodeError::TruncatedHeader { missing: 1 },
            DecodeError::TruncatedBody { missing: 1 },
        ] {
            assert_eq!(io_kind(truncated), UnexpectedEof);
        }
        assert_eq!(
            io_kind(HeaderError::NotUtf8 { valid_up_to: 0 }),
            InvalidData
        );
        assert_eq!(io_kind(ParseError::WrongType), InvalidData);
        let truncated = Error::Decode(DecodeError::TruncatedPrefix { missing: 2 });
        assert_eq!(io_kind(truncated), UnexpectedEof);
        assert_eq!(
            io_kind(Error::Config(ConfigError::EmptyBodyKey)),
            InvalidInput
        );
        assert_eq!(
            io_kind(Error::Encode(EncodeError::SerializeFailed)),
            InvalidInput
        );
        assert_eq!(io_kind(Error::Parse(ParseError::Rejected)), InvalidData);
        assert_eq!(
            io_kind(Error::Decode(DecodeError::HeaderLenZero)),
            InvalidData
        );
    }

    #[test]
    fn the_io_error_keeps_the_layers_error_inside() {
        let err = io::Error::from(Error::Decode(DecodeError::HeaderLenZero));
        let inner = err
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<DecodeError>());
        assert_eq!(inner, Some(&DecodeError::HeaderLenZero));
        assert_eq!(err.to_string(), DecodeError::HeaderLenZero.to_string());
    }

    #[test]
    fn question_mark_works_in_io_and_boxed_results() {
        fn config_in_io() -> io::Result<crate::Decoder<0>> {
            Ok(crate::Decoder::<0>::new(crate::Config::default())?)
        }
        fn parse_in_box() -> Result<(), Box<dyn core::error::Error + Send + Sync>> {
            Err(ParseError::Rejected)?
        }
        assert_eq!(
            config_in_io().unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
        assert_eq!(
            parse_in_box().unwrap_err().to_string(),
            ParseError::Rejected.to_string()
        );
    }
}
