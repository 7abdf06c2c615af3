"""The creator dashboard's figures: all of a user's orders over a window (24 hours, 7 days
or 30 days), cut into equal buckets for the charts, from the metric snapshots and their
roll-ups, the fills and the ledger's reward credits.

Per bucket, over the user's orders: uptime is their up snapshots over their sampling slots
(a gap is not up, as in docs/methodology.md); spread is the median spread of each order
averaged weighted by its readable snapshots; depth is the sum of each order's mean
two-sided depth (within the uptime band) and volume the sum of price × amount of their
fills, both per quote asset, since amounts in different quote assets never add.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Sum

from ledger.models import Account, Entry, Transaction
from orders.models import MarketMakingOrder
from orders.order_activity import MIXIN_PLACES
from reports import stability
from reports.facts import fill_rows, time_text
from reports.models import OrderRollup, OrderSnapshot
from reports.rollups import bucket_of_row
from reports.selectors import snapshot_rows_of

VOLUME_PLACES = Decimal("0.00000001")


@dataclass(frozen=True)
class Window:
    length: timedelta
    step: timedelta  # one chart bucket


WINDOWS = {
    "24h": Window(timedelta(hours=24), timedelta(hours=1)),
    "7d": Window(timedelta(days=7), timedelta(hours=6)),
    "30d": Window(timedelta(days=30), timedelta(days=1)),
}


def window_bounds(*, window: str, now: datetime) -> tuple[datetime, datetime, timedelta]:
    """[start, end) ending at the bucket boundary after `now`, aligned to UTC."""
    shape = WINDOWS[window]
    step = int(shape.step.total_seconds())
    end = datetime.fromtimestamp((int(now.timestamp()) // step + 1) * step, UTC)
    return end - shape.length, end, shape.step


@dataclass
class _Cell:
    """One bucket of one order."""

    up: int = 0
    slots: int = 0
    observed: int = 0
    spread_p50: Decimal | None = None
    depth_mean: Decimal | None = None


def _cell(buckets: list[stability.Bucket], interval: int) -> _Cell:
    figures = stability.stability_figures(buckets, interval_seconds=interval)
    merged = stability.buckets_merge(buckets)
    depth = (
        (merged.depth_sum / merged.observed).quantize(stability.DEPTH_PLACES)
        if merged.observed
        else None
    )
    return _Cell(merged.up, figures.slots, merged.observed, figures.spread_p50_bps, depth)


def _ratio(up: int, slots: int) -> Decimal | None:
    return (Decimal(up) / slots).quantize(stability.RATIO_PLACES) if slots else None


def _weighted_spread(cells: list[_Cell]) -> Decimal | None:
    weighted = [(c.spread_p50, c.observed) for c in cells if c.spread_p50 is not None]
    weight = sum(n for _, n in weighted)
    if not weight:
        return None
    return (sum((s * n for s, n in weighted), Decimal(0)) / weight).quantize(stability.BPS_PLACES)


def order_uptime_counts(*, order_id: object, start: datetime, end: datetime) -> tuple[int, int]:
    """(up snapshots, sampling slots) of one order's quotes in [start, end)."""
    rows = snapshot_rows_of(OrderSnapshot, OrderRollup, {"order_id": order_id}, start, end)
    if not rows:
        return 0, 0
    cell = _cell([bucket_of_row(row) for row in rows], settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS)
    return cell.up, cell.slots


def _order_figures(order: MarketMakingOrder, start: datetime, end: datetime, step: timedelta):
    interval = settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS
    count = (end - start) // step
    by_index: dict[int, list[stability.Bucket]] = defaultdict(list)
    everything = []
    for row in snapshot_rows_of(OrderSnapshot, OrderRollup, {"order_id": order.pk}, start, end):
        bucket = bucket_of_row(row)
        by_index[(row.at - start) // step].append(bucket)
        everything.append(bucket)
    cells = [_cell(by_index[i], interval) if by_index[i] else _Cell() for i in range(count)]
    volume = [Decimal(0)] * count
    fills = 0
    since = time_text(start) or ""
    for fill in fill_rows(order_id=order.pk, until=end):
        if fill["traded_at"] < since:
            continue
        traded_at = datetime.fromisoformat(fill["traded_at"])
        volume[(traded_at - start) // step] += Decimal(fill["price"]) * Decimal(fill["amount"])
        fills += 1
    whole = _cell(everything, interval) if everything else _Cell()
    return cells, volume, whole, fills


def _rewards(*, user: Any, start: datetime, end: datetime) -> dict[str, Decimal]:
    """Reward credits booked to the user's accounts in the window, per asset id."""
    rows = (
        Entry.objects.filter(
            transaction__code=Transaction.Code.REWARD_CREDIT,
            account__owner_kind=Account.OwnerKind.USER,
            account__owner_id=str(user.pk),
            transaction__created_at__gte=start,
            transaction__created_at__lt=end,
        )
        .values("asset")
        .annotate(total=Sum("amount"))
    )
    return {str(row["asset"]): row["total"] for row in rows}


def dashboard_of_user(*, user: Any, window: str, now: datetime) -> dict[str, Any]:
    start, end, step = window_bounds(window=window, now=now)
    count = (end - start) // step
    orders = list(
        MarketMakingOrder.objects.filter(user=user, frozen_config__isnull=False)
        .select_related("pair__exchange")
        .order_by("created_at")
    )
    columns: list[list[_Cell]] = [[] for _ in range(count)]
    depth: dict[str, list[Decimal]] = {}
    volume: dict[str, list[Decimal]] = {}
    symbols: dict[str, str] = {}
    rows = []
    for order in orders:
        cells, order_volume, whole, fills = _order_figures(order, start, end, step)
        quote = order.pair.quote_symbol
        symbols[str(order.pair.base_asset_id)] = order.pair.base_symbol
        symbols[str(order.pair.quote_asset_id)] = quote
        depth.setdefault(quote, [Decimal(0)] * count)
        volume.setdefault(quote, [Decimal(0)] * count)
        for i, cell in enumerate(cells):
            columns[i].append(cell)
            depth[quote][i] += cell.depth_mean or 0
            volume[quote][i] += order_volume[i]
        rows.append(
            {
                "id": order.pk,
                "symbol": order.pair.symbol,
                "exchange": order.pair.exchange.name,
                "state": order.state,
                "quote_symbol": quote,
                "uptime": _ratio(whole.up, whole.slots),
                "spread_p50_bps": whole.spread_p50,
                "depth": whole.depth_mean,
                "volume": sum(order_volume, Decimal(0)).quantize(VOLUME_PLACES),
                "fills": fills,
            }
        )
    rewards = _rewards(user=user, start=start, end=end)
    return {
        "window": window,
        "start": start,
        "end": end,
        "step_seconds": int(step.total_seconds()),
        "times": [start + i * step for i in range(count)],
        "uptime": [_ratio(sum(c.up for c in col), sum(c.slots for c in col)) for col in columns],
        "spread_p50_bps": [_weighted_spread(col) for col in columns],
        "depth": [{"quote_symbol": q, "values": v} for q, v in sorted(depth.items())],
        "volume": [
            {"quote_symbol": q, "values": [x.quantize(VOLUME_PLACES) for x in v]}
            for q, v in sorted(volume.items())
        ],
        "orders": rows,
        "rewards_received": [
            {
                "asset_id": asset,
                "symbol": symbols.get(asset, ""),
                "places": MIXIN_PLACES,
                "amount": amount,
            }
            for asset, amount in sorted(rewards.items())
        ],
    }
