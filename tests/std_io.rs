//! The blocking std adapter: every conformance vector through `FrameReader`
//! over scripted transports (one byte per read, several frames per read, the
//! scenario's reads), with small and large body buffers; then the write side.

#![cfg(feature = "std")]

mod common;

use std::io::{self, ErrorKind, Read, Write};

use common::{CAPACITY, Collector, Kind, Seen, Vector, io_decode_error, vectors};
use serde::{Deserialize, Serialize};
use unstick::io::std::{BUFFER_SIZE, FrameReader, FrameWriter, RawFrameReader, RawFrameWriter};
use unstick::{
    Config, ConfigError, DecodeError, Decoder, EncodeError, Encoder, FrameDecoder, ParseError,
    RawDecoder, RawEncoder,
};

/// A header-frame reader with the suite's header capacity.
fn header_reader<R: Read>(inner: R, config: Config) -> FrameReader<R, Decoder<CAPACITY>> {
    FrameReader::new(inner, Decoder::new(config).expect("valid config"))
}

/// A header-frame writer with the suite's header capacity.
fn header_writer<W: Write>(inner: W, config: Config) -> FrameWriter<W, Encoder<CAPACITY>> {
    FrameWriter::new(inner, Encoder::new(config).expect("valid config"))
}

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

/// The framing a reader is built for: how it opens the next frame.
trait Framing: FrameDecoder + Sized {
    fn for_config(config: Config) -> Self;

    /// Reads the next header or raw prefix; `None` at the end.
    fn next_frame<R: Read>(reader: &mut FrameReader<R, Self>) -> io::Result<Option<Seen>>;
}

impl Framing for Decoder<CAPACITY> {
    fn for_config(config: Config) -> Self {
        Decoder::new(config).expect("vector configs are valid")
    }

    fn next_frame<R: Read>(reader: &mut FrameReader<R, Self>) -> io::Result<Option<Seen>> {
        Ok(reader.next_header()?.map(common::header_seen))
    }
}

impl Framing for RawDecoder {
    fn for_config(config: Config) -> Self {
        RawDecoder::new(config)
    }

    fn next_frame<R: Read>(reader: &mut FrameReader<R, Self>) -> io::Result<Option<Seen>> {
        Ok(reader.next_start()?.map(|len| Seen::RawStart { len }))
    }
}

/// Reads every frame the way an application would, collecting what it sees;
/// returns the events and the final error, if any.
fn read_all<R: Read, D: Framing>(
    reader: &mut FrameReader<R, D>,
    body_buf: usize,
) -> (Vec<Seen>, Option<io::Error>) {
    let mut collector = Collector::default();
    match read_frames(reader, body_buf, &mut collector) {
        Ok(()) => (collector.seen, None),
        Err(err) => (collector.seen, Some(err)),
    }
}

