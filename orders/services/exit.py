"""Exit: cancel every quote, bring the order's funds back from the exchange to the bot's
Mixin wallet, and pay them to the user (FUNDS-LOOP.md exit_mm chain).

exit_requested → exit_cancelling → exit_withdrawing → exit_confirming → exited. Every
step is idempotent and answers DONE or WAITING; the exit_mm task runs `exit_advance`
until it is DONE, and reconcile re-runs it for an order that stalls.
"""

import logging
import uuid

from django.db import transaction
from django.utils import timezone

from core import context
from core.errors import InDoubtError, RejectedError, RemoteNotFoundError
from core.faults import crash_point
from exchanges.gateway import gateway_for_api_key
from ledger.models import Transaction
from ledger.selectors import order_balances
from ledger.services import ledger_reverse, order_account
from orders.models import MarketMakingOrder, OrderLeg, Payout
from orders.services.funding import Step
from orders.services.lifecycle import order_event_record, order_lock, order_transition
from orders.services.loop import payout_send_enqueue
from orders.services.moves import order_funds_move
from orders.services.payouts import payout_create
from orders.states import OrderState
from wallet.client import mixin_client
from wallet.models import MixinSnapshot
from wallet.services.deposits import deposit_entry_for_chain
from wallet.services.intake import snapshot_mark_processed

logger = logging.getLogger(__name__)
S = OrderState
ACTOR = "system:exit_mm"


def exit_advance(*, order_id: uuid.UUID) -> Step:
    """Run whatever exit step the order is at, as far as it can go now."""
    steps = {
        S.EXIT_REQUESTED: _begin,
        S.EXIT_CANCELLING: _cancel_quotes,
        S.EXIT_WITHDRAWING: _withdraw_from_exchange,
        S.EXIT_CONFIRMING: _confirm_return_and_pay,
    }
    while True:
        state = MarketMakingOrder.objects.values_list("state", flat=True).get(pk=order_id)
        step = steps.get(state)
        if step is None:
            return Step.DONE if state == S.EXITED else Step.SKIPPED
        if step(order_id) is Step.WAITING:
            return Step.WAITING


@transaction.atomic
def _move(order_id: uuid.UUID, expected: str, transition_name: str, reason: str) -> Step:
    order = order_lock(order_id)
    if order.state == expected:
        order_transition(
            order=order, transition=getattr(order, transition_name), actor=ACTOR, reason=reason
        )
    return Step.DONE


def _begin(order_id: uuid.UUID) -> Step:
    return _move(order_id, S.EXIT_REQUESTED, "start_exit_cancelling", "cancelling every quote")


def _cancel_quotes(order_id: uuid.UUID) -> Step:
    from executor.services import executor_order_cancel_all

    if not executor_order_cancel_all(order_id=order_id, reason="exit", stop_quoting=True):
        return Step.WAITING
    return _move(
        order_id,
        S.EXIT_CANCELLING,
        "start_exit_withdrawing",
        "no quote is open; withdrawing the funds to the Mixin wallet",
    )


@transaction.atomic
def _exit_withdrawal_book(order_id: uuid.UUID, leg_id: int) -> OrderLeg:
    """Move what the ledger says the order holds on the exchange to in-transit and persist
    the exchange withdrawal's client id, before the withdrawal is asked for."""
    order = order_lock(order_id)
    leg = OrderLeg.objects.select_for_update().get(pk=leg_id)
    if leg.exit_client_id:
        return leg
    held = order_balances(order_id=order.pk).get(leg.asset_id)
    amount = held.on_exchange if held else 0
    key = f"{order.pk}:exit_withdraw:{leg.leg}"
    if amount > 0:
        order_funds_move(
            order=order,
            idempotency_key=key,
            code=Transaction.Code.WITHDRAW_FROM_EXCHANGE,
            asset=leg.asset_id,
            source="on_exchange",
            target="in_transit",
            sent=amount,
            ref=f"order:{order.pk}:{leg.leg}",
        )
    leg.exit_client_id = uuid.uuid5(uuid.NAMESPACE_URL, key).hex
    leg.exit_amount = amount
    leg.save(update_fields=["exit_client_id", "exit_amount"])
    return leg


def _withdraw_from_exchange(order_id: uuid.UUID) -> Step:
    order = MarketMakingOrder.objects.get(pk=order_id)
    gateway = gateway_for_api_key(order.api_key_id)
    for leg in order.legs.all():
        with context.bound(chain_id=leg.chain_id):  # log lines name the leg's chain
            leg = _exit_withdrawal_book(order.pk, leg.pk)
            if not leg.exit_amount or leg.exit_withdrawal_id:
                continue
            with mixin_client() as client:
                entry = deposit_entry_for_chain(chain_id=leg.chain_id, client=client)
            crash_point(f"exit_withdraw:{leg.leg}:after_key")
            try:
                withdrawal_id = gateway.withdraw(
                    asset=leg.exchange_coin,
                    network=leg.network,
                    address=entry.destination,
                    tag=entry.tag,
                    amount=leg.exit_amount,
                    client_id=leg.exit_client_id,
                )
            except InDoubtError:
                # No answer: the withdrawal may exist. Look it up by our id; never send twice.
                try:
                    withdrawal_id = gateway.withdrawal_by_client_id(
                        asset=leg.exchange_coin, client_id=leg.exit_client_id
                    ).withdrawal_id
                except RemoteNotFoundError:
                    return Step.WAITING  # not there: the next run sends it under the same id
            except RejectedError as refused:
                _exit_withdrawal_refused(order.pk, leg.pk, refused)
                continue
            crash_point(f"exit_withdraw:{leg.leg}:after_call")
            OrderLeg.objects.filter(pk=leg.pk).update(exit_withdrawal_id=withdrawal_id)
    return _move(
        order_id,
        S.EXIT_WITHDRAWING,
        "start_exit_confirming",
        "withdrawals requested; waiting for the funds to reach the Mixin wallet",
    )


