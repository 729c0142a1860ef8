//! Size report: `Decoder<256>` plus `Header::parse::<Upload>` (serde-json-core,
//! zero-copy `&str` name).

#![no_std]
#![no_main]

use serde::Deserialize;
use unstick::{Decoder, Event};
use unstick_embedded::{Inputs, measure};

/// The tutorial's header, borrowing the name.
#[derive(Deserialize)]
struct Upload<'a> {
    file_name: &'a str,
    file_size: u64,
}

/// `a.txt`: 5 + 5; the escaped name is refused (`ParseError::EscapedString`): 100.
const EXPECTED: u32 = 110;

#[cortex_m_rt::entry]
fn main() -> ! {
    measure(work, EXPECTED)
}

/// Adds up name length and size of every header that parses, 100 for one
/// that does not; `u32::MAX` on a decoding error.
fn work(inputs: &Inputs) -> u32 {
    let mut decoder = Decoder::<256>::default();
    let mut input = inputs.frames;
    let mut total = 0;
    while let Ok(Some(event)) = decoder.decode(&mut input) {
        if let Event::Header(header) = event {
            total += match header.parse::<Upload>() {
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
