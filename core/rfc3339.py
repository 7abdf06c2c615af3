"""RFC 3339 timestamps with nanoseconds, as Mixin writes them (Go's RFC3339Nano).

Python's datetime stops at microseconds, so positions are kept as integer nanoseconds
since the epoch; the text is kept verbatim wherever it is sent back to Mixin.
"""

import re
from datetime import UTC, datetime

_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$")


def parse_ns(text: str) -> int:
    """Nanoseconds since the epoch of an RFC3339(Nano) timestamp."""
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not an RFC 3339 timestamp")
    whole, fraction, zone = match.groups()
    moment = datetime.fromisoformat(whole + ("+00:00" if zone == "Z" else zone))
    return int(moment.timestamp()) * 1_000_000_000 + int((fraction or "").ljust(9, "0"))


def datetime_from_ns(ns: int) -> datetime:
    seconds, rest = divmod(ns, 1_000_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=rest // 1000)


def format_ns(ns: int) -> str:
    """Go's RFC3339Nano in UTC: trailing zeros of the fraction dropped."""
    seconds, rest = divmod(ns, 1_000_000_000)
    whole = datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")
    fraction = f"{rest:09d}".rstrip("0")
    return f"{whole}.{fraction}Z" if fraction else f"{whole}Z"
