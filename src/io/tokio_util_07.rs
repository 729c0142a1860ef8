//! The core as [`tokio_util::codec`] 0.7 codecs — [`FrameCodec`] for header
//! frames, [`RawFrameCodec`] for raw frames — for [`FramedRead`],
//! [`FramedWrite`] and [`Framed`] users. Both are re-exported at the crate
//! root.
//!
//! Unlike the other adapters this one **allocates**: a [`Frame`] holds its
//! whole body, collected in the `BytesMut` buffer that `FramedRead` manages and
//! handed out as [`Bytes`] without a further copy. Because it buffers whole
//! frames, the codec always has a body limit. A configuration's body limit of
//! `u64::MAX` — [`Config::default`]'s "no limit", or the same value set
//! explicitly — means "unbounded" to the core but becomes
//! [`DEFAULT_MAX_BODY_LEN`] (8 MiB, as `LengthDelimitedCodec`) in the codecs;
//! set a lower or higher limit explicitly to change it ([`FrameCodec::config`]
//! says which one is in force). A limit above `usize::MAX` is lowered to
//! `usize::MAX`. A longer body is refused with [`DecodeError::BodyTooLong`]
//! as soon as its header is complete, before anything is reserved for it. To
//! stream bodies of any size in flat memory, use
//! [`tokio::FrameReader`](crate::io::tokio::FrameReader).
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
//! use unstick::io::tokio_util_07::HeaderFrame;
//! use unstick::{Config, FrameCodec};
//!
//! #[derive(Serialize)]
//! struct Upload<'a> {
//!     file_name: &'a str,
//!     file_size: u64,
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let (client, server) = tokio::io::duplex(1024);
//! // Was: Framed::new(client, LengthDelimitedCodec::new())
//! let mut client = Framed::new(client, FrameCodec::<256>::new(Config::default())?);
//! let mut server = Framed::new(server, FrameCodec::<256>::new(Config::default())?);
//!
//! let upload = Upload { file_name: "a.txt", file_size: 5 };
//! client.send(HeaderFrame { header: &upload, body: &b"hello"[..] }).await?;
//!
//! let frame = server.next().await.expect("one frame")?;
//! assert_eq!(frame.header().json(), r#"{"file_name":"a.txt","file_size":5}"#);
//! assert_eq!(frame.body().as_ref(), b"hello");
//! # Ok(())
//! # }
//! ```
//!
//! Raw frames come and go as bytes, as with `LengthDelimitedCodec`:
//! ```
//! use futures_util::{SinkExt, StreamExt};
//! use tokio_util::codec::Framed;
//! use unstick::{Config, RawFrameCodec};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let (client, server) = tokio::io::duplex(1024);
//! let mut client = Framed::new(client, RawFrameCodec::new(Config::python_struct()));
//! let mut server = Framed::new(server, RawFrameCodec::new(Config::python_struct()));
//! client.send(&b"dir"[..]).await?;
//! assert_eq!(server.next().await.expect("one frame")?, &b"dir"[..]);
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
use crate::event::{Event, Header, RawEvent};
use crate::framing::FrameDecoder;
use crate::raw_decoder::RawDecoder;
use crate::raw_encoder::RawEncoder;

/// The body limit the codecs apply when the configuration's is `u64::MAX`:
/// 8 MiB.
pub const DEFAULT_MAX_BODY_LEN: u64 = 8 * 1024 * 1024;

/// A decoded header frame: the checked JSON header and the whole body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    header: String,
    body: Bytes,
}

impl Frame {
    /// The header, with its typed parses.
    pub fn header(&self) -> Header<'_> {
        Header::new(self.header.as_bytes(), self.body.len() as u64)
    }

    /// The body.
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

/// Decodes [`Frame`]s and encodes [`HeaderFrame`]s with a header buffer of `N`
/// bytes. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct FrameCodec<const N: usize> {
    whole: Whole<Decoder<N>>,
    encoder: Encoder<N>,
    /// The header of the frame whose body is awaited.
    header: Option<String>,
}

