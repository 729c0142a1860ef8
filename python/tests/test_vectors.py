"""Every vector file under vectors/ through the Python decoders: fed whole, in
the vector's reads, a byte at a time and split at every point; the same
events, the same error (name, fields, message), the same bytes consumed, and
what finish says."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence, Tuple

import pytest

from conftest import load_vectors
from unstick_frames import (
    Body,
    Config,
    DecodeError,
    Decoder,
    FrameEnd,
    Header,
    HeaderError,
    Prefix,
    RawDecoder,
    Start,
)

VECTORS = load_vectors()


def vector_bytes(value: Any) -> bytes:
    """A byte string of the vector format: hex text, or runs to concatenate."""
    if isinstance(value, str):
        return bytes.fromhex(value)
    return b"".join(bytes.fromhex(run["hex"]) * run["repeat"] for run in value)


def decoder_for(config: Dict[str, Any]) -> Any:
    prefix = config["prefix"]
    wire = Prefix(prefix["width"], prefix["endian"], prefix["sign"] == "signed")
    if config["frame"] == "raw":
        return RawDecoder(Config(prefix=wire, max_body_len=config["max_body_len"]))
    return Decoder(
        Config(
            prefix=wire,
            body_key=config["body_key"],
            max_header_len=config["max_header_len"],
            max_body_len=config["max_body_len"],
        )
    )


def error_object(err: DecodeError) -> Dict[str, Any]:
    """An error as the vector files write it."""
    return {
        "name": type(err).__name__,
        "invalid_header": isinstance(err, HeaderError),
        **err.details(),
        "message": str(err),
    }


class Seen:
    """Events with body chunks merged, comparable with a vector's events."""

    def __init__(self) -> None:
        self.events: List[Dict[str, Any]] = []
        self.body: Optional[bytearray] = None

    def push(self, event: Any) -> None:
        if isinstance(event, Body):
            assert len(event.chunk) > 0, "a body chunk is never empty"
            if self.body is None:
                self.body = bytearray()
                self.events.append({"event": "body", "bytes": self.body})
            self.body += event.chunk
            return
        self.body = None
        if isinstance(event, Header):
            self.events.append({"event": "header", "json": event.json, "body_len": event.body_len})
        elif isinstance(event, Start):
            self.events.append({"event": "start", "len": event.len})
        else:
            assert isinstance(event, FrameEnd)
            self.events.append({"event": "frame_end"})


def expected_events(vector: Dict[str, Any]) -> List[Dict[str, Any]]:
    events = []
    for event in vector["events"]:
        if event["event"] == "body":
            event = {"event": "body", "bytes": bytearray(vector_bytes(event["bytes"]))}
        events.append(event)
    return events


def run(vector: Dict[str, Any], pieces: Sequence[bytes]) -> Tuple[Seen, Optional[DecodeError], Optional[DecodeError]]:
    """Feeds the pieces, then finishes: (events, feed error, finish error)."""
    decoder = decoder_for(vector["config"])
    seen = Seen()
    for piece in pieces:
        try:
            events = decoder.feed(piece)
        except DecodeError as err:
            for event in err.events:
                seen.push(event)
            with pytest.raises(DecodeError) as again:
                decoder.finish()
            return seen, err, again.value
        for event in events:
            seen.push(event)
    try:
        decoder.finish()
    except DecodeError as err:
        return seen, None, err
    return seen, None, None


def check(vector: Dict[str, Any], pieces: Sequence[bytes], how: str) -> None:
    seen, feed_error, finish_error = run(vector, pieces)
    assert seen.events == expected_events(vector), how
    assert (feed_error and error_object(feed_error)) == (vector["error"] or None), how
    assert (finish_error and error_object(finish_error)) == (vector["finish"] or None), how


def reads(vector: Dict[str, Any], data: bytes) -> List[bytes]:
    pieces, rest = [], data
    for size in vector["reads"]:
        pieces.append(rest[:size])
        rest = rest[size:]
    return pieces + [rest]


def names(vectors: Sequence[Dict[str, Any]]) -> List[str]:
    return [vector["name"] for vector in vectors]


def test_vector_files_hold_well_formed_and_hostile_vectors() -> None:
    clean = [v for v in VECTORS if v["error"] is None and v["finish"] is None]
    assert len(clean) >= 30 and len(VECTORS) - len(clean) >= 60
    assert len(set(names(VECTORS))) == len(VECTORS), "vector names are unique"


@pytest.mark.parametrize("vector", VECTORS, ids=names(VECTORS))
def test_vector_fed_whole(vector: Dict[str, Any]) -> None:
    data = vector_bytes(vector["input"])
    check(vector, [data], "whole")
    decoder = decoder_for(vector["config"])
    if vector["error"] is not None:
        with pytest.raises(DecodeError) as raised:
            decoder.feed(data)
        assert raised.value.consumed == vector["consumed"], "nothing is consumed past the bad field"
    else:
        decoder.feed(data)
        assert vector["consumed"] == len(data)


@pytest.mark.parametrize("vector", VECTORS, ids=names(VECTORS))
def test_vector_fed_in_its_reads(vector: Dict[str, Any]) -> None:
    check(vector, reads(vector, vector_bytes(vector["input"])), "scenario reads")


SMALL = [v for v in VECTORS if len(vector_bytes(v["input"])) < 1000]


@pytest.mark.parametrize("vector", SMALL, ids=names(SMALL))
def test_vector_fed_one_byte_at_a_time(vector: Dict[str, Any]) -> None:
    data = vector_bytes(vector["input"])
    check(vector, [data[i : i + 1] for i in range(len(data))], "bytewise")


@pytest.mark.parametrize("vector", SMALL, ids=names(SMALL))
def test_vector_split_at_every_point(vector: Dict[str, Any]) -> None:
    data = vector_bytes(vector["input"])
    for at in range(len(data) + 1):
        check(vector, [data[:at], data[at:]], f"split at {at}")


@pytest.mark.parametrize("vector", VECTORS, ids=names(VECTORS))
def test_vector_through_decode_one_event_at_a_time(vector: Dict[str, Any]) -> None:
    """decode() never uses a byte past the event it returns: the position it
    gives back, fed again, continues exactly where the frame ended."""
    data = vector_bytes(vector["input"])
    decoder = decoder_for(vector["config"])
    seen, pos = Seen(), 0
    try:
        while True:
            event, pos = decoder.decode(data, pos)
            if event is None:
                break
            seen.push(event)
    except DecodeError as err:
        assert error_object(err) == vector["error"]
        assert err.consumed == vector["consumed"]
    else:
        assert vector["error"] is None and pos == len(data)
    assert seen.events == expected_events(vector)
