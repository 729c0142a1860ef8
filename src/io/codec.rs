//! The core as a [`tokio_util::codec`] [`Decoder`](tokio_util::codec::Decoder)
//! and [`Encoder`](tokio_util::codec::Encoder), for [`FramedRead`],
//! [`FramedWrite`] and [`Framed`] users.
//!
//! Unlike the other adapters this one **allocates**: a [`Frame`] holds its
//! whole body, collected in the `BytesMut` buffer that `FramedRead` manages and
//! handed out as [`Bytes`] without a further copy. Because it buffers whole
//! frames, the codec always has a body limit: [`FrameCodec::new`] gives a
//! configuration without one ([`Config::default`]'s `u64::MAX`) the limit
//! [`DEFAULT_MAX_BODY_LEN`] (8 MiB, as `LengthDelimitedCodec`). A longer body is
//! refused with [`DecodeError::BodyTooLong`] as soon as its header is complete,
//! before anything is reserved for it. To stream bodies of any size in flat
//! memory, use [`tokio_io::FrameReader`](crate::io::tokio_io::FrameReader).
//!
//! Errors are [`io::Error`]s as `tokio_util` requires: decoding errors have
//! kind [`InvalidData`](io::ErrorKind::InvalidData) (the truncation errors at
//! the end of the stream: [`UnexpectedEof`](io::ErrorKind::UnexpectedEof)) and
//! encoding errors [`InvalidInput`](io::ErrorKind::InvalidInput); the
//! [`DecodeError`] or [`EncodeError`](crate::EncodeError) is the inner error
//! (`err.get_ref()`, `err.into_inner()`).
//!
//! # Switching from `LengthDelimitedCodec`
//! ```
//! use futures_util::{SinkExt, StreamExt};
//! use serde::Serialize;
//! use tokio_util::codec::Framed;
//! use unstick::Config;
//! use unstick::io::codec::{FrameCodec, HeaderFrame};
//!
//! #[derive(Serialize)]
//! struct Upload<'a> {
//!     file_name: &'a str,
//!     file_size: u64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! let (client, server) = tokio::io::duplex(1024);
//! // Was: Framed::new(client, LengthDelimitedCodec::new())
//! let mut client = Framed::new(client, FrameCodec::<256>::new(Config::default())?);
//! let mut server = Framed::new(server, FrameCodec::<256>::new(Config::default())?);
//!
//! let upload = Upload { file_name: "a.txt", file_size: 5 };
//! client.send(HeaderFrame { header: &upload, body: &b"hello"[..] }).await?;
//!
//! let frame = server.next().await.expect("one frame")?;
//! let header = frame.header().expect("a header frame");
//! assert_eq!(header.json(), r#"{"file_name":"a.txt","file_size":5}"#);
//! assert_eq!(frame.body().as_ref(), b"hello");
//! # Ok(())
//! # }
//! ```
//!
//! [`FramedRead`]: tokio_util::codec::FramedRead
//! [`FramedWrite`]: tokio_util::codec::FramedWrite
//! [`Framed`]: tokio_util::codec::Framed

use std::io;
use std::string::String;

use bytes::{Buf, Bytes, BytesMut};
use serde::Serialize;

use crate::config::Config;
use crate::decoder::Decoder;
use crate::encoder::Encoder;
use crate::error::{ConfigError, DecodeError};
use crate::event::{Event, Header};
use crate::io::io_error::{decode_error, encode_error};

/// The body limit [`FrameCodec::new`] applies when the configuration has none:
/// 8 MiB.
pub const DEFAULT_MAX_BODY_LEN: u64 = 8 * 1024 * 1024;

/// A decoded frame: the checked JSON header (none for a raw frame) and the
/// whole body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    header: Option<String>,
    body: Bytes,
}

impl Frame {
    /// The header of a header frame, with its typed parses; `None` for a raw
    /// frame.
    pub fn header(&self) -> Option<Header<'_>> {
        let json = self.header.as_deref()?;
        Some(Header::new(json, self.body.len() as u64))
    }

    /// The body (payload of a raw frame).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The body, without the header.
    pub fn into_body(self) -> Bytes {
        self.body
    }
}

/// A header frame to send: `header` is serialized as the JSON header and must
/// declare the length of `body` under the body key.
#[derive(Debug, Clone, Copy)]
pub struct HeaderFrame<H, B> {
    /// The header value; a reference (`&Upload`) works too.
    pub header: H,
    /// The body bytes.
    pub body: B,
}

/// A raw frame to send: its payload.
#[derive(Debug, Clone, Copy)]
pub struct RawFrame<B>(pub B);

/// The frame opened by the last header or raw prefix, whose body is awaited.
#[derive(Debug, Clone)]
struct Open {
    header: Option<String>,
    body_len: usize,
}

/// Decodes [`Frame`]s and encodes [`HeaderFrame`]s and [`RawFrame`]s with a
/// header buffer of `N` bytes. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct FrameCodec<const N: usize> {
    decoder: Decoder<N>,
    encoder: Encoder<N>,
    open: Option<Open>,
}

