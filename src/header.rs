//! The header check: is this a JSON object, and what body length does it declare?
//!
//! Both the decoder (on every header it receives) and the encoder (on every
//! header it serializes) run the same single pass over the header bytes. It
//! validates the whole header as JSON (RFC 8259) without recursion and without
//! allocating, and reads the body key of the top-level object. On 64-bit
//! targets a shorter pass for flat headers only (`src/header/flat.rs`) tries
//! first; the verdict and the body length are the same either way.
//!
//! - The header must be UTF-8 and valid JSON, and its top-level value an
//!   object (a valid non-object is [`HeaderError::NotAnObject`], anything
//!   else a syntax error).
//! - Top-level keys are compared with the body key *after* unescaping, so
//!   `"file\u005fsize"` is the body key too: a peer cannot smuggle a second
//!   body length past the duplicate check by spelling the key differently.
//! - The body key may appear at most once. Absent, the body length is 0.
//! - Its value must be a JSON integer with no sign, fraction or exponent, at
//!   most `u64::MAX`: `0`, `10000000`. Not `-1`, `5.0`, `1e3`, `"5"`, `true`, `null`.
//! - Arrays and objects nest at most [`MAX_NESTING`] levels deep, the
//!   top-level object included.
//! - Other keys and values are validated, not interpreted; duplicate *other*
//!   keys are allowed (they are the typed parse's business).
//!
//! ```
//! use unstick::{Config, Decoder, Event, HeaderError, DecodeError};
//!
//! let mut decoder = Decoder::<64>::new(Config::default())?;
//! let frame = b"\x00\x00\x00\x1d{\"file_size\":1,\"file_size\":2}";
//! let err = decoder.decode(&mut &frame[..]).unwrap_err();
//! assert_eq!(err, DecodeError::InvalidHeader(HeaderError::DuplicateBodyKey { offset: 15 }));
//! # Ok::<(), unstick::Error>(())
//! ```

use crate::error::{HeaderError, JsonType};

#[cfg(target_pointer_width = "64")]
mod flat;

/// How deep arrays and objects may nest in a header, the top-level object
/// counting as level 1.
pub const MAX_NESTING: usize = 128;

/// Checks `json` as a frame header and returns the body length it declares
/// under `key`, which must need no escaping in JSON (as
/// [`ConfigBuilder::body_key`](crate::ConfigBuilder::body_key) ensures).
///
/// UTF-8 is validated inside the same pass: outside strings only ASCII is
/// valid JSON, and every non-ASCII sequence inside a string is checked where
/// the scan meets it. A header that passes is therefore UTF-8 throughout. A
/// header that fails is looked at once more for ill-formed UTF-8, which the
/// spec reports before any JSON error (rule J1).
///
/// On 64-bit targets a flat header of plain strings and integers is first
/// tried by a shorter pass ([`flat`]); anything else, and every error, goes
/// through the full scan.
#[inline]
pub(crate) fn check(json: &[u8], key: &str) -> Result<u64, HeaderError> {
    #[cfg(target_pointer_width = "64")]
    if let Some(body_len) = flat::body_len(json, key.as_bytes()) {
        return Ok(body_len);
    }
    full_check(json, key)
}

/// [`check`] without the fast path: any header, every error with its offset.
/// Out of line where the fast path exists, so that a header it takes does
/// not pay for this scan's registers.
#[cfg_attr(target_pointer_width = "64", inline(never))]
fn full_check(json: &[u8], key: &str) -> Result<u64, HeaderError> {
    let mut scanner = Scanner {
        bytes: json,
        pos: 0,
        key: key.as_bytes(),
        stopped: Stopped::Syntax,
    };
    scanner
        .header()
        .map_err(|Stop| match first_ill_formed(json) {
            Some(valid_up_to) => HeaderError::NotUtf8 { valid_up_to },
            None => scanner.error(),
        })
}

/// The JSON type a value starting with `byte` would have.
fn type_of(byte: u8) -> Option<JsonType> {
    Some(match byte {
        b'{' => JsonType::Object,
        b'[' => JsonType::Array,
        b'"' => JsonType::String,
        b'-' | b'0'..=b'9' => JsonType::Number,
        b't' | b'f' => JsonType::Bool,
        b'n' => JsonType::Null,
        _ => return None,
    })
}

/// The open arrays and objects around the current position, one bit each
/// (1 = object), innermost in the lowest bit.
struct Nesting {
    bits: u128,
    open: usize,
    outer: usize,
}

impl Nesting {
    /// Opens a container; `false` if that is one level too deep.
    fn push(&mut self, object: bool) -> bool {
        if self.outer + self.open >= MAX_NESTING {
            return false;
        }
        self.bits = (self.bits << 1) | u128::from(object);
        self.open += 1;
        true
    }

    fn pop(&mut self) {
        self.bits >>= 1;
        self.open -= 1;
    }

    /// Whether the innermost open container is an object; `None` if none is open.
    fn innermost_is_object(&self) -> Option<bool> {
        (self.open > 0).then_some(self.bits & 1 == 1)
    }
}

/// The scan stopped at an error, which [`Scanner::error`] tells. Errors
/// travel up the scanner's calls as this empty type rather than as a
/// [`HeaderError`]: every `Result` the scanner returns then fits in
/// registers, which keeps its frames and code small on 32-bit targets.
struct Stop;

/// Which error stopped the scan; its offset, where it has one, is where
/// the scan stopped ([`Scanner::pos`]). A byte or two instead of a
/// [`HeaderError`] (12 B on 32-bit targets) in the scanner, whose frame
/// is on the stack below the decoder's: 8 B less stack on a Cortex-M3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stopped {
    /// [`HeaderError::Syntax`] at the byte there.
    Syntax,
    /// [`HeaderError::TooDeep`].
    TooDeep,
    /// [`HeaderError::NotAnObject`].
    NotAnObject(JsonType),
    /// [`HeaderError::DuplicateBodyKey`].
    DuplicateBodyKey,
    /// [`HeaderError::BodyLenNegative`].
    BodyLenNegative,
    /// [`HeaderError::BodyLenNotInteger`].
    BodyLenNotInteger,
    /// [`HeaderError::BodyLenOverflow`].
    BodyLenOverflow,
    /// [`HeaderError::BodyLenWrongType`].
    BodyLenWrongType(JsonType),
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    key: &'a [u8],
    /// The error the scan stopped at, once it returned [`Stop`].
    stopped: Stopped,
}

