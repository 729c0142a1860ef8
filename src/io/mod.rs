//! Adapters that drive the sans-IO core over real transports, one module per
//! transport family, each named after the Cargo feature that turns it on.
//!
//! Every adapter is a thin loop around the same decoders and encoders: it
//! moves bytes between the transport and the core and adds no protocol logic
//! of its own, so every transport produces the same events and errors for the
//! same bytes. Readers and writers are generic over the framing, as
//! tokio-util's `FramedRead` is over its codec: `FrameReader<R, Decoder<N>>`
//! reads header frames and `FrameReader<R, RawDecoder>` raw frames (see
//! [`FrameDecoder`](crate::framing::FrameDecoder)); each module has
//! `RawFrameReader` / `RawFrameWriter` aliases for the latter.

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod std;

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;

#[cfg(feature = "tokio-util-07")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio-util-07")))]
pub mod tokio_util_07;

#[cfg(feature = "embedded-io-07")]
#[cfg_attr(docsrs, doc(cfg(feature = "embedded-io-07")))]
pub mod embedded_io_07;

#[cfg(feature = "embedded-io-async-07")]
#[cfg_attr(docsrs, doc(cfg(feature = "embedded-io-async-07")))]
pub mod embedded_io_async_07;

#[cfg(feature = "std")]
mod read_buffer;

#[cfg(feature = "std")]
mod write_buffer;

#[cfg(feature = "embedded-io-07")]
mod unbuffered;

/// The widest length prefix, in bytes.
const MAX_PREFIX: usize = 8;
