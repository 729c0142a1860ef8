"""Encoders: round trips through the decoders, the tutorial's exact bytes,
and every refusal, each leaving the encoder as it was."""

from __future__ import annotations

import json
import random
import struct

import pytest

from unstick_frames import (
    FRAME_END,
    Body,
    BodyKeyNeedsEscape,
    BodyLenMismatch,
    BodyOverrun,
    BodyUnderrun,
    Config,
    Decoder,
    DuplicateBodyKey,
    EmptyBodyKey,
    EncodeBodyTooLong,
    EncodeError,
    EncodeHeaderTooLong,
    Encoder,
    FrameInProgress,
    Header,
    LengthOutOfRange,
    NoFrameInProgress,
    NotAnObject,
    Prefix,
    RawDecoder,
    RawEncoder,
    Start,
    ZeroHeaderLimit,
)

PREFIXES = [Prefix(w, e, s) for w in (1, 2, 4, 8) for e in ("big", "little") for s in (False, True)]


def frames_of(events: list) -> list:
    """(header or start, body bytes) per frame."""
    frames: list = []
    for event in events:
        if isinstance(event, (Header, Start)):
            frames.append([event, bytearray()])
        elif isinstance(event, Body):
            frames[-1][1] += event.chunk
    return [(first, bytes(body)) for first, body in frames]


@pytest.mark.parametrize("prefix", PREFIXES, ids=repr)
def test_header_frames_round_trip_in_random_pieces(prefix: Prefix) -> None:
    rng = random.Random(prefix.width * 10 + prefix.signed)
    config = Config(prefix=prefix, max_header_len=min(prefix.max_len, 4096))
    encoder, wire, sent = Encoder(config), bytearray(), []
    for index in range(40):
        body = rng.randbytes(rng.randrange(0, 300))
        header = {"file_name": f"f{index}\u00e9.bin", "file_size": len(body), "n": [index, None]}
        wire += encoder.frame(header, body)
        sent.append((header, body))
    decoder, events, at = Decoder(config), [], 0
    while at < len(wire):
        step = rng.randrange(1, 200)
        events += decoder.feed(bytes(wire[at : at + step]))
        at += step
    decoder.finish()
    got = frames_of(events)
    assert [(h.parse(), b) for h, b in got] == sent
    assert all(h.body_len == len(b) for h, b in got)


def test_streaming_a_body_in_chunks_equals_the_whole_frame() -> None:
    whole = Encoder().frame({"file_size": 10}, b"0123456789")
    encoder = Encoder()
    parts = [encoder.start({"file_size": 10})]
    parts += [bytes(encoder.body(b"0123")), bytes(encoder.body(memoryview(b"456789")))]
    encoder.end_frame()
    assert b"".join(parts) == whole
    assert encoder.remaining is None


def test_python_struct_profile_writes_the_tutorials_bytes() -> None:
    header = json.dumps({"file_name": "a.txt", "file_size": 3})
    tutorial = struct.pack("i", len(header)) + header.encode() + b"abc"
    assert Encoder(Config.python_struct()).frame(header, b"abc") == tutorial
    events = Decoder(Config.python_struct()).feed(tutorial)
    assert events[0] == Header(header, 3) and bytes(events[1].chunk) == b"abc" and events[2] is FRAME_END


def test_raw_frames_round_trip() -> None:
    config = Config.python_struct()
    wire = RawEncoder(config).frame(b"dir\r\n") + RawEncoder(config).frame(b"")
    encoder = RawEncoder(config)
    wire += encoder.start(3) + bytes(encoder.body(b"abc"))
    encoder.end_frame()
    assert frames_of(RawDecoder(config).feed(wire)) == [(Start(5), b"dir\r\n"), (Start(0), b""), (Start(3), b"abc")]


@pytest.mark.parametrize(
    "header, error",
    [
        ('{"file_size":1,"file_size":1}', DuplicateBodyKey(15)),
        ("[1]", NotAnObject("array")),
        ({"pad": "x" * 70000}, EncodeHeaderTooLong(70010, 65536)),
    ],
)
def test_the_encoder_refuses_headers_a_decoder_would_refuse(header: object, error: EncodeError) -> None:
    encoder = Encoder()
    with pytest.raises(EncodeError) as raised:
        encoder.start(header)  # type: ignore[arg-type]
    assert raised.value == error
    assert encoder.remaining is None


def test_the_encoder_counts_body_bytes() -> None:
    encoder = Encoder()
    with pytest.raises(NoFrameInProgress):
        encoder.body(b"x")
    encoder.start({"file_size": 3})
    with pytest.raises(BodyOverrun) as overrun:
        encoder.body(b"abcd")
    assert overrun.value == BodyOverrun(3, 4)
    encoder.body(b"ab")
    with pytest.raises(FrameInProgress):
        encoder.start({"file_size": 1})
    with pytest.raises(BodyUnderrun) as underrun:
        encoder.end_frame()
    assert underrun.value.missing == 1
    encoder.body(b"c")
    encoder.end_frame()
    with pytest.raises(BodyLenMismatch) as mismatch:
        encoder.frame({"file_size": 2}, b"abc")
    assert str(mismatch.value) == "header declares a body of 2 bytes but 3 were given"


def test_limits_and_prefix_range_are_checked_before_writing() -> None:
    one_byte = Config(prefix=Prefix(1, "big", True), max_header_len=1000)
    with pytest.raises(LengthOutOfRange) as raised:
        Encoder(one_byte).frame({"pad": "x" * 200})
    assert raised.value == LengthOutOfRange(210, 127)
    with pytest.raises(EncodeBodyTooLong):
        Encoder(Config(max_body_len=4)).start({"file_size": 5})
    with pytest.raises(EncodeBodyTooLong):
        RawEncoder(Config(max_body_len=4)).frame(b"12345")
    with pytest.raises(LengthOutOfRange):
        RawEncoder(Config(prefix=Prefix(1, "big", False))).start(256)


def test_configs_are_validated_when_built() -> None:
    with pytest.raises(EmptyBodyKey):
        Config(body_key="")
    for key in ['a"b', "a\\b", "tab\there", "\x01"]:
        with pytest.raises(BodyKeyNeedsEscape):
            Config(body_key=key)
    with pytest.raises(ZeroHeaderLimit):
        Config(max_header_len=0)
    with pytest.raises(ValueError):
        Prefix(3)
    assert Config(body_key="总大小").body_key == "总大小"
    assert Config.python_struct().with_(prefix=Prefix.DEFAULT) == Config.default()  # type: ignore[attr-defined]
