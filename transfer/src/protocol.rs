//! What both ends agree on: the upload header, the receipt, the wire
//! profiles, sizes and rates. Every use of unstick's API by the tool goes
//! through the aliases of this file.

use std::io::{self, Read, Write};
use std::time::Duration;

use clap::ValueEnum;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncWrite};
use unstick::{Config, Decoder, Encoder};

/// Header capacity of an upload: a 255-byte name survives even Python's
/// `\uXXXX` escaping of every character, with room to spare.
pub const HEADER_CAPACITY: usize = 4096;

/// Header capacity of a receipt: it echoes a name from a header of up to
/// [`HEADER_CAPACITY`] bytes, plus the status and a message.
pub const RECEIPT_CAPACITY: usize = 8192;

/// Body buffer size for copying; as large as the adapter's own buffer, so
/// that body reads go straight from the socket into it.
pub const COPY_BUFFER: usize = unstick::io::tokio::BUFFER_SIZE;

/// Reads upload frames (tokio).
pub type UploadReader<R> = unstick::io::tokio::FrameReader<R, Decoder<HEADER_CAPACITY>>;

/// Writes upload frames (tokio).
pub type UploadWriter<W> = unstick::io::tokio::FrameWriter<W, Encoder<HEADER_CAPACITY>>;

/// Reads receipt frames (tokio).
pub type ReceiptReader<R> = unstick::io::tokio::FrameReader<R, Decoder<RECEIPT_CAPACITY>>;

/// Writes receipt frames (tokio).
pub type ReceiptWriter<W> = unstick::io::tokio::FrameWriter<W, Encoder<RECEIPT_CAPACITY>>;

/// Reads upload frames (blocking; `bench` compares it with raw `io::copy`).
pub type BlockingReader<R> = unstick::io::std::FrameReader<R, Decoder<HEADER_CAPACITY>>;

/// Writes upload frames (blocking).
pub type BlockingWriter<W> = unstick::io::std::FrameWriter<W, Encoder<HEADER_CAPACITY>>;

/// An upload reader over `inner` for the wire `config`.
///
/// # Errors
/// The configuration does not fit the header capacity.
pub fn upload_reader<R: AsyncRead + Unpin>(
    inner: R,
    config: Config,
) -> io::Result<UploadReader<R>> {
    Ok(UploadReader::new(inner, Decoder::new(config)?))
}

/// An upload writer over `inner` for the wire `config`.
///
/// # Errors
/// The configuration does not fit the header capacity.
pub fn upload_writer<W: AsyncWrite + Unpin>(
    inner: W,
    config: Config,
) -> io::Result<UploadWriter<W>> {
    Ok(UploadWriter::new(inner, Encoder::new(config)?))
}

/// A receipt reader over `inner` (default wire).
///
/// # Errors
/// The configuration does not fit the header capacity.
pub fn receipt_reader<R: AsyncRead + Unpin>(inner: R) -> io::Result<ReceiptReader<R>> {
    Ok(ReceiptReader::new(inner, Decoder::new(Config::default())?))
}

/// A receipt writer over `inner` (default wire).
///
/// # Errors
/// The configuration does not fit the header capacity.
pub fn receipt_writer<W: AsyncWrite + Unpin>(inner: W) -> io::Result<ReceiptWriter<W>> {
    Ok(ReceiptWriter::new(inner, Encoder::new(Config::default())?))
}

/// A blocking upload reader over `inner` for the wire `config`.
///
/// # Errors
/// The configuration does not fit the header capacity.
pub fn blocking_reader<R: Read>(inner: R, config: Config) -> io::Result<BlockingReader<R>> {
    Ok(BlockingReader::new(inner, Decoder::new(config)?))
}

/// A blocking upload writer over `inner` for the wire `config`.
///
/// # Errors
/// The configuration does not fit the header capacity.
pub fn blocking_writer<W: Write>(inner: W, config: Config) -> io::Result<BlockingWriter<W>> {
    Ok(BlockingWriter::new(inner, Encoder::new(config)?))
}

/// The tutorial's upload header as a sender writes it:
/// `{"file_name": ..., "file_size": ...}`.
#[derive(Debug, Serialize)]
pub struct Upload<'a> {
    /// The file's base name.
    pub file_name: &'a str,
    /// The body length in bytes.
    pub file_size: u64,
}

/// What the receiver takes from an upload header: the name. The body
/// length is the decoder's; other members are ignored.
#[derive(Debug, Deserialize)]
pub struct UploadName {
    /// The name as sent; `None` if the member is absent.
    pub file_name: Option<String>,
}

