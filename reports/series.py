"""An order's time series for its page's charts, read from the stored metric snapshots.

The resolution follows the window's length (docs/reports.md, "The order's series"): the raw
snapshots (one per sampling interval) up to RAW_UP_TO, 1-minute points up to MINUTE_UP_TO,
1-hour points beyond, so a chart never gets more than a few thousand points. Rows stored at
a finer resolution than the one chosen are merged into its buckets; rows already rolled up
past it (raw snapshots age into 1-minute rows, those into 1-hour rows) are drawn as they
are. Per bucket: prices, inventory and equity are the last snapshot's; own depth is the
mean of the snapshots that read the book; the spread is the mean of the spreads recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings

from core.errors import ApplicationError
from core.money import decimal_text
from executor.models import ExchangeFill
from orders.models import MarketMakingOrder
from reports.models import MarketRollup, MarketSnapshot, OrderRollup, OrderSnapshot, band_columns
from reports.rollups import HOUR, MINUTE
from reports.stability import BANDS_BPS

RAW_UP_TO = timedelta(hours=6)
MINUTE_UP_TO = timedelta(days=3)
MAX_WINDOW = timedelta(days=92)
# The newest fills of the window the chart marks; older ones are counted, not drawn.
FILLS_DRAWN = 2000
SIDES = ("bid", "ask")
PRICE_NAMES = ("mid", "best_bid", "best_ask", "own_bid", "own_ask")


def series_resolution(window: timedelta) -> int:
    """Seconds per point for a window: 0 means the raw snapshots."""
    if window <= RAW_UP_TO:
        return 0
    if window <= MINUTE_UP_TO:
        return MINUTE
    return HOUR


def series_window(
    *, order: MarketMakingOrder, start: datetime | None, end: datetime | None, now: datetime
) -> tuple[datetime, datetime]:
    """[from, to): by default from the order's creation (at most MAX_WINDOW back) to now."""
    end = end or now
    if start is None:
        start = max(order.created_at, end - MAX_WINDOW)
    if end <= start:
        raise ApplicationError(
            "The window must end after it starts.",
            code="invalid",
            detail={"to": ["Must be after from."]},
        )
    if end - start > MAX_WINDOW:
        raise ApplicationError(
            f"A window is at most {MAX_WINDOW.days} days; ask for it in parts.",
            code="invalid",
            detail={"to": [f"At most {MAX_WINDOW.days} days after from."]},
        )
    return start, end


@dataclass
class Point:
    """One bucket of the series, merged from the stored rows it covers."""

    at: datetime
    last_at: datetime
    market_last_at: datetime | None = None
    prices: dict[str, Decimal | None] = field(default_factory=dict)
    base: Decimal | None = None
    quote: Decimal | None = None
    equity: Decimal | None = None
    observed: int = 0
    depth: dict[str, Decimal] = field(default_factory=dict)  # "bid_10" → sum over observed
    spread: dict[str, list[Decimal]] = field(default_factory=dict)  # own/market → [sum, n]

    def add_position(self, row: Any, last_at: datetime) -> None:
        if last_at >= self.last_at:
            self.last_at = last_at
            self.base, self.quote, self.equity = (
                row.base_inventory,
                row.quote_inventory,
                row.equity,
            )
            self.prices["own_bid"], self.prices["own_ask"] = row.own_bid, row.own_ask

    def add_spread(self, name: str, total: Decimal, count: int) -> None:
        if count:
            held = self.spread.setdefault(name, [Decimal(0), Decimal(0)])
            held[0] += total
            held[1] += count


