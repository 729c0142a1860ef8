//! Decoding and encoding a realistic stream makes zero heap allocations.
//!
//! A counting global allocator counts only on the thread that asked for it,
//! so the test harness's own allocations on other threads do not leak in.

mod common;

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
    use common::block_on;
    use unstick::io::tokio::FrameReader;

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

/// The header frame of a 1000-byte body named `a.txt`, as the spec writes it
/// with the default profile, and the length of its prefix and header.
#[cfg(feature = "tokio-util-07")]
fn upload_of_1000_bytes() -> (Vec<u8>, usize) {
    let json = br#"{"file_name":"a.txt","file_size":1000}"#;
    let frame = [&[0, 0, 0, 38][..], json, &[7u8; 1000]].concat();
    (frame, 42)
}

/// Encodes `item` with `codec` into a buffer of `room` bytes' capacity;
/// returns what the buffer holds and the allocations encoding made.
#[cfg(feature = "tokio-util-07")]
fn encode_counted<T, C>(codec: &mut C, item: T, room: usize) -> (bytes::BytesMut, usize)
where
    C: tokio_util::codec::Encoder<T, Error = std::io::Error>,
{
    let mut dst = bytes::BytesMut::with_capacity(room);
    let count = allocations_in(|| codec.encode(item, &mut dst).unwrap());
    (dst, count)
}

#[cfg(feature = "tokio-util-07")]
#[test]
fn the_codecs_reserve_room_for_a_frame_they_encode_at_once_and_no_more() {
    use unstick::io::tokio_util_07::HeaderFrame;
    use unstick::{FrameCodec, RawFrameCodec};

    let (frame, head) = upload_of_1000_bytes();
    let body = &frame[head..];
    let upload = Upload {
        file_name: "a.txt",
        file_size: 1000,
    };
    let mut codec = FrameCodec::<128>::new(Config::default()).unwrap();
    let raw = [&[0, 0, 0x03, 0xe8][..], body].concat();
    let mut raw_codec = RawFrameCodec::new(Config::default());
    for (room, allocations) in [(0, 1), (frame.len(), 0)] {
        let item = HeaderFrame {
            header: &upload,
            body,
        };
        let (dst, count) = encode_counted(&mut codec, item, room);
        assert_eq!(dst, frame);
        assert_eq!(count, allocations, "header frame into {room} bytes");
    }
    for (room, allocations) in [(0, 1), (raw.len(), 0)] {
        let (dst, count) = encode_counted(&mut raw_codec, body, room);
        assert_eq!(dst, raw);
        assert_eq!(count, allocations, "raw frame into {room} bytes");
    }
}

#[cfg(feature = "tokio-util-07")]
#[test]
fn a_codec_reserves_only_what_the_body_still_lacks() {
    use bytes::BytesMut;
    use tokio_util::codec::Decoder as _;
    use unstick::FrameCodec;

    let (frame, head) = upload_of_1000_bytes();
    let mut codec = FrameCodec::<128>::new(Config::default()).unwrap();
    let mut src = BytesMut::with_capacity(frame.len());
    src.extend_from_slice(&frame[..head]);
    assert_eq!(codec.decode(&mut src).unwrap(), None, "the header is taken");
    src.extend_from_slice(&frame[head..head + 500]);
    let count = allocations_in(|| assert_eq!(codec.decode(&mut src).unwrap(), None));
    assert_eq!(count, 0, "the buffer has room for the other 500 body bytes");
    src.extend_from_slice(&frame[head + 500..]);
    let decoded = codec.decode(&mut src).unwrap().unwrap();
    assert_eq!(decoded.header().body_len(), 1000);
    assert_eq!(decoded.into_body(), &frame[head..]);
}
