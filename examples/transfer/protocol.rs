//! What both ends agree on: the header, the wire profiles, sizes and rates.

use std::io::{self, IsTerminal};
use std::time::Duration;

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use unstick::Config;
use unstick::io::std::{FrameReader, FrameWriter};
pub use unstick::{Decoder, Encoder};

/// Header capacity: a 255-byte name survives even Python's `\uXXXX`
/// escaping of every character, with room to spare.
pub const HEADER_CAPACITY: usize = 4096;

/// Body buffer size for copying; as large as the adapter's own buffer, so
/// that body reads go straight from the socket into it.
pub const COPY_BUFFER: usize = unstick::io::std::BUFFER_SIZE;

/// Reads frames with this example's header capacity.
pub type Reader<R> = FrameReader<R, Decoder<HEADER_CAPACITY>>;

/// Writes frames with this example's header capacity.
pub type Writer<W> = FrameWriter<W, Encoder<HEADER_CAPACITY>>;

/// The tutorial's upload header: `{"file_name": ..., "file_size": ...}`.
/// Other members are ignored on receipt.
#[derive(Debug, Serialize, Deserialize)]
pub struct Upload {
    /// The file's base name.
    pub file_name: String,
    /// The body length in bytes.
    pub file_size: u64,
}

/// The length prefix on the wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Wire {
    /// 4-byte big-endian unsigned prefix (network byte order).
    #[default]
    Default,
    /// `struct.pack('i', len)`: 4-byte little-endian signed, as the
    /// tutorial's Python client and server write it.
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
pub fn files(count: usize) -> String {
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

/// A byte progress bar on stderr, hidden unless stderr is a terminal.
pub fn progress_bar(total: u64) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template(
        "{bar:40.cyan/blue} {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} eta {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::new(total).with_style(style)
}

/// A name as it may be printed: escaped, and cut after 80 characters.
pub fn shown(name: &str) -> String {
    let escaped: String = name.escape_debug().collect();
    match escaped.char_indices().nth(80) {
        Some((cut, _)) => format!("\"{}…\" ({} bytes)", &escaped[..cut], name.len()),
        None => format!("\"{escaped}\""),
    }
}
