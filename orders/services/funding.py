"""Moving a paid order's funds to the exchange and starting it (FUNDS-LOOP.md jobs
withdraw_to_exchange, monitor_mixin_withdrawal, confirm_exchange_deposit, start_mm).

Each step is idempotent: it reads what the order already recorded, does only what is
missing, and answers DONE or WAITING so its task knows whether to poll again. A step that
is done hands the order to the next job from the loop's table (orders/services/loop.py).
"""

import enum
import logging
import uuid
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core import context
from core.errors import RetryableError
from core.faults import crash_point
from exchanges.gateway import gateway_for_api_key
from ledger.models import Transaction
from ledger.services import Leg, ledger_reverse, order_account
from orders.models import FundsLoopConfig, MarketMakingOrder, OrderLeg
from orders.services.lifecycle import order_event_record, order_lock, order_transition
from orders.services.loop import WITHDRAWALS_SENT, order_next_step_enqueue
from orders.services.moves import order_funds_move
from orders.services.strategy import strategy_config_freeze
from orders.states import OrderState
from wallet.client import mixin_client
from wallet.errors import MixinRejectedError, RejectReason
from wallet.models import MixinTransfer
from wallet.selectors import transfer_get_by_key
from wallet.services.transfers import withdrawal_send, withdrawal_track

logger = logging.getLogger(__name__)
S = OrderState


class Step(enum.Enum):
    DONE = "done"
    WAITING = "waiting"
    SKIPPED = "skipped"


def _funded_legs(order: MarketMakingOrder) -> list[OrderLeg]:
    return [leg for leg in order.legs.all() if leg.amount > 0]


def _withdrawal_key(order: MarketMakingOrder, leg: OrderLeg) -> str:
    return f"{order.pk}:withdraw_to_exchange:{leg.leg}"


@transaction.atomic
def _withdrawal_book(order_id: uuid.UUID, leg_id: int) -> OrderLeg:
    """Take the leg's amount and fee out of the order's wallet funds and persist the key,
    in one transaction, before anything is sent."""
    order = order_lock(order_id)
    leg = OrderLeg.objects.select_for_update().get(pk=leg_id)
    if leg.withdrawal_key:
        return leg
    key = _withdrawal_key(order, leg)
    fee = []
    if leg.withdrawal_fee > 0:
        fee_asset = leg.withdrawal_fee_asset_id
        fee = [
            Leg(
                account=order_account(order_id=order.pk, asset=fee_asset, purpose="available"),
                amount=-leg.withdrawal_fee,
            ),
            Leg(
                account=order_account(order_id=order.pk, asset=fee_asset, purpose="fees"),
                amount=leg.withdrawal_fee,
            ),
        ]
    order_funds_move(
        order=order,
        idempotency_key=key,
        code=Transaction.Code.WITHDRAW_TO_EXCHANGE,
        asset=leg.asset_id,
        source="available",
        target="in_transit",
        sent=leg.amount,
        ref=f"order:{order.pk}:{leg.leg}",
        extra=fee,
    )
    leg.withdrawal_key = key
    leg.save(update_fields=["withdrawal_key"])
    return leg


