//! unstick against its peers, side by side in one run.
//!
//! | group              | functions                           | what is compared |
//! |--------------------|-------------------------------------|------------------|
//! | `small_frames`     | `unstick`, `tokio_util_serde_json`, `unstick_body_len_only` | receiving 10,000 small frames fed in 1460-byte slices; the last without the typed parse (framing alone) |
//! | `large_body`       | `unstick`, `memcpy`                 | one 64 MiB body fed in 64 KiB slices, against copying it |
//! | `feed_granularity` | `whole`, `bytewise`                 | the small-frame stream in one slice, and one byte per call |
//! | `encode`           | `unstick`, `tokio_util_serde_json`  | writing the 10,000 small frames into one buffer |
//!
//! Machines are noisy: only the ratios printed at the end of a run (both
//! sides measured in that same run) mean anything. Each is printed twice: as
//! the ratio of criterion's two medians, and timed interleaved (one call of
//! each side back to back, 21 rounds, median ratio), which load that comes
//! and goes between criterion's measurements of the two sides cannot skew.
//! BENCHMARKS.md says exactly what each side does and holds the measured
//! ratios.
//!
//! ```text
//! cargo bench --bench framing
//! ```
//!
//! Every measured function is `#[inline(never)]` and is also called once
//! before measuring (to check that both sides did the same work), so
//! `benches/callgrind.sh` can count its instructions by name.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use criterion::{BenchmarkGroup, Criterion, Throughput, measurement::WallTime};
use serde::{Deserialize, Serialize};
use tokio_util::codec::{Decoder as _, Encoder as _, LengthDelimitedCodec};
use unstick::{Config, Decoder, Encoder, Event};

/// Frames in the small-frame stream.
const FRAMES: usize = 10_000;
/// Largest small-frame body.
const MAX_SMALL_BODY: usize = 256;
/// Header buffer of both unstick ends, and the peer's frame limit.
const HEADER_CAPACITY: usize = 256;
/// One Ethernet TCP segment's payload: the slice size of the small-frame stream.
const SEGMENT: usize = 1460;
/// The large body.
const LARGE_BODY: usize = 64 << 20;
/// The slice size of the large-body stream.
const LARGE_SLICE: usize = 64 << 10;

/// The header both sides decode into and encode from.
#[derive(Serialize, Deserialize)]
struct Upload<'a> {
    file_name: &'a str,
    file_size: u64,
}

/// One small frame's content.
struct Frame {
    name: String,
    body: Vec<u8>,
}

impl Frame {
    fn upload(&self) -> Upload<'_> {
        Upload {
            file_name: &self.name,
            file_size: self.body.len() as u64,
        }
    }
}

/// A deterministic pseudo-random sequence (64-bit LCG, top bits out).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as u32
    }

    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// The 10,000 small frames: ~60-byte headers, bodies of 0–256 bytes.
fn small_frames() -> Vec<Frame> {
    let mut rng = Lcg(0x5eed);
    (0..FRAMES)
        .map(|i| {
            let len = rng.next() as usize % (MAX_SMALL_BODY + 1);
            Frame {
                name: format!("upload/2026/11/frame-{i:05}.bin"),
                body: rng.bytes(len),
            }
        })
        .collect()
}

/// The wire bytes of `frames` under the default profile.
fn small_stream(frames: &[Frame]) -> Vec<u8> {
    let mut wire = vec![0; frames.len() * (4 + HEADER_CAPACITY + MAX_SMALL_BODY)];
    let len = unstick_encode(frames, &mut wire);
    wire.truncate(len);
    wire
}

/// One header frame with a 64 MiB body.
fn large_stream() -> Vec<u8> {
    let mut encoder = Encoder::<HEADER_CAPACITY>::new(Config::default()).expect("config");
    let upload = Upload {
        file_name: "large.bin",
        file_size: LARGE_BODY as u64,
    };
    let mut head = [0; 4 + HEADER_CAPACITY];
    let head_len = encoder.header(&upload, &mut head).expect("header");
    let mut wire = head[..head_len].to_vec();
    let block = Lcg(0xb0d7).bytes(LARGE_SLICE);
    for _ in 0..LARGE_BODY / LARGE_SLICE {
        wire.extend_from_slice(&block);
    }
    wire
}

