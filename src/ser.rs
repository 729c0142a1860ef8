//! The header serializer: serde-json-core's [`Serializer`](Engine) with a
//! faster string path, the body length read as it is written, and errors
//! where serde-json-core would panic or write what is not JSON.
//!
//! The bytes of every header it accepts are exactly those
//! [`serde_json_core::to_slice`] writes, and
//! serde-json-core writes everything that takes more than copying: strings
//! that need escaping, floats, `collect_str` go to its serializer (the
//! engine), run on the rest of the output buffer. What is plain copying is
//! done here, in bulk, byte for byte as the engine would write it:
//! - a string with nothing to escape (no `"`, `\` or control character,
//!   recognised eight bytes at a time) between its quotes;
//! - brackets, commas, colons and struct keys;
//! - integers, in decimal (the one way the engine writes them).
//!
//! A call into the engine per key or comma would cost more than the bytes
//! it writes; the engine's `serialize_bytes` copies one byte at a time.

//! While it writes, the serializer keeps the promises of the header check
//! ([`header::check`]) without a second pass: the top-level value must be an
//! object, nesting is limited to [`MAX_NESTING`], and the top-level body key
//! may appear once, with a non-negative integer value that is captured as the
//! body length. The first violation in text order is reported with the
//! checker's own [`HeaderError`] and offset. Text the serializer cannot
//! vouch for (verbatim `serialize_bytes`, an `EscapedStr`) makes it run the
//! header check over what was written instead; only those paths refer to the
//! checker, so a header type without them does not link it.
//!
//! Where serde-json-core panics (`char`, enum tuple variants, `u128`/`i128`,
//! an error from the header type's own `Serialize`) or writes what is not
//! JSON (a field name that needs escaping, a map key that is not a string),
//! this returns [`SerError::Unsupported`] or [`SerError::Custom`].

use core::fmt;

use serde::ser::{self, Impossible, Serialize, Serializer as _};
use serde_json_core::ser::Serializer as Engine;

use crate::error::{HeaderError, JsonType, UnserializableValue};
use crate::header::{self, MAX_NESTING};

/// The newtype name of `serde_json_core::str::EscapedStr`, whose text the
/// engine writes between quotes as it is (already escaped).
const ESCAPED_STR: &str = "__serde_json_core_escaped_string__";

/// Why a header could not be serialized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SerError {
    /// The header does not fit in the output buffer.
    BufferFull,
    /// The header is not a valid frame header.
    Invalid(HeaderError),
    /// serde-json-core cannot write this value (it would panic).
    Unsupported {
        /// Offset in the header at which the value would start.
        offset: usize,
        /// What the value is.
        what: UnserializableValue,
    },
    /// The header type's `Serialize` implementation reported an error.
    Custom,
}

impl fmt::Display for SerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::BufferFull => f.write_str("the header does not fit in its buffer"),
            Self::Invalid(err) => err.fmt(f),
            Self::Unsupported { offset, what } => write!(
                f,
                "serde-json-core cannot serialize {what} (at header offset {offset})"
            ),
            Self::Custom => f.write_str("the header type failed to serialize itself"),
        }
    }
}

impl ser::StdError for SerError {}

impl ser::Error for SerError {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Self::Custom
    }
}

impl From<serde_json_core::ser::Error> for SerError {
    fn from(_: serde_json_core::ser::Error) -> Self {
        Self::BufferFull
    }
}

/// Serializes `value` into `out` as serde-json-core would and checks it as a
/// frame header with `body_key`: returns the length written and the body
/// length declared.
///
/// # Errors
/// [`SerError::BufferFull`] if it does not fit (whatever else is wrong),
/// else the first [`HeaderError`] the header check would report, else
/// [`SerError::Unsupported`] / [`SerError::Custom`] as they occur.
pub(crate) fn serialize_header<T: Serialize + ?Sized>(
    value: &T,
    out: &mut [u8],
    body_key: &str,
) -> Result<(usize, u64), SerError> {
    let mut writer = Writer::new(out, body_key);
    value.serialize(Ser {
        w: &mut writer,
        role: Role::Top,
    })?;
    let (len, verdict) = writer.finish();
    match verdict {
        Verdict::Checked(body_len) => Ok((len, body_len)),
        Verdict::Invalid(err) => Err(SerError::Invalid(err)),
        Verdict::Recheck(check) => check(&out[..len], body_key)
            .map(|body_len| (len, body_len))
            .map_err(SerError::Invalid),
    }
}

/// The header check ([`header::check`]), as the writer holds it.
type Check = fn(&[u8], &str) -> Result<u64, HeaderError>;

/// What the writer concluded about the header it wrote.
enum Verdict {
    Checked(u64),
    Invalid(HeaderError),
    /// The writer cannot vouch for the JSON: run this header check.
    Recheck(Check),
}

/// What a value is to the header check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The header itself.
    Top,
    /// The value of the body key in the top-level object.
    BodyLen,
    /// A map key; `top` in the top-level object.
    Key { top: bool },
    /// Any other value.
    Value,
}

/// The output and what is known so far about the header written into it.
struct Writer<'b, 'k> {
    out: &'b mut [u8],
    /// Bytes written so far.
    len: usize,
    body_key: &'k str,
    /// The body key as [`KeyWords`], if it is 8 to 16 bytes long.
    body_words: Option<KeyWords>,
    /// Arrays and objects open around the current position.
    depth: usize,
    /// The top-level value's type, once it is known not to be an object.
    not_object: Option<JsonType>,
    body_len: Option<u64>,
    body_key_seen: bool,
    /// The next member value is the body key's.
    body_next: bool,
    first_error: Option<HeaderError>,
    /// The header check, to run over the whole header once written. Only
    /// the paths that write JSON the writer cannot vouch for store it, so
    /// a header type that never takes them does not link the checker
    /// (about 3 KB of flash on Cortex-M).
    recheck: Option<Check>,
}

impl<'b, 'k> Writer<'b, 'k> {
    fn new(out: &'b mut [u8], body_key: &'k str) -> Self {
        Self {
            out,
            len: 0,
            body_key,
            body_words: KeyWords::of(body_key.as_bytes()),
            depth: 0,
            not_object: None,
            body_len: None,
            body_key_seen: false,
            body_next: false,
            first_error: None,
            recheck: None,
        }
    }