impl<'a> Scanner<'a> {
    fn header(&mut self) -> Result<u64, Stop> {
        self.skip_ws();
        let first = self.peek().ok_or_else(|| self.unexpected())?;
        if first != b'{' {
            let found = type_of(first).ok_or_else(|| self.unexpected())?;
            self.value(0)?;
            self.end()?;
            return Err(self.fail(Stopped::NotAnObject(found), 0));
        }
        self.pos += 1;
        let body_len = self.top_level_members()?;
        self.end()?;
        Ok(body_len)
    }

    /// Nothing but white space may follow the top-level value.
    fn end(&mut self) -> Result<(), Stop> {
        self.skip_ws();
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.unexpected()),
        }
    }

    /// The members of the top-level object, after its `{`, through its `}`.
    fn top_level_members(&mut self) -> Result<u64, Stop> {
        self.skip_ws();
        if self.eat(b'}') {
            return Ok(0);
        }
        let mut body_len = None;
        loop {
            self.skip_ws();
            let key_offset = self.pos;
            let is_body_key = self.member_key_is_body_key()?;
            self.colon()?;
            if !is_body_key {
                self.member_value()?;
            } else if body_len.is_some() {
                return Err(self.fail(Stopped::DuplicateBodyKey, key_offset));
            } else {
                body_len = Some(self.body_len()?);
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(body_len.unwrap_or(0));
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    /// A key of the top-level object; returns whether it is the body key.
    /// The body key needs no escaping (the configuration refuses one that
    /// does), so the body key written plainly is recognised without a scan.
    fn member_key_is_body_key(&mut self) -> Result<bool, Stop> {
        let plain = self
            .bytes
            .get(self.pos..)
            .and_then(|rest| rest.strip_prefix(b"\""))
            .and_then(|rest| strip_prefix(rest, self.key))
            .is_some_and(|after| after.first() == Some(&b'"'));
        if plain {
            self.pos += self.key.len() + 2;
            return Ok(true);
        }
        self.expect(b'"')?;
        self.string(Some(self.key))
    }

    /// A value of the top-level object that is not the body length: strings
    /// and numbers directly, anything else through [`value`](Self::value).
    fn member_value(&mut self) -> Result<(), Stop> {
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                self.string(None).map(drop)
            }
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            _ => self.value(1),
        }
    }

    fn body_len(&mut self) -> Result<u64, Stop> {
        let offset = self.pos;
        let byte = self.peek().ok_or_else(|| self.unexpected())?;
        match type_of(byte) {
            Some(JsonType::Number) => {}
            Some(found) => return Err(self.fail(Stopped::BodyLenWrongType(found), offset)),
            None => return Err(self.unexpected()),
        }
        let integer = self.number()?;
        if byte == b'-' {
            return Err(self.fail(Stopped::BodyLenNegative, offset));
        }
        if !integer {
            return Err(self.fail(Stopped::BodyLenNotInteger, offset));
        }
        // An integer without a sign: the literal is all digits.
        parse_u64(&self.bytes[offset..self.pos])
            .ok_or_else(|| self.fail(Stopped::BodyLenOverflow, offset))
    }

    /// Validates one value of any type that sits at nesting level `outer`.
    fn value(&mut self, outer: usize) -> Result<(), Stop> {
        let mut nesting = Nesting {
            bits: 0,
            open: 0,
            outer,
        };
        loop {
            self.skip_ws();
            let offset = self.pos;
            match self.peek() {
                Some(b'{') => {
                    self.pos += 1;
                    if !nesting.push(true) {
                        return Err(self.fail(Stopped::TooDeep, offset));
                    }
                    self.skip_ws();
                    if self.eat(b'}') {
                        nesting.pop();
                    } else {
                        self.member_key()?;
                        continue;
                    }
                }
                Some(b'[') => {
                    self.pos += 1;
                    if !nesting.push(false) {
                        return Err(self.fail(Stopped::TooDeep, offset));
                    }
                    self.skip_ws();
                    if self.eat(b']') {
                        nesting.pop();
                    } else {
                        continue;
                    }
                }
                Some(b'"') => {
                    self.pos += 1;
                    self.string(None)?;
                }
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                }
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                _ => return Err(self.unexpected()),
            }
            if self.close_containers(&mut nesting)? {
                return Ok(());
            }
        }
    }

    /// After a complete value: consumes closing brackets, and the `,` (plus
    /// the next member's key) that leads to the next value. Returns `true`
    /// once no container is open any more.
    fn close_containers(&mut self, nesting: &mut Nesting) -> Result<bool, Stop> {
        while let Some(in_object) = nesting.innermost_is_object() {
            self.skip_ws();
            match (self.peek(), in_object) {
                (Some(b','), true) => {
                    self.pos += 1;
                    self.skip_ws();
                    self.member_key()?;
                    return Ok(false);
                }
                (Some(b','), false) => {
                    self.pos += 1;
                    return Ok(false);
                }
                (Some(b'}'), true) | (Some(b']'), false) => {
                    self.pos += 1;
                    nesting.pop();
                }
                _ => return Err(self.unexpected()),
            }
        }
        Ok(true)
    }

    fn member_key(&mut self) -> Result<(), Stop> {
        self.expect(b'"')?;
        self.string(None)?;
        self.colon()
    }

    fn colon(&mut self) -> Result<(), Stop> {
        self.skip_ws();
        self.expect(b':')?;
        self.skip_ws();
        Ok(())
    }

    /// A string literal after its opening quote, which the caller took.
    /// With `compare`, returns whether its unescaped value equals those
    /// bytes, which the literal must not spell plainly (that is the fast
    /// path of [`member_key_is_body_key`](Self::member_key_is_body_key)).
    ///
    /// The quote is the caller's so that, where it is checked with
    /// [`expect`](Self::expect), the frames of that call (`expect`, `eat`,
    /// `peek`) are not below this function's: on a Cortex-M3 they were the
    /// decoder's deepest stack.
    ///
    /// On bare-metal targets the scan after the quote is
    /// [`string_rest`](Self::string_rest) alone; elsewhere
    /// [`string_plain_first`](Self::string_plain_first), whose early return
    /// for a plain literal saves the host about 70 instructions per frame
    /// (benches/callgrind.sh) and costs a Cortex-M3 80 B of flash.
    fn string(&mut self, compare: Option<&[u8]>) -> Result<bool, Stop> {
        if cfg!(target_os = "none") {
            self.string_rest(compare)
        } else {
            self.string_plain_first(compare)
        }
    }

    /// [`string`](Self::string) after its quote, a literal of plain ASCII
    /// first: it is never equal to `compare` (which it does not spell
    /// plainly), and is not compared.
    fn string_plain_first(&mut self, compare: Option<&[u8]>) -> Result<bool, Stop> {
        let run = plain_run(self.rest());
        self.pos += run.len();
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return Ok(false);
        }
        self.string_rest(compare.and_then(|key| strip_prefix(key, run)))
    }

    /// The rest of a string literal (from just after its opening quote, or
    /// later, at an escape, a non-ASCII byte or a byte that cannot be in a
    /// string); `rest` is what is left of the compared bytes, if they
    /// matched so far.
    fn string_rest(&mut self, mut rest: Option<&[u8]>) -> Result<bool, Stop> {
        loop {
            let run = plain_run(self.rest());
            self.pos += run.len();
            rest = rest.and_then(|r| strip_prefix(r, run));
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(rest.is_some_and(<[u8]>::is_empty));
                }
                Some(0x80..=0xff) => {
                    let len = utf8_sequence_len(self.rest()).ok_or_else(|| self.unexpected())?;
                    let sequence = &self.bytes[self.pos..self.pos + len];
                    rest = rest.and_then(|r| strip_prefix(r, sequence));
                    self.pos += len;
                }
                Some(b'\\') => {
                    self.pos += 1;
                    rest = match self.escape()? {
                        Some(ch) => rest.and_then(|r| strip_char(r, ch)),
                        None => None,
                    };
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    /// The escape after a backslash. `None` for a lone surrogate, which is
    /// valid JSON but no character.
    fn escape(&mut self) -> Result<Option<char>, Stop> {
        let ch = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape();
            }
            _ => return Err(self.unexpected()),
        };
        self.pos += 1;
        Ok(Some(ch))
    }

    /// The four hex digits after `\u`, and a low surrogate's `\uXXXX` after a
    /// high one.
    fn unicode_escape(&mut self) -> Result<Option<char>, Stop> {
        let unit = self.hex4()?;
        if !(0xd800..0xdc00).contains(&unit) {
            return Ok(char::from_u32(unit));
        }
        // Looks ahead with `hex4` itself: one hex parser, not two, stays out
        // of line on Cortex-M, which took its registers out of `string`'s
        // frame (56 -> 40 B) and 52 B of flash. Without a low surrogate the
        // scan resumes after the high one; an error the look-ahead recorded
        // is never reported (the scan passes or overwrites it when it stops).
        let high_end = self.pos;
        let low = if self.eat(b'\\') && self.eat(b'u') {
            self.hex4().ok()
        } else {
            None
        };
        match low.filter(|low| (0xdc00..0xe000).contains(low)) {
            Some(low) => Ok(char::from_u32(
                0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00),
            )),
            None => {
                self.pos = high_end;
                Ok(None)
            }
        }
    }

    /// The four hex digits of a `\u` escape, as a UTF-16 code unit.
    /// It reads the bytes itself, not through [`peek`](Self::peek): a
    /// function that calls none, one frame less below `string` on Cortex-M.
    fn hex4(&mut self) -> Result<u32, Stop> {
        let mut unit = 0;
        for _ in 0..4 {
            let digit = self
                .bytes
                .get(self.pos)
                .and_then(|&b| char::from(b).to_digit(16));
            unit = (unit << 4) | digit.ok_or_else(|| self.unexpected())?;
            self.pos += 1;
        }
        Ok(unit)
    }

    /// A number literal; returns whether it is an integer (no fraction, no
    /// exponent). Only that comes back, in a register: the body length
    /// reads the sign and the digits from the bytes, and a struct result
    /// would travel through a stack slot (8 B more stack in each caller on
    /// 32-bit targets).
    fn number(&mut self) -> Result<bool, Stop> {
        self.eat(b'-');
        let start = self.pos;
        self.one_or_more_digits()?;
        // A leading 0 is the whole integer part: what follows is not part
        // of the number.
        if self.bytes.get(start) == Some(&b'0') {
            self.pos = start + 1;
        }
        let digits_end = self.pos;
        if self.eat(b'.') {
            self.one_or_more_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.one_or_more_digits()?;
        }
        Ok(self.pos == digits_end)
    }

    fn one_or_more_digits(&mut self) -> Result<(), Stop> {
        match digit_run(self.rest()) {
            0 => Err(self.unexpected()),
            run => {
                self.pos += run;
                Ok(())
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Stop> {
        for &expected in word {
            self.expect(expected)?;
        }
        Ok(())
    }

    fn skip_ws(&mut self) {
        while let Some(&byte) = self.bytes.get(self.pos) {
            if byte > b' ' || !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return;
            }
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), Stop> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    /// Takes `byte` if it comes next. It reads it itself, as
    /// [`hex4`](Self::hex4) does: `expect` -> `eat` -> `peek` was three
    /// frames deep under the header check on Cortex-M.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.bytes.get(self.pos) == Some(&byte);
        if found {
            self.pos += 1;
        }
        found
    }

    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.pos..).unwrap_or_default()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Stops with the error `stopped` at `offset` (which an error without
    /// an offset ignores).
    fn fail(&mut self, stopped: Stopped, offset: usize) -> Stop {
        self.stopped = stopped;
        self.pos = offset;
        Stop
    }

    /// Stops at the byte here (or the end): it cannot come next.
    fn unexpected(&mut self) -> Stop {
        self.stopped = Stopped::Syntax;
        Stop
    }

    /// The error the scan stopped at, once it returned [`Stop`].
    fn error(&self) -> HeaderError {
        let offset = self.pos;
        match self.stopped {
            Stopped::Syntax => HeaderError::Syntax {
                offset,
                found: self.peek(),
            },
            Stopped::TooDeep => HeaderError::TooDeep {
                offset,
                max: MAX_NESTING,
            },
            Stopped::NotAnObject(found) => HeaderError::NotAnObject { found },
            Stopped::DuplicateBodyKey => HeaderError::DuplicateBodyKey { offset },
            Stopped::BodyLenNegative => HeaderError::BodyLenNegative { offset },
            Stopped::BodyLenNotInteger => HeaderError::BodyLenNotInteger { offset },
            Stopped::BodyLenOverflow => HeaderError::BodyLenOverflow { offset },
            Stopped::BodyLenWrongType(found) => HeaderError::BodyLenWrongType { offset, found },
        }
    }
}

/// The word the scans below look at per step: a `usize`, 8 bytes on
/// 64-bit hosts and 4 on Cortex-M, where a `u64` word would cost pairs of
/// registers and library calls for its variable shifts (`__aeabi_llsr`).
type Word = usize;

/// The bytes in a [`Word`].
const WORD: usize = size_of::<Word>();

/// The longest prefix of `bytes` that a string literal holds as it is and
/// that is ASCII: no quote, backslash, control character or byte above 0x7f
/// (a non-ASCII sequence is validated on its own).
///
/// On bare-metal targets a byte loop ([`plain_run_bytes`]): the word scan
/// ([`plain_run_words`]) costs about 230 B more flash on a Cortex-M3, where
/// a header's strings are a few bytes long. Elsewhere the word scan.
#[inline]
fn plain_run(bytes: &[u8]) -> &[u8] {
    if cfg!(target_os = "none") {
        plain_run_bytes(bytes)
    } else {
        plain_run_words(bytes)
    }
}

/// [`plain_run`] a byte at a time.
fn plain_run_bytes(bytes: &[u8]) -> &[u8] {
    let run = bytes
        .iter()
        .position(|&byte| is_special(byte) || !byte.is_ascii());
    &bytes[..run.unwrap_or(bytes.len())]
}

/// [`plain_run`] a [`Word`] at a time, then the bytes after the last whole
/// word one by one.
#[inline]
fn plain_run_words(bytes: &[u8]) -> &[u8] {
    let (words, tail) = bytes.as_chunks::<WORD>();
    let mut end = 0;
    for word in words {
        let mask = stop_mask(Word::from_le_bytes(*word));
        if mask != 0 {
            return &bytes[..end + first_flagged(mask)];
        }
        end += WORD;
    }
    &bytes[..end + plain_run_bytes(tail).len()]
}

/// Whether some byte of `bytes` cannot be in a string literal as it is
/// (see [`is_special`]).
pub(crate) fn has_special(bytes: &[u8]) -> bool {
    any_flagged(bytes, special_mask)
}

/// Whether `bytes` holds a backslash, that is (in checked JSON) an escape.
pub(crate) fn has_backslash(bytes: &[u8]) -> bool {
    any_flagged(bytes, |word| bytes_below(word ^ repeat(b'\\'), 1))
}

/// Whether `mask` flags some byte of `bytes`, looking at a [`Word`] per
/// step: the whole words, then, if bytes are left, the last word (again
/// in part). Only inputs shorter than a word are padded, with spaces,
/// which neither mask above flags.
#[inline]
fn any_flagged(bytes: &[u8], mask: impl Fn(Word) -> Word) -> bool {
    let (words, tail) = bytes.as_chunks::<WORD>();
    let flagged = |word: &[u8; WORD]| mask(Word::from_le_bytes(*word)) != 0;
    if words.iter().any(flagged) {
        return true;
    }
    match bytes.last_chunk() {
        _ if tail.is_empty() => false,
        Some(last) => flagged(last),
        None => flagged(&padded(tail)),
    }
}

/// `bytes` (fewer than a [`Word`]'s) followed by spaces up to a word.
fn padded(bytes: &[u8]) -> [u8; WORD] {
    let mut word = [b' '; WORD];
    for (slot, &byte) in word.iter_mut().zip(bytes) {
        *slot = byte;
    }
    word
}

/// `bytes` after `prefix`, if they start with it. A byte loop: the
/// standard `strip_prefix` compares through `memcmp`, which on Cortex-M
/// links 116 B (plus a call per comparison) for the few bytes of a key.
fn strip_prefix<'b>(bytes: &'b [u8], prefix: &[u8]) -> Option<&'b [u8]> {
    let (head, tail) = bytes.split_at_checked(prefix.len())?;
    head.iter().zip(prefix).all(|(a, b)| a == b).then_some(tail)
}