/// The cheap checksum both receivers run over every body byte, in the
/// pieces they receive them in.
fn checksum(sum: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(sum, |sum, &byte| sum.wrapping_add(u64::from(byte)))
}

/// What both receivers fold in for every typed header.
fn fold_header(sum: u64, upload: &Upload<'_>) -> u64 {
    sum.wrapping_add(upload.file_size)
        .wrapping_add(upload.file_name.len() as u64)
}

/// unstick's receiver: each segment is read into a fixed buffer, decoded in
/// place, headers parsed into `Upload`, body chunks checksummed.
#[inline(never)]
fn unstick_receive(stream: &[u8]) -> u64 {
    let mut decoder = Decoder::<HEADER_CAPACITY>::new(Config::default()).expect("config");
    let mut read_buf = [0; SEGMENT];
    let mut sum = 0;
    for segment in stream.chunks(SEGMENT) {
        let read = &mut read_buf[..segment.len()];
        read.copy_from_slice(segment);
        let mut input = &read[..];
        while let Some(event) = decoder.decode(&mut input).expect("valid stream") {
            match event {
                Event::Header(header) => {
                    let upload: Upload<'_> = header.parse().expect("typed header");
                    sum = fold_header(sum, &upload);
                }
                Event::Body { chunk, .. } => sum = checksum(sum, chunk),
                Event::FrameEnd => {}
            }
        }
    }
    decoder.finish().expect("clean end");
    sum
}

/// unstick's receiver without the typed parse (framing alone): the same
/// segments and body checksums, and only the body length the header check
/// reports.
#[inline(never)]
fn unstick_body_len_only(stream: &[u8]) -> u64 {
    let mut decoder = Decoder::<HEADER_CAPACITY>::new(Config::default()).expect("config");
    let mut read_buf = [0; SEGMENT];
    let mut sum = 0u64;
    for segment in stream.chunks(SEGMENT) {
        let read = &mut read_buf[..segment.len()];
        read.copy_from_slice(segment);
        let mut input = &read[..];
        while let Some(event) = decoder.decode(&mut input).expect("valid stream") {
            match event {
                Event::Header(header) => sum = sum.wrapping_add(header.body_len()),
                Event::Body { chunk, .. } => sum = checksum(sum, chunk),
                Event::FrameEnd => {}
            }
        }
    }
    decoder.finish().expect("clean end");
    sum
}

/// What [`unstick_body_len_only`] must return: every body length and every
/// body byte, summed.
fn body_len_only_expected(frames: &[Frame]) -> u64 {
    frames.iter().fold(0, |sum, frame| {
        checksum(sum.wrapping_add(frame.body.len() as u64), &frame.body)
    })
}

/// The peer's receiver: each segment is read into a `BytesMut`; a
/// `LengthDelimitedCodec` cuts out the header, serde_json parses it into
/// `Upload`, then the body is split off as `Bytes` and checksummed.
#[inline(never)]
fn peer_receive(stream: &[u8]) -> u64 {
    let mut codec = LengthDelimitedCodec::builder()
        .length_field_length(4)
        .max_frame_length(HEADER_CAPACITY)
        .new_codec();
    let mut buf = BytesMut::with_capacity(4 * SEGMENT);
    let mut body_left = 0;
    let mut sum = 0;
    for segment in stream.chunks(SEGMENT) {
        buf.extend_from_slice(segment);
        loop {
            if body_left > 0 {
                if buf.is_empty() {
                    break;
                }
                let take = buf.len().min(body_left);
                let body: Bytes = buf.split_to(take).freeze();
                sum = checksum(sum, &body);
                body_left -= take;
            } else if let Some(json) = codec.decode(&mut buf).expect("valid stream") {
                let upload: Upload<'_> = serde_json::from_slice(&json).expect("typed header");
                sum = fold_header(sum, &upload);
                body_left = usize::try_from(upload.file_size).expect("small body");
            } else {
                break;
            }
        }
    }
    assert!(buf.is_empty() && body_left == 0, "clean end");
    sum
}

