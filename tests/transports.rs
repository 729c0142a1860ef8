//! One conformance suite for every transport: each vector of `tests/common`
//! through the std, tokio, tokio-util codec, embedded-io and
//! embedded-io-async adapters (built with `Decoder<CAPACITY>` and
//! `FrameCodec` for header vectors, `RawDecoder` and `RawFrameCodec` for raw
//! ones), over scripted transports that answer one byte
//! per read, several frames per read, the scenario's reads or two pieces
//! split anywhere, with and without a `Pending` before every read (std:
//! `WouldBlock`, blocking embedded-io: `TimedOut`; the call is then made
//! again). The async readers also run cancelled at every `Pending`.
//! Every transport must see exactly the vector's events and error, which are
//! also what the core decoder makes of the same pieces. The codec hands out
//! whole frames only, so it must see the vector's events up to the last
//! complete frame, then the same error.
//!
//! Then the write side: every writer sends the core encoder's bytes, and
//! `?` turns the core's errors into the embedded error.

#![cfg(all(feature = "tokio-util-07", feature = "embedded-io-async-07"))]

mod common;

use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, ErrorKind};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use bytes::{Bytes, BytesMut};
use common::{
    CAPACITY, Collector, Kind, Seen, Vector, block_on, decode_pieces, header_seen, io_decode_error,
    scenario_reads, vectors,
};
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::io::{AsyncRead, ReadBuf};
use tokio_util::codec::{Encoder as _, FramedRead, FramedWrite};
use unstick::io::tokio_util_07::{DEFAULT_MAX_BODY_LEN, HeaderFrame};
use unstick::io::{
    embedded_io_07 as embedded, embedded_io_async_07 as embedded_async, std as std_io,
    tokio as tokio_io,
};
use unstick::{
    Config, ConfigError, DecodeError, Decoder, EncodeError, Encoder, FrameCodec, FrameDecoder,
    ParseError, Prefix, RawDecoder, RawEncoder, RawFrameCodec,
};

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

type EmbeddedResult<T> = Result<T, embedded::Error<embedded_io::ErrorKind>>;
type Boxed<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The framing a vector is read with: how each adapter's reader opens the
/// next frame (`next_header` or `next_start`) and which codec reads it.
trait Framing: FrameDecoder + Sized {
    fn for_config(config: Config) -> Self;
    fn std_next(reader: &mut std_io::FrameReader<Script, Self>) -> io::Result<Option<Seen>>;
    fn tokio_next(
        reader: &mut tokio_io::FrameReader<Script, Self>,
    ) -> Boxed<'_, io::Result<Option<Seen>>>;
    fn embedded_next(
        reader: &mut embedded::FrameReader<Script, Self>,
    ) -> EmbeddedResult<Option<Seen>>;
    fn embedded_async_next(
        reader: &mut embedded_async::FrameReader<Script, Self>,
    ) -> Boxed<'_, EmbeddedResult<Option<Seen>>>;
    /// What `FramedRead` with this framing's codec makes of `script`.
    fn codec_outcome(config: Config, script: Script) -> Outcome;
}

impl Framing for Decoder<CAPACITY> {
    fn for_config(config: Config) -> Self {
        Decoder::new(config).expect("vector configs are valid")
    }

    fn std_next(reader: &mut std_io::FrameReader<Script, Self>) -> io::Result<Option<Seen>> {
        Ok(reader.next_header()?.map(header_seen))
    }

    fn tokio_next(
        reader: &mut tokio_io::FrameReader<Script, Self>,
    ) -> Boxed<'_, io::Result<Option<Seen>>> {
        Box::pin(async move { Ok(reader.next_header().await?.map(header_seen)) })
    }

    fn embedded_next(
        reader: &mut embedded::FrameReader<Script, Self>,
    ) -> EmbeddedResult<Option<Seen>> {
        Ok(reader.next_header()?.map(header_seen))
    }

    fn embedded_async_next(
        reader: &mut embedded_async::FrameReader<Script, Self>,
    ) -> Boxed<'_, EmbeddedResult<Option<Seen>>> {
        Box::pin(async move { Ok(reader.next_header().await?.map(header_seen)) })
    }

    fn codec_outcome(config: Config, script: Script) -> Outcome {
        let codec = FrameCodec::<CAPACITY>::new(codec_config(config)).unwrap();
        framed_outcome(FramedRead::new(script, codec), |frame| {
            (header_seen(frame.header()), frame.body().clone())
        })
    }
}

impl Framing for RawDecoder {
    fn for_config(config: Config) -> Self {
        RawDecoder::new(config)
    }

    fn std_next(reader: &mut std_io::FrameReader<Script, Self>) -> io::Result<Option<Seen>> {
        Ok(reader.next_start()?.map(|len| Seen::RawStart { len }))
    }

