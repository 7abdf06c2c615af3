"""Rolling snapshots up (docs/methodology.md, "Retention and roll-ups").

Raw snapshots older than REPORTS_RAW_RETENTION_HOURS become 1-minute rows; 1-minute rows
older than REPORTS_MINUTE_RETENTION_DAYS become 1-hour rows, kept. Each step reads the
rows of whole buckets, writes their merged bucket (merging into a row already there) and
deletes what it read, in one transaction under one lock, so a run that dies changes
nothing and a second run finds nothing left to do. A run reads a bounded batch per level
(`Level.batch`), so a backlog drains over several runs instead of in one long transaction.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction

from reports import stability
from reports.models import (
    MarketRollup,
    MarketSnapshot,
    OrderRollup,
    OrderSnapshot,
    band_columns,
)

MINUTE, HOUR = 60, 3600
# One lock for every roll-up run (PostgreSQL; SQLite's writer is already alone).
_ROLLUP_LOCK = 74_2001


def _depths(row: Any, prefix: str, side: str) -> stability.Depths | None:
    values = [getattr(row, name) for name in band_columns(prefix) if name.startswith(side)]
    return None if values[0] is None else tuple(values)


def sample_of(row: MarketSnapshot | OrderSnapshot) -> stability.Sample:
    return stability.Sample(
        at=row.at,
        readable=row.readable,
        spread=row.spread_bps,
        bid=_depths(row, "", "bid") or (),
        ask=_depths(row, "", "ask") or (),
        two_sided=row.two_sided,
    )


def bucket_of_rollup(row: MarketRollup | OrderRollup) -> stability.Bucket:
    return stability.Bucket(
        first_at=row.first_at,
        last_at=row.last_at,
        samples=row.samples,
        observed=row.observed,
        up=row.up,
        spreads=Counter({Decimal(k): v for k, v in row.spreads.items()}),
        bid_sum=_depths(row, "sum", "bid") or (),
        ask_sum=_depths(row, "sum", "ask") or (),
        bid_min=_depths(row, "min", "bid"),
        ask_min=_depths(row, "min", "ask"),
        depth_sum=row.depth_sum,
        depth_sum_sq=row.depth_sum_sq,
        depth_min=row.depth_min,
        depth_max=row.depth_max,
        drawdown=row.drawdown,
    )


def bucket_of_row(row: Any) -> stability.Bucket:
    if isinstance(row, MarketRollup | OrderRollup):
        return bucket_of_rollup(row)
    return stability.bucket_of_sample(sample_of(row))


def row_facts(row: Any) -> dict[str, object]:
    """A stored row (raw or rolled up, market or order) as the JSON facts the figures are
    recomputed from (reports.stability.figures_of_facts)."""
    if isinstance(row, MarketRollup | OrderRollup):
        return stability.bucket_as_facts(
            bucket_of_rollup(row), resolution_seconds=row.resolution_seconds
        )
    return stability.sample_as_facts(sample_of(row))


def _rollup_columns(bucket: stability.Bucket) -> dict[str, object]:
    columns: dict[str, object] = {
        "first_at": bucket.first_at,
        "last_at": bucket.last_at,
        "samples": bucket.samples,
        "observed": bucket.observed,
        "up": bucket.up,
        "spreads": {str(k): v for k, v in sorted(bucket.spreads.items())},
        "depth_sum": bucket.depth_sum,
        "depth_sum_sq": bucket.depth_sum_sq,
        "depth_min": bucket.depth_min,
        "depth_max": bucket.depth_max,
        "drawdown": bucket.drawdown.quantize(Decimal("1e-20")),
    }
    sums = bucket.bid_sum + bucket.ask_sum
    empty = (None,) * len(stability.BANDS_BPS)
    mins = (bucket.bid_min or empty) + (bucket.ask_min or empty)
    columns.update(zip(band_columns("sum"), sums, strict=True))
    columns.update(zip(band_columns("min"), mins, strict=True))
    return columns


def _last(rows: Sequence[Any]) -> Any:
    return max(rows, key=lambda row: getattr(row, "last_at", None) or row.at)


def _market_prices(rows: Sequence[Any]) -> dict[str, object]:
    last = _last(rows)
    return {"best_bid": last.best_bid, "best_ask": last.best_ask, "mid": last.mid}


def _order_position(rows: Sequence[Any]) -> dict[str, object]:
    last = _last(rows)
    return {
        "own_bid": last.own_bid,
        "own_ask": last.own_ask,
        "base_inventory": last.base_inventory,
        "quote_inventory": last.quote_inventory,
        "equity": last.equity,
        "open_orders_max": max(
            getattr(row, "open_orders_max", None) or getattr(row, "open_orders", 0) for row in rows
        ),
    }


@dataclass(frozen=True)
class Level:
    source: type[models.Model]
    target: type[models.Model]
    subject: str  # "pair_id" or "order_id"
    from_resolution: int | None  # None: raw snapshots
    resolution: int
    batch: timedelta  # the most one run reads: a few tens of thousands of rows

    def source_rows(self) -> models.QuerySet[Any]:
        rows = self.source.objects.all()  # type: ignore[attr-defined]
        if self.from_resolution is not None:
            rows = rows.filter(resolution_seconds=self.from_resolution)
        return rows


LEVELS = (
    Level(MarketSnapshot, MarketRollup, "pair_id", None, MINUTE, timedelta(minutes=5)),
    Level(OrderSnapshot, OrderRollup, "order_id", None, MINUTE, timedelta(minutes=5)),
    Level(MarketRollup, MarketRollup, "pair_id", MINUTE, HOUR, timedelta(hours=1)),
    Level(OrderRollup, OrderRollup, "order_id", MINUTE, HOUR, timedelta(hours=1)),
)


def _floor(moment: datetime, seconds: int) -> datetime:
    return datetime.fromtimestamp(int(moment.timestamp()) // seconds * seconds, tz=UTC)


def _level_roll_up(level: Level, *, cutoff: datetime) -> int:
    """Roll up one batch of whole buckets older than `cutoff`; returns the rows read."""
    source = level.source_rows()
    oldest = source.filter(at__lt=cutoff).order_by("at").values_list("at", flat=True).first()
    if oldest is None:
        return 0
    start = _floor(oldest, level.resolution)
    end = min(cutoff, start + level.batch)
    rows = list(source.filter(at__gte=start, at__lt=end).order_by(level.subject, "at"))
    groups: dict[tuple[object, datetime], list[Any]] = defaultdict(list)
    for row in rows:
        groups[(getattr(row, level.subject), _floor(row.at, level.resolution))].append(row)

    existing = {
        (getattr(row, level.subject), row.at): row
        for row in level.target.objects.filter(  # type: ignore[attr-defined]
            resolution_seconds=level.resolution, at__gte=start, at__lt=end
        )
    }
    written = []
    for (subject, at), members in groups.items():
        before = existing.get((subject, at))
        parts = ([before] if before is not None else []) + members
        if before is not None:
            before.delete()  # rewritten below with the late rows merged in
        columns = _rollup_columns(stability.buckets_merge([bucket_of_row(p) for p in parts]))
        if level.target is OrderRollup:
            columns.update(_order_position(parts))
        else:
            columns.update(_market_prices(parts))
        written.append(
            level.target(**{level.subject: subject}, resolution_seconds=level.resolution, at=at)
        )
        for name, value in columns.items():
            setattr(written[-1], name, value)
    source.filter(at__gte=start, at__lt=end).delete()
    level.target.objects.bulk_create(written)  # type: ignore[attr-defined]
    return len(rows)


def snapshots_roll_up(*, now: datetime) -> dict[str, int]:
    """One roll-up run: the rows read per level (0 everywhere once nothing is due)."""
    cutoffs = {
        MINUTE: _floor(now - timedelta(hours=settings.REPORTS_RAW_RETENTION_HOURS), MINUTE),
        HOUR: _floor(now - timedelta(days=settings.REPORTS_MINUTE_RETENTION_DAYS), HOUR),
    }
    done: dict[str, int] = {}
    for level in LEVELS:
        with transaction.atomic():
            _lock()
            done[f"{level.source.__name__}->{level.resolution}s"] = _level_roll_up(
                level, cutoff=cutoffs[level.resolution]
            )
    return done


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ROLLUP_LOCK])
