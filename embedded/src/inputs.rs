//! The bytes every size-report firmware carries, whichever of them it reads.

/// Two header frames on the default wire (4-byte big-endian prefix): a plain
/// name with a 5-byte body, then the tutorial's `\u`-escaped name with a
/// 3-byte body.
const FRAMES: &[u8] = b"\0\0\0\x26{\"file_name\": \"a.txt\", \"file_size\": 5}hello\
\0\0\0\x31{\"file_name\": \"\\u7535\\u5f71.mp4\", \"file_size\": 3}abc";

/// The first frame's header alone (38 bytes after the 4-byte prefix).
const HEADER: &[u8] = FRAMES.split_at(4).1.split_at(0x26).0;

/// Two raw frames on the default wire: 5 then 3 payload bytes.
const RAW: &[u8] = b"\0\0\0\x05hello\0\0\0\x03abc";

/// What a variant may read; the harness passes it through `black_box`.
#[derive(Debug)]
pub struct Inputs {
    /// [`FRAMES`]: two glued header frames, the second with an escaped name.
    pub frames: &'static [u8],
    /// [`HEADER`]: the first frame's JSON header.
    pub header: &'static [u8],
    /// [`RAW`]: two glued raw frames.
    pub raw: &'static [u8],
    /// A file name for the encoder: `a.txt`.
    pub name: &'static str,
    /// A body for the encoder: `hello`.
    pub body: &'static [u8],
}

/// The one instance of [`Inputs`].
pub static INPUTS: Inputs = Inputs {
    frames: FRAMES,
    header: HEADER,
    raw: RAW,
    name: "a.txt",
    body: b"hello",
};
