"""``python -m unstick_frames send|recv`` against itself, the Rust transfer
tool (both directions, both wires) and tutorial-style Python peers; the
receiver's name policy and receipts under hostile senders."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import pytest

import unstick_frames
from unstick_frames import Config, Decoder, Encoder
from unstick_frames.cli import NameRefused, check_name, parse_size
from unstick_frames.sockets import FrameReader

TIMEOUT = 60
PYTHON = [sys.executable, "-m", "unstick_frames"]
ENV = {**os.environ, "PYTHONPATH": str(Path(unstick_frames.__file__).resolve().parents[1])}


@pytest.fixture
def files(tmp_path: Path) -> List[Path]:
    """Files to send: text, 3 MB of random bytes, empty, a non-ASCII name."""
    source = tmp_path / "source"
    source.mkdir()
    contents = {"a.txt": b"hello\n", "big.bin": os.urandom(3 << 20), "empty": b"", "电影.mp4": b"film"}
    for name, data in contents.items():
        (source / name).write_bytes(data)
    return [source / name for name in contents]


def start_receiver(command: Sequence[str], out: Path, wire: str) -> Tuple[subprocess.Popen, int]:
    """Starts ``recv --once`` and returns it with the port from its first line."""
    process = subprocess.Popen(
        [*command, "recv", "--listen", "127.0.0.1:0", "--out", str(out), "--wire", wire, "--once"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    line = process.stdout.readline()  # type: ignore[union-attr]
    assert line.startswith("listening on "), line
    return process, int(line.rsplit(":", 1)[1])


def send(command: Sequence[str], port: int, wire: str, paths: Sequence[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*command, "send", "--to", f"127.0.0.1:{port}", "--wire", wire, *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env=ENV,
    )


#: Where the Rust receiver keeps its temporary files (a directory no wire name can reach).
RUST_PARTIAL = ".transfer-partial"


def assert_arrived(paths: Sequence[Path], out: Path) -> None:
    for path in paths:
        assert (out / path.name).read_bytes() == path.read_bytes(), path.name
    names = sorted(p.name for p in out.iterdir() if p.name != RUST_PARTIAL)
    assert names == sorted(p.name for p in paths), "no temporary files left"
    partial = out / RUST_PARTIAL
    if partial.exists():
        assert not list(partial.glob("*.part")), "no temporary files left"


def transfer(sender: Sequence[str], receiver: Sequence[str], wire: str, paths: List[Path], out: Path) -> Tuple[subprocess.CompletedProcess, int]:
    process, port = start_receiver(receiver, out, wire)
    sent = send(sender, port, wire, paths)
    status = process.wait(TIMEOUT)
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    return sent, status


@pytest.mark.parametrize("wire", ["default", "python-struct"])
def test_python_to_python(files: List[Path], tmp_path: Path, wire: str) -> None:
    sent, status = transfer(PYTHON, PYTHON, wire, files, tmp_path / "out")
    assert (sent.returncode, status) == (0, 0), sent.stderr
    assert_arrived(files, tmp_path / "out")
    if wire == "default":
        assert sent.stderr.count("SHA-256 verified") == len(files)


@pytest.mark.parametrize("wire", ["default", "python-struct"])
def test_python_to_rust(files: List[Path], tmp_path: Path, wire: str, transfer_tool: Path) -> None:
    sent, status = transfer(PYTHON, [str(transfer_tool)], wire, files, tmp_path / "out")
    assert (sent.returncode, status) == (0, 0), sent.stderr
    assert_arrived(files, tmp_path / "out")
    if wire == "default":
        assert sent.stderr.count("SHA-256 verified") == len(files), "the Rust receiver's receipts check out"


@pytest.mark.parametrize("wire", ["default", "python-struct"])
def test_rust_to_python(files: List[Path], tmp_path: Path, wire: str, transfer_tool: Path) -> None:
    sent, status = transfer([str(transfer_tool)], PYTHON, wire, files, tmp_path / "out")
    assert (sent.returncode, status) == (0, 0), sent.stderr
    assert_arrived(files, tmp_path / "out")


def tutorial_server(listener: socket.socket, out: Path) -> None:
    """The tutorial's receiving loop: recv(4), unpack('i'), recv(n), json.loads, recv the file."""
    conn, _ = listener.accept()
    with conn:
        while True:
            head = conn.recv(4)
            if not head:
                return
            (length,) = struct.unpack("i", head)
            header = json.loads(conn.recv(length).decode("utf-8"))
            data = b""
            while len(data) < header["file_size"]:
                data += conn.recv(min(1024, header["file_size"] - len(data)))
            (out / os.path.basename(header["file_name"])).write_bytes(data)


