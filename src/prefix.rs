//! The length prefix: a fixed-width integer in front of every frame.
//!
//! A prefix has a [`Width`] (1, 2, 4 or 8 bytes), an [`Endian`] byte order
//! and a [`Sign`]. A signed prefix is two's complement; a negative value is
//! never a valid length, so a signed prefix of width `w` holds lengths up to
//! `2^(8w-1) - 1` and an unsigned one up to `2^(8w) - 1`.
//!
//! ```
//! use unstick::{Endian, Prefix, Sign, Width};
//!
//! // What Python's struct.pack('i', 300) writes on x86 and ARM:
//! let python = Prefix::new(Width::Four, Endian::Little, Sign::Signed);
//! let mut out = [0u8; 4];
//! python.write(300, &mut out)?;
//! assert_eq!(out, [0x2c, 0x01, 0x00, 0x00]);
//! assert_eq!(python.max_len(), i32::MAX as u64);
//! # Ok::<(), unstick::Error>(())
//! ```

use crate::error::EncodeError;

/// How many bytes the length prefix takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Width {
    /// 1 byte (`struct` format `B` / `b`).
    One,
    /// 2 bytes (`H` / `h`).
    Two,
    /// 4 bytes (`I` / `i`).
    Four,
    /// 8 bytes (`Q` / `q`).
    Eight,
}

impl Width {
    /// The width in bytes: 1, 2, 4 or 8.
    pub const fn bytes(self) -> usize {
        match self {
            Self::One => 1,
            Self::Two => 2,
            Self::Four => 4,
            Self::Eight => 8,
        }
    }

    const fn bits(self) -> u32 {
        self.bytes() as u32 * 8
    }
}

/// Byte order of the length prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Endian {
    /// Most significant byte first (network byte order, `struct` format `!`).
    Big,
    /// Least significant byte first (`<`, and Python's native order on x86 and ARM).
    Little,
}

/// Whether the length prefix is read as a signed integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Sign {
    /// Two's complement; values with the top bit set are negative and refused.
    Signed,
    /// Plain binary; every value is a length.
    Unsigned,
}

/// The format of the length prefix: width, byte order and signedness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Prefix {
    width: Width,
    endian: Endian,
    sign: Sign,
}

/// What the bytes of a prefix mean once all of them are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PrefixValue {
    /// A length.
    Len(u64),
    /// A negative value of a signed prefix.
    Negative(i64),
}

impl Prefix {
    /// The default prefix: 4 bytes, big endian, unsigned.
    pub const NETWORK: Self = Self::new(Width::Four, Endian::Big, Sign::Unsigned);

    /// Python's `struct.pack('i', n)` on x86 and ARM: 4 bytes, little endian, signed.
    pub const PYTHON_STRUCT_I: Self = Self::new(Width::Four, Endian::Little, Sign::Signed);

    /// A prefix of the given width, byte order and signedness.
    pub const fn new(width: Width, endian: Endian, sign: Sign) -> Self {
        Self {
            width,
            endian,
            sign,
        }
    }

    /// The width.
    pub const fn width(&self) -> Width {
        self.width
    }

    /// The byte order.
    pub const fn endian(&self) -> Endian {
        self.endian
    }

    /// The signedness.
    pub const fn sign(&self) -> Sign {
        self.sign
    }

    /// The number of bytes the prefix takes on the wire.
    pub const fn size(&self) -> usize {
        self.width.bytes()
    }

    /// The largest length this prefix can hold.
    pub const fn max_len(&self) -> u64 {
        let value_bits = match self.sign {
            Sign::Signed => self.width.bits() - 1,
            Sign::Unsigned => self.width.bits(),
        };
        u64::MAX >> (64 - value_bits)
    }

    /// Writes `len` into `out[..self.size()]`.
    ///
    /// # Errors
    /// [`EncodeError::LengthOutOfRange`] if `len` exceeds [`max_len`](Self::max_len),
    /// [`EncodeError::BufferTooSmall`] if `out` is shorter than the prefix.
    /// On error `out` is untouched.
    pub fn write(&self, len: u64, out: &mut [u8]) -> Result<(), EncodeError> {
        let bytes = self.bytes(len)?;
        let width = self.size();
        let Some(out) = out.get_mut(..width) else {
            return Err(EncodeError::BufferTooSmall {
                required: width,
                available: out.len(),
            });
        };
        out.copy_from_slice(&bytes[..width]);
        Ok(())
    }

