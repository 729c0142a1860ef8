//! Size report: `Decoder<256>` on the default wire, using only each header's
//! body length (no JSON parsing beyond the decoder's own check).

#![no_std]
#![no_main]

use unstick::{Decoder, Event};
use unstick_embedded::{Inputs, measure};

/// Body lengths 5 + 3, plus 100 per completed frame.
const EXPECTED: u32 = 208;

#[cortex_m_rt::entry]
fn main() -> ! {
    measure(work, EXPECTED)
}

/// Decodes both frames; `u32::MAX` on any error.
fn work(inputs: &Inputs) -> u32 {
    let mut decoder = Decoder::<256>::default();
    let mut input = inputs.frames;
    let mut total = 0;
    while let Ok(Some(event)) = decoder.decode(&mut input) {
        total += match event {
            Event::Header(header) => header.body_len() as u32,
            Event::FrameEnd => 100,
            Event::Body { .. } => 0,
        };
    }
    if decoder.finish().is_err() {
        u32::MAX
    } else {
        total
    }
}
