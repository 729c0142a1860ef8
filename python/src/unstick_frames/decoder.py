"""The sans-IO decoders: bytes in, events out, no sockets (SPEC.md, sections 3-7).

- :class:`Decoder` reads header frames: ``prefix | JSON header | body``, and
  yields :class:`Header`, then :class:`Body` chunks, then :data:`FRAME_END`.
- :class:`RawDecoder` reads raw frames: ``prefix | payload``, and yields
  :class:`Start`, then :class:`Body` chunks, then :data:`FRAME_END`.

Both keep their state between calls, look at every byte once, check the
header and body limits as soon as the prefix (or header) is complete and
before buffering anything, and hand body bytes out as ``memoryview`` slices
of the bytes you passed in (no copy). A body of length 0 yields no chunk and
no chunk is ever empty.

>>> decoder = Decoder(Config.default())
>>> events = decoder.feed(b'\\x00\\x00\\x00\\x0f{"file_size":5}hello')
>>> events[0].json, events[0].body_len, bytes(events[1].chunk), events[2] is FRAME_END
('{"file_size":5}', 5, b'hello', True)
>>> decoder.finish()

Two ways to drive them:

- :meth:`feed` takes all your bytes and returns every event they complete.
- :meth:`decode` returns at most one event and the position after the bytes it
  used, so it never consumes past a frame: what follows stays yours.

Errors are final: after one, every call raises it again until :meth:`reset`.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any, Dict, List, NoReturn, Optional, Tuple, Union

from .config import Config
from .errors import (
    BodyTooLong,
    DecodeError,
    HeaderLenZero,
    HeaderTooLong,
    NegativeLength,
    TruncatedBody,
    TruncatedHeader,
    TruncatedPrefix,
)
from .header import HeaderChecker

__all__ = [
    "Decoder",
    "RawDecoder",
    "Header",
    "Start",
    "Body",
    "FrameEnd",
    "FRAME_END",
    "Event",
    "RawEvent",
    "Part",
    "Bytes",
]

#: What the decoders accept as input.
Bytes = Union[bytes, bytearray, memoryview]


class Header:
    """A complete, checked header: its JSON text and the body length it declares."""

    __slots__ = ("json", "body_len", "_value")

    def __init__(self, json_text: str, body_len: int, value: Optional[Dict[str, Any]] = None) -> None:
        #: The header as JSON text, exactly as received.
        self.json = json_text
        #: The body length the header declares (0 when the body key is absent).
        self.body_len = body_len
        self._value = value

    def parse(self) -> Dict[str, Any]:
        """The header as a ``dict`` (``json.loads`` of the text, parsed at most once).

        For a duplicate key other than the body key the last value wins, as
        with ``json.loads``.
        """
        if self._value is None:
            self._value = json.loads(self.json)
        return self._value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Header) and (other.json, other.body_len) == (self.json, self.body_len)

    def __repr__(self) -> str:
        return f"Header(json={self.json!r}, body_len={self.body_len})"


class Start:
    """The prefix of a raw frame: ``len`` payload bytes follow."""

    __slots__ = ("len",)

    def __init__(self, length: int) -> None:
        #: The payload length.
        self.len = length

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Start) and other.len == self.len

    def __repr__(self) -> str:
        return f"Start(len={self.len})"


class Body:
    """The next bytes of a body: a ``memoryview`` of your input, never empty.

    The chunk is valid as long as the bytes you fed are; copy it
    (``bytes(event.chunk)``) to keep it past a buffer you reuse.
    """

    __slots__ = ("chunk", "remaining")

    def __init__(self, chunk: memoryview, remaining: int) -> None:
        #: Body bytes, never empty.
        self.chunk = chunk
        #: Body bytes still to come after this chunk.
        self.remaining = remaining

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Body) and (bytes(other.chunk), other.remaining) == (bytes(self.chunk), self.remaining)

    def __repr__(self) -> str:
        return f"Body(chunk=<{len(self.chunk)} bytes>, remaining={self.remaining})"


class FrameEnd:
    """The frame is complete; the next byte starts the next frame's prefix.

    There is one instance, :data:`FRAME_END`.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "FRAME_END"