    /// The prefix for `len` in the first [`size`](Self::size) of 8 bytes
    /// (the rest are 0): one 8-byte store for a caller with room for any
    /// width, instead of a copy of `size` bytes.
    ///
    /// # Errors
    /// [`EncodeError::LengthOutOfRange`] if `len` exceeds [`max_len`](Self::max_len).
    ///
    /// Inlined into the encoder, as the serializer's `compound` is, so
    /// that its `Result` is not read back through memory.
    #[inline]
    pub(crate) const fn bytes(&self, len: u64) -> Result<[u8; 8], EncodeError> {
        let max = self.max_len();
        if len > max {
            return Err(EncodeError::LengthOutOfRange { len, max });
        }
        Ok(match self.endian {
            Endian::Big => (len << (64 - self.width.bits())).to_be_bytes(),
            Endian::Little => len.to_le_bytes(),
        })
    }

    /// Folds the next byte of the prefix (in wire order) into the
    /// accumulated value. Big endian shifts bytes in at the bottom, little
    /// endian at the top, so that only constant shifts are needed: a
    /// variable 64-bit shift costs a library call on 32-bit targets.
    pub(crate) const fn accumulate(&self, acc: u64, byte: u8) -> u64 {
        match self.endian {
            Endian::Big => (acc << 8) | byte as u64,
            Endian::Little => (acc >> 8) | (byte as u64) << 56,
        }
    }

    /// What [`accumulate`](Self::accumulate) makes of the whole prefix at
    /// the start of `word`, in one step: on 64-bit targets, a frame whose
    /// prefix arrives with 8 bytes or more is read this way (variable
    /// shifts are cheap there; on 32-bit targets they are library calls).
    pub(crate) const fn accumulate_all(&self, word: [u8; 8]) -> u64 {
        let unused = 64 - self.width.bits();
        match self.endian {
            Endian::Big => u64::from_be_bytes(word) >> unused,
            Endian::Little => u64::from_le_bytes(word) << unused,
        }
    }

    /// Interprets the accumulated value of a complete prefix.
    pub(crate) const fn interpret(&self, acc: u64) -> PrefixValue {
        let raw = match (self.endian, self.width) {
            (Endian::Big, _) | (Endian::Little, Width::Eight) => acc,
            (Endian::Little, Width::One) => acc >> 56,
            (Endian::Little, Width::Two) => acc >> 48,
            (Endian::Little, Width::Four) => acc >> 32,
        };
        let signed = match self.width {
            Width::One => raw as u8 as i8 as i64,
            Width::Two => raw as u16 as i16 as i64,
            Width::Four => raw as u32 as i32 as i64,
            Width::Eight => raw as i64,
        };
        match self.sign {
            Sign::Signed if signed < 0 => PrefixValue::Negative(signed),
            _ => PrefixValue::Len(raw),
        }
    }
}

/// A length prefix being read: how many of its bytes were seen, folded into
/// their value so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PartialPrefix {
    have: u8,
    acc: u64,
}

impl PartialPrefix {
    /// No byte seen yet: the start of a frame.
    pub(crate) const START: Self = Self { have: 0, acc: 0 };

    /// How many prefix bytes were seen.
    pub(crate) const fn have(&self) -> usize {
        self.have as usize
    }