/// The decoder alone: feeds `pieces` and folds only the lengths it reports.
fn unstick_decode_pieces<'a>(pieces: impl Iterator<Item = &'a [u8]>) -> u64 {
    let mut decoder = Decoder::<HEADER_CAPACITY>::new(Config::default()).expect("config");
    let mut sum = 0u64;
    for mut input in pieces {
        while let Some(event) = decoder.decode(&mut input).expect("valid stream") {
            sum = sum.wrapping_add(match event {
                Event::Header(header) => header.body_len(),
                Event::Body { chunk, .. } => chunk.len() as u64,
                Event::FrameEnd => 1,
            });
        }
    }
    decoder.finish().expect("clean end");
    sum
}

/// The large stream through the decoder, in 64 KiB slices.
#[inline(never)]
fn unstick_large(stream: &[u8]) -> u64 {
    unstick_decode_pieces(stream.chunks(LARGE_SLICE))
}

/// The copying baseline: every 64 KiB slice copied into one reused buffer.
#[inline(never)]
fn memcpy_large(stream: &[u8], buf: &mut [u8]) -> u64 {
    let mut copied = 0;
    for piece in stream.chunks(LARGE_SLICE) {
        buf[..piece.len()].copy_from_slice(piece);
        black_box(&mut *buf);
        copied += piece.len() as u64;
    }
    copied
}

/// The small-frame stream through the decoder in one slice.
#[inline(never)]
fn unstick_whole(stream: &[u8]) -> u64 {
    unstick_decode_pieces(std::iter::once(stream))
}

/// The small-frame stream through the decoder one byte per call.
#[inline(never)]
fn unstick_bytewise(stream: &[u8]) -> u64 {
    unstick_decode_pieces(stream.chunks(1))
}

/// unstick's sender: whole frames (prefix, header, body) into `out`.
#[inline(never)]
fn unstick_encode(frames: &[Frame], out: &mut [u8]) -> usize {
    let mut encoder = Encoder::<HEADER_CAPACITY>::new(Config::default()).expect("config");
    let mut len = 0;
    for frame in frames {
        len += encoder
            .frame(&frame.upload(), &frame.body, &mut out[len..])
            .expect("frame fits");
    }
    len
}

/// The peer's sender: serde_json writes the header into a reused `Vec`, a
/// `LengthDelimitedCodec` writes prefix and header into `out`, then the body
/// is appended.
#[inline(never)]
fn peer_encode(frames: &[Frame], out: &mut BytesMut) {
    let mut codec = LengthDelimitedCodec::builder()
        .length_field_length(4)
        .max_frame_length(HEADER_CAPACITY)
        .new_codec();
    let mut json = Vec::with_capacity(HEADER_CAPACITY);
    for frame in frames {
        json.clear();
        serde_json::to_writer(&mut json, &frame.upload()).expect("header");
        codec.encode(&json[..], out).expect("frame fits");
        out.extend_from_slice(&frame.body);
    }
}

/// A group whose runs fit the time budget of a 2-core machine.
fn group<'c>(c: &'c mut Criterion, name: &str, bytes: usize) -> BenchmarkGroup<'c, WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .throughput(Throughput::Bytes(bytes as u64))
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group
}

fn bench_small_frames(c: &mut Criterion, frames: &[Frame], stream: &[u8]) {
    assert_eq!(unstick_receive(stream), peer_receive(stream), "same work");
    assert_eq!(
        unstick_body_len_only(stream),
        body_len_only_expected(frames),
        "every body length and body byte seen"
    );
    let mut group = group(c, "small_frames", stream.len());
    group.bench_function("unstick", |b| b.iter(|| unstick_receive(black_box(stream))));
    group.bench_function("tokio_util_serde_json", |b| {
        b.iter(|| peer_receive(black_box(stream)))
    });
    group.bench_function("unstick_body_len_only", |b| {
        b.iter(|| unstick_body_len_only(black_box(stream)))
    });
    group.finish();
}

