//! The sans-IO encoder of header frames: it cannot write a frame whose body
//! differs from the length its header declares.
//!
//! The header is the single source of truth for the body length. The encoder
//! serializes your header (serde-json-core writes what needs escaping, the
//! encoder copies the rest in bulk), takes the body key's value as it is
//! written and holds the JSON to the decoder's rules (an object, one
//! top-level body key, a non-negative integer length), and from then on
//! counts body bytes against that number: a chunk that would overrun it is
//! refused, and closing the frame early is an error. It does not add the body key for you: put the
//! length in your header struct, where the receiver will look for it.
//!
//! Body bytes are not copied: [`Encoder::body`] checks a chunk and hands the
//! same slice back for you to send. The prefix and header are either written
//! into your buffer ([`Encoder::header`]) or lent to you from the encoder's
//! own ([`Encoder::open`], for writers that send them straight away);
//! [`Encoder::frame`] writes a whole small frame at once. Raw frames have
//! their own [`RawEncoder`](crate::RawEncoder).
//!
//! ```
//! use serde::Serialize;
//! use unstick::{Config, Encoder, EncodeError};
//!
//! #[derive(Serialize)]
//! struct Upload<'a> {
//!     file_name: &'a str,
//!     file_size: u64,
//! }
//!
//! let mut encoder = Encoder::<128>::new(Config::default())?;
//! let mut out = [0u8; 128];
//! let n = encoder.header(&Upload { file_name: "a.txt", file_size: 11 }, &mut out)?;
//! assert_eq!(&out[..n], b"\0\0\0\x24{\"file_name\":\"a.txt\",\"file_size\":11}");
//!
//! let sent = encoder.body(b"hello ")?; // send `sent` on your socket
//! assert_eq!(sent, b"hello ");
//! assert_eq!(encoder.body(b"world!!"), Err(EncodeError::BodyOverrun { remaining: 5, chunk: 7 }));
//! assert_eq!(encoder.end_frame(), Err(EncodeError::BodyUnderrun { missing: 5 }));
//! encoder.body(b"world")?;
//! encoder.end_frame()?;
//! # Ok::<(), unstick::Error>(())
//! ```
//!
//! # Header types
//! Any `Serialize` type works, and none can make the encoder panic: what
//! serde-json-core cannot write (a `char`, an enum tuple variant, a 128-bit
//! integer) or would write as invalid JSON (a field or variant name that
//! needs escaping, a map key that is not a string) is refused with
//! [`EncodeError::Unserializable`], and an error of the type's own
//! `Serialize` with [`EncodeError::SerializeFailed`].

use serde::Serialize;

use crate::body_count::BodyCount;
use crate::config::Config;
use crate::error::{ConfigError, EncodeError};
use crate::ser::{self, SerError};

/// A frame encoder with a header buffer of `N` bytes, in which headers are
/// serialized and checked before anything reaches your buffer. See the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct Encoder<const N: usize> {
    config: Config,
    body: BodyCount,
    /// The prefix of the last header prepared.
    prefix: [u8; 8],
    scratch: [u8; N],
}

impl<const N: usize> Default for Encoder<N> {
    /// An encoder with the default configuration ([`Config::default`])
    /// between frames, built in place (see [`new`](Self::new)).
    ///
    /// `N` must be at least 1: `Encoder::<0>::default()` does not compile.
    ///
    /// ```compile_fail
    /// let encoder = unstick::Encoder::<0>::default();
    /// ```
    fn default() -> Self {
        const { assert!(N > 0, "an Encoder<N> needs a header buffer: N >= 1") };
        Self::between_frames(Config::default())
    }
}

/// The prefix and header of a frame that [`Encoder::open`] opened, lent from
/// the encoder: send [`prefix`](Self::prefix) then [`json`](Self::json),
/// then the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "the frame is open: its prefix and header must be sent"]
pub struct FrameHead<'e> {
    prefix: &'e [u8],
    json: &'e [u8],
}

impl<'e> FrameHead<'e> {
    /// The length prefix.
    pub const fn prefix(&self) -> &'e [u8] {
        self.prefix
    }

    /// The JSON header.
    pub const fn json(&self) -> &'e [u8] {
        self.json
    }

    /// Prefix and header length together.
    pub const fn len(&self) -> usize {
        self.prefix.len() + self.json.len()
    }

    /// Always `false`: a frame head holds at least a prefix and `{}`.
    pub const fn is_empty(&self) -> bool {
        false
    }
}

