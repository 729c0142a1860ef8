"""Send files with the python-struct framing of the tutorial, correctly.

Usage:
    python3 sender.py --to HOST:PORT FILE...

One connection, one frame per file, each exactly what the tutorial's upload
client writes:

    struct.pack('i', len(header))   4 bytes, little endian, signed
    header                          json.dumps({"file_name": ..., "file_size": ...}).encode()
    body                            exactly file_size raw bytes

'<i' is used explicitly: it is what 'i' packs on the little-endian machines
the tutorial runs on (x86, ARM), and it stays so everywhere. Unlike the
tutorial it sends with sendall (a plain send may send only part), takes the
size from the open file, refuses a file that shrinks or grows while it is
sent, and after the last file waits for the receiver to close the
connection, so that when it exits the receiver has read everything.

Exit status: 0 on success, 1 if a file could not be sent, 2 on bad usage.
Standard library only (Python 3.8+).
"""

import argparse
import json
import os
import socket
import struct
import sys

PREFIX = struct.Struct('<i')
CHUNK = 64 * 1024
MAX_HEADER = 2**31 - 1


def parse_addr(text):
    """'host:port' -> (host, port)."""
    host, sep, port = text.rpartition(':')
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError('expected HOST:PORT, got %r' % text)
    return host.strip('[]'), int(port)


def frame_head(name, size):
    """The prefix and JSON header of one file's frame."""
    header = json.dumps({'file_name': name, 'file_size': size}).encode('utf-8')
    if len(header) > MAX_HEADER:
        raise ValueError('header of %d bytes does not fit the prefix' % len(header))
    return PREFIX.pack(len(header)) + header


def send_file(sock, path):
    """Sends one file as one frame; returns its size."""
    with open(path, 'rb') as source:
        size = os.fstat(source.fileno()).st_size
        sock.sendall(frame_head(os.path.basename(path), size))
        left = size
        while left:
            chunk = source.read(min(CHUNK, left))
            if not chunk:
                raise ValueError('%s shrank while being sent (%d bytes missing)' % (path, left))
            sock.sendall(chunk)
            left -= len(chunk)
        if source.read(1):
            raise ValueError('%s grew while being sent' % path)
    return size


def wait_for_close(sock, timeout=60.0):
    """Half-closes the connection and waits for the receiver to close it."""
    sock.shutdown(socket.SHUT_WR)
    sock.settimeout(timeout)
    try:
        while sock.recv(4096):
            pass
    except socket.timeout:
        print('the receiver did not close the connection within %.0f s' % timeout, file=sys.stderr)


def main(argv=None):
    parser = argparse.ArgumentParser(description='Send files with the python-struct framing.')
    parser.add_argument('--to', required=True, type=parse_addr, metavar='HOST:PORT')
    parser.add_argument('files', nargs='+', metavar='FILE')
    args = parser.parse_args(argv)
    for path in args.files:
        if not os.path.isfile(path):
            print('sender: %s: not a regular file' % path, file=sys.stderr)
            return 2
    try:
        with socket.create_connection(args.to) as sock:
            for path in args.files:
                size = send_file(sock, path)
                print('sent %r (%d bytes)' % (os.path.basename(path), size), flush=True)
            wait_for_close(sock)
    except (OSError, ValueError) as err:
        print('sender: %s' % err, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