    fn tokio_next(
        reader: &mut tokio_io::FrameReader<Script, Self>,
    ) -> Boxed<'_, io::Result<Option<Seen>>> {
        Box::pin(async move { Ok(reader.next_start().await?.map(|len| Seen::RawStart { len })) })
    }

    fn embedded_next(
        reader: &mut embedded::FrameReader<Script, Self>,
    ) -> EmbeddedResult<Option<Seen>> {
        Ok(reader.next_start()?.map(|len| Seen::RawStart { len }))
    }

    fn embedded_async_next(
        reader: &mut embedded_async::FrameReader<Script, Self>,
    ) -> Boxed<'_, EmbeddedResult<Option<Seen>>> {
        Box::pin(async move { Ok(reader.next_start().await?.map(|len| Seen::RawStart { len })) })
    }

    fn codec_outcome(config: Config, script: Script) -> Outcome {
        let codec = RawFrameCodec::new(codec_config(config));
        framed_outcome(FramedRead::new(script, codec), |payload: Bytes| {
            let start = Seen::RawStart {
                len: payload.len() as u64,
            };
            (start, payload)
        })
    }
}

/// A header-frame decoder with the suite's header capacity.
fn header_decoder(config: Config) -> Decoder<CAPACITY> {
    Decoder::new(config).expect("valid config")
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

struct Std<D>(std_io::FrameReader<Script, D>);

impl<D: Framing> Transport for Std<D> {
    fn next_frame(&mut self) -> Result<Option<Seen>, DecodeError> {
        retry_would_block(|| D::std_next(&mut self.0)).map_err(|err| io_decode_error(&err))
    }

    fn read_body(&mut self, buf: &mut [u8]) -> Result<usize, DecodeError> {
        retry_would_block(|| self.0.read_body(buf)).map_err(|err| io_decode_error(&err))
    }
}

/// The tokio reader, run to completion or cancelled at every `Pending`.
struct Tokio<D> {
    reader: tokio_io::FrameReader<Script, D>,
    cancel: bool,
}

impl<D: Framing> Transport for Tokio<D> {
    fn next_frame(&mut self) -> Result<Option<Seen>, DecodeError> {
        let result = if self.cancel {
            cancel_at_every_pending(&mut self.reader, D::tokio_next)
        } else {
            block_on(D::tokio_next(&mut self.reader))
        };
        result.map_err(|err| io_decode_error(&err))
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

struct Embedded<D>(embedded::FrameReader<Script, D>);

/// Calls `call` again as long as the transport times out: the reader
/// resumes where it stopped.
fn retry_timed_out<T>(mut call: impl FnMut() -> EmbeddedResult<T>) -> Result<T, DecodeError> {
    loop {
        match call() {
            Err(embedded::Error::Io(embedded_io::ErrorKind::TimedOut)) => {}
            result => return result.map_err(embedded_decode_error),
        }
    }
}

impl<D: Framing> Transport for Embedded<D> {
    fn next_frame(&mut self) -> Result<Option<Seen>, DecodeError> {
        retry_timed_out(|| D::embedded_next(&mut self.0))
    }

    fn read_body(&mut self, buf: &mut [u8]) -> Result<usize, DecodeError> {
        retry_timed_out(|| self.0.read_body(buf))
    }
}

/// The embedded-io-async reader, run to completion or cancelled at every
/// `Pending`.
struct EmbeddedAsync<D> {
    reader: embedded_async::FrameReader<Script, D>,
    cancel: bool,
}

impl<D: Framing> Transport for EmbeddedAsync<D> {
    fn next_frame(&mut self) -> Result<Option<Seen>, DecodeError> {
        let result = if self.cancel {
            cancel_at_every_pending(&mut self.reader, D::embedded_async_next)
        } else {
            block_on(D::embedded_async_next(&mut self.reader))
        };
        result.map_err(embedded_decode_error)
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

/// The codecs buffer whole frames, so a vector without a body limit gets
/// one large enough for its 10 MB body.
fn codec_config(config: Config) -> Config {
    match config.max_body_len() {
        u64::MAX => config.to_builder().max_body_len(1 << 26).build().unwrap(),
        _ => config,
    }
}

/// What `frames` yields, as events; `split` gives a frame's start and body.
fn framed_outcome<C>(
    mut frames: FramedRead<Script, C>,
    split: impl Fn(C::Item) -> (Seen, Bytes),
) -> Outcome
where
    C: tokio_util::codec::Decoder<Error = io::Error>,
{
    let mut collector = Collector::default();
    let error = block_on(async {
        loop {
            let frame = match frames.next().await {
                None => return None,
                Some(Err(err)) => return Some(io_decode_error(&err)),
                Some(Ok(frame)) => frame,
            };
            let (start, body) = split(frame);
            collector.seen.push(start);
            if !body.is_empty() {
                collector.body(&body);
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
    match vector.kind {
        Kind::Header => check_transports::<Decoder<CAPACITY>>(vector, how, pieces, pending),
        Kind::Raw => check_transports::<RawDecoder>(vector, how, pieces, pending),
    }
}

/// The outcome of `vector` through each reader of framing `D`.
fn reader_outcomes<D: Framing>(
    vector: &Vector,
    script: impl Fn() -> Script,
    body_buf: usize,
) -> [(&'static str, Outcome); 6] {
    let decoder = || D::for_config(vector.config);
    let tokio = |cancel| Tokio {
        reader: tokio_io::FrameReader::new(script(), decoder()),
        cancel,
    };
    let embedded_async = |cancel| EmbeddedAsync {
        reader: embedded_async::FrameReader::new(script(), decoder()),
        cancel,
    };
    [
        ("std", {
            let reader = std_io::FrameReader::new(script(), decoder());
            read_all(&mut Std(reader), body_buf)
        }),
        ("tokio", read_all(&mut tokio(false), body_buf)),
        (
            "tokio cancelled at every Pending",
            read_all(&mut tokio(true), body_buf),
        ),
        ("embedded-io", {
            let reader = embedded::FrameReader::new(script(), decoder());
            read_all(&mut Embedded(reader), body_buf)
        }),
        (
            "embedded-io-async",
            read_all(&mut embedded_async(false), body_buf),
        ),
        (
            "embedded-io-async cancelled at every Pending",
            read_all(&mut embedded_async(true), body_buf),
        ),
    ]
}

fn check_transports<D: Framing>(vector: &Vector, how: &str, pieces: &[&[u8]], pending: bool) {
    let name = format!("{} ({how}, pending {pending})", vector.name);
    let core = decode_pieces(vector.kind, vector.config, pieces.iter().copied());
    assert_eq!(core.1, vector.error, "{name}: core decoder error");
    assert!(core.0 == vector.expected, "{name}: core decoder events");

    let script = || Script::new(pieces, pending);
    let small_ok = vector.input.len() < 1_000_000;
    for body_buf in BODY_BUFFERS.into_iter().filter(|&b| small_ok || b > 3) {
        for (transport, (seen, error)) in reader_outcomes::<D>(vector, script, body_buf) {
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
    let (seen, error) = D::codec_outcome(vector.config, script());
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
    let mut reader = embedded::FrameReader::new(
        Script::new(&[&wire], false),
        header_decoder(Config::default()),
    );
    reader.next_header().unwrap().unwrap();
    assert_eq!(reader.read_body(&mut body).unwrap(), 5);
    assert_eq!(reader.read_body(&mut body).unwrap(), 0);
    assert_eq!(reader.into_inner().rest(), &wire[24..]);

    let mut reader = embedded_async::FrameReader::new(
        Script::new(&[&wire], true),
        header_decoder(Config::default()),
    );
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
        kind: Kind::Header,
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
    let mut reader = embedded::FrameReader::new(
        Script::new(&[&wire], false),
        header_decoder(Config::default()),
    );
    reader.next_header().unwrap().unwrap();
    embedded_io::Read::read_exact(&mut reader, &mut body).unwrap();
    assert_eq!(&body, b"hello");
    assert_eq!(embedded_io::Read::read(&mut reader, &mut body), Ok(0));

    let mut reader = embedded_async::FrameReader::new(
        Script::new(&[&wire], true),
        header_decoder(Config::default()),
    );
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
    let mut reader = embedded::FrameReader::new(
        Script::new(&[&wire], false),
        header_decoder(Config::default()),
    );
    reader.next_header().unwrap().unwrap();
    assert_eq!(reader.read_body(&mut two).unwrap(), 2);
    assert_eq!(reader.body_remaining(), 3);
    assert!(reader.next_header().unwrap().is_some());
    assert_eq!(reader.skip_body().unwrap(), 5);
    assert!(reader.next_header().unwrap().is_none());

    let mut reader = tokio_io::FrameReader::new(
        Script::new(&[&wire], true),
        header_decoder(Config::default()),
    );
    block_on(async {
        reader.next_header().await.unwrap().unwrap();
        assert_eq!(reader.read_body(&mut two).await.unwrap(), 2);
        assert_eq!(reader.body_remaining(), 3);
        assert!(reader.next_header().await.unwrap().is_some());
        assert_eq!(reader.skip_body().await.unwrap(), 5);
        assert!(reader.next_header().await.unwrap().is_none());
    });

    let mut reader = embedded_async::FrameReader::new(
        Script::new(&[&wire], true),
        header_decoder(Config::default()),
    );
    block_on(async {
        reader.next_header().await.unwrap().unwrap();
        assert_eq!(reader.read_body(&mut two).await.unwrap(), 2);
        assert_eq!(reader.body_remaining(), 3);
        assert!(reader.next_header().await.unwrap().is_some());
        assert_eq!(reader.skip_body().await.unwrap(), 5);
        assert!(reader.next_header().await.unwrap().is_none());
    });
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
fn embedded_errors_name_their_layer_and_keep_its_error_as_their_source() {
    use core::error::Error as _;
    use embedded_io::Error as _;
    use embedded_io::ErrorKind::{InvalidData, InvalidInput, TimedOut};
    let layers = [
        (embedded::Error::Io(TimedOut), "transport", TimedOut),
        (
            embedded::Error::Decode(DecodeError::HeaderLenZero),
            "decode",
            InvalidData,
        ),
        (
            embedded::Error::Encode(EncodeError::NoFrameInProgress),
            "encode",
            InvalidInput,
        ),
        (
            embedded::Error::Config(ConfigError::ZeroHeaderLimit),
            "configuration",
            InvalidInput,
        ),
        (
            embedded::Error::Parse(ParseError::WrongType),
            "header does not match",
            InvalidData,
        ),
    ];
    for (err, layer, kind) in layers {
        let text = err.to_string();
        let source = err.source().map(ToString::to_string);
        assert!(text.contains(layer), "{text}");
        assert!(
            source.is_some_and(|source| text.ends_with(&source)),
            "{text}"
        );
        assert_eq!(err.kind(), kind, "{text}");
    }
}

#[test]
fn codec_buffers_at_most_8_mib_unless_told_otherwise() {
    let vector = vectors()
        .into_iter()
        .find(|v| v.name == "ten_mb_body_then_the_next_frame_in_one_slice")
        .unwrap();
    assert_eq!(vector.config.max_body_len(), u64::MAX);
    let raw = RawFrameCodec::new(vector.config);
    assert_eq!(raw.config().max_body_len(), DEFAULT_MAX_BODY_LEN);
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
    assert_eq!(frame.header().json(), HELLO);
    assert_eq!(frame.body().as_ref(), b"hello");
    assert_eq!(&src[..], &wire[24..], "the next frame is untouched");
}

#[test]
fn codec_reserves_room_for_the_rest_of_the_body() {
    use tokio_util::codec::Decoder as _;
    let body = vec![7u8; 1000];
    let wire = encoded_header_frames(Config::default(), &[&body]);
    let head = wire.len() - body.len();
    let mut codec = FrameCodec::<CAPACITY>::new(Config::default()).unwrap();
    let mut src = BytesMut::from(&wire[..head + 2]);
    assert_eq!(codec.decode(&mut src).unwrap(), None);
    assert!(src.capacity() >= body.len(), "{}", src.capacity());
    src.extend_from_slice(&wire[head + 2..]);
    let frame = codec.decode(&mut src).unwrap().unwrap();
    assert_eq!(frame.into_body(), body);
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

        let encoder = Encoder::<CAPACITY>::new(config).unwrap();
        let mut writer = std_io::FrameWriter::new(Vec::new(), encoder);
        for (name, body) in &headers {
            writer.write_frame(&upload(name, body), body).unwrap();
        }
        assert_eq!(writer.into_inner(), expected, "std");

        let mut writer =
            tokio_io::FrameWriter::new(Vec::new(), Encoder::<CAPACITY>::new(config).unwrap());
        block_on(async {
            for (name, body) in &headers {
                writer.write_frame(&upload(name, body), body).await.unwrap();
            }
        });
        assert_eq!(writer.into_inner(), expected, "tokio");

        let mut writer =
            tokio_io::FrameWriter::new(Vec::new(), Encoder::<CAPACITY>::new(config).unwrap());
        block_on(async {
            for (name, body) in &headers {
                writer.write_header(&upload(name, body)).await.unwrap();
                writer.write_body(body).await.unwrap();
                writer.end_frame().unwrap();
            }
        });
        assert_eq!(writer.into_inner(), expected, "tokio, header then body");

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
        let mut writer =
            embedded::FrameWriter::new(&mut out[..], Encoder::<CAPACITY>::new(config).unwrap());
        for (name, body) in &headers {
            writer.write_header(&upload(name, body)).unwrap();
            writer.write_body(body).unwrap();
            writer.end_frame().unwrap();
        }
        assert!(writer.into_inner().is_empty());
        assert_eq!(out, expected, "embedded-io");

        let mut out = vec![0u8; expected.len()];
        let mut writer = embedded_async::FrameWriter::new(
            &mut out[..],
            Encoder::<CAPACITY>::new(config).unwrap(),
        );
        block_on(async {
            for (name, body) in &headers {
                writer.write_frame(&upload(name, body), body).await.unwrap();
            }
        });
        assert!(writer.into_inner().is_empty());
        assert_eq!(out, expected, "embedded-io-async");

        let mut out = vec![0u8; expected.len()];
        let mut writer = embedded_async::FrameWriter::new(
            &mut out[..],
            Encoder::<CAPACITY>::new(config).unwrap(),
        );
        block_on(async {
            for (name, body) in &headers {
                writer.write_header(&upload(name, body)).await.unwrap();
                writer.write_body(body).await.unwrap();
                writer.end_frame().unwrap();
            }
        });
        assert!(writer.into_inner().is_empty());
        assert_eq!(out, expected, "embedded-io-async, header then body");
    }
}

const PAYLOADS: [&[u8]; 3] = [b"dir\r\n", b"", b"total 0\n"];

/// Raw frames as the core encoder writes them.
fn encoded_raw_frames(config: Config, payloads: &[&[u8]]) -> Vec<u8> {
    let mut encoder = RawEncoder::new(config);
    let mut wire = Vec::new();
    for payload in payloads {
        let mut out = vec![0u8; 8 + payload.len()];
        let len = encoder.frame(payload, &mut out).unwrap();
        wire.extend_from_slice(&out[..len]);
    }
    wire
}

#[test]
fn every_writer_sends_raw_frames_as_the_core_encoder() {
    let config = Config::python_struct();
    let expected = encoded_raw_frames(config, &PAYLOADS[..1]);

    let mut writer = tokio_io::RawFrameWriter::new(Vec::new(), RawEncoder::new(config));
    block_on(async {
        writer.write_start(5).await.unwrap();
        writer.write_body(b"dir").await.unwrap();
        writer.write_body(b"\r\n").await.unwrap();
        writer.end_frame().unwrap();
    });
    assert_eq!(writer.into_inner(), expected, "tokio");

    let mut out = [0u8; 9];
    let mut writer = embedded::RawFrameWriter::new(&mut out[..], RawEncoder::new(config));
    writer.write_start(5).unwrap();
    writer.write_body(b"dir\r\n").unwrap();
    writer.end_frame().unwrap();
    assert_eq!(&out[..], &expected[..], "embedded-io");

    let mut out = [0u8; 9];
    let mut writer = embedded_async::RawFrameWriter::new(&mut out[..], RawEncoder::new(config));
    block_on(async {
        writer.write_start(5).await.unwrap();
        writer.write_body(b"dir\r\n").await.unwrap();
        writer.end_frame().unwrap();
    });
    assert_eq!(&out[..], &expected[..], "embedded-io-async");
}

#[test]
fn every_raw_writer_sends_whole_payloads_with_write_frame() {
    let config = Config::python_struct();
    let expected = encoded_raw_frames(config, &PAYLOADS);

    let mut writer = std_io::RawFrameWriter::new(Vec::new(), RawEncoder::new(config));
    for payload in PAYLOADS {
        writer.write_frame(payload).unwrap();
    }
    assert_eq!(writer.into_inner(), expected, "std");

    let mut writer = tokio_io::RawFrameWriter::new(Vec::new(), RawEncoder::new(config));
    block_on(async {
        for payload in PAYLOADS {
            writer.write_frame(payload).await.unwrap();
        }
    });
    assert_eq!(writer.into_inner(), expected, "tokio");

    let mut sink = FramedWrite::new(Vec::new(), RawFrameCodec::new(config));
    block_on(async {
        for payload in PAYLOADS {
            sink.send(payload).await.unwrap();
        }
    });
    assert_eq!(sink.into_inner(), expected, "codec");

    let mut out = vec![0u8; expected.len()];
    let mut writer = embedded::RawFrameWriter::new(&mut out[..], RawEncoder::new(config));
    for payload in PAYLOADS {
        writer.write_frame(payload).unwrap();
    }
    assert!(writer.into_inner().is_empty());
    assert_eq!(out, expected, "embedded-io");

    let mut out = vec![0u8; expected.len()];
    let mut writer = embedded_async::RawFrameWriter::new(&mut out[..], RawEncoder::new(config));
    block_on(async {
        for payload in PAYLOADS {
            writer.write_frame(payload).await.unwrap();
        }
    });
    assert!(writer.into_inner().is_empty());
    assert_eq!(out, expected, "embedded-io-async");
}

#[test]
fn raw_writers_refuse_a_payload_over_the_limit_and_write_nothing() {
    let config = Config::builder().max_body_len(2).build().unwrap();
    let too_long = EncodeError::BodyTooLong { len: 3, max: 2 };

    let mut writer = tokio_io::RawFrameWriter::new(Vec::new(), RawEncoder::new(config));
    let err = block_on(writer.write_frame(b"abc")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    let inner = err.get_ref().and_then(|e| e.downcast_ref::<EncodeError>());
    assert_eq!(inner, Some(&too_long));
    assert!(writer.into_inner().is_empty(), "tokio");

    let mut codec = RawFrameCodec::new(config);
    let mut dst = BytesMut::from(&b"earlier"[..]);
    let err = codec.encode(&b"abc"[..], &mut dst).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert_eq!(&dst[..], b"earlier", "codec");

    let mut out = [0u8; 16];
    let mut writer = embedded::RawFrameWriter::new(&mut out[..], RawEncoder::new(config));
    assert_eq!(
        writer.write_frame(b"abc"),
        Err(embedded::Error::Encode(too_long))
    );
    assert_eq!(writer.into_inner().len(), 16, "embedded-io");

    let mut out = [0u8; 16];
    let mut writer = embedded_async::RawFrameWriter::new(&mut out[..], RawEncoder::new(config));
    assert_eq!(
        block_on(writer.write_frame(b"abc")),
        Err(embedded::Error::Encode(too_long))
    );
    assert_eq!(writer.into_inner().len(), 16, "embedded-io-async");
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
    let mut writer = embedded::FrameWriter::new(
        &mut out[..],
        Encoder::<CAPACITY>::new(Config::default()).unwrap(),
    );
    assert_eq!(
        writer.write_frame(&header, b"abcd"),
        Err(embedded::Error::Encode(mismatch))
    );
    assert_eq!(writer.remaining(), None);
    assert_eq!(writer.into_inner().len(), 64);

    let mut writer = tokio_io::FrameWriter::new(
        Vec::new(),
        Encoder::<CAPACITY>::new(Config::default()).unwrap(),
    );
    let err = block_on(writer.write_frame(&header, b"abcd")).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
    assert!(writer.into_inner().is_empty());
}

#[test]
fn embedded_writer_sends_a_header_of_up_to_n_bytes() {
    let header = Upload {
        file_name: "abcdefgh",
        file_size: 0,
    };
    // {"file_name":"abcdefgh","file_size":0} is 38 bytes; with the prefix, 42.
    let mut out = [0u8; 64];
    let encoder = Encoder::<37>::new(Config::default()).unwrap();
    let mut writer = embedded::FrameWriter::new(&mut out[..], encoder);
    assert_eq!(
        writer.write_header(&header),
        Err(embedded::Error::Encode(EncodeError::HeaderTooLong {
            max: 37
        }))
    );
    assert_eq!(writer.remaining(), None, "no frame was opened");
    assert_eq!(writer.into_inner().len(), 64, "nothing was written");
    let encoder = Encoder::<38>::new(Config::default()).unwrap();
    let mut writer = embedded::FrameWriter::new(&mut out[..], encoder);
    writer.write_header(&header).unwrap();
    writer.end_frame().unwrap();
    assert_eq!(writer.into_inner().len(), 64 - 42);
    let expected = common::header_frame(
        Prefix::NETWORK,
        r#"{"file_name":"abcdefgh","file_size":0}"#,
        b"",
    );
    assert_eq!(&out[..42], &expected[..]);
}

#[test]
fn tokio_writer_streams_a_body_from_an_async_source() {
    let mut writer = tokio_io::FrameWriter::new(
        Vec::new(),
        Encoder::<CAPACITY>::new(Config::default()).unwrap(),
    );
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

    let mut writer = tokio_io::FrameWriter::new(
        Vec::new(),
        Encoder::<CAPACITY>::new(Config::default()).unwrap(),
    );
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
    let mut reader = tokio_io::FrameReader::new(
        Script::new(&[&wire], true),
        header_decoder(Config::default()),
    );
    let mut body = Vec::new();
    block_on(async {
        reader.next_header().await.unwrap().unwrap();
        tokio::io::copy(&mut reader, &mut body).await.unwrap();
    });
    assert_eq!(body, b"hello");
    assert_eq!(reader.buffer(), &wire[24..]);
}

/// A tokio transport that serves `data` four bytes per read and fails read
/// number `at` once with `kind`.
struct Flaky {
    data: Vec<u8>,
    reads: usize,
    at: usize,
    kind: ErrorKind,
}

impl Flaky {
    fn new(data: &[u8], at: usize, kind: ErrorKind) -> Self {
        Self {
            data: data.to_vec(),
            reads: 0,
            at,
            kind,
        }
    }

    /// The next read into `buf`.
    fn serve(&mut self, buf: &mut [u8]) -> Result<usize, ErrorKind> {
        let call = self.reads;
        self.reads += 1;
        if call == self.at {
            return Err(self.kind);
        }
        let len = buf.len().min(4).min(self.data.len());
        buf[..len].copy_from_slice(&self.data[..len]);
        self.data.drain(..len);
        Ok(len)
    }
}

impl AsyncRead for Flaky {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let len = self.serve(buf.initialize_unfilled())?;
        buf.advance(len);
        Poll::Ready(Ok(()))
    }
}

impl embedded_io::ErrorType for Flaky {
    type Error = embedded_io::ErrorKind;
}

impl embedded_io::Read for Flaky {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        self.serve(buf).map_err(embedded_kind)
    }
}

impl embedded_io_async::Read for Flaky {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, Self::Error> {
        self.serve(buf).map_err(embedded_kind)
    }
}

/// The embedded-io kind of the two kinds `Flaky` fails with.
fn embedded_kind(kind: ErrorKind) -> embedded_io::ErrorKind {
    match kind {
        ErrorKind::Interrupted => embedded_io::ErrorKind::Interrupted,
        _ => embedded_io::ErrorKind::TimedOut,
    }
}

/// The transport's kind in an embedded adapter's error, as `Flaky` made it.
fn flaky_kind(err: EmbeddedError) -> ErrorKind {
    match err {
        embedded::Error::Io(embedded_io::ErrorKind::Interrupted) => ErrorKind::Interrupted,
        embedded::Error::Io(_) => ErrorKind::TimedOut,
        other => panic!("not a transport error: {other:?}"),
    }
}

/// Reads every frame's body two bytes at a time with the tokio reader,
/// calling again after each error; the bodies and the errors' kinds.
fn tokio_read_resuming<R: AsyncRead + Unpin>(
    reader: &mut tokio_io::FrameReader<R, Decoder<CAPACITY>>,
) -> (Vec<Vec<u8>>, Vec<ErrorKind>) {
    let mut bodies = Vec::new();
    let mut errors = Vec::new();
    block_on(async {
        loop {
            match reader.next_header().await {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(err) => {
                    errors.push(err.kind());
                    continue;
                }
            }
            let mut body = Vec::new();
            let mut two = [0u8; 2];
            loop {
                match reader.read_body(&mut two).await {
                    Ok(0) => break,
                    Ok(len) => body.extend_from_slice(&two[..len]),
                    Err(err) => errors.push(err.kind()),
                }
            }
            bodies.push(body);
        }
    });
    (bodies, errors)
}

/// As `tokio_read_resuming`, with the blocking embedded-io reader.
fn embedded_read_resuming(
    reader: &mut embedded::FrameReader<Flaky, Decoder<CAPACITY>>,
) -> (Vec<Vec<u8>>, Vec<ErrorKind>) {
    let mut bodies = Vec::new();
    let mut errors = Vec::new();
    loop {
        match reader.next_header() {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(err) => {
                errors.push(flaky_kind(err));
                continue;
            }
        }
        let mut body = Vec::new();
        let mut two = [0u8; 2];
        loop {
            match reader.read_body(&mut two) {
                Ok(0) => break,
                Ok(len) => body.extend_from_slice(&two[..len]),
                Err(err) => errors.push(flaky_kind(err)),
            }
        }
        bodies.push(body);
    }
    (bodies, errors)
}

/// As `tokio_read_resuming`, with the embedded-io-async reader.
fn embedded_async_read_resuming(
    reader: &mut embedded_async::FrameReader<Flaky, Decoder<CAPACITY>>,
) -> (Vec<Vec<u8>>, Vec<ErrorKind>) {
    let mut bodies = Vec::new();
    let mut errors = Vec::new();
    block_on(async {
        loop {
            match reader.next_header().await {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(err) => {
                    errors.push(flaky_kind(err));
                    continue;
                }
            }
            let mut body = Vec::new();
            let mut two = [0u8; 2];
            loop {
                match reader.read_body(&mut two).await {
                    Ok(0) => break,
                    Ok(len) => body.extend_from_slice(&two[..len]),
                    Err(err) => errors.push(flaky_kind(err)),
                }
            }
            bodies.push(body);
        }
    });
    (bodies, errors)
}

#[test]
fn readers_retry_interrupted_reads_and_resume_after_other_errors() {
    let wire = hello_frames(2);
    for at in 0..=wire.len() / 4 {
        for kind in [ErrorKind::Interrupted, ErrorKind::TimedOut] {
            let retried = kind == ErrorKind::Interrupted;
            let surfaced = if retried { vec![] } else { vec![kind] };
            let expected = (vec![b"hello".to_vec(); 2], surfaced);
            let decoder = || header_decoder(Config::default());
            let flaky = || Flaky::new(&wire, at, kind);
            let mut reader = tokio_io::FrameReader::new(flaky(), decoder());
            let seen = tokio_read_resuming(&mut reader);
            assert_eq!(seen, expected, "tokio, {kind:?} at read {at}");
            let mut reader = embedded::FrameReader::new(flaky(), decoder());
            let seen = embedded_read_resuming(&mut reader);
            assert_eq!(seen, expected, "embedded-io, {kind:?} at read {at}");
            let mut reader = embedded_async::FrameReader::new(flaky(), decoder());
            let seen = embedded_async_read_resuming(&mut reader);
            assert_eq!(seen, expected, "embedded-io-async, {kind:?} at read {at}");
        }
    }
}

#[test]
fn tokio_readers_and_writers_keep_their_configuration_and_show_it() {
    let config = Config::python_struct();
    let reader = tokio_io::FrameReader::new(&b""[..], header_decoder(config));
    assert_eq!(reader.config(), &config);
    assert!(format!("{reader:?}").starts_with("FrameReader"));
    let raw_reader = tokio_io::RawFrameReader::new(&b""[..], RawDecoder::new(config));
    assert_eq!(raw_reader.config(), &config);
    let writer = tokio_io::FrameWriter::new(Vec::new(), Encoder::<CAPACITY>::new(config).unwrap());
    assert_eq!(writer.config(), &config);
    assert!(format!("{writer:?}").starts_with("FrameWriter"));
    let raw_writer = tokio_io::RawFrameWriter::new(Vec::new(), RawEncoder::new(config));
    assert_eq!(raw_writer.config(), &config);
}

#[test]
fn embedded_readers_and_writers_keep_their_configuration() {
    let config = Config::python_struct();
    let flaky = || Flaky::new(b"", usize::MAX, ErrorKind::TimedOut);
    let encoder = || Encoder::<CAPACITY>::new(config).unwrap();
    let reader = embedded::FrameReader::new(flaky(), header_decoder(config));
    assert_eq!(reader.config(), &config);
    let reader = embedded::RawFrameReader::new(flaky(), RawDecoder::new(config));
    assert_eq!(reader.config(), &config);
    let writer = embedded::FrameWriter::new(Sink::default(), encoder());
    assert_eq!(writer.config(), &config);
    let writer = embedded::RawFrameWriter::new(Sink::default(), RawEncoder::new(config));
    assert_eq!(writer.config(), &config);
    let reader = embedded_async::FrameReader::new(flaky(), header_decoder(config));
    assert_eq!(reader.config(), &config);
    let reader = embedded_async::RawFrameReader::new(flaky(), RawDecoder::new(config));
    assert_eq!(reader.config(), &config);
    let writer = embedded_async::FrameWriter::new(Sink::default(), encoder());
    assert_eq!(writer.config(), &config);
    let writer = embedded_async::RawFrameWriter::new(Sink::default(), RawEncoder::new(config));
    assert_eq!(writer.config(), &config);
}

/// An async sink that records what reaches it.
#[derive(Default)]
struct Sink {
    bytes: Vec<u8>,
    flushed: usize,
    shut_down: bool,
}

impl tokio::io::AsyncWrite for Sink {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushed += 1;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shut_down = true;
        Poll::Ready(Ok(()))
    }
}

impl embedded_io::ErrorType for Sink {
    type Error = embedded_io::ErrorKind;
}

impl embedded_io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.flushed += 1;
        Ok(())
    }
}

impl embedded_io_async::Write for Sink {
    async fn write(&mut self, buf: &[u8]) -> Result<usize, Self::Error> {
        embedded_io::Write::write(self, buf)
    }

    async fn flush(&mut self) -> Result<(), Self::Error> {
        embedded_io::Write::flush(self)
    }
}

#[test]
fn embedded_writers_count_the_body_down_and_flush_their_transport() {
    let mut writer =
        embedded::RawFrameWriter::new(Sink::default(), RawEncoder::new(Config::default()));
    writer.write_start(3).unwrap();
    writer.write_body(b"a").unwrap();
    assert_eq!(writer.remaining(), Some(2));
    writer.write_body(b"bc").unwrap();
    writer.end_frame().unwrap();
    assert_eq!(writer.remaining(), None);
    writer.flush().unwrap();
    assert_eq!(writer.get_ref().flushed, 1);
    assert_eq!(writer.into_inner().bytes, b"\0\0\0\x03abc");

    let mut writer =
        embedded_async::RawFrameWriter::new(Sink::default(), RawEncoder::new(Config::default()));
    block_on(async {
        writer.write_start(3).await.unwrap();
        writer.write_body(b"a").await.unwrap();
        assert_eq!(writer.remaining(), Some(2));
        writer.write_body(b"bc").await.unwrap();
        writer.end_frame().unwrap();
        assert_eq!(writer.remaining(), None);
        writer.flush().await.unwrap();
    });
    assert_eq!(writer.get_ref().flushed, 1);
    assert_eq!(writer.into_inner().bytes, b"\0\0\0\x03abc");
}

#[test]
fn tokio_writer_flushes_and_shuts_down_its_transport() {
    let mut writer =
        tokio_io::RawFrameWriter::new(Sink::default(), RawEncoder::new(Config::default()));
    block_on(async {
        writer.write_start(3).await.unwrap();
        assert_eq!(writer.remaining(), Some(3));
        let copied = writer.write_body_from(&mut &b"abc"[..]).await.unwrap();
        assert_eq!(copied, 3);
        assert_eq!(writer.remaining(), None, "the frame is closed");
        writer.flush().await.unwrap();
        assert_eq!(writer.get_ref().flushed, 1);
        writer.shutdown().await.unwrap();
    });
    assert!(writer.get_ref().shut_down);
    assert_eq!(writer.into_inner().bytes, b"\0\0\0\x03abc");
}

#[test]
fn every_reader_shows_the_header_while_its_body_is_read() {
    let wire = hello_frames(2);
    let mut two = [0u8; 2];
    let shown = |header: Option<unstick::Header<'_>>| header.map(header_seen);
    let hello = Some(common::header(HELLO, 5));

    let mut reader = tokio_io::FrameReader::new(
        Script::new(&[&wire], true),
        header_decoder(Config::default()),
    );
    block_on(async {
        assert_eq!(shown(reader.decoder().header()), None);
        reader.next_header().await.unwrap().unwrap();
        assert_eq!(reader.read_body(&mut two).await.unwrap(), 2);
        assert_eq!(shown(reader.decoder().header()), hello, "tokio");
    });

    let mut reader = embedded::FrameReader::new(
        Script::new(&[&wire], false),
        header_decoder(Config::default()),
    );
    assert_eq!(shown(reader.decoder().header()), None);
    reader.next_header().unwrap().unwrap();
    assert_eq!(reader.read_body(&mut two).unwrap(), 2);
    assert_eq!(shown(reader.decoder().header()), hello, "embedded-io");

    let mut reader = embedded_async::FrameReader::new(
        Script::new(&[&wire], true),
        header_decoder(Config::default()),
    );
    block_on(async {
        assert_eq!(shown(reader.decoder().header()), None);
        reader.next_header().await.unwrap().unwrap();
        assert_eq!(reader.read_body(&mut two).await.unwrap(), 2);
        assert_eq!(shown(reader.decoder().header()), hello, "embedded-io-async");
    });
}

type EmbeddedError = embedded::Error<embedded_io::ErrorKind>;

fn zero_capacity_decoder() -> Result<Decoder<0>, EmbeddedError> {
    Ok(Decoder::<0>::new(Config::default())?)
}

/// Decodes `input` to its end with `?` in a function returning the
/// embedded error.
fn decode_to_the_end(mut input: &[u8]) -> Result<usize, EmbeddedError> {
    let mut decoder = Decoder::<CAPACITY>::new(Config::default())?;
    let mut events = 0;
    while decoder.decode(&mut input)?.is_some() {
        events += 1;
    }
    decoder.finish()?;
    Ok(events)
}

#[test]
fn question_mark_turns_core_errors_into_the_embedded_error() {
    use embedded_io::Error as _;
    let err = zero_capacity_decoder().unwrap_err();
    assert_eq!(err, embedded::Error::Config(ConfigError::ZeroHeaderLimit));
    assert_eq!(err.kind(), embedded_io::ErrorKind::InvalidInput);

    assert_eq!(decode_to_the_end(&hello_frames(2)), Ok(6));
    let err = decode_to_the_end(&[0, 0, 0, 0]).unwrap_err();
    assert_eq!(err, embedded::Error::Decode(DecodeError::HeaderLenZero));
    assert_eq!(err.kind(), embedded_io::ErrorKind::InvalidData);
    assert_eq!(
        decode_to_the_end(&hello_frames(1)[..20]),
        Err(embedded::Error::Decode(DecodeError::TruncatedBody {
            missing: 4
        }))
    );
}
