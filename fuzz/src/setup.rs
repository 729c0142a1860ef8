//! A configuration and split points chosen from fuzz input bytes.
//!
//! The byte-level targets (`decode`, `split_differential`) read their input as
//!
//! ```text
//! +----------------+-----+-----------------+---------------------+
//! | config (3 B)   | n   | n piece sizes   | stream              |
//! +----------------+-----+-----------------+---------------------+
//! ```
//!
//! and the structured targets take the same three config bytes through
//! `arbitrary`. Every input maps to a valid setup: a frame kind (and so the
//! decoder and encoder types under test) and a configuration.

use arbitrary::Arbitrary;
use unstick::{Config, Endian, Prefix, Sign, Width};

/// The header capacity of the decoders and encoders under test.
pub const CAPACITY: usize = 256;

/// The small header capacity, chosen by a config bit, for header frames.
pub const SMALL_CAPACITY: usize = 8;

/// The body keys a config chooses from: the default (twice as likely), a
/// short one and one that is not ASCII.
pub const BODY_KEYS: [&str; 4] = ["file_size", "file_size", "len", "总大小"];

const WIDTHS: [Width; 4] = [Width::One, Width::Two, Width::Four, Width::Eight];

/// Three bytes that choose a setup.
///
/// - byte 0: bits 0-1 prefix width (1, 2, 4, 8 bytes), bit 2 little endian,
///   bit 3 signed, bit 4 raw frames ([`Kind::Raw`]: `RawDecoder` and
///   `RawEncoder`), bits 5-6 body key ([`BODY_KEYS`]), bit 7 small capacity
///   ([`SMALL_CAPACITY`]; header frames only).
/// - byte 1: header limit, 0 for none (the capacity), else the byte clipped
///   to the capacity. Raw frames get it too: their decoder and encoder must
///   ignore it.
/// - byte 2: body limit, by its top two bits: 0 none, 1 the low six bits
///   (0..=63), 2 `1 << low six bits`, 3 `u64::MAX - low six bits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Arbitrary)]
pub struct ConfigBytes(pub [u8; 3]);

/// The kind of frames a setup carries, and so the types under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Header frames: `Decoder<N>` and `Encoder<N>`.
    Header,
    /// Raw frames: `RawDecoder` and `RawEncoder`.
    Raw,
}

/// A frame kind, a configuration and the capacity of the decoder and encoder
/// to test them with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setup {
    /// The kind of frames.
    pub kind: Kind,
    /// The configuration.
    pub config: Config,
    /// Whether the small capacity is in force (header frames only).
    pub small: bool,
}

impl Setup {
    /// The header buffer capacity `N` for this setup: [`CAPACITY`] or
    /// [`SMALL_CAPACITY`]; the raw frame types have no header buffer.
    pub fn capacity(&self) -> usize {
        if self.small && self.kind == Kind::Header {
            SMALL_CAPACITY
        } else {
            CAPACITY
        }
    }

    /// The header limit in force (the configured one, else the capacity).
    pub fn header_limit(&self) -> usize {
        self.config.max_header_len().unwrap_or(self.capacity())
    }
}

impl ConfigBytes {
    /// The setup these bytes choose.
    pub fn setup(self) -> Setup {
        let [flags, header, body] = self.0;
        let prefix = Prefix::new(
            WIDTHS[usize::from(flags & 3)],
            if flags & 4 == 0 {
                Endian::Big
            } else {
                Endian::Little
            },
            if flags & 8 == 0 {
                Sign::Unsigned
            } else {
                Sign::Signed
            },
        );
        let kind = if flags & 16 == 0 {
            Kind::Header
        } else {
            Kind::Raw
        };
        let small = flags & 128 != 0;
        let capacity = if small && kind == Kind::Header {
            SMALL_CAPACITY
        } else {
            CAPACITY
        };
        let mut builder = Config::builder()
            .prefix(prefix)
            .body_key(BODY_KEYS[usize::from((flags >> 5) & 3)])
            .max_body_len(body_limit(body));
        if header != 0 {
            builder = builder.max_header_len(u32::from(header).min(capacity as u32));
        }
        let config = builder.build().expect("every chosen config is valid");
        Setup {
            kind,
            config,
            small,
        }
    }

