"""Blocking helpers: frames over a socket (or a binary file).

Thin loops around the sans-IO :class:`~unstick_frames.Decoder` and
:class:`~unstick_frames.Encoder`: the reader fills one reusable buffer with
``recv_into`` (or ``readinto``) and hands out the decoder's events; the
writer sends what the encoder produces with ``sendall`` (or ``write``).

>>> import socket
>>> left, right = socket.socketpair()
>>> FrameWriter(left, Encoder()).send_frame({"file_name": "a.txt", "file_size": 5}, b"hello")
>>> left.close()
>>> reader = FrameReader(right, Decoder())
>>> header, body = reader.read_frame()
>>> header.parse()["file_name"], body
('a.txt', b'hello')
>>> reader.read_frame() is None
True
>>> right.close()
"""

from __future__ import annotations

from typing import Any, BinaryIO, Iterator, Optional, Tuple, Union

from .decoder import Body, Bytes, Decoder, FrameEnd, Header, RawDecoder, Start
from .encoder import Encoder, HeaderValue, RawEncoder

__all__ = ["FrameReader", "FrameWriter", "BUFFER_SIZE", "collect_frame"]

#: The reader's buffer size and the writer's copy size.
BUFFER_SIZE = 64 * 1024

AnyDecoder = Union[Decoder, RawDecoder]
AnyEncoder = Union[Encoder, RawEncoder]


def collect_frame(first: Any, events: Iterator[Any]) -> Tuple[Any, bytes]:
    """Joins the body chunks that follow ``first`` (a Header or Start) up to the frame end."""
    body = bytearray()
    for event in events:
        if isinstance(event, Body):
            body += event.chunk
        elif isinstance(event, FrameEnd):
            return first, bytes(body)
    raise EOFError("the stream ended inside a frame")


class FrameReader:
    """Events from a blocking socket or binary file, through ``decoder``.

    A :class:`Body` chunk is a view of the reader's buffer: it is valid until
    the next call to the reader (copy it with ``bytes(chunk)`` to keep it).
    The reader never reads more than its buffer, and the decoder never
    consumes past the event it returns: :meth:`buffered` holds the rest.
    """

    def __init__(self, stream: Any, decoder: AnyDecoder, buffer_size: int = BUFFER_SIZE) -> None:
        self._stream = stream
        self._decoder = decoder
        self._view = memoryview(bytearray(buffer_size))
        self._start = 0
        self._end = 0
        # The filled part of the buffer, which the decoder reads.
        self._window = self._view[:0]
        self._fill = getattr(stream, "recv_into", None) or stream.readinto

    @property
    def decoder(self) -> AnyDecoder:
        """The decoder, e.g. for ``decoder.header`` while a body is read."""
        return self._decoder

    def buffered(self) -> bytes:
        """Bytes read from the stream that the decoder has not used yet."""
        return bytes(self._view[self._start : self._end])

    def next_event(self) -> Optional[Any]:
        """The next event; None at a clean end of the stream (between frames).

        Raises the decoder's errors; at an end of stream inside a frame, the
        truncation error (``TruncatedPrefix``, ``TruncatedHeader``, ``TruncatedBody``).
        """
        while True:
            event, self._start = self._decoder._step(self._window, self._start)
            if event is not None:
                return event
            count = self._fill(self._view)
            if not count:
                self._decoder.finish()
                return None
            self._start, self._end = 0, count
            self._window = self._view[:count]

    def __iter__(self) -> Iterator[Any]:
        """Every event up to the clean end of the stream."""
        while True:
            event = self.next_event()
            if event is None:
                return
            yield event

    def read_frame(self) -> Optional[Tuple[Any, bytes]]:
        """The next whole frame: ``(Header or Start, body bytes)``; None at a clean end.

        The body is held in memory: set ``max_body_len`` in the config to bound it.
        """
        first = self.next_event()
        if first is None:
            return None
        if not isinstance(first, (Header, Start)):
            raise ValueError("read_frame was called in the middle of a frame")
        return collect_frame(first, iter(self))


class FrameWriter:
    """Frames to a blocking socket or binary file, through ``encoder``."""

    def __init__(self, stream: Any, encoder: AnyEncoder) -> None:
        self._stream = stream
        self._encoder = encoder
        self._send = getattr(stream, "sendall", None) or stream.write

    @property
    def encoder(self) -> AnyEncoder:
        """The encoder (its ``remaining`` tells how much body is still owed)."""
        return self._encoder

    def send_frame(self, *frame: Any) -> None:
        """Sends one whole frame, in one write: the encoder's ``frame``
        arguments, ``(header, body)`` for an Encoder, ``(payload,)`` for a RawEncoder."""
        self._send(self._encoder.frame(*frame))

    def start(self, header: Union[HeaderValue, int]) -> None:
        """Sends the prefix and header (raw writer: pass the payload length)."""
        self._send(self._encoder.start(header))  # type: ignore[arg-type]

    def write_body(self, chunk: Bytes) -> None:
        """Sends the next body bytes of the open frame."""
        self._send(self._encoder.body(chunk))

    def end_frame(self) -> None:
        """Closes the open frame (``BodyUnderrun`` if bytes are missing)."""
        self._encoder.end_frame()

    def send_file(self, header: Union[HeaderValue, int], source: BinaryIO) -> int:
        """Sends a frame whose body is read from ``source``; returns the body length.

        The header must declare exactly the bytes ``source`` holds.
        """
        self.start(header)
        buffer = memoryview(bytearray(BUFFER_SIZE))
        total = 0
        while True:
            count = source.readinto(buffer)  # type: ignore[attr-defined]
            if not count:
                break
            self.write_body(buffer[:count])
            total += count
        self.end_frame()
        return total