/// `bytes` after the UTF-8 form of `ch`, if they start with it. Compares
/// the bytes with the bits of `ch` (the last byte holds its low 6 bits)
/// rather than encoding `ch` first, which took 20 B more on a Cortex-M3
/// for this one use (an escape in a compared key).
fn strip_char(bytes: &[u8], ch: char) -> Option<&[u8]> {
    let (head, tail) = bytes.split_at_checked(ch.len_utf8())?;
    let (&first, continuation) = head.split_first()?;
    let mut bits = u32::from(ch);
    for &byte in continuation.iter().rev() {
        if u32::from(byte) != 0x80 | (bits & 0x3f) {
            return None;
        }
        bits >>= 6;
    }
    let lead = match continuation.len() {
        0 => 0,
        1 => 0xc0,
        2 => 0xe0,
        _ => 0xf0,
    };
    (u32::from(first) == lead | bits).then_some(tail)
}

/// Whether a string literal cannot hold `byte` as it is.
fn is_special(byte: u8) -> bool {
    byte == b'"' || byte == b'\\' || byte < 0x20
}

/// `n` in every byte of a word.
const fn repeat(n: u8) -> Word {
    Word::MAX / 0xff * n as Word
}

/// The index of the byte of a little-endian word that holds the lowest set
/// bit of `mask`.
const fn first_flagged(mask: Word) -> usize {
    (mask.trailing_zeros() / 8) as usize
}

