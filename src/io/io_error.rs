//! The crate's errors as [`io::Error`]s, for the adapters whose error type is
//! `std::io::Error` ([`std_io`](crate::io::std_io),
//! [`tokio_io`](crate::io::tokio_io), [`codec`](crate::io::codec)): one
//! mapping, so they all report the same kind for the same cause.

use std::io::{self, ErrorKind};

use crate::{DecodeError, EncodeError, Error};

/// A decode error as an `io::Error`: truncation is `UnexpectedEof`, the rest
/// `InvalidData`.
pub(crate) fn decode_error(err: DecodeError) -> io::Error {
    let kind = match err {
        DecodeError::TruncatedPrefix { .. }
        | DecodeError::TruncatedHeader { .. }
        | DecodeError::TruncatedBody { .. } => ErrorKind::UnexpectedEof,
        _ => ErrorKind::InvalidData,
    };
    io::Error::new(kind, err)
}

/// An encode error caused by the caller's arguments, as an `io::Error`.
pub(crate) fn encode_error(err: EncodeError) -> io::Error {
    io::Error::new(ErrorKind::InvalidInput, err)
}

/// A header that does not fit the caller's type, as an `io::Error`.
pub(crate) fn parse_error(err: serde_json_core::de::Error) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, Error::Parse(err))
}

/// A body source that ended `missing` bytes early, as an `io::Error`.
pub(crate) fn underrun_error(missing: u64) -> io::Error {
    io::Error::new(
        ErrorKind::UnexpectedEof,
        EncodeError::BodyUnderrun { missing },
    )
}

/// A body source that still had `extra` bytes after the declared body, as an
/// `io::Error`.
pub(crate) fn overrun_error(extra: usize) -> io::Error {
    let err = EncodeError::BodyOverrun {
        remaining: 0,
        chunk: extra,
    };
    io::Error::new(ErrorKind::InvalidData, err)
}

/// An error for a state the adapter's own bookkeeping rules out.
pub(crate) fn broken_invariant(what: &'static str) -> io::Error {
    io::Error::other(what)
}