@transaction.atomic
def _exit_withdrawal_refused(order_id: uuid.UUID, leg_id: int, refused: RejectedError) -> None:
    """The exchange will not send this amount (typically below its withdrawal minimum):
    the booking is reversed, the amount stays the order's on the exchange, and the order
    says so; the rest of the exit goes on."""
    order = order_lock(order_id)
    leg = OrderLeg.objects.select_for_update().get(pk=leg_id)
    if not leg.exit_amount:
        return
    key = f"{order.pk}:exit_withdraw:{leg.leg}"
    ledger_reverse(
        transaction=Transaction.objects.get(idempotency_key=key),
        idempotency_key=f"{key}:reversal",
        reason=f"the exchange refused the withdrawal: {refused.message}",
    )
    order_event_record(
        order=order,
        kind="exit_left_on_exchange",
        actor=ACTOR,
        reason="the exchange refused to withdraw this amount; it stays on the exchange",
        data={"leg": leg.leg, "amount": str(leg.exit_amount), "error": refused.message},
    )
    leg.exit_amount = 0
    leg.save(update_fields=["exit_amount"])


def _confirm_return_and_pay(order_id: uuid.UUID) -> Step:
    order = MarketMakingOrder.objects.select_related("user__mixin").get(pk=order_id)
    gateway = gateway_for_api_key(order.api_key_id)
    waiting = False
    for leg in order.legs.all():
        if not leg.exit_amount or leg.returned_at:
            continue
        if not leg.exit_tx_hash:
            withdrawal = gateway.withdrawal_by_client_id(
                asset=leg.exchange_coin, client_id=leg.exit_client_id
            )
            if not withdrawal.tx_hash:
                waiting = True
                continue
            OrderLeg.objects.filter(pk=leg.pk).update(exit_tx_hash=withdrawal.tx_hash)
            leg.exit_tx_hash = withdrawal.tx_hash
        snapshot = MixinSnapshot.objects.filter(
            direction=MixinSnapshot.Direction.INCOMING,
            asset_id=leg.asset_id,
            deposit__deposit_hash=leg.exit_tx_hash,
        ).first()
        if snapshot is None:
            waiting = True
            continue
        _return_book(order.pk, leg.pk, snapshot)
    if waiting:
        return Step.WAITING
    return _pay_out(order_id)


@transaction.atomic
def _return_book(order_id: uuid.UUID, leg_id: int, snapshot: MixinSnapshot) -> None:
    order = order_lock(order_id)
    leg = OrderLeg.objects.select_for_update().get(pk=leg_id)
    if leg.returned_at:
        return
    received = snapshot.amount  # the exchange kept its withdrawal fee
    order_funds_move(
        order=order,
        idempotency_key=f"{order.pk}:return:{leg.leg}",
        code=Transaction.Code.RETURN_CONFIRMED,
        asset=leg.asset_id,
        source="in_transit",
        target="available",
        sent=leg.exit_amount,
        received=received,
        ref=f"snapshot:{snapshot.snapshot_id}",
    )
    leg.exit_snapshot_id = snapshot.snapshot_id
    leg.returned_amount = received
    leg.returned_at = timezone.now()
    leg.save(update_fields=["exit_snapshot_id", "returned_amount", "returned_at"])
    snapshot_mark_processed(
        snapshot_id=snapshot.snapshot_id, note=f"exit funds of order {order.pk} ({leg.leg})"
    )


def _pay_out(order_id: uuid.UUID) -> Step:
    """Pay the user everything the order holds in the wallet, per asset, then exited."""
    with transaction.atomic():
        order = order_lock(order_id)
        if order.state != S.EXIT_CONFIRMING:
            return Step.SKIPPED
        for asset_id, balances in order_balances(order_id=order.pk).items():
            if balances.available > 0:
                payout = payout_create(
                    idempotency_key=f"{order.pk}:payout:{asset_id}",
                    kind=Payout.Kind.PAYOUT,
                    source=order_account(order_id=order.pk, asset=asset_id, purpose="available"),
                    amount=balances.available,
                    receiver_id=order.user.mixin.mixin_user_id,
                    reason="exit",
                    order=order,
                )
                payout_send_enqueue(payout=payout)
    pending = Payout.objects.filter(order_id=order_id, kind=Payout.Kind.PAYOUT).exclude(
        status=Payout.Status.SENT
    )
    if pending.exists():
        return Step.WAITING
    return _move(order_id, S.EXIT_CONFIRMING, "mark_exited", "everything is paid back to the user")
