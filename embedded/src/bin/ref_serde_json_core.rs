//! Size report, reference point: serde-json-core parsing the tutorial's
//! header alone, without unstick. unstick's share of `size_parse` is what it
//! adds over this.

#![no_std]
#![no_main]

use serde::Deserialize;
use unstick_embedded::{Inputs, measure};

/// The tutorial's header, borrowing the name.
#[derive(Deserialize)]
struct Upload<'a> {
    file_name: &'a str,
    file_size: u64,
}

/// `a.txt`: 5 + 5.
const EXPECTED: u32 = 10;

#[cortex_m_rt::entry]
fn main() -> ! {
    measure(work, EXPECTED)
}

/// Name length plus size; `u32::MAX` on error.
fn work(inputs: &Inputs) -> u32 {
    match serde_json_core::from_slice::<Upload>(inputs.header) {
        Ok((upload, _)) => upload.file_name.len() as u32 + upload.file_size as u32,
        Err(_) => u32::MAX,
    }
}