    fn finish(self) -> (usize, Verdict) {
        let verdict = if let Some(check) = self.recheck {
            Verdict::Recheck(check)
        } else if let Some(err) = self.first_error {
            Verdict::Invalid(err)
        } else if let Some(found) = self.not_object {
            Verdict::Invalid(HeaderError::NotAnObject { found })
        } else {
            Verdict::Checked(self.body_len.unwrap_or(0))
        };
        (self.len, verdict)
    }

    fn offset(&self) -> usize {
        self.len
    }

    /// Writes `bytes` as they are.
    fn raw(&mut self, bytes: &[u8]) -> Result<(), SerError> {
        let end = self.len + bytes.len();
        let room = self.out.get_mut(self.len..end);
        room.ok_or(SerError::BufferFull)?.copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }

    /// Writes `text` between quotes, then `after`, all as they are.
    fn quoted(&mut self, text: &[u8], after: &[u8]) -> Result<(), SerError> {
        let end = self.len + text.len() + 2 + after.len();
        let room = self
            .out
            .get_mut(self.len..end)
            .ok_or(SerError::BufferFull)?;
        room[0] = b'"';
        room[1..=text.len()].copy_from_slice(text);
        room[text.len() + 1] = b'"';
        room[text.len() + 2..].copy_from_slice(after);
        self.len = end;
        Ok(())
    }

    /// Lets the engine write the next value into the rest of the output.
    fn engine(
        &mut self,
        write: impl FnOnce(&mut Engine<'_>) -> Result<(), serde_json_core::ser::Error>,
    ) -> Result<(), SerError> {
        let mut engine = Engine::new(&mut self.out[self.len..]);
        write(&mut engine)?;
        self.len += engine.end();
        Ok(())
    }

    /// Writes the decimal digits of an integer, with a minus sign if
    /// `negative`, straight into the output.
    fn integer(&mut self, negative: bool, magnitude: u64) -> Result<(), SerError> {
        let end = self.len + usize::from(negative) + decimal_len(magnitude);
        let room = self
            .out
            .get_mut(self.len..end)
            .ok_or(SerError::BufferFull)?;
        // The first digit overwrites the sign when there is none.
        room[0] = b'-';
        write_decimal(magnitude, &mut room[usize::from(negative)..]);
        self.len = end;
        Ok(())
    }

    /// Keeps the first error in text order.
    fn record(&mut self, err: HeaderError) {
        self.first_error.get_or_insert(err);
    }

    fn unsupported(&self, what: UnserializableValue) -> SerError {
        SerError::Unsupported {
            offset: self.offset(),
            what,
        }
    }

    /// Accounts for a value of type `found` that starts here in `role`;
    /// numbers go through [`number`](Self::number) instead.
    fn value(&mut self, role: Role, found: JsonType) {
        match role {
            Role::Top => self.not_object = Some(found),
            Role::BodyLen => self.record(HeaderError::BodyLenWrongType {
                offset: self.offset(),
                found,
            }),
            Role::Key { .. } | Role::Value => {}
        }
    }

    /// Accounts for a number that starts here in `role`: `len` is its value
    /// if it is a non-negative integer, else `Err(negative)`.
    fn number(&mut self, role: Role, len: Result<u64, bool>) {
        if role != Role::BodyLen {
            return self.value(role, JsonType::Number);
        }
        let offset = self.offset();
        match len {
            Ok(len) => self.body_len = Some(len),
            Err(true) => self.record(HeaderError::BodyLenNegative { offset }),
            Err(false) => self.record(HeaderError::BodyLenNotInteger { offset }),
        }
    }

    fn float(&mut self, role: Role, finite: bool, negative: bool) {
        if finite {
            self.number(role, Err(negative));
        } else {
            self.value(role, JsonType::Null);
        }
    }

    /// Writes a string value or map key.
    fn string(&mut self, role: Role, text: &str) -> Result<(), SerError> {
        if role == (Role::Key { top: true }) {
            self.member(self.offset(), text == self.body_key);
        }
        self.value(role, JsonType::String);
        if needs_escape(text) {
            return self.engine(|engine| engine.serialize_str(text));
        }
        self.quoted(text.as_bytes(), b"")
    }

    /// A key of the top-level object starts at `offset`; `is_body_key` if
    /// it is the body key.
    fn member(&mut self, offset: usize, is_body_key: bool) {
        if !is_body_key {
            return;
        }
        if self.body_key_seen {
            self.record(HeaderError::DuplicateBodyKey { offset });
        }
        self.body_key_seen = true;
        self.body_next = true;
    }

    /// The role of the member value that follows a key.
    fn member_value(&mut self) -> Role {
        if core::mem::take(&mut self.body_next) {
            Role::BodyLen
        } else {
            Role::Value
        }
    }

    /// Writes a struct field or variant name as a key, and its colon. The
    /// engine writes names as they are, unescaped: for a name that needs
    /// escaping it would write invalid JSON or another key, so such a name
    /// is refused.
    fn struct_key(&mut self, top: bool, key: &str) -> Result<Role, SerError> {
        if let Some(words) = KeyWords::of(key.as_bytes()) {
            return self.short_struct_key(top, words);
        }
        if needs_escape(key) {
            return Err(self.unsupported(UnserializableValue::NameNeedsEscape));
        }
        if top {
            self.member(self.offset(), key == self.body_key);
        }
        self.quoted(key.as_bytes(), b":")?;
        Ok(self.member_value())
    }

    /// [`struct_key`](Self::struct_key) for a name of 8 to 16 bytes (most
    /// field names): checked, compared with the body key and written a word
    /// at a time, without a loop or a call.
    fn short_struct_key(&mut self, top: bool, words: KeyWords) -> Result<Role, SerError> {
        if words.need_escape() {
            return Err(self.unsupported(UnserializableValue::NameNeedsEscape));
        }
        if top {
            self.member(self.offset(), Some(words) == self.body_words);
        }
        let len = words.len;
        let end = self.len + len + 3;
        let room = self
            .out
            .get_mut(self.len..end)
            .ok_or(SerError::BufferFull)?;
        room[0] = b'"';
        room[1..9].copy_from_slice(&words.first.to_le_bytes());
        room[len - 7..=len].copy_from_slice(&words.last.to_le_bytes());
        room[len + 1..].copy_from_slice(b"\":");
        self.len = end;
        Ok(self.member_value())
    }

    /// Opens an array or object in `role`; returns whether it is the
    /// top-level object.
    fn open(&mut self, role: Role, found: JsonType) -> Result<bool, SerError> {
        let top = role == Role::Top && found == JsonType::Object;
        if !top {
            self.value(role, found);
        }
        self.bracket(if found == JsonType::Object {
            b"{"
        } else {
            b"["
        })?;
        Ok(top)
    }

    /// Writes an opening bracket, one level deeper.
    fn bracket(&mut self, bracket: &'static [u8]) -> Result<(), SerError> {
        if self.depth >= MAX_NESTING {
            self.record(HeaderError::TooDeep {
                offset: self.offset(),
                max: MAX_NESTING,
            });
        }
        self.depth += 1;
        self.raw(bracket)
    }

    /// Writes a closing bracket, one level up.
    fn close(&mut self, bracket: u8) -> Result<(), SerError> {
        self.depth -= 1;
        self.raw(&[bracket])
    }
}

/// A name of 8 to 16 bytes as two words: its first 8 bytes and its last 8
/// (which overlap when it is shorter than 16), little endian. Together they
/// hold every byte, so two names are equal exactly when their lengths and
/// words are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KeyWords {
    first: u64,
    last: u64,
    len: usize,
}

