//! The sans-IO frame encoder: it cannot write a frame whose body differs
//! from the length its header declares.
//!
//! The header is the single source of truth for the body length. The encoder
//! serializes your header, reads the body key back out of the JSON it wrote
//! (with the decoder's own check), and from then on counts body bytes against
//! that number: a chunk that would overrun it is refused, and closing the
//! frame early is an error. It does not add the body key for you: put the
//! length in your header struct, where the receiver will look for it.
//!
//! Body bytes are not copied: [`Encoder::body`] checks a chunk and hands the
//! same slice back for you to send. Only the prefix and header are written
//! into your buffer; [`Encoder::frame`] writes a whole small frame at once.
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
//! # Panics
//! serde-json-core's serializer panics (`unreachable!`) on a header type that
//! serializes a `char`, an enum tuple variant, or a custom serialization
//! error. Header types made of structs, strings, integers, booleans, options,
//! sequences and unit enum variants are safe.

use serde::Serialize;

use crate::config::{Config, FrameKind};
use crate::error::{ConfigError, EncodeError, HeaderError};
use crate::ser::{self, SerError};

/// A frame encoder with a header buffer of `N` bytes, in which headers are
/// serialized and checked before anything reaches your buffer. See the
/// [module docs](self).
#[derive(Debug, Clone)]
pub struct Encoder<const N: usize> {
    config: Config,
    /// Body bytes the open frame still expects; `None` between frames.
    open: Option<u64>,
    scratch: [u8; N],
}

impl<const N: usize> Encoder<N> {
    /// An encoder between frames.
    ///
    /// # Errors
    /// As [`Decoder::new`](crate::Decoder::new): for header frames the header
    /// limit must fit in `N`.
    pub const fn new(config: Config) -> Result<Self, ConfigError> {
        if let Err(err) = config.check_capacity(N) {
            return Err(err);
        }
        Ok(Self {
            config,
            open: None,
            scratch: [0; N],
        })
    }

    /// The configuration this encoder was built with.
    pub const fn config(&self) -> &Config {
        &self.config
    }

    /// Body bytes the open frame still expects, or `None` between frames.
    pub const fn remaining(&self) -> Option<u64> {
        self.open
    }

