//! The blocking std adapter: every conformance vector through `FrameReader`
//! over scripted transports (one byte per read, several frames per read, the
//! scenario's reads), with small and large body buffers; then the write side.

#![cfg(feature = "std")]

mod common;

use std::io::{self, ErrorKind, Read, Write};

use common::{CAPACITY, Collector, Seen, Vector, io_decode_error, vectors};
use serde::{Deserialize, Serialize};
use unstick::io::std_io::{BUFFER_SIZE, FrameReader, FrameWriter};
use unstick::{Config, DecodeError, EncodeError, FrameKind};

/// A transport that hands out `data` in reads of the scripted sizes (cycled),
/// never more than the caller's buffer, and can fail once at a given read.
struct Scripted {
    data: Vec<u8>,
    pos: usize,
    sizes: Vec<usize>,
    reads: usize,
    fail_at: Option<(usize, ErrorKind)>,
}

impl Scripted {
    fn new(data: &[u8], sizes: &[usize]) -> Self {
        Self {
            data: data.to_vec(),
            pos: 0,
            sizes: sizes.to_vec(),
            reads: 0,
            fail_at: None,
        }
    }

    fn failing_once(mut self, at: usize, kind: ErrorKind) -> Self {
        self.fail_at = Some((at, kind));
        self
    }
}

impl Read for Scripted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let call = self.reads;
        self.reads += 1;
        if let Some((at, kind)) = self.fail_at
            && call == at
        {
            return Err(io::Error::new(kind, "scripted failure"));
        }
        let size = self.sizes[call % self.sizes.len()];
        let len = size.min(buf.len()).min(self.data.len() - self.pos);
        buf[..len].copy_from_slice(&self.data[self.pos..self.pos + len]);
        self.pos += len;
        Ok(len)
    }
}

/// Reads every frame the way an application would, collecting what it sees;
/// returns the events and the final error, if any.
fn read_all<R: Read>(
    reader: &mut FrameReader<R, CAPACITY>,
    body_buf: usize,
) -> (Vec<Seen>, Option<io::Error>) {
    let mut collector = Collector::default();
    match read_frames(reader, body_buf, &mut collector) {
        Ok(()) => (collector.seen, None),
        Err(err) => (collector.seen, Some(err)),
    }
}

fn read_frames<R: Read>(
    reader: &mut FrameReader<R, CAPACITY>,
    body_buf: usize,
    collector: &mut Collector,
) -> io::Result<()> {
    let mut buf = vec![0u8; body_buf];
    while next_frame(reader, collector)? {
        loop {
            let len = reader.read_body(&mut buf)?;
            if len == 0 {
                break;
            }
            collector.body(&buf[..len]);
        }
        assert_eq!(reader.body_remaining(), 0);
        collector.seen.push(Seen::FrameEnd);
    }
    Ok(())
}

/// Reads the next header or raw prefix into `collector`; `false` at the end.
fn next_frame<R: Read>(
    reader: &mut FrameReader<R, CAPACITY>,
    collector: &mut Collector,
) -> io::Result<bool> {
    if reader.config().kind() == FrameKind::Raw {
        let Some(len) = reader.next_raw()? else {
            return Ok(false);
        };
        collector.seen.push(Seen::RawStart { len });
        return Ok(true);
    }
    let Some(header) = reader.next_header()? else {
        return Ok(false);
    };
    collector.seen.push(Seen::Header {
        json: header.json().to_owned(),
        body_len: header.body_len(),
    });
    Ok(true)
}

fn check(vector: &Vector, how: &str, sizes: &[usize], body_buf: usize) {
    let transport = Scripted::new(&vector.input, sizes);
    let mut reader = FrameReader::<_, CAPACITY>::new(transport, vector.config).unwrap();
    let (seen, err) = read_all(&mut reader, body_buf);
    let err = err.as_ref().map(io_decode_error);
    let name = vector.name;
    assert_eq!(err, vector.error, "{name} ({how}, body buffer {body_buf})");
    assert!(
        seen == vector.expected,
        "{name} ({how}, body buffer {body_buf}): events differ"
    );
}

/// Body buffers below the reader's buffer (copied out of it) and above it
/// (read straight from the transport).
const BODY_BUFFERS: [usize; 3] = [3, 4096, BUFFER_SIZE];

#[test]
fn vectors_through_a_transport_that_returns_one_byte_per_read() {
    for vector in vectors().into_iter().filter(|v| v.input.len() < 1_000_000) {
        for body_buf in BODY_BUFFERS {
            check(&vector, "one byte per read", &[1], body_buf);
        }
    }
}