def withdraw_to_exchange(*, order_id: uuid.UUID) -> Step:
    with transaction.atomic():
        order = order_lock(order_id)
        if order.state not in (S.PAYMENT_COMPLETE, S.WITHDRAWING):
            return Step.SKIPPED
        if not FundsLoopConfig.current().withdraw_to_exchange_enabled:
            if not order.events.filter(kind="withdrawals_disabled").exists():
                order_event_record(
                    order=order,
                    kind="withdrawals_disabled",
                    actor="system:withdraw_to_exchange",
                    reason="Withdrawals to exchanges are switched off by an operator; "
                    "the order waits at payment_complete until they are switched on.",
                )
            return Step.SKIPPED
        if order.state == S.PAYMENT_COMPLETE:
            order_transition(
                order=order,
                transition=order.start_withdrawing,
                actor="system:withdraw_to_exchange",
                reason="sending the funds to the exchange",
            )
    for leg in _funded_legs(order):
        # Log lines about one leg's withdrawal name its chain.
        with context.bound(chain_id=leg.chain_id):
            leg = _withdrawal_book(order.pk, leg.pk)
            crash_point(f"withdraw_to_exchange:{leg.leg}:after_key")
            try:
                with mixin_client() as client:
                    transfer = withdrawal_send(
                        purpose=MixinTransfer.Purpose.WITHDRAW_TO_EXCHANGE,
                        idempotency_key=leg.withdrawal_key,
                        asset_id=leg.asset_id,
                        amount=leg.amount,
                        destination=leg.deposit_address,
                        tag=leg.deposit_tag,
                        client=client,
                    )
            except MixinRejectedError as refused:
                if refused.reason == RejectReason.INSUFFICIENT_BALANCE:
                    # Not final: the wallet keeps the transfer pending until its outputs
                    # are there (change not back yet, funds arriving). The order waits in
                    # `withdrawing`; the task retries, then reconcile, which flags it.
                    raise RetryableError(
                        f"withdrawal of the {leg.leg} leg waits for the wallet: {refused.message}"
                    ) from refused
                _withdrawal_failed(
                    order.pk, leg, reason=refused.reason.value, message=refused.message
                )
                return Step.SKIPPED
            crash_point(f"withdraw_to_exchange:{leg.leg}:after_call")
            if transfer.state == MixinTransfer.State.FAILED:
                _withdrawal_failed(
                    order.pk, leg, reason=transfer.error_reason, message=transfer.error_message
                )
                return Step.SKIPPED
    order_next_step_enqueue(order=order, done=WITHDRAWALS_SENT)
    return Step.DONE


@transaction.atomic
def _withdrawal_failed(order_id: uuid.UUID, leg: OrderLeg, *, reason: str, message: str) -> None:
    """Mixin refused the withdrawal for good: put the funds back by reversal and fail."""
    order = order_lock(order_id)
    posting = Transaction.objects.get(idempotency_key=leg.withdrawal_key)
    if not Transaction.objects.filter(reverses=posting).exists():
        ledger_reverse(
            transaction=posting,
            idempotency_key=f"{leg.withdrawal_key}:reversal",
            reason=f"Mixin refused the withdrawal: {reason}",
        )
    if order.state not in (S.FAILED,):
        order_transition(
            order=order,
            transition=order.fail,
            actor="system:withdraw_to_exchange",
            reason="the Mixin withdrawal was refused; the funds are back in the wallet",
            data={"leg": leg.leg, "error": reason},
            error=f"withdrawal of the {leg.leg} leg refused: {reason} ({message}); "
            "the funds are in the Mixin wallet",
        )


def monitor_mixin_withdrawal(*, order_id: uuid.UUID) -> Step:
    """Both legs have a chain hash → withdrawal_confirmed, then look for the deposits."""
    order = MarketMakingOrder.objects.get(pk=order_id)
    if order.state != S.WITHDRAWING:
        return Step.SKIPPED
    legs = _funded_legs(order)
    for leg in legs:
        if leg.withdrawal_hash or not leg.withdrawal_key:
            continue
        transfer = transfer_get_by_key(idempotency_key=leg.withdrawal_key)
        if transfer is None or transfer.state != MixinTransfer.State.SUBMITTED:
            continue
        if not transfer.withdrawal_hash:
            with mixin_client() as client:
                transfer = withdrawal_track(transfer=transfer, client=client)
        if transfer.withdrawal_hash:
            OrderLeg.objects.filter(pk=leg.pk, withdrawal_hash="").update(
                withdrawal_hash=transfer.withdrawal_hash,
                withdrawal_hash_at=transfer.withdrawal_hash_at or timezone.now(),
            )
    with transaction.atomic():
        order = order_lock(order_id)
        hashes = {leg.leg: leg.withdrawal_hash for leg in _funded_legs(order)}
        if order.state != S.WITHDRAWING or not all(hashes.values()):
            return Step.WAITING if order.state == S.WITHDRAWING else Step.SKIPPED
        order_transition(
            order=order,
            transition=order.confirm_withdrawal,
            actor="system:monitor_mixin_withdrawal",
            reason="every leg is on chain",
            data={"withdrawal_hashes": hashes},
        )
        order_transition(
            order=order,
            transition=order.start_deposit_confirming,
            actor="system:monitor_mixin_withdrawal",
            reason="waiting for the exchange to credit the deposits",
        )
        order_next_step_enqueue(order=order)
    return Step.DONE