/// A mask whose lowest set bit is the top bit of the lowest byte of `word`
/// below `n` (`n` <= 0x80); 0 if no byte is. Subtracting `n` from every
/// byte borrows nowhere below that byte and sets top bits only in bytes that
/// had theirs set already, which `!word` clears; that byte wraps around to
/// a value >= 0x80 while its own top bit was clear. Bytes above it may be
/// flagged too (by the borrow): only the lowest flag is exact.
const fn bytes_below(word: Word, n: u8) -> Word {
    word.wrapping_sub(repeat(n)) & !word & repeat(0x80)
}

/// A mask whose lowest set bit flags the first special byte of `word` (see
/// [`is_special`]); 0 if there is none. A byte equal to `b` is a zero byte
/// of `word ^ repeat(b)`, that is a byte below 1.
const fn special_mask(word: Word) -> Word {
    bytes_below(word, 0x20)
        | bytes_below(word ^ repeat(b'"'), 1)
        | bytes_below(word ^ repeat(b'\\'), 1)
}

/// A mask whose lowest set bit flags the first byte of `word` that ends a
/// [`plain_run`]: a special byte or a non-ASCII one (top bit set).
const fn stop_mask(word: Word) -> Word {
    special_mask(word) | (word & repeat(0x80))
}

/// The number of ASCII digits `bytes` starts with: a byte loop
/// ([`digit_run_bytes`]) on bare-metal targets, as [`plain_run`], and a
/// word scan ([`digit_run_words`]) elsewhere.
fn digit_run(bytes: &[u8]) -> usize {
    if cfg!(target_os = "none") {
        digit_run_bytes(bytes)
    } else {
        digit_run_words(bytes)
    }
}

