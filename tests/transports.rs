//! One conformance suite for every transport: each vector of `tests/common`
//! through the std, tokio, tokio-util codec, embedded-io and
//! embedded-io-async adapters, over scripted transports that answer one byte
//! per read, several frames per read, the scenario's reads or two pieces
//! split anywhere, with and without a `Pending` before every read (std:
//! `WouldBlock`, blocking embedded-io: `TimedOut`; the call is then made
//! again). The async readers also run cancelled at every `Pending`.
//! Every transport must see exactly the vector's events and error, which are
//! also what the core decoder makes of the same pieces. The codec hands out
//! whole frames only, so it must see the vector's events up to the last
//! complete frame, then the same error.
//!
//! Then the write side: every writer sends the core encoder's bytes.

#![cfg(all(feature = "tokio-util", feature = "embedded-io-async-0_7"))]

mod common;

use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, ErrorKind};
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

use bytes::BytesMut;
use common::{
    CAPACITY, Collector, Seen, Vector, decode_pieces, io_decode_error, scenario_reads, vectors,
};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::io::{AsyncRead, ReadBuf};
use tokio_util::codec::{Encoder as _, FramedRead, FramedWrite};
use unstick::io::codec::{DEFAULT_MAX_BODY_LEN, FrameCodec, HeaderFrame, RawFrame};
use unstick::io::{embedded, embedded_async, std_io, tokio_io};
use unstick::{Config, DecodeError, EncodeError, Encoder, FrameKind, Prefix};

type Outcome = (Vec<Seen>, Option<DecodeError>);

/// A scripted transport: it answers its reads in order, each cut to the
/// caller's buffer (what does not fit stays for the next read), then reports
/// the end of the stream. With `pending`, every read is first answered with
/// `Pending` (async) or `WouldBlock` (std), and only the retry gets bytes.
struct Script {
    reads: VecDeque<Vec<u8>>,
    pending: bool,
    pend_next: bool,
}

impl Script {
    fn new(pieces: &[&[u8]], pending: bool) -> Self {
        Self {
            reads: pieces
                .iter()
                .filter(|piece| !piece.is_empty())
                .map(|piece| piece.to_vec())
                .collect(),
            pending,
            pend_next: true,
        }
    }

    /// Whether this read is to be answered with `Pending` / `WouldBlock`;
    /// if so, the next one is not.
    fn pends(&mut self) -> bool {
        let pends = self.pending && self.pend_next;
        self.pend_next = !pends;
        pends
    }

    /// Copies the next scripted bytes into `buf`; 0 at the end.
    fn take(&mut self, buf: &mut [u8]) -> usize {
        let Some(front) = self.reads.front_mut() else {
            return 0;
        };
        let len = front.len().min(buf.len());
        buf[..len].copy_from_slice(&front[..len]);
        front.drain(..len);
        if front.is_empty() {
            self.reads.pop_front();
        }
        len
    }

    /// The bytes not read yet.
    fn rest(&self) -> Vec<u8> {
        self.reads.iter().flatten().copied().collect()
    }
}

impl io::Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pends() {
            return Err(ErrorKind::WouldBlock.into());
        }
        Ok(self.take(buf))
    }
}

impl AsyncRead for Script {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.pends() {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let len = self.take(buf.initialize_unfilled());
        buf.advance(len);
        Poll::Ready(Ok(()))
    }
}

impl embedded_io::ErrorType for Script {
    type Error = embedded_io::ErrorKind;
}

/// Blocking embedded-io has no "would block": with `pending`, every read
/// first fails with `TimedOut` instead.
impl embedded_io::Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        if self.pends() {
            return Err(embedded_io::ErrorKind::TimedOut);
        }
        Ok(self.take(buf))
    }
}

/// Cancel-safe: bytes are taken only when the read completes.
impl embedded_io_async::Read for Script {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        if self.pends() {
            YieldOnce(false).await;
        }
        Ok(self.take(buf))
    }
}

