//! Wire profiles and limits, validated before any byte is seen.
//!
//! A [`Config`] says what the frames on one connection look like: the
//! [`Prefix`] format, the JSON key that holds the body length, and the
//! limits. Both ends of a connection must use the same one. Whether frames
//! carry a JSON header is not a setting but a type: [`Decoder`] and
//! [`Encoder`] speak header frames, [`RawDecoder`] and [`RawEncoder`] raw
//! frames.
//!
//! | setting          | default (`Config::default()`) | `Config::python_struct()` | applies to |
//! |------------------|-------------------------------|---------------------------|------------|
//! | prefix           | 4 bytes, big endian, unsigned | 4 bytes, little endian, signed | both, all frames |
//! | body key         | `"file_size"`                 | `"file_size"`             | both, header frames |
//! | max header len   | the buffer capacity `N`       | the buffer capacity `N`   | both, header frames |
//! | max body len     | `u64::MAX` (no limit)         | `u64::MAX` (no limit)     | both, all frames (the payload of a raw frame) |
//!
//! The default body key is `"file_size"`, the tutorial's own name, so the same
//! header struct works under both profiles and only the prefix differs.
//!
//! Body bytes are never buffered, so a large body costs the decoder no memory;
//! the body limit is there for what *your* code will do with the bytes.
//!
//! ```
//! use unstick::{Config, RawDecoder};
//!
//! // The tutorial's command-output replies: struct.pack('i', len) then raw bytes,
//! // at most 1 MiB each.
//! let config = Config::python_struct().to_builder().max_body_len(1 << 20).build()?;
//! let decoder = RawDecoder::new(config);
//! assert_eq!(decoder.config().max_body_len(), 1 << 20);
//! # Ok::<(), unstick::Error>(())
//! ```
//!
//! [`Decoder`]: crate::Decoder
//! [`Encoder`]: crate::Encoder
//! [`RawDecoder`]: crate::RawDecoder
//! [`RawEncoder`]: crate::RawEncoder

use core::num::NonZeroU32;

use crate::error::ConfigError;
use crate::prefix::Prefix;

/// The key that holds the body length in both profiles.
pub const DEFAULT_BODY_KEY: &str = "file_size";

/// A validated wire configuration. Build one with [`Config::builder`] or
/// start from a profile: [`Config::default`] or [`Config::python_struct`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Config {
    prefix: Prefix,
    body_key: &'static str,
    max_header_len: Option<NonZeroU32>,
    max_body_len: u64,
}

impl Default for Config {
    /// The sound default: 4-byte big-endian unsigned prefix, body key
    /// `"file_size"`, header limit = buffer capacity, no body limit.
    fn default() -> Self {
        DEFAULT
    }
}

/// The default profile, for `const` contexts ([`Config::builder`] starts here).
const DEFAULT: Config = Config {
    prefix: Prefix::NETWORK,
    body_key: DEFAULT_BODY_KEY,
    max_header_len: None,
    max_body_len: u64::MAX,
};

impl Config {
    /// The `python-struct` profile: byte for byte what the tutorial's Python
    /// peers write and read — `struct.pack('i', len(header))` (4 bytes, little
    /// endian, signed), then `json.dumps(header).encode()`, then the body, whose
    /// length is the header's `"file_size"`.
    pub const fn python_struct() -> Self {
        Self {
            prefix: Prefix::PYTHON_STRUCT_I,
            ..DEFAULT
        }
    }

    /// A builder starting from the default profile.
    pub const fn builder() -> ConfigBuilder {
        DEFAULT.to_builder()
    }

    /// A builder starting from this configuration.
    pub const fn to_builder(self) -> ConfigBuilder {
        ConfigBuilder {
            config: self,
            max_header_len: None,
        }
    }

    /// The length prefix format.
    pub const fn prefix(&self) -> Prefix {
        self.prefix
    }

    /// The top-level header key whose value is the body length.
    pub const fn body_key(&self) -> &'static str {
        self.body_key
    }

    /// The maximum header length, or `None` for "the capacity of the
    /// decoder's or encoder's header buffer".
    pub const fn max_header_len(&self) -> Option<usize> {
        match self.max_header_len {
            Some(max) => Some(max.get() as usize),
            None => None,
        }
    }

    /// The maximum body length (payload length for raw frames).
    pub const fn max_body_len(&self) -> u64 {
        self.max_body_len
    }

    /// This configuration with another body limit (always valid).
    #[cfg(feature = "tokio-util-07")]
    pub(crate) const fn with_max_body_len(mut self, max: u64) -> Self {
        self.max_body_len = max;
        self
    }

    /// The header limit in force for a header buffer of `capacity` bytes:
    /// the configured one, else the capacity.
    ///
    /// # Errors
    /// [`ConfigError::HeaderLimitAboveCapacity`] if the configured limit
    /// exceeds `capacity`; [`ConfigError::ZeroHeaderLimit`] if there is no
    /// configured limit and `capacity` is 0.
    pub(crate) const fn header_limit(&self, capacity: usize) -> Result<usize, ConfigError> {
        match self.max_header_len() {
            Some(max) if max > capacity => {
                Err(ConfigError::HeaderLimitAboveCapacity { max, capacity })
            }
            Some(max) => Ok(max),
            None if capacity == 0 => Err(ConfigError::ZeroHeaderLimit),
            None => Ok(capacity),
        }
    }
}

