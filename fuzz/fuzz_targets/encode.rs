//! Arbitrary calls with arbitrary header values, body lengths and output
//! buffer sizes: the encoder never panics, refuses exactly when a reason
//! holds (and then leaves its output buffer and state untouched), and every
//! byte it accepts decodes to the frames it was asked for. Headers come in
//! every shape of [`Shape`]: the encoder writes serde-json-core's bytes in
//! each, and refuses what serde-json-core would panic on or write unescaped.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unstick::{DecodeError, EncodeError};
use unstick_fuzz::encoders::Encoders;
use unstick_fuzz::inputs::{Calls, HeaderSpec, Op};
use unstick_fuzz::json::{HeaderMap, ORACLE_CAPACITY, header_verdict};
use unstick_fuzz::setup::{CAPACITY, SMALL_CAPACITY};
use unstick_fuzz::shapes::Shape;
use unstick_fuzz::{Kind, Seen, Setup, decode_checked};

/// Bytes the output buffers are filled with, to see what was written.
const UNTOUCHED: u8 = 0xa5;

/// An output buffer size: enough for any frame here (prefix, a header of at
/// most `CAPACITY` bytes, a body of at most 255) or too small by any amount.
fn out_size(chosen: u16) -> usize {
    usize::from(chosen) % 1024
}

fuzz_target!(|calls: Calls| {
    let setup = calls.config.setup();
    match setup.capacity() {
        SMALL_CAPACITY => Model::<SMALL_CAPACITY>::new(setup).run(&calls.ops),
        _ => Model::<CAPACITY>::new(setup).run(&calls.ops),
    }
});

/// The encoder next to what it should do: the body bytes the open frame
/// still expects, and the wire so far with the events it must decode to.
struct Model<const N: usize> {
    encoder: Encoders<N>,
    setup: Setup,
    open: Option<u64>,
    wire: Vec<u8>,
    expected: Vec<Seen>,
}

impl<const N: usize> Model<N> {
    fn new(setup: Setup) -> Self {
        Self {
            encoder: Encoders::new(&setup),
            setup,
            open: None,
            wire: Vec::new(),
            expected: Vec::new(),
        }
    }

    fn run(mut self, ops: &[Op]) {
        for op in ops {
            match op {
                Op::Header { header, out } => self.header(header, None, *out),
                Op::Frame { header, body, out } => self.header(header, Some(*body), *out),
                Op::Raw { len, out } => self.raw(*len, None, u16::from(*out)),
                Op::RawFrame { len, out } => self.raw(u64::from(*len), Some(*len), *out),
                Op::Body { len } => self.body(*len),
                Op::EndFrame => self.end_frame(),
                Op::Reset => self.reset(),
            }
            assert_eq!(self.encoder.remaining(), self.open);
        }
        self.check_wire();
    }

    fn width(&self) -> usize {
        self.setup.config.prefix().size()
    }

    /// What every call but `body` and `end_frame` must refuse first.
    fn state_refusals(&self, reasons: &mut Vec<EncodeError>) {
        if let Some(remaining) = self.open {
            reasons.push(EncodeError::FrameInProgress { remaining });
        }
    }

    fn length_refusals(&self, len: u64, reasons: &mut Vec<EncodeError>) {
        let max = self.setup.config.max_body_len();
        if len > max {
            reasons.push(EncodeError::BodyTooLong { len, max });
        }
    }

