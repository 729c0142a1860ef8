//! The structured inputs of `roundtrip` and `encode`, and how the seed
//! generator writes them: each type's `write` appends the bytes `arbitrary`
//! 1.x reads back as that value (checked by the generator for every seed).
//!
//! `arbitrary`'s encoding, as used here: integers little endian, `bool` the
//! low bit of a byte, an enum variant a `u32` scaled to the variant count, a
//! `Vec` a `1` byte before each element and a `0` byte (or the end) after.

use arbitrary::Arbitrary;

use crate::json::{Blob, Scalar, Text, Value};
use crate::setup::ConfigBytes;

/// One frame for `roundtrip`.
#[derive(Debug, Clone, PartialEq, Arbitrary)]
pub struct Frame {
    /// Header members beside the body length (header frames only).
    pub extra: Vec<(Text, Value)>,
    /// Where the body length goes among them.
    pub at: u8,
    /// The body, or the raw payload.
    pub body: Blob,
    /// `frame` in one call, else `header` (`start` for raw frames), chunks,
    /// `end_frame`.
    pub whole: bool,
    /// Body chunk sizes, cycled (0 is an empty chunk).
    pub chunks: Vec<u8>,
}

/// The input of `roundtrip`.
#[derive(Debug, Clone, PartialEq, Arbitrary)]
pub struct Roundtrip {
    /// The configuration of both ends.
    pub config: ConfigBytes,
    /// The frames to send.
    pub frames: Vec<Frame>,
    /// Read sizes on the receiving side, cycled.
    pub splits: Vec<u8>,
}

/// A header for `encode`: members, and the body key's value (any JSON
/// value, or absent).
#[derive(Debug, Clone, PartialEq, Arbitrary)]
pub struct HeaderSpec {
    /// Members beside the body key.
    pub extra: Vec<(Text, Value)>,
    /// The body key's value.
    pub body: Option<Value>,
    /// Where the body key goes among the members.
    pub at: u8,
}

/// One encoder call for `encode`; `out` sizes the output buffer.
#[derive(Debug, Clone, PartialEq, Arbitrary)]
pub enum Op {
    /// `Encoder::header` (skipped for raw frames).
    Header { header: HeaderSpec, out: u16 },
    /// `Encoder::frame` with a body of `body` bytes (skipped for raw frames).
    Frame {
        header: HeaderSpec,
        body: u8,
        out: u16,
    },
    /// `RawEncoder::start` (skipped for header frames).
    Raw { len: u64, out: u8 },
    /// `RawEncoder::frame` with a payload of `len` bytes (skipped for header
    /// frames).
    RawFrame { len: u8, out: u16 },
    /// `body` with a chunk of `len` bytes.
    Body { len: u8 },
    /// `end_frame`.
    EndFrame,
    /// `reset`.
    Reset,
}

/// The input of `encode`.
#[derive(Debug, Clone, PartialEq, Arbitrary)]
pub struct Calls {
    /// The configuration of the encoder (and of the decoder that checks it).
    pub config: ConfigBytes,
    /// The calls, in order.
    pub ops: Vec<Op>,
}

fn variant(index: u32, count: u32, out: &mut Vec<u8>) {
    let scaled = (u64::from(index) << 32).div_ceil(u64::from(count));
    let scaled = u32::try_from(scaled).expect("index below count");
    out.extend_from_slice(&scaled.to_le_bytes());
}

fn list<T>(items: &[T], out: &mut Vec<u8>, write: impl Fn(&T, &mut Vec<u8>)) {
    for item in items {
        out.push(1);
        write(item, out);
    }
    out.push(0);
}

impl Scalar {
    /// Appends the bytes `arbitrary` reads back as this scalar.
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Self::Null => variant(0, 6, out),
            Self::Bool(b) => {
                variant(1, 6, out);
                out.push(u8::from(*b));
            }
            Self::U64(n) => {
                variant(2, 6, out);
                out.extend_from_slice(&n.to_le_bytes());
            }
            Self::I64(n) => {
                variant(3, 6, out);
                out.extend_from_slice(&n.to_le_bytes());
            }
            Self::F64(x) => {
                variant(4, 6, out);
                out.extend_from_slice(&x.to_bits().to_le_bytes());
            }
            Self::Str(text) => {
                variant(5, 6, out);
                Text::write(&text.0, out);
            }
        }
    }
}

impl Value {
    /// Appends the bytes `arbitrary` reads back as this value.
    pub fn write(&self, out: &mut Vec<u8>) {
        match self {
            Self::Scalar(scalar) => {
                variant(0, 3, out);
                scalar.write(out);
            }
            Self::List(items) => {
                variant(1, 3, out);
                list(items, out, Scalar::write);
            }
            Self::Object(members) => {
                variant(2, 3, out);
                list(members, out, |(key, value), out| {
                    Text::write(&key.0, out);
                    value.write(out);
                });
            }
        }
    }
}

fn write_members(members: &[(Text, Value)], out: &mut Vec<u8>) {
    list(members, out, |(key, value), out| {
        Text::write(&key.0, out);
        value.write(out);
    });
}

impl Roundtrip {
    /// The bytes `arbitrary` reads back as this input.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.config.0.to_vec();
        list(&self.frames, &mut out, |frame, out| {
            write_members(&frame.extra, out);
            out.push(frame.at);
            Blob::write(&frame.body.0, out);
            out.push(u8::from(frame.whole));
            list(&frame.chunks, out, |size, out| out.push(*size));
        });
        list(&self.splits, &mut out, |size, out| out.push(*size));
        out
    }
}

impl HeaderSpec {
    fn write(&self, out: &mut Vec<u8>) {
        write_members(&self.extra, out);
        match &self.body {
            Some(value) => {
                out.push(1);
                value.write(out);
            }
            None => out.push(0),
        }
        out.push(self.at);
    }
}

impl Calls {
    /// The bytes `arbitrary` reads back as this input.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.config.0.to_vec();
        list(&self.ops, &mut out, |op, out| match op {
            Op::Header { header, out: size } => {
                variant(0, 7, out);
                header.write(out);
                out.extend_from_slice(&size.to_le_bytes());
            }
            Op::Frame {
                header,
                body,
                out: size,
            } => {
                variant(1, 7, out);
                header.write(out);
                out.push(*body);
                out.extend_from_slice(&size.to_le_bytes());
            }
            Op::Raw { len, out: size } => {
                variant(2, 7, out);
                out.extend_from_slice(&len.to_le_bytes());
                out.push(*size);
            }
            Op::RawFrame { len, out: size } => {
                variant(3, 7, out);
                out.push(*len);
                out.extend_from_slice(&size.to_le_bytes());
            }
            Op::Body { len } => {
                variant(4, 7, out);
                out.push(*len);
            }
            Op::EndFrame => variant(5, 7, out),
            Op::Reset => variant(6, 7, out),
        });
        out
    }
}
