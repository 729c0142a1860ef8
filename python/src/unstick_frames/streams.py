"""asyncio helpers: frames over ``asyncio.StreamReader`` / ``StreamWriter``.

>>> import asyncio
>>> async def demo():
...     server_got = asyncio.get_running_loop().create_future()
...     async def serve(r, w):
...         server_got.set_result(await AsyncFrameReader(r, Decoder()).read_frame())
...         w.close()
...     server = await asyncio.start_server(serve, "127.0.0.1", 0)
...     port = server.sockets[0].getsockname()[1]
...     _, w = await asyncio.open_connection("127.0.0.1", port)
...     await AsyncFrameWriter(w, Encoder()).send_frame({"file_size": 2}, b"hi")
...     header, body = await server_got
...     w.close()
...     server.close()
...     return header.body_len, body
>>> asyncio.run(demo())
(2, b'hi')
"""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Optional, Tuple, Union

from .decoder import Body, Bytes, FrameEnd, Header, Start
from .encoder import HeaderValue
from .sockets import BUFFER_SIZE, AnyDecoder, AnyEncoder

__all__ = ["AsyncFrameReader", "AsyncFrameWriter"]


class AsyncFrameReader:
    """Events from an ``asyncio.StreamReader``, through ``decoder``.

    Body chunks are views of the ``bytes`` the stream returned, so they stay
    valid for as long as you keep them.
    """

    def __init__(self, reader: asyncio.StreamReader, decoder: AnyDecoder, read_size: int = BUFFER_SIZE) -> None:
        self._reader = reader
        self._decoder = decoder
        self._read_size = read_size
        self._data = memoryview(b"")
        self._pos = 0

    @property
    def decoder(self) -> AnyDecoder:
        """The decoder."""
        return self._decoder

    async def next_event(self) -> Optional[Any]:
        """The next event; None at a clean end of the stream. Raises as the decoder does."""
        while True:
            event, self._pos = self._decoder._step(self._data, self._pos)
            if event is not None:
                return event
            chunk = await self._reader.read(self._read_size)
            if not chunk:
                self._decoder.finish()
                return None
            self._data, self._pos = memoryview(chunk), 0

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._events()

    async def _events(self) -> AsyncIterator[Any]:
        while True:
            event = await self.next_event()
            if event is None:
                return
            yield event

    async def read_frame(self) -> Optional[Tuple[Any, bytes]]:
        """The next whole frame: ``(Header or Start, body bytes)``; None at a clean end."""
        first = await self.next_event()
        if first is None:
            return None
        if not isinstance(first, (Header, Start)):
            raise ValueError("read_frame was called in the middle of a frame")
        body = bytearray()
        async for event in self:
            if isinstance(event, Body):
                body += event.chunk
            elif isinstance(event, FrameEnd):
                return first, bytes(body)
        raise EOFError("the stream ended inside a frame")


class AsyncFrameWriter:
    """Frames to an ``asyncio.StreamWriter``, through ``encoder``; every
    write waits for ``drain`` so a slow peer slows the writer down."""

    def __init__(self, writer: asyncio.StreamWriter, encoder: AnyEncoder) -> None:
        self._writer = writer
        self._encoder = encoder

    @property
    def encoder(self) -> AnyEncoder:
        """The encoder."""
        return self._encoder

    async def send_frame(self, *frame: Any) -> None:
        """Sends one whole frame: the encoder's ``frame`` arguments,
        ``(header, body)`` for an Encoder, ``(payload,)`` for a RawEncoder."""
        self._writer.write(self._encoder.frame(*frame))
        await self._writer.drain()

    async def start(self, header: Union[HeaderValue, int]) -> None:
        """Sends the prefix and header (raw writer: the payload length)."""
        self._writer.write(self._encoder.start(header))  # type: ignore[arg-type]
        await self._writer.drain()

    async def write_body(self, chunk: Bytes) -> None:
        """Sends the next body bytes of the open frame."""
        self._writer.write(self._encoder.body(chunk))
        await self._writer.drain()

    def end_frame(self) -> None:
        """Closes the open frame (``BodyUnderrun`` if bytes are missing)."""
        self._encoder.end_frame()
