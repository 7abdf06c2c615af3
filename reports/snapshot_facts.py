"""The metric snapshots as facts of PnL and the report bundle.

PnL and the bundle read snapshots only through these three functions: the order's stored
rows (raw and rolled up) as the plain JSON facts the stability figures are recomputed from
(reports.rollups.row_facts), the market's latest sampled mid for the mark, and the figures
of a window's facts, so a verifier recomputes them from the bundle alone.
"""

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from reports import stability
from reports.models import MarketSnapshot, OrderRollup, OrderSnapshot
from reports.rollups import row_facts


def snapshot_rows(*, order_id: object, since: datetime, until: datetime) -> list[dict[str, Any]]:
    """The order's snapshots in [since, until), oldest first, as the bundle's plain rows."""
    rows: list[Any] = list(
        OrderRollup.objects.filter(order_id=order_id, at__gte=since, at__lt=until)
    )
    rows += list(OrderSnapshot.objects.filter(order_id=order_id, at__gte=since, at__lt=until))
    rows.sort(key=lambda row: (row.at, getattr(row, "resolution_seconds", 0)))
    return [row_facts(row) for row in rows]


def snapshot_mid_latest(*, pair_id: int, at: datetime) -> tuple[Decimal, datetime] | None:
    """The latest sampled mid of the market at or before `at`, with its time."""
    row = (
        MarketSnapshot.objects.filter(pair_id=pair_id, at__lte=at, mid__isnull=False)
        .order_by("-at")
        .values_list("mid", "at")
        .first()
    )
    return None if row is None else (row[0], row[1])


def stability_figures(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The stability figures of a window's snapshot facts (uptime, spread, depth), computed
    from the rows alone; None when the window holds no snapshot."""
    if not rows:
        return None
    figures = stability.figures_of_facts(
        rows, interval_seconds=settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS
    )
    return {"methodology_version": stability.METHODOLOGY_VERSION, **_plain(asdict(figures))}


def _plain(value: Any) -> Any:
    """Decimals and times as text, so the figures serialize canonically (asdict has already
    turned the nested figures into dicts and lists)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