#: The one ``FrameEnd`` event.
FRAME_END = FrameEnd()

#: What :class:`Decoder` yields.
Event = Union[Header, Body, FrameEnd]
#: What :class:`RawDecoder` yields.
RawEvent = Union[Start, Body, FrameEnd]


class Part:
    """Which part of a frame a decoder is in (the values of ``Decoder.part``)."""

    PREFIX = "prefix"
    HEADER = "header"
    BODY = "body"
    FAILED = "failed"


def _view(data: Bytes) -> memoryview:
    view = data if isinstance(data, memoryview) else memoryview(data)
    if view.format != "B" or view.ndim != 1:
        view = view.cast("B")
    return view


class _FrameDecoder(ABC):
    """The prefix and body handling both frame kinds share."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._width = config.prefix.width
        self._endian = config.prefix.endian
        self._signed = config.prefix.signed
        self._body_limit = config.body_limit
        self._buf = bytearray()
        self._header_len = 0
        self._remaining = 0
        self._error: Optional[DecodeError] = None
        # The part being read, and the method that reads it.
        self._part = Part.PREFIX
        self._step = self._prefix

    @property
    def config(self) -> Config:
        """The configuration this decoder was built with."""
        return self._config

    @property
    def part(self) -> str:
        """The part of the frame being read: a :class:`Part` value."""
        return self._part

    def reset(self) -> None:
        """Forgets the current frame and any error: the next byte starts a frame."""
        self._buf.clear()
        self._part = Part.PREFIX
        self._step = self._prefix
        self._remaining = 0
        self._error = None

    def is_at_frame_boundary(self) -> bool:
        """Whether the decoder stands between two frames (no byte of a frame seen)."""
        return self._part == Part.PREFIX and not self._buf

    def needed(self) -> int:
        """How many more bytes complete the part being read (0 after an error).

        A reader that asks its transport for at most this many bytes never
        reads past the current part.
        """
        if self._part == Part.PREFIX:
            return self._width - len(self._buf)
        if self._part == Part.HEADER:
            return self._header_len - len(self._buf)
        if self._part == Part.BODY:
            return self._remaining
        return 0

    def feed(self, data: Bytes) -> List[Any]:
        """Decodes all of ``data`` and returns the events it completes, in order.

        Raises the spec's ``DecodeError`` subclass; the exception's ``events``
        holds the events of this call before the error, its ``consumed`` how
        many bytes of ``data`` were used.
        """
        view = _view(data)
        events: List[Any] = []
        pos = 0
        try:
            while True:
                event, pos = self._step(view, pos)
                if event is None:
                    return events
                events.append(event)
        except DecodeError as err:
            err.events = events
            raise

    def decode(self, data: Bytes, pos: int = 0) -> Tuple[Optional[Any], int]:
        """Decodes at most one event from ``data[pos:]``.

        Returns ``(event, new_pos)``; ``(None, len(data))`` when the input is
        used up without completing an event. Never uses a byte past the event
        it returns. An error's ``consumed`` is the position after the
        offending prefix or header.
        """
        return self._step(_view(data), pos)

    def finish(self) -> None:
        """Says the input has ended: returns if it ended between two frames,
        else raises (and keeps) ``TruncatedPrefix``, ``TruncatedHeader`` or
        ``TruncatedBody`` with how many bytes were missing."""
        if self._error is not None:
            raise self._again()
        if self._part == Part.PREFIX and self._buf:
            self._fail(TruncatedPrefix(self._width - len(self._buf)), 0)
        if self._part == Part.HEADER:
            self._fail(TruncatedHeader(self._header_len - len(self._buf)), 0)
        if self._part == Part.BODY and self._remaining:
            self._fail(TruncatedBody(self._remaining), 0)

    def _again(self) -> DecodeError:
        """A fresh copy of the error that failed this decoder."""
        err = self._error
        assert err is not None
        return type(err)(**err.details())

    def _fail(self, err: DecodeError, consumed: int) -> NoReturn:
        self._error = err
        self._part = Part.FAILED
        self._step = self._failed
        err.consumed = consumed
        raise err

    def _failed(self, view: memoryview, pos: int) -> Tuple[Optional[Any], int]:
        raise self._again()

    def _body(self, view: memoryview, pos: int) -> Tuple[Optional[Any], int]:
        remaining = self._remaining
        if not remaining:
            self._part = Part.PREFIX
            self._step = self._prefix
            return FRAME_END, pos
        end = len(view)
        if pos >= end:
            return None, end
        if end - pos > remaining:
            end = pos + remaining
        remaining -= end - pos
        self._remaining = remaining
        return Body(view[pos:end], remaining), end

    def _prefix(self, view: memoryview, pos: int) -> Tuple[Optional[Any], int]:
        buf = self._buf
        end = pos + self._width - len(buf)
        if end > len(view):
            buf += view[pos:]
            return None, len(view)
        if buf:
            buf += view[pos:end]
            value = int.from_bytes(buf, self._endian, signed=self._signed)  # type: ignore[arg-type]
            buf.clear()
        else:
            value = int.from_bytes(view[pos:end], self._endian, signed=self._signed)  # type: ignore[arg-type]
        if value < 0:
            self._fail(NegativeLength(value), end)
        return self._prefix_complete(value, view, end)

    @abstractmethod
    def _prefix_complete(self, value: int, view: memoryview, pos: int) -> Tuple[Optional[Any], int]:
        """Acts on the length in a complete prefix, read up to ``pos``."""

    def _open_body(self, length: int, pos: int) -> None:
        if length > self._body_limit:
            self._fail(BodyTooLong(length, self._body_limit), pos)
        self._remaining = length
        self._part = Part.BODY
        self._step = self._body


class Decoder(_FrameDecoder):
    """Decodes header frames: ``prefix | JSON header | body`` (SPEC.md).

    Events: :class:`Header`, then :class:`Body` chunks, then :data:`FRAME_END`.
    """

    def __init__(self, config: Optional[Config] = None) -> None:
        super().__init__(config if config is not None else Config.default())
        self._current: Optional[Header] = None
        self._checker = HeaderChecker(self._config.body_key)
        self._max_header_len = self._config.max_header_len

    @property
    def header(self) -> Optional[Header]:
        """The current frame's header while its body is read, else None."""
        return self._current if self._part == Part.BODY else None

    def reset(self) -> None:
        """Forgets the current frame and any error: the next byte starts a frame."""
        super().reset()
        self._current = None

    def _prefix_complete(self, value: int, view: memoryview, pos: int) -> Tuple[Optional[Any], int]:
        if value == 0:
            self._fail(HeaderLenZero(), pos)
        if value > self._max_header_len:
            self._fail(HeaderTooLong(value, self._max_header_len), pos)
        self._header_len = value
        self._part = Part.HEADER
        self._step = self._header
        return self._header(view, pos)

    def _header(self, view: memoryview, pos: int) -> Tuple[Optional[Any], int]:
        buf = self._buf
        end = pos + self._header_len - len(buf)
        if end > len(view):
            buf += view[pos:]
            return None, len(view)
        if buf:
            buf += view[pos:end]
            data: Bytes = bytes(buf)
            buf.clear()
        else:
            data = view[pos:end]
        try:
            text, body_len, value = self._checker.check(data)
        except DecodeError as err:
            self._fail(err, end)
        self._open_body(body_len, end)
        self._current = Header(text, body_len, value)
        return self._current, end


class RawDecoder(_FrameDecoder):
    """Decodes raw frames: ``prefix | payload`` (SPEC.md).

    Events: :class:`Start`, then :class:`Body` chunks, then :data:`FRAME_END`.
    The body key and the header limit do not apply.
    """

    def __init__(self, config: Optional[Config] = None) -> None:
        super().__init__(config if config is not None else Config.default())

    def _prefix_complete(self, value: int, view: memoryview, pos: int) -> Tuple[Optional[Any], int]:
        self._open_body(value, pos)
        return Start(value), pos