def tutorial_client(port: int, paths: Sequence[Path]) -> None:
    """The tutorial's sender: struct.pack('i', len(h)), h = json.dumps(header), the file."""
    with socket.create_connection(("127.0.0.1", port)) as conn:
        for path in paths:
            data = path.read_bytes()
            header = json.dumps({"file_name": path.name, "file_size": len(data)}).encode("utf-8")
            conn.send(struct.pack("i", len(header)))
            conn.send(header)
            conn.sendall(data)


def test_python_sender_to_the_tutorials_server(files: List[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with socket.create_server(("127.0.0.1", 0)) as listener:
        server = threading.Thread(target=tutorial_server, args=(listener, out))
        server.start()
        sent = send(PYTHON, listener.getsockname()[1], "python-struct", files)
        server.join(TIMEOUT)
    assert sent.returncode == 0, sent.stderr
    assert_arrived(files, out)


def test_tutorials_client_to_the_python_receiver(files: List[Path], tmp_path: Path) -> None:
    process, port = start_receiver(PYTHON, tmp_path / "out", "python-struct")
    tutorial_client(port, files)
    assert process.wait(TIMEOUT) == 0
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    assert_arrived(files, tmp_path / "out")


def receipts_for(frames: Sequence[bytes], out: Path) -> List[Dict[str, object]]:
    """Sends raw frame bytes to a Python receiver and returns its receipts."""
    process, port = start_receiver(PYTHON, out, "default")
    receipts = []
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(b"".join(frames))
        conn.shutdown(socket.SHUT_WR)
        for event in FrameReader(conn, Decoder()):
            if isinstance(event, unstick_frames.Header):
                assert event.body_len == 0, "receipts have no body"
                receipts.append(event.parse())
    process.wait(TIMEOUT)
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    return receipts


def test_receipts_for_hostile_names_and_a_stored_file(tmp_path: Path) -> None:
    encoder = Encoder()
    names = ["../evil", "/abs", "C:\\x", "a\nb", "..", "", "x" * 256, "ok.txt"]
    frames = [encoder.frame({"file_name": name, "file_size": 2}, b"hi") for name in names]
    frames.append(encoder.frame('{"file_name": "\\u002e\\u002e", "file_size": 1}', b"!"))
    frames.append(encoder.frame({"file_size": 1}, b"?"))
    frames.append(encoder.frame({"file_name": "ok.txt", "file_size": 2}, b"hi"))
    receipts = receipts_for(frames, tmp_path / "out")
    reasons = [r.get("reason", r["status"]) for r in receipts]
    assert reasons == ["bad_name"] * 7 + ["stored", "bad_name", "bad_header", "exists"]
    assert receipts[7] == {"file_name": "ok.txt", "status": "stored", "size": 2, "sha256": hashlib.sha256(b"hi").hexdigest()}
    assert receipts[0]["file_name"] == "../evil" and receipts[9]["file_name"] is None
    assert sorted(os.listdir(tmp_path / "out")) == ["ok.txt"]
    assert not (tmp_path / "evil").exists()


def test_receipt_for_a_truncated_body(tmp_path: Path) -> None:
    frame = Encoder().frame({"file_name": "cut.bin", "file_size": 10}, b"0123456789")
    [receipt] = receipts_for([frame[:-4]], tmp_path / "out")
    assert (receipt["status"], receipt["reason"]) == ("refused", "truncated")
    assert os.listdir(tmp_path / "out") == []


def test_too_large_is_refused_and_the_connection_closed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*PYTHON, "recv", "--listen", "127.0.0.1:0", "--out", str(out), "--once", "--max-size", "1KiB"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV,
    )
    port = int(process.stdout.readline().rsplit(":", 1)[1])  # type: ignore[union-attr]
    big = tmp_path / "big.bin"
    big.write_bytes(b"x" * 4096)
    sent = send(PYTHON, port, "default", [big])
    assert process.wait(TIMEOUT) == 1
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    assert sent.returncode == 1 and "too_large" in sent.stderr
    assert os.listdir(out) == []


@pytest.mark.parametrize(
    "name, accepted",
    [("a.txt", True), ("电影.mp4", True), (".hidden", True), ("x" * 255, True), ("", False), (".", False),
     ("..", False), ("a/b", False), ("a\\b", False), ("C:x", False), ("a\x00b", False), ("a\x7fb", False),
     ("a\x85b", False), ("x" * 256, False), ("é" * 128, False), ("\ud800", False)],
)
def test_name_policy_matches_the_rust_tool(name: str, accepted: bool) -> None:
    if accepted:
        assert check_name(name) == name
    else:
        with pytest.raises(NameRefused):
            check_name(name)


def test_sizes_parse_like_the_rust_tool() -> None:
    assert [parse_size(s) for s in ["1024", "64KiB", "256MiB", "1GiB", "2k", "3 M", "1g"]] == [
        1024, 64 << 10, 256 << 20, 1 << 30, 2 << 10, 3 << 20, 1 << 30]
    assert Config.python_struct().prefix.pack(1) == struct.pack("<i", 1)