fn bench_large_body(c: &mut Criterion, stream: &[u8]) {
    let mut buf = vec![0; LARGE_SLICE];
    let decoded = unstick_large(stream);
    assert_eq!(decoded, 2 * LARGE_BODY as u64 + 1, "every body byte seen");
    let mut group = group(c, "large_body", stream.len());
    group.bench_function("unstick", |b| b.iter(|| unstick_large(black_box(stream))));
    group.bench_function("memcpy", |b| {
        b.iter(|| memcpy_large(black_box(stream), &mut buf))
    });
    group.finish();
}

fn bench_feed_granularity(c: &mut Criterion, stream: &[u8]) {
    let whole = unstick_whole(stream);
    assert_eq!(whole, unstick_bytewise(stream), "same events");
    let mut group = group(c, "feed_granularity", stream.len());
    group.bench_function("whole", |b| b.iter(|| unstick_whole(black_box(stream))));
    group.bench_function("bytewise", |b| {
        b.iter(|| unstick_bytewise(black_box(stream)))
    });
    group.finish();
}

fn bench_encode(c: &mut Criterion, frames: &[Frame], stream: &[u8]) {
    let mut out = vec![0; stream.len()];
    let mut peer_out = BytesMut::with_capacity(stream.len());
    peer_encode(frames, &mut peer_out);
    assert_eq!(&peer_out[..], stream, "both senders write the same bytes");
    let mut group = group(c, "encode", stream.len());
    group.bench_function("unstick", |b| {
        b.iter(|| unstick_encode(black_box(frames), &mut out))
    });
    group.bench_function("tokio_util_serde_json", |b| {
        b.iter(|| {
            peer_out.clear();
            peer_encode(black_box(frames), &mut peer_out);
        })
    });
    group.finish();
}

/// The streams every group reads.
struct Inputs {
    frames: Vec<Frame>,
    small: Vec<u8>,
    large: Vec<u8>,
}

/// How a pair compares: `ratio = time(numerator) / time(denominator)`.
struct Comparison {
    group: &'static str,
    numerator: &'static str,
    denominator: &'static str,
    meaning: &'static str,
    goal: &'static str,
    /// The same ratio timed with the two sides interleaved.
    interleaved: fn(&Inputs) -> f64,
}

/// Rounds of an interleaved comparison.
const ROUNDS: usize = 21;

/// Times one call of `numerator` and one of `denominator`, back to back,
/// [`ROUNDS`] times, and returns the median of the per-round ratios: load
/// that comes and goes hits both sides of a round alike.
fn interleaved(mut numerator: impl FnMut() -> u64, mut denominator: impl FnMut() -> u64) -> f64 {
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|_| time_once(&mut numerator) / time_once(&mut denominator))
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ROUNDS / 2]
}

fn time_once(f: &mut impl FnMut() -> u64) -> f64 {
    let start = Instant::now();
    black_box(f());
    start.elapsed().as_secs_f64()
}

fn small_frames_interleaved(inputs: &Inputs) -> f64 {
    let stream = &inputs.small;
    interleaved(|| peer_receive(stream), || unstick_receive(stream))
}

fn body_len_only_interleaved(inputs: &Inputs) -> f64 {
    let stream = &inputs.small;
    interleaved(|| peer_receive(stream), || unstick_body_len_only(stream))
}

fn large_body_interleaved(inputs: &Inputs) -> f64 {
    let mut buf = vec![0; LARGE_SLICE];
    let stream = &inputs.large;
    interleaved(|| memcpy_large(stream, &mut buf), || unstick_large(stream))
}

fn feed_granularity_interleaved(inputs: &Inputs) -> f64 {
    let stream = &inputs.small;
    interleaved(|| unstick_bytewise(stream), || unstick_whole(stream))
}

