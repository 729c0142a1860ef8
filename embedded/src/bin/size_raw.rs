//! Size report: raw frames only (no JSON header): `Decoder<0>` with
//! `FrameKind::Raw`.

#![no_std]
#![no_main]

use unstick::{Config, Decoder, Event, FrameKind};
use unstick_embedded::{Inputs, measure};

/// Payload lengths 5 + 3, plus 100 per completed frame.
const EXPECTED: u32 = 208;

#[cortex_m_rt::entry]
fn main() -> ! {
    measure(work, EXPECTED)
}

/// Decodes both raw frames; `u32::MAX` on any error.
fn work(inputs: &Inputs) -> u32 {
    let Ok(config) = Config::builder().kind(FrameKind::Raw).build() else {
        return u32::MAX;
    };
    let Ok(mut decoder) = Decoder::<0>::new(config) else {
        return u32::MAX;
    };
    let mut input = inputs.raw;
    let mut total = 0;
    while let Ok(Some(event)) = decoder.decode(&mut input) {
        total += match event {
            Event::RawStart { len } => len as u32,
            Event::FrameEnd => 100,
            _ => 0,
        };
    }
    if decoder.finish().is_err() {
        u32::MAX
    } else {
        total
    }
}
