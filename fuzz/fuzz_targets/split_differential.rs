//! The same stream fed whole and fed in pieces gives identical events, the
//! same error and the same number of bytes consumed; the push API (`feed`)
//! gives the same events and error as the pull API (`decode`), whether its
//! callback goes on or breaks after every event (a break leaves the rest of
//! the input in the caller's slice, and the next `feed` picks it up).
#![no_main]

use libfuzzer_sys::fuzz_target;
use unstick::DecodeError;
use unstick_fuzz::decoders::{Watched, WithDecoder, with_decoder};
use unstick_fuzz::{Input, Seen, decode_checked};

fuzz_target!(|data: &[u8]| {
    let input = Input::parse(data);
    let setup = input.config.setup();
    let pieces = input.pieces();
    let whole = decode_checked(&setup, input.stream, &[input.stream]);
    let split = decode_checked(&setup, input.stream, &pieces);
    assert_eq!(whole, split);
    for stop_each in [false, true] {
        let fed = with_decoder(
            &setup,
            Feed {
                pieces: &pieces,
                stop_each,
            },
        );
        assert_eq!(fed, (whole.seen.clone(), whole.error));
    }
});

/// The pieces through `feed`, then `finish`.
struct Feed<'a, 'p> {
    pieces: &'p [&'a [u8]],
    /// Whether the callback breaks after every event.
    stop_each: bool,
}

impl WithDecoder for Feed<'_, '_> {
    type Output = (Vec<Seen>, Option<DecodeError>);

    fn run<D: Watched>(self, mut decoder: D) -> Self::Output {
        let mut seen = Vec::new();
        for piece in self.pieces {
            let mut input = *piece;
            loop {
                let events = seen.len();
                let before = input.len();
                match decoder.feed_into(&mut input, &mut seen, self.stop_each) {
                    Err(err) => return (seen, Some(err)),
                    Ok(None) => {
                        assert!(input.is_empty(), "feed went on with input left");
                        break;
                    }
                    Ok(Some(())) => {
                        assert!(self.stop_each, "feed broke by itself");
                        // Every event is seen: a new one, or body bytes taken.
                        assert!(
                            seen.len() > events || input.len() < before,
                            "a break without an event"
                        );
                    }
                }
            }
        }
        (seen, decoder.finish().err())
    }
}
