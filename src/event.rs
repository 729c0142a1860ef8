//! What the decoder hands back: headers, body chunks and frame ends.
//!
//! An [`Event`] borrows twice, and never copies:
//! - `'d`, the decoder: a [`Header`] is a view of the decoder's fixed header
//!   buffer, valid until the next call to the decoder;
//! - `'i`, the input: a body chunk is a slice of the bytes you passed in.
//!
//! One header frame yields `Header`, then zero or more `Body` chunks, then
//! `FrameEnd`. One raw frame yields `RawStart`, zero or more `Body` chunks,
//! then `FrameEnd`. A body of length 0 yields no chunk, and no chunk is ever
//! empty.

use serde::Deserialize;

/// One step of a decoded stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[must_use = "an event carries bytes that are consumed from the input"]
pub enum Event<'d, 'i> {
    /// A complete, checked header; its body follows.
    Header(Header<'d>),
    /// The prefix of a raw frame: `len` payload bytes follow.
    RawStart {
        /// The payload length.
        len: u64,
    },
    /// The next bytes of the body (or raw payload), borrowed from the input.
    Body {
        /// Body bytes, never empty.
        chunk: &'i [u8],
        /// Body bytes still to come after this chunk.
        remaining: u64,
    },
    /// The frame is complete; the next byte starts the next frame's prefix.
    FrameEnd,
}

/// A frame header: JSON text borrowed from the decoder, already checked to be
/// a UTF-8 JSON object with a valid body length.
///
/// Two typed parses turn it into your own type:
///
/// | method                                   | strings with escapes (`\n`, `\u7535`) | copies |
/// |------------------------------------------|---------------------------------------|--------|
/// | [`parse`](Self::parse)                   | borrowed `&str` fields get the raw, *still escaped* text | none |
/// | [`parse_unescaped`](Self::parse_unescaped) | `heapless::String<M>` fields get the real text | into your fields |
///
/// Python's `json.dumps` escapes every non-ASCII character by default, so
/// `电影.mp4` arrives as `"\u7535\u5f71.mp4"`: use `parse_unescaped` for any
/// text a person wrote.
///
/// ```
/// use heapless::String;
/// use serde::Deserialize;
/// use unstick::{Config, Decoder, Event};
///
/// #[derive(Deserialize)]
/// struct Upload {
///     file_name: String<64>,
///     file_size: u64,
/// }
///
/// // What Python's struct.pack('i', len(h)) + json.dumps(...).encode() writes:
/// let json = br#"{"file_name": "\u7535\u5f71.mp4", "file_size": 0}"#;
/// let mut frame = [0u8; 64];
/// frame[..4].copy_from_slice(&(json.len() as i32).to_le_bytes());
/// frame[4..4 + json.len()].copy_from_slice(json);
///
/// let mut decoder = Decoder::<128>::new(Config::python_struct())?;
/// let mut input = &frame[..4 + json.len()];
/// let Some(Event::Header(header)) = decoder.decode(&mut input)? else { unreachable!() };
/// let mut scratch = [0u8; 64];
/// let upload: Upload = header.parse_unescaped(&mut scratch)?;
/// assert_eq!(upload.file_name, "电影.mp4");
/// assert_eq!(upload.file_size, header.body_len());
/// # Ok::<(), unstick::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Header<'d> {
    json: &'d str,
    body_len: u64,
}

impl<'d> Header<'d> {
    pub(crate) const fn new(json: &'d str, body_len: u64) -> Self {
        Self { json, body_len }
    }

    /// The header as JSON text, exactly as received.
    pub const fn json(&self) -> &'d str {
        self.json
    }

    /// The header bytes, exactly as received.
    pub const fn as_bytes(&self) -> &'d [u8] {
        self.json.as_bytes()
    }

    /// The body length the header declares (0 if the body key is absent).
    pub const fn body_len(&self) -> u64 {
        self.body_len
    }

    /// Parses the header into `T` without copying: `&str` fields borrow the
    /// decoder's buffer and hold the raw JSON text, escapes *not* decoded.
    ///
    /// # Panics
    /// serde-json-core 0.7 panics (`unreachable!`) when `T` reads a map key
    /// as an owned `String` (e.g. `BTreeMap<String, _>` or `HashMap<String, _>`),
    /// whatever the input. Use `&str` or `heapless::String` keys, or structs.
    ///
    /// # Errors
    /// Any [`serde_json_core::de::Error`]: a missing field, a wrong type, a
    /// `heapless::String` field too small, or (with a `&str` field) nothing
    /// at all for an escaped string, which arrives still escaped.
    pub fn parse<T: Deserialize<'d>>(&self) -> Result<T, serde_json_core::de::Error> {
        crate::de::parse(self.json)
    }

    /// Parses the header into `T`, decoding string escapes into owned
    /// fields (`heapless::String<M>`) through `scratch`, which must be as long
    /// as the longest escaped string's unescaped form.
    ///
    /// # Errors
    /// As [`parse`](Self::parse), plus
    /// [`EscapedStringIsTooLong`](serde_json_core::de::Error::EscapedStringIsTooLong)
    /// when `scratch` is too short, and `CustomError` when a borrowed `&str`
    /// field meets an escaped string.
    ///
    /// # Panics
    /// As [`parse`](Self::parse): never use owned `String` map keys in `T`.
    pub fn parse_unescaped<T: Deserialize<'d>>(
        &self,
        scratch: &mut [u8],
    ) -> Result<T, serde_json_core::de::Error> {
        crate::de::parse_unescaped(self.json, scratch)
    }
}