/// [`digit_run`] a byte at a time.
fn digit_run_bytes(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count()
}

/// [`digit_run`] a [`Word`] at a time: in `word ^ repeat(b'0')` a digit is
/// a byte below 10, and adding 0x76 to its low 7 bits sets the top bit
/// exactly in the bytes that are not (no carry crosses a byte:
/// 0x7f + 0x76 < 0x100).
fn digit_run_words(bytes: &[u8]) -> usize {
    let (words, tail) = bytes.as_chunks::<WORD>();
    let mut end = 0;
    for word in words {
        let x = Word::from_le_bytes(*word) ^ repeat(b'0');
        let not_digit = (((x & repeat(0x7f)) + repeat(0x76)) | x) & repeat(0x80);
        if not_digit != 0 {
            return end + first_flagged(not_digit);
        }
        end += WORD;
    }
    end + digit_run_bytes(tail)
}

/// The value of a run of ASCII digits, if it fits in a `u64`.
fn parse_u64(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |acc, &digit| {
        acc.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
    })
}

/// The length of the UTF-8 sequence that `bytes` starts with, its first
/// byte not ASCII; `None` if the sequence is ill-formed or cut off (an
/// overlong form, an encoded surrogate, a value above U+10FFFF, a
/// continuation byte where a first byte belongs).
fn utf8_sequence_len(bytes: &[u8]) -> Option<usize> {
    let (&first, rest) = bytes.split_first()?;
    // The range the second byte must be in; the others are 0x80..=0xbf.
    let (len, second) = match first {
        0xc2..=0xdf => (2, 0x80..=0xbf),
        0xe0 => (3, 0xa0..=0xbf),
        0xe1..=0xec | 0xee..=0xef => (3, 0x80..=0xbf),
        0xed => (3, 0x80..=0x9f),
        0xf0 => (4, 0x90..=0xbf),
        0xf1..=0xf3 => (4, 0x80..=0xbf),
        0xf4 => (4, 0x80..=0x8f),
        _ => return None,
    };
    let (&next, more) = rest.get(..len - 1)?.split_first()?;
    let well_formed = second.contains(&next) && more.iter().all(|&byte| byte & 0xc0 == 0x80);
    well_formed.then_some(len)
}

