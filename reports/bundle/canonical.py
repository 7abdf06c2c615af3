"""Canonical JSON (RFC 8785) for the bundle's documents, and its strict reading.

A bundle holds only objects with text keys, arrays, strings, booleans, null and small
integers: amounts are decimal text, never JSON numbers. For that subset orjson with sorted
keys writes exactly RFC 8785's bytes (no whitespace, raw UTF-8, the same escapes: `\\b \\t
\\n \\f \\r \\" \\\\` and `\\u00xx` in lowercase hex for the other control characters; integers
print alike), about six times faster than the standard library's encoder on a bundle of
100,000 fills, which is itself an order of magnitude faster than a general RFC 8785
encoder. The subset's rules the encoder cannot see hold by construction: the builder
writes no floats (and the reader refuses them), and its only integers are database ids and
counts, far below 2^53 (the reader does not check each of the hundreds of thousands of
them: a hook per integer doubles the parse); orjson refuses a key that is not text and a
string that is not valid Unicode rather than writing them. tests/reports/
test_bundle_canonical.py checks the bytes against the `rfc8785` package, on a real report
and on random documents of the subset. (RFC 8785 orders keys by UTF-16 code units, orjson
by code points: they differ only between characters above U+FFFF and those in
U+E000–U+FFFF, which no key of ours holds.)
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import orjson


class NotCanonicalInput(ValueError):
    pass


def canonical_json(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def _refuse_float(text: str) -> Any:
    raise NotCanonicalInput(f"a bundle holds no fractional JSON numbers, found {text}")


def strict_loads(data: bytes) -> Any:
    """Read a bundle document, refusing what canonical JSON could not have written."""
    return json.loads(
        data.decode("utf-8"),
        parse_float=_refuse_float,
        parse_constant=_refuse_float,
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a bundle's millions of rows are built or
    read: none of them forms a cycle, and the collector's passes over them (each new
    generation walks every survivor) cost as much as building them. Reference counting
    still frees everything; the collector resumes, as it was, when the block ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
