//! Length-prefixed frames with a JSON header, decoded without I/O, without an
//! allocator and without ever reading into the next frame: the cure for TCP
//! "sticky packets" (粘包).
//!
//! TCP delivers a byte stream, not messages. One `send` may arrive split over
//! several reads, several sends may arrive glued into one read, and a
//! receiver that reads "a bit more" eats the start of the next message. The
//! classic fix puts a fixed-size length in front of a JSON header that in
//! turn gives the length of a raw body. This crate implements that protocol
//! as a pure state machine: you push bytes in, you get [`Event`]s out, and
//! you move bytes between it and your socket, async runtime, UART or event
//! loop yourself.
//!
//! - [`Decoder`]: accepts arbitrary slices (one byte at a time, or many frames
//!   at once), keeps its state, never looks at a byte twice, keeps the header in
//!   a fixed buffer of `N` bytes and hands body bytes back as slices of your
//!   input.
//! - [`Encoder`]: writes prefix and header, then counts body bytes against the
//!   length the header declares: it cannot produce a frame whose body differs
//!   from its header.
//! - [`RawDecoder`] and [`RawEncoder`]: the same for raw frames (a prefix and a
//!   payload, no header), with no header buffer and no JSON code. Which kind of
//!   frame a connection carries is a type, so it cannot be mixed up.
//! - [`Config`]: the wire profile and limits, validated up front.
//!   [`Config::default`] is the sound default; [`Config::python_struct`]
//!   speaks byte for byte with the tutorial's Python peers.
//!
//! # Example
//! ```
//! use serde::{Deserialize, Serialize};
//! use unstick::{Config, Decoder, Encoder, Event};
//!
//! #[derive(Serialize, Deserialize)]
//! struct Upload<'a> {
//!     file_name: &'a str,
//!     file_size: u64,
//! }
//!
//! // Sender: two frames into one buffer, as two quick sends may arrive.
//! let mut encoder = Encoder::<128>::new(Config::default())?;
//! let mut wire = [0u8; 256];
//! let mut len = 0;
//! for (name, body) in [("a.txt", &b"hello"[..]), ("b.txt", b"world!")] {
//!     let header = Upload { file_name: name, file_size: body.len() as u64 };
//!     len += encoder.frame(&header, body, &mut wire[len..])?;
//! }
//!
//! // Receiver: the glued bytes arrive in awkward pieces.
//! let mut decoder = Decoder::<128>::new(Config::default())?;
//! let mut received = Vec::new();
//! for piece in wire[..len].chunks(7) {
//!     let mut input = piece;
//!     while let Some(event) = decoder.decode(&mut input)? {
//!         match event {
//!             Event::Header(header) => {
//!                 let upload: Upload = header.parse()?;
//!                 received.push((upload.file_name.to_owned(), Vec::new()));
//!             }
//!             Event::Body { chunk, .. } => {
//!                 let (_, body) = received.last_mut().expect("a body follows its header");
//!                 body.extend_from_slice(chunk);
//!             }
//!             Event::FrameEnd => {}
//!         }
//!     }
//! }
//! decoder.finish()?;
//! assert_eq!(received[0], ("a.txt".to_owned(), b"hello".to_vec()));
//! assert_eq!(received[1], ("b.txt".to_owned(), b"world!".to_vec()));
//! # Ok::<(), unstick::Error>(())
//! ```
//!
//! # The wire format
//!
//! A connection carries a sequence of frames of one kind, each directly after
//! the previous one, with nothing between them: header frames ([`Decoder`],
//! [`Encoder`]) or raw frames ([`RawDecoder`], [`RawEncoder`]).
//!
//! ```text
//! Header frame
//! +------------------+--------------------------------------+-------------------+
//! | prefix           | header                               | body              |
//! | W bytes, value L | L bytes: UTF-8 JSON object           | B bytes, raw      |
//! |                  | {"file_name": "a.txt", "file_size": B} |                 |
//! +------------------+--------------------------------------+-------------------+
//!
//! Raw frame
//! +------------------+-------------------+
//! | prefix           | payload           |
//! | W bytes, value P | P bytes, raw      |
//! +------------------+-------------------+
//! ```
//!
//! 1. **Prefix.** An integer of `W` = 1, 2, 4 or 8 bytes, big or little
//!    endian, unsigned or two's-complement signed ([`Prefix`]). A signed
//!    prefix with its top bit set is negative and is an error
//!    ([`DecodeError::NegativeLength`]), never a huge length.
//! 2. **Header length.** In a header frame the prefix value `L` is the header
//!    length in bytes. `L = 0` is an error; `L` above the maximum header
//!    length is an error raised before any header byte is read.
//! 3. **Header.** Exactly `L` bytes of UTF-8 JSON text (RFC 8259) whose
//!    top-level value is an object, nested at most [`MAX_NESTING`] levels. Its
//!    top-level *body key* (`"file_size"` unless configured otherwise) holds
//!    the body length `B`: an integer with no sign, fraction or exponent, at
//!    most 2^64 − 1. Keys are compared after unescaping; the body key may
//!    appear once; absent, `B = 0`. `B` above the maximum body length is an
//!    error, raised before any body byte is read. Other members are free.
//! 4. **Body.** Exactly `B` raw bytes. The next frame's prefix follows at once.
//! 5. **Raw frame.** The prefix value `P` is the payload length; `P` above the
//!    maximum body length is an error; exactly `P` raw bytes follow.
//! 6. **End.** A stream may end only between two frames
//!    ([`Decoder::finish`]); anywhere else it is truncated.
//!
//! Every violation has its own [`DecodeError`] variant and poisons the decoder:
//! once the frame boundary is lost nothing after it can be trusted.
//!
//! ## Example 1: default profile, one header frame
//! ```text
//! INPUT (24 bytes)
//! +-------------+-----------------------------------------+----------------+
//! | 00 00 00 0f | 7b 22 66 ... 35 7d   {"file_size":5}    | 68 65 6c 6c 6f |
//! | L = 15 (BE) | header, 15 bytes                        | body "hello"   |
//! +-------------+-----------------------------------------+----------------+
//!
//! DECODED
//! Header { json: {"file_size":5}, body_len: 5 }
//! Body { chunk: "hello", remaining: 0 }
//! FrameEnd
//! ```
//!
//! ## Example 2: `python-struct` profile, what the tutorial's client sends
//! `struct.pack('i', len(h))` with `h = json.dumps({"file_name": "a.txt", "file_size": 3}).encode()`,
//! then `h`, then the file:
//! ```text
//! INPUT (45 bytes)
//! +-------------+--------------------------------------------+----------+
//! | 26 00 00 00 | {"file_name": "a.txt", "file_size": 3}     | 61 62 63 |
//! | L = 38 (LE) | header, 38 bytes (json.dumps adds spaces)  | "abc"    |
//! +-------------+--------------------------------------------+----------+
//!
//! DECODED
//! Header { json: {"file_name": "a.txt", "file_size": 3}, body_len: 3 }
//! Body { chunk: "abc", remaining: 0 }
//! FrameEnd
//! ```
//!
//! ## Example 3: raw frame, the tutorial's command output
//! ```text
//! INPUT (7 bytes, python-struct prefix, RawDecoder)
//! +-------------+-------------+
//! | 03 00 00 00 | 64 69 72    |
//! | P = 3 (LE)  | "dir"       |
//! +-------------+-------------+
//!
//! DECODED
//! Start { len: 3 }
//! Body { chunk: "dir", remaining: 0 }
//! FrameEnd
//! ```
//!
//! ## Example 4: one frame in two reads, the next frame glued on
//! ```text
//! READ 1: 00 00 00 0f 7b 22                         (prefix, 2 header bytes)
//! READ 2: 66 ... 7d 68 65 6c 6c 6f 00 00 00 0f 7b   (13 header bytes, "hello", next frame)
//!
//! DECODED
//! decode(READ 1)  -> None            READ 1 used up: 6 bytes kept in the decoder
//! decode(READ 2)  -> Header          READ 2 now starts at "hello"
//! decode(READ 2)  -> Body "hello", remaining 0
//! decode(READ 2)  -> FrameEnd        READ 2 now starts at the next prefix: not consumed
//! ```
//! A body chunk never extends past its frame: whatever follows stays in your
//! slice for the next call.
//!
//! ```
//! use unstick::{Config, Decoder, Event};
//!
//! let mut decoder = Decoder::<64>::new(Config::default())?;
//! let mut read1: &[u8] = b"\0\0\0\x0f{\"";
//! assert_eq!(decoder.decode(&mut read1)?, None);
//! let mut read2: &[u8] = b"file_size\":5}hello\0\0\0\x0f{";
//! assert!(matches!(decoder.decode(&mut read2)?, Some(Event::Header(h)) if h.body_len() == 5));
//! assert_eq!(decoder.decode(&mut read2)?, Some(Event::Body { chunk: b"hello", remaining: 0 }));
//! assert_eq!(decoder.decode(&mut read2)?, Some(Event::FrameEnd));
//! assert_eq!(read2, b"\0\0\0\x0f{");
//! # Ok::<(), unstick::Error>(())
//! ```
//!
//! # Limits
//! - Header: at most the decoder's buffer capacity `N` (or a smaller
//!   configured maximum), checked when the prefix is complete.
//! - Body: no limit by default, since body bytes are never buffered; set
//!   [`ConfigBuilder::max_body_len`] for what your application will store.
//! - Memory: `size_of::<Decoder<N>>()` is at most `N + 64` bytes, and nothing
//!   else is ever used.
//!
//! # Crate features
//! No feature is on by default; the core needs none. Each adapter in [`io`]
//! drives the same [`Decoder`] and [`Encoder`] over one transport family.
//!
//! | feature                | adds                                                        | `no_std`, no alloc |
//! |------------------------|-------------------------------------------------------------|--------------------|
//! | `std`                  | `io::std`: blocking `FrameReader` / `FrameWriter` over `std::io`; `From<_> for std::io::Error` on every error | no |
//! | `tokio`                | `io::tokio`: the same over tokio's `AsyncRead` / `AsyncWrite` | no               |
//! | `tokio-util-07`        | `io::tokio_util_07`: `FrameCodec` and `RawFrameCodec` for `tokio_util::codec::Framed` (buffer whole frames) | no |
//! | `embedded-io-07`       | `io::embedded_io_07`: blocking adapter over `embedded-io` 0.7 | yes               |
//! | `embedded-io-async-07` | `io::embedded_io_async_07`: async adapter over `embedded-io-async` 0.7 | yes      |
//! | `defmt`                | `defmt::Format` for the errors, events and configuration     | yes                |

