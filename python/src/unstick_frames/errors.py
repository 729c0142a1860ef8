"""Errors, named as in SPEC.md ("unstick wire format 1").

Every decoding error of the spec is a class here with the spec's name and
fields, and its message is the spec's text (the same text the Rust crate
prints). The hierarchy::

    UnstickError
    +-- ConfigError            EmptyBodyKey, BodyKeyNeedsEscape, ZeroHeaderLimit
    +-- DecodeError            HeaderLenZero, HeaderTooLong, NegativeLength,
    |   |                      BodyTooLong, TruncatedPrefix, TruncatedHeader,
    |   |                      TruncatedBody (the last three: Truncated)
    |   +-- HeaderError        NotUtf8, Syntax, TooDeep, NotAnObject,
    |                          DuplicateBodyKey, BodyLenNegative,
    |                          BodyLenNotInteger, BodyLenOverflow,
    |                          BodyLenWrongType
    +-- EncodeError            EncodeHeaderTooLong, EncodeBodyTooLong,
        |                      LengthOutOfRange, BodyOverrun, BodyUnderrun,
        |                      BodyLenMismatch, FrameInProgress,
        |                      NoFrameInProgress
        +-- HeaderError        (also: the encoder checks what it sends)

A ``HeaderError`` is both a ``DecodeError`` (a received header is invalid) and
an ``EncodeError`` (a header given to the encoder is invalid). All of them
are ``ValueError``s.

A ``DecodeError`` raised by :meth:`Decoder.feed` carries ``events``, the
events the same call produced before the error, and ``consumed``, how many
bytes of that call's input the decoder used (the input stops right after the
offending prefix or header).
"""

from __future__ import annotations

from typing import Any, ClassVar, Dict, List, Optional, Tuple

__all__ = [
    "UnstickError",
    "ConfigError",
    "EmptyBodyKey",
    "BodyKeyNeedsEscape",
    "ZeroHeaderLimit",
    "DecodeError",
    "HeaderLenZero",
    "HeaderTooLong",
    "NegativeLength",
    "BodyTooLong",
    "Truncated",
    "TruncatedPrefix",
    "TruncatedHeader",
    "TruncatedBody",
    "EncodeError",
    "HeaderError",
    "NotUtf8",
    "Syntax",
    "TooDeep",
    "NotAnObject",
    "DuplicateBodyKey",
    "BodyLenNegative",
    "BodyLenNotInteger",
    "BodyLenOverflow",
    "BodyLenWrongType",
    "EncodeHeaderTooLong",
    "EncodeBodyTooLong",
    "LengthOutOfRange",
    "BodyOverrun",
    "BodyUnderrun",
    "BodyLenMismatch",
    "FrameInProgress",
    "NoFrameInProgress",
    "JSON_TYPES",
]

#: The JSON type names used by ``NotAnObject.found`` and
#: ``BodyLenWrongType.found``, with the words the messages use for them.
JSON_TYPES: Dict[str, str] = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "number": "a number",
    "bool": "a boolean",
    "null": "null",
}


class UnstickError(ValueError):
    """Base of every error of this package.

    ``fields`` names the attributes that carry the numbers; ``template`` is
    the message with those attributes as ``str.format`` fields.
    """

    fields: ClassVar[Tuple[str, ...]] = ()
    template: ClassVar[str] = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        values = dict(zip(self.fields, args))
        values.update(kwargs)
        missing = [name for name in self.fields if name not in values]
        if missing or len(values) != len(self.fields):
            raise TypeError(f"{type(self).__name__} takes the fields {self.fields}")
        for name, value in values.items():
            setattr(self, name, value)
        super().__init__(self._message())

    def _message(self) -> str:
        return self.template.format(**self.details())

    def details(self) -> Dict[str, Any]:
        """The fields and their values, as in a test vector's error object."""
        return {name: getattr(self, name) for name in self.fields}

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.details() == self.details()

    def __hash__(self) -> int:
        return hash((type(self).__name__, tuple(self.details().items())))

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self.details().items())
        return f"{type(self).__name__}({inner})"


class ConfigError(UnstickError):
    """A configuration that cannot work, refused before any byte is seen."""


class EmptyBodyKey(ConfigError):
    """The body key is the empty string."""

    template = "the body key is empty"


class BodyKeyNeedsEscape(ConfigError):
    """The body key contains a character JSON must escape."""

    template = "the body key contains a character JSON must escape (quote, backslash or control character)"


class ZeroHeaderLimit(ConfigError):
    """The maximum header length is zero: no header frame could be valid."""

    template = "the maximum header length is zero"


class DecodeError(UnstickError):
    """The decoder refused its input; the decoder stays failed until ``reset``."""

    events: List[Any]
    consumed: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.events = []
        self.consumed = 0


class HeaderLenZero(DecodeError):
    """The prefix of a header frame says the header is 0 bytes long."""

    template = "header length 0 in the prefix: a header is never empty"


class HeaderTooLong(DecodeError):
    """The prefix announces a header longer than the maximum header length."""

    fields = ("len", "max")
    template = "header length {len} in the prefix exceeds the limit of {max} bytes"


