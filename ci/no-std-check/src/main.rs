//! Proves that `unstick` builds without `std` and without an allocator: this
//! binary has its own panic handler, so a dependency that links `std` makes
//! `cargo check` fail with a duplicate `panic_impl` lang item.

#![no_std]
#![no_main]

use core::panic::PanicInfo;

use unstick::{Config, Decoder, Encoder, Event};

#[derive(serde::Serialize)]
struct Upload<'a> {
    file_name: &'a str,
    file_size: u64,
}

/// Encodes one frame and decodes it again; returns the body length seen.
#[unsafe(no_mangle)]
pub extern "C" fn roundtrip() -> u64 {
    let Ok(mut encoder) = Encoder::<64>::new(Config::python_struct()) else { return 0 };
    let mut wire = [0u8; 96];
    let header = Upload { file_name: "a.txt", file_size: 3 };
    let Ok(len) = encoder.frame(&header, b"abc", &mut wire) else { return 0 };
    let Ok(mut decoder) = Decoder::<64>::new(Config::python_struct()) else { return 0 };
    let mut input = &wire[..len];
    let mut body = 0;
    while let Ok(Some(event)) = decoder.decode(&mut input) {
        if let Event::Body { chunk, .. } = event {
            body += chunk.len() as u64;
        }
    }
    body
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    loop {}
}
