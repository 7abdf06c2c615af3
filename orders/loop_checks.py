"""What `loop_check` looks for: work the funds loop took in and then never finished.

The ledger can be sound while a payment sits undecided: a snapshot recorded or handed to
the order flow but never booked nor refunded leaves no ledger trace at all, and an order
past its payment window that nobody expired holds its invoice open. Both are found here,
with enough detail for an operator to act.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from orders.models import MarketMakingOrder
from orders.states import AWAITING_PAYMENT
from wallet.models import MixinSnapshot

# Longer than the intake's hand-over and the expiry job's period, with room for a slow
# worker: a finding means the loop has stopped on it, not that it is busy.
DEFAULT_STALE_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class LoopFinding:
    kind: str
    detail: dict[str, str] = field(default_factory=dict)


def snapshots_stuck(*, older_than: datetime) -> list[LoopFinding]:
    """Incoming snapshots still recorded or dispatched: neither booked nor refunded."""
    stuck = MixinSnapshot.objects.filter(
        direction=MixinSnapshot.Direction.INCOMING,
        processing_state__in=[
            MixinSnapshot.ProcessingState.RECORDED,
            MixinSnapshot.ProcessingState.DISPATCHED,
        ],
        recorded_at__lt=older_than,
    ).order_by("recorded_at")
    return [
        LoopFinding(
            "snapshot_undecided",
            {
                "snapshot_id": str(s.snapshot_id),
                "state": s.processing_state,
                "recorded_at": s.recorded_at.isoformat(),
                "note": s.processing_note[:200],
            },
        )
        for s in stuck.only("snapshot_id", "processing_state", "recorded_at", "processing_note")
    ]


def orders_past_expiry(*, older_than: datetime) -> list[LoopFinding]:
    """Orders still awaiting payment well after their payment window closed."""
    overdue = MarketMakingOrder.objects.filter(
        state__in=AWAITING_PAYMENT, expires_at__lt=older_than
    ).order_by("expires_at")
    return [
        LoopFinding(
            "order_not_expired",
            {"order_id": str(o.pk), "state": o.state, "expires_at": o.expires_at.isoformat()},
        )
        for o in overdue.only("id", "state", "expires_at")
    ]


def loop_findings(
    *, now: datetime | None = None, stale_after: timedelta = DEFAULT_STALE_AFTER
) -> list[LoopFinding]:
    older_than = (now or timezone.now()) - stale_after
    return snapshots_stuck(older_than=older_than) + orders_past_expiry(older_than=older_than)
