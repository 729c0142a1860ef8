"""unstick-frames: length-prefixed frames with a JSON header ("unstick wire format 1").

The classic tutorial protocol -- ``struct.pack('i', len(h))``, the JSON header
``h``, then ``h["file_size"]`` raw bytes -- as a sans-IO library: the
:class:`Decoder` turns bytes into events, the :class:`Encoder` turns headers
and bodies into bytes, and the helpers in :mod:`unstick_frames.sockets` and
:mod:`unstick_frames.streams` move them over blocking sockets and asyncio
streams. The wire format, its limits and every error are specified in
SPEC.md of the unstick repository; the same test vectors run here and in Rust.

>>> from unstick_frames import Config, Decoder, Encoder, Header, Body
>>> wire = Encoder(Config.python_struct()).frame({"file_name": "a.txt", "file_size": 3}, b"abc")
>>> decoder = Decoder(Config.python_struct())
>>> [type(e).__name__ for e in decoder.feed(wire[:10]) + decoder.feed(wire[10:])]
['Header', 'Body', 'FrameEnd']
"""

from .config import DEFAULT_BODY_KEY, DEFAULT_MAX_HEADER_LEN, MAX_NESTING, U64_MAX, Config, Prefix
from .decoder import FRAME_END, Body, Decoder, Event, FrameEnd, Header, Part, RawDecoder, RawEvent, Start
from .encoder import Encoder, RawEncoder
from .errors import *  # noqa: F401,F403  (the spec's error names)
from .errors import __all__ as _error_names

__version__ = "0.1.0"

#: The version of the wire format this package speaks.
WIRE_FORMAT = "unstick wire format 1"

__all__ = [
    "Config",
    "Prefix",
    "DEFAULT_BODY_KEY",
    "DEFAULT_MAX_HEADER_LEN",
    "MAX_NESTING",
    "U64_MAX",
    "Decoder",
    "RawDecoder",
    "Encoder",
    "RawEncoder",
    "Header",
    "Start",
    "Body",
    "FrameEnd",
    "FRAME_END",
    "Event",
    "RawEvent",
    "Part",
    "WIRE_FORMAT",
    *_error_names,
]
