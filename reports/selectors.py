"""Reads of the reports: PnL and activity per order (summed per user, pair or node), and
the stability report of a pair or an order for a window and per UTC day."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from orders.models import MarketMakingOrder
from reports import stability
from reports.facts import (
    exchange_order_rows,
    exchange_orders_as_of,
    fill_rows,
    funded_row,
    market_row,
    time_text,
)
from reports.marks import fee_rates_read, mark_read
from reports.models import MarketRollup, MarketSnapshot, OrderRollup, OrderSnapshot
from reports.pnl import figures_sum, order_figures
from reports.rollups import bucket_of_row

DAY = timedelta(days=1)


@dataclass(frozen=True)
class StabilityReport:
    window: stability.StabilityFigures
    days: list[tuple[datetime, stability.StabilityFigures]]  # (UTC day, its figures)


def snapshot_rows_of(
    raw: type[MarketSnapshot | OrderSnapshot],
    rolled: type[MarketRollup | OrderRollup],
    subject: dict[str, object],
    start: datetime,
    end: datetime,
) -> list[Any]:
    # One snapshot of the database for both tables: a roll-up committing between the two
    # reads would otherwise count its rows twice or not at all. (Inside a caller's
    # transaction, its isolation stands.)
    repeatable = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        if repeatable:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        rows = list(rolled.objects.filter(**subject, at__gte=start, at__lt=end))
        rows += list(raw.objects.filter(**subject, at__gte=start, at__lt=end))
    return rows


def _report(rows: list[Any]) -> StabilityReport:
    interval = settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS
    by_day: dict[datetime, list[stability.Bucket]] = defaultdict(list)
    for row in rows:
        day = datetime(row.at.year, row.at.month, row.at.day, tzinfo=UTC)
        by_day[day].append(bucket_of_row(row))
    return StabilityReport(
        window=stability.stability_figures(
            [bucket for buckets in by_day.values() for bucket in buckets],
            interval_seconds=interval,
        ),
        days=[
            (day, stability.stability_figures(by_day[day], interval_seconds=interval))
            for day in sorted(by_day)
        ],
    )


def pair_stability(*, pair_id: int, start: datetime, end: datetime) -> StabilityReport:
    """The market's book on the pair: what any trader saw, whoever quoted it."""
    return _report(snapshot_rows_of(MarketSnapshot, MarketRollup, {"pair_id": pair_id}, start, end))


def order_stability(*, order_id: object, start: datetime, end: datetime) -> StabilityReport:
    """One order's own quotes."""
    return _report(snapshot_rows_of(OrderSnapshot, OrderRollup, {"order_id": order_id}, start, end))


def order_pnl(
    *, order: MarketMakingOrder, since: datetime | None = None, until: datetime | None = None
) -> dict[str, Any]:
    """The order's PnL at `until` (now when None) and its activity in [since, until)."""
    at = until or timezone.now()
    fills = fill_rows(order_id=order.pk, until=until)
    exchange_orders = exchange_order_rows(order_id=order.pk, until=until)
    return order_figures(
        market=market_row(order.pair),
        funded=funded_row(order),
        fills=fills,
        exchange_orders=exchange_orders
        if until is None
        else exchange_orders_as_of(exchange_orders, at=time_text(until)),
        mark=mark_read(pair=order.pair, at=at),
        fee_rates=fee_rates_read(pair=order.pair, assets={f["fee_asset"] for f in fills}, at=at),
        since=time_text(since),
    )


def _summed(orders: QuerySet[MarketMakingOrder]) -> dict[str, Any]:
    """Figures summed per quote asset: amounts in different quote assets never add."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for order in orders.select_related("pair__exchange").prefetch_related("legs"):
        groups[order.pair.quote_symbol].append(order_pnl(order=order))
    return {quote: figures_sum(figures) for quote, figures in sorted(groups.items())}


def pnl_per_user(*, user: Any) -> dict[str, Any]:
    return _summed(MarketMakingOrder.objects.filter(user=user, frozen_config__isnull=False))


def pnl_per_pair(*, pair_id: int) -> dict[str, Any]:
    return _summed(MarketMakingOrder.objects.filter(pair_id=pair_id, frozen_config__isnull=False))


def pnl_of_node() -> dict[str, Any]:
    return _summed(MarketMakingOrder.objects.filter(frozen_config__isnull=False))
