"""A request to the venue's Binance dialect, and the parsing of its parameters into the
values the venue takes (a bad or missing one is Binance's own error)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote

from simulators.venue.errors import VenueError


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str
    body: bytes
    api_key: str


def fmt(value: Decimal) -> str:
    return format(value, "f")


def split_pairs(raw: str, *, decode: bool) -> dict[str, str]:
    """Split a query on & and the first =; `+` stays `+` (ccxt never form-encodes spaces)."""
    params = {}
    for pair in raw.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        params[unquote(key) if decode else key] = unquote(value) if decode else value
    return params


def decimal_param(params: dict[str, str], name: str, *, required: bool = True) -> Decimal | None:
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise VenueError.mandatory_parameter(name)
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise VenueError.bad_parameter(name) from None
    if not value.is_finite():
        raise VenueError.bad_parameter(name)
    return value


def int_param(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise VenueError.bad_parameter(name) from None


def required_param(params: dict[str, str], name: str) -> str:
    value = params.get(name)
    if not value:
        raise VenueError.mandatory_parameter(name)
    return value