/// A future that is `Pending` once (waking its task), then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Polls `future` until it is ready (the scripts always wake at once).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// Cancels the call at every `Pending`: polls a fresh future from `call`
/// once at a time and drops it unless it is ready. Only a cancel-safe
/// method still completes correctly this way.
fn cancel_at_every_pending<S, T>(
    state: &mut S,
    mut call: impl for<'a> FnMut(&'a mut S) -> Pin<Box<dyn Future<Output = T> + 'a>>,
) -> T {
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        let mut future = call(state);
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

fn embedded_decode_error(err: embedded::Error<embedded_io::ErrorKind>) -> DecodeError {
    match err {
        embedded::Error::Decode(err) => err,
        other => panic!("not a decode error: {other:?}"),
    }
}

/// A frame reader as the suite drives it: the next frame's start, then its
/// body; errors reduced to the decode error inside.
trait Transport {
    fn next_frame(&mut self) -> Result<Option<Seen>, DecodeError>;
    fn read_body(&mut self, buf: &mut [u8]) -> Result<usize, DecodeError>;
}

/// Reads every frame the way an application would; returns what it saw and
/// the final error.
fn read_all(transport: &mut impl Transport, body_buf: usize) -> Outcome {
    let mut collector = Collector::default();
    let mut buf = vec![0u8; body_buf];
    loop {
        match transport.next_frame() {
            Ok(Some(start)) => collector.seen.push(start),
            Ok(None) => return (collector.seen, None),
            Err(err) => return (collector.seen, Some(err)),
        }
        loop {
            match transport.read_body(&mut buf) {
                Ok(0) => break,
                Ok(len) => collector.body(&buf[..len]),
                Err(err) => return (collector.seen, Some(err)),
            }
        }
        collector.seen.push(Seen::FrameEnd);
    }
}

fn header_seen(header: unstick::Header<'_>) -> Seen {
    Seen::Header {
        json: header.json().to_owned(),
        body_len: header.body_len(),
    }
}

/// Calls `call` again as long as it fails with `WouldBlock`, as an event
/// loop would once the socket is readable again.
fn retry_would_block<T>(mut call: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    loop {
        match call() {
            Err(err) if err.kind() == ErrorKind::WouldBlock => {}
            result => return result,
        }
    }
}

struct Std(std_io::FrameReader<Script, CAPACITY>);

impl Transport for Std {
    fn next_frame(&mut self) -> Result<Option<Seen>, DecodeError> {
        let reader = &mut self.0;
        let start = if reader.config().kind() == FrameKind::Raw {
            retry_would_block(|| reader.next_raw()).map(|len| len.map(|len| Seen::RawStart { len }))
        } else {
            retry_would_block(|| Ok(reader.next_header()?.map(header_seen)))
        };
        start.map_err(|err| io_decode_error(&err))
    }

    fn read_body(&mut self, buf: &mut [u8]) -> Result<usize, DecodeError> {
        retry_would_block(|| self.0.read_body(buf)).map_err(|err| io_decode_error(&err))
    }
}

/// The tokio reader, run to completion or cancelled at every `Pending`.
struct Tokio {
    reader: tokio_io::FrameReader<Script, CAPACITY>,
    cancel: bool,
}

impl Tokio {
    fn run<T>(
        &mut self,
        call: impl for<'a> FnMut(
            &'a mut tokio_io::FrameReader<Script, CAPACITY>,
        ) -> Pin<Box<dyn Future<Output = io::Result<T>> + 'a>>,
    ) -> Result<T, DecodeError> {
        let result = if self.cancel {
            cancel_at_every_pending(&mut self.reader, call)
        } else {
            let mut call = call;
            block_on(call(&mut self.reader))
        };
        result.map_err(|err| io_decode_error(&err))
    }
}

impl Transport for Tokio {
    fn next_frame(&mut self) -> Result<Option<Seen>, DecodeError> {
        if self.reader.config().kind() == FrameKind::Raw {
            return self.run(|r| {
                Box::pin(async move { Ok(r.next_raw().await?.map(|len| Seen::RawStart { len })) })
            });
        }
        self.run(|r| Box::pin(async move { Ok(r.next_header().await?.map(header_seen)) }))
    }

    fn read_body(&mut self, buf: &mut [u8]) -> Result<usize, DecodeError> {
        let cancel = self.cancel;
        let mut state = (&mut self.reader, buf);
        let result = if cancel {
            cancel_at_every_pending(&mut state, |(r, b)| Box::pin(r.read_body(b)))
        } else {
            block_on(state.0.read_body(state.1))
        };
        result.map_err(|err| io_decode_error(&err))
    }
}