impl KeyWords {
    fn of(name: &[u8]) -> Option<Self> {
        if name.len() > 16 {
            return None;
        }
        Some(Self {
            first: u64::from_le_bytes(*name.first_chunk()?),
            last: u64::from_le_bytes(*name.last_chunk()?),
            len: name.len(),
        })
    }

    /// Whether JSON must escape some byte of the name.
    fn need_escape(self) -> bool {
        header::has_special(&self.first.to_le_bytes())
            || header::has_special(&self.last.to_le_bytes())
    }
}

/// Whether JSON must escape some byte of `text`.
fn needs_escape(text: &str) -> bool {
    header::has_special(text.as_bytes())
}

/// The number of decimal digits of `value`.
fn decimal_len(value: u64) -> usize {
    match u32::try_from(value) {
        Ok(small) => small.checked_ilog10().map_or(1, |log| log as usize + 1),
        Err(_) => 10 + (10..20).take_while(|&exp| value >= 10u64.pow(exp)).count(),
    }
}

/// Writes the decimal digits of `value` into `out`, which must be exactly
/// [`decimal_len`] bytes long. No 64-bit division: Cortex-M has none in
/// hardware, and the library routine for it costs about 900 bytes of flash.
/// Values that fit in 32 bits (every body length below 4 GiB) use 32-bit
/// division by 10, which compilers turn into a multiplication; larger ones
/// are split nine digits at a time by [`div_rem_billion`] first.
fn write_decimal(mut value: u64, out: &mut [u8]) {
    let mut end = out.len();
    while value > u64::from(u32::MAX) {
        let (high, mut low) = div_rem_billion(value);
        for slot in out[end - 9..end].iter_mut().rev() {
            *slot = b'0' + (low % 10) as u8;
            low /= 10;
        }
        end -= 9;
        value = high;
    }
    let mut small = value as u32;
    for slot in out[..end].iter_mut().rev() {
        *slot = b'0' + (small % 10) as u8;
        small /= 10;
    }
}

/// `value / 10^9` and `value % 10^9`, by binary long division: one bit of
/// the quotient per step, with shifts, comparisons and subtractions only.
fn div_rem_billion(mut value: u64) -> (u64, u32) {
    const BILLION: u64 = 1_000_000_000;
    let mut quotient = 0;
    let mut remainder = 0;
    for _ in 0..64 {
        remainder = (remainder << 1) | (value >> 63);
        value <<= 1;
        quotient <<= 1;
        if remainder >= BILLION {
            remainder -= BILLION;
            quotient |= 1;
        }
    }
    (quotient, remainder as u32)
}

/// The serializer handed to the header type: the writer and the role of the
/// value about to be written.
struct Ser<'w, 'b, 'k> {
    w: &'w mut Writer<'b, 'k>,
    role: Role,
}

impl<'w, 'b, 'k> Ser<'w, 'b, 'k> {
    fn signed(self, v: i64) -> Result<(), SerError> {
        self.w.number(self.role, u64::try_from(v).map_err(|_| true));
        self.w.integer(v < 0, v.unsigned_abs())
    }

    fn unsigned(self, v: u64) -> Result<(), SerError> {
        self.w.number(self.role, Ok(v));
        self.w.integer(false, v)
    }

    fn null(self) -> Result<(), SerError> {
        self.w.value(self.role, JsonType::Null);
        self.w.raw(b"null")
    }

    /// Opens an array or object and hands back its [`Compound`]. Inlined,
    /// with `serialize_struct` and `serialize_map`, into the header type's
    /// `serialize`: returned out of line, the `Result<Compound, _>` went
    /// through memory and was read back with loads that straddle the
    /// callee's narrower stores, a store-forwarding stall that `perf`
    /// sampled at about 40 % of that `serialize`'s time (encode, x86-64).
    #[inline]
    fn compound(self, found: JsonType, in_variant: bool) -> Result<Compound<'w, 'b, 'k>, SerError> {
        let top = self.w.open(self.role, found)?;
        Ok(Compound {
            w: self.w,
            top,
            first: true,
            close: if found == JsonType::Object {
                b'}'
            } else {
                b']'
            },
            in_variant,
        })
    }
}