/// The offset of the first ill-formed UTF-8 sequence in `bytes` (the
/// length of their longest well-formed prefix); `None` if they are UTF-8.
fn first_ill_formed(bytes: &[u8]) -> Option<usize> {
    let mut pos = 0;
    while let Some(&byte) = bytes.get(pos) {
        pos += match byte {
            0..=0x7f => 1,
            _ => match utf8_sequence_len(&bytes[pos..]) {
                Some(len) => len,
                None => return Some(pos),
            },
        };
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body_len(json: &str) -> Result<u64, HeaderError> {
        check(json.as_bytes(), "file_size")
    }

    fn syntax(offset: usize, found: Option<u8>) -> Result<u64, HeaderError> {
        Err(HeaderError::Syntax { offset, found })
    }

    /// Whether a plain run stops at `byte`.
    fn stops_a_run(byte: u8) -> bool {
        is_special(byte) || !byte.is_ascii()
    }

    /// A way of scanning a plain run.
    type PlainRun = fn(&[u8]) -> &[u8];

    /// Both ways of scanning a plain run: the target picks one.
    const PLAIN_RUNS: [PlainRun; 2] = [plain_run_bytes, plain_run_words];

    /// The length of the plain run `bytes` start with, by the definition.
    fn plain_run_len(bytes: &[u8]) -> usize {
        let stop = bytes.iter().position(|&byte| stops_a_run(byte));
        stop.unwrap_or(bytes.len())
    }

    #[test]
    fn plain_run_stops_at_the_first_special_or_non_ascii_byte_in_any_position() {
        for run in PLAIN_RUNS {
            for stop in (0..0x20).chain([b'"', b'\\']).chain(0x80..=0xff) {
                for at in 0..20 {
                    let mut bytes = [b'a'; 20];
                    bytes[at] = stop;
                    assert_eq!(run(&bytes).len(), at, "byte {stop:#x} at {at}");
                }
            }
            for plain in (0x20..0x80).filter(|&b| !stops_a_run(b)) {
                assert_eq!(run(&[plain; 19]).len(), 19, "byte {plain:#x}");
            }
            assert_eq!(run(b""), b"");
        }
    }

    #[test]
    fn plain_run_is_exact_for_every_length_and_position() {
        for len in 0..24 {
            for at in 0..len {
                for stop in [0, 0x1f, b'"', b'\\', 0x80, 0xe9, 0xff] {
                    let mut bytes = [b'~'; 24];
                    bytes[at] = stop;
                    bytes[len..].fill(b'"');
                    for run in PLAIN_RUNS {
                        assert_eq!(run(&bytes[..len]).len(), plain_run_len(&bytes[..len]));
                        assert_eq!(run(&bytes).len(), at, "len {len}, at {at}");
                    }
                }
            }
            for run in PLAIN_RUNS {
                assert_eq!(run(&[b'~'; 24][..len]).len(), len);
            }
        }
    }

    #[test]
    fn both_plain_runs_agree_on_every_byte_at_every_position() {
        for len in 0..20 {
            for at in 0..len {
                for byte in 0..=0xff {
                    let mut bytes = [b'a'; 20];
                    bytes[at] = byte;
                    let expected = plain_run_len(&bytes[..len]);
                    assert_eq!(plain_run_bytes(&bytes[..len]).len(), expected);
                    assert_eq!(plain_run_words(&bytes[..len]).len(), expected);
                }
            }
        }
    }

    #[test]
    fn has_special_finds_a_special_byte_anywhere() {
        for len in 0..24 {
            assert!(!has_special(&[0xe9; 24][..len]));
            for at in 0..len {
                for special in [0, 0x1f, b'"', b'\\'] {
                    let mut bytes = [b'~'; 24];
                    bytes[at] = special;
                    assert!(has_special(&bytes[..len]), "len {len}, at {at}");
                }
            }
        }
    }

    #[test]
    fn has_backslash_finds_one_anywhere() {
        for len in 0..24 {
            assert!(!has_backslash(&[b'"'; 24][..len]));
            for at in 0..len {
                let mut bytes = [0xdc; 24];
                bytes[at] = b'\\';
                assert!(has_backslash(&bytes[..len]), "len {len}, at {at}");
            }
        }
    }

    #[test]
    fn digit_run_counts_exactly_the_leading_digits() {
        let digit_runs: [fn(&[u8]) -> usize; 2] = [digit_run_bytes, digit_run_words];
        for len in 0..24 {
            for stop in 0..=255u8 {
                let mut bytes = [b'7'; 24];
                bytes[len] = stop;
                let expected = if stop.is_ascii_digit() { 24 } else { len };
                for run in digit_runs {
                    assert_eq!(run(&bytes), expected, "len {len}, stop {stop:#x}");
                    assert_eq!(run(&bytes[..len]), len);
                }
            }
        }
    }

    #[test]
    fn parse_u64_refuses_only_what_does_not_fit() {
        assert_eq!(parse_u64(b"0"), Some(0));
        assert_eq!(
            parse_u64(b"9999999999999999999"),
            Some(9_999_999_999_999_999_999)
        );
        assert_eq!(parse_u64(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_u64(b"18446744073709551616"), None);
        assert_eq!(parse_u64(b"00000000000000000000001"), Some(1));
        assert_eq!(parse_u64(b"99999999999999999999"), None);
    }

    #[test]
    fn reads_the_body_key_of_the_top_level_object() {
        assert_eq!(
            body_len(r#"{"file_name": "a.txt", "file_size": 10000000}"#),
            Ok(10_000_000)
        );
        assert_eq!(body_len(r#"{"file_size":0}"#), Ok(0));
        assert_eq!(
            body_len(r#" { "file_size" : 18446744073709551615 } "#),
            Ok(u64::MAX)
        );
    }

    #[test]
    fn absent_body_key_means_an_empty_body() {
        assert_eq!(body_len(r#"{}"#), Ok(0));
        assert_eq!(
            body_len(r#"{"cmd": "dir", "nested": {"file_size": 9}}"#),
            Ok(0)
        );
    }

    #[test]
    fn escaped_spelling_of_the_body_key_is_the_body_key() {
        assert_eq!(body_len(r#"{"file\u005fsize": 7}"#), Ok(7));
        assert_eq!(
            body_len(r#"{"file_size": 1, "file\u005fsize": 2}"#),
            Err(HeaderError::DuplicateBodyKey { offset: 17 })
        );
    }

    #[test]
    fn non_ascii_keys_compare_after_unescaping() {
        let len = check(br#"{"\u603b\u5927\u5c0f": 3}"#, "总大小").unwrap();
        assert_eq!(len, 3);
        let len = check("{\"总大小\": 4}".as_bytes(), "总大小").unwrap();
        assert_eq!(len, 4);
        let len = check(br#"{"\ud83d\ude00": 5}"#, "😀").unwrap();
        assert_eq!(len, 5);
    }

    #[test]
    fn near_misses_of_the_key_are_other_keys() {
        assert_eq!(
            body_len(r#"{"file_siz": 1, "file_sizes": 2, "File_size": 3}"#),
            Ok(0)
        );
        assert_eq!(body_len(r#"{"\ud800": 1, "file_size\u0000": 2}"#), Ok(0));
    }

    #[test]
    fn strip_char_takes_exactly_the_utf8_form_of_the_char() {
        let mut utf8 = [0u8; 4];
        for ch in (0..=0x10ffff).filter_map(char::from_u32) {
            let len = ch.encode_utf8(&mut utf8).len();
            let mut bytes = [b'x'; 5];
            bytes[..len].copy_from_slice(&utf8[..len]);
            assert_eq!(strip_char(&bytes, ch), Some(&bytes[len..]), "{ch:?}");
            assert_eq!(strip_char(&bytes[..len - 1], ch), None, "{ch:?} cut");
            for at in 0..len {
                let mut wrong = bytes;
                wrong[at] ^= 1;
                assert_eq!(strip_char(&wrong, ch), None, "{ch:?}, byte {at}");
            }
        }
    }

    /// What scanning the string literal that starts right after the opening
    /// quote at the front of `json` returns, compared with `key`, through
    /// `scan` (the two ways `Scanner::string` has): the result, where the
    /// scan ended and the error it recorded.
    fn scan_string<'j>(
        json: &'j [u8],
        key: Option<&[u8]>,
        scan: fn(&mut Scanner<'j>, Option<&[u8]>) -> Result<bool, Stop>,
    ) -> (Option<bool>, usize, Stopped) {
        let mut scanner = Scanner {
            bytes: json,
            pos: 1,
            key: b"",
            stopped: Stopped::TooDeep,
        };
        let result = scan(&mut scanner, key).ok();
        (result, scanner.pos, scanner.stopped)
    }

    #[test]
    fn both_string_scans_agree() {
        let literals: [&[u8]; 16] = [
            br#""""#,
            br#""a""#,
            br#""file_size""#,
            br#""file_size"#,
            br#""file\u005fsize""#,
            br#""file_siz\u0065""#,
            br#""\u0066ile_size""#,
            br#""file_size\n""#,
            br#""a\"b\\c\/d\b\f\n\r\t""#,
            "\"总大小\"".as_bytes(),
            br#""\u603b\u5927\u5c0f""#,
            br#""\ud83d\ude00""#,
            br#""\ud83d""#,
            b"\"tab\there\"",
            b"\"\xff\"",
            br#""\x""#,
        ];
        let keys: [Option<&[u8]>; 5] = [
            None,
            Some(b"file_size"),
            Some("总大小".as_bytes()),
            Some("😀".as_bytes()),
            Some(b""),
        ];
        for literal in literals {
            for key in keys {
                for cut in 1..=literal.len() {
                    let json = &literal[..cut];
                    // The precondition of `string_plain_first`: the literal
                    // does not spell the compared bytes plainly.
                    if key.is_some_and(|key| json == [b"\"", key, b"\""].concat()) {
                        continue;
                    }
                    assert_eq!(
                        scan_string(json, key, Scanner::string_rest),
                        scan_string(json, key, Scanner::string_plain_first),
                        "{json:x?} {key:x?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_high_surrogate_pairs_only_with_the_low_surrogate_escape_after_it() {
        let smiley = |json: &[u8]| check(json, "😀");
        assert_eq!(smiley(br#"{"\ud83d\ude00": 5}"#), Ok(5));
        // No backslash, a high surrogate again, a bad escape: the first
        // high surrogate stays alone and the scan goes on right after it.
        assert_eq!(smiley(br#"{"\ud83dude00": 5}"#), Ok(0));
        assert_eq!(smiley(br#"{"\ud83d\ud83d\ude00": 5}"#), Ok(0));
        assert_eq!(smiley(br#"{"\ud83d\u12g4": 5}"#), syntax(12, Some(b'g')));
        assert_eq!(smiley(br#"{"\ud83d\ude0"#), syntax(13, None));
    }

    #[test]
    fn body_len_must_be_a_non_negative_integer() {
        let wrong = |offset, found| Err(HeaderError::BodyLenWrongType { offset, found });
        assert_eq!(
            body_len(r#"{"file_size":-5}"#),
            Err(HeaderError::BodyLenNegative { offset: 13 })
        );
        assert_eq!(
            body_len(r#"{"file_size":-0}"#),
            Err(HeaderError::BodyLenNegative { offset: 13 })
        );
        assert_eq!(
            body_len(r#"{"file_size":5.0}"#),
            Err(HeaderError::BodyLenNotInteger { offset: 13 })
        );
        assert_eq!(
            body_len(r#"{"file_size":1e3}"#),
            Err(HeaderError::BodyLenNotInteger { offset: 13 })
        );
        assert_eq!(
            body_len(r#"{"file_size":18446744073709551616}"#),
            Err(HeaderError::BodyLenOverflow { offset: 13 })
        );
        assert_eq!(
            body_len(r#"{"file_size":"5"}"#),
            wrong(13, JsonType::String)
        );
        assert_eq!(body_len(r#"{"file_size":true}"#), wrong(13, JsonType::Bool));
        assert_eq!(body_len(r#"{"file_size":null}"#), wrong(13, JsonType::Null));
        assert_eq!(body_len(r#"{"file_size":[1]}"#), wrong(13, JsonType::Array));
        assert_eq!(body_len(r#"{"file_size":{}}"#), wrong(13, JsonType::Object));
    }

    #[test]
    fn top_level_must_be_an_object() {
        let not = |found| Err(HeaderError::NotAnObject { found });
        assert_eq!(body_len("[1,2]"), not(JsonType::Array));
        assert_eq!(body_len("\"hello\""), not(JsonType::String));
        assert_eq!(body_len("42"), not(JsonType::Number));
        assert_eq!(body_len("null"), not(JsonType::Null));
        assert_eq!(body_len("   "), syntax(3, None));
        assert_eq!(body_len("hello"), syntax(0, Some(b'h')));
        assert_eq!(body_len("file_size=5"), syntax(1, Some(b'i')));
        assert_eq!(body_len("[1,2"), syntax(4, None));
        assert_eq!(body_len("1 2"), syntax(2, Some(b'2')));
    }

    #[test]
    fn invalid_json_is_refused_where_it_goes_wrong() {
        assert_eq!(body_len(r#"{"a":1,}"#), syntax(7, Some(b'}')));
        assert_eq!(body_len(r#"{"a":1} x"#), syntax(8, Some(b'x')));
        assert_eq!(body_len(r#"{"a":01}"#), syntax(6, Some(b'1')));
        assert_eq!(body_len(r#"{"a":[1,]}"#), syntax(8, Some(b']')));
        assert_eq!(body_len(r#"{"a":[1}"#), syntax(7, Some(b'}')));
        assert_eq!(body_len(r#"{"a":tru}"#), syntax(8, Some(b'}')));
        assert_eq!(body_len(r#"{"a":"\x"}"#), syntax(7, Some(b'x')));
        assert_eq!(body_len(r#"{"a":"\u12g4"}"#), syntax(10, Some(b'g')));
        assert_eq!(body_len("{\"a\":\"tab\there\"}"), syntax(9, Some(b'\t')));
        assert_eq!(body_len(r#"{"a":NaN}"#), syntax(5, Some(b'N')));
        assert_eq!(body_len(r#"{"a" 1}"#), syntax(5, Some(b'1')));
        assert_eq!(body_len(r#"{"a":1"#), syntax(6, None));
        assert_eq!(body_len(r#"{"a":"#), syntax(5, None));
        assert_eq!(body_len(r#"{"a":1.}"#), syntax(7, Some(b'}')));
        assert_eq!(body_len(r#"{a:1}"#), syntax(1, Some(b'a')));
    }

    #[test]
    fn other_values_are_validated_not_interpreted() {
        let json = r#"{"s":"\"\\\/\b\f\n\r\t\u00e9","n":[-0.5e+3,0,1E2],"t":true,"f":false,"z":null,"o":{"a":{"b":[]}},"file_size":2}"#;
        assert_eq!(body_len(json), Ok(2));
    }

    #[test]
    fn non_utf8_is_refused_with_its_offset() {
        assert_eq!(
            check(b"{\"a\":\"\xff\"}", "file_size"),
            Err(HeaderError::NotUtf8 { valid_up_to: 6 })
        );
    }

    /// What the standard library says: the offset of the first ill-formed
    /// sequence, as rule J1 defines it.
    fn std_valid_up_to(bytes: &[u8]) -> Option<usize> {
        core::str::from_utf8(bytes)
            .err()
            .map(|err| err.valid_up_to())
    }

    #[test]
    fn utf8_is_judged_as_the_standard_library_judges_it() {
        let mut bytes = [b'a'; 5];
        for first in 0x80..=0xff {
            for second in 0..=0xff {
                for third in 0..=0xff {
                    bytes[1..4].copy_from_slice(&[first, second, third]);
                    assert_eq!(first_ill_formed(&bytes[..4]), std_valid_up_to(&bytes[..4]));
                }
                bytes[1..3].copy_from_slice(&[first, second]);
                assert_eq!(first_ill_formed(&bytes[..3]), std_valid_up_to(&bytes[..3]));
            }
        }
        for first in 0xf0..=0xff {
            for second in 0..=0xff {
                for third in [0x7f, 0x80, 0xbf, 0xc0] {
                    for fourth in [0x7f, 0x80, 0xbf, 0xc0] {
                        bytes[1..].copy_from_slice(&[first, second, third, fourth]);
                        assert_eq!(first_ill_formed(&bytes), std_valid_up_to(&bytes));
                    }
                }
            }
        }
    }

    #[test]
    fn utf8_inside_strings_is_checked_where_the_scan_meets_it() {
        let header = |value: &[u8]| [br#"{"n":""#, value, br#"","file_size":7}"#].concat();
        for good in ["é", "电影.mp4", "\u{7ff}\u{800}\u{ffff}\u{10000}\u{10ffff}"] {
            assert_eq!(
                check(&header(good.as_bytes()), "file_size"),
                Ok(7),
                "{good}"
            );
        }
        let ill_formed: [&[u8]; 7] = [
            b"\xc0\xaf",         // overlong '/'
            b"\xe0\x80\xaf",     // overlong '/'
            b"\xed\xa0\x80",     // an encoded surrogate
            b"\xf4\x90\x80\x80", // above U+10FFFF
            b"\xbf",             // a continuation byte first
            b"\xe4\xb8",         // cut short by the quote
            b"\xf8\x88\x80\x80\x80",
        ];
        for bad in ill_formed {
            let err = check(&[&header(b"ok")[..8], bad, b"\"}"].concat(), "file_size");
            assert_eq!(
                err,
                Err(HeaderError::NotUtf8 { valid_up_to: 8 }),
                "{bad:x?}"
            );
        }
    }

    #[test]
    fn ill_formed_utf8_is_reported_before_any_json_error() {
        assert_eq!(
            check(b"{x\xff}", "file_size"),
            Err(HeaderError::NotUtf8 { valid_up_to: 2 })
        );
        assert_eq!(
            check(b"{\"a\":1}}\xe4\xb8", "file_size"),
            Err(HeaderError::NotUtf8 { valid_up_to: 8 })
        );
        assert_eq!(
            check(b"{\"a\":1,\"a\":[\xe4\xb8", "file_size"),
            Err(HeaderError::NotUtf8 { valid_up_to: 12 })
        );
    }

    #[test]
    fn strings_near_the_end_of_a_header_hold_every_plain_byte() {
        // Fewer than eight bytes after the opening quote: the scan goes byte
        // by byte there. Space (0x20) is the lowest byte a string holds as it is.
        for byte in (0x20..0x7f).filter(|&b| b != b'"' && b != b'\\') {
            let value = [br#"{"k":"a"#.as_slice(), &[byte], br#"b"}"#].concat();
            assert_eq!(
                check(&value, "file_size"),
                Ok(0),
                "byte {byte:#x} in a value"
            );
            let key = [br#"{"a"#.as_slice(), &[byte], br#"":1}"#].concat();
            assert_eq!(check(&key, "file_size"), Ok(0), "byte {byte:#x} in a key");
        }
        assert_eq!(body_len("{\"k\":\"a\u{1f}\"}"), syntax(7, Some(0x1f)));
    }

    #[test]
    fn well_formed_non_ascii_outside_strings_is_a_syntax_error() {
        assert_eq!(body_len("{é}"), syntax(1, Some(0xc3)));
        assert_eq!(body_len("{\"a\":1}\u{a0}"), syntax(7, Some(0xc2)));
        assert_eq!(body_len("{\"a\":1 电}"), syntax(7, Some(0xe7)));
    }

    #[test]
    fn a_non_ascii_body_key_is_compared_byte_for_byte() {
        assert_eq!(check("{\"总大小x\": 4}".as_bytes(), "总大小"), Ok(0));
        assert_eq!(check("{\"总大\": 4}".as_bytes(), "总大小"), Ok(0));
        assert_eq!(check("{\"x总大小\": 4}".as_bytes(), "总大小"), Ok(0));
        assert_eq!(check("{\"总大\\u5c0f\": 5}".as_bytes(), "总大小"), Ok(5));
    }

    #[test]
    fn nesting_is_limited_without_recursion() {
        let mut ok = [b'['; 2 * MAX_NESTING + 8];
        let inner = MAX_NESTING - 1;
        let json_ok = build_nested(&mut ok, inner);
        assert_eq!(body_len(json_ok), Ok(0));
        let mut deep = [b'['; 2 * MAX_NESTING + 8];
        let json_deep = build_nested(&mut deep, inner + 1);
        assert_eq!(
            body_len(json_deep),
            Err(HeaderError::TooDeep {
                offset: 5 + inner,
                max: MAX_NESTING
            })
        );
    }

    fn build_nested(buf: &mut [u8], arrays: usize) -> &str {
        let mut len = 0;
        for &b in br#"{"a":"# {
            buf[len] = b;
            len += 1;
        }
        for _ in 0..arrays {
            buf[len] = b'[';
            len += 1;
        }
        for _ in 0..arrays {
            buf[len] = b']';
            len += 1;
        }
        buf[len] = b'}';
        core::str::from_utf8(&buf[..=len]).unwrap()
    }
}