class NegativeLength(DecodeError):
    """A signed prefix holds a negative value."""

    fields = ("value",)
    template = "length prefix holds the negative value {value}"


class BodyTooLong(DecodeError):
    """The header (or the prefix of a raw frame) announces a body over the limit."""

    fields = ("len", "max")
    template = "body length {len} exceeds the limit of {max} bytes"


class Truncated(DecodeError):
    """The input ended inside a frame (raised by ``finish``)."""


class TruncatedPrefix(Truncated):
    """The input ended inside a length prefix."""

    fields = ("missing",)
    template = "input ended inside a length prefix, {missing} bytes short"


class TruncatedHeader(Truncated):
    """The input ended inside a header."""

    fields = ("missing",)
    template = "input ended inside a header, {missing} bytes short"


class TruncatedBody(Truncated):
    """The input ended inside a body."""

    fields = ("missing",)
    template = "input ended inside a body, {missing} bytes short"


class EncodeError(UnstickError):
    """The encoder refused to write; its state is as it was before the call."""


class HeaderError(DecodeError, EncodeError):
    """A header that is not a valid frame header (spec: InvalidHeader).

    Offsets count bytes from the first byte of the JSON header.
    """


class NotUtf8(HeaderError):
    """The header is not UTF-8; the bytes before ``valid_up_to`` are."""

    fields = ("valid_up_to",)
    template = "header is not UTF-8 (invalid byte at offset {valid_up_to})"


class Syntax(HeaderError):
    """The header is not valid JSON; ``found`` is the offending byte or None at the end."""

    fields = ("offset", "found")

    def _message(self) -> str:
        found: Optional[int] = self.found  # type: ignore[attr-defined]
        offset = self.offset  # type: ignore[attr-defined]
        if found is None:
            return f"header is not valid JSON: it ends too early, at offset {offset}"
        return f"header is not valid JSON: unexpected byte 0x{found:02x} at offset {offset}"


class TooDeep(HeaderError):
    """Arrays and objects nest deeper than ``max`` levels."""

    fields = ("offset", "max")
    template = "header nests arrays and objects deeper than {max} levels (at offset {offset})"


class NotAnObject(HeaderError):
    """The header is valid JSON but not an object; ``found`` is its JSON type."""

    fields = ("found",)

    def _message(self) -> str:
        return f"header is {JSON_TYPES[self.found]}, not a JSON object"  # type: ignore[attr-defined]


class DuplicateBodyKey(HeaderError):
    """The body key appears twice in the top-level object."""

    fields = ("offset",)
    template = "header repeats the body key (again at offset {offset})"


class BodyLenNegative(HeaderError):
    """The body length is a negative number."""

    fields = ("offset",)
    template = "body length at header offset {offset} is negative"


class BodyLenNotInteger(HeaderError):
    """The body length has a fraction or an exponent."""

    fields = ("offset",)
    template = "body length at header offset {offset} is not an integer (it has a fraction or an exponent)"


class BodyLenOverflow(HeaderError):
    """The body length does not fit in 64 bits."""

    fields = ("offset",)
    template = "body length at header offset {offset} does not fit in 64 bits"


class BodyLenWrongType(HeaderError):
    """The body length is not a number; ``found`` is its JSON type."""

    fields = ("offset", "found")

    def _message(self) -> str:
        found = JSON_TYPES[self.found]  # type: ignore[attr-defined]
        return f"body length at header offset {self.offset} is {found}, not a non-negative integer"  # type: ignore[attr-defined]


class EncodeHeaderTooLong(EncodeError):
    """The serialized header is longer than the maximum header length."""

    fields = ("len", "max")
    template = "serialized header of {len} bytes exceeds the limit of {max} bytes"


class EncodeBodyTooLong(EncodeError):
    """The declared body length exceeds the maximum body length."""

    fields = ("len", "max")
    template = "body length {len} exceeds the limit of {max} bytes"


class LengthOutOfRange(EncodeError):
    """A length does not fit in the configured prefix."""

    fields = ("len", "max")
    template = "length {len} does not fit in the prefix (at most {max})"


class BodyOverrun(EncodeError):
    """A body chunk holds more bytes than the frame has left."""

    fields = ("remaining", "chunk")
    template = "body chunk of {chunk} bytes overruns the frame, which expects only {remaining} more"


class BodyUnderrun(EncodeError):
    """The frame was closed before its whole body was written."""

    fields = ("missing",)
    template = "frame closed {missing} body bytes short of its declared length"


class BodyLenMismatch(EncodeError):
    """A whole-frame call got a body whose length differs from the declared one."""

    fields = ("declared", "actual")
    template = "header declares a body of {declared} bytes but {actual} were given"


class FrameInProgress(EncodeError):
    """A new frame was started while the current one still expects body bytes."""

    fields = ("remaining",)
    template = "a new frame was started while the current one still expects {remaining} body bytes"


class NoFrameInProgress(EncodeError):
    """Body bytes were given while no frame was open."""

    template = "body bytes given while no frame is open"