    /// `header` (no body) or `frame` (a body of `body` bytes); nothing
    /// for raw frames, whose encoder has no such call.
    fn header(&mut self, spec: &HeaderSpec, body: Option<u8>, out_len: u16) {
        if self.setup.kind != Kind::Header {
            return;
        }
        let key = self.setup.config.body_key();
        let map = HeaderMap::new(&spec.extra, key, spec.body.clone(), spec.at);
        let shape = Shape::of(spec.at, &map);
        if shape.unwritable() {
            return self.unsupported(&shape, body, out_len);
        }
        let json = shape.reference_json();
        let json_len = json.len();
        let mut reasons = Vec::new();
        self.state_refusals(&mut reasons);
        let limit = self.setup.header_limit();
        let mut declared = None;
        if json_len > limit {
            reasons.push(EncodeError::HeaderTooLong { max: limit });
        } else {
            match header_verdict(&json, key) {
                Ok(len) => declared = Some(len),
                Err(err) => reasons.push(EncodeError::InvalidHeader(err)),
            }
        }
        let prefix_max = self.setup.config.prefix().max_len();
        if json_len as u64 > prefix_max {
            reasons.push(EncodeError::LengthOutOfRange {
                len: json_len as u64,
                max: prefix_max,
            });
        }
        let body = body.map(|len| vec![0x5a; usize::from(len)]);
        let mut required = self.width() + json_len;
        if let Some(declared) = declared {
            self.length_refusals(declared, &mut reasons);
            if let Some(body) = &body
                && declared != body.len() as u64
            {
                reasons.push(EncodeError::BodyLenMismatch {
                    declared,
                    actual: body.len() as u64,
                });
            }
        }
        required += body.as_ref().map_or(0, Vec::len);
        let mut out = vec![UNTOUCHED; out_size(out_len)];
        if out.len() < required {
            reasons.push(EncodeError::BufferTooSmall {
                required,
                available: out.len(),
            });
        }
        let encoder = self.encoder.header_frames().expect("a header frame setup");
        let result = match &body {
            Some(body) => encoder.frame(&shape, body, &mut out),
            None => encoder.header(&shape, &mut out),
        };
        let Some(written) = self.judge(result, &reasons, &out) else {
            return;
        };
        assert_eq!(written, required);
        assert_eq!(out[self.width()..self.width() + json_len], json);
        let declared = declared.expect("an accepted header has a verdict");
        self.wire.extend_from_slice(&out[..written]);
        self.expected.push(Seen::Header {
            json: String::from_utf8(json).expect("headers are UTF-8"),
            body_len: declared,
        });
        self.opened(declared);
        if let Some(body) = body {
            self.expect_body(&body);
            assert_eq!(self.open, Some(0));
            self.open = None;
        }
    }

    /// A header serde-json-core would panic on or write as invalid JSON:
    /// refused, with the output buffer and the state untouched.
    fn unsupported(&mut self, shape: &Shape<'_>, body: Option<u8>, out_len: u16) {
        let mut out = vec![UNTOUCHED; out_size(out_len)];
        let body = body.map(|len| vec![0x5a; usize::from(len)]);
        let encoder = self.encoder.header_frames().expect("a header frame setup");
        let result = match &body {
            Some(body) => encoder.frame(shape, body, &mut out),
            None => encoder.header(shape, &mut out),
        };
        assert!(
            result.is_err(),
            "accepted what serde-json-core cannot write"
        );
        assert!(
            out.iter().all(|&b| b == UNTOUCHED),
            "a refusal touched the buffer"
        );
        assert_eq!(self.encoder.remaining(), self.open);
    }

    /// `start(len)` or `frame` of a payload of `payload` bytes; nothing for
    /// header frames, whose encoder has no such call.
    fn raw(&mut self, len: u64, payload: Option<u8>, out_len: u16) {
        if self.setup.kind != Kind::Raw {
            return;
        }
        let mut reasons = Vec::new();
        self.state_refusals(&mut reasons);
        self.length_refusals(len, &mut reasons);
        let max = self.setup.config.prefix().max_len();
        if len > max {
            reasons.push(EncodeError::LengthOutOfRange { len, max });
        }
        let payload = payload.map(|len| vec![0x3c; usize::from(len)]);
        let required = self.width() + payload.as_ref().map_or(0, Vec::len);
        let mut out = vec![UNTOUCHED; out_size(out_len)];
        if out.len() < required {
            reasons.push(EncodeError::BufferTooSmall {
                required,
                available: out.len(),
            });
        }
        let encoder = self.encoder.raw_frames().expect("a raw frame setup");
        let result = match &payload {
            Some(payload) => encoder.frame(payload, &mut out),
            None => encoder.start(len, &mut out),
        };
        let Some(written) = self.judge(result, &reasons, &out) else {
            return;
        };
        assert_eq!(written, required);
        self.wire.extend_from_slice(&out[..written]);
        self.expected.push(Seen::RawStart { len });
        self.opened(len);
        if let Some(payload) = payload {
            self.expect_body(&payload);
            assert_eq!(self.open, Some(0));
            self.open = None;
        }
    }