    /// The bytes that choose frames of `kind` under `config` at full
    /// capacity, if it is one of the configurations they can express.
    pub fn for_config(kind: Kind, config: &Config) -> Option<Self> {
        let prefix = config.prefix();
        let width = WIDTHS.iter().position(|&w| w == prefix.width())? as u8;
        let key = BODY_KEYS.iter().position(|&k| k == config.body_key())? as u8;
        let mut flags = width | key << 5;
        flags |= u8::from(prefix.endian() == Endian::Little) << 2;
        flags |= u8::from(prefix.sign() == Sign::Signed) << 3;
        flags |= u8::from(kind == Kind::Raw) << 4;
        let header = match config.max_header_len() {
            None => 0,
            Some(max) => u8::try_from(max).ok().filter(|&m| m != 0)?,
        };
        let body = (0..=u8::MAX).find(|&b| body_limit(b) == config.max_body_len())?;
        let bytes = Self([flags, header, body]);
        let setup = bytes.setup();
        (setup.kind == kind && setup.config == *config).then_some(bytes)
    }
}

fn body_limit(byte: u8) -> u64 {
    let low = u64::from(byte & 63);
    match byte >> 6 {
        0 => u64::MAX,
        1 => low,
        2 => 1 << low,
        _ => u64::MAX - low,
    }
}

/// A byte-level input: configuration, piece sizes and the stream.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The configuration bytes.
    pub config: ConfigBytes,
    /// Sizes of the pieces the stream is fed in, cycled; 0 is an empty feed.
    /// None at all: the stream is fed whole.
    pub sizes: &'a [u8],
    /// The bytes on the wire.
    pub stream: &'a [u8],
}

impl<'a> Input<'a> {
    /// Reads the layout in the [module docs](self); missing bytes count as 0.
    pub fn parse(data: &'a [u8]) -> Self {
        let mut config = [0u8; 3];
        let head = data.len().min(3);
        config[..head].copy_from_slice(&data[..head]);
        let rest = &data[head..];
        let (n, rest) = match rest.split_first() {
            Some((&n, rest)) => (usize::from(n).min(rest.len()), rest),
            None => (0, rest),
        };
        let (sizes, stream) = rest.split_at(n);
        Self {
            config: ConfigBytes(config),
            sizes,
            stream,
        }
    }

    /// The bytes that [`parse`](Self::parse) reads back as this input.
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = u8::try_from(self.sizes.len()).expect("at most 255 piece sizes");
        let mut data = self.config.0.to_vec();
        data.push(n);
        data.extend_from_slice(self.sizes);
        data.extend_from_slice(self.stream);
        data
    }

    /// The stream cut into pieces of the given sizes.
    pub fn pieces(&self) -> Vec<&'a [u8]> {
        pieces(self.stream, self.sizes)
    }
}

/// `stream` cut into pieces whose sizes cycle through `sizes` (0 is an empty
/// piece); all of it as one piece when `sizes` is empty. Concatenated, the
/// pieces are `stream`.
pub fn pieces<'a>(stream: &'a [u8], sizes: &[u8]) -> Vec<&'a [u8]> {
    if sizes.iter().all(|&size| size == 0) {
        let mut out: Vec<&[u8]> = sizes.iter().map(|_| &stream[..0]).collect();
        out.push(stream);
        return out;
    }
    let mut out = Vec::new();
    let mut rest = stream;
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let (piece, tail) = rest.split_at(usize::from(size).min(rest.len()));
        out.push(piece);
        rest = tail;
    }
    out
}