impl<const N: usize> Encoder<N> {
    /// An encoder between frames.
    ///
    /// With the default configuration, [`Encoder::default`] needs no
    /// `Result`, which on small targets saves a copy of the encoder on the
    /// stack (as [`Decoder::new`](crate::Decoder::new) explains).
    ///
    /// # Errors
    /// As [`Decoder::new`](crate::Decoder::new): the header limit must fit in `N`.
    pub const fn new(config: Config) -> Result<Self, ConfigError> {
        if let Err(err) = config.header_limit(N) {
            return Err(err);
        }
        Ok(Self::between_frames(config))
    }

    /// An encoder between frames, for a `config` already checked against `N`.
    const fn between_frames(config: Config) -> Self {
        Self {
            config,
            body: BodyCount::BETWEEN_FRAMES,
            prefix: [0; 8],
            scratch: [0; N],
        }
    }

    /// The configuration this encoder was built with.
    pub const fn config(&self) -> &Config {
        &self.config
    }

    /// Body bytes the open frame still expects, or `None` between frames.
    pub const fn remaining(&self) -> Option<u64> {
        self.body.remaining()
    }

    /// Writes the prefix and JSON header of a frame into `out`, opens the
    /// frame for its body, and returns the number of bytes written.
    ///
    /// # Errors
    /// [`EncodeError::FrameInProgress`], [`EncodeError::HeaderTooLong`],
    /// [`EncodeError::InvalidHeader`] (not an object, bad body length…),
    /// [`EncodeError::LengthOutOfRange`] (header length beyond the prefix),
    /// [`EncodeError::BodyTooLong`], [`EncodeError::BufferTooSmall`]. On
    /// error `out` is untouched and no frame is opened.
    pub fn header<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        out: &mut [u8],
    ) -> Result<usize, EncodeError> {
        let (json_len, body_len) = self.prepare_header(header)?;
        let written = self.copy_head(json_len, out)?;
        self.body.open(body_len);
        Ok(written)
    }

    /// Serializes and checks the header, opens the frame for its body, and
    /// lends the prefix and header to send, from the encoder's own buffer.
    ///
    /// # Errors
    /// As [`header`](Self::header), without `BufferTooSmall`. On error no
    /// frame is opened.
    pub fn open<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
    ) -> Result<FrameHead<'_>, EncodeError> {
        let (json_len, body_len) = self.prepare_header(header)?;
        self.body.open(body_len);
        Ok(self.head(json_len))
    }

    /// Accounts for `chunk` as the next body bytes of the open frame and
    /// returns it, to be sent as it is.
    ///
    /// # Errors
    /// [`EncodeError::BodyOverrun`] if the frame expects fewer bytes (nothing
    /// is counted), [`EncodeError::NoFrameInProgress`] between frames.
    pub fn body<'b>(&mut self, chunk: &'b [u8]) -> Result<&'b [u8], EncodeError> {
        self.body.take(chunk)
    }

    /// Closes the open frame, which must have had its whole body.
    ///
    /// # Errors
    /// [`EncodeError::BodyUnderrun`] if body bytes are still owed (the frame
    /// stays open), [`EncodeError::NoFrameInProgress`] between frames.
    pub fn end_frame(&mut self) -> Result<(), EncodeError> {
        self.body.end()
    }

    /// Writes a whole frame — prefix, header and `body` — into `out` and
    /// returns the number of bytes written. No frame stays open.
    ///
    /// # Errors
    /// As [`header`](Self::header), plus [`EncodeError::BodyLenMismatch`] if
    /// `body` is not as long as the header declares. On error `out` is
    /// untouched.
    pub fn frame<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        body: &[u8],
        out: &mut [u8],
    ) -> Result<usize, EncodeError> {
        let json_len = self.prepare_frame(header, body)?;
        let head_len = self.config.prefix().size() + json_len;
        let (head_out, body_out) = split_output(out, head_len, body.len())?;
        self.write_head(head_out);
        body_out.copy_from_slice(body);
        Ok(head_out.len() + body.len())
    }

    /// Checks a whole frame whose body is `body` and lends its prefix and
    /// header from the encoder's own buffer: send them, then `body`. No
    /// frame stays open (the body is accounted for already), so the next
    /// frame may follow at once.
    ///
    /// # Errors
    /// As [`frame`](Self::frame), without `BufferTooSmall`.
    pub fn frame_head<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        body: &[u8],
    ) -> Result<FrameHead<'_>, EncodeError> {
        let json_len = self.prepare_frame(header, body)?;
        Ok(self.head(json_len))
    }

    /// Abandons the open frame, if any. What was already sent stays sent: the
    /// peer's decoder will see a broken frame unless the connection is closed.
    pub fn reset(&mut self) {
        self.body = BodyCount::BETWEEN_FRAMES;
    }

    /// Serializes `header` into the scratch buffer, checks it as the decoder
    /// will and writes its prefix; returns its length and declared body
    /// length. Opens nothing.
    fn prepare_header<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
    ) -> Result<(usize, u64), EncodeError> {
        self.body.ready()?;
        let max = self.config.max_header_len().unwrap_or(N);
        let scratch = self.scratch.get_mut(..max).unwrap_or(&mut []);
        let (json_len, body_len) = ser::serialize_header(header, scratch, self.config.body_key())
            .map_err(|err| match err {
            SerError::BufferFull => EncodeError::HeaderTooLong { max },
            SerError::Invalid(err) => EncodeError::InvalidHeader(err),
            SerError::Unsupported { offset, what } => EncodeError::Unserializable {
                offset,
                value: what,
            },
            SerError::Custom => EncodeError::SerializeFailed,
        })?;
        check_body_len(&self.config, body_len)?;
        self.prefix = self.config.prefix().bytes(json_len as u64)?;
        Ok((json_len, body_len))
    }

    /// [`prepare_header`](Self::prepare_header) for a whole frame whose
    /// body is `body`, which must be as long as the header declares;
    /// returns the header's length.
    fn prepare_frame<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        body: &[u8],
    ) -> Result<usize, EncodeError> {
        let (json_len, declared) = self.prepare_header(header)?;
        let actual = body.len() as u64;
        if declared != actual {
            return Err(EncodeError::BodyLenMismatch { declared, actual });
        }
        Ok(json_len)
    }

    /// The prepared prefix and header of `json_len` bytes.
    fn head(&self, json_len: usize) -> FrameHead<'_> {
        FrameHead {
            prefix: &self.prefix[..self.config.prefix().size()],
            json: &self.scratch[..json_len],
        }
    }

    /// Copies the prepared prefix and header into `out`.
    fn copy_head(&self, json_len: usize, out: &mut [u8]) -> Result<usize, EncodeError> {
        let head_len = self.config.prefix().size() + json_len;
        let (head_out, _) = split_output(out, head_len, 0)?;
        self.write_head(head_out);
        Ok(head_len)
    }

    /// Writes the prepared prefix and header into `head_out`, which is
    /// exactly as long as both. The prefix goes as the 8 bytes
    /// [`Prefix::bytes`](crate::prefix::Prefix::bytes) made when `head_out`
    /// has room for them (the header then overwrites what lies past the
    /// prefix): a copy of `size` bytes, a length known only at run time,
    /// is a call to `memcpy` (on x86-64 about 15 instructions per frame
    /// more, benches/callgrind.sh).
    fn write_head(&self, head_out: &mut [u8]) {
        let size = self.config.prefix().size();
        let json_len = head_out.len() - size;
        match head_out.first_chunk_mut() {
            Some(first) => *first = self.prefix,
            None => head_out[..size].copy_from_slice(&self.prefix[..size]),
        }
        head_out[size..].copy_from_slice(&self.scratch[..json_len]);
    }
}