    /// Checks `result` against the reasons to refuse: `Ok` exactly when
    /// there are none, else one of them with `out` untouched. Returns the
    /// bytes written on success, all of them in front of untouched ones.
    fn judge(
        &self,
        result: Result<usize, EncodeError>,
        reasons: &[EncodeError],
        out: &[u8],
    ) -> Option<usize> {
        match result {
            Ok(written) => {
                assert!(reasons.is_empty(), "accepted despite {reasons:?}");
                assert!(
                    out[written..].iter().all(|&b| b == UNTOUCHED),
                    "wrote past its count"
                );
                Some(written)
            }
            Err(err) => {
                assert!(
                    reasons.contains(&err),
                    "refused with {err:?}, reasons: {reasons:?}"
                );
                assert!(
                    out.iter().all(|&b| b == UNTOUCHED),
                    "a refusal touched the buffer"
                );
                assert_eq!(
                    self.encoder.remaining(),
                    self.open,
                    "a refusal changed the state"
                );
                None
            }
        }
    }

    /// A frame whose body of `len` bytes is next on the wire.
    fn opened(&mut self, len: u64) {
        self.open = Some(len);
        if len == 0 {
            self.expected.push(Seen::FrameEnd);
        }
    }

    /// Body bytes that are on the wire.
    fn expect_body(&mut self, chunk: &[u8]) {
        let remaining = self.open.expect("a frame is open") - chunk.len() as u64;
        unstick_fuzz::seen::push_body(&mut self.expected, chunk);
        if remaining == 0 && !chunk.is_empty() {
            self.expected.push(Seen::FrameEnd);
        }
        self.open = Some(remaining);
    }

    fn body(&mut self, len: u8) {
        let chunk = vec![0x77; usize::from(len)];
        let result = self.encoder.body(&chunk);
        match self.open {
            None => assert_eq!(result, Err(EncodeError::NoFrameInProgress)),
            Some(remaining) if u64::from(len) > remaining => assert_eq!(
                result,
                Err(EncodeError::BodyOverrun {
                    remaining,
                    chunk: chunk.len()
                })
            ),
            Some(_) => {
                let sent = result.expect("a chunk within the body is taken");
                assert!(
                    std::ptr::eq(sent, &chunk[..]),
                    "body() must hand back the same slice"
                );
                self.wire.extend_from_slice(sent);
                self.expect_body(&chunk);
            }
        }
    }

    fn end_frame(&mut self) {
        let result = self.encoder.end_frame();
        match self.open {
            None => assert_eq!(result, Err(EncodeError::NoFrameInProgress)),
            Some(0) => {
                assert_eq!(result, Ok(()));
                self.open = None;
            }
            Some(missing) => assert_eq!(result, Err(EncodeError::BodyUnderrun { missing })),
        }
    }

    /// Abandons the open frame: the wire so far is checked and a new one starts.
    fn reset(&mut self) {
        self.encoder.reset();
        if self.open.is_some_and(|remaining| remaining > 0) {
            self.check_wire();
            self.wire.clear();
            self.expected.clear();
        }
        self.open = None;
    }

    /// The wire decodes to the expected events, then ends cleanly or inside
    /// the open frame's body.
    fn check_wire(&self) {
        let outcome = decode_checked(&self.setup, &self.wire, &[&self.wire]);
        let missing = self.open.filter(|&remaining| remaining > 0);
        assert_eq!(
            outcome.error,
            missing.map(|missing| DecodeError::TruncatedBody { missing })
        );
        assert_eq!(outcome.seen, self.expected);
    }
}

// Headers the oracle cannot judge are longer than any encoder here accepts.
const _: () = assert!(ORACLE_CAPACITY > CAPACITY);
