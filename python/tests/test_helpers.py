"""The blocking-socket and asyncio helpers, and the modules' own examples."""

from __future__ import annotations

import asyncio
import doctest
import io
import socket
import threading
from typing import List

import pytest

import unstick_frames
from unstick_frames import (
    Config,
    Decoder,
    Encoder,
    Header,
    RawDecoder,
    RawEncoder,
    TruncatedBody,
    TruncatedHeader,
    cli,
    config,
    decoder,
    encoder,
    sockets,
    streams,
)
from unstick_frames.sockets import FrameReader, FrameWriter
from unstick_frames.streams import AsyncFrameReader, AsyncFrameWriter


@pytest.mark.parametrize("module", [unstick_frames, config, decoder, encoder, sockets, streams, cli], ids=lambda m: m.__name__)
def test_module_examples_run(module: object) -> None:
    result = doctest.testmod(module, extraglobs=vars(unstick_frames))  # type: ignore[arg-type]
    assert result.failed == 0


def trickle(sock: socket.socket, data: bytes, sizes: List[int]) -> threading.Thread:
    """Sends ``data`` in pieces of the given sizes (cycled), then closes."""

    def run() -> None:
        at, index = 0, 0
        with sock:
            while at < len(data):
                size = sizes[index % len(sizes)]
                sock.sendall(data[at : at + size])
                at, index = at + size, index + 1

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_reader_gets_frames_sent_in_awkward_pieces() -> None:
    left, right = socket.socketpair()
    frames = [({"file_name": f"{i}.txt", "file_size": i * 100}, bytes([i]) * (i * 100)) for i in range(30)]
    wire = b"".join(Encoder().frame(h, b) for h, b in frames)
    sender = trickle(left, wire, [1, 7, 300, 4096])
    with right:
        reader = FrameReader(right, Decoder(), buffer_size=1000)
        got = []
        while True:
            frame = reader.read_frame()
            if frame is None:
                break
            got.append((frame[0].parse(), frame[1]))
    sender.join()
    assert got == frames


def test_reader_reports_a_stream_cut_inside_a_frame() -> None:
    wire = Encoder().frame({"file_size": 5}, b"hello")
    reader = FrameReader(io.BytesIO(wire[:-2]), Decoder())
    assert isinstance(reader.next_event(), Header)
    with pytest.raises(TruncatedBody):
        list(reader)
    with pytest.raises(TruncatedHeader):
        FrameReader(io.BytesIO(wire[:6]), Decoder()).read_frame()


def test_reader_leaves_what_follows_the_event_in_its_buffer() -> None:
    wire = Encoder().frame({"file_size": 2}, b"hi") + b"tail"
    reader = FrameReader(io.BytesIO(wire), Decoder())
    assert isinstance(reader.next_event(), Header)
    assert reader.buffered() == b"hitail"
    assert bytes(reader.next_event().chunk) == b"hi"  # type: ignore[union-attr]
    assert reader.buffered() == b"tail"


def test_writer_sends_files_and_raw_frames() -> None:
    out = io.BytesIO()
    writer = FrameWriter(out, Encoder(Config.python_struct()))
    assert writer.send_file({"file_name": "x", "file_size": 200000}, io.BytesIO(b"z" * 200000)) == 200000
    raw_out = io.BytesIO()
    FrameWriter(raw_out, RawEncoder()).send_frame(b"dir")
    reader = FrameReader(io.BytesIO(out.getvalue()), Decoder(Config.python_struct()))
    header, body = reader.read_frame()  # type: ignore[misc]
    assert header.body_len == 200000 and body == b"z" * 200000
    start, payload = FrameReader(io.BytesIO(raw_out.getvalue()), RawDecoder()).read_frame()  # type: ignore[misc]
    assert (start.len, payload) == (3, b"dir")


def test_asyncio_reader_and_writer_over_loopback() -> None:
    frames = [({"file_size": n}, bytes(range(256)) * (n // 256) + bytes(n % 256)) for n in (0, 1, 300, 70000)]

    async def main() -> list:
        received: list = []
        done = asyncio.Event()

        async def serve(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
            reader = AsyncFrameReader(r, Decoder(), read_size=999)
            while (frame := await reader.read_frame()) is not None:
                received.append((frame[0].parse(), frame[1]))
            w.close()
            done.set()

        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        _, w = await asyncio.open_connection("127.0.0.1", port)
        writer = AsyncFrameWriter(w, Encoder())
        for header, body in frames:
            await writer.send_frame(header, body)
        await writer.start({"file_size": 4})
        await writer.write_body(b"ab")
        await writer.write_body(b"cd")
        writer.end_frame()
        w.close()
        await asyncio.wait_for(done.wait(), 10)
        server.close()
        return received

    assert asyncio.run(main()) == frames + [({"file_size": 4}, b"abcd")]


def test_asyncio_reader_reports_truncation() -> None:
    async def main() -> None:
        stream = asyncio.StreamReader()
        stream.feed_data(Encoder().frame({"file_size": 5}, b"hello")[:-1])
        stream.feed_eof()
        reader = AsyncFrameReader(stream, Decoder())
        with pytest.raises(TruncatedBody):
            await reader.read_frame()

    asyncio.run(main())
