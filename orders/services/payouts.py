"""Paying funds back out of the bot's wallet: exit payouts and refunds.

The payout row and the ledger posting that takes the funds out commit together; the
Mixin transfer is sent after, under the payout's idempotency key, so a retry after a
crash finds the transfer by its request id instead of sending it again.
"""

import logging
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core import context
from core.errors import RetryableError
from core.faults import crash_point
from ledger.models import Account, Transaction
from ledger.services import Leg, ledger_post, ledger_reverse, system_account
from orders.models import MarketMakingOrder, Payout
from orders.services.lifecycle import order_lock, order_transition
from orders.services.loop import order_next_step_enqueue
from orders.states import OrderState
from wallet.client import mixin_client
from wallet.errors import MixinRejectedError
from wallet.models import MixinTransfer
from wallet.selectors import transfer_get_by_key
from wallet.services.transfers import transfer_send

logger = logging.getLogger(__name__)


def payout_create(
    *,
    idempotency_key: str,
    kind: str,
    source: Account,
    amount: Decimal,
    receiver_id: uuid.UUID,
    reason: str,
    order: MarketMakingOrder | None = None,
    snapshot_id: uuid.UUID | None = None,
) -> Payout:
    """Record a payout and book it out of `source`; the same key returns the same payout."""
    existing = Payout.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    trace_id = context.current_trace_id() or (order.trace_id if order else context.new_trace_id())
    with transaction.atomic():
        ledger_post(
            idempotency_key=idempotency_key,
            code=Transaction.Code.REFUND if kind == Payout.Kind.REFUND else Transaction.Code.PAYOUT,
            entries=[
                Leg(account=source, amount=-amount),
                Leg(account=system_account(asset=source.asset, purpose="external"), amount=amount),
            ],
            trace_id=trace_id,
            ref=f"payout:{idempotency_key}",
        )
        payout = Payout.objects.create(
            idempotency_key=idempotency_key,
            kind=kind,
            order=order,
            snapshot_id=snapshot_id,
            asset_id=source.asset,
            amount=amount,
            receiver_id=receiver_id,
            memo=(
                f"Mr.Market refund: {reason}" if kind == Payout.Kind.REFUND else "Mr.Market payout"
            )[:200],
            reason=reason,
            trace_id=trace_id,
        )
    return payout


def payout_send(*, payout_id: int) -> Payout:
    """Send a recorded payout once; a rejected transfer gives the funds back to the source."""
    payout = Payout.objects.get(pk=payout_id)
    if payout.status != Payout.Status.PENDING:
        return payout
    crash_point(f"payout_send:{payout.kind}:after_key")
    try:
        with mixin_client() as client:
            transfer = transfer_send(
                purpose=MixinTransfer.Purpose.REFUND
                if payout.kind == Payout.Kind.REFUND
                else MixinTransfer.Purpose.PAYOUT,
                idempotency_key=payout.idempotency_key,
                asset_id=payout.asset_id,
                amount=payout.amount,
                receiver_ids=[payout.receiver_id],
                memo=payout.memo,
                client=client,
            )
    except MixinRejectedError as refused:
        transfer = transfer_get_by_key(idempotency_key=payout.idempotency_key)
        if transfer is not None and transfer.state != MixinTransfer.State.FAILED:
            # Not final (a short balance): the wallet keeps the transfer pending, so the
            # payout stays pending too and is sent again (the task's retry, reconcile).
            raise RetryableError(f"Payout {payout.pk} waits: {refused.message}") from refused
    crash_point(f"payout_send:{payout.kind}:after_call")
    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=payout_id)
        if payout.status != Payout.Status.PENDING:
            return payout
        if transfer is None or transfer.state == MixinTransfer.State.FAILED:
            posting = Transaction.objects.get(idempotency_key=payout.idempotency_key)
            ledger_reverse(
                transaction=posting,
                idempotency_key=f"{payout.idempotency_key}:reversal",
                reason="Mixin refused the transfer",
            )
            payout.status = Payout.Status.FAILED
            payout.error = (
                f"{transfer.error_reason}: {transfer.error_message}" if transfer else "refused"
            )[:2000]
        else:
            payout.status = Payout.Status.SENT
            payout.sent_at = timezone.now()
        payout.save(update_fields=["status", "error", "sent_at"])
    logger.info("payout settled", extra={"payout_id": payout.pk, "status": payout.status})
    return payout


def payout_order_follow_up(*, payout: Payout) -> None:
    """What a settled payout means for its order: an exit may finish, an expired order
    whose refunds are all out is refunded."""
    order = payout.order
    if order.state == OrderState.EXIT_CONFIRMING:
        order_next_step_enqueue(order=order)
        return
    if order.state not in (OrderState.EXPIRED, OrderState.FAILED):
        return
    with transaction.atomic():
        order = order_lock(order.pk)
        refunds = Payout.objects.filter(order=order, kind=Payout.Kind.REFUND)
        if (
            order.state in (OrderState.EXPIRED, OrderState.FAILED)
            and refunds.exists()
            and not refunds.exclude(status=Payout.Status.SENT).exists()
        ):
            order_transition(
                order=order,
                transition=order.mark_refunded,
                actor="system:payout_send",
                reason="everything the order held is refunded",
            )
