"""Reads of the stability report: a pair's (the market's book) or an order's (its own
quotes), for a window and per UTC day, from raw and rolled-up rows alike."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from reports import stability
from reports.models import MarketRollup, MarketSnapshot, OrderRollup, OrderSnapshot
from reports.rollups import bucket_of_row

DAY = timedelta(days=1)


@dataclass(frozen=True)
class StabilityReport:
    window: stability.StabilityFigures
    days: list[tuple[datetime, stability.StabilityFigures]]  # (UTC day, its figures)


def _rows(
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
    return _report(_rows(MarketSnapshot, MarketRollup, {"pair_id": pair_id}, start, end))


def order_stability(*, order_id: object, start: datetime, end: datetime) -> StabilityReport:
    """One order's own quotes."""
    return _report(_rows(OrderSnapshot, OrderRollup, {"order_id": order_id}, start, end))