fn read_frames<R: Read, D: Framing>(
    reader: &mut FrameReader<R, D>,
    body_buf: usize,
    collector: &mut Collector,
) -> io::Result<()> {
    let mut buf = vec![0u8; body_buf];
    while let Some(start) = D::next_frame(reader)? {
        collector.seen.push(start);
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

/// Reads `vector` from `transport` with the reader its kind calls for.
fn read_vector(
    vector: &Vector,
    transport: Scripted,
    body_buf: usize,
) -> (Vec<Seen>, Option<io::Error>) {
    fn read<D: Framing>(
        vector: &Vector,
        transport: Scripted,
        body_buf: usize,
    ) -> (Vec<Seen>, Option<io::Error>) {
        let mut reader = FrameReader::new(transport, D::for_config(vector.config));
        read_all(&mut reader, body_buf)
    }
    match vector.kind {
        Kind::Header => read::<Decoder<CAPACITY>>(vector, transport, body_buf),
        Kind::Raw => read::<RawDecoder>(vector, transport, body_buf),
    }
}

fn check(vector: &Vector, how: &str, sizes: &[usize], body_buf: usize) {
    let transport = Scripted::new(&vector.input, sizes);
    let (seen, err) = read_vector(vector, transport, body_buf);
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

/// The frame starts of `vector` read with every body skipped, and the error.
fn starts_with_bodies_skipped(vector: &Vector) -> (Vec<Seen>, Option<io::Error>) {
    fn read<D: Framing>(vector: &Vector) -> (Vec<Seen>, Option<io::Error>) {
        let transport = Scripted::new(&vector.input, &[5, usize::MAX]);
        let mut reader = FrameReader::new(transport, D::for_config(vector.config));
        let mut starts = Vec::new();
        loop {
            match D::next_frame(&mut reader) {
                Ok(Some(start)) => starts.push(start),
                Ok(None) => return (starts, None),
                Err(err) => return (starts, Some(err)),
            }
        }
    }
    match vector.kind {
        Kind::Header => read::<Decoder<CAPACITY>>(vector),
        Kind::Raw => read::<RawDecoder>(vector),
    }
}

#[test]
fn vectors_read_with_bodies_skipped_yield_the_same_headers_and_error() {
    for vector in vectors() {
        let (starts, err) = starts_with_bodies_skipped(&vector);
        let err = err.as_ref().map(io_decode_error);
        assert_eq!(err, vector.error, "{}", vector.name);
        let expected: Vec<Seen> = vector
            .expected
            .iter()
            .filter(|s| matches!(s, Seen::Header { .. } | Seen::RawStart { .. }))
            .cloned()
            .collect();
        assert_eq!(starts, expected, "{}", vector.name);
    }
}

const HELLO: &str = r#"{"file_size":5}"#;

fn hello_frames(count: usize) -> Vec<u8> {
    common::header_frame(unstick::Prefix::NETWORK, HELLO, b"hello").repeat(count)
}

/// What `hello_frames(2)` decodes to.
fn two_hello_events() -> Vec<Seen> {
    [
        common::header_events(HELLO, b"hello"),
        common::header_events(HELLO, b"hello"),
    ]
    .concat()
}

#[test]
fn body_read_into_a_large_buffer_never_asks_past_the_body() {
    let wire = hello_frames(3);
    // The first read returns the prefix and header only; the body must then
    // be read without touching the next frame.
    let transport = Scripted::new(&wire, &[19, usize::MAX]);
    let mut reader = header_reader(transport, Config::default());
    reader.next_header().unwrap().unwrap();
    let mut big = vec![0u8; BUFFER_SIZE];
    assert_eq!(reader.read_body(&mut big).unwrap(), 5);
    assert_eq!(
        reader.get_ref().pos,
        24,
        "the transport was read past the body"
    );
    assert_eq!(reader.read_body(&mut big).unwrap(), 0);
    assert_eq!(reader.get_ref().reads, 2, "the body's end needs no read");
}

#[test]
fn read_body_between_frames_or_into_an_empty_buffer_reads_nothing() {
    let wire = hello_frames(1);
    let transport = Scripted::new(&wire, &[19, usize::MAX]);
    let mut reader = header_reader(transport, Config::default());
    assert_eq!(
        reader.read_body(&mut [0; 8]).unwrap(),
        0,
        "no frame is open"
    );
    assert_eq!(reader.get_ref().reads, 0);
    reader.next_header().unwrap().unwrap();
    assert_eq!(reader.read_body(&mut []).unwrap(), 0);
    assert_eq!(reader.get_ref().reads, 1, "only the prefix and header");
}

#[test]
fn bytes_of_the_next_frames_stay_buffered_for_them() {
    let wire = hello_frames(3);
    let mut reader = header_reader(&wire[..], Config::default());
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
    let mut reader = header_reader(transport, Config::default());
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
        let mut reader = header_reader(transport, Config::default());
        let (seen, err) = read_all(&mut reader, 64);
        assert!(err.is_none(), "interrupted at read {at}: {err:?}");
        assert_eq!(seen, two_hello_events(), "interrupted at read {at}");
    }
}

/// Reads every header frame, calling again after each `TimedOut`.
fn read_all_resuming<R: Read>(
    reader: &mut FrameReader<R, Decoder<CAPACITY>>,
) -> (Vec<Seen>, usize) {
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
    let expected = two_hello_events();
    for at in 0..=wire.len() {
        let transport = Scripted::new(&wire, &[1]).failing_once(at, ErrorKind::TimedOut);
        let mut reader = header_reader(transport, Config::default());
        let (seen, timeouts) = read_all_resuming(&mut reader);
        assert_eq!(timeouts, 1, "failure at read {at}");
        assert_eq!(seen, expected, "failure at read {at}");
    }
}

#[test]
fn clean_end_is_sticky_and_errors_repeat() {
    let mut reader = header_reader(&[0u8, 0, 0, 0][..], Config::default());
    for _ in 0..2 {
        let err = reader.next_header().unwrap_err();
        assert_eq!(io_decode_error(&err), DecodeError::HeaderLenZero);
    }
    let mut reader = header_reader(&[][..], Config::default());
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
    let mut reader = header_reader(&wire[..], Config::python_struct());
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
    let mut reader = header_reader(&wire[..], Config::default());
    let err = reader.next_header_as::<Upload>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    let inner = err.get_ref().and_then(|e| e.downcast_ref::<ParseError>());
    assert_eq!(inner, Some(&ParseError::Rejected), "{err:?}");
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
        let mut writer = header_writer(Vec::new(), config);
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
        let mut reader = header_reader(transport, config);
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
    let mut writer = header_writer(Vec::new(), Config::python_struct());
    writer.write_frame(&upload("a.txt", 3), b"abc").unwrap();
    let json = r#"{"file_name":"a.txt","file_size":3}"#;
    assert_eq!(writer.into_inner(), common::python_frame(json, b"abc"));
}

#[test]
fn raw_frames_written_are_raw_frames_read() {
    let config = Config::python_struct();
    let mut writer = RawFrameWriter::new(Vec::new(), RawEncoder::new(config));
    writer.write_start(5).unwrap();
    writer.write_body(b"dir").unwrap();
    writer.write_body(b"\r\n").unwrap();
    writer.end_frame().unwrap();
    writer.write_frame(b"").unwrap();
    writer.write_frame(b"total 0\n").unwrap();
    writer.write_start(3).unwrap();
    assert_eq!(writer.remaining(), Some(3));
    assert_eq!(writer.write_body_from(&mut &b"xyz"[..]).unwrap(), 3);
    assert_eq!(writer.remaining(), None, "the frame is closed");
    let wire = writer.into_inner();
    let expected: Vec<u8> = [&b"dir\r\n"[..], b"", b"total 0\n", b"xyz"]
        .iter()
        .flat_map(|payload| common::raw_frame(unstick::Prefix::PYTHON_STRUCT_I, payload))
        .collect();
    assert_eq!(wire, expected);
    let mut reader = RawFrameReader::new(&wire[..], RawDecoder::new(config));
    assert_eq!(reader.next_start().unwrap(), Some(5));
    assert_eq!(reader.next_start().unwrap(), Some(0));
    assert_eq!(reader.next_start().unwrap(), Some(8));
    assert_eq!(reader.next_start().unwrap(), Some(3));
    let mut payload = String::new();
    reader.read_to_string(&mut payload).unwrap();
    assert_eq!(payload, "xyz");
    assert_eq!(reader.next_start().unwrap(), None);
}

#[test]
fn raw_write_frame_refuses_a_payload_over_the_limit_and_writes_nothing() {
    let config = Config::builder().max_body_len(2).build().unwrap();
    let mut writer = RawFrameWriter::new(Vec::new(), RawEncoder::new(config));
    let err = writer.write_frame(b"abc").unwrap_err();
    assert_eq!(
        inner_encode_error(&err, ErrorKind::InvalidInput),
        EncodeError::BodyTooLong { len: 3, max: 2 }
    );
    assert!(writer.get_ref().is_empty());
    writer.write_frame(b"ab").unwrap();
    assert_eq!(
        writer.into_inner(),
        common::raw_frame(unstick::Prefix::NETWORK, b"ab")
    );
}

fn inner_encode_error(err: &io::Error, kind: ErrorKind) -> EncodeError {
    assert_eq!(err.kind(), kind, "{err}");
    *err.get_ref()
        .and_then(|inner| inner.downcast_ref::<EncodeError>())
        .unwrap_or_else(|| panic!("not an encode error: {err:?}"))
}

#[test]
fn body_source_that_ends_early_is_an_error_and_nothing_is_sent() {
    let mut writer = header_writer(Vec::new(), Config::default());
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
    let mut reader = header_reader(&wire[..], Config::default());
    assert_eq!(
        reader.next_header_as::<Upload>().unwrap(),
        Some(upload("b", 1))
    );
}

#[test]
fn body_source_that_runs_long_is_an_error_and_nothing_is_sent() {
    let mut writer = header_writer(Vec::new(), Config::default());
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
    let mut writer = header_writer(Vec::new(), Config::default());
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
    let mut reader = header_reader(&wire[..], Config::default());
    reader.next_header().unwrap().unwrap();
    let err = reader.skip_body().unwrap_err();
    assert!(matches!(
        io_decode_error(&err),
        DecodeError::TruncatedBody { .. }
    ));
}

#[test]
fn large_body_source_that_runs_long_leaves_a_truncated_frame() {
    let mut writer = header_writer(Vec::new(), Config::default());
    let declared = BUFFER_SIZE + 10;
    let long = vec![7u8; declared + 1];
    let err = writer
        .write_frame_from(&upload("big", declared), &mut &long[..])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    let wire = writer.into_inner();
    let mut reader = header_reader(&wire[..], Config::default());
    reader.next_header().unwrap().unwrap();
    assert_eq!(
        reader.skip_body().unwrap_err().kind(),
        ErrorKind::UnexpectedEof
    );
}

#[test]
fn body_of_the_wrong_length_is_refused_before_anything_is_written() {
    let mut writer = header_writer(Vec::new(), Config::default());
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

/// A sink that records the length of each write.
#[derive(Default)]
struct Writes(Vec<usize>);

impl Write for Writes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.push(buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_frame_that_fits_the_buffer_goes_out_in_one_write() {
    let mut writer = header_writer(Writes::default(), Config::default());
    writer.write_frame(&upload("a", 5), b"hello").unwrap();
    writer
        .write_frame_from(&upload("b", 5), &mut &b"world"[..])
        .unwrap();
    assert_eq!(writer.get_ref().0.len(), 2, "one write per frame");
    let mut raw = RawFrameWriter::new(Writes::default(), RawEncoder::new(Config::default()));
    raw.write_frame(b"ok").unwrap();
    assert_eq!(raw.get_ref().0, [6], "prefix and payload together");
}

#[test]
fn flush_reaches_the_transport() {
    let mut writer = header_writer(io::BufWriter::new(Vec::new()), Config::default());
    writer.write_header(&upload("a", 3)).unwrap();
    assert!(
        writer.get_ref().get_ref().is_empty(),
        "held in the BufWriter"
    );
    writer.flush().unwrap();
    assert!(!writer.get_ref().get_ref().is_empty());
}

#[test]
fn readers_and_writers_keep_the_configuration_they_were_built_with() {
    let config = Config::python_struct();
    assert_eq!(header_reader(io::empty(), config).config(), &config);
    let raw_reader = RawFrameReader::new(io::empty(), RawDecoder::new(config));
    assert_eq!(raw_reader.config(), &config);
    assert_eq!(header_writer(io::sink(), config).config(), &config);
    let raw_writer = RawFrameWriter::new(io::sink(), RawEncoder::new(config));
    assert_eq!(raw_writer.config(), &config);
}

#[test]
fn debug_names_the_type_and_what_is_buffered() {
    let wire = hello_frames(2);
    let mut reader = header_reader(&wire[..], Config::default());
    reader.next_header().unwrap().unwrap();
    let text = format!("{reader:?}");
    assert!(text.starts_with("FrameReader"), "{text}");
    assert!(text.contains("buffered: 29"), "{text}");
    let text = format!("{:?}", header_writer(io::sink(), Config::default()));
    assert!(text.starts_with("FrameWriter"), "{text}");
    assert!(text.contains("encoder"), "{text}");
}

#[test]
fn short_writes_still_deliver_whole_frames() {
    let mut writer = header_writer(Trickle(Vec::new()), Config::default());
    writer.write_frame(&upload("a", 5), b"hello").unwrap();
    writer.flush().unwrap();
    let wire = writer.into_inner().0;
    let mut reader = header_reader(&wire[..], Config::default());
    assert_eq!(
        reader.next_header_as::<Upload>().unwrap(),
        Some(upload("a", 5))
    );
    let mut body = Vec::new();
    reader.read_to_end(&mut body).unwrap();
    assert_eq!(body, b"hello");
    assert!(reader.next_header().unwrap().is_none());
}

#[test]
fn decoder_shows_the_header_while_its_body_is_read() {
    let wire = [
        common::header_frame(unstick::Prefix::NETWORK, HELLO, b"hello"),
        common::header_frame(unstick::Prefix::NETWORK, r#"{"file_size":0}"#, b""),
    ]
    .concat();
    let mut reader = header_reader(&wire[..], Config::default());
    assert!(
        reader.decoder().header().is_none(),
        "before the first frame"
    );
    reader.next_header().unwrap().unwrap();
    let mut two = [0u8; 2];
    for _ in 0..2 {
        let header = reader.decoder().header().expect("a body is being read");
        assert_eq!((header.json(), header.body_len()), (HELLO, 5));
        assert_eq!(reader.read_body(&mut two).unwrap(), 2);
    }
    let header = reader.decoder().header().expect("one body byte is left");
    assert_eq!(header.json(), HELLO);
    assert_eq!(reader.read_body(&mut two).unwrap(), 1);
    assert_eq!(reader.read_body(&mut two).unwrap(), 0);
    assert!(reader.decoder().header().is_none(), "the frame has ended");
    reader.next_header().unwrap().unwrap();
    let header = reader.decoder().header().expect("an empty body is open");
    assert_eq!(
        (header.json(), header.body_len()),
        (r#"{"file_size":0}"#, 0)
    );
    assert!(reader.next_header().unwrap().is_none());
    assert!(reader.decoder().header().is_none(), "after the last frame");
}

fn zero_capacity_decoder() -> io::Result<Decoder<0>> {
    Ok(Decoder::<0>::new(Config::default())?)
}

/// Decodes `input` to its end with `?` in a function returning `io::Result`.
fn decode_to_the_end(mut input: &[u8]) -> io::Result<usize> {
    let mut decoder = Decoder::<CAPACITY>::new(Config::default())?;
    let mut events = 0;
    while decoder.decode(&mut input)?.is_some() {
        events += 1;
    }
    decoder.finish()?;
    Ok(events)
}

#[test]
fn question_mark_turns_core_errors_into_io_errors() {
    let err = zero_capacity_decoder().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let inner = err.get_ref().and_then(|e| e.downcast_ref::<ConfigError>());
    assert_eq!(inner, Some(&ConfigError::ZeroHeaderLimit));
    assert_eq!(err.to_string(), ConfigError::ZeroHeaderLimit.to_string());

    assert_eq!(decode_to_the_end(&hello_frames(2)).unwrap(), 6);
    let err = decode_to_the_end(&[0, 0, 0, 0]).unwrap_err();
    assert_eq!(io_decode_error(&err), DecodeError::HeaderLenZero);
    let err = decode_to_the_end(&hello_frames(1)[..20]).unwrap_err();
    assert_eq!(
        io_decode_error(&err),
        DecodeError::TruncatedBody { missing: 4 }
    );
}
