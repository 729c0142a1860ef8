//! Size report: raw frames only (no JSON header): `RawDecoder`.

#![no_std]
#![no_main]

use unstick::{Config, RawDecoder, RawEvent};
use unstick_embedded::{Inputs, measure};

/// Payload lengths 5 + 3, plus 100 per completed frame.
const EXPECTED: u32 = 208;

#[cortex_m_rt::entry]
fn main() -> ! {
    measure(work, EXPECTED)
}

/// Decodes both raw frames; `u32::MAX` on any error.
fn work(inputs: &Inputs) -> u32 {
    let mut decoder = RawDecoder::new(Config::default());
    let mut input = inputs.raw;
    let mut total = 0;
    while let Ok(Some(event)) = decoder.decode(&mut input) {
        total += match event {
            RawEvent::Start { len } => len as u32,
            RawEvent::FrameEnd => 100,
            RawEvent::Body { .. } => 0,
        };
    }
    if decoder.finish().is_err() {
        u32::MAX
    } else {
        total
    }
}