/// Sets up a [`Config`]; [`build`](Self::build) checks it.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ConfigBuilder {
    config: Config,
    max_header_len: Option<u32>,
}

impl ConfigBuilder {
    /// The length prefix format (default [`Prefix::NETWORK`]). Decoding and encoding.
    pub const fn prefix(mut self, prefix: Prefix) -> Self {
        self.config.prefix = prefix;
        self
    }

    /// The top-level header key that holds the body length (default
    /// `"file_size"`). Header frames only; decoding and encoding. It must be
    /// non-empty and need no JSON escape.
    pub const fn body_key(mut self, key: &'static str) -> Self {
        self.config.body_key = key;
        self
    }

    /// The maximum header length in bytes (default: the capacity `N` of the
    /// decoder's or encoder's buffer; it may not exceed it). Header frames
    /// only; decoding and encoding. A `u32` keeps the decoder small; a header
    /// buffer of 4 GiB would defeat the point anyway.
    pub const fn max_header_len(mut self, max: u32) -> Self {
        self.max_header_len = Some(max);
        self
    }

    /// The maximum body length in bytes, payload length for raw frames
    /// (default `u64::MAX`, no limit). Decoding and encoding: the decoder
    /// refuses a longer body before reading a byte of it, the encoder refuses
    /// to open a frame the peer's decoder would refuse.
    pub const fn max_body_len(mut self, max: u64) -> Self {
        self.config.max_body_len = max;
        self
    }

    /// Checks the settings and returns the configuration.
    ///
    /// # Errors
    /// [`ConfigError::EmptyBodyKey`], [`ConfigError::BodyKeyNeedsEscape`],
    /// [`ConfigError::ZeroHeaderLimit`]. Whether the header limit fits a
    /// buffer is checked by [`Decoder::new`](crate::Decoder::new) and
    /// [`Encoder::new`](crate::Encoder::new), which know the capacity.
    pub const fn build(self) -> Result<Config, ConfigError> {
        let mut config = self.config;
        if let Err(err) = check_body_key(config.body_key) {
            return Err(err);
        }
        if let Some(max) = self.max_header_len {
            match NonZeroU32::new(max) {
                Some(max) => config.max_header_len = Some(max),
                None => return Err(ConfigError::ZeroHeaderLimit),
            }
        }
        Ok(config)
    }
}

const fn check_body_key(key: &str) -> Result<(), ConfigError> {
    let bytes = key.as_bytes();
    if bytes.is_empty() {
        return Err(ConfigError::EmptyBodyKey);
    }
    let mut rest = bytes;
    while let [byte, tail @ ..] = rest {
        if matches!(byte, b'"' | b'\\' | 0x00..=0x1f) {
            return Err(ConfigError::BodyKeyNeedsEscape);
        }
        rest = tail;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefix::{Endian, Sign, Width};

    #[test]
    fn profiles_differ_only_in_the_prefix() {
        let net = Config::default();
        let py = Config::python_struct();
        assert_eq!(
            net.prefix(),
            Prefix::new(Width::Four, Endian::Big, Sign::Unsigned)
        );
        assert_eq!(
            py.prefix(),
            Prefix::new(Width::Four, Endian::Little, Sign::Signed)
        );
        assert_eq!(py.to_builder().prefix(Prefix::NETWORK).build(), Ok(net));
    }

    #[test]
    fn build_refuses_bad_body_keys() {
        assert_eq!(
            Config::builder().body_key("").build(),
            Err(ConfigError::EmptyBodyKey)
        );
        for key in ["a\"b", "a\\b", "tab\there", "\u{1}"] {
            assert_eq!(
                Config::builder().body_key(key).build(),
                Err(ConfigError::BodyKeyNeedsEscape),
                "{key:?}"
            );
        }
        assert!(Config::builder().body_key("总大小").build().is_ok());
    }

    #[test]
    fn build_refuses_zero_header_limit() {
        assert_eq!(
            Config::builder().max_header_len(0).build(),
            Err(ConfigError::ZeroHeaderLimit)
        );
    }

    #[test]
    fn header_limit_may_not_exceed_the_buffer_capacity() {
        assert_eq!(Config::default().header_limit(256), Ok(256));
        let config = Config::builder().max_header_len(100).build().unwrap();
        assert_eq!(config.header_limit(100), Ok(100));
        assert_eq!(config.header_limit(4096), Ok(100));
        assert_eq!(
            config.header_limit(64),
            Err(ConfigError::HeaderLimitAboveCapacity {
                max: 100,
                capacity: 64
            })
        );
        assert_eq!(
            Config::default().header_limit(0),
            Err(ConfigError::ZeroHeaderLimit)
        );
    }
}