impl<'w, 'b, 'k> ser::Serializer for Ser<'w, 'b, 'k> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Compound<'w, 'b, 'k>;
    type SerializeTuple = Compound<'w, 'b, 'k>;
    type SerializeTupleStruct = Compound<'w, 'b, 'k>;
    type SerializeTupleVariant = Impossible<(), SerError>;
    type SerializeMap = Compound<'w, 'b, 'k>;
    type SerializeStruct = Compound<'w, 'b, 'k>;
    type SerializeStructVariant = Compound<'w, 'b, 'k>;

    fn serialize_bool(self, v: bool) -> Result<(), SerError> {
        self.w.value(self.role, JsonType::Bool);
        self.w.raw(if v { b"true" } else { b"false" })
    }

    fn serialize_i8(self, v: i8) -> Result<(), SerError> {
        self.signed(v.into())
    }

    fn serialize_i16(self, v: i16) -> Result<(), SerError> {
        self.signed(v.into())
    }

    fn serialize_i32(self, v: i32) -> Result<(), SerError> {
        self.signed(v.into())
    }

    fn serialize_i64(self, v: i64) -> Result<(), SerError> {
        self.signed(v)
    }

    fn serialize_i128(self, _: i128) -> Result<(), SerError> {
        Err(self.w.unsupported(UnserializableValue::Int128))
    }

    fn serialize_u8(self, v: u8) -> Result<(), SerError> {
        self.unsigned(v.into())
    }

    fn serialize_u16(self, v: u16) -> Result<(), SerError> {
        self.unsigned(v.into())
    }

    fn serialize_u32(self, v: u32) -> Result<(), SerError> {
        self.unsigned(v.into())
    }

    fn serialize_u64(self, v: u64) -> Result<(), SerError> {
        self.unsigned(v)
    }

    fn serialize_u128(self, _: u128) -> Result<(), SerError> {
        Err(self.w.unsupported(UnserializableValue::Int128))
    }

    fn serialize_f32(self, v: f32) -> Result<(), SerError> {
        self.w.float(self.role, v.is_finite(), v.is_sign_negative());
        self.w.engine(|engine| engine.serialize_f32(v))
    }

    fn serialize_f64(self, v: f64) -> Result<(), SerError> {
        self.w.float(self.role, v.is_finite(), v.is_sign_negative());
        self.w.engine(|engine| engine.serialize_f64(v))
    }

    fn serialize_char(self, _: char) -> Result<(), SerError> {
        Err(self.w.unsupported(UnserializableValue::Char))
    }

    fn serialize_str(self, v: &str) -> Result<(), SerError> {
        self.w.string(self.role, v)
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<(), SerError> {
        self.w.recheck = Some(header::check);
        self.w.raw(v)
    }

    fn serialize_none(self) -> Result<(), SerError> {
        self.null()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), SerError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), SerError> {
        self.null()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), SerError> {
        self.null()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), SerError> {
        self.w.string(self.role, variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        if name != ESCAPED_STR {
            return value.serialize(self);
        }
        self.w.recheck = Some(header::check);
        self.w.raw(b"\"")?;
        value.serialize(EscapedText { w: self.w })?;
        self.w.raw(b"\"")
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        let top = self.w.open(self.role, JsonType::Object)?;
        let role = self.w.struct_key(top, variant)?;
        value.serialize(Ser { w: self.w, role })?;
        self.w.close(b'}')
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'w, 'b, 'k>, SerError> {
        self.compound(JsonType::Array, false)
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound<'w, 'b, 'k>, SerError> {
        self.compound(JsonType::Array, false)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'b, 'k>, SerError> {
        self.compound(JsonType::Array, false)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        Err(self.w.unsupported(UnserializableValue::TupleVariant))
    }

    #[inline]
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'w, 'b, 'k>, SerError> {
        self.compound(JsonType::Object, false)
    }

    #[inline]
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'w, 'b, 'k>, SerError> {
        self.compound(JsonType::Object, false)
    }

    /// `{"variant":{...}}`, as the engine writes it.
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'w, 'b, 'k>, SerError> {
        let top = self.w.open(self.role, JsonType::Object)?;
        let role = self.w.struct_key(top, variant)?;
        Ser { w: self.w, role }.compound(JsonType::Object, true)
    }

    /// The engine escapes `"`, `\\` and control characters, each with a
    /// backslash, and the body key has none of them: a key is the body key
    /// exactly when the engine wrote it as it is.
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result<(), SerError> {
        let start = self.w.offset();
        self.w.value(self.role, JsonType::String);
        self.w.engine(|engine| engine.collect_str(value))?;
        if self.role == (Role::Key { top: true }) {
            let written = &self.w.out[start + 1..self.w.len - 1];
            self.w.member(start, written == self.w.body_key.as_bytes());
        }
        Ok(())
    }
}

/// An array or object being written; `close` ends it, and then a `}` if it
/// is the value of a struct variant (`{"variant":{...}}`).
struct Compound<'w, 'b, 'k> {
    w: &'w mut Writer<'b, 'k>,
    /// Whether this is the top-level object, whose keys may be the body key.
    top: bool,
    first: bool,
    close: u8,
    in_variant: bool,
}

impl Compound<'_, '_, '_> {
    /// Writes the comma before every member or element but the first.
    fn separate(&mut self) -> Result<(), SerError> {
        if core::mem::replace(&mut self.first, false) {
            Ok(())
        } else {
            self.w.raw(b",")
        }
    }

    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.separate()?;
        value.serialize(Ser {
            w: self.w,
            role: Role::Value,
        })
    }

    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        self.separate()?;
        let role = self.w.struct_key(self.top, key)?;
        value.serialize(Ser { w: self.w, role })
    }

    fn end(self) -> Result<(), SerError> {
        self.w.close(self.close)?;
        if self.in_variant {
            self.w.close(b'}')?;
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.element(value)
    }

    fn end(self) -> Result<(), SerError> {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.element(value)
    }

    fn end(self) -> Result<(), SerError> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        self.element(value)
    }

    fn end(self) -> Result<(), SerError> {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = SerError;

    /// The engine writes any value as a key; JSON keys are strings, so a
    /// key written without its opening quote is refused.
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), SerError> {
        self.separate()?;
        let start = self.w.offset();
        key.serialize(Ser {
            w: self.w,
            role: Role::Key { top: self.top },
        })?;
        if self.w.len == start || self.w.out[start] != b'"' {
            return Err(SerError::Unsupported {
                offset: start,
                what: UnserializableValue::NonStringKey,
            });
        }
        self.w.raw(b":")
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), SerError> {
        let role = self.w.member_value();
        value.serialize(Ser { w: self.w, role })
    }

    fn end(self) -> Result<(), SerError> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), SerError> {
        Compound::end(self)
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_, '_> {
    type Ok = ();
    type Error = SerError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), SerError> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), SerError> {
        Compound::end(self)
    }
}

/// The content of an `EscapedStr`: a string, written as it is.
struct EscapedText<'w, 'b, 'k> {
    w: &'w mut Writer<'b, 'k>,
}

impl EscapedText<'_, '_, '_> {
    fn refuse(self) -> Result<(), SerError> {
        Err(self.w.unsupported(UnserializableValue::EscapedNonString))
    }

    fn refuse_compound<C>(self) -> Result<C, SerError> {
        Err(self.w.unsupported(UnserializableValue::EscapedNonString))
    }
}

