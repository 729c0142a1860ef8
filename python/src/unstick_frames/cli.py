"""``python -m unstick_frames send|recv``: files over TCP, one frame per file.

Speaks with the Rust ``transfer`` tool of the unstick repository both ways
and, under ``--wire python-struct``, with the tutorial's Python peers::

    python -m unstick_frames recv --listen 127.0.0.1:9000 --out received [--once] [--max-size 1GiB]
    python -m unstick_frames send --to 127.0.0.1:9000 a.txt b.bin [--wire python-struct]

Each file is one header frame ``{"file_name": NAME, "file_size": N}`` and
its N bytes. On the default wire the receiver answers every file frame with
a receipt frame (SPEC.md, "Receipt frame"), and the sender checks each
receipt's SHA-256 against what it sent. Under ``--wire python-struct`` the
protocol is one-way, as in the tutorial.

The receiver trusts nothing from the wire (the same policy as the Rust
tool): a name is only ever a single file name inside ``--out``. It is
refused if it is empty, ``.`` or ``..``, longer than 255 UTF-8 bytes, or
contains ``/``, ``\\``, ``:``, NUL or another control character (U+0000 to
U+001F, U+007F to U+009F); JSON escapes are decoded first. A body goes to a
temporary ``.transfer-*.part`` file (mode 0600) and is linked to its name
only once complete, never over an existing file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import sys
import tempfile
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from .config import Config
from .decoder import Body, Decoder, FrameEnd, Header
from .encoder import Encoder
from .errors import DecodeError, TruncatedBody
from .sockets import BUFFER_SIZE, FrameReader, FrameWriter

__all__ = ["main", "check_name", "NameRefused", "parse_size"]

#: Longest accepted file name in UTF-8 bytes (NAME_MAX on Linux).
MAX_NAME_BYTES = 255
#: The receiver's header limit: a 255-byte name survives even ``\\uXXXX``
#: escaping of every character.
HEADER_LIMIT = 4096
#: The receiver's default --max-size: 16 GiB.
DEFAULT_MAX_SIZE = 16 << 30

WIRES = ("default", "python-struct")


def wire_config(wire: str, max_header_len: int = HEADER_LIMIT) -> Config:
    """The configuration of a ``--wire`` choice."""
    base = Config.python_struct() if wire == "python-struct" else Config.default()
    return base.with_(max_header_len=max_header_len)


class NameRefused(ValueError):
    """A file name from the wire that is not a single, plain file name."""


def check_name(name: str) -> str:
    """Returns ``name`` if it is a single plain file name, else raises NameRefused."""
    if not name:
        raise NameRefused("the name is empty")
    if name in (".", ".."):
        raise NameRefused('"." and ".." name directories, not files')
    for char in name:
        if char in "/\\:" or unicodedata.category(char) == "Cc":
            raise NameRefused(f"the name contains {_describe(char)}")
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise NameRefused("the name is not valid Unicode (it holds a lone surrogate)") from None
    if size > MAX_NAME_BYTES:
        raise NameRefused(f"the name is {size} bytes long; at most {MAX_NAME_BYTES} are accepted")
    return name


def _describe(char: str) -> str:
    named = {"/": "'/', a path separator", "\\": "'\\', a Windows path separator", ":": "':', a Windows drive or stream separator"}
    return named.get(char, f"the control character U+{ord(char):04X}")


def parse_size(text: str) -> int:
    """``1024``, ``64KiB``, ``256MiB``, ``1GiB`` (also ``k``, ``M``, ``G``; all binary)."""
    text = text.strip()
    digits = len(text) - len(text.lstrip("0123456789"))
    number, unit = text[:digits], text[digits:].strip().lower()
    shifts = {"": 0, "b": 0, "k": 10, "kib": 10, "m": 20, "mib": 20, "g": 30, "gib": 30}
    if not number or unit not in shifts:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size such as 4096, 64KiB, 256MiB or 1GiB")
    return int(number) << shifts[unit]


def parse_addr(text: str) -> Tuple[str, int]:
    """``host:port`` -> (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT")
    return host.strip("[]") or "127.0.0.1", int(port)


def shown(name: Any) -> str:
    """A name as it may be printed: escaped, and cut after 80 characters."""
    text = json.dumps(name)
    return text if len(text) <= 82 else f"{text[:81]}…\" ({len(str(name))} characters)"


# ---- receiving ----


@dataclass
class Outcome:
    """What became of one file frame: its receipt, and whether the connection goes on."""

    receipt: Dict[str, Any]
    goes_on: bool = True

    @property
    def stored(self) -> bool:
        return bool(self.receipt["status"] == "stored")


def refused(name: Any, reason: str, message: str, goes_on: bool = True) -> Outcome:
    """A refusal receipt."""
    return Outcome({"file_name": name, "status": "refused", "reason": reason, "message": message}, goes_on)


def skip_body(reader: FrameReader) -> None:
    """Reads the rest of the current frame's body and drops it."""
    for event in reader:
        if isinstance(event, FrameEnd):
            return


def header_name(header: Header) -> Tuple[Any, Optional[str]]:
    """The ``file_name`` for the receipt (None unless a string), and a refusal message if unusable."""
    name = header.parse().get("file_name")
    if not isinstance(name, str):
        return None, "the header has no string file_name"
    try:
        json.dumps(name, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return None, "the file_name is not valid Unicode"
    return name, None


class Receiver:
    """One receiving end: the output directory and the limits."""

    def __init__(self, out: str, max_size: int) -> None:
        self.out = out
        self.max_size = max_size

    def receive(self, reader: FrameReader, header: Header) -> Outcome:
        """Handles one file frame whose header was just read."""
        name, problem = header_name(header)
        if problem is not None:
            skip_body(reader)
            return refused(name, "bad_header", problem)
        try:
            check_name(name)
        except NameRefused as err:
            skip_body(reader)
            return refused(name, "bad_name", str(err))
        if header.body_len > self.max_size:
            message = f"{header.body_len} bytes exceed the limit of {self.max_size}; the connection is closed"
            return refused(name, "too_large", message, goes_on=False)
        if os.path.lexists(os.path.join(self.out, name)):
            skip_body(reader)
            return refused(name, "exists", "a file of that name already exists")
        return self.store(reader, name)

    def store(self, reader: FrameReader, name: str) -> Outcome:
        """Writes the body to a temporary file and links it to ``name`` once complete."""
        fd, temp = tempfile.mkstemp(prefix=".transfer-", suffix=".part", dir=self.out)
        try:
            with os.fdopen(fd, "wb") as file:
                written, digest, failure = self.copy_body(reader, file)
            if failure is not None:
                return refused(name, "io_error", failure)
            try:
                os.link(temp, os.path.join(self.out, name))
            except FileExistsError:
                return refused(name, "exists", "a file of that name already exists")
            except OSError as err:
                return refused(name, "io_error", f"could not store the file: {err.strerror}")
            return Outcome({"file_name": name, "status": "stored", "size": written, "sha256": digest})
        except TruncatedBody as err:
            return refused(name, "truncated", f"the sender ended the stream inside the body: {err}", goes_on=False)
        finally:
            os.unlink(temp)

    @staticmethod
    def copy_body(reader: FrameReader, file: Any) -> Tuple[int, str, Optional[str]]:
        """Copies the body into ``file``: (bytes written, sha256 hex, error text or None).

        After a write error the rest of the body is read and dropped."""
        sha = hashlib.sha256()
        written = 0
        failure: Optional[str] = None
        for event in reader:
            if isinstance(event, FrameEnd):
                break
            if isinstance(event, Body) and failure is None:
                try:
                    file.write(event.chunk)
                except OSError as err:
                    failure = f"could not write the file: {err.strerror}"
                    continue
                sha.update(event.chunk)
                written += len(event.chunk)
        return written, sha.hexdigest(), failure


def serve_connection(conn: socket.socket, receiver: Receiver, wire: str) -> bool:
    """Receives every file on one connection; True if each one was stored."""
    reader = FrameReader(conn, Decoder(wire_config(wire)))
    writer = FrameWriter(conn, Encoder(wire_config(wire))) if wire == "default" else None
    all_stored = True
    while True:
        try:
            event = reader.next_event()
            if event is None:
                return all_stored
            outcome = receiver.receive(reader, event)
        except DecodeError as err:
            print(f"unstick_frames recv: the stream broke: {err}", file=sys.stderr)
            return False
        all_stored = all_stored and outcome.stored
        report(outcome.receipt)
        if writer is not None:
            send_receipt(writer, outcome.receipt)
        if not outcome.goes_on:
            return False


def report(receipt: Dict[str, Any]) -> None:
    """One line on stderr per file."""
    name = shown(receipt["file_name"])
    if receipt["status"] == "stored":
        print(f"stored {name} ({receipt['size']} bytes)", file=sys.stderr)
    else:
        print(f"refused {name}: {receipt['reason']}: {receipt['message']}", file=sys.stderr)


def send_receipt(writer: FrameWriter, receipt: Dict[str, Any]) -> None:
    """Sends a receipt; a peer that is gone is not an error of this file."""
    try:
        writer.send_frame(receipt, b"")
    except OSError as err:
        print(f"unstick_frames recv: could not send a receipt: {err}", file=sys.stderr)


def handle(conn: socket.socket, receiver: Receiver, wire: str) -> bool:
    """Serves one connection and closes it."""
    with conn:
        return serve_connection(conn, receiver, wire)


def run_recv(args: argparse.Namespace) -> int:
    """``recv``: prints ``listening on ADDR``, then serves connections."""
    os.makedirs(args.out, exist_ok=True)
    receiver = Receiver(args.out, args.max_size)
    with socket.create_server(args.listen) as server:
        host, port = server.getsockname()[:2]
        print(f"listening on {host}:{port}", flush=True)
        if args.once:
            conn, _ = server.accept()
            return 0 if handle(conn, receiver, args.wire) else 1
        while True:
            conn, _ = server.accept()
            threading.Thread(target=handle, args=(conn, receiver, args.wire), daemon=True).start()


# ---- sending ----


def send_file(writer: FrameWriter, path: str) -> str:
    """Sends one file under its base name; returns the SHA-256 of what was sent."""
    sha = hashlib.sha256()
    buffer = memoryview(bytearray(BUFFER_SIZE))
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        writer.start({"file_name": os.path.basename(path), "file_size": size})
        while writer.encoder.remaining:
            count = file.readinto(buffer[: min(BUFFER_SIZE, writer.encoder.remaining)])
            if not count:
                raise OSError(f"{path} shrank while it was sent")
            sha.update(buffer[:count])
            writer.write_body(buffer[:count])
        writer.end_frame()
    return sha.hexdigest()


def read_receipts(reader: FrameReader, into: List[Any]) -> None:
    """Collects receipt headers until the receiver closes the connection."""
    try:
        for event in reader:
            if isinstance(event, Header):
                into.append(event.parse())
    except (DecodeError, OSError) as err:
        into.append(err)


def check_receipts(names: Sequence[str], sent: Sequence[str], receipts: Sequence[Any]) -> bool:
    """Prints what became of each file; True if every one is stored with the sent SHA-256."""
    ok = len(receipts) == len(names)
    for index, name in enumerate(names):
        receipt = receipts[index] if index < len(receipts) else None
        if not isinstance(receipt, dict):
            print(f"{shown(name)}: no receipt ({receipt or 'connection closed'})", file=sys.stderr)
            ok = False
        elif receipt.get("status") != "stored":
            print(f"{shown(name)}: refused: {receipt.get('reason')}: {receipt.get('message')}", file=sys.stderr)
            ok = False
        elif index >= len(sent) or receipt.get("sha256") != sent[index]:
            print(f"{shown(name)}: stored, but the SHA-256 differs from what was sent", file=sys.stderr)
            ok = False
        else:
            print(f"{shown(name)}: stored, {receipt.get('size')} bytes, SHA-256 verified", file=sys.stderr)
    return ok


def run_send(args: argparse.Namespace) -> int:
    """``send``: one connection, one frame per file, receipts checked on the default wire."""
    names = [os.path.basename(path) for path in args.files]
    with socket.create_connection(args.to) as conn:
        receipts: List[Any] = []
        listener = threading.Thread(
            target=read_receipts, args=(FrameReader(conn, Decoder(wire_config(args.wire, 1 << 16))), receipts)
        )
        listener.start()
        sent, failure = send_all(FrameWriter(conn, Encoder(wire_config(args.wire))), args.files)
        try:
            conn.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        listener.join()
    if args.wire != "default":
        return 0 if failure is None and len(sent) == len(names) else 1
    return 0 if check_receipts(names, sent, receipts) and failure is None else 1


def send_all(writer: FrameWriter, paths: Sequence[str]) -> Tuple[List[str], Optional[str]]:
    """Sends the files in order; stops at the first failure (returned as text)."""
    sent: List[str] = []
    for path in paths:
        try:
            sent.append(send_file(writer, path))
        except OSError as err:
            message = f"sending {path} failed: {err}"
            print(f"unstick_frames send: {message}", file=sys.stderr)
            return sent, message
    return sent, None


def parser() -> argparse.ArgumentParser:
    """The command line."""
    top = argparse.ArgumentParser(prog="python -m unstick_frames", description=__doc__.split("\n\n")[0])
    commands = top.add_subparsers(dest="command", required=True)
    recv = commands.add_parser("recv", help="receive files into --out, one per frame")
    recv.add_argument("--listen", type=parse_addr, required=True, metavar="HOST:PORT")
    recv.add_argument("--out", required=True, metavar="DIR")
    recv.add_argument("--wire", choices=WIRES, default="default")
    recv.add_argument("--once", action="store_true", help="serve one connection; exit 0 only if every file was stored")
    recv.add_argument("--max-size", type=parse_size, default=DEFAULT_MAX_SIZE, metavar="SIZE")
    send = commands.add_parser("send", help="send files over one connection, one frame per file")
    send.add_argument("--to", type=parse_addr, required=True, metavar="HOST:PORT")
    send.add_argument("--wire", choices=WIRES, default="default")
    send.add_argument("files", nargs="+", metavar="FILE")
    return top


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Runs the command line; returns the exit status."""
    args = parser().parse_args(argv)
    try:
        return run_recv(args) if args.command == "recv" else run_send(args)
    except OSError as err:
        print(f"unstick_frames: {err}", file=sys.stderr)
        return 2
