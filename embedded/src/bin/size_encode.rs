//! Size report: `Encoder<256>::frame` writing one whole header frame.

#![no_std]
#![no_main]

use core::hint::black_box;

use serde::Serialize;
use unstick::Encoder;
use unstick_embedded::{Inputs, measure};

/// The tutorial's header.
#[derive(Serialize)]
struct Upload<'a> {
    file_name: &'a str,
    file_size: u64,
}

/// Prefix 4 + `{"file_name":"a.txt","file_size":5}` 35 + body 5.
const EXPECTED: u32 = 44;

#[cortex_m_rt::entry]
fn main() -> ! {
    measure(work, EXPECTED)
}

/// Encodes the frame and returns its length (`u32::MAX` on error); the
/// bytes go through `black_box` so that they are really written.
fn work(inputs: &Inputs) -> u32 {
    let mut encoder = Encoder::<256>::default();
    let header = Upload {
        file_name: inputs.name,
        file_size: inputs.body.len() as u64,
    };
    let mut out = [0; 300];
    match encoder.frame(&header, inputs.body, &mut out) {
        Ok(len) => black_box(&out[..len]).len() as u32,
        Err(_) => u32::MAX,
    }
}