struct Embedded(embedded::FrameReader<Script, CAPACITY>);

/// Calls `call` again as long as the transport times out: the reader
/// resumes where it stopped.
fn retry_timed_out<T>(
    mut call: impl FnMut() -> Result<T, embedded::Error<embedded_io::ErrorKind>>,
) -> Result<T, DecodeError> {
    loop {
        match call() {
            Err(embedded::Error::Io(embedded_io::ErrorKind::TimedOut)) => {}
            result => return result.map_err(embedded_decode_error),
        }
    }
}

impl Transport for Embedded {
    fn next_frame(&mut self) -> Result<Option<Seen>, DecodeError> {
        let reader = &mut self.0;
        if reader.config().kind() == FrameKind::Raw {
            return retry_timed_out(|| reader.next_raw())
                .map(|len| len.map(|len| Seen::RawStart { len }));
        }
        retry_timed_out(|| Ok(reader.next_header()?.map(header_seen)))
    }

    fn read_body(&mut self, buf: &mut [u8]) -> Result<usize, DecodeError> {
        retry_timed_out(|| self.0.read_body(buf))
    }
}

type AsyncReader = embedded_async::FrameReader<Script, CAPACITY>;
type AsyncResult<T> = Result<T, embedded::Error<embedded_io::ErrorKind>>;

/// The embedded-io-async reader, run to completion or cancelled at every
/// `Pending`.
struct EmbeddedAsync {
    reader: AsyncReader,
    cancel: bool,
}

impl EmbeddedAsync {
    fn run<T>(
        &mut self,
        call: impl for<'a> FnMut(
            &'a mut AsyncReader,
        ) -> Pin<Box<dyn Future<Output = AsyncResult<T>> + 'a>>,
    ) -> Result<T, DecodeError> {
        let result = if self.cancel {
            cancel_at_every_pending(&mut self.reader, call)
        } else {
            let mut call = call;
            block_on(call(&mut self.reader))
        };
        result.map_err(embedded_decode_error)
    }
}

impl Transport for EmbeddedAsync {
    fn next_frame(&mut self) -> Result<Option<Seen>, DecodeError> {
        if self.reader.config().kind() == FrameKind::Raw {
            return self.run(|r| {
                Box::pin(async move { Ok(r.next_raw().await?.map(|len| Seen::RawStart { len })) })
            });
        }
        self.run(|r| Box::pin(async move { Ok(r.next_header().await?.map(header_seen)) }))
    }

    fn read_body(&mut self, buf: &mut [u8]) -> Result<usize, DecodeError> {
        let cancel = self.cancel;
        let mut state = (&mut self.reader, buf);
        let result = if cancel {
            cancel_at_every_pending(&mut state, |(r, b)| Box::pin(r.read_body(b)))
        } else {
            block_on(state.0.read_body(state.1))
        };
        result.map_err(embedded_decode_error)
    }
}

/// What `FramedRead` with the codec yields, as events. The codec buffers
/// whole frames, so a vector without a body limit gets one large enough for
/// its 10 MB body.
fn codec_outcome(config: Config, script: Script) -> Outcome {
    let config = match config.max_body_len() {
        u64::MAX => config.to_builder().max_body_len(1 << 26).build().unwrap(),
        _ => config,
    };
    let codec = FrameCodec::<CAPACITY>::new(config).unwrap();
    let mut frames = FramedRead::new(script, codec);
    let mut collector = Collector::default();
    let error = block_on(async {
        loop {
            let frame = match frames.next().await {
                None => return None,
                Some(Err(err)) => return Some(io_decode_error(&err)),
                Some(Ok(frame)) => frame,
            };
            let start = match frame.header() {
                Some(header) => header_seen(header),
                None => Seen::RawStart {
                    len: frame.body().len() as u64,
                },
            };
            collector.seen.push(start);
            if !frame.body().is_empty() {
                collector.body(frame.body());
            }
            collector.seen.push(Seen::FrameEnd);
        }
    });
    (collector.seen, error)
}