impl<const N: usize> FrameCodec<N> {
    /// A codec for `config`, with [`DEFAULT_MAX_BODY_LEN`] as the body limit if
    /// `config` has none (`max_body_len() == u64::MAX`). A configured limit
    /// above `usize::MAX` is lowered to `usize::MAX`: no larger body could be
    /// buffered.
    ///
    /// # Errors
    /// As [`Decoder::new`](crate::Decoder::new).
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        let max = match config.max_body_len() {
            u64::MAX => DEFAULT_MAX_BODY_LEN,
            max => max.min(usize::MAX as u64),
        };
        let config = config.to_builder().max_body_len(max).build()?;
        Ok(Self {
            decoder: Decoder::new(config)?,
            encoder: Encoder::new(config)?,
            open: None,
        })
    }

    /// The configuration in force, body limit included.
    pub fn config(&self) -> &Config {
        self.decoder.config()
    }

    /// Decodes the prefix and header at the front of `src`, consuming them;
    /// opens the frame once its header is complete.
    fn decode_head(&mut self, src: &mut BytesMut) -> Result<(), DecodeError> {
        let mut input = &src[..];
        let event = self.decoder.decode(&mut input)?;
        self.open = match event {
            Some(Event::Header(header)) => Some(Open {
                header: Some(String::from(header.json())),
                body_len: body_len(header.body_len()),
            }),
            Some(Event::RawStart { len }) => Some(Open {
                header: None,
                body_len: body_len(len),
            }),
            Some(Event::Body { .. } | Event::FrameEnd) | None => None,
        };
        let used = src.len() - input.len();
        src.advance(used);
        Ok(())
    }

    /// Takes the whole body of the `open` frame from `src` once it is there;
    /// until then the frame stays open.
    fn take_body(&mut self, src: &mut BytesMut, open: Open) -> Result<Option<Frame>, DecodeError> {
        if src.len() < open.body_len {
            src.reserve(open.body_len - src.len());
            self.open = Some(open);
            return Ok(None);
        }
        let body = src.split_to(open.body_len).freeze();
        let mut input = &body[..];
        while let Some(event) = self.decoder.decode(&mut input)? {
            if event == Event::FrameEnd {
                break;
            }
        }
        Ok(Some(Frame {
            header: open.header,
            body,
        }))
    }
}

/// A body length the decoder let through: at most the codec's limit, which
/// fits in `usize`.
fn body_len(len: u64) -> usize {
    usize::try_from(len).unwrap_or(usize::MAX)
}

impl<const N: usize> tokio_util::codec::Decoder for FrameCodec<N> {
    type Item = Frame;
    type Error = io::Error;

    /// Decodes the next whole frame from `src`; `Ok(None)` until all of it is
    /// there. Prefix and header bytes are consumed as they arrive; body bytes
    /// stay in `src` (room for the rest is reserved) until the body is
    /// complete.
    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame>> {
        if self.open.is_none() {
            self.decode_head(src).map_err(decode_error)?;
        }
        match self.open.take() {
            Some(open) => self.take_body(src, open).map_err(decode_error),
            None => Ok(None),
        }
    }

    /// As [`decode`](tokio_util::codec::Decoder::decode), then checks that
    /// the stream ended between two frames: otherwise the error is the
    /// decoder's truncation error ([`DecodeError::TruncatedBody`] with the
    /// missing byte count…) as an
    /// [`UnexpectedEof`](io::ErrorKind::UnexpectedEof) error.
    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame>> {
        if let Some(frame) = self.decode(src)? {
            return Ok(Some(frame));
        }
        let partial_body = src.split();
        self.decoder
            .feed(&partial_body, |_| {})
            .map_err(decode_error)?;
        self.decoder.finish().map_err(decode_error)?;
        Ok(None)
    }
}

impl<const N: usize, H: Serialize, B: AsRef<[u8]>> tokio_util::codec::Encoder<HeaderFrame<H, B>>
    for FrameCodec<N>
{
    type Error = io::Error;

    /// Appends the whole frame to `dst`.
    ///
    /// # Errors
    /// As [`Encoder::frame`](crate::Encoder::frame), as an
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) error; `dst` is then as
    /// it was.
    fn encode(&mut self, item: HeaderFrame<H, B>, dst: &mut BytesMut) -> io::Result<()> {
        let body = item.body.as_ref();
        let start = dst.len();
        dst.resize(start + self.config().prefix().size() + N + body.len(), 0);
        match self.encoder.frame(&item.header, body, &mut dst[start..]) {
            Ok(written) => {
                dst.truncate(start + written);
                Ok(())
            }
            Err(err) => {
                dst.truncate(start);
                Err(encode_error(err))
            }
        }
    }
}

impl<const N: usize, B: AsRef<[u8]>> tokio_util::codec::Encoder<RawFrame<B>> for FrameCodec<N> {
    type Error = io::Error;

    /// Appends the whole raw frame to `dst`.
    ///
    /// # Errors
    /// As [`Encoder::raw_frame`](crate::Encoder::raw_frame), as an
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) error; `dst` is then as
    /// it was.
    fn encode(&mut self, item: RawFrame<B>, dst: &mut BytesMut) -> io::Result<()> {
        let payload = item.0.as_ref();
        let start = dst.len();
        dst.resize(start + self.config().prefix().size() + payload.len(), 0);
        match self.encoder.raw_frame(payload, &mut dst[start..]) {
            Ok(_) => Ok(()),
            Err(err) => {
                dst.truncate(start);
                Err(encode_error(err))
            }
        }
    }
}