impl ser::Serializer for EscapedText<'_, '_, '_> {
    type Ok = ();
    type Error = SerError;
    type SerializeSeq = Impossible<(), SerError>;
    type SerializeTuple = Impossible<(), SerError>;
    type SerializeTupleStruct = Impossible<(), SerError>;
    type SerializeTupleVariant = Impossible<(), SerError>;
    type SerializeMap = Impossible<(), SerError>;
    type SerializeStruct = Impossible<(), SerError>;
    type SerializeStructVariant = Impossible<(), SerError>;

    fn serialize_str(self, v: &str) -> Result<(), SerError> {
        self.w.raw(v.as_bytes())
    }

    fn serialize_bool(self, _: bool) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_i8(self, _: i8) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_i16(self, _: i16) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_i32(self, _: i32) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_i64(self, _: i64) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_u8(self, _: u8) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_u16(self, _: u16) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_u32(self, _: u32) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_u64(self, _: u64) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_f32(self, _: f32) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_f64(self, _: f64) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_char(self, _: char) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_bytes(self, _: &[u8]) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_none(self) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_unit(self) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
    ) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), SerError> {
        self.refuse()
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, SerError> {
        self.refuse_compound()
    }

    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, SerError> {
        self.refuse_compound()
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, SerError> {
        self.refuse_compound()
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, SerError> {
        self.refuse_compound()
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, SerError> {
        self.refuse_compound()
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, SerError> {
        self.refuse_compound()
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, SerError> {
        self.refuse_compound()
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, _: &T) -> Result<(), SerError> {
        self.refuse()
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use std::string::String;
    use std::vec::Vec;

    use proptest::prelude::*;
    use serde::Serialize;
    use serde::ser::{SerializeMap, SerializeSeq, SerializeStruct};
    use serde_json_core::str::EscapedStr;

    use super::*;

    #[test]
    fn decimal_writes_every_integer_as_its_digits() {
        let mut values = std::vec![0, 9, 10, 99, 100, 999_999_999, 1_000_000_000, 1_000_000_001];
        values.extend([
            u64::from(u32::MAX),
            u64::from(u32::MAX) + 1,
            10u64.pow(18) - 1,
        ]);
        values.extend([
            10u64.pow(18),
            10u64.pow(19) - 1,
            10u64.pow(19),
            u64::MAX - 1,
            u64::MAX,
        ]);
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        for shift in 0..64 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            values.push(x >> shift);
        }
        for value in values {
            let mut digits = [0; 20];
            let digits = &mut digits[..decimal_len(value)];
            write_decimal(value, digits);
            assert_eq!(digits, std::format!("{value}").as_bytes(), "{value}");
        }
    }

    #[test]
    fn div_rem_billion_divides() {
        for value in [
            0,
            999_999_999,
            1_000_000_000,
            4_294_967_296,
            10u64.pow(18) + 7,
            u64::MAX,
        ] {
            let expected = (value / 1_000_000_000, (value % 1_000_000_000) as u32);
            assert_eq!(div_rem_billion(value), expected, "{value}");
        }
    }

    const KEY: &str = "file_size";

    /// What the encoder did before this module: serde-json-core, then the
    /// header check over its bytes.
    fn reference<T: Serialize + ?Sized>(
        value: &T,
        out: &mut [u8],
    ) -> Result<(usize, u64), SerError> {
        let len = serde_json_core::to_slice(value, out)?;
        let body_len = header::check(&out[..len], KEY).map_err(SerError::Invalid)?;
        Ok((len, body_len))
    }

    /// Serializes `value` both ways into buffers of `size` bytes and checks
    /// that both agree on the bytes and the verdict.
    fn agrees<T: Serialize + ?Sized>(value: &T, size: usize) -> Result<(usize, u64), SerError> {
        let mut expected = std::vec![0; size];
        let mut actual = std::vec![0; size];
        let want = reference(value, &mut expected);
        let got = serialize_header(value, &mut actual, KEY);
        if let Err(SerError::Unsupported {
            offset,
            what: UnserializableValue::NameNeedsEscape,
        }) = got
        {
            engine_writes_a_name_unescaped_after(value, &actual[..offset]);
            return got;
        }
        assert_eq!(got, want);
        if let Ok((len, _)) = got {
            assert_eq!(&actual[..len], &expected[..len]);
        }
        got
    }

    /// Checks a refusal of a name: serde-json-core, given room, writes
    /// `before` and then one of [`FIELDS`] that needs escaping, unescaped,
    /// as a key.
    fn engine_writes_a_name_unescaped_after<T: Serialize + ?Sized>(value: &T, before: &[u8]) {
        let mut out = std::vec![0; 4096];
        let len = serde_json_core::to_slice(value, &mut out).unwrap();
        assert_eq!(&out[..before.len()], before);
        let key = &out[before.len()..len];
        let raw_name = |name: &&str| {
            let quoted = std::format!("\"{name}\":");
            needs_escape(name) && key.starts_with(quoted.as_bytes())
        };
        assert!(FIELDS.iter().any(raw_name), "{key:?}");
    }

    fn written<T: Serialize + ?Sized>(value: &T) -> String {
        let mut out = [0; 512];
        let (len, _) = serialize_header(value, &mut out, KEY).unwrap();
        String::from_utf8(out[..len].to_vec()).unwrap()
    }

    #[derive(Serialize)]
    struct Upload<'a> {
        file_name: &'a str,
        file_size: u64,
    }

    #[test]
    fn writes_what_serde_json_core_writes_and_reads_the_body_len() {
        let upload = Upload {
            file_name: "upload/2026/11/frame-00001.bin",
            file_size: 200,
        };
        assert_eq!(agrees(&upload, 256), Ok((62, 200)));
        let escaped = Upload {
            file_name: "a \"quoted\"\\ name\n\u{1}é😀",
            file_size: 0,
        };
        assert_eq!(agrees(&escaped, 256).map(|(_, len)| len), Ok(0));
        assert_eq!(
            written(&escaped),
            "{\"file_name\":\"a \\\"quoted\\\"\\\\ name\\n\\u0001é😀\",\"file_size\":0}"
        );
    }

    #[test]
    fn buffer_full_wins_over_every_other_refusal() {
        let upload = Upload {
            file_name: "abc",
            file_size: 1,
        };
        for size in 0..33 {
            assert_eq!(agrees(&upload, size), Err(SerError::BufferFull), "{size}");
        }
        assert_eq!(agrees(&[1, 2], 4), Err(SerError::BufferFull));
    }

    #[derive(Serialize)]
    struct Twice {
        file_size: u64,
        #[serde(rename = "file_size")]
        again: u64,
    }

    #[derive(Serialize)]
    struct Len<T> {
        a: u8,
        file_size: T,
    }

    #[test]
    fn the_body_len_is_refused_as_the_header_check_refuses_it() {
        let invalid = |err| Err(SerError::Invalid(err));
        assert_eq!(
            agrees(
                &Twice {
                    file_size: 1,
                    again: 2
                },
                64
            ),
            invalid(HeaderError::DuplicateBodyKey { offset: 15 })
        );
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: -3i32
                },
                64
            ),
            invalid(HeaderError::BodyLenNegative { offset: 19 })
        );
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: 7i8
                },
                64
            ),
            Ok((21, 7))
        );
        for float in [5.0, 1e300, f64::MIN_POSITIVE] {
            assert_eq!(
                agrees(
                    &Len {
                        a: 1,
                        file_size: float
                    },
                    64
                ),
                invalid(HeaderError::BodyLenNotInteger { offset: 19 })
            );
        }
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: -0.0f32
                },
                64
            ),
            invalid(HeaderError::BodyLenNegative { offset: 19 })
        );
        let wrong = |found| invalid(HeaderError::BodyLenWrongType { offset: 19, found });
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: f64::NAN
                },
                64
            ),
            wrong(JsonType::Null)
        );
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: "5"
                },
                64
            ),
            wrong(JsonType::String)
        );
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: true
                },
                64
            ),
            wrong(JsonType::Bool)
        );
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: ()
                },
                64
            ),
            wrong(JsonType::Null)
        );
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: [1]
                },
                64
            ),
            wrong(JsonType::Array)
        );
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: Len { a: 1, file_size: 2 }
                },
                64
            ),
            wrong(JsonType::Object)
        );
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: Some(4u16)
                },
                64
            ),
            Ok((21, 4))
        );
    }

    #[test]
    fn the_first_refusal_in_text_order_is_reported() {
        #[derive(Serialize)]
        struct Three {
            file_size: bool,
            #[serde(rename = "file_size")]
            again: u64,
        }
        assert_eq!(
            agrees(
                &Three {
                    file_size: true,
                    again: 1
                },
                64
            ),
            Err(SerError::Invalid(HeaderError::BodyLenWrongType {
                offset: 13,
                found: JsonType::Bool
            }))
        );
    }

    #[test]
    fn the_body_key_counts_only_in_the_top_level_object() {
        let nested = Len {
            a: 1,
            file_size: 3u8,
        };
        assert_eq!(
            agrees(&[&nested], 64).map(|_| ()),
            Err(SerError::Invalid(HeaderError::NotAnObject {
                found: JsonType::Array
            }))
        );
        #[derive(Serialize)]
        struct Outer<'a> {
            inner: &'a Len<u8>,
        }
        assert_eq!(agrees(&Outer { inner: &nested }, 64), Ok((31, 0)));
    }

    #[test]
    fn top_level_values_that_are_not_objects_are_refused() {
        let not = |found| Err(SerError::Invalid(HeaderError::NotAnObject { found }));
        assert_eq!(agrees(&1u8, 8), not(JsonType::Number));
        assert_eq!(agrees(&-1.5f64, 8), not(JsonType::Number));
        assert_eq!(agrees("s", 8), not(JsonType::String));
        assert_eq!(agrees(&None::<u8>, 8), not(JsonType::Null));
        assert_eq!(agrees(&false, 8), not(JsonType::Bool));
        assert_eq!(agrees(&[0u8; 0], 8), not(JsonType::Array));
    }

    /// A map or struct nested `depth` levels deep.
    struct Deep(usize);

    impl Serialize for Deep {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            if self.0 == 0 {
                return serializer.serialize_u8(0);
            }
            let mut seq = serializer.serialize_seq(None)?;
            seq.serialize_element(&Deep(self.0 - 1))?;
            seq.end()
        }
    }

    #[test]
    fn nesting_is_limited_as_the_header_check_limits_it() {
        assert_eq!(
            agrees(
                &Len {
                    a: 1,
                    file_size: 0u8
                },
                512
            ),
            Ok((21, 0))
        );
        #[derive(Serialize)]
        struct Wrap {
            a: Deep,
        }
        assert_eq!(
            agrees(
                &Wrap {
                    a: Deep(MAX_NESTING - 1)
                },
                512
            )
            .map(|_| ()),
            Ok(())
        );
        assert_eq!(
            agrees(
                &Wrap {
                    a: Deep(MAX_NESTING)
                },
                512
            ),
            Err(SerError::Invalid(HeaderError::TooDeep {
                offset: 5 + MAX_NESTING - 1,
                max: MAX_NESTING
            }))
        );
        assert_eq!(
            agrees(&Deep(MAX_NESTING + 1), 512),
            Err(SerError::Invalid(HeaderError::TooDeep {
                offset: MAX_NESTING,
                max: MAX_NESTING
            }))
        );
    }

    /// Map keys and values given at run time; keys of any `Serialize` type
    /// (`&str`, `EscapedStr`, [`Shown`]).
    struct Map<'a, K>(&'a [(K, u64)]);

    impl<K: Serialize> Serialize for Map<'_, K> {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(self.0.len()))?;
            for (key, value) in self.0 {
                map.serialize_entry(key, value)?;
            }
            map.end()
        }
    }

    #[test]
    fn map_keys_compare_as_unescaped_text() {
        assert_eq!(
            agrees(&Map(&[("a\"", 1), ("file_size", 2)]), 64),
            Ok((23, 2))
        );
        assert_eq!(
            agrees(&Map(&[("file_size", 1), ("x", 1), ("file_size", 2)]), 64),
            Err(SerError::Invalid(HeaderError::DuplicateBodyKey {
                offset: 21
            }))
        );
        assert_eq!(agrees(&Map(&[("file_size\n", 1)]), 64), Ok((17, 0)));
    }

    #[test]
    fn unvouched_json_is_checked_after_writing() {
        #[derive(Serialize)]
        struct Odd<'a> {
            #[serde(with = "bytes")]
            raw: &'a [u8],
            escaped: EscapedStr<'a>,
            #[serde(rename = "file_size", with = "bytes")]
            size: &'a [u8],
        }
        let odd = |raw, size| Odd {
            raw,
            escaped: EscapedStr("\\u00e9"),
            size,
        };
        // {"raw":[1],"escaped":"\u00e9","file_size":4}
        assert_eq!(agrees(&odd(b"[1]", b"4"), 128), Ok((44, 4)));
        assert_eq!(
            agrees(&odd(b"[1]", b"-4"), 128),
            Err(SerError::Invalid(HeaderError::BodyLenNegative {
                offset: 42
            }))
        );
        // {"raw":[1,"escaped":... : the array holds a string, then a colon.
        assert_eq!(
            agrees(&odd(b"[1", b"4"), 128),
            Err(SerError::Invalid(HeaderError::Syntax {
                offset: 19,
                found: Some(b':')
            }))
        );
        // An escaped key is compared with the body key once unescaped.
        let escaped_key = Map(&[(EscapedStr("file\\u005fsize"), 7)]);
        assert_eq!(agrees(&escaped_key, 64), Ok((20, 7)));
    }

    #[test]
    fn names_and_keys_serde_json_core_would_write_as_invalid_json_are_refused() {
        #[derive(Serialize)]
        struct Renamed {
            #[serde(rename = "file\\u005fsize")]
            size: u8,
        }
        let mut out = [0; 64];
        let len = serde_json_core::to_slice(&Renamed { size: 4 }, &mut out).unwrap();
        assert_eq!(&out[..len], br#"{"file\u005fsize":4}"#);
        assert_eq!(
            serialize_header(&Renamed { size: 4 }, &mut out, KEY),
            Err(refused(1, UnserializableValue::NameNeedsEscape))
        );

        #[derive(Serialize)]
        enum Quoted {
            #[serde(rename = "a\"b")]
            Variant { file_size: u8 },
        }
        let len = serde_json_core::to_slice(&Quoted::Variant { file_size: 1 }, &mut out).unwrap();
        assert_eq!(&out[..len], br#"{"a"b":{"file_size":1}}"#);
        assert_eq!(
            serialize_header(&Quoted::Variant { file_size: 1 }, &mut out, KEY),
            Err(refused(1, UnserializableValue::NameNeedsEscape))
        );

        let len = serde_json_core::to_slice(&IntKey, &mut out).unwrap();
        assert_eq!(&out[..len], b"{1:2}");
        assert_eq!(
            serialize_header(&IntKey, &mut out, KEY),
            Err(refused(1, UnserializableValue::NonStringKey))
        );
        assert_eq!(
            serialize_header(&Nested { m: IntKey }, &mut out, KEY),
            Err(refused(6, UnserializableValue::NonStringKey))
        );
    }

    /// A struct with one field, named as given, holding 1.
    struct Named(&'static str);

    impl Serialize for Named {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut st = serializer.serialize_struct("Named", 1)?;
            st.serialize_field(self.0, &1u8)?;
            st.end()
        }
    }

    fn leak(bytes: Vec<u8>) -> &'static str {
        std::boxed::Box::leak(String::from_utf8(bytes).unwrap().into_boxed_str())
    }

    /// Body length of `Named(name)` with `body_key`: 1 if the name is it.
    fn body_len_with(name: &'static str, body_key: &str) -> Result<u64, SerError> {
        let mut out = [0; 64];
        serialize_header(&Named(name), &mut out, body_key).map(|(_, body_len)| body_len)
    }

    #[test]
    fn names_are_checked_compared_and_written_at_every_length() {
        const LETTERS: &[u8] = b"abcdefghijklmnopqrst";
        for len in 1..=LETTERS.len() {
            let name = leak(LETTERS[..len].to_vec());
            // {"<name>":1}
            assert_eq!(agrees(&Named(name), 64), Ok((len + 6, 0)), "{name}");
            for key_len in 1..=LETTERS.len() {
                let key = core::str::from_utf8(&LETTERS[..key_len]).unwrap();
                let is_key = u64::from(key_len == len);
                assert_eq!(body_len_with(name, key), Ok(is_key), "{name} / {key}");
            }
            for at in 0..len {
                let mut other = LETTERS[..len].to_vec();
                other[at] = b'_';
                assert_eq!(body_len_with(leak(other), name), Ok(0), "{name}, at {at}");
                for special in [0, 0x1f, b'"', b'\\'] {
                    let mut bad = LETTERS[..len].to_vec();
                    bad[at] = special;
                    assert_eq!(
                        body_len_with(leak(bad), KEY),
                        Err(refused(1, UnserializableValue::NameNeedsEscape)),
                        "{name}, {special:#x} at {at}"
                    );
                }
            }
        }
    }

    fn refused(offset: usize, what: UnserializableValue) -> SerError {
        SerError::Unsupported { offset, what }
    }

    #[derive(Serialize)]
    struct Nested<T> {
        m: T,
    }

    /// A map key or value written with `collect_str`, as `Display` shows it.
    struct Shown<'a>(&'a str);

    impl Serialize for Shown<'_> {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(self.0)
        }
    }

    #[test]
    fn collected_keys_are_compared_with_the_body_key_as_written() {
        assert_eq!(agrees(&Map(&[(Shown("file_size"), 5)]), 64), Ok((15, 5)));
        assert_eq!(agrees(&Map(&[(Shown("file_size\n"), 5)]), 64), Ok((17, 0)));
        assert_eq!(agrees(&Map(&[(Shown("file_siz"), 5)]), 64), Ok((14, 0)));
        assert_eq!(
            agrees(
                &Map(&[
                    (Shown("a"), 1),
                    (Shown("file_size"), 2),
                    (Shown("file_size"), 3)
                ]),
                64
            ),
            Err(SerError::Invalid(HeaderError::DuplicateBodyKey {
                offset: 21
            }))
        );
        // Only the top-level object's keys count.
        let nested = Nested {
            m: Map(&[(Shown("file_size"), 5)]),
        };
        assert_eq!(agrees(&nested, 64), Ok((21, 0)));
        let shown_len = Len {
            a: 0,
            file_size: Shown("5"),
        };
        assert_eq!(
            agrees(&shown_len, 64),
            Err(SerError::Invalid(HeaderError::BodyLenWrongType {
                offset: 19,
                found: JsonType::String
            }))
        );
    }

    mod bytes {
        pub(super) fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    struct IntKey;

    impl Serialize for IntKey {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(&1, &2)?;
            map.end()
        }
    }

    #[derive(Serialize)]
    enum Kind {
        Unit,
        Newtype(u64),
        Tuple(u8, u8),
        Struct { file_size: u64 },
    }

    #[test]
    fn enums_are_written_as_serde_json_core_writes_them() {
        assert_eq!(
            written(&Len {
                a: 0,
                file_size: 1u8
            }),
            r#"{"a":0,"file_size":1}"#
        );
        #[derive(Serialize)]
        struct K {
            k: Kind,
        }
        assert_eq!(agrees(&K { k: Kind::Unit }, 64), Ok((12, 0)));
        assert_eq!(
            agrees(
                &K {
                    k: Kind::Newtype(3)
                },
                64
            ),
            Ok((19, 0))
        );
        assert_eq!(
            agrees(
                &K {
                    k: Kind::Struct { file_size: 2 }
                },
                64
            ),
            Ok((32, 0))
        );
        #[allow(non_camel_case_types)]
        #[derive(Serialize)]
        enum Top {
            file_size(u64),
            Other { file_size: u64 },
        }
        assert_eq!(agrees(&Top::file_size(9), 64), Ok((15, 9)));
        assert_eq!(agrees(&Top::Other { file_size: 9 }, 64), Ok((25, 0)));
    }

    #[test]
    fn what_serde_json_core_panics_on_is_an_error() {
        #[derive(Serialize)]
        struct C {
            c: char,
        }
        let unsupported = |offset, what| Err(refused(offset, what));
        let mut out = [0; 64];
        assert_eq!(
            serialize_header(&C { c: 'x' }, &mut out, KEY),
            unsupported(5, UnserializableValue::Char)
        );
        assert_eq!(
            serialize_header(&Kind::Tuple(1, 2), &mut out, KEY),
            unsupported(0, UnserializableValue::TupleVariant)
        );
        assert_eq!(
            serialize_header(
                &Len {
                    a: 1,
                    file_size: 1u128
                },
                &mut out,
                KEY
            ),
            unsupported(19, UnserializableValue::Int128)
        );
        assert_eq!(
            serialize_header(&Map2(&[('k', 1)]), &mut out, KEY),
            unsupported(1, UnserializableValue::Char)
        );
        assert_eq!(
            serialize_header(&Failing, &mut out, KEY),
            Err(SerError::Custom)
        );
        #[derive(Serialize)]
        #[serde(rename = "__serde_json_core_escaped_string__")]
        struct NotText(u8);
        assert_eq!(
            serialize_header(&NotText(1), &mut out, KEY),
            unsupported(1, UnserializableValue::EscapedNonString)
        );
    }

    #[test]
    fn errors_say_what_went_wrong_and_where() {
        let shown = |err: SerError| std::format!("{err}");
        assert!(shown(SerError::BufferFull).contains("does not fit"));
        let invalid = HeaderError::DuplicateBodyKey { offset: 15 };
        assert_eq!(shown(SerError::Invalid(invalid)), std::format!("{invalid}"));
        let char_at_5 = shown(SerError::Unsupported {
            offset: 5,
            what: UnserializableValue::Char,
        });
        assert!(char_at_5.contains("a char") && char_at_5.contains("offset 5"));
        assert!(shown(SerError::Custom).contains("failed"));
    }

    struct Map2<'a>(&'a [(char, u8)]);

    impl Serialize for Map2<'_> {
        fn serialize<S: ser::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            for (key, value) in self.0 {
                map.serialize_entry(key, value)?;
            }
            map.end()
        }
    }

    struct Failing;

    impl Serialize for Failing {
        fn serialize<S: ser::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            Err(ser::Error::custom("no"))
        }
    }

    /// A JSON-like tree of everything serde-json-core writes without panicking.
    #[derive(Debug, Clone)]
    enum Node {
        Str(String),
        Unsigned(u64),
        Signed(i64),
        Float(f64),
        Float32(f32),
        Bool(bool),
        Null,
        Bytes(Vec<u8>),
        Escaped(String),
        Seq(Vec<Node>),
        Map(Vec<(String, Node)>),
        Struct(Vec<(usize, Node)>),
    }

    /// Struct keys: `&'static str`, some of them the body key.
    const FIELDS: [&str; 5] = ["file_size", "name", "file\\u005fsize", "a\"b", ""];

    impl Serialize for Node {
        fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Self::Str(v) => s.serialize_str(v),
                Self::Unsigned(v) => s.serialize_u64(*v),
                Self::Signed(v) => s.serialize_i64(*v),
                Self::Float(v) => s.serialize_f64(*v),
                Self::Float32(v) => s.serialize_f32(*v),
                Self::Bool(v) => s.serialize_bool(*v),
                Self::Null => s.serialize_none(),
                Self::Bytes(v) => s.serialize_bytes(v),
                Self::Escaped(v) => EscapedStr(v).serialize(s),
                Self::Seq(items) => {
                    let mut seq = s.serialize_seq(Some(items.len()))?;
                    for item in items {
                        seq.serialize_element(item)?;
                    }
                    seq.end()
                }
                Self::Map(entries) => {
                    let mut map = s.serialize_map(None)?;
                    for (key, value) in entries {
                        map.serialize_entry(key, value)?;
                    }
                    map.end()
                }
                Self::Struct(fields) => {
                    let mut st = s.serialize_struct("S", fields.len())?;
                    for (key, value) in fields {
                        st.serialize_field(FIELDS[*key], value)?;
                    }
                    st.end()
                }
            }
        }
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::from(KEY)),
            "[a-z_]{0,12}",
            "[a-z\"\\\\\\x00-\\x1f\\x7f é😀]{0,12}",
        ]
    }

    fn node() -> impl Strategy<Value = Node> {
        let leaf = prop_oneof![
            text().prop_map(Node::Str),
            any::<u64>().prop_map(Node::Unsigned),
            (0..300u64).prop_map(Node::Unsigned),
            any::<i64>().prop_map(Node::Signed),
            any::<f64>().prop_map(Node::Float),
            any::<f32>().prop_map(Node::Float32),
            any::<bool>().prop_map(Node::Bool),
            Just(Node::Null),
            "[\\[\\]{}0-9,:\" a]{0,6}".prop_map(|s| Node::Bytes(s.into_bytes())),
            "[a\\\\u00e9\"]{0,8}".prop_map(Node::Escaped),
        ];
        leaf.prop_recursive(4, 24, 5, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..5).prop_map(Node::Seq),
                proptest::collection::vec((text(), inner.clone()), 0..5).prop_map(Node::Map),
                proptest::collection::vec((0..FIELDS.len(), inner), 0..5).prop_map(Node::Struct),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn agrees_with_serde_json_core_and_the_header_check(node in node(), size in 0..400usize) {
            agrees(&node, size).ok();
        }

        #[test]
        fn agrees_on_top_level_objects(
            fields in proptest::collection::vec((text(), node()), 0..6),
            size in 0..400usize,
        ) {
            agrees(&Node::Map(fields), size).ok();
        }
    }
}