/// `seen` up to its last complete frame.
fn whole_frames(seen: &[Seen]) -> Vec<Seen> {
    let end = seen
        .iter()
        .rposition(|s| *s == Seen::FrameEnd)
        .map_or(0, |at| at + 1);
    seen[..end].to_vec()
}

/// A body buffer smaller than the std and tokio readers' buffers (copied
/// out of them) and one as large (read straight from the transport).
const BODY_BUFFERS: [usize; 2] = [3, tokio_io::BUFFER_SIZE];

/// Runs `vector` cut into `pieces` through every transport and checks each
/// against the vector and the core decoder.
fn check_every_transport(vector: &Vector, how: &str, pieces: &[&[u8]], pending: bool) {
    let name = format!("{} ({how}, pending {pending})", vector.name);
    let core = decode_pieces(vector.config, pieces.iter().copied());
    assert_eq!(core.1, vector.error, "{name}: core decoder error");
    assert!(core.0 == vector.expected, "{name}: core decoder events");

    let config = vector.config;
    let script = || Script::new(pieces, pending);
    let small_ok = vector.input.len() < 1_000_000;
    for body_buf in BODY_BUFFERS.into_iter().filter(|&b| small_ok || b > 3) {
        let runs: [(&str, Outcome); 6] = [
            ("std", {
                let reader = std_io::FrameReader::new(script(), config).unwrap();
                read_all(&mut Std(reader), body_buf)
            }),
            ("tokio", {
                let reader = tokio_io::FrameReader::new(script(), config).unwrap();
                read_all(
                    &mut Tokio {
                        reader,
                        cancel: false,
                    },
                    body_buf,
                )
            }),
            ("tokio cancelled at every Pending", {
                let reader = tokio_io::FrameReader::new(script(), config).unwrap();
                read_all(
                    &mut Tokio {
                        reader,
                        cancel: true,
                    },
                    body_buf,
                )
            }),
            ("embedded-io", {
                let reader = embedded::FrameReader::new(script(), config).unwrap();
                read_all(&mut Embedded(reader), body_buf)
            }),
            ("embedded-io-async", {
                let reader = embedded_async::FrameReader::new(script(), config).unwrap();
                read_all(
                    &mut EmbeddedAsync {
                        reader,
                        cancel: false,
                    },
                    body_buf,
                )
            }),
            ("embedded-io-async cancelled at every Pending", {
                let reader = embedded_async::FrameReader::new(script(), config).unwrap();
                read_all(
                    &mut EmbeddedAsync {
                        reader,
                        cancel: true,
                    },
                    body_buf,
                )
            }),
        ];
        for (transport, (seen, error)) in runs {
            assert_eq!(
                error, vector.error,
                "{name}, {transport}, body buffer {body_buf}: error"
            );
            assert!(
                seen == vector.expected,
                "{name}, {transport}, body buffer {body_buf}: events differ"
            );
        }
    }
    let (seen, error) = codec_outcome(config, script());
    assert_eq!(error, vector.error, "{name}, codec: error");
    assert!(
        seen == whole_frames(&vector.expected),
        "{name}, codec: frames differ"
    );
}

#[test]
fn every_transport_agrees_when_reads_return_one_byte_each() {
    for vector in vectors().into_iter().filter(|v| v.input.len() < 1_000_000) {
        let pieces: Vec<&[u8]> = vector.input.chunks(1).collect();
        for pending in [false, true] {
            check_every_transport(&vector, "one byte per read", &pieces, pending);
        }
    }
}

#[test]
fn every_transport_agrees_when_reads_return_several_frames_each() {
    for vector in vectors() {
        for pending in [false, true] {
            check_every_transport(&vector, "whole input per read", &[&vector.input], pending);
            let pieces: Vec<&[u8]> = vector.input.chunks(70_000).collect();
            check_every_transport(&vector, "70 000-byte reads", &pieces, pending);
        }
    }
}

#[test]
fn every_transport_agrees_on_tcp_sized_reads() {
    for vector in vectors() {
        let pieces: Vec<&[u8]> = vector.input.chunks(1460).collect();
        check_every_transport(&vector, "1460-byte reads", &pieces, true);
    }
}

