"""What the recording oracle reads from an exchange with a participant's read-only key.

The real `ccxt.binance` class, its URLs pointed at the venue simulator (the product's
gateway does the same; simulators may not import it, so the few lines of rebasing live
here). Amounts are read from the exchange's own strings (`info`), never ccxt's floats.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import ccxt

from simulators.hufi.scoring import Fill

TIMEOUT_MS = 10_000
PAGE = 1000


class ExchangeReadError(Exception):
    """The exchange refused or failed a read (bad key, missing permission, outage)."""


@dataclass(frozen=True)
class ExchangeAccess:
    ccxt_id: str
    api_base_url: str
    api_key: str
    secret: str


def _rebase(api_urls: object, base: str) -> object:
    """Swap scheme and host of every API URL, keeping the dialect's paths."""
    if isinstance(api_urls, dict):
        return {name: _rebase(value, base) for name, value in api_urls.items()}
    if isinstance(api_urls, str):
        target, parts = urlsplit(base), urlsplit(api_urls)
        return urlunsplit((target.scheme, target.netloc, parts.path, parts.query, parts.fragment))
    return api_urls


def exchange_client(access: ExchangeAccess) -> ccxt.Exchange:
    client = getattr(ccxt, access.ccxt_id)(
        {
            "apiKey": access.api_key,
            "secret": access.secret,
            "enableRateLimit": False,
            "timeout": TIMEOUT_MS,
            "options": {
                "fetchMarkets": {"types": ["spot"]},
                "fetchMargins": False,
                "fetchCurrencies": False,
            },
        }
    )
    if access.api_base_url:
        client.urls["api"] = _rebase(client.urls["api"], access.api_base_url)
    return client


def _read(call: Callable[..., Any], *args: object) -> Any:
    """A ccxt call whose failure is an ExchangeReadError."""
    try:
        return call(*args)
    except ccxt.BaseError as exc:
        raise ExchangeReadError(f"{type(exc).__name__}: {exc}") from exc


def balances_read(access: ExchangeAccess) -> dict[str, Decimal]:
    """Free + locked per asset; also proves the key can read the account."""
    raw = _read(exchange_client(access).fetch_balance)
    return {
        row["asset"]: Decimal(row["free"]) + Decimal(row["locked"])
        for row in raw["info"]["balances"]
    }


def deposit_address_read(access: ExchangeAccess, *, asset: str) -> str:
    """The account's deposit address for `asset`, or "" if the exchange has none for it."""
    try:
        return str(_read(exchange_client(access).fetch_deposit_address, asset)["address"])
    except ExchangeReadError:
        return ""


def fills_read(access: ExchangeAccess, *, pair: str, from_ms: int, to_ms: int) -> list[Fill]:
    """Every fill of the account on `pair` in [from_ms, to_ms), paged by trade id."""
    client = exchange_client(access)
    fills: list[Fill] = []
    params: dict[str, object] = {}
    while True:
        page = _read(client.fetch_my_trades, pair, from_ms, PAGE, params)
        for trade in page:
            if from_ms <= trade["timestamp"] < to_ms:
                fills.append(
                    Fill(
                        trade_id=str(trade["id"]),
                        side=trade["side"],
                        taker_or_maker=trade["takerOrMaker"],
                        cost=Decimal(trade["info"]["quoteQty"]),
                    )
                )
        if len(page) < PAGE or page[-1]["timestamp"] >= to_ms:
            return fills
        params = {"fromId": int(page[-1]["id"]) + 1}


def pairs_read(access: ExchangeAccess) -> list[str]:
    """The exchange's spot pairs (public: no key needed)."""
    return sorted(_read(exchange_client(access).load_markets))
