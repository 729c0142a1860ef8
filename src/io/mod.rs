//! Adapters that drive the sans-IO core over real transports, one module per
//! transport family, each behind its own Cargo feature.
//!
//! Every adapter is a thin loop around the same [`Decoder`](crate::Decoder)
//! and [`Encoder`](crate::Encoder): it moves bytes between the transport and
//! the core and adds no protocol logic of its own, so every transport
//! produces the same events and errors for the same bytes.

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod std_io;

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio_io;

#[cfg(feature = "tokio-util")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio-util")))]
pub mod codec;

#[cfg(feature = "embedded-io-0_7")]
#[cfg_attr(docsrs, doc(cfg(feature = "embedded-io-0_7")))]
pub mod embedded;

#[cfg(feature = "embedded-io-async-0_7")]
#[cfg_attr(docsrs, doc(cfg(feature = "embedded-io-async-0_7")))]
pub mod embedded_async;

#[cfg(feature = "std")]
mod io_error;

#[cfg(feature = "std")]
mod read_buffer;

#[cfg(feature = "std")]
mod write_buffer;

#[cfg(feature = "embedded-io-0_7")]
mod unbuffered;

mod whole_frame;

/// The widest length prefix, in bytes.
const MAX_PREFIX: usize = 8;