#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "std")]
extern crate std;

mod body_count;
pub mod config;
mod de;
pub mod decoder;
pub mod encoder;
pub mod error;
pub mod event;
pub mod framing;
pub mod header;
#[cfg(any(
    feature = "std",
    feature = "embedded-io-07",
    feature = "embedded-io-async-07"
))]
pub mod io;
pub mod prefix;
pub mod raw_decoder;
pub mod raw_encoder;
mod ser;

/// unstick wire format 1: the normative specification (the repository's
/// `SPEC.md`), with byte diagrams, numbered rules, every error condition and
/// the transfer tool's receipt frame.
#[doc = include_str!("../SPEC.md")]
pub mod spec {}

pub use config::{Config, ConfigBuilder, DEFAULT_BODY_KEY};
pub use decoder::Decoder;
pub use encoder::{Encoder, FrameHead};
pub use error::{
    ConfigError, DecodeError, EncodeError, Error, HeaderError, JsonType, ParseError,
    UnserializableValue,
};
pub use event::{Event, Header, Part, RawEvent};
pub use framing::{FrameDecoder, FrameEncoder};
pub use header::MAX_NESTING;
#[cfg(feature = "tokio-util-07")]
pub use io::tokio_util_07::{FrameCodec, RawFrameCodec};
pub use prefix::{Endian, Prefix, Sign, Width};
pub use raw_decoder::RawDecoder;
pub use raw_encoder::RawEncoder;

/// The README's Rust examples, compiled and run as doc tests (they use every
/// transport, so they run under `--all-features`, the README's test command).
#[cfg(all(
    doctest,
    feature = "std",
    feature = "tokio-util-07",
    feature = "embedded-io-async-07"
))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
