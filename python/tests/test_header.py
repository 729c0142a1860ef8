"""The header check: the fast path (the C JSON parser) never disagrees with
the rule-by-rule scanner, and the scanner gives the spec's errors."""

from __future__ import annotations

import json
import random
from typing import Any, Optional, Tuple

import pytest

from unstick_frames import BodyLenNegative, DuplicateBodyKey, HeaderError, NotUtf8, Syntax, TooDeep
from unstick_frames.header import HeaderChecker, _Scanner

KEY = "file_size"


def scanner(data: bytes, key: str = KEY) -> Tuple[str, Any]:
    """The scanner's verdict: ("ok", body length) or ("error", the error)."""
    try:
        return "ok", _Scanner(data, key.encode()).header()
    except HeaderError as err:
        return "error", err


def agree(data: bytes, key: str = KEY) -> None:
    """When the fast path answers, it answers what the scanner answers."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return
    fast: Optional[Tuple[int, Any]] = HeaderChecker(key).fast(text)
    if fast is not None:
        assert scanner(data, key) == ("ok", fast[0]), data


PIECES = [
    "{", "}", "[", "]", ",", ":", " ", '"file_size"', '"file\\u005fsize"', '"a"', "0", "5", "-5", "-0",
    "5.0", "1e3", "18446744073709551615", "18446744073709551616", "true", "null", "NaN", "Infinity",
    '"\\ud800"', '"\\ud83d\\ude00"', '"x\\"y"', "\t", "\n", "01", '"\x01"', "{}", "[]",
]


def test_fast_path_and_scanner_agree_on_random_headers() -> None:
    rng = random.Random(13)
    for _ in range(20000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 12)))
        agree(text.encode())


def test_fast_path_and_scanner_agree_on_generated_objects() -> None:
    rng = random.Random(7)
    values = [0, 1, 5, 2**64 - 1, 2**64, -1, 1.5, "5", None, True, [1], {"file_size": 3}]
    for _ in range(5000):
        members = [(rng.choice(["a", KEY, "file_siz", "\u603b"]), rng.choice(values)) for _ in range(rng.randrange(0, 4))]
        text = "{" + ",".join(f"{json.dumps(k)}:{json.dumps(v)}" for k, v in members) + "}"
        agree(text.encode())
        agree(json.dumps(dict(members), ensure_ascii=True).encode())


def test_fast_path_declines_what_it_cannot_prove() -> None:
    _fast = lambda text, key: HeaderChecker(key).fast(text)  # noqa: E731
    assert _fast('{"file_size":-0}', KEY) is None
    assert _fast('{"file_size":0}', KEY) is None
    assert _fast('{"file_size":1,"file_size":1}', KEY) is None
    assert _fast('{"a":NaN}', KEY) is None
    assert _fast("[" * 200 + "]" * 200, KEY) is None
    assert _fast('{"file_size":5}', KEY) == (5, {"file_size": 5})
    assert _fast('{"a":1}', KEY) == (0, {"a": 1})


def test_errors_carry_offsets_like_the_rust_scanner() -> None:
    assert scanner(b'{"file_size": 1, "file\\u005fsize": 2}') == ("error", DuplicateBodyKey(17))
    assert scanner(b'{"file_size":-0}') == ("error", BodyLenNegative(13))
    assert scanner(b'{"a":"\\u12g4"}') == ("error", Syntax(10, ord("g")))
    assert scanner(b'{"a":1') == ("error", Syntax(6, None))
    assert scanner(b'{"a":' + b"[" * 128) == ("error", TooDeep(132, 128))


def test_non_utf8_is_refused_before_json() -> None:
    with pytest.raises(NotUtf8) as raised:
        HeaderChecker(KEY).check(b'{"a":"\xff"}')
    assert raised.value.valid_up_to == 6


def test_keys_compare_after_unescaping() -> None:
    assert HeaderChecker("总大小").check('{"\\u603b\\u5927\\u5c0f": 3}'.encode())[1] == 3
    assert scanner(b'{"\\ud83d\\ude00": 5}', "\U0001f600") == ("ok", 5)
    assert scanner(b'{"\\ud800": 1, "file_size\\u0000": 2}') == ("ok", 0)


def test_a_body_length_of_thousands_of_digits_overflows_without_converting() -> None:
    kind, err = scanner(b'{"file_size":' + b"9" * 5000 + b"}")
    assert kind == "error" and type(err).__name__ == "BodyLenOverflow"
