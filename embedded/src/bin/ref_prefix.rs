//! Size report, reference point: a hand-rolled reader of raw frames behind a
//! 4-byte big-endian length, without unstick: the floor for the raw-frame
//! variant.

#![no_std]
#![no_main]

use unstick_embedded::{Inputs, measure};

/// Payload lengths 5 + 3, plus 100 per completed frame.
const EXPECTED: u32 = 208;

#[cortex_m_rt::entry]
fn main() -> ! {
    measure(work, EXPECTED)
}

/// Reads prefixes and skips payloads byte by byte, as a push reader that
/// may be fed any split would; `u32::MAX` if the input ends inside a frame.
fn work(inputs: &Inputs) -> u32 {
    let mut prefix_bytes = 0;
    let mut len = 0u32;
    let mut remaining = 0u32;
    let mut total = 0;
    for &byte in inputs.raw {
        if prefix_bytes < 4 {
            len = len << 8 | u32::from(byte);
            prefix_bytes += 1;
            remaining = len;
        } else {
            remaining -= 1;
        }
        if prefix_bytes == 4 && remaining == 0 {
            total += len + 100;
            (prefix_bytes, len) = (0, 0);
        }
    }
    if prefix_bytes == 0 { total } else { u32::MAX }
}
