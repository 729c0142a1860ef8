//! The sans-IO encoder of raw frames (`prefix | payload`): it cannot write a
//! payload of another length than its prefix declares.
//!
//! ```
//! use unstick::{Config, EncodeError, RawEncoder};
//!
//! // The tutorial's command-output reply: struct.pack('i', len) + output.
//! let mut encoder = RawEncoder::new(Config::python_struct());
//! let mut out = [0u8; 16];
//! let n = encoder.frame(b"dir", &mut out)?;
//! assert_eq!(&out[..n], b"\x03\0\0\0dir");
//!
//! // Or the prefix first, then the payload in pieces, counted.
//! let n = encoder.start(5, &mut out)?;
//! assert_eq!(&out[..n], b"\x05\0\0\0");
//! encoder.body(b"hel")?;
//! assert_eq!(encoder.body(b"lo!"), Err(EncodeError::BodyOverrun { remaining: 2, chunk: 3 }));
//! encoder.body(b"lo")?;
//! encoder.end_frame()?;
//! # Ok::<(), unstick::Error>(())
//! ```

use crate::body_count::BodyCount;
use crate::config::Config;
use crate::encoder::{check_body_len, split_output};
use crate::error::EncodeError;

/// A raw frame encoder. It holds no buffer: a raw frame's prefix is at most
/// 8 bytes, written straight into yours. See the [module docs](self).
///
/// Of its [`Config`] it uses the prefix and the maximum body length (the
/// payload limit).
#[derive(Debug, Clone)]
pub struct RawEncoder {
    config: Config,
    body: BodyCount,
}

impl RawEncoder {
    /// An encoder between frames. Every configuration works for raw frames.
    pub const fn new(config: Config) -> Self {
        Self {
            config,
            body: BodyCount::BETWEEN_FRAMES,
        }
    }

    /// The configuration this encoder was built with.
    pub const fn config(&self) -> &Config {
        &self.config
    }

    /// Payload bytes the open frame still expects, or `None` between frames.
    pub const fn remaining(&self) -> Option<u64> {
        self.body.remaining()
    }

    /// Writes the prefix of a raw frame of `len` payload bytes into `out`,
    /// opens the frame for its payload, and returns the number of bytes
    /// written.
    ///
    /// # Errors
    /// [`EncodeError::FrameInProgress`], [`EncodeError::BodyTooLong`],
    /// [`EncodeError::LengthOutOfRange`], [`EncodeError::BufferTooSmall`].
    /// On error `out` is untouched and no frame is opened.
    pub fn start(&mut self, len: u64, out: &mut [u8]) -> Result<usize, EncodeError> {
        self.body.ready()?;
        check_body_len(&self.config, len)?;
        self.config.prefix().write(len, out)?;
        self.body.open(len);
        Ok(self.config.prefix().size())
    }

    /// Accounts for `chunk` as the next payload bytes of the open frame and
    /// returns it, to be sent as it is.
    ///
    /// # Errors
    /// [`EncodeError::BodyOverrun`] if the frame expects fewer bytes (nothing
    /// is counted), [`EncodeError::NoFrameInProgress`] between frames.
    pub fn body<'b>(&mut self, chunk: &'b [u8]) -> Result<&'b [u8], EncodeError> {
        self.body.take(chunk)
    }

    /// Closes the open frame, which must have had its whole payload.
    ///
    /// # Errors
    /// [`EncodeError::BodyUnderrun`] if payload bytes are still owed (the
    /// frame stays open), [`EncodeError::NoFrameInProgress`] between frames.
    pub fn end_frame(&mut self) -> Result<(), EncodeError> {
        self.body.end()
    }

    /// Writes a whole raw frame — prefix and `payload` — into `out` and
    /// returns the number of bytes written. No frame stays open.
    ///
    /// # Errors
    /// As [`start`](Self::start). On error `out` is untouched.
    pub fn frame(&mut self, payload: &[u8], out: &mut [u8]) -> Result<usize, EncodeError> {
        self.body.ready()?;
        let len = payload.len() as u64;
        check_body_len(&self.config, len)?;
        let width = self.config.prefix().size();
        let (prefix_out, payload_out) = split_output(out, width, payload.len())?;
        self.config.prefix().write(len, prefix_out)?;
        payload_out.copy_from_slice(payload);
        Ok(width + payload.len())
    }

    /// Abandons the open frame, if any (see [`Encoder::reset`](crate::Encoder::reset)).
    pub fn reset(&mut self) {
        self.body = BodyCount::BETWEEN_FRAMES;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_over_the_limit_is_refused_and_nothing_written() {
        let config = Config::builder().max_body_len(2).build().unwrap();
        let mut encoder = RawEncoder::new(config);
        let mut out = [0xee; 8];
        let err = Err(EncodeError::BodyTooLong { len: 3, max: 2 });
        assert_eq!(encoder.start(3, &mut out), err);
        assert_eq!(encoder.frame(b"abc", &mut out), err);
        assert_eq!(out, [0xee; 8]);
        assert_eq!(encoder.remaining(), None);
        assert_eq!(encoder.frame(b"ab", &mut out), Ok(6));
    }

    #[test]
    fn a_frame_must_close_before_the_next_starts() {
        let mut encoder = RawEncoder::new(Config::default());
        let mut out = [0u8; 8];
        assert_eq!(encoder.start(2, &mut out), Ok(4));
        assert_eq!(
            encoder.frame(b"x", &mut out),
            Err(EncodeError::FrameInProgress { remaining: 2 })
        );
        assert_eq!(
            encoder.end_frame(),
            Err(EncodeError::BodyUnderrun { missing: 2 })
        );
        encoder.body(b"ab").unwrap();
        assert_eq!(encoder.end_frame(), Ok(()));
        assert_eq!(encoder.end_frame(), Err(EncodeError::NoFrameInProgress));
    }

    #[test]
    fn reset_abandons_the_open_frame() {
        let mut encoder = RawEncoder::new(Config::default());
        let mut out = [0u8; 8];
        assert_eq!(encoder.start(5, &mut out), Ok(4));
        encoder.reset();
        assert_eq!(encoder.remaining(), None);
        assert_eq!(encoder.start(1, &mut out), Ok(4), "a new frame may start");
    }
}