#[test]
fn every_transport_agrees_on_the_scenario_reads() {
    for vector in vectors() {
        let pieces = scenario_reads(&vector);
        for pending in [false, true] {
            check_every_transport(&vector, "scenario reads", &pieces, pending);
        }
    }
}

#[test]
fn every_transport_agrees_on_two_reads_split_anywhere() {
    for vector in vectors().into_iter().filter(|v| v.input.len() < 1_000) {
        for at in 0..=vector.input.len() {
            let (a, b) = vector.input.split_at(at);
            check_every_transport(&vector, &format!("split at {at}"), &[a, b], true);
        }
    }
}

const HELLO: &str = r#"{"file_size":5}"#;

fn hello_frames(count: usize) -> Vec<u8> {
    common::header_frame(Prefix::NETWORK, HELLO, b"hello").repeat(count)
}

#[test]
fn embedded_readers_never_read_into_the_next_frame() {
    let wire = hello_frames(3);
    let mut body = [0u8; 64];
    let mut reader =
        embedded::FrameReader::<_, CAPACITY>::new(Script::new(&[&wire], false), Config::default())
            .unwrap();
    reader.next_header().unwrap().unwrap();
    assert_eq!(reader.read_body(&mut body).unwrap(), 5);
    assert_eq!(reader.read_body(&mut body).unwrap(), 0);
    assert_eq!(reader.into_inner().rest(), &wire[24..]);

    let mut reader = embedded_async::FrameReader::<_, CAPACITY>::new(
        Script::new(&[&wire], true),
        Config::default(),
    )
    .unwrap();
    block_on(async {
        reader.next_header().await.unwrap().unwrap();
        assert_eq!(reader.read_body(&mut body).await.unwrap(), 5);
        assert_eq!(reader.read_body(&mut body).await.unwrap(), 0);
    });
    assert_eq!(reader.into_inner().rest(), &wire[24..]);
}