    /// Takes prefix bytes from the front of `input` until the prefix is
    /// complete or `input` is used up; the prefix's value once complete.
    #[inline]
    pub(crate) fn read(&mut self, prefix: Prefix, input: &mut &[u8]) -> Option<PrefixValue> {
        if cfg!(target_pointer_width = "64")
            && self.have == 0
            && let Some(word) = input.first_chunk::<8>()
        {
            let acc = prefix.accumulate_all(*word);
            *input = &input[prefix.size()..];
            return Some(prefix.interpret(acc));
        }
        while self.have() < prefix.size() {
            let (&byte, rest) = input.split_first()?;
            self.acc = prefix.accumulate(self.acc, byte);
            self.have += 1;
            *input = rest;
        }
        Some(prefix.interpret(self.acc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(prefix: Prefix, bytes: &[u8]) -> PrefixValue {
        let raw = bytes.iter().fold(0, |acc, &b| prefix.accumulate(acc, b));
        prefix.interpret(raw)
    }

    #[test]
    fn max_len_per_width_and_sign() {
        let cases = [
            (Width::One, Sign::Unsigned, 0xff),
            (Width::One, Sign::Signed, 0x7f),
            (Width::Two, Sign::Unsigned, 0xffff),
            (Width::Two, Sign::Signed, 0x7fff),
            (Width::Four, Sign::Unsigned, 0xffff_ffff),
            (Width::Four, Sign::Signed, 0x7fff_ffff),
            (Width::Eight, Sign::Unsigned, u64::MAX),
            (Width::Eight, Sign::Signed, i64::MAX as u64),
        ];
        for (width, sign, max) in cases {
            assert_eq!(
                Prefix::new(width, Endian::Big, sign).max_len(),
                max,
                "{width:?} {sign:?}"
            );
        }
    }

    #[test]
    fn write_then_read_every_format() {
        for width in [Width::One, Width::Two, Width::Four, Width::Eight] {
            for endian in [Endian::Big, Endian::Little] {
                for sign in [Sign::Signed, Sign::Unsigned] {
                    let prefix = Prefix::new(width, endian, sign);
                    for len in [0, 1, 0x7f, prefix.max_len()] {
                        let mut out = [0u8; 8];
                        prefix.write(len, &mut out).unwrap();
                        assert_eq!(read(prefix, &out[..prefix.size()]), PrefixValue::Len(len));
                    }
                }
            }
        }
    }

    /// A prefix of every width, byte order and sign.
    fn every_prefix() -> impl Iterator<Item = Prefix> {
        [Width::One, Width::Two, Width::Four, Width::Eight]
            .into_iter()
            .flat_map(|width| [Endian::Big, Endian::Little].map(|endian| (width, endian)))
            .flat_map(|(width, endian)| {
                [Sign::Signed, Sign::Unsigned].map(|sign| Prefix::new(width, endian, sign))
            })
    }

    #[test]
    fn a_whole_prefix_reads_as_its_bytes_one_by_one() {
        let words = [
            [0x81, 2, 0x83, 4, 0x85, 6, 0x87, 8],
            [1, 0xfe, 3, 0xfc, 5, 0xfa, 7, 0xf8],
        ];
        for prefix in every_prefix() {
            for word in words {
                let bytes = &word[..prefix.size()];
                assert_eq!(
                    prefix.interpret(prefix.accumulate_all(word)),
                    read(prefix, bytes),
                    "{prefix:?} {bytes:02x?}"
                );
            }
        }
    }

    #[test]
    fn partial_reads_agree_however_the_prefix_is_cut() {
        let stream = [0x80, 1, 0x82, 3, 0x84, 5, 0x86, 7, 0x88, 9];
        for prefix in every_prefix() {
            let whole = read(prefix, &stream[..prefix.size()]);
            for cut in 0..=stream.len() {
                let (mut first, mut second) = stream.split_at(cut);
                let mut partial = PartialPrefix::START;
                let value = partial
                    .read(prefix, &mut first)
                    .or_else(|| partial.read(prefix, &mut second));
                assert_eq!(value, Some(whole), "{prefix:?} cut at {cut}");
                let used = stream.len() - first.len() - second.len();
                assert_eq!(used, prefix.size(), "{prefix:?} cut at {cut}");
            }
        }
    }

    #[test]
    fn byte_order_on_the_wire() {
        let mut out = [0u8; 4];
        Prefix::NETWORK.write(0x0102_0304, &mut out).unwrap();
        assert_eq!(out, [1, 2, 3, 4]);
        Prefix::PYTHON_STRUCT_I
            .write(0x0102_0304, &mut out)
            .unwrap();
        assert_eq!(out, [4, 3, 2, 1]);
    }

    #[test]
    fn signed_prefix_with_top_bit_is_negative() {
        assert_eq!(
            read(Prefix::PYTHON_STRUCT_I, &[0xff; 4]),
            PrefixValue::Negative(-1)
        );
        let one = Prefix::new(Width::One, Endian::Big, Sign::Signed);
        assert_eq!(read(one, &[0x80]), PrefixValue::Negative(-128));
        let eight = Prefix::new(Width::Eight, Endian::Little, Sign::Signed);
        assert_eq!(
            read(eight, &[0, 0, 0, 0, 0, 0, 0, 0x80]),
            PrefixValue::Negative(i64::MIN)
        );
    }

    #[test]
    fn write_refuses_length_beyond_prefix_and_leaves_buffer_untouched() {
        let one = Prefix::new(Width::One, Endian::Big, Sign::Unsigned);
        let mut out = [0xaa; 2];
        assert_eq!(
            one.write(256, &mut out),
            Err(EncodeError::LengthOutOfRange { len: 256, max: 255 })
        );
        assert_eq!(
            Prefix::NETWORK.write(5, &mut out),
            Err(EncodeError::BufferTooSmall {
                required: 4,
                available: 2
            })
        );
        assert_eq!(out, [0xaa; 2]);
    }
}
