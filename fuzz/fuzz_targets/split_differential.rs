//! The same stream fed whole and fed in pieces gives identical events, the
//! same error and the same number of bytes consumed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unstick_fuzz::{Input, decode_checked};

fuzz_target!(|data: &[u8]| {
    let input = Input::parse(data);
    let setup = input.config.setup();
    let whole = decode_checked(&setup, input.stream, &[input.stream]);
    let pieces = decode_checked(&setup, input.stream, &input.pieces());
    assert_eq!(whole, pieces);
});