    /// Writes the prefix and JSON header of a header frame into `out`, opens
    /// the frame for its body, and returns the number of bytes written.
    ///
    /// # Errors
    /// [`EncodeError::WrongKind`], [`EncodeError::FrameInProgress`],
    /// [`EncodeError::HeaderTooLong`], [`EncodeError::InvalidHeader`] (not an
    /// object, bad body length…), [`EncodeError::LengthOutOfRange`] (header
    /// length beyond the prefix), [`EncodeError::BodyTooLong`],
    /// [`EncodeError::BufferTooSmall`]. On error `out` is untouched and no
    /// frame is opened.
    pub fn header<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
        out: &mut [u8],
    ) -> Result<usize, EncodeError> {
        let (json_len, body_len) = self.prepare_header(header)?;
        let written = self.write_header(json_len, out)?;
        self.open = Some(body_len);
        Ok(written)
    }

    /// Writes the prefix of a raw frame of `len` payload bytes into `out`,
    /// opens the frame for its payload, and returns the number of bytes
    /// written.
    ///
    /// # Errors
    /// [`EncodeError::WrongKind`], [`EncodeError::FrameInProgress`],
    /// [`EncodeError::BodyTooLong`], [`EncodeError::LengthOutOfRange`],
    /// [`EncodeError::BufferTooSmall`]. On error `out` is untouched.
    pub fn raw(&mut self, len: u64, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.ready_for(FrameKind::Raw)?;
        self.check_body_len(len)?;
        self.config.prefix().write(len, out)?;
        self.open = Some(len);
        Ok(self.config.prefix().size())
    }

    /// Accounts for `chunk` as the next body bytes of the open frame and
    /// returns it, to be sent as it is.
    ///
    /// # Errors
    /// [`EncodeError::BodyOverrun`] if the frame expects fewer bytes (nothing
    /// is counted), [`EncodeError::NoFrameInProgress`] between frames.
    pub fn body<'b>(&mut self, chunk: &'b [u8]) -> Result<&'b [u8], EncodeError> {
        let remaining = self.open.ok_or(EncodeError::NoFrameInProgress)?;
        match remaining.checked_sub(chunk.len() as u64) {
            Some(left) => {
                self.open = Some(left);
                Ok(chunk)
            }
            None => Err(EncodeError::BodyOverrun {
                remaining,
                chunk: chunk.len(),
            }),
        }
    }

    /// Closes the open frame, which must have had its whole body.
    ///
    /// # Errors
    /// [`EncodeError::BodyUnderrun`] if body bytes are still owed (the frame
    /// stays open), [`EncodeError::NoFrameInProgress`] between frames.
    pub fn end_frame(&mut self) -> Result<(), EncodeError> {
        match self.open {
            Some(0) => {
                self.open = None;
                Ok(())
            }
            Some(missing) => Err(EncodeError::BodyUnderrun { missing }),
            None => Err(EncodeError::NoFrameInProgress),
        }
    }

    /// Writes a whole header frame — prefix, header and `body` — into `out`
    /// and returns the number of bytes written.
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
        let (json_len, declared) = self.prepare_header(header)?;
        let actual = body.len() as u64;
        if declared != actual {
            return Err(EncodeError::BodyLenMismatch { declared, actual });
        }
        let head = self.config.prefix().size() + json_len;
        let (head_out, body_out) = split_output(out, head, body.len())?;
        self.write_header(json_len, head_out)?;
        body_out.copy_from_slice(body);
        Ok(head + body.len())
    }

    /// Writes a whole raw frame — prefix and `payload` — into `out` and
    /// returns the number of bytes written.
    ///
    /// # Errors
    /// As [`raw`](Self::raw). On error `out` is untouched.
    pub fn raw_frame(&mut self, payload: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
        self.ready_for(FrameKind::Raw)?;
        let len = payload.len() as u64;
        self.check_body_len(len)?;
        let width = self.config.prefix().size();
        let (prefix_out, payload_out) = split_output(out, width, payload.len())?;
        self.config.prefix().write(len, prefix_out)?;
        payload_out.copy_from_slice(payload);
        Ok(width + payload.len())
    }

    /// Abandons the open frame, if any. What was already sent stays sent: the
    /// peer's decoder will see a broken frame unless the connection is closed.
    pub fn reset(&mut self) {
        self.open = None;
    }

    fn ready_for(&self, kind: FrameKind) -> Result<(), EncodeError> {
        if self.config.kind() != kind {
            return Err(EncodeError::WrongKind {
                configured: self.config.kind(),
            });
        }
        match self.open {
            Some(remaining) => Err(EncodeError::FrameInProgress { remaining }),
            None => Ok(()),
        }
    }

    fn check_body_len(&self, len: u64) -> Result<(), EncodeError> {
        let max = self.config.max_body_len();
        if len > max {
            return Err(EncodeError::BodyTooLong { len, max });
        }
        Ok(())
    }

    /// Serializes `header` into the scratch buffer and checks it as the
    /// decoder will; returns its length and declared body length.
    fn prepare_header<T: Serialize + ?Sized>(
        &mut self,
        header: &T,
    ) -> Result<(usize, u64), EncodeError> {
        self.ready_for(FrameKind::Header)?;
        let max = self.config.max_header_len().unwrap_or(N);
        let scratch = self.scratch.get_mut(..max).unwrap_or(&mut []);
        let (json_len, body_len) = ser::serialize_header(header, scratch, self.config.body_key())
            .map_err(|err| match err {
            SerError::BufferFull => EncodeError::HeaderTooLong { max },
            SerError::Invalid(err) => EncodeError::InvalidHeader(err),
            // Until EncodeError has a variant for values serde-json-core cannot write.
            SerError::Unsupported { offset, .. } => {
                EncodeError::InvalidHeader(HeaderError::Syntax {
                    offset,
                    found: None,
                })
            }
            SerError::Custom => EncodeError::InvalidHeader(HeaderError::Syntax {
                offset: 0,
                found: None,
            }),
        })?;
        self.check_body_len(body_len)?;
        let prefix_max = self.config.prefix().max_len();
        if json_len as u64 > prefix_max {
            return Err(EncodeError::LengthOutOfRange {
                len: json_len as u64,
                max: prefix_max,
            });
        }
        Ok((json_len, body_len))
    }

    /// Copies prefix and the prepared header into `out`.
    fn write_header(&self, json_len: usize, out: &mut [u8]) -> Result<usize, EncodeError> {
        let width = self.config.prefix().size();
        let (prefix_out, json_out) = split_output(out, width, json_len)?;
        self.config.prefix().write(json_len as u64, prefix_out)?;
        json_out.copy_from_slice(&self.scratch[..json_len]);
        Ok(width + json_len)
    }
}

/// The first `first + second` bytes of `out`, split after `first`.
fn split_output(
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
    use crate::prefix::{Endian, Prefix, Sign, Width};

    #[derive(Serialize)]
    struct Upload<'a> {
        file_name: &'a str,
        file_size: u64,
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
    fn raw_calls_on_a_header_encoder_are_refused() {
        let mut encoder = Encoder::<64>::new(Config::default()).unwrap();
        let mut out = [0u8; 64];
        let wrong = Err(EncodeError::WrongKind {
            configured: FrameKind::Header,
        });
        assert_eq!(encoder.raw(3, &mut out), wrong);
        assert_eq!(encoder.raw_frame(b"abc", &mut out), wrong);
    }
}
