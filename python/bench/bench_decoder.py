"""Throughput of the Python decoder beside the tutorial's own receiving loop.

Two workloads, each decoded by both sides from the same bytes, in one run,
rounds interleaved, the median reported:

- one frame with a 256 MiB body (``--size``);
- 10,000 small frames (``--frames``): a ``json.dumps`` header with a file
  name and a 100-byte body each, as the tutorial's client sends them.

Two transports:

- ``memory``: a stand-in socket over one ``bytes`` object whose ``recv(n)``
  copies out up to n bytes (as a real ``recv`` does) and whose
  ``recv_into`` copies into the caller's buffer: the cost of the decoding
  loops alone;
- ``tcp``: a real loopback connection, fed by a separate sender process.

The tutorial's loop: ``recv(4)``, ``struct.unpack('i')``, ``recv(n)``,
``json.loads``, then ``recv(1024)`` until ``file_size`` bytes are in (it
asks for exactly what it needs, which is also what keeps it correct on a
stream). It is measured with its own 1024-byte reads and with 64 KiB reads.
The package side: ``FrameReader`` (``recv_into`` a 64 KiB buffer, events
with ``memoryview`` body chunks) and ``Decoder.feed`` on 64 KiB slices.
Both sides count body bytes and parse every header into a dict.

    python bench/bench_decoder.py [--size 256MiB] [--frames 10000] [--rounds 5] [--transport memory|tcp|both]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import time
from typing import Any, Callable, Dict, List, Tuple

from unstick_frames import Body, Config, Decoder, Encoder, Header
from unstick_frames.cli import parse_size
from unstick_frames.sockets import FrameReader

CONFIG = Config.python_struct()


class MemorySocket:
    """``recv`` / ``recv_into`` over one bytes object, copying like a socket."""

    def __init__(self, data: bytes) -> None:
        self.view = memoryview(data)
        self.pos = 0

    def recv(self, size: int) -> bytes:
        chunk = bytes(self.view[self.pos : self.pos + size])
        self.pos += len(chunk)
        return chunk

    def recv_into(self, buffer: memoryview) -> int:
        chunk = self.view[self.pos : self.pos + len(buffer)]
        buffer[: len(chunk)] = chunk
        self.pos += len(chunk)
        return len(chunk)


def recv_exactly(sock: object, size: int) -> bytes:
    """What the tutorial's recv(4) / recv(n) rely on, made true on a stream."""
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))  # type: ignore[attr-defined]
        if not chunk:
            raise EOFError
        data += chunk
    return data


def tutorial_loop(sock: object, read_size: int) -> Tuple[int, int]:
    """The tutorial's receiving loop; returns (frames, body bytes)."""
    frames = total = 0
    while True:
        head = sock.recv(4)  # type: ignore[attr-defined]
        if not head:
            return frames, total
        if len(head) < 4:
            head += recv_exactly(sock, 4 - len(head))
        (length,) = struct.unpack("i", head)
        header = json.loads(recv_exactly(sock, length).decode("utf-8"))
        size, received = header["file_size"], 0
        while received < size:
            data = sock.recv(min(read_size, size - received))  # type: ignore[attr-defined]
            received += len(data)
        frames, total = frames + 1, total + received


def package_reader(sock: object) -> Tuple[int, int]:
    """FrameReader over the socket: events, memoryview chunks."""
    frames = total = 0
    for event in FrameReader(sock, Decoder(CONFIG)):
        if isinstance(event, Body):
            total += len(event.chunk)
        elif isinstance(event, Header):
            event.parse()
            frames += 1
    return frames, total


def workloads(size: int, count: int) -> Dict[str, bytes]:
    encoder = Encoder(CONFIG)
    big = encoder.frame(json.dumps({"file_name": "big.bin", "file_size": size}), bytes(size))
    body = bytes(range(100))
    small = b"".join(
        encoder.frame(json.dumps({"file_name": f"file{i:05}.txt", "file_size": 100}), body) for i in range(count)
    )
    return {f"one {size >> 20} MiB body": big, f"{count} small frames": small}


def tcp_socket(data: bytes) -> Tuple[socket.socket, subprocess.Popen]:
    """A loopback connection on which a child process sends ``data`` (read
    from its stdin first, so that only the sending overlaps the timing)."""
    listener = socket.create_server(("127.0.0.1", 0))
    code = (
        "import socket,sys\n"
        "data=sys.stdin.buffer.read()\n"
        "s=socket.create_connection(('127.0.0.1',int(sys.argv[1])))\n"
        "s.sendall(data)\n"
        "s.close()\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(listener.getsockname()[1])], stdin=subprocess.PIPE)
    child.stdin.write(data)  # type: ignore[union-attr]
    child.stdin.close()  # type: ignore[union-attr]
    conn, _ = listener.accept()
    listener.close()
    return conn, child


def package_feed(sock: MemorySocket) -> Tuple[int, int]:
    """Decoder.feed on 64 KiB slices of the input (no socket calls at all)."""
    decoder, view = Decoder(CONFIG), sock.view
    frames = total = 0
    for at in range(0, len(view), 65536):
        for event in decoder.feed(view[at : at + 65536]):
            if isinstance(event, Body):
                total += len(event.chunk)
            elif isinstance(event, Header):
                event.parse()
                frames += 1
    decoder.finish()
    return frames, total


def measure(name: str, data: bytes, transport: str, rounds: int) -> None:
    """Runs every side ``rounds`` times, interleaved, and prints medians."""
    sides: Dict[str, Callable[[Any], Tuple[int, int]]] = {
        "tutorial loop, recv(1024)": lambda s: tutorial_loop(s, 1024),
        "tutorial loop, recv(65536)": lambda s: tutorial_loop(s, 65536),
        "unstick_frames FrameReader": package_reader,
    }
    if transport == "memory":
        sides["unstick_frames Decoder.feed"] = package_feed
    times: Dict[str, List[float]] = {side: [] for side in sides}
    results = set()
    for _ in range(rounds):
        for side, run in sides.items():
            sock, child = (MemorySocket(data), None) if transport == "memory" else tcp_socket(data)
            start = time.perf_counter()
            results.add(run(sock))
            times[side].append(time.perf_counter() - start)
            if child is not None:
                sock.close()
                child.wait()
    assert len(results) == 1, f"the sides disagree: {results}"
    print(f"\n{name}, {transport} ({len(data) / 2**20:.1f} MiB on the wire, median of {rounds}):")
    base = statistics.median(times["tutorial loop, recv(1024)"])
    for side, samples in times.items():
        median = statistics.median(samples)
        print(f"  {side:30} {median * 1000:9.1f} ms {len(data) / median / 2**20:8.1f} MiB/s {base / median:6.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=256 << 20)
    parser.add_argument("--frames", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--transport", choices=["memory", "tcp", "both"], default="both")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    transports = ["memory", "tcp"] if args.transport == "both" else [args.transport]
    for name, data in workloads(args.size, args.frames).items():
        for transport in transports:
            measure(name, data, transport, args.rounds)


if __name__ == "__main__":
    main()