#[test]
fn headers_longer_than_one_transport_read_are_assembled() {
    let name = "n".repeat(200);
    let json = format!(r#"{{"file_name":"{name}","file_size":3}}"#);
    let wire = [
        common::header_frame(Prefix::NETWORK, &json, b"abc"),
        hello_frames(1),
    ]
    .concat();
    let vector = Vector {
        name: "header_of_230_bytes",
        config: Config::default(),
        input: wire.clone(),
        reads: Vec::new(),
        expected: [
            common::header_events(&json, b"abc"),
            common::header_events(HELLO, b"hello"),
        ]
        .concat(),
        error: None,
    };
    for pending in [false, true] {
        check_every_transport(&vector, "whole input per read", &[&wire], pending);
        let pieces: Vec<&[u8]> = wire.chunks(100).collect();
        check_every_transport(&vector, "100-byte reads", &pieces, pending);
    }
}

#[test]
fn embedded_readers_are_embedded_io_readers_of_the_body() {
    let wire = hello_frames(2);
    let mut body = [0u8; 5];
    let mut reader =
        embedded::FrameReader::<_, CAPACITY>::new(Script::new(&[&wire], false), Config::default())
            .unwrap();
    reader.next_header().unwrap().unwrap();
    embedded_io::Read::read_exact(&mut reader, &mut body).unwrap();
    assert_eq!(&body, b"hello");
    assert_eq!(embedded_io::Read::read(&mut reader, &mut body), Ok(0));

    let mut reader = embedded_async::FrameReader::<_, CAPACITY>::new(
        Script::new(&[&wire], true),
        Config::default(),
    )
    .unwrap();
    block_on(async {
        reader.next_header().await.unwrap().unwrap();
        embedded_io_async::Read::read_exact(&mut reader, &mut body)
            .await
            .unwrap();
        assert_eq!(&body, b"hello");
        assert_eq!(
            embedded_io_async::Read::read(&mut reader, &mut body).await,
            Ok(0)
        );
    });
}

#[test]
fn readers_skip_an_unread_body_at_the_next_header() {
    let wire = hello_frames(2);
    let mut two = [0u8; 2];
    let mut reader =
        embedded::FrameReader::<_, CAPACITY>::new(Script::new(&[&wire], false), Config::default())
            .unwrap();
    reader.next_header().unwrap().unwrap();
    assert_eq!(reader.read_body(&mut two).unwrap(), 2);
    assert_eq!(reader.body_remaining(), 3);
    assert!(reader.next_header().unwrap().is_some());
    assert_eq!(reader.skip_body().unwrap(), 5);
    assert!(reader.next_header().unwrap().is_none());

    let mut reader =
        tokio_io::FrameReader::<_, CAPACITY>::new(Script::new(&[&wire], true), Config::default())
            .unwrap();
    block_on(async {
        reader.next_header().await.unwrap().unwrap();
        assert_eq!(reader.read_body(&mut two).await.unwrap(), 2);
        assert!(reader.next_header().await.unwrap().is_some());
        assert_eq!(reader.skip_body().await.unwrap(), 5);
        assert!(reader.next_header().await.unwrap().is_none());
    });
}

#[test]
fn a_reader_for_the_other_frame_kind_refuses_the_call() {
    let wire = hello_frames(1);
    let mut reader =
        embedded::FrameReader::<_, CAPACITY>::new(Script::new(&[&wire], false), Config::default())
            .unwrap();
    assert_eq!(
        reader.next_raw(),
        Err(embedded::Error::Encode(EncodeError::WrongKind {
            configured: FrameKind::Header
        }))
    );
    let mut reader =
        tokio_io::FrameReader::<_, CAPACITY>::new(Script::new(&[&wire], false), Config::default())
            .unwrap();
    let err = block_on(reader.next_raw()).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}

#[test]
fn embedded_errors_say_what_failed_and_keep_the_transport_kind() {
    use embedded_io::Error as _;
    let err = embedded::Error::<embedded_io::ErrorKind>::Decode(DecodeError::TruncatedBody {
        missing: 3,
    });
    assert_eq!(
        err.to_string(),
        "decode error: input ended inside a body, 3 bytes short"
    );
    assert_eq!(err.kind(), embedded_io::ErrorKind::InvalidData);
    let err = embedded::Error::Io(embedded_io::ErrorKind::TimedOut);
    assert_eq!(err.kind(), embedded_io::ErrorKind::TimedOut);
    assert_eq!(err.to_string(), "transport error: TimedOut");
}

#[test]
fn codec_buffers_at_most_8_mib_unless_told_otherwise() {
    let vector = vectors()
        .into_iter()
        .find(|v| v.name == "ten_mb_body_then_the_next_frame_in_one_slice")
        .unwrap();
    assert_eq!(vector.config.max_body_len(), u64::MAX);
    let codec = FrameCodec::<CAPACITY>::new(vector.config).unwrap();
    assert_eq!(codec.config().max_body_len(), DEFAULT_MAX_BODY_LEN);
    let mut frames = FramedRead::new(Script::new(&[&vector.input], false), codec);
    let err = block_on(frames.next()).unwrap().unwrap_err();
    assert_eq!(
        io_decode_error(&err),
        DecodeError::BodyTooLong {
            len: 10_000_000,
            max: 8 << 20
        }
    );
}

#[test]
fn codec_waits_for_the_whole_body_without_consuming_it() {
    use tokio_util::codec::Decoder as _;
    let wire = hello_frames(2);
    let mut codec = FrameCodec::<CAPACITY>::new(Config::default()).unwrap();
    let mut src = BytesMut::from(&wire[..22]);
    assert_eq!(codec.decode(&mut src).unwrap(), None);
    assert_eq!(
        &src[..],
        b"hel",
        "prefix and header are consumed, body bytes kept"
    );
    src.extend_from_slice(&wire[22..]);
    let frame = codec.decode(&mut src).unwrap().unwrap();
    assert_eq!(frame.header().unwrap().json(), HELLO);
    assert_eq!(frame.body().as_ref(), b"hello");
    assert_eq!(&src[..], &wire[24..], "the next frame is untouched");
}

#[derive(Serialize)]
struct Upload<'a> {
    file_name: &'a str,
    file_size: u64,
}

