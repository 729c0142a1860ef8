"""The header check (SPEC.md, section 4): is this a JSON object, and what body
length does it declare?

:meth:`HeaderChecker.check` runs two ways that always agree:

- a fast path through the standard library's C JSON parser, taken only when
  its verdict provably equals the spec's (the header is accepted and its body
  length is a positive integer or absent, at most 128 brackets in the whole
  text, no ``NaN``/``Infinity``);
- otherwise :class:`_Scanner`, a single pass that follows the spec rule by
  rule and raises the spec's error with the spec's offset. It mirrors the Rust
  crate's scanner, so both give the same error for the same bytes.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Tuple, Union

from .config import MAX_NESTING, U64_MAX
from .errors import (
    BodyLenNegative,
    BodyLenNotInteger,
    BodyLenOverflow,
    BodyLenWrongType,
    DuplicateBodyKey,
    NotAnObject,
    NotUtf8,
    Syntax,
    TooDeep,
)

__all__ = ["HeaderChecker"]

_WS = re.compile(rb"[ \t\n\r]*")
_PLAIN = re.compile(rb'[^"\\\x00-\x1f]*')
_DIGITS = re.compile(rb"[0-9]*")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_SIMPLE_ESCAPES = {
    ord('"'): b'"',
    ord("\\"): b"\\",
    ord("/"): b"/",
    ord("b"): b"\b",
    ord("f"): b"\f",
    ord("n"): b"\n",
    ord("r"): b"\r",
    ord("t"): b"\t",
}
# The JSON type of a value, by its first byte.
_TYPES = {ord("{"): "object", ord("["): "array", ord('"'): "string", ord("t"): "bool", ord("f"): "bool", ord("n"): "null"}
_TYPES.update(dict.fromkeys(b"-0123456789", "number"))

# The largest body length has 20 digits; longer digit runs overflow without
# being converted (Python refuses int() on very long digit strings).
_MAX_DIGITS = len(str(U64_MAX))


class HeaderChecker:
    """Checks headers against one body key. Not thread-safe: one per decoder
    or encoder (it keeps the last object's members between two calls)."""

    __slots__ = ("key", "key_bytes", "_quoted", "_json", "_members")

    def __init__(self, key: str) -> None:
        self.key = key
        self.key_bytes = key.encode("utf-8")
        # The key as it must appear in a header without escapes.
        self._quoted = f'"{key}"'
        self._members: List[Tuple[str, Any]] = []
        self._json = json.JSONDecoder(object_pairs_hook=self._object, parse_constant=_refuse_constant)

    def _object(self, members: List[Tuple[str, Any]]) -> Dict[str, Any]:
        self._members = members
        return dict(members)

    def check(self, data: Union[bytes, bytearray, memoryview]) -> Tuple[str, int, Optional[Dict[str, Any]]]:
        """Checks ``data`` as a frame header.

        Returns the header text, the body length and, when the fast path
        parsed it already, the header as a ``dict`` (else None). Raises the
        spec's ``HeaderError`` subclass for an invalid header.
        """
        try:
            text = str(data, "utf-8")
        except UnicodeDecodeError as err:
            raise NotUtf8(err.start) from None
        fast = self.fast(text)
        if fast is not None:
            return text, fast[0], fast[1]
        return text, _Scanner(bytes(data), self.key_bytes).header(), None

    def fast(self, text: str) -> Optional[Tuple[int, Dict[str, Any]]]:
        """The standard library's verdict, where it provably equals the spec's;
        None where only the scanner can tell."""
        if text.count("[") + text.count("{") > MAX_NESTING:
            return None
        # Without a backslash every key is spelled as it is; with the quoted
        # key at most once in the text, it cannot be a duplicate, and the C
        # parser builds the dicts itself. Otherwise every object's members
        # go through a hook, to see the top-level ones.
        plain = "\\" not in text and text.count(self._quoted) <= 1
        try:
            value = _PLAIN_JSON.decode(text) if plain else self._json.decode(text)
        except (ValueError, RecursionError):
            return None
        if type(value) is not dict:
            return None
        if plain:
            values = [value[self.key]] if self.key in value else []
        else:
            values = [v for k, v in self._members if k == self.key]
        if not values:
            return 0, value
        body_len = values[0]
        if len(values) == 1 and type(body_len) is int and 0 < body_len <= U64_MAX:
            return body_len, value
        return None


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


# Plain dicts, NaN and Infinity refused: the parser of the fast path when no
# hook is needed.
_PLAIN_JSON = json.JSONDecoder(parse_constant=_refuse_constant)


class _Nesting:
    """The open arrays and objects inside one value: one bit each (1 = object)."""

    __slots__ = ("bits", "open", "outer")

    def __init__(self, outer: int) -> None:
        self.bits = 0
        self.open = 0
        self.outer = outer

    def push(self, is_object: bool, offset: int) -> None:
        if self.outer + self.open >= MAX_NESTING:
            raise TooDeep(offset, MAX_NESTING)
        self.bits = (self.bits << 1) | int(is_object)
        self.open += 1

    def pop(self) -> None:
        self.bits >>= 1
        self.open -= 1


class _Scanner:
    """The spec's header rules, one byte position at a time, without recursion."""

    __slots__ = ("data", "pos", "key")

    def __init__(self, data: bytes, key: bytes) -> None:
        self.data = data
        self.pos = 0
        self.key = key

    def peek(self) -> Optional[int]:
        return self.data[self.pos] if self.pos < len(self.data) else None

    def unexpected(self) -> Syntax:
        return Syntax(self.pos, self.peek())

    def skip_ws(self) -> None:
        self.pos = _WS.match(self.data, self.pos).end()  # type: ignore[union-attr]

    def eat(self, byte: int) -> bool:
        if self.peek() == byte:
            self.pos += 1
            return True
        return False

    def expect(self, byte: int) -> None:
        if not self.eat(byte):
            raise self.unexpected()

    def header(self) -> int:
        self.skip_ws()
        first = self.peek()
        if first is None:
            raise self.unexpected()
        if first != ord("{"):
            found = _TYPES.get(first)
            if found is None:
                raise self.unexpected()
            self.value(0)
            self.end()
            raise NotAnObject(found)
        self.pos += 1
        body_len = self.top_level_members()
        self.end()
        return body_len

    def end(self) -> None:
        self.skip_ws()
        if self.peek() is not None:
            raise self.unexpected()

    def top_level_members(self) -> int:
        self.skip_ws()
        if self.eat(ord("}")):
            return 0
        body_len: Optional[int] = None
        while True:
            self.skip_ws()
            key_offset = self.pos
            is_body_key = self.string(True)
            self.colon()
            if not is_body_key:
                self.value(1)
            elif body_len is not None:
                raise DuplicateBodyKey(key_offset)
            else:
                body_len = self.body_len()
            self.skip_ws()
            byte = self.peek()
            if byte == ord(","):
                self.pos += 1
            elif byte == ord("}"):
                self.pos += 1
                return body_len or 0
            else:
                raise self.unexpected()

    def body_len(self) -> int:
        offset = self.pos
        byte = self.peek()
        found = None if byte is None else _TYPES.get(byte)
        if found is None:
            raise self.unexpected()
        if found != "number":
            raise BodyLenWrongType(offset, found)
        negative, integer, digits_end = self.number()
        if negative:
            raise BodyLenNegative(offset)
        if not integer:
            raise BodyLenNotInteger(offset)
        if digits_end - offset > _MAX_DIGITS:
            raise BodyLenOverflow(offset)
        value = int(self.data[offset:digits_end])
        if value > U64_MAX:
            raise BodyLenOverflow(offset)
        return value

    def value(self, outer: int) -> None:
        """Validates one value of any type that sits at nesting level ``outer``."""
        nesting = _Nesting(outer)
        while True:
            self.skip_ws()
            if self.value_start(nesting):
                continue
            if self.close_containers(nesting):
                return

    def value_start(self, nesting: _Nesting) -> bool:
        """Reads a scalar or an empty container whole and returns False; opens
        a non-empty container (and reads an object's first key) and returns
        True: its first value comes next."""
        offset = self.pos
        byte = self.peek()
        if byte != ord("{") and byte != ord("["):
            self.scalar(byte)
            return False
        is_object = byte == ord("{")
        self.pos += 1
        nesting.push(is_object, offset)
        self.skip_ws()
        if self.eat(ord("}") if is_object else ord("]")):
            nesting.pop()
            return False
        if is_object:
            self.member_key()
        return True

    def scalar(self, byte: Optional[int]) -> None:
        if byte == ord('"'):
            self.string(False)
        elif byte is not None and _TYPES.get(byte) == "number":
            self.number()
        elif byte == ord("t"):
            self.literal(b"true")
        elif byte == ord("f"):
            self.literal(b"false")
        elif byte == ord("n"):
            self.literal(b"null")
        else:
            raise self.unexpected()

    def close_containers(self, nesting: _Nesting) -> bool:
        while nesting.open:
            in_object = nesting.bits & 1
            self.skip_ws()
            byte = self.peek()
            if byte == ord(","):
                self.pos += 1
                if in_object:
                    self.skip_ws()
                    self.member_key()
                return False
            if byte == (ord("}") if in_object else ord("]")):
                self.pos += 1
                nesting.pop()
            else:
                raise self.unexpected()
        return True

    def member_key(self) -> None:
        self.string(False)
        self.colon()

    def colon(self) -> None:
        self.skip_ws()
        self.expect(ord(":"))
        self.skip_ws()

    def string(self, compare: bool) -> bool:
        """A string literal; with ``compare``, whether its unescaped value is the key."""
        self.expect(ord('"'))
        decoded = bytearray() if compare else None
        matches = compare
        while True:
            end = _PLAIN.match(self.data, self.pos).end()  # type: ignore[union-attr]
            if decoded is not None:
                decoded += self.data[self.pos : end]
            self.pos = end
            byte = self.peek()
            if byte == ord('"'):
                self.pos += 1
                return matches and decoded is not None and bytes(decoded) == self.key
            if byte != ord("\\"):
                raise self.unexpected()
            self.pos += 1
            char = self.escape()
            if decoded is not None:
                if char is None:
                    matches = False
                else:
                    decoded += char

    def escape(self) -> Optional[bytes]:
        """The escape after a backslash, as UTF-8; None for a lone surrogate."""
        byte = self.peek()
        simple = None if byte is None else _SIMPLE_ESCAPES.get(byte)
        if simple is not None:
            self.pos += 1
            return simple
        if byte != ord("u"):
            raise self.unexpected()
        self.pos += 1
        return self.unicode_escape()

    def unicode_escape(self) -> Optional[bytes]:
        unit = self.hex4()
        if not 0xD800 <= unit < 0xDC00:
            return None if 0xDC00 <= unit < 0xE000 else chr(unit).encode("utf-8")
        following = self.data[self.pos : self.pos + 6]
        low = _parse_hex4(following[2:]) if len(following) == 6 and following[:2] == b"\\u" else None
        if low is None or not 0xDC00 <= low < 0xE000:
            return None
        self.pos += 6
        return chr(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)).encode("utf-8")

    def hex4(self) -> int:
        unit = 0
        for _ in range(4):
            byte = self.peek()
            if byte is None or byte not in _HEX:
                raise self.unexpected()
            unit = (unit << 4) | int(chr(byte), 16)
            self.pos += 1
        return unit

    def number(self) -> Tuple[bool, bool, int]:
        """A number literal: (negative, integer, end of the integer digits)."""
        negative = self.eat(ord("-"))
        byte = self.peek()
        if byte == ord("0"):
            self.pos += 1
        elif byte is not None and ord("1") <= byte <= ord("9"):
            self.digits()
        else:
            raise self.unexpected()
        digits_end = self.pos
        integer = True
        if self.eat(ord(".")):
            integer = False
            self.one_or_more_digits()
        if self.peek() in (ord("e"), ord("E")):
            self.pos += 1
            integer = False
            if self.peek() in (ord("+"), ord("-")):
                self.pos += 1
            self.one_or_more_digits()
        return negative, integer, digits_end

    def one_or_more_digits(self) -> None:
        byte = self.peek()
        if byte is None or not ord("0") <= byte <= ord("9"):
            raise self.unexpected()
        self.digits()

    def digits(self) -> None:
        self.pos = _DIGITS.match(self.data, self.pos).end()  # type: ignore[union-attr]

    def literal(self, word: bytes) -> None:
        for byte in word:
            self.expect(byte)


def _parse_hex4(digits: bytes) -> Optional[int]:
    if len(digits) != 4 or not all(b in _HEX for b in digits):
        return None
    return int(digits, 16)