fn encode_interleaved(inputs: &Inputs) -> f64 {
    let mut out = vec![0; inputs.small.len()];
    let mut peer_out = BytesMut::with_capacity(inputs.small.len());
    interleaved(
        || {
            peer_out.clear();
            peer_encode(&inputs.frames, &mut peer_out);
            peer_out.len() as u64
        },
        || unstick_encode(&inputs.frames, &mut out) as u64,
    )
}

const COMPARISONS: [Comparison; 5] = [
    Comparison {
        group: "small_frames",
        numerator: "tokio_util_serde_json",
        denominator: "unstick",
        meaning: "unstick throughput / peer throughput",
        goal: ">= 1.2",
        interleaved: small_frames_interleaved,
    },
    Comparison {
        group: "small_frames",
        numerator: "tokio_util_serde_json",
        denominator: "unstick_body_len_only",
        meaning: "framing alone / peer throughput",
        goal: ">= 2.5",
        interleaved: body_len_only_interleaved,
    },
    Comparison {
        group: "large_body",
        numerator: "memcpy",
        denominator: "unstick",
        meaning: "memcpy time / unstick time",
        goal: ">= 10",
        interleaved: large_body_interleaved,
    },
    Comparison {
        group: "feed_granularity",
        numerator: "bytewise",
        denominator: "whole",
        meaning: "bytewise time / whole time",
        goal: "<= 8",
        interleaved: feed_granularity_interleaved,
    },
    Comparison {
        group: "encode",
        numerator: "tokio_util_serde_json",
        denominator: "unstick",
        meaning: "unstick throughput / peer throughput",
        goal: ">= 1",
        interleaved: encode_interleaved,
    },
];

/// Where criterion keeps its results, found the way criterion finds it.
fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    match tmp.parent() {
        Some(target) if std::env::var_os("CARGO").is_some() => target.join("criterion"),
        _ => PathBuf::from("target/criterion"),
    }
}

/// The median time (ns) of `group/function`, if it was measured after `since`.
fn median_ns(group: &str, function: &str, since: SystemTime) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(function)
        .join("new/estimates.json");
    let modified = std::fs::metadata(&path)
        .and_then(|meta| meta.modified())
        .ok()?;
    if modified < since {
        return None;
    }
    let estimates: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// Prints the ratio of every pair criterion measured in this run, beside the
/// same ratio timed interleaved.
fn print_ratios(since: SystemTime, inputs: &Inputs) {
    let mut lines = Vec::new();
    for comparison in &COMPARISONS {
        let times = (
            median_ns(comparison.group, comparison.numerator, since),
            median_ns(comparison.group, comparison.denominator, since),
        );
        if let (Some(numerator), Some(denominator)) = times {
            lines.push(format!(
                "{:<17} {:>9.2} {:>11.2}  {:<37} {}",
                comparison.group,
                numerator / denominator,
                (comparison.interleaved)(inputs),
                comparison.meaning,
                comparison.goal
            ));
        }
    }
    if lines.is_empty() {
        return;
    }
    println!("\nRatios measured in this run (criterion: of the two medians; interleaved:");
    println!("median of {ROUNDS} rounds that time one call of each side back to back):");
    println!(
        "{:<17} {:>9} {:>11}  {:<37} goal",
        "group", "criterion", "interleaved", "meaning"
    );
    for line in lines {
        println!("{line}");
    }
}

fn main() {
    let started = SystemTime::now();
    let frames = small_frames();
    let small = small_stream(&frames);
    let inputs = Inputs {
        frames,
        small,
        large: large_stream(),
    };
    let mut criterion = Criterion::default().configure_from_args();
    bench_small_frames(&mut criterion, &inputs.frames, &inputs.small);
    bench_large_body(&mut criterion, &inputs.large);
    bench_feed_granularity(&mut criterion, &inputs.small);
    bench_encode(&mut criterion, &inputs.frames, &inputs.small);
    criterion.final_summary();
    print_ratios(started, &inputs);
}
