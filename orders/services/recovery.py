"""Operator actions on orders: queue a held withdrawal, re-run a stalled step, and the
approved recovery of a failed order (refund what is in the wallet)."""

import uuid

from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import ConflictError
from ledger.selectors import order_balances
from ledger.services import order_account
from orders.models import MarketMakingOrder, Payout
from orders.services.lifecycle import order_event_record, order_lock
from orders.services.loop import order_next_step_enqueue, payout_send_enqueue
from orders.services.payouts import payout_create
from orders.states import OrderState


def order_withdrawal_queue(*, order_id: uuid.UUID, operator: str) -> None:
    """Queue the withdrawal of a paid order held by the queue gate."""
    with transaction.atomic():
        order = order_lock(order_id)
        if order.state != OrderState.PAYMENT_COMPLETE:
            raise ConflictError(
                _("Only a paid order waits for its withdrawal; this one is %(state)s.")
                % {"state": order.state},
                detail={"state": order.state},
            )
        order_event_record(
            order=order, kind="withdrawal_queued", actor=operator, reason="queued by an operator"
        )
        order_next_step_enqueue(order=order)


@transaction.atomic
def order_recovery_refund(*, order_id: uuid.UUID, operator: str) -> list[Payout]:
    """Refund a failed order whose funds are all back in the bot's wallet.

    Funds still in transit, on the exchange or locked must be brought back first: the
    ledger decides, not the operator.
    """
    order = (
        MarketMakingOrder.objects.select_for_update(of=("self",))
        .select_related("user__mixin")
        .get(pk=order_id)
    )
    if order.state != OrderState.FAILED:
        raise ConflictError(
            _("Only a failed order can be recovered."), detail={"state": order.state}
        )
    balances = order_balances(order_id=order.pk)
    away = {
        str(asset): str(b.in_transit + b.on_exchange + b.locked)
        for asset, b in balances.items()
        if b.in_transit or b.on_exchange or b.locked
    }
    if away:
        raise ConflictError(
            _("Some of the order's funds are not in the wallet; bring them back first."),
            code="funds_not_in_wallet",
            detail={"away": away},
        )
    payouts = []
    for asset_id, b in balances.items():
        if b.available > 0:
            payout = payout_create(
                idempotency_key=f"{order.pk}:recovery_refund:{asset_id}",
                kind=Payout.Kind.REFUND,
                source=order_account(order_id=order.pk, asset=asset_id, purpose="available"),
                amount=b.available,
                receiver_id=order.user.mixin.mixin_user_id,
                reason="recovery of a failed order, approved by an operator",
                order=order,
            )
            payouts.append(payout)
            payout_send_enqueue(payout=payout)
    order_event_record(
        order=order,
        kind="recovery_approved",
        actor=operator,
        reason="refund of the funds in the wallet approved",
        data={"payouts": [p.pk for p in payouts]},
    )
    return payouts