/// Header frames as the core encoder writes them, for both profiles.
fn encoded_header_frames(config: Config, bodies: &[&[u8]]) -> Vec<u8> {
    let mut encoder = Encoder::<CAPACITY>::new(config).unwrap();
    let mut wire = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let name = format!("f{i}");
        let header = Upload {
            file_name: &name,
            file_size: body.len() as u64,
        };
        let mut out = vec![0u8; 512 + body.len()];
        let len = encoder.frame(&header, body, &mut out).unwrap();
        wire.extend_from_slice(&out[..len]);
    }
    wire
}

fn upload<'a>(name: &'a str, body: &[u8]) -> Upload<'a> {
    Upload {
        file_name: name,
        file_size: body.len() as u64,
    }
}

const BODIES: [&[u8]; 3] = [b"hello", b"", b"world, again"];

#[test]
fn every_writer_sends_the_core_encoders_bytes() {
    for config in [Config::default(), Config::python_struct()] {
        let expected = encoded_header_frames(config, &BODIES);
        let headers: Vec<(String, &[u8])> = BODIES
            .iter()
            .enumerate()
            .map(|(i, body)| (format!("f{i}"), *body))
            .collect();

        let mut writer = tokio_io::FrameWriter::<_, CAPACITY>::new(Vec::new(), config).unwrap();
        block_on(async {
            for (name, body) in &headers {
                writer.write_frame(&upload(name, body), body).await.unwrap();
            }
        });
        assert_eq!(writer.into_inner(), expected, "tokio");

        let mut sink = FramedWrite::new(Vec::new(), FrameCodec::<CAPACITY>::new(config).unwrap());
        block_on(async {
            for (name, body) in &headers {
                let frame = HeaderFrame {
                    header: upload(name, body),
                    body: *body,
                };
                sink.send(frame).await.unwrap();
            }
        });
        assert_eq!(sink.into_inner(), expected, "codec");

        let mut out = vec![0u8; expected.len()];
        let mut writer = embedded::FrameWriter::<_, CAPACITY>::new(&mut out[..], config).unwrap();
        for (name, body) in &headers {
            writer.write_header(&upload(name, body)).unwrap();
            writer.write_body(body).unwrap();
            writer.end_frame().unwrap();
        }
        assert!(writer.into_inner().is_empty());
        assert_eq!(out, expected, "embedded-io");

        let mut out = vec![0u8; expected.len()];
        let mut writer =
            embedded_async::FrameWriter::<_, CAPACITY>::new(&mut out[..], config).unwrap();
        block_on(async {
            for (name, body) in &headers {
                writer.write_frame(&upload(name, body), body).await.unwrap();
            }
        });
        assert!(writer.into_inner().is_empty());
        assert_eq!(out, expected, "embedded-io-async");
    }
}

#[test]
fn every_writer_sends_raw_frames_as_the_core_encoder() {
    let config = Config::python_struct()
        .to_builder()
        .kind(FrameKind::Raw)
        .build()
        .unwrap();
    let mut encoder = Encoder::<0>::new(config).unwrap();
    let mut expected = vec![0u8; 64];
    let len = encoder.raw_frame(b"dir\r\n", &mut expected).unwrap();
    expected.truncate(len);

    let mut writer = tokio_io::FrameWriter::<_, 0>::new(Vec::new(), config).unwrap();
    block_on(async {
        writer.write_raw_start(5).await.unwrap();
        writer.write_body(b"dir").await.unwrap();
        writer.write_body(b"\r\n").await.unwrap();
        writer.end_frame().unwrap();
    });
    assert_eq!(writer.into_inner(), expected, "tokio");

    let mut codec = FrameCodec::<0>::new(config).unwrap();
    let mut dst = BytesMut::new();
    codec.encode(RawFrame(&b"dir\r\n"[..]), &mut dst).unwrap();
    assert_eq!(&dst[..], &expected[..], "codec");

    let mut out = [0u8; 9];
    let mut writer = embedded::FrameWriter::<_, 0>::new(&mut out[..], config).unwrap();
    writer.write_raw_start(5).unwrap();
    writer.write_body(b"dir\r\n").unwrap();
    writer.end_frame().unwrap();
    assert_eq!(&out[..], &expected[..], "embedded-io");

    let mut out = [0u8; 9];
    let mut writer = embedded_async::FrameWriter::<_, 0>::new(&mut out[..], config).unwrap();
    block_on(async {
        writer.write_raw_start(5).await.unwrap();
        writer.write_body(b"dir\r\n").await.unwrap();
        writer.end_frame().unwrap();
    });
    assert_eq!(&out[..], &expected[..], "embedded-io-async");
}

