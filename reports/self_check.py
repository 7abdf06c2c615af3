"""The node's self-check of its report bundles, and the reputation inputs it measures
(docs/methodology.md, "Reputation inputs").

A round builds the bundle of a few trading orders' last day (those checked longest ago
first), verifies it as any reader would, and compares the figures the node reports live
(the stability API's, from the database with its roll-ups) with those recomputed from the
bundle's facts. Every check is a row; the rates are read from the rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Max, OuterRef, Subquery

from orders.models import MarketMakingOrder
from orders.states import OrderState
from reports import stability
from reports.bundle.build import bundle_sign, report_document
from reports.bundle.verify import bundle_problems
from reports.dashboard import order_uptime_counts
from reports.keys import report_public_key
from reports.models import ReportSelfCheck
from reports.selectors import order_stability

CHECK_WINDOW = timedelta(days=1)
CHECKS_PER_ROUND = 5
REPUTATION_WINDOW = timedelta(days=30)


def _deviation(reported: Decimal | None, recomputed: object) -> Decimal | None:
    if reported is None or recomputed is None:
        return None if reported is None and recomputed is None else Decimal(1)
    return abs(reported - Decimal(str(recomputed)))


def report_self_check(*, order: MarketMakingOrder, now: datetime) -> ReportSelfCheck:
    since = max(order.created_at, now - CHECK_WINDOW)
    report = report_document(order=order, since=since, until=now)
    bundle = bundle_sign(report)
    problems = bundle_problems(bundle.content, public_key=report_public_key())
    reported = order_stability(order_id=order.pk, start=since, end=now).window
    recomputed = report["figures"]["stability"] or {}  # None: no snapshot in the window
    spread = _deviation(reported.spread_p50_bps, recomputed.get("spread_p50_bps"))
    return ReportSelfCheck.objects.create(
        order=order,
        checked_at=now,
        window_from=since,
        window_to=now,
        bundle_sha256=bundle.sha256,
        verified=not problems,
        problems=problems,
        uptime_deviation=_deviation(reported.uptime, recomputed.get("uptime")),
        spread_deviation_bps=spread.quantize(stability.BPS_PLACES) if spread is not None else None,
    )


def self_checks_run(*, now: datetime, limit: int = CHECKS_PER_ROUND) -> int:
    last_check = (
        ReportSelfCheck.objects.filter(order=OuterRef("pk"))
        .values("order")
        .annotate(last=Max("checked_at"))
        .values("last")
    )
    due = (
        MarketMakingOrder.objects.filter(
            state__in=(OrderState.RUNNING, OrderState.PAUSED), frozen_config__isnull=False
        )
        .select_related("pair__exchange")
        .annotate(last_check=Subquery(last_check))
        # Never checked first (PostgreSQL would put the NULLs last).
        .order_by(F("last_check").asc(nulls_first=True), "created_at")[:limit]
    )
    checked = 0
    for order in due:
        report_self_check(order=order, now=now)
        checked += 1
    return checked


def _mean(values: list[Decimal], places: Decimal) -> Decimal | None:
    return (sum(values, Decimal(0)) / len(values)).quantize(places) if values else None


def node_report_inputs(*, now: datetime) -> dict[str, Any]:
    """Uptime of all orders' quotes, the report verification rate and the deviation of
    reported from recomputed figures, over REPUTATION_WINDOW. No order or person named."""
    start = now - REPUTATION_WINDOW
    up = slots = 0
    for order_id in MarketMakingOrder.objects.filter(frozen_config__isnull=False).values_list(
        "pk", flat=True
    ):
        order_up, order_slots = order_uptime_counts(order_id=order_id, start=start, end=now)
        up, slots = up + order_up, slots + order_slots
    checks = list(ReportSelfCheck.objects.filter(checked_at__gte=start, checked_at__lt=now))
    verified = sum(1 for c in checks if c.verified)
    uptime_dev = [c.uptime_deviation for c in checks if c.uptime_deviation is not None]
    spread_dev = [c.spread_deviation_bps for c in checks if c.spread_deviation_bps is not None]
    return {
        "window_start": start,
        "window_end": now,
        "uptime": (Decimal(up) / slots).quantize(stability.RATIO_PLACES) if slots else None,
        "uptime_slots": slots,
        "self_checks": len(checks),
        "self_checks_verified": verified,
        "verification_rate": (
            (Decimal(verified) / len(checks)).quantize(stability.RATIO_PLACES) if checks else None
        ),
        "uptime_deviation_max": max(uptime_dev, default=None),
        "uptime_deviation_mean": _mean(uptime_dev, stability.RATIO_PLACES),
        "spread_deviation_bps_max": max(spread_dev, default=None),
        "spread_deviation_bps_mean": _mean(spread_dev, stability.BPS_PLACES),
        "last_check_at": max((c.checked_at for c in checks), default=None),
    }
