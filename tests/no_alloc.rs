//! Decoding and encoding a realistic stream makes zero heap allocations.
//!
//! A counting global allocator counts only on the thread that asked for it,
//! so the test harness's own allocations on other threads do not leak in.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use serde::{Deserialize, Serialize};
use unstick::{Config, Decoder, Encoder, Event};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: defers to the system allocator; only bumps a thread-local counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.with(|n| n.set(n.get() + 1));
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `f` and returns how many allocations it made on this thread.
fn allocations_in(f: impl FnOnce()) -> usize {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get)
}

#[derive(Serialize, Deserialize)]
struct Upload<'a> {
    file_name: &'a str,
    file_size: u64,
}

#[derive(Deserialize)]
struct OwnedUpload {
    file_name: heapless::String<64>,
    file_size: u64,
}

const FRAMES: usize = 200;

#[test]
fn decoding_and_encoding_a_stream_allocates_nothing() {
    let names: Vec<String> = (0..FRAMES)
        .map(|i| format!("\u{7535}\u{5f71}-{i}.mp4"))
        .collect();
    let body = vec![0x5a_u8; 64 * 1024];
    let mut wire = vec![0u8; FRAMES * (body.len() + 128)];
    let mut scratch = [0u8; 64];
    let mut wire_len = 0;
    let mut decoded_bytes = 0u64;
    let mut headers = 0usize;

    let count = allocations_in(|| {
        let mut encoder = Encoder::<128>::new(Config::python_struct()).unwrap();
        for (i, name) in names.iter().enumerate() {
            let body = &body[..i * 300];
            let header = Upload {
                file_name: name,
                file_size: body.len() as u64,
            };
            wire_len += encoder.frame(&header, body, &mut wire[wire_len..]).unwrap();
        }
        let mut decoder = Decoder::<128>::new(Config::python_struct()).unwrap();
        for read in wire[..wire_len].chunks(1460) {
            let mut input = read;
            while let Some(event) = decoder.decode(&mut input).unwrap() {
                match event {
                    Event::Header(header) => {
                        let borrowed: Upload = header.parse().unwrap();
                        let owned: OwnedUpload = header.parse_unescaped(&mut scratch).unwrap();
                        assert_eq!(borrowed.file_size, owned.file_size);
                        assert!(owned.file_name.ends_with(".mp4"));
                        headers += 1;
                    }
                    Event::Body { chunk, .. } => decoded_bytes += chunk.len() as u64,
                    Event::FrameEnd => {}
                }
            }
        }
        decoder.finish().unwrap();
    });

    assert_eq!(headers, FRAMES);
    assert_eq!(
        decoded_bytes,
        (0..FRAMES as u64).map(|i| i * 300).sum::<u64>()
    );
    assert_eq!(count, 0, "allocations while encoding and decoding");
}

#[test]
fn the_counter_does_count() {
    let count = allocations_in(|| drop(vec![1u8; 10]));
    assert_eq!(count, 1);
}

/// Three frames with a one-byte body each.
fn three_uploads() -> Vec<u8> {
    let mut encoder = Encoder::<128>::new(Config::default()).unwrap();
    let header = Upload {
        file_name: "a.txt",
        file_size: 1,
    };
    let mut wire = Vec::new();
    for _ in 0..3 {
        let mut out = [0u8; 64];
        let len = encoder.frame(&header, b"x", &mut out).unwrap();
        wire.extend_from_slice(&out[..len]);
    }
    wire
}

#[cfg(feature = "std")]
#[test]
fn a_std_reader_allocates_its_scratch_buffer_once() {
    use unstick::io::std::FrameReader;

    let wire = three_uploads();
    let mut reader = FrameReader::new(&wire[..], Decoder::<128>::new(Config::default()).unwrap());
    let first = allocations_in(|| {
        reader.next_header_as::<OwnedUpload>().unwrap().unwrap();
    });
    assert_eq!(first, 1, "the scratch buffer");
    let mut headers = 1;
    let rest = allocations_in(|| {
        while reader.next_header_as::<OwnedUpload>().unwrap().is_some() {
            headers += 1;
        }
    });
    assert_eq!(headers, 3);
    assert_eq!(rest, 0, "the scratch buffer is reused");
}

#[cfg(feature = "tokio")]
#[test]
fn a_tokio_reader_allocates_its_scratch_buffer_once() {
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};
    use unstick::io::tokio::FrameReader;

    /// Polls `future` until it is ready (a slice is always ready).
    fn block_on<F: Future>(future: F) -> F::Output {
        let mut future = pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
                return output;
            }
        }
    }

    let wire = three_uploads();
    let mut reader = FrameReader::new(&wire[..], Decoder::<128>::new(Config::default()).unwrap());
    let first = allocations_in(|| {
        block_on(reader.next_header_as::<OwnedUpload>())
            .unwrap()
            .unwrap();
    });
    assert_eq!(first, 1, "the scratch buffer");
    let mut headers = 1;
    let rest = allocations_in(|| {
        while block_on(reader.next_header_as::<OwnedUpload>())
            .unwrap()
            .is_some()
        {
            headers += 1;
        }
    });
    assert_eq!(headers, 3);
    assert_eq!(rest, 0, "the scratch buffer is reused");
}
