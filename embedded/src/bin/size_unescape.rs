//! Size report: `Decoder<256>` plus `Header::parse_unescaped` into a
//! `heapless::String<64>` name (the tutorial's `\u`-escaped names decoded).

#![no_std]
#![no_main]

use heapless::String;
use serde::Deserialize;
use unstick::{Decoder, Event};
use unstick_embedded::{Inputs, measure};

/// The tutorial's header with an owned, unescaped name.
#[derive(Deserialize)]
struct Upload {
    file_name: String<64>,
    file_size: u64,
}

/// `a.txt`: 5 + 5; `电影.mp4` (10 bytes of UTF-8): 10 + 3.
const EXPECTED: u32 = 23;

#[cortex_m_rt::entry]
fn main() -> ! {
    measure(work, EXPECTED)
}

/// Adds up name length and size of every header that parses, 100 for one
/// that does not; `u32::MAX` on a decoding error.
fn work(inputs: &Inputs) -> u32 {
    let mut decoder = Decoder::<256>::default();
    let mut input = inputs.frames;
    let mut scratch = [0; 64];
    let mut total = 0;
    while let Ok(Some(event)) = decoder.decode(&mut input) {
        if let Event::Header(header) = event {
            total += match header.parse_unescaped::<Upload>(&mut scratch) {
                Ok(upload) => upload.file_name.len() as u32 + upload.file_size as u32,
                Err(_) => 100,
            };
        }
    }
    if decoder.finish().is_err() {
        u32::MAX
    } else {
        total
    }
}
