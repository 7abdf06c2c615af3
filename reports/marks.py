"""Prices to value an order at, read from stored facts only (docs/reports.md).

The mark of a market at a time is the latest of its sampled mid (the snapshot seam) and
its last fill at or before that time; the row says which one it is. The executor's last
reference price is not used: it is overwritten every tick, so a figure computed from it
could not be computed again, after a restart or by a verifier.

Fees in a third asset are converted at the mark of that asset's market against the quote
on the same exchange, or else at the operator's declared rate (REPORT_FEE_RATES); without
either they stay unconverted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from core.money import decimal_text
from exchanges.models import TradingPair
from executor.models import ExchangeFill
from reports.facts import time_text
from reports.snapshot_facts import snapshot_mid_latest


def mark_read(*, pair: TradingPair, at: datetime) -> dict[str, Any] | None:
    candidates: list[tuple[datetime, Decimal, str]] = []
    sampled = snapshot_mid_latest(pair_id=pair.pk, at=at)
    if sampled is not None:
        candidates.append((sampled[1], sampled[0], "snapshot_mid"))
    fill = (
        ExchangeFill.objects.filter(exchange_id=pair.exchange_id, symbol=pair.symbol)
        .filter(traded_at__lte=at)
        .order_by("-traded_at", "-id")
        .values_list("traded_at", "price")
        .first()
    )
    if fill is not None:
        candidates.append((fill[0], fill[1], "last_fill"))
    if not candidates:
        return None
    # Latest first; at the same instant a sampled mid beats a fill.
    rank = {"snapshot_mid": 1, "last_fill": 0}
    moment, price, source = max(candidates, key=lambda c: (c[0], rank[c[2]]))
    return {"price": decimal_text(price), "at": time_text(moment), "source": source}


def fee_rates_read(
    *, pair: TradingPair, assets: Iterable[str], at: datetime
) -> dict[str, dict[str, Any]]:
    """Rates into the pair's quote asset for fee assets that are neither base nor quote."""
    rates: dict[str, dict[str, Any]] = {}
    for asset in sorted(set(assets) - {pair.base_symbol, pair.quote_symbol, ""}):
        symbol = f"{asset}/{pair.quote_symbol}"
        market = TradingPair.objects.filter(exchange_id=pair.exchange_id, symbol=symbol).first()
        mark = None if market is None else mark_read(pair=market, at=at)
        if mark is not None:
            rates[asset] = {"rate": mark["price"], "source": f"{symbol} {mark['source']}"}
            rates[asset]["at"] = mark["at"]
        elif symbol in settings.REPORT_FEE_RATES:
            declared = decimal_text(Decimal(settings.REPORT_FEE_RATES[symbol]))
            rates[asset] = {"rate": declared, "source": "REPORT_FEE_RATES", "at": None}
    return rates