def _deposit_matches(leg: OrderLeg, deposit, tolerance: Decimal) -> bool:
    return (
        deposit.status == "ok"
        and deposit.network == leg.network
        and deposit.tx_hash == leg.withdrawal_hash
        and leg.amount * (1 - tolerance) <= deposit.amount <= leg.amount
    )


def confirm_exchange_deposit(*, order_id: uuid.UUID) -> Step:
    """Match each leg to the exchange's deposit record by network, tx hash and amount."""
    order = MarketMakingOrder.objects.select_related("pair__exchange").get(pk=order_id)
    if order.state != S.DEPOSIT_CONFIRMING:
        return Step.SKIPPED
    tolerance = FundsLoopConfig.current().deposit_amount_tolerance
    gateway = gateway_for_api_key(order.api_key_id)
    for leg in _funded_legs(order):
        if leg.exchange_deposit_ref:
            continue
        deposits = gateway.deposits(asset=leg.exchange_coin, since=order.created_at)
        match = next((d for d in deposits if _deposit_matches(leg, d, tolerance)), None)
        if match is not None:
            _deposit_book(order.pk, leg.pk, match, order.pair.exchange_id)
    with transaction.atomic():
        order = order_lock(order_id)
        if order.state != S.DEPOSIT_CONFIRMING:
            return Step.SKIPPED
        legs = _funded_legs(order)
        if not all(leg.exchange_deposit_ref for leg in legs):
            return Step.WAITING
        order_transition(
            order=order,
            transition=order.confirm_deposit,
            actor="system:confirm_exchange_deposit",
            reason="the exchange credited every leg",
            data={leg.leg: leg.exchange_deposit_ref for leg in legs},
        )
        order_next_step_enqueue(order=order)
    return Step.DONE


@transaction.atomic
def _deposit_book(order_id: uuid.UUID, leg_id: int, deposit, exchange_id: int) -> None:
    order = order_lock(order_id)
    leg = OrderLeg.objects.select_for_update().get(pk=leg_id)
    if leg.exchange_deposit_ref:
        return
    order_funds_move(
        order=order,
        idempotency_key=f"{order.pk}:deposit:{leg.leg}",
        code=Transaction.Code.DEPOSIT_CONFIRMED,
        asset=leg.asset_id,
        source="in_transit",
        target="on_exchange",
        sent=leg.amount,
        received=deposit.amount,
        ref=f"exchange-deposit:{exchange_id}:{deposit.deposit_id}",
    )
    leg.exchange_deposit_ref = f"{exchange_id}:{deposit.deposit_id}"
    leg.deposited_amount = deposit.amount
    leg.deposit_confirmed_at = timezone.now()
    leg.save(update_fields=["exchange_deposit_ref", "deposited_amount", "deposit_confirmed_at"])


def start_mm(*, order_id: uuid.UUID) -> Step:
    """Freeze the strategy config (and its hash) and hand the order to the executor."""
    from executor.services import executor_order_register

    with transaction.atomic():
        order = order_lock(order_id)
        if order.state != S.DEPOSIT_CONFIRMED:
            return Step.SKIPPED
        frozen = strategy_config_freeze(
            preset=order.strategy_preset, overrides=order.strategy_overrides
        )
        order.frozen_config = frozen.config
        order.config_hash = frozen.sha256
        order_transition(
            order=order,
            transition=order.start_running,
            actor="system:start_mm",
            reason="deposits confirmed; market making starts with the frozen config",
            data={"config_hash": frozen.sha256},
        )
        executor_order_register(
            order_id=order.pk,
            pair_id=order.pair_id,
            api_key_id=order.api_key_id,
            config=order.frozen_config,
            config_hash=order.config_hash,
            trace_id=order.trace_id,
        )
    return Step.DONE
