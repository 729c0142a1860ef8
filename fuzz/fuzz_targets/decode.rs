//! Arbitrary bytes under a configuration chosen from the input, fed at split
//! points chosen from the input; every invariant of the decoder is asserted
//! after every call (see `unstick_fuzz::checked`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unstick_fuzz::{Input, decode_checked};

fuzz_target!(|data: &[u8]| {
    let input = Input::parse(data);
    let setup = input.config.setup();
    decode_checked(&setup, input.stream, &input.pieces());
});
