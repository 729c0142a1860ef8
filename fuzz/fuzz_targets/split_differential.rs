//! The same stream fed whole and fed in pieces gives identical events, the
//! same error and the same number of bytes consumed; the push API (`feed`)
//! gives the same events and error as the pull API (`decode`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unstick::{DecodeError, Decoder};
use unstick_fuzz::seen::push;
use unstick_fuzz::setup::{CAPACITY, SMALL_CAPACITY};
use unstick_fuzz::{Input, Seen, Setup, decode_checked};

fuzz_target!(|data: &[u8]| {
    let input = Input::parse(data);
    let setup = input.config.setup();
    let pieces = input.pieces();
    let whole = decode_checked(&setup, input.stream, &[input.stream]);
    let split = decode_checked(&setup, input.stream, &pieces);
    assert_eq!(whole, split);
    let fed = match setup.capacity() {
        CAPACITY => feed::<CAPACITY>(&setup, &pieces),
        SMALL_CAPACITY => feed::<SMALL_CAPACITY>(&setup, &pieces),
        _ => feed::<0>(&setup, &pieces),
    };
    assert_eq!(fed, (whole.seen, whole.error));
});

/// The pieces through `feed`, then `finish`.
fn feed<const N: usize>(setup: &Setup, pieces: &[&[u8]]) -> (Vec<Seen>, Option<DecodeError>) {
    let mut decoder = Decoder::<N>::new(setup.config).expect("every chosen setup is valid");
    let mut seen = Vec::new();
    for piece in pieces {
        if let Err(err) = decoder.feed(piece, |event| push(&mut seen, &event)) {
            return (seen, Some(err));
        }
    }
    (seen, decoder.finish().err())
}
