//! What the decoders hand back: headers, body chunks and frame ends.
//!
//! An event borrows, and never copies:
//! - `'d`, the decoder: a [`Header`] is a view of the [`Decoder`]'s fixed
//!   header buffer, valid until the next call to the decoder;
//! - `'i`, the input: a body chunk is a slice of the bytes you passed in.
//!
//! One header frame yields [`Event::Header`], then zero or more
//! [`Event::Body`] chunks, then [`Event::FrameEnd`]. One raw frame yields
//! [`RawEvent::Start`], zero or more [`RawEvent::Body`] chunks, then
//! [`RawEvent::FrameEnd`]. A body of length 0 yields no chunk, and no chunk
//! is ever empty.
//!
//! [`Decoder`]: crate::Decoder

use serde::Deserialize;

use crate::error::ParseError;

/// One step of a decoded stream of header frames (see [`Decoder`](crate::Decoder)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[must_use = "an event carries bytes that are consumed from the input"]
pub enum Event<'d, 'i> {
    /// A complete, checked header; its body follows.
    Header(Header<'d>),
    /// The next bytes of the body, borrowed from the input.
    Body {
        /// Body bytes, never empty.
        chunk: &'i [u8],
        /// Body bytes still to come after this chunk.
        remaining: u64,
    },
    /// The frame is complete; the next byte starts the next frame's prefix.
    FrameEnd,
}

/// One step of a decoded stream of raw frames (see [`RawDecoder`](crate::RawDecoder)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[must_use = "an event carries bytes that are consumed from the input"]
pub enum RawEvent<'i> {
    /// The prefix of a raw frame: `len` payload bytes follow.
    Start {
        /// The payload length.
        len: u64,
    },
    /// The next bytes of the payload, borrowed from the input.
    Body {
        /// Payload bytes, never empty.
        chunk: &'i [u8],
        /// Payload bytes still to come after this chunk.
        remaining: u64,
    },
    /// The frame is complete; the next byte starts the next frame's prefix.
    FrameEnd,
}

/// Which part of a frame a decoder is reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Part {
    /// The length prefix; between two frames when none of its bytes was seen
    /// yet (see `is_at_frame_boundary`).
    Prefix,
    /// The JSON header of a header frame (never for raw frames).
    Header,
    /// The body of a header frame or the payload of a raw frame, including
    /// the moment after its last byte when only the frame end is due.
    Body,
    /// Nothing: an error poisoned the decoder until `reset`.
    Failed,
}

/// A frame header: JSON text borrowed from the decoder, already checked to be
/// a UTF-8 JSON object with a valid body length.
///
/// Two typed parses turn it into your own type. Both give every field the
/// real text of its JSON string, or fail:
///
/// | method | a string with escapes (`\n`, `\u7535`) | copies |
/// |--------|----------------------------------------|--------|
/// | [`parse`](Self::parse) | refused with [`ParseError::EscapedString`]; escape-free strings borrow | none |
/// | [`parse_unescaped`](Self::parse_unescaped) | decoded into owned fields (`heapless::String<M>`) through your scratch buffer | into your fields |
///
/// Python's `json.dumps` escapes every non-ASCII character by default, so
/// `电影.mp4` arrives as `"\u7535\u5f71.mp4"`: for headers from Python, use
/// `parse_unescaped` with `heapless::String` fields.
///
/// ```
/// use heapless::String;
/// use serde::Deserialize;
/// use unstick::{Config, Decoder, Event, ParseError};
///
/// #[derive(Deserialize)]
/// struct Upload {
///     file_name: String<64>,
///     file_size: u64,
/// }
///
/// // What Python's struct.pack('i', len(h)) + json.dumps(...).encode() writes:
/// let json = br#"{"file_name": "\u7535\u5f71.mp4", "file_size": 0}"#;
/// let mut frame = Vec::new();
/// frame.extend_from_slice(&(json.len() as i32).to_le_bytes());
/// frame.extend_from_slice(json);
///
/// let mut decoder = Decoder::<128>::new(Config::python_struct())?;
/// let mut input = &frame[..];
/// let Some(Event::Header(header)) = decoder.decode(&mut input)? else {
///     panic!("a whole frame is a header");
/// };
/// assert_eq!(header.parse::<Upload>().err(), Some(ParseError::EscapedString));
/// let mut scratch = [0u8; 64];
/// let upload: Upload = header.parse_unescaped(&mut scratch)?;
/// assert_eq!(upload.file_name, "电影.mp4");
/// assert_eq!(upload.file_size, header.body_len());
/// # Ok::<(), unstick::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Header<'d> {
    json: &'d [u8],
    body_len: u64,
}

impl<'d> Header<'d> {
    /// A header of `json`, which [`header::check`](crate::header::check)
    /// has accepted (so it is UTF-8), declaring `body_len`.
    pub(crate) const fn new(json: &'d [u8], body_len: u64) -> Self {
        Self { json, body_len }
    }

    /// The header as JSON text, exactly as received.
    ///
    /// The header check validated it as UTF-8 in its single pass over the
    /// bytes; this converts them again (safe code cannot skip that), a pass
    /// over the header on each call. [`as_bytes`](Self::as_bytes) is free.
    pub fn json(&self) -> &'d str {
        // Never empty for a checked header: a header that is not UTF-8
        // never makes it into a `Header`.
        core::str::from_utf8(self.json).unwrap_or_default()
    }

    /// The header bytes, exactly as received.
    pub const fn as_bytes(&self) -> &'d [u8] {
        self.json
    }

    /// The body length the header declares (0 if the body key is absent).
    pub const fn body_len(&self) -> u64 {
        self.body_len
    }

    /// Parses the header into `T` without copying: `&str` fields borrow the
    /// decoder's buffer.
    ///
    /// # Errors
    /// [`ParseError::EscapedString`] if a string that `T` reads holds a JSON
    /// escape (its real text differs from the bytes received: use
    /// [`parse_unescaped`](Self::parse_unescaped)); any other [`ParseError`]
    /// when the header does not match `T` (a missing field, a wrong type, a
    /// `heapless::String` field too small).
    pub fn parse<T: Deserialize<'d>>(&self) -> Result<T, ParseError> {
        crate::de::parse(self.json)
    }

    /// Parses the header into `T`, decoding string escapes into owned fields
    /// (`heapless::String<M>`) through `scratch`, which must be as long as
    /// the longest escaped string's decoded form. Strings without escapes
    /// still borrow.
    ///
    /// # Errors
    /// As [`parse`](Self::parse), except that escapes are decoded:
    /// [`ParseError::ScratchTooSmall`] when `scratch` is too short, and
    /// [`ParseError::EscapedString`] when a borrowed `&str` field meets an
    /// escaped string.
    pub fn parse_unescaped<T: Deserialize<'d>>(&self, scratch: &mut [u8]) -> Result<T, ParseError> {
        crate::de::parse_unescaped(self.json, scratch)
    }
}
