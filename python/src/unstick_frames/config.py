"""Wire profiles and limits (SPEC.md, sections 2 and 6).

A :class:`Config` says what the frames on one connection look like: the
length :class:`Prefix`, the JSON key that holds the body length, and the
limits. Both ends of a connection must use the same one.

=====================  ===============================  ==============================
setting                ``Config.default()``             ``Config.python_struct()``
=====================  ===============================  ==============================
prefix                 4 bytes, big endian, unsigned    4 bytes, little endian, signed
body key               ``"file_size"``                  ``"file_size"``
max header length      65536 bytes                      65536 bytes
max body length        None (no limit)                  None (no limit)
=====================  ===============================  ==============================

>>> Config.python_struct().prefix.pack(300)
b',\\x01\\x00\\x00'
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

from .errors import BodyKeyNeedsEscape, EmptyBodyKey, ZeroHeaderLimit

__all__ = ["Prefix", "Config", "DEFAULT_BODY_KEY", "DEFAULT_MAX_HEADER_LEN", "MAX_NESTING", "U64_MAX"]

#: The key that holds the body length in both profiles.
DEFAULT_BODY_KEY = "file_size"
#: The default maximum header length (the Rust crate's default is its buffer capacity).
DEFAULT_MAX_HEADER_LEN = 65536
#: How deep arrays and objects may nest in a header, the top-level object counting as 1.
MAX_NESTING = 128
#: The largest body length the wire format allows: 2^64 - 1.
U64_MAX = (1 << 64) - 1

_WIDTHS = (1, 2, 4, 8)


@dataclass(frozen=True)
class Prefix:
    """The format of the length prefix: width in bytes, byte order, sign.

    A signed prefix is two's complement; a negative value is never a length.
    """

    width: int = 4
    endian: str = "big"
    signed: bool = False

    def __post_init__(self) -> None:
        if self.width not in _WIDTHS:
            raise ValueError(
                f"prefix width must be 1, 2, 4 or 8 bytes, not {self.width}"
            )
        if self.endian not in ("big", "little"):
            raise ValueError(f"prefix byte order must be 'big' or 'little', not {self.endian!r}")

    @property
    def max_len(self) -> int:
        """The largest length this prefix can hold."""
        bits = self.width * 8 - (1 if self.signed else 0)
        return (1 << bits) - 1

    def pack(self, length: int) -> bytes:
        """The prefix bytes for ``length`` (which the caller checked against ``max_len``)."""
        return length.to_bytes(self.width, self.endian)  # type: ignore[arg-type]

    def unpack(self, data: bytes) -> int:
        """The value of a complete prefix; negative for a signed prefix with its top bit set."""
        return int.from_bytes(data, self.endian, signed=self.signed)  # type: ignore[arg-type]


#: The default prefix: 4 bytes, big endian, unsigned.
Prefix.DEFAULT = Prefix(4, "big", False)  # type: ignore[attr-defined]
#: Python's ``struct.pack('i', n)`` on x86 and ARM: 4 bytes, little endian, signed.
Prefix.PYTHON_STRUCT = Prefix(4, "little", True)  # type: ignore[attr-defined]


def _check_body_key(key: str) -> None:
    if not key:
        raise EmptyBodyKey()
    if any(ch in '"\\' or ord(ch) < 0x20 for ch in key):
        raise BodyKeyNeedsEscape()
    try:
        key.encode("utf-8")
    except UnicodeEncodeError as err:
        raise ValueError("the body key is not valid Unicode (it holds a lone surrogate)") from err


@dataclass(frozen=True)
class Config:
    """A validated wire configuration; both ends must use the same one.

    ``max_body_len`` of ``None`` means no limit beyond 2^64 - 1.
    """

    prefix: Prefix = field(default_factory=lambda: Prefix.DEFAULT)  # type: ignore[attr-defined]
    body_key: str = DEFAULT_BODY_KEY
    max_header_len: int = DEFAULT_MAX_HEADER_LEN
    max_body_len: Optional[int] = None

    def __post_init__(self) -> None:
        _check_body_key(self.body_key)
        if self.max_header_len <= 0:
            raise ZeroHeaderLimit()
        if self.max_body_len is not None and not 0 <= self.max_body_len <= U64_MAX:
            raise ValueError(
                f"max_body_len must be between 0 and 2^64 - 1, not {self.max_body_len}"
            )

    @classmethod
    def default(cls) -> "Config":
        """The sound default: 4-byte big-endian unsigned prefix."""
        return cls()

    @classmethod
    def python_struct(cls) -> "Config":
        """Byte for byte what the tutorial's peers speak: ``struct.pack('i', len(header))``."""
        return cls(prefix=Prefix.PYTHON_STRUCT)  # type: ignore[attr-defined]

    @property
    def body_limit(self) -> int:
        """The maximum body length as a number (2^64 - 1 when there is no limit)."""
        return U64_MAX if self.max_body_len is None else self.max_body_len

    def with_(self, **changes: object) -> "Config":
        """A copy with some settings changed, validated again."""
        return replace(self, **changes)  # type: ignore[arg-type]
