"""The sans-IO encoders: frames out as bytes, body lengths counted.

- :class:`Encoder` writes header frames. The header is a ``dict`` (serialized
  with ``json.dumps``, compact, UTF-8) or ready JSON text (``str`` or
  ``bytes``, sent as it is). Every header is checked with the same rules the
  decoder applies, so the encoder cannot send what a decoder would refuse.
- :class:`RawEncoder` writes raw frames.

Both count body bytes against the declared length: a frame whose body
differs from its header cannot be produced. On an error the encoder's state
is as it was before the call.

>>> encoder = Encoder(Config.default())
>>> encoder.frame({"file_name": "a.txt", "file_size": 5}, b"hello")
b'\\x00\\x00\\x00#{"file_name":"a.txt","file_size":5}hello'
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional, Union

from .config import Config
from .decoder import Bytes
from .errors import (
    BodyLenMismatch,
    BodyOverrun,
    BodyUnderrun,
    EncodeBodyTooLong,
    EncodeHeaderTooLong,
    FrameInProgress,
    LengthOutOfRange,
    NoFrameInProgress,
)
from .header import HeaderChecker

__all__ = ["Encoder", "RawEncoder", "HeaderValue"]

#: What an encoder takes as a header.
HeaderValue = Union[Mapping[str, Any], str, bytes]


class _FrameEncoder:
    """Prefix writing and body counting, shared by both frame kinds."""

    def __init__(self, config: Config) -> None:
        self._config = config
        self._remaining: Optional[int] = None

    @property
    def config(self) -> Config:
        """The configuration this encoder was built with."""
        return self._config

    @property
    def remaining(self) -> Optional[int]:
        """Body bytes the open frame still expects; None when no frame is open."""
        return self._remaining

    def body(self, chunk: Bytes) -> Bytes:
        """Counts ``chunk`` as the next body bytes and returns it unchanged, to be sent.

        Raises ``NoFrameInProgress`` or ``BodyOverrun``.
        """
        remaining = self._remaining
        if remaining is None:
            raise NoFrameInProgress()
        size = memoryview(chunk).nbytes
        if size > remaining:
            raise BodyOverrun(remaining, size)
        self._remaining = remaining - size
        return chunk

    def end_frame(self) -> None:
        """Closes the open frame; raises ``BodyUnderrun`` if body bytes are missing."""
        if self._remaining:
            raise BodyUnderrun(self._remaining)
        self._remaining = None

    def _check_idle(self) -> None:
        if self._remaining:
            raise FrameInProgress(self._remaining)

    def _prefix(self, length: int) -> bytes:
        prefix = self._config.prefix
        if length > prefix.max_len:
            raise LengthOutOfRange(length, prefix.max_len)
        return prefix.pack(length)

    def _check_body_len(self, length: int) -> None:
        limit = self._config.body_limit
        if length > limit:
            raise EncodeBodyTooLong(length, limit)

    def _whole(self, declared: int, body: Bytes) -> None:
        actual = memoryview(body).nbytes
        if actual != declared:
            raise BodyLenMismatch(declared, actual)


class Encoder(_FrameEncoder):
    """Encodes header frames: ``prefix | JSON header | body``."""

    def __init__(self, config: Optional[Config] = None) -> None:
        super().__init__(config if config is not None else Config.default())
        self._checker = HeaderChecker(self._config.body_key)

    def start(self, header: HeaderValue) -> bytes:
        """Opens a frame: returns prefix and header bytes; the body follows
        through :meth:`body` and the frame closes with :meth:`end_frame`.

        Raises ``FrameInProgress``, a ``HeaderError`` for a header the decoder
        would refuse, ``EncodeHeaderTooLong``, ``LengthOutOfRange``,
        ``EncodeBodyTooLong``.
        """
        self._check_idle()
        data, body_len = self._checked(header)
        self._remaining = body_len
        return data

    def frame(self, header: HeaderValue, body: Bytes = b"") -> bytes:
        """One whole frame as bytes; the header must declare ``len(body)``.

        Raises as :meth:`start`, plus ``BodyLenMismatch``.
        """
        self._check_idle()
        data, body_len = self._checked(header)
        self._whole(body_len, body)
        self._remaining = None
        return data + bytes(body)

    def _checked(self, header: HeaderValue) -> "tuple[bytes, int]":
        data = _serialize(header)
        config = self._config
        if len(data) > config.max_header_len:
            raise EncodeHeaderTooLong(len(data), config.max_header_len)
        _, body_len, _ = self._checker.check(data)
        prefix = self._prefix(len(data))
        self._check_body_len(body_len)
        return prefix + data, body_len


class RawEncoder(_FrameEncoder):
    """Encodes raw frames: ``prefix | payload``."""

    def __init__(self, config: Optional[Config] = None) -> None:
        super().__init__(config if config is not None else Config.default())

    def start(self, length: int) -> bytes:
        """Opens a raw frame of ``length`` payload bytes: returns the prefix.

        Raises ``FrameInProgress``, ``LengthOutOfRange``, ``EncodeBodyTooLong``.
        """
        self._check_idle()
        prefix = self._prefix(length)
        self._check_body_len(length)
        self._remaining = length
        return prefix

    def frame(self, payload: Bytes) -> bytes:
        """One whole raw frame as bytes."""
        self._check_idle()
        length = memoryview(payload).nbytes
        prefix = self._prefix(length)
        self._check_body_len(length)
        self._remaining = None
        return prefix + bytes(payload)


def _serialize(header: HeaderValue) -> bytes:
    if isinstance(header, bytes):
        return header
    if isinstance(header, str):
        return header.encode("utf-8")
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")