/// A header that decoded fine but whose `file_name` is not a string.
pub fn is_header_mismatch(err: &io::Error) -> bool {
    err.get_ref()
        .is_some_and(|inner| inner.is::<unstick::ParseError>())
}

/// Why a file was refused: the `reason` of a refused receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// A file of that name is already in `--out`.
    Exists,
    /// The name policy refused the name.
    BadName,
    /// `file_size` is over `--max-size`; the receiver closes the connection.
    TooLarge,
    /// The file could not be written (disk full, permissions...).
    IoError,
    /// The sender ended the stream inside the body.
    Truncated,
    /// The header has no usable `file_name`.
    BadHeader,
}

impl Reason {
    /// The code on the wire.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Exists => "exists",
            Self::BadName => "bad_name",
            Self::TooLarge => "too_large",
            Self::IoError => "io_error",
            Self::Truncated => "truncated",
            Self::BadHeader => "bad_header",
        }
    }
}

/// The receipt of a stored file, as the receiver writes it.
#[derive(Debug, Serialize)]
pub struct StoredReceipt<'a> {
    /// The name as the header gave it.
    pub file_name: Option<&'a str>,
    /// Always `"stored"`.
    pub status: &'static str,
    /// Bytes written to disk.
    pub size: u64,
    /// SHA-256 of the bytes written, 64 lowercase hex digits.
    pub sha256: &'a str,
}

/// The receipt of a refused file, as the receiver writes it.
#[derive(Debug, Serialize)]
pub struct RefusedReceipt<'a> {
    /// The name as the header gave it (`None`: absent or not a string).
    pub file_name: Option<&'a str>,
    /// Always `"refused"`.
    pub status: &'static str,
    /// One of the [`Reason`] codes.
    pub reason: &'static str,
    /// Human-readable text.
    pub message: &'a str,
}

/// A receipt as the sender reads it: every member but `status` optional.
#[derive(Debug, Deserialize)]
pub struct Receipt {
    /// The name the receiver saw.
    pub file_name: Option<String>,
    /// `"stored"` or `"refused"`.
    pub status: String,
    /// Bytes written (stored).
    pub size: Option<u64>,
    /// SHA-256 of what was written (stored).
    pub sha256: Option<String>,
    /// The refusal code (refused).
    pub reason: Option<String>,
    /// The refusal text (refused).
    pub message: Option<String>,
}

/// The length prefix on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Wire {
    /// 4-byte big-endian unsigned prefix (network byte order), with a
    /// receipt for every file.
    #[default]
    Default,
    /// `struct.pack('i', len)`: 4-byte little-endian signed, as the
    /// tutorial's Python client and server write it; one-way, no receipts.
    PythonStruct,
}

impl Wire {
    /// The crate's configuration for this profile.
    pub fn config(self) -> Config {
        match self {
            Self::Default => Config::default(),
            Self::PythonStruct => Config::python_struct(),
        }
    }

    /// Whether the receiver answers every file with a receipt.
    pub fn receipts(self) -> bool {
        self == Self::Default
    }
}

/// Parses `1024`, `64KiB`, `256MiB`, `1GiB` (also `k`, `M`, `G`: all binary).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 4096, 64KiB, 256MiB or 1GiB"))?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        other => return Err(format!("unknown unit {other:?}: use B, KiB, MiB or GiB")),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("{text:?} does not fit in 64 bits"))
}

/// Parses a number of seconds (`30`, `0.5`) into a duration.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds <= 86_400.0) {
        return Err(format!("{text:?}: give between 0 and 86400 seconds"));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// `1536` → `1.5 KiB`.
pub fn human(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `1 file`, `2 files`.
pub fn files(count: u64) -> String {
    if count == 1 {
        "1 file".to_owned()
    } else {
        format!("{count} files")
    }
}

/// Throughput in MiB/s.
pub fn mib_per_s(bytes: u64, elapsed: Duration) -> f64 {
    bytes as f64 / (1024.0 * 1024.0) / elapsed.as_secs_f64().max(1e-9)
}

/// A name as it may be printed: escaped, and cut after 80 characters.
pub fn shown(name: &str) -> String {
    let escaped: String = name.escape_debug().collect();
    match escaped.char_indices().nth(80) {
        Some((cut, _)) => format!("\"{}…\" ({} bytes)", &escaped[..cut], name.len()),
        None => format!("\"{escaped}\""),
    }
}

/// An optional name as it may be printed (`(no name)` when absent).
pub fn shown_opt(name: Option<&str>) -> String {
    name.map_or_else(|| "(no name)".to_owned(), shown)
}

/// Lowercase hex of a digest.
pub fn hex(digest: &[u8]) -> String {
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}