#[test]
fn writers_refuse_a_body_of_the_wrong_length_and_write_nothing() {
    let header = Upload {
        file_name: "a",
        file_size: 3,
    };
    let mismatch = EncodeError::BodyLenMismatch {
        declared: 3,
        actual: 4,
    };

    let mut codec = FrameCodec::<CAPACITY>::new(Config::default()).unwrap();
    let mut dst = BytesMut::from(&b"earlier"[..]);
    let err = codec
        .encode(
            HeaderFrame {
                header: &header,
                body: b"abcd",
            },
            &mut dst,
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let inner = err.get_ref().and_then(|e| e.downcast_ref::<EncodeError>());
    assert_eq!(inner, Some(&mismatch));
    assert_eq!(&dst[..], b"earlier");

    let mut out = [0u8; 64];
    let mut writer =
        embedded::FrameWriter::<_, CAPACITY>::new(&mut out[..], Config::default()).unwrap();
    assert_eq!(
        writer.write_frame(&header, b"abcd"),
        Err(embedded::Error::Encode(mismatch))
    );
    assert_eq!(writer.remaining(), None);
    assert_eq!(writer.into_inner().len(), 64);

    let mut writer =
        tokio_io::FrameWriter::<_, CAPACITY>::new(Vec::new(), Config::default()).unwrap();
    let err = block_on(writer.write_frame(&header, b"abcd")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(writer.into_inner().is_empty());
}

#[test]
fn embedded_writer_assembles_prefix_and_header_in_n_bytes() {
    let header = Upload {
        file_name: "abcdefgh",
        file_size: 0,
    };
    // {"file_name":"abcdefgh","file_size":0} is 38 bytes; with the prefix, 42.
    let mut out = [0u8; 64];
    let mut writer = embedded::FrameWriter::<_, 40>::new(&mut out[..], Config::default()).unwrap();
    assert_eq!(
        writer.write_header(&header),
        Err(embedded::Error::Encode(EncodeError::BufferTooSmall {
            required: 42,
            available: 40
        }))
    );
    assert_eq!(writer.into_inner().len(), 64, "nothing was written");
    let mut writer = embedded::FrameWriter::<_, 42>::new(&mut out[..], Config::default()).unwrap();
    writer.write_header(&header).unwrap();
    writer.end_frame().unwrap();
}

#[test]
fn tokio_writer_streams_a_body_from_an_async_source() {
    let mut writer =
        tokio_io::FrameWriter::<_, CAPACITY>::new(Vec::new(), Config::default()).unwrap();
    let header = Upload {
        file_name: "f0",
        file_size: 5,
    };
    let copied = block_on(writer.write_frame_from(&header, &mut &b"hello"[..])).unwrap();
    assert_eq!(copied, 5);
    assert_eq!(
        writer.into_inner(),
        encoded_header_frames(Config::default(), &[b"hello"])
    );

    let mut writer =
        tokio_io::FrameWriter::<_, CAPACITY>::new(Vec::new(), Config::default()).unwrap();
    let err = block_on(writer.write_frame_from(&header, &mut &b"hell"[..])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnexpectedEof);
    let err = block_on(writer.write_frame_from(&header, &mut &b"hello!"[..])).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidData);
    assert!(
        writer.into_inner().is_empty(),
        "a short or long source sends nothing"
    );
}

#[test]
fn tokio_reader_reads_a_body_with_tokio_io_copy() {
    let wire = hello_frames(2);
    let mut reader =
        tokio_io::FrameReader::<_, CAPACITY>::new(Script::new(&[&wire], true), Config::default())
            .unwrap();
    let mut body = Vec::new();
    block_on(async {
        reader.next_header().await.unwrap().unwrap();
        tokio::io::copy(&mut reader, &mut body).await.unwrap();
    });
    assert_eq!(body, b"hello");
    assert_eq!(reader.buffer(), &wire[24..]);
}
