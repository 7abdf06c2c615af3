"""The chart's series from the executor's rows (pure arithmetic over them): at each moment
quotes were placed, our best buy and sell and their midpoint; fills oldest first."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from orders.order_activity import _quote_series

T0 = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def _quote(side: str, price: str, at: datetime) -> SimpleNamespace:
    return SimpleNamespace(side=side, price=Decimal(price), created_at=at)


def _fill(side: str, price: str, at: datetime) -> SimpleNamespace:
    return SimpleNamespace(side=side, price=Decimal(price), traded_at=at)


def test_best_quotes_and_their_midpoint_at_each_placement():
    later = T0 + timedelta(seconds=30)
    quotes = [
        _quote("buy", "99.5", T0),
        _quote("buy", "99.7", T0),
        _quote("sell", "100.5", T0),
        _quote("sell", "100.3", T0),
        _quote("buy", "99.9", later),  # one side only: no midpoint then
    ]
    fills = [_fill("sell", "100.3", later), _fill("buy", "99.7", T0)]  # newest first
    series = _quote_series(quotes, fills)
    assert series["time"] == [T0.timestamp(), later.timestamp()]
    assert series["bid"] == ["99.7", "99.9"]
    assert series["ask"] == ["100.3", None]
    assert series["mid"] == ["100", None]
    assert [f["price"] for f in series["fills"]] == ["99.7", "100.3"]