impl<const N: usize> FrameCodec<N> {
    /// A codec for `config`, with the body limit of the
    /// [module docs](self).
    ///
    /// # Errors
    /// As [`Decoder::new`](crate::Decoder::new).
    pub fn new(config: Config) -> Result<Self, ConfigError> {
        let config = buffered_limit(config);
        Ok(Self {
            whole: Whole::new(Decoder::new(config)?),
            encoder: Encoder::new(config)?,
            header: None,
        })
    }

    /// The configuration in force, body limit included.
    pub fn config(&self) -> &Config {
        self.whole.decoder.config()
    }

    /// Decodes prefix and header bytes at the front of `src`, consuming
    /// them, until a header is complete.
    fn decode_header(&mut self, src: &mut BytesMut) -> Result<(), DecodeError> {
        let mut input = &src[..];
        let decoder = &mut self.whole.decoder;
        let header = loop {
            match decoder.decode(&mut input) {
                Ok(Some(Event::Header(header))) => break Ok(Some(String::from(header.json()))),
                Ok(Some(Event::Body { .. } | Event::FrameEnd)) => {}
                Ok(None) => break Ok(None),
                Err(err) => break Err(err),
            }
        };
        let used = src.len() - input.len();
        src.advance(used);
        self.header = header?;
        Ok(())
    }
}

impl<const N: usize> tokio_util::codec::Decoder for FrameCodec<N> {
    type Item = Frame;
    type Error = io::Error;

    /// Decodes the next whole frame from `src`; `Ok(None)` until all of it is
    /// there. Prefix and header bytes are consumed as they arrive; body bytes
    /// stay in `src` (room for the rest is reserved) until the body is
    /// complete.
    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame>> {
        if self.header.is_none() {
            self.decode_header(src)?;
        }
        let Some(header) = self.header.take_if(|_| self.whole.body_is_in(src)) else {
            return Ok(None);
        };
        let body = self.whole.take_body(src)?;
        Ok(Some(Frame { header, body }))
    }

    /// As [`decode`](tokio_util::codec::Decoder::decode), then checks that
    /// the stream ended between two frames: otherwise the error is the
    /// decoder's truncation error ([`DecodeError::TruncatedBody`] with the
    /// missing byte count…) as an
    /// [`UnexpectedEof`](io::ErrorKind::UnexpectedEof) error.
    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Frame>> {
        if let Some(frame) = tokio_util::codec::Decoder::decode(self, src)? {
            return Ok(Some(frame));
        }
        self.whole.finish(src)?;
        Ok(None)
    }
}

impl<const N: usize, H: Serialize, B: AsRef<[u8]>> tokio_util::codec::Encoder<HeaderFrame<H, B>>
    for FrameCodec<N>
{
    type Error = io::Error;

    /// Appends the whole frame to `dst`, reserving room for all of it at
    /// once.
    ///
    /// # Errors
    /// As [`Encoder::frame`](crate::Encoder::frame), as an
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) error; `dst` is then as
    /// it was.
    fn encode(&mut self, item: HeaderFrame<H, B>, dst: &mut BytesMut) -> io::Result<()> {
        let body = item.body.as_ref();
        let head = self.encoder.frame_head(&item.header, body)?;
        dst.reserve(head.len() + body.len());
        dst.extend_from_slice(head.prefix());
        dst.extend_from_slice(head.json());
        dst.extend_from_slice(body);
        Ok(())
    }
}

/// Decodes raw frames into their payload and encodes any bytes as a raw
/// frame. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct RawFrameCodec {
    whole: Whole<RawDecoder>,
    encoder: RawEncoder,
    /// Whether a frame's prefix was decoded and its payload is awaited.
    open: bool,
}

impl RawFrameCodec {
    /// A codec for `config`, with the body limit of the [module docs](self).
    pub fn new(config: Config) -> Self {
        let config = buffered_limit(config);
        Self {
            whole: Whole::new(RawDecoder::new(config)),
            encoder: RawEncoder::new(config),
            open: false,
        }
    }

    /// The configuration in force, body limit included.
    pub fn config(&self) -> &Config {
        self.whole.decoder.config()
    }

