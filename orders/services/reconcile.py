"""Finding and repairing what the event-driven chain missed (FUNDS-LOOP.md `reconcile`).

An order that sat in a funding or exit state past its bound gets the job the loop's table
names for its state enqueued again (every step is idempotent); one that stays stuck for
much longer, or whose payout was refused, is flagged for an operator with the reason.
Nothing here moves funds itself.
"""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from orders.models import FundsLoopConfig, MarketMakingOrder, Payout
from orders.services.lifecycle import order_event_record
from orders.services.loop import ENTERED, NEXT_JOB, order_next_step_enqueue, payout_send_enqueue
from orders.states import STUCK_AFTER_SECONDS, OrderState
from wallet.services.intake import snapshots_dispatch_lost

logger = logging.getLogger(__name__)
S = OrderState

# Stuck this many times its bound: an operator should look.
ATTENTION_FACTOR = 10
PAYOUT_RESEND_AFTER = timedelta(seconds=60)
# A payment handed to the order flow and not booked or refunded after this: its task died.
SNAPSHOT_RESEND_AFTER = timedelta(seconds=60)


@dataclass
class ReconcileReport:
    rerun: list[tuple[str, str]] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    payouts_resent: list[int] = field(default_factory=list)
    snapshots_resent: int = 0


def reconcile_run(*, older_than: timedelta | None = None) -> ReconcileReport:
    """`older_than` replaces every state's bound (tests and operators pass zero)."""
    now = timezone.now()
    report = ReconcileReport()
    queue_withdrawals = FundsLoopConfig.current().queue_withdraw_on_payment_complete
    # A stalled order starts its state's first step again: the later steps follow from it.
    for state in [state for state, done in NEXT_JOB if done == ENTERED]:
        if state == S.PAYMENT_COMPLETE and not queue_withdrawals:
            continue  # an operator queues these withdrawals by hand
        bound = (
            older_than if older_than is not None else timedelta(seconds=STUCK_AFTER_SECONDS[state])
        )
        stuck = MarketMakingOrder.objects.filter(state=state, state_changed_at__lte=now - bound)
        for order in stuck:
            job = order_next_step_enqueue(order=order)
            report.rerun.append((str(order.pk), job))
            if now - order.state_changed_at > bound * ATTENTION_FACTOR and not order.attention:
                _flag(order, f"stuck in {state} since {order.state_changed_at.isoformat()}")
                report.flagged.append(str(order.pk))
    payout_bound = older_than if older_than is not None else PAYOUT_RESEND_AFTER
    for payout in Payout.objects.filter(
        status=Payout.Status.PENDING, created_at__lte=now - payout_bound
    ):
        payout_send_enqueue(payout=payout)
        report.payouts_resent.append(payout.pk)
    report.snapshots_resent = snapshots_dispatch_lost(
        older_than=older_than if older_than is not None else SNAPSHOT_RESEND_AFTER
    )
    for payout in Payout.objects.filter(
        status=Payout.Status.FAILED, order__isnull=False
    ).select_related("order"):
        if not payout.order.attention:
            _flag(payout.order, f"{payout.kind} {payout.pk} refused by Mixin: {payout.error}")
            report.flagged.append(str(payout.order_id))
    if report.rerun or report.flagged or report.payouts_resent or report.snapshots_resent:
        logger.info(
            "reconcile",
            extra={
                "rerun": len(report.rerun),
                "flagged": len(report.flagged),
                "payouts_resent": len(report.payouts_resent),
                "snapshots_resent": report.snapshots_resent,
            },
        )
    return report


def _flag(order: MarketMakingOrder, reason: str) -> None:
    MarketMakingOrder.objects.filter(pk=order.pk, attention="").update(attention=reason)
    order_event_record(order=order, kind="attention", actor="system:reconcile", reason=reason)
