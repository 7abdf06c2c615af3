"""Celery interfaces of the snapshots: the beat job fanning out one snapshot task per batch
of markets with a running order, the snapshots themselves, and the roll-up run; and the
builds of the public proofs (reports/public_proof.py)."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from core import context
from core.jobs import MrMarketTask
from orders.models import MarketMakingOrder
from reports.public_proof import published_proof_build, published_proofs_refresh
from reports.rollups import snapshots_roll_up
from reports.self_check import self_checks_run
from reports.snapshots import markets_snapshot_take, markets_with_running_orders, slot_of

# A roll-up run repeats its batches up to this many times (a backlog drains over runs).
ROLLUP_BATCHES_PER_RUN = 4


@shared_task(base=MrMarketTask, autoretry_for=(), max_retries=0)
def reports_snapshot_all(*, trace_id: str | None = None) -> int:
    """Beat job: one snapshot task per batch of REPORTS_SNAPSHOT_MARKETS_PER_TASK markets with
    a running order, for the current slot. Each expires with its slot: a snapshot taken
    late would describe the wrong moment. Returns the markets to sample."""
    at = slot_of(timezone.now())
    markets = markets_with_running_orders()
    size = settings.REPORTS_SNAPSHOT_MARKETS_PER_TASK
    for first in range(0, len(markets), size):
        reports_snapshot_markets.apply_async(
            kwargs={
                "pair_ids": markets[first : first + size],
                "at": at.isoformat(),
                "trace_id": context.new_trace_id(),
            },
            expires=settings.REPORTS_SNAPSHOT_INTERVAL_SECONDS,
        )
    return len(markets)


@shared_task(base=MrMarketTask, autoretry_for=(), max_retries=0)
def reports_snapshot_markets(*, pair_ids: list[int], at: str, trace_id: str) -> int:
    """Not retried: a failed book read is recorded as a gap, and the next slot comes soon."""
    moment = parse_datetime(at)
    if moment is None:
        raise ValueError(f"not a time: {at!r}")
    return markets_snapshot_take(pair_ids=[int(pair_id) for pair_id in pair_ids], at=moment)


@shared_task(base=MrMarketTask, autoretry_for=(), max_retries=0)
def reports_roll_up(*, trace_id: str | None = None) -> int:
    read = 0
    for _ in range(ROLLUP_BATCHES_PER_RUN):
        batch = sum(snapshots_roll_up(now=timezone.now()).values())
        read += batch
        if not batch:
            break
    return read


@shared_task(base=MrMarketTask, autoretry_for=(), max_retries=0)
def reports_self_check(*, trace_id: str | None = None) -> int:
    """Beat job: rebuild and verify a few running orders' bundles (reports.self_check)."""
    return self_checks_run(now=timezone.now())


@shared_task(base=MrMarketTask, autoretry_for=(), max_retries=0)
def reports_proofs_refresh(*, trace_id: str | None = None) -> int:
    """Beat job, every minute: build the public proofs that are missing or behind the
    current minute, at most REPORTS_PROOFS_PER_TASK a run (the stalest first; the rest wait
    for the next run). A finished order's final proof is never rebuilt."""
    return published_proofs_refresh(limit=settings.REPORTS_PROOFS_PER_TASK)


@shared_task(base=MrMarketTask, autoretry_for=(), max_retries=0)
def reports_proof_build(*, order_id: str, trace_id: str | None = None) -> bool:
    """Sent when the owner makes a proof public, so its page need not wait for the beat.
    Not retried: the beat's next run builds a proof still missing."""
    order = MarketMakingOrder.objects.filter(pk=order_id).first()
    return order is not None and published_proof_build(order=order) is not None