    /// Decodes prefix bytes at the front of `src`, consuming them, until a
    /// prefix is complete.
    fn decode_start(&mut self, src: &mut BytesMut) -> Result<(), DecodeError> {
        let mut input = &src[..];
        let decoder = &mut self.whole.decoder;
        let open = loop {
            match decoder.decode(&mut input) {
                Ok(Some(RawEvent::Start { .. })) => break Ok(true),
                Ok(Some(RawEvent::Body { .. } | RawEvent::FrameEnd)) => {}
                Ok(None) => break Ok(false),
                Err(err) => break Err(err),
            }
        };
        let used = src.len() - input.len();
        src.advance(used);
        self.open = open?;
        Ok(())
    }
}

impl tokio_util::codec::Decoder for RawFrameCodec {
    type Item = Bytes;
    type Error = io::Error;

    /// Decodes the next whole payload from `src`, as
    /// [`FrameCodec`]'s `decode` does.
    fn decode(&mut self, src: &mut BytesMut) -> io::Result<Option<Bytes>> {
        if !self.open {
            self.decode_start(src)?;
        }
        if !self.open || !self.whole.body_is_in(src) {
            return Ok(None);
        }
        self.open = false;
        Ok(Some(self.whole.take_body(src)?))
    }

    /// As [`FrameCodec`]'s `decode_eof`.
    fn decode_eof(&mut self, src: &mut BytesMut) -> io::Result<Option<Bytes>> {
        if let Some(payload) = tokio_util::codec::Decoder::decode(self, src)? {
            return Ok(Some(payload));
        }
        self.whole.finish(src)?;
        Ok(None)
    }
}

impl<B: AsRef<[u8]>> tokio_util::codec::Encoder<B> for RawFrameCodec {
    type Error = io::Error;

    /// Appends the whole raw frame to `dst`, reserving room for all of it
    /// at once.
    ///
    /// # Errors
    /// As [`RawEncoder::frame`](crate::RawEncoder::frame), as an
    /// [`InvalidInput`](io::ErrorKind::InvalidInput) error; `dst` is then as
    /// it was.
    fn encode(&mut self, item: B, dst: &mut BytesMut) -> io::Result<()> {
        let payload = item.as_ref();
        let mut prefix = [0u8; 8];
        let len = self.encoder.start(payload.len() as u64, &mut prefix)?;
        self.encoder.body(payload)?;
        self.encoder.end_frame()?;
        dst.reserve(len + payload.len());
        dst.extend_from_slice(&prefix[..len]);
        dst.extend_from_slice(payload);
        Ok(())
    }
}

/// What both codecs share: the decoder of an open frame whose whole body is
/// collected in the codec's buffer before it is handed out.
#[derive(Debug, Clone)]
struct Whole<D> {
    decoder: D,
}

impl<D: FrameDecoder> Whole<D> {
    const fn new(decoder: D) -> Self {
        Self { decoder }
    }

    /// Whether the whole body of the open frame is in `src`; if not, room
    /// for the rest is reserved.
    fn body_is_in(&self, src: &mut BytesMut) -> bool {
        let len = body_len(self.decoder.needed());
        if src.len() < len {
            src.reserve(len - src.len());
            return false;
        }
        true
    }

    /// Takes the open frame's whole body from `src` (it is there: see
    /// [`body_is_in`](Self::body_is_in)) and passes it through the decoder,
    /// which then stands at the frame's end.
    fn take_body(&mut self, src: &mut BytesMut) -> Result<Bytes, DecodeError> {
        let body = src.split_to(body_len(self.decoder.needed())).freeze();
        let mut input = &body[..];
        while self.decoder.body_chunk(&mut input)?.is_some() {}
        Ok(body)
    }

    /// The stream has ended with `src` left over: the decoder sees it, then
    /// says whether that was between two frames.
    fn finish(&mut self, src: &mut BytesMut) -> Result<(), DecodeError> {
        let rest = src.split();
        let mut input = &rest[..];
        while self.decoder.open_next(&mut input)? {}
        self.decoder.finish()
    }
}

/// A body length the decoder let through: at most the codec's limit, which
/// fits in `usize`.
fn body_len(len: u64) -> usize {
    usize::try_from(len).unwrap_or(usize::MAX)
}

/// `config` with the body limit a codec applies (see the module docs).
const fn buffered_limit(config: Config) -> Config {
    let max = match config.max_body_len() {
        u64::MAX => DEFAULT_MAX_BODY_LEN,
        max if max > usize::MAX as u64 => usize::MAX as u64,
        max => max,
    };
    config.with_max_body_len(max)
}
