"""Receive files sent with the python-struct framing of the tutorial, safely.

Usage:
    python3 receiver.py --listen HOST:PORT --out DIR [--once]
                        [--max-size BYTES] [--max-header BYTES]

Prints 'listening on HOST:PORT' (the real port, also for port 0), then
serves connections, one thread each. Every frame is one file:

    struct.pack('i', len(header))   4 bytes, little endian, signed
    header                          JSON object with "file_name" and "file_size"
    body                            exactly file_size raw bytes

Unlike the tutorial's server it reads exactly (recv may return fewer bytes
than asked, or the start of the next frame if asked for too many), and it
enforces limits before it allocates or writes anything:

- the prefix must be 1..--max-header (default 4096); a negative or zero or
  larger length, a header that is not UTF-8 JSON object text, a file_size
  that is not a non-negative integer (booleans and 5.0 are not), or a
  repeated key ends the connection: the frame boundary is lost.
- the name must be a single file name, the same policy as the Rust
  receiver (transfer/): not empty, not '.' or '..', at most 255
  UTF-8 bytes, no '/', '\\', ':', and no control character. A refused name,
  a file over --max-size or an existing file is reported on stderr and its
  body skipped; the connection goes on.
- the body goes to a temporary '.transfer-*.part' file in --out and is
  linked to its name only once complete (never over an existing file);
  a dropped connection leaves no partial file.

With --once it serves one connection and exits 0 only if every file arrived
complete and was kept, 1 otherwise. Standard library only (Python 3.8+).
"""

import argparse
import json
import os
import socket
import struct
import sys
import tempfile
import threading
import unicodedata

PREFIX = struct.Struct('<i')
CHUNK = 64 * 1024
MAX_NAME_BYTES = 255


class ProtocolError(Exception):
    """The stream broke the framing: the connection cannot go on."""


class Refused(Exception):
    """This file is not kept; its body is skipped and the connection goes on."""


def parse_addr(text):
    """'host:port' -> (host, port)."""
    host, sep, port = text.rpartition(':')
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError('expected HOST:PORT, got %r' % text)
    return host.strip('[]'), int(port)


def recv_up_to(sock, n):
    """Up to n bytes: fewer only if the stream ends."""
    parts = []
    while n:
        part = sock.recv(min(n, CHUNK))
        if not part:
            break
        parts.append(part)
        n -= len(part)
    return b''.join(parts)


def recv_exactly(sock, n, what):
    """Exactly n bytes, or ProtocolError if the stream ends first."""
    data = recv_up_to(sock, n)
    if len(data) < n:
        raise ProtocolError('stream ended inside the %s, %d bytes short' % (what, n - len(data)))
    return data


def no_duplicate_keys(pairs):
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ProtocolError('the header repeats a key')
    return dict(pairs)


def read_header(sock, max_header):
    """The next frame's header as (name, size), or None at a clean end."""
    prefix = recv_up_to(sock, PREFIX.size)
    if not prefix:
        return None
    if len(prefix) < PREFIX.size:
        raise ProtocolError('stream ended inside a prefix, %d bytes short' % (PREFIX.size - len(prefix)))
    (length,) = PREFIX.unpack(prefix)
    if not 0 < length <= max_header:
        raise ProtocolError('header length %d is outside 1..%d' % (length, max_header))
    raw = recv_exactly(sock, length, 'header')
    try:
        header = json.loads(raw.decode('utf-8'), object_pairs_hook=no_duplicate_keys)
    except (UnicodeDecodeError, ValueError) as err:
        raise ProtocolError('the header is not UTF-8 JSON: %s' % err)
    if not isinstance(header, dict):
        raise ProtocolError('the header is not a JSON object')
    size = header.get('file_size', 0)
    if type(size) is not int or size < 0:
        raise ProtocolError('file_size %r is not a non-negative integer' % (size,))
    return header.get('file_name'), size


def check_name(name):
    """Refuses anything but a single, plain file name."""
    if not isinstance(name, str):
        raise Refused('file_name is not a string')
    if name in ('', '.', '..'):
        raise Refused('%r is not a file name' % name)
    for char in name:
        if char in '/\\:' or unicodedata.category(char) == 'Cc':
            raise Refused('the name contains %r' % char)
    try:
        encoded = name.encode('utf-8')
    except UnicodeEncodeError:
        raise Refused('the name is not valid Unicode text')
    if len(encoded) > MAX_NAME_BYTES:
        raise Refused('the name is %d bytes long; at most %d' % (len(encoded), MAX_NAME_BYTES))
    return name


def skip(sock, size):
    left = size
    while left:
        part = sock.recv(min(CHUNK, left))
        if not part:
            raise ProtocolError('stream ended inside a body, %d bytes short' % left)
        left -= len(part)


def receive_body(sock, size, out, name):
    """Writes the body to a temporary file and links it to its name."""
    target = os.path.join(out, name)
    if os.path.lexists(target):
        raise Refused('%s already exists; not overwritten' % target)
    fd, temp = tempfile.mkstemp(prefix='.transfer-', suffix='.part', dir=out)
    try:
        with os.fdopen(fd, 'wb') as sink:
            left = size
            while left:
                part = sock.recv(min(CHUNK, left))
                if not part:
                    raise ProtocolError('stream ended inside the body of %r, %d bytes short' % (name, left))
                sink.write(part)
                left -= len(part)
        try:
            os.link(temp, target)
        except FileExistsError:
            raise Refused('%s already exists; not overwritten' % target)
    finally:
        os.unlink(temp)


def serve(sock, peer, options):
    """Receives every file of one connection; True if all were kept."""
    all_kept = True
    with sock:
        try:
            while True:
                header = read_header(sock, options.max_header)
                if header is None:
                    return all_kept
                name, size = header
                try:
                    check_name(name)
                    if size > options.max_size:
                        raise Refused('%d bytes exceed --max-size %d' % (size, options.max_size))
                    receive_body(sock, size, options.out, name)
                    print('received %r (%d bytes) from %s:%d' % (name, size, *peer[:2]), flush=True)
                except Refused as why:
                    all_kept = False
                    print('refused %r from %s:%d: %s' % (name, *peer[:2], why), file=sys.stderr, flush=True)
                    skip(sock, size)
        except (ProtocolError, OSError) as err:
            print('connection from %s:%d failed: %s' % (*peer[:2], err), file=sys.stderr, flush=True)
            return False


def main(argv=None):
    parser = argparse.ArgumentParser(description='Receive files sent with the python-struct framing.')
    parser.add_argument('--listen', required=True, type=parse_addr, metavar='HOST:PORT')
    parser.add_argument('--out', required=True, metavar='DIR')
    parser.add_argument('--once', action='store_true')
    parser.add_argument('--max-size', type=int, default=16 * 2**30, metavar='BYTES')
    parser.add_argument('--max-header', type=int, default=4096, metavar='BYTES')
    options = parser.parse_args(argv)
    os.makedirs(options.out, exist_ok=True)
    with socket.create_server(options.listen) as server:
        host, port = server.getsockname()[:2]
        print('listening on %s:%d' % (host, port), flush=True)
        if options.once:
            sock, peer = server.accept()
            return 0 if serve(sock, peer, options) else 1
        while True:
            sock, peer = server.accept()
            threading.Thread(target=serve, args=(sock, peer, options), daemon=True).start()


if __name__ == '__main__':
    sys.exit(main())