/// Refuses a body the peer's decoder would refuse as too long.
pub(crate) fn check_body_len(config: &Config, len: u64) -> Result<(), EncodeError> {
    let max = config.max_body_len();
    if len > max {
        return Err(EncodeError::BodyTooLong { len, max });
    }
    Ok(())
}

/// The first `first + second` bytes of `out`, split after `first`.
pub(crate) fn split_output(
    out: &mut [u8],
    first: usize,
    second: usize,
) -> Result<(&mut [u8], &mut [u8]), EncodeError> {
    let required = first + second;
    let available = out.len();
    let frame = out.get_mut(..required).ok_or(EncodeError::BufferTooSmall {
        required,
        available,
    })?;
    Ok(frame.split_at_mut(first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::HeaderError;
    use crate::prefix::{Endian, Prefix, Sign, Width};

    #[derive(Serialize)]
    struct Upload<'a> {
        file_name: &'a str,
        file_size: u64,
    }

    #[test]
    fn the_default_encoder_is_new_with_the_default_config() {
        let mut encoder = Encoder::<32>::default();
        assert_eq!(encoder.config(), &Config::default());
        assert_eq!(encoder.remaining(), None);
        let mut out = [0; 64];
        let n = encoder.frame(&Size { file_size: 2 }, b"hi", &mut out);
        assert_eq!(&out[..n.unwrap()], b"\0\0\0\x0f{\"file_size\":2}hi");
        let long = Upload {
            file_name: "twenty-one characters",
            file_size: 0,
        };
        assert_eq!(
            encoder.header(&long, &mut out),
            Err(EncodeError::HeaderTooLong { max: 32 })
        );
    }

    #[derive(Serialize)]
    struct Size {
        file_size: u64,
    }

    #[test]
    fn body_limit_is_checked_before_a_frame_opens() {
        let config = Config::builder().max_body_len(3).build().unwrap();
        let mut encoder = Encoder::<64>::new(config).unwrap();
        let mut out = [0xee; 64];
        let over = Upload {
            file_name: "a",
            file_size: 4,
        };
        assert_eq!(
            encoder.header(&over, &mut out),
            Err(EncodeError::BodyTooLong { len: 4, max: 3 })
        );
        assert_eq!(encoder.remaining(), None);
        assert_eq!(out, [0xee; 64]);
        let at_limit = Upload {
            file_name: "a",
            file_size: 3,
        };
        assert_eq!(encoder.frame(&at_limit, b"abc", &mut out), Ok(38));
    }

    #[test]
    fn open_lends_the_same_bytes_header_writes() {
        let upload = Upload {
            file_name: "a",
            file_size: 3,
        };
        let mut out = [0u8; 64];
        let mut encoder = Encoder::<64>::new(Config::python_struct()).unwrap();
        let written = encoder.header(&upload, &mut out).unwrap();
        encoder.reset();
        let head = encoder.open(&upload).unwrap();
        assert_eq!(head.len(), written);
        assert!(!head.is_empty());
        assert_eq!(head.prefix(), &out[..4]);
        assert_eq!(head.json(), &out[4..written]);
        assert_eq!(head.prefix(), &31i32.to_le_bytes());
        assert_eq!(encoder.remaining(), Some(3));
    }

    #[test]
    fn header_that_is_not_an_object_is_refused() {
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0u8; 64];
        assert_eq!(
            encoder.header(&[1, 2], &mut out),
            Err(EncodeError::InvalidHeader(HeaderError::NotAnObject {
                found: crate::JsonType::Array
            }))
        );
        assert_eq!(encoder.remaining(), None);
    }

    #[test]
    fn header_too_long_for_a_one_byte_signed_prefix() {
        let prefix = Prefix::new(Width::One, Endian::Big, Sign::Signed);
        let config = Config::builder().prefix(prefix).build().unwrap();
        let mut encoder = Encoder::<256>::new(config).unwrap();
        let name = core::str::from_utf8(&[b'x'; 120]).unwrap();
        let mut out = [0u8; 256];
        assert_eq!(
            encoder.header(
                &Upload {
                    file_name: name,
                    file_size: 0
                },
                &mut out
            ),
            Err(EncodeError::LengthOutOfRange { len: 150, max: 127 })
        );
    }

    #[test]
    fn short_buffer_says_what_it_needs_and_stays_untouched() {
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0xee; 10];
        let upload = Upload {
            file_name: "a",
            file_size: 3,
        };
        assert_eq!(
            encoder.header(&upload, &mut out),
            Err(EncodeError::BufferTooSmall {
                required: 35,
                available: 10
            })
        );
        assert_eq!(
            encoder.frame(&upload, b"abc", &mut out),
            Err(EncodeError::BufferTooSmall {
                required: 38,
                available: 10
            })
        );
        assert_eq!(out, [0xee; 10]);
        assert_eq!(encoder.remaining(), None);
    }

    #[derive(Serialize)]
    struct Empty {}

    #[test]
    fn the_prefix_is_written_in_its_width_however_short_the_frame() {
        for width in [Width::One, Width::Two, Width::Four, Width::Eight] {
            for endian in [Endian::Big, Endian::Little] {
                let prefix = Prefix::new(width, endian, Sign::Unsigned);
                let config = Config::builder().prefix(prefix).build().unwrap();
                let mut encoder = Encoder::<32>::new(config).unwrap();
                let mut wire = [0u8; 8];
                prefix.write(2, &mut wire[..width.bytes()]).unwrap();
                let expected = [&wire[..width.bytes()], b"{}"].concat();
                let mut out = [0xee; 16];
                let n = encoder.frame(&Empty {}, b"", &mut out).unwrap();
                assert_eq!(&out[..n], expected, "frame, {width:?} {endian:?}");
                assert!(out[n..].iter().all(|&byte| byte == 0xee));
                let mut out = [0xee; 16];
                let n = encoder.header(&Empty {}, &mut out).unwrap();
                assert_eq!(&out[..n], expected, "header, {width:?} {endian:?}");
                assert!(out[n..].iter().all(|&byte| byte == 0xee));
                encoder.end_frame().unwrap();
                let mut out = [0xee; 32];
                let n = encoder.frame(&Size { file_size: 2 }, b"hi", &mut out);
                let json: &[u8] = b"{\"file_size\":2}";
                prefix
                    .write(json.len() as u64, &mut wire[..width.bytes()])
                    .unwrap();
                let expected = [&wire[..width.bytes()], json, b"hi"].concat();
                assert_eq!(&out[..n.unwrap()], expected, "{width:?} {endian:?}");
            }
        }
    }

    #[test]
    fn frame_refuses_a_body_of_another_length() {
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0u8; 64];
        let upload = Upload {
            file_name: "a",
            file_size: 3,
        };
        assert_eq!(
            encoder.frame(&upload, b"abcd", &mut out),
            Err(EncodeError::BodyLenMismatch {
                declared: 3,
                actual: 4
            })
        );
        assert_eq!(encoder.frame(&upload, b"abc", &mut out), Ok(38));
    }

    #[test]
    fn new_frame_while_body_is_owed_is_refused() {
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0u8; 64];
        let upload = Upload {
            file_name: "a",
            file_size: 3,
        };
        encoder.header(&upload, &mut out).unwrap();
        assert_eq!(
            encoder.header(&upload, &mut out),
            Err(EncodeError::FrameInProgress { remaining: 3 })
        );
        assert_eq!(encoder.body(b""), Ok(&b""[..]));
        encoder.reset();
        assert_eq!(encoder.body(b"a"), Err(EncodeError::NoFrameInProgress));
    }

    #[test]
    fn values_serde_json_core_cannot_write_are_refused_not_panicked_on() {
        #[derive(Serialize)]
        struct Initial {
            initial: char,
            file_size: u64,
        }
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0xee; 64];
        let header = Initial {
            initial: 'x',
            file_size: 0,
        };
        assert_eq!(
            encoder.header(&header, &mut out),
            Err(EncodeError::Unserializable {
                offset: 11,
                value: crate::UnserializableValue::Char
            })
        );
        assert_eq!(out, [0xee; 64]);
        assert_eq!(encoder.remaining(), None);
    }

    /// The bytes serde_json writes for `header`: what a peer reads, byte for byte.
    fn serde_json_bytes<T: Serialize>(header: &T) -> impl PartialEq<&[u8]> + core::fmt::Debug {
        serde_json::to_vec(header).unwrap()
    }

    #[test]
    fn integers_are_written_in_decimal_as_serde_json_writes_them() {
        #[derive(Serialize)]
        struct Integers {
            a: i8,
            b: i16,
            c: i32,
            d: i64,
            e: u8,
            f: u16,
            g: u32,
            h: u64,
            file_size: u64,
        }
        let mut encoder = Encoder::<256>::new(Config::default()).unwrap();
        let mut out = [0u8; 256];
        for v in [0, 1, -1, 9, -10, 100, i64::MIN, i64::MAX] {
            let header = Integers {
                a: v as i8,
                b: v as i16,
                c: v as i32,
                d: v,
                e: v as u8,
                f: v as u16,
                g: v as u32,
                h: v as u64,
                file_size: 0,
            };
            let n = encoder.header(&header, &mut out).unwrap();
            assert_eq!(serde_json_bytes(&header), &out[4..n], "{v}");
            encoder.end_frame().unwrap();
        }
    }

    #[test]
    fn integers_of_128_bits_are_refused() {
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0u8; 64];
        let int128 = Err(EncodeError::Unserializable {
            offset: 8,
            value: crate::UnserializableValue::Int128,
        });
        let signed = Named {
            name: 1i128,
            file_size: 0,
        };
        assert_eq!(encoder.header(&signed, &mut out), int128);
        let unsigned = Named {
            name: 1u128,
            file_size: 0,
        };
        assert_eq!(encoder.header(&unsigned, &mut out), int128);
    }

    #[test]
    fn every_value_is_written_as_serde_json_writes_it_or_refused() {
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0u8; 64];
        let refused = |value| Err(EncodeError::Unserializable { offset: 8, value });
        for kind in KINDS {
            let header = Named {
                name: kind,
                file_size: 0,
            };
            let written = encoder.header(&header, &mut out);
            match kind {
                Kind::Char => assert_eq!(written, refused(crate::UnserializableValue::Char)),
                Kind::TupleVariant => {
                    assert_eq!(written, refused(crate::UnserializableValue::TupleVariant));
                }
                Kind::Bytes => {
                    let n = written.unwrap();
                    assert_eq!(&out[4..n], b"{\"name\":1,\"file_size\":0}");
                }
                _ => {
                    let n = written.unwrap();
                    assert_eq!(serde_json_bytes(&header), &out[4..n], "{kind:?}");
                }
            }
            encoder.reset();
        }
    }

    #[test]
    fn a_field_name_that_needs_escaping_is_refused() {
        // serde-json-core would write the name as it is: `{"file\u005fsize":4}`,
        // whose key is `file_size` once unescaped.
        #[derive(Serialize)]
        struct Spelled {
            #[serde(rename = "file\\u005fsize")]
            size: u64,
        }
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0xa5u8; 64];
        assert_eq!(
            encoder.header(&Spelled { size: 4 }, &mut out),
            Err(EncodeError::Unserializable {
                offset: 1,
                value: crate::UnserializableValue::NameNeedsEscape
            })
        );
        assert!(out.iter().all(|&byte| byte == 0xa5));
        assert_eq!(encoder.remaining(), None);
    }

    #[test]
    fn sibling_arrays_are_not_nesting() {
        #[derive(Serialize)]
        struct Lists<'a> {
            lists: &'a [[u8; 0]],
            file_size: u64,
        }
        let header = Lists {
            lists: &[[]; 200],
            file_size: 2,
        };
        let mut encoder = Encoder::<1024>::new(Config::default()).unwrap();
        let mut out = [0u8; 1024];
        let n = encoder.header(&header, &mut out).unwrap();
        assert_eq!(serde_json_bytes(&header), &out[4..n]);
        assert_eq!(encoder.remaining(), Some(2));
    }

    /// A map key serialized through `collect_str`, as `Display` types are.
    struct DisplayKey(&'static str);

    impl Serialize for DisplayKey {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(self.0)
        }
    }

    /// A map of one member.
    struct Member<K, V>(K, V);

    impl<K: Serialize, V: Serialize> Serialize for Member<K, V> {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(&self.0, &self.1)?;
            map.end()
        }
    }

    #[test]
    fn a_body_key_written_through_collect_str_declares_the_body_length() {
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0u8; 64];
        let header = Member(DisplayKey("file_size"), 5u8);
        let n = encoder.header(&header, &mut out).unwrap();
        assert_eq!(&out[4..n], b"{\"file_size\":5}");
        assert_eq!(encoder.remaining(), Some(5));
    }

    /// serde-json-core's `EscapedStr` newtype, around any value.
    #[derive(Serialize)]
    #[serde(rename = "__serde_json_core_escaped_string__")]
    struct Escaped<T>(T);

    /// One value of every kind in serde's data model but 128-bit integers.
    #[derive(Debug, Clone, Copy)]
    enum Kind {
        Bool,
        I8,
        I16,
        I32,
        I64,
        U8,
        U16,
        U32,
        U64,
        F32,
        F64,
        Char,
        Bytes,
        None,
        Some,
        Unit,
        UnitStruct,
        UnitVariant,
        NewtypeStruct,
        NewtypeVariant,
        Seq,
        Tuple,
        TupleStruct,
        TupleVariant,
        Map,
        Struct,
        StructVariant,
        CollectStr,
    }

    const KINDS: [Kind; 28] = [
        Kind::Bool,
        Kind::I8,
        Kind::I16,
        Kind::I32,
        Kind::I64,
        Kind::U8,
        Kind::U16,
        Kind::U32,
        Kind::U64,
        Kind::F32,
        Kind::F64,
        Kind::Char,
        Kind::Bytes,
        Kind::None,
        Kind::Some,
        Kind::Unit,
        Kind::UnitStruct,
        Kind::UnitVariant,
        Kind::NewtypeStruct,
        Kind::NewtypeVariant,
        Kind::Seq,
        Kind::Tuple,
        Kind::TupleStruct,
        Kind::TupleVariant,
        Kind::Map,
        Kind::Struct,
        Kind::StructVariant,
        Kind::CollectStr,
    ];

    impl Serialize for Kind {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{
                SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant,
                SerializeTuple, SerializeTupleStruct, SerializeTupleVariant,
            };
            match self {
                Self::Bool => s.serialize_bool(true),
                Self::I8 => s.serialize_i8(1),
                Self::I16 => s.serialize_i16(1),
                Self::I32 => s.serialize_i32(1),
                Self::I64 => s.serialize_i64(1),
                Self::U8 => s.serialize_u8(1),
                Self::U16 => s.serialize_u16(1),
                Self::U32 => s.serialize_u32(1),
                Self::U64 => s.serialize_u64(1),
                Self::F32 => s.serialize_f32(1.5),
                Self::F64 => s.serialize_f64(-0.25),
                Self::Char => s.serialize_char('a'),
                Self::Bytes => s.serialize_bytes(b"1"),
                Self::None => s.serialize_none(),
                Self::Some => s.serialize_some("a"),
                Self::Unit => s.serialize_unit(),
                Self::UnitStruct => s.serialize_unit_struct("U"),
                Self::UnitVariant => s.serialize_unit_variant("E", 0, "V"),
                Self::NewtypeStruct => s.serialize_newtype_struct("N", "a"),
                Self::NewtypeVariant => s.serialize_newtype_variant("E", 0, "V", "a"),
                Self::Seq => {
                    let mut seq = s.serialize_seq(Some(2))?;
                    seq.serialize_element(&1)?;
                    seq.serialize_element(&2)?;
                    seq.end()
                }
                Self::Tuple => {
                    let mut tuple = s.serialize_tuple(2)?;
                    tuple.serialize_element(&1)?;
                    tuple.serialize_element(&2)?;
                    tuple.end()
                }
                Self::TupleStruct => {
                    let mut tuple = s.serialize_tuple_struct("T", 2)?;
                    tuple.serialize_field(&1)?;
                    tuple.serialize_field(&2)?;
                    tuple.end()
                }
                Self::TupleVariant => {
                    let mut tuple = s.serialize_tuple_variant("E", 0, "V", 1)?;
                    tuple.serialize_field(&1)?;
                    tuple.end()
                }
                Self::Map => {
                    let mut map = s.serialize_map(Some(2))?;
                    map.serialize_entry("a", &1)?;
                    map.serialize_entry("b", &2)?;
                    map.end()
                }
                Self::Struct => {
                    let mut st = s.serialize_struct("S", 2)?;
                    st.serialize_field("a", &1)?;
                    st.serialize_field("b", &2)?;
                    st.end()
                }
                Self::StructVariant => {
                    let mut st = s.serialize_struct_variant("E", 0, "V", 2)?;
                    st.serialize_field("a", &1)?;
                    st.serialize_field("b", &2)?;
                    st.end()
                }
                Self::CollectStr => s.collect_str("a"),
            }
        }
    }

    #[derive(Serialize)]
    struct Named<T> {
        name: T,
        file_size: u64,
    }

    #[test]
    fn escaped_str_is_written_as_it_is_and_only_around_a_string() {
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0xee; 64];
        let text = Named {
            name: Escaped("caf\\u00e9"),
            file_size: 0,
        };
        let n = encoder.header(&text, &mut out).unwrap();
        assert_eq!(&out[4..n], b"{\"name\":\"caf\\u00e9\",\"file_size\":0}");
        encoder.end_frame().unwrap();
        let mut out = [0xee; 64];
        for kind in KINDS {
            let header = Named {
                name: Escaped(kind),
                file_size: 0,
            };
            assert_eq!(
                encoder.header(&header, &mut out),
                Err(EncodeError::Unserializable {
                    offset: 9,
                    value: crate::UnserializableValue::EscapedNonString
                }),
                "{kind:?}"
            );
        }
        assert_eq!(out, [0xee; 64]);
        assert_eq!(encoder.remaining(), None);
    }
}
