"""Decoder behaviour beyond the vectors: zero-copy bodies, sticky errors,
reset, accessors, and the limits checked before anything is buffered."""

from __future__ import annotations

import pytest

from unstick_frames import (
    FRAME_END,
    Body,
    Config,
    Decoder,
    Header,
    HeaderTooLong,
    Part,
    TruncatedBody,
)

HELLO = b'\x00\x00\x00\x0f{"file_size":5}hello'


def test_body_chunks_are_views_of_the_fed_bytes() -> None:
    data = HELLO * 2
    events = Decoder().feed(data)
    chunk = events[1].chunk
    assert isinstance(chunk, memoryview) and chunk.obj is data and bytes(chunk) == b"hello"
    shared = bytearray(HELLO)
    body = Decoder().feed(memoryview(shared))[1]
    shared[-5:] = b"HELLO"
    assert bytes(body.chunk) == b"HELLO", "no copy was made"


def test_errors_are_final_until_reset() -> None:
    decoder = Decoder(Config(max_header_len=8))
    with pytest.raises(HeaderTooLong) as first:
        decoder.feed(HELLO + HELLO)
    assert first.value.consumed == 4 and first.value.events == []
    assert decoder.part == Part.FAILED and decoder.needed() == 0
    with pytest.raises(HeaderTooLong) as again:
        decoder.feed(b"more")
    assert again.value == first.value and again.value is not first.value
    with pytest.raises(HeaderTooLong):
        decoder.finish()
    decoder.reset()
    assert decoder.is_at_frame_boundary()


def test_a_huge_announced_header_is_refused_before_it_is_buffered() -> None:
    decoder = Decoder()
    with pytest.raises(HeaderTooLong) as raised:
        decoder.feed(b"\xff\xff\xff\xff" + b"{" * 100)
    assert raised.value.consumed == 4


def test_accessors_follow_the_parts_of_a_frame() -> None:
    decoder = Decoder()
    assert decoder.needed() == 4 and decoder.part == Part.PREFIX and decoder.header is None
    assert decoder.feed(HELLO[:2]) == []
    assert decoder.needed() == 2 and not decoder.is_at_frame_boundary()
    assert decoder.feed(HELLO[2:12]) == []
    assert decoder.part == Part.HEADER and decoder.needed() == 7
    [header] = decoder.feed(HELLO[12:19])
    assert header == Header('{"file_size":5}', 5) and decoder.header is header
    assert decoder.part == Part.BODY and decoder.needed() == 5
    events = decoder.feed(HELLO[19:])
    assert isinstance(events[0], Body) and events[1] is FRAME_END
    assert decoder.header is None and decoder.is_at_frame_boundary()


def test_decode_returns_one_event_and_leaves_the_next_frame() -> None:
    decoder = Decoder()
    data = HELLO + HELLO[:6]
    event, pos = decoder.decode(data)
    assert isinstance(event, Header) and pos == 19
    event, pos = decoder.decode(data, pos)
    assert bytes(event.chunk) == b"hello" and pos == 24
    event, pos = decoder.decode(data, pos)
    assert event is FRAME_END and pos == 24, "the next prefix is not touched"


def test_truncation_is_reported_by_finish() -> None:
    decoder = Decoder()
    decoder.feed(HELLO[:-2])
    with pytest.raises(TruncatedBody) as raised:
        decoder.finish()
    assert str(raised.value) == "input ended inside a body, 2 bytes short"


def test_header_parse_gives_the_dict() -> None:
    json = b'{"file_name": "\\u7535\\u5f71.mp4", "file_size": 0}'
    [header, *_] = Decoder().feed(len(json).to_bytes(4, "big") + json)
    assert header.parse() == {"file_name": "电影.mp4", "file_size": 0}