def _floor(moment: datetime, seconds: int) -> datetime:
    if not seconds:
        return moment
    return datetime.fromtimestamp(int(moment.timestamp()) // seconds * seconds, tz=moment.tzinfo)


def _resolution_of(row: Any) -> int:
    return getattr(row, "resolution_seconds", 0)


def _spread_of(row: Any) -> tuple[Decimal, int]:
    if _resolution_of(row):
        total = sum((Decimal(k) * v for k, v in row.spreads.items()), Decimal(0))
        return total, sum(row.spreads.values())
    if row.spread_bps is None:
        return Decimal(0), 0
    return row.spread_bps, 1


def _points(order_rows: Iterable[Any], market_rows: Iterable[Any], seconds: int) -> list[Point]:
    points: dict[datetime, Point] = {}

    def point_of(row: Any) -> Point:
        at = _floor(row.at, seconds) if _resolution_of(row) < seconds else row.at
        return points.setdefault(at, Point(at=at, last_at=at))

    for row in order_rows:
        point = point_of(row)
        last_at = getattr(row, "last_at", row.at)
        point.add_position(row, last_at)
        point.add_spread("own", *_spread_of(row))
        observed = row.observed if _resolution_of(row) else int(row.readable)
        if observed:
            point.observed += observed
            prefix = "sum" if _resolution_of(row) else ""
            for name, stored in zip(band_columns(""), band_columns(prefix), strict=True):
                point.depth[name] = point.depth.get(name, Decimal(0)) + getattr(row, stored)
    for row in market_rows:
        at = _floor(row.at, seconds) if _resolution_of(row) < seconds else row.at
        point = points.get(at)
        if point is None:
            continue  # the market was sampled, this order was not (not running then)
        point.add_spread("market", *_spread_of(row))
        last_at = getattr(row, "last_at", row.at)
        if point.market_last_at is None or last_at >= point.market_last_at:
            point.market_last_at = last_at
            for name in ("mid", "best_bid", "best_ask"):
                point.prices[name] = getattr(row, name)
    return [points[at] for at in sorted(points)]


def _text(value: Decimal | None, places: int | None = None) -> str | None:
    if value is None:
        return None
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    return decimal_text(value)


def _rows(model: type[Any], subject: dict[str, object], start: datetime, end: datetime) -> list:
    """Raw rows in the window, and the roll-ups holding a snapshot in it (a bucket may
    start before the window)."""
    rolled = model in (MarketRollup, OrderRollup)
    since = {"last_at__gte": start} if rolled else {"at__gte": start}
    return list(model.objects.filter(**subject, **since, at__lt=end).order_by("at"))


def _fills(order: MarketMakingOrder, start: datetime, end: datetime) -> tuple[list[dict], int]:
    query = ExchangeFill.objects.filter(
        tracked_order__order_id=order.pk, traded_at__gte=start, traded_at__lt=end
    )
    total = query.count()
    newest = list(query.order_by("-traded_at", "-id")[:FILLS_DRAWN])
    return [
        {
            "time": round(fill.traded_at.timestamp(), 3),
            "traded_at": fill.traded_at.isoformat(),
            "side": fill.side,
            "price": decimal_text(fill.price),
            "amount": decimal_text(fill.amount),
            "trade_id": fill.trade_id,
        }
        for fill in reversed(newest)
    ], total


def order_series(*, order: MarketMakingOrder, start: datetime, end: datetime) -> dict[str, Any]:
    """The order's chart series over [start, end) in columns (one entry per point), and
    its fills in the window."""
    seconds = series_resolution(end - start)
    subject_order = {"order_id": order.pk}
    subject_pair = {"pair_id": order.pair_id}
    order_rows = _rows(OrderRollup, subject_order, start, end) + _rows(
        OrderSnapshot, subject_order, start, end
    )
    market_rows = _rows(MarketRollup, subject_pair, start, end) + _rows(
        MarketSnapshot, subject_pair, start, end
    )
    points = _points(order_rows, market_rows, seconds)
    fills, fills_total = _fills(order, start, end)

    def spread(point: Point, name: str) -> str | None:
        held = point.spread.get(name)
        return None if held is None else _text(held[0] / held[1], 2)

    def depth(point: Point, name: str) -> str | None:
        if not point.observed:
            return None
        return _text(point.depth[name] / point.observed, 8)

    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "resolution_seconds": seconds or settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS,
        "resolution": {0: "raw", MINUTE: "minute", HOUR: "hour"}[seconds],
        "bands_bps": list(BANDS_BPS),
        "points": len(points),
        "time": [point.at.timestamp() for point in points],
        **{name: [_text(p.prices.get(name)) for p in points] for name in PRICE_NAMES},
        "spread_bps": [spread(p, "own") for p in points],
        "market_spread_bps": [spread(p, "market") for p in points],
        "own_depth": {
            side: {str(band): [depth(p, f"{side}_{band}") for p in points] for band in BANDS_BPS}
            for side in SIDES
        },
        "inventory": {
            "base": [_text(p.base) for p in points],
            "quote": [_text(p.quote) for p in points],
        },
        "equity": [_text(p.equity) for p in points],
        "fills": fills,
        "fills_total": fills_total,
    }