#[test]
fn vectors_through_a_transport_that_returns_several_frames_per_read() {
    for vector in vectors() {
        // 3-byte body reads of the 10 MB vector would only slow the test down
        let small_ok = vector.input.len() < 1_000_000;
        for body_buf in BODY_BUFFERS.into_iter().filter(|&b| small_ok || b > 3) {
            check(&vector, "whole input per read", &[usize::MAX], body_buf);
            check(
                &vector,
                "irregular reads",
                &[7, 1, 300, 5, 70_000],
                body_buf,
            );
        }
    }
}

#[test]
fn vectors_through_their_scenario_reads() {
    for vector in vectors().into_iter().filter(|v| !v.reads.is_empty()) {
        let mut sizes = vector.reads.clone();
        sizes.push(usize::MAX);
        for body_buf in BODY_BUFFERS {
            check(&vector, "scenario reads", &sizes, body_buf);
        }
    }
}

#[test]
fn vectors_read_with_bodies_skipped_yield_the_same_headers_and_error() {
    for vector in vectors() {
        let transport = Scripted::new(&vector.input, &[5, usize::MAX]);
        let mut reader = FrameReader::<_, CAPACITY>::new(transport, vector.config).unwrap();
        let mut collector = Collector::default();
        let result = (|| {
            while next_frame(&mut reader, &mut collector)? {}
            Ok::<(), io::Error>(())
        })();
        let err = result.err().as_ref().map(io_decode_error);
        assert_eq!(err, vector.error, "{}", vector.name);
        let starts = |seen: &[Seen]| {
            seen.iter()
                .filter(|s| matches!(s, Seen::Header { .. } | Seen::RawStart { .. }))
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(
            starts(&collector.seen),
            starts(&vector.expected),
            "{}",
            vector.name
        );
    }
}

fn hello_frames(count: usize) -> Vec<u8> {
    common::header_frame(unstick::Prefix::NETWORK, r#"{"file_size":5}"#, b"hello").repeat(count)
}

#[test]
fn body_read_into_a_large_buffer_never_asks_past_the_body() {
    let wire = hello_frames(3);
    // The first read returns the prefix and header only; the body must then
    // be read without touching the next frame.
    let transport = Scripted::new(&wire, &[19, usize::MAX]);
    let mut reader = FrameReader::<_, CAPACITY>::new(transport, Config::default()).unwrap();
    reader.next_header().unwrap().unwrap();
    let mut big = vec![0u8; BUFFER_SIZE];
    assert_eq!(reader.read_body(&mut big).unwrap(), 5);
    assert_eq!(
        reader.get_ref().pos,
        24,
        "the transport was read past the body"
    );
    assert_eq!(reader.read_body(&mut big).unwrap(), 0);
}

#[test]
fn bytes_of_the_next_frames_stay_buffered_for_them() {
    let wire = hello_frames(3);
    let mut reader = FrameReader::<_, CAPACITY>::new(&wire[..], Config::default()).unwrap();
    reader.next_header().unwrap().unwrap();
    assert_eq!(
        reader.buffer(),
        &wire[19..],
        "one read took all three frames"
    );
    let mut body = Vec::new();
    io::copy(&mut reader, &mut body).unwrap();
    assert_eq!(body, b"hello");
    assert_eq!(reader.buffer(), &wire[24..]);
    for _ in 0..2 {
        assert_eq!(reader.next_header().unwrap().unwrap().body_len(), 5);
    }
    assert!(reader.next_header().unwrap().is_none());
}

#[test]
fn next_header_skips_an_unread_body() {
    let wire = hello_frames(2);
    let transport = Scripted::new(&wire, &[3]);
    let mut reader = FrameReader::<_, CAPACITY>::new(transport, Config::default()).unwrap();
    reader.next_header().unwrap().unwrap();
    let mut two = [0u8; 2];
    assert_eq!(reader.read_body(&mut two).unwrap(), 2);
    assert_eq!(reader.body_remaining(), 3);
    assert!(reader.next_header().unwrap().is_some());
    assert_eq!(reader.skip_body().unwrap(), 5);
    assert_eq!(reader.body_remaining(), 0);
    assert!(reader.next_header().unwrap().is_none());
}

#[test]
fn interrupted_reads_are_retried() {
    let wire = hello_frames(2);
    for at in 0..6 {
        let transport = Scripted::new(&wire, &[4]).failing_once(at, ErrorKind::Interrupted);
        let mut reader = FrameReader::<_, CAPACITY>::new(transport, Config::default()).unwrap();
        let (seen, err) = read_all(&mut reader, 64);
        assert!(err.is_none(), "interrupted at read {at}: {err:?}");
        assert_eq!(seen.len(), 6);
    }
}

/// Reads every header frame, calling again after each `TimedOut`.
fn read_all_resuming<R: Read>(reader: &mut FrameReader<R, CAPACITY>) -> (Vec<Seen>, usize) {
    let mut collector = Collector::default();
    let mut timeouts = 0;
    let mut body = [0u8; 2];
    loop {
        let header = match reader.next_header() {
            Ok(header) => header.map(|h| (h.json().to_owned(), h.body_len())),
            Err(err) if err.kind() == ErrorKind::TimedOut => {
                timeouts += 1;
                continue;
            }
            Err(err) => panic!("{err}"),
        };
        let Some((json, body_len)) = header else {
            return (collector.seen, timeouts);
        };
        collector.seen.push(Seen::Header { json, body_len });
        loop {
            match reader.read_body(&mut body) {
                Ok(0) => break,
                Ok(len) => collector.body(&body[..len]),
                Err(err) if err.kind() == ErrorKind::TimedOut => timeouts += 1,
                Err(err) => panic!("{err}"),
            }
        }
        collector.seen.push(Seen::FrameEnd);
    }
}

#[test]
fn a_transport_error_anywhere_can_be_resumed_from() {
    let wire = hello_frames(2);
    let expected = [
        common::header_events(r#"{"file_size":5}"#, b"hello"),
        common::header_events(r#"{"file_size":5}"#, b"hello"),
    ]
    .concat();
    for at in 0..=wire.len() {
        let transport = Scripted::new(&wire, &[1]).failing_once(at, ErrorKind::TimedOut);
        let mut reader = FrameReader::<_, CAPACITY>::new(transport, Config::default()).unwrap();
        let (seen, timeouts) = read_all_resuming(&mut reader);
        assert_eq!(timeouts, 1, "failure at read {at}");
        assert_eq!(seen, expected, "failure at read {at}");
    }
}

#[test]
fn clean_end_is_sticky_and_errors_repeat() {
    let mut reader =
        FrameReader::<_, CAPACITY>::new(&[0u8, 0, 0, 0][..], Config::default()).unwrap();
    for _ in 0..2 {
        let err = reader.next_header().unwrap_err();
        assert_eq!(io_decode_error(&err), DecodeError::HeaderLenZero);
    }
    let mut reader = FrameReader::<_, CAPACITY>::new(&[][..], Config::default()).unwrap();
    assert!(reader.next_header().unwrap().is_none());
    assert!(reader.next_header().unwrap().is_none());
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Upload {
    file_name: String,
    file_size: u64,
}

fn upload(name: &str, size: usize) -> Upload {
    Upload {
        file_name: name.to_owned(),
        file_size: size as u64,
    }
}

#[test]
fn typed_header_unescapes_python_names() {
    let json = r#"{"file_name": "\u7535\u5f71.mp4", "file_size": 4}"#;
    let wire = common::python_frame(json, b"film");
    let mut reader = FrameReader::<_, CAPACITY>::new(&wire[..], Config::python_struct()).unwrap();
    let header: Upload = reader.next_header_as().unwrap().unwrap();
    assert_eq!(header, upload("电影.mp4", 4));
    let mut body = Vec::new();
    reader.read_to_end(&mut body).unwrap();
    assert_eq!(body, b"film");
}

#[test]
fn header_of_the_wrong_shape_is_invalid_data_and_the_stream_goes_on() {
    let mut wire = common::header_frame(unstick::Prefix::NETWORK, r#"{"file_size":3}"#, b"abc");
    wire.extend(common::header_frame(
        unstick::Prefix::NETWORK,
        r#"{"file_name":"b","file_size":1}"#,
        b"b",
    ));
    let mut reader = FrameReader::<_, CAPACITY>::new(&wire[..], Config::default()).unwrap();
    let err = reader.next_header_as::<Upload>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    let inner = err
        .get_ref()
        .and_then(|e| e.downcast_ref::<unstick::Error>());
    assert!(matches!(inner, Some(unstick::Error::Parse(_))), "{err:?}");
    assert_eq!(reader.body_remaining(), 3);
    assert_eq!(
        reader.next_header_as::<Upload>().unwrap(),
        Some(upload("b", 1))
    );
}

#[test]
fn frames_written_are_frames_read() {
    let bodies: Vec<Vec<u8>> = [0usize, 1, 5, BUFFER_SIZE - 40, BUFFER_SIZE * 3 + 7]
        .iter()
        .map(|&len| (0..len).map(|i| (i % 253) as u8).collect())
        .collect();
    for config in [Config::default(), Config::python_struct()] {
        let mut writer = FrameWriter::<_, CAPACITY>::new(Vec::new(), config).unwrap();
        for (i, body) in bodies.iter().enumerate() {
            let header = upload(&format!("f{i}"), body.len());
            if i % 2 == 0 {
                writer.write_frame(&header, body).unwrap();
            } else {
                assert_eq!(
                    writer.write_frame_from(&header, &mut &body[..]).unwrap(),
                    body.len() as u64
                );
            }
        }
        let wire = writer.into_inner();
        let transport = Scripted::new(&wire, &[1000, 1, 70_000]);
        let mut reader = FrameReader::<_, CAPACITY>::new(transport, config).unwrap();
        for (i, body) in bodies.iter().enumerate() {
            let header: Upload = reader.next_header_as().unwrap().unwrap();
            assert_eq!(header, upload(&format!("f{i}"), body.len()));
            let mut got = Vec::new();
            reader.read_to_end(&mut got).unwrap();
            assert!(&got == body, "body {i}");
        }
        assert!(reader.next_header().unwrap().is_none());
    }
}

#[test]
fn python_struct_writer_writes_what_struct_pack_i_writes() {
    let mut writer = FrameWriter::<_, CAPACITY>::new(Vec::new(), Config::python_struct()).unwrap();
    writer.write_frame(&upload("a.txt", 3), b"abc").unwrap();
    let json = r#"{"file_name":"a.txt","file_size":3}"#;
    assert_eq!(writer.into_inner(), common::python_frame(json, b"abc"));
}

#[test]
fn raw_frames_written_are_raw_frames_read() {
    let config = Config::python_struct()
        .to_builder()
        .kind(FrameKind::Raw)
        .build()
        .unwrap();
    let mut writer = FrameWriter::<_, 0>::new(Vec::new(), config).unwrap();
    writer.write_raw_start(5).unwrap();
    writer.write_body(b"dir").unwrap();
    writer.write_body(b"\r\n").unwrap();
    writer.end_frame().unwrap();
    writer.write_raw_start(3).unwrap();
    writer.write_body_from(&mut &b"xyz"[..]).unwrap();
    let wire = writer.into_inner();
    let expected = [
        common::raw_frame(unstick::Prefix::PYTHON_STRUCT_I, b"dir\r\n"),
        common::raw_frame(unstick::Prefix::PYTHON_STRUCT_I, b"xyz"),
    ]
    .concat();
    assert_eq!(wire, expected);
    let mut reader = FrameReader::<_, 0>::new(&wire[..], config).unwrap();
    assert_eq!(reader.next_raw().unwrap(), Some(5));
    assert_eq!(reader.next_raw().unwrap(), Some(3));
    let mut payload = String::new();
    reader.read_to_string(&mut payload).unwrap();
    assert_eq!(payload, "xyz");
    assert_eq!(reader.next_raw().unwrap(), None);
}

fn inner_encode_error(err: &io::Error, kind: ErrorKind) -> EncodeError {
    assert_eq!(err.kind(), kind, "{err}");
    *err.get_ref()
        .and_then(|inner| inner.downcast_ref::<EncodeError>())
        .unwrap_or_else(|| panic!("not an encode error: {err:?}"))
}

#[test]
fn body_source_that_ends_early_is_an_error_and_nothing_is_sent() {
    let mut writer = FrameWriter::<_, CAPACITY>::new(Vec::new(), Config::default()).unwrap();
    let err = writer
        .write_frame_from(&upload("a", 10), &mut &b"only7by"[..])
        .unwrap_err();
    assert_eq!(
        inner_encode_error(&err, ErrorKind::UnexpectedEof),
        EncodeError::BodyUnderrun { missing: 3 }
    );
    assert_eq!(writer.remaining(), None, "the frame is abandoned");
    assert!(
        writer.get_ref().is_empty(),
        "a frame that fits the buffer is withheld"
    );
    writer.write_frame(&upload("b", 1), b"b").unwrap();
    let wire = writer.into_inner();
    let mut reader = FrameReader::<_, CAPACITY>::new(&wire[..], Config::default()).unwrap();
    assert_eq!(
        reader.next_header_as::<Upload>().unwrap(),
        Some(upload("b", 1))
    );
}

#[test]
fn body_source_that_runs_long_is_an_error_and_nothing_is_sent() {
    let mut writer = FrameWriter::<_, CAPACITY>::new(Vec::new(), Config::default()).unwrap();
    let err = writer
        .write_frame_from(&upload("a", 3), &mut &b"abcd"[..])
        .unwrap_err();
    assert_eq!(
        inner_encode_error(&err, ErrorKind::InvalidData),
        EncodeError::BodyOverrun {
            remaining: 0,
            chunk: 1
        }
    );
    assert_eq!(writer.remaining(), None);
    assert!(writer.get_ref().is_empty());
}

#[test]
fn large_body_source_that_ends_early_leaves_a_truncated_frame() {
    let mut writer = FrameWriter::<_, CAPACITY>::new(Vec::new(), Config::default()).unwrap();
    let declared = BUFFER_SIZE * 2;
    let short = vec![7u8; declared - 1];
    let err = writer
        .write_frame_from(&upload("big", declared), &mut &short[..])
        .unwrap_err();
    assert_eq!(
        inner_encode_error(&err, ErrorKind::UnexpectedEof),
        EncodeError::BodyUnderrun { missing: 1 }
    );
    let wire = writer.into_inner();
    let head = 4 + serde_json::to_string(&upload("big", declared))
        .unwrap()
        .len();
    assert!(
        wire.len() < head + short.len(),
        "the last chunk is withheld"
    );
    let mut reader = FrameReader::<_, CAPACITY>::new(&wire[..], Config::default()).unwrap();
    reader.next_header().unwrap().unwrap();
    let err = reader.skip_body().unwrap_err();
    assert!(matches!(
        io_decode_error(&err),
        DecodeError::TruncatedBody { .. }
    ));
}

#[test]
fn large_body_source_that_runs_long_leaves_a_truncated_frame() {
    let mut writer = FrameWriter::<_, CAPACITY>::new(Vec::new(), Config::default()).unwrap();
    let declared = BUFFER_SIZE + 10;
    let long = vec![7u8; declared + 1];
    let err = writer
        .write_frame_from(&upload("big", declared), &mut &long[..])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    let wire = writer.into_inner();
    let mut reader = FrameReader::<_, CAPACITY>::new(&wire[..], Config::default()).unwrap();
    reader.next_header().unwrap().unwrap();
    assert_eq!(
        reader.skip_body().unwrap_err().kind(),
        ErrorKind::UnexpectedEof
    );
}

#[test]
fn body_of_the_wrong_length_is_refused_before_anything_is_written() {
    let mut writer = FrameWriter::<_, CAPACITY>::new(Vec::new(), Config::default()).unwrap();
    let err = writer.write_frame(&upload("a", 3), b"abcd").unwrap_err();
    assert_eq!(
        inner_encode_error(&err, ErrorKind::InvalidInput),
        EncodeError::BodyLenMismatch {
            declared: 3,
            actual: 4
        }
    );
    assert!(writer.get_ref().is_empty());
    writer.write_header(&upload("a", 3)).unwrap();
    let err = writer.write_body(b"abcd").unwrap_err();
    assert_eq!(
        inner_encode_error(&err, ErrorKind::InvalidInput),
        EncodeError::BodyOverrun {
            remaining: 3,
            chunk: 4
        }
    );
    writer.write_body(b"ab").unwrap();
    let err = writer.end_frame().unwrap_err();
    assert_eq!(
        inner_encode_error(&err, ErrorKind::InvalidInput),
        EncodeError::BodyUnderrun { missing: 1 }
    );
    writer.write_body(b"c").unwrap();
    writer.end_frame().unwrap();
}

/// A sink that accepts at most 3 bytes per write.
struct Trickle(Vec<u8>);

impl Write for Trickle {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let len = buf.len().min(3);
        self.0.extend_from_slice(&buf[..len]);
        Ok(len)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn short_writes_still_deliver_whole_frames() {
    let mut writer =
        FrameWriter::<_, CAPACITY>::new(Trickle(Vec::new()), Config::default()).unwrap();
    writer.write_frame(&upload("a", 5), b"hello").unwrap();
    writer.flush().unwrap();
    let wire = writer.into_inner().0;
    let mut reader = FrameReader::<_, CAPACITY>::new(&wire[..], Config::default()).unwrap();
    assert_eq!(
        reader.next_header_as::<Upload>().unwrap(),
        Some(upload("a", 5))
    );
}
