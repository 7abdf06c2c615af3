"""Booking an incoming Mixin payment against its order, or refunding it with the reason."""

import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import rfc3339
from ledger.models import Account, Transaction
from ledger.selectors import order_balances
from ledger.services import Leg, account_get_or_create, ledger_post, order_account, system_account
from orders.models import FundsLoopConfig, MarketMakingOrder, PaymentEntry, Payout
from orders.services.lifecycle import order_transition
from orders.services.loop import (
    campaign_payment_enqueue,
    order_next_step_enqueue,
    payout_send_enqueue,
)
from orders.services.payouts import payout_create
from orders.states import AWAITING_PAYMENT, OrderState
from wallet.memo import MemoError, campaign_funding_memo_of, snapshot_memo_decode
from wallet.models import MixinSnapshot
from wallet.services.intake import snapshot_cursor_get, snapshot_mark_processed

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system:process_payment_snapshot"


def _credit_key(snapshot: MixinSnapshot) -> str:
    return f"snapshot-credit:{snapshot.snapshot_id}"


def _external(asset_id: uuid.UUID) -> Account:
    return system_account(asset=asset_id, purpose="external")


def payment_refund(snapshot: MixinSnapshot, *, reason: str, order: MarketMakingOrder | None) -> str:
    """Book the payment to the payer and pay it straight back, with the reason in the memo
    (also for the campaigns app, whose funding payments arrive through the same intake)."""
    payer_account = account_get_or_create(
        owner_kind="user",
        owner_id=str(snapshot.opponent_id),
        asset=snapshot.asset_id,
        purpose="available",
    )
    ledger_post(
        idempotency_key=_credit_key(snapshot),
        code=Transaction.Code.PAYMENT_CREDIT,
        entries=[
            Leg(account=_external(snapshot.asset_id), amount=-snapshot.amount),
            Leg(account=payer_account, amount=snapshot.amount),
        ],
        trace_id=snapshot.trace_id,
        ref=f"snapshot:{snapshot.snapshot_id}",
    )
    payout = payout_create(
        idempotency_key=f"refund:{snapshot.snapshot_id}",
        kind=Payout.Kind.REFUND,
        source=payer_account,
        amount=snapshot.amount,
        receiver_id=snapshot.opponent_id,
        reason=reason,
        order=order,
        snapshot_id=snapshot.snapshot_id,
    )
    snapshot_mark_processed(snapshot_id=snapshot.snapshot_id, note=f"refunded: {reason}")
    payout_send_enqueue(payout=payout)
    logger.info(
        "payment refunded", extra={"snapshot_id": str(snapshot.snapshot_id), "reason": reason}
    )
    return f"refunded: {reason}"


def _match_entry(order: MarketMakingOrder, snapshot: MixinSnapshot) -> PaymentEntry | None:
    """The invoice entry this payment settles: by its trace id, else by asset."""
    entries = list(order.payment_entries.all())
    try:
        trace = uuid.UUID(snapshot.request_id)
    except ValueError:
        trace = None
    by_trace = next((e for e in entries if e.trace_id == trace), None)
    if by_trace is not None:
        return by_trace if by_trace.asset_id == snapshot.asset_id else None
    same_asset = [e for e in entries if e.asset_id == snapshot.asset_id]
    return next((e for e in same_asset if not e.is_paid), same_asset[-1] if same_asset else None)


def _refusal(
    order: MarketMakingOrder | None, memo_pair: uuid.UUID, snapshot: MixinSnapshot
) -> str | None:
    if order is None:
        return "unknown_order"
    if order.pair.uuid != memo_pair:
        return "pair_mismatch"
    payer = getattr(order.user, "mixin", None)
    if payer is None or payer.mixin_user_id != snapshot.opponent_id:
        return "payer_mismatch"
    if order.state not in AWAITING_PAYMENT:
        return "order_not_awaiting_payment"
    # Judged by when the payment was made, not when it is processed: a backlog must not
    # turn an on-time payment into a late one.
    if snapshot.mixin_created_at >= order.expires_at:
        return "order_expired"
    return None


@transaction.atomic
def payment_snapshot_process(*, snapshot_id: uuid.UUID) -> str:
    """Route one incoming snapshot; running it again for the same snapshot does nothing."""
    snapshot = MixinSnapshot.objects.select_for_update().get(snapshot_id=snapshot_id)
    if snapshot.processing_state in (
        MixinSnapshot.ProcessingState.PROCESSED,
        MixinSnapshot.ProcessingState.IGNORED,
    ):
        return "already processed"
    if snapshot.deposit:
        return _chain_deposit_seen(snapshot)
    if snapshot.opponent_id is None:
        snapshot_mark_processed(snapshot_id=snapshot.snapshot_id, note="no payer to refund")
        return "ignored: no payer"
    if campaign_funding_memo_of(snapshot.memo) is not None:
        campaign_payment_enqueue(snapshot_id=snapshot.snapshot_id, trace_id=snapshot.trace_id)
        return "handed to campaigns"
    try:
        memo = snapshot_memo_decode(snapshot.memo)
    except MemoError as error:
        return payment_refund(snapshot, reason=error.code, order=None)
    order = (
        MarketMakingOrder.objects.select_for_update(of=("self",))
        .select_related("pair", "user__mixin")
        .filter(pk=memo.order_id)
        .first()
    )
    refusal = _refusal(order, memo.pair_id, snapshot)
    if refusal is not None:
        return payment_refund(snapshot, reason=refusal, order=order)
    entry = _match_entry(order, snapshot)
    if entry is None:
        return payment_refund(snapshot, reason="asset_not_in_order", order=order)
    _book_payment(order, entry, snapshot)
    snapshot_mark_processed(
        snapshot_id=snapshot.snapshot_id, note=f"paid {entry.purpose} of order {order.pk}"
    )
    _advance_payment_state(order)
    return f"booked: {entry.purpose}"


def _book_payment(order: MarketMakingOrder, entry: PaymentEntry, snapshot: MixinSnapshot) -> None:
    """The whole payment goes to the order; the fee moves to revenue once the order is paid,
    so an order that expires gives back exactly what was paid."""
    ledger_post(
        idempotency_key=_credit_key(snapshot),
        code=Transaction.Code.PAYMENT_CREDIT,
        entries=[
            Leg(account=_external(snapshot.asset_id), amount=-snapshot.amount),
            Leg(
                account=order_account(
                    order_id=order.pk, asset=snapshot.asset_id, purpose="available"
                ),
                amount=snapshot.amount,
            ),
        ],
        trace_id=order.trace_id,
        ref=f"snapshot:{snapshot.snapshot_id}",
    )
    entry.amount_paid += snapshot.amount
    entry.save(update_fields=["amount_paid"])


def _charge_market_making_fee(order: MarketMakingOrder) -> None:
    fee = order.payment_entries.filter(purpose=PaymentEntry.Purpose.MARKET_MAKING_FEE).first()
    if fee is None:
        return
    ledger_post(
        idempotency_key=f"{order.pk}:market_making_fee",
        code=Transaction.Code.FEE,
        entries=[
            Leg(
                account=order_account(order_id=order.pk, asset=fee.asset_id, purpose="available"),
                amount=-fee.amount_due,
            ),
            Leg(
                account=system_account(asset=fee.asset_id, purpose="revenue"), amount=fee.amount_due
            ),
        ],
        trace_id=order.trace_id,
        ref=f"order:{order.pk}",
    )


def _advance_payment_state(order: MarketMakingOrder) -> None:
    entries = list(order.payment_entries.all())
    if all(e.is_paid for e in entries):
        _charge_market_making_fee(order)
        queue = FundsLoopConfig.current().queue_withdraw_on_payment_complete
        order_transition(
            order=order,
            transition=order.mark_paid,
            actor=SYSTEM_ACTOR,
            reason="every invoice entry is paid"
            + ("" if queue else "; withdrawals are queued by an operator"),
        )
        if queue:
            order_next_step_enqueue(order=order)
    elif order.state == MarketMakingOrder._meta.get_field("state").default:
        paid = [e.purpose for e in entries if e.is_paid or e.amount_paid > 0]
        order_transition(
            order=order,
            transition=order.mark_partially_paid,
            actor=SYSTEM_ACTOR,
            reason="part of the invoice is paid",
            data={"paid": paid},
        )


def _chain_deposit_seen(snapshot: MixinSnapshot) -> str:
    """A deposit from a chain: funds coming back from an exchange. The exit monitor matches
    it to the order's exchange withdrawal by hash; wake the orders that wait for one."""
    # Only an order whose exchange withdrawal was asked for can be waiting for this deposit.
    waiting = MarketMakingOrder.objects.filter(
        state__in=[OrderState.EXIT_WITHDRAWING, OrderState.EXIT_CONFIRMING]
    ).only("pk", "state", "trace_id")
    for order in waiting:
        order_next_step_enqueue(order=order)
    return "chain deposit"


def payments_expire_due() -> int:
    """Expire orders whose payment window closed, refunding what was paid; returns how many."""
    due = MarketMakingOrder.objects.filter(
        state__in=AWAITING_PAYMENT, expires_at__lte=timezone.now()
    ).values_list("pk", flat=True)
    return sum(order_expire(order_id=order_id).state == OrderState.EXPIRED for order_id in due)


def _intake_read_past(moment: datetime) -> bool:
    """Every payment made before `moment` is recorded: intake's cursor (the created_at of
    the newest snapshot it has read) is past it, or, when no payment came since, the grace
    for a payment to show up at Mixin and be polled has run out."""
    cursor = snapshot_cursor_get()
    if cursor.position_ns and rfc3339.datetime_from_ns(cursor.position_ns) >= moment:
        return True
    grace = timedelta(seconds=settings.PAYMENT_EXPIRY_GRACE_SECONDS)
    return timezone.now() >= moment + grace


def _on_time_payment_pending(order: MarketMakingOrder) -> bool:
    """A payment for this order made before it expired is recorded but not processed yet
    (it waits in the broker's queue); its processing books it."""
    waiting = MixinSnapshot.objects.filter(
        direction=MixinSnapshot.Direction.INCOMING,
        processing_state__in=[
            MixinSnapshot.ProcessingState.RECORDED,
            MixinSnapshot.ProcessingState.DISPATCHED,
        ],
        mixin_created_at__lt=order.expires_at,
    ).only("memo")
    for snapshot in waiting:
        try:
            if snapshot_memo_decode(snapshot.memo).order_id == order.pk:
                return True
        except MemoError:
            continue
    return False


@transaction.atomic
def order_expire(*, order_id: uuid.UUID) -> MarketMakingOrder:
    """Close an unpaid order and refund, per asset, whatever it received. An order with an
    on-time payment not processed yet, or one intake may not have seen, stays open."""
    order = (
        MarketMakingOrder.objects.select_for_update(of=("self",))
        .select_related("user__mixin")
        .get(pk=order_id)
    )
    if order.state not in AWAITING_PAYMENT:
        return order
    if not _intake_read_past(order.expires_at) or _on_time_payment_pending(order):
        logger.info("expiry waits for an on-time payment", extra={"order_id": str(order.pk)})
        return order
    order_transition(
        order=order, transition=order.expire, actor="system:expire", reason="payment window closed"
    )
    for asset_id, balances in order_balances(order_id=order.pk).items():
        if balances.available <= 0:
            continue
        payout = payout_create(
            idempotency_key=f"{order.pk}:refund:{asset_id}",
            kind=Payout.Kind.REFUND,
            source=order_account(order_id=order.pk, asset=asset_id, purpose="available"),
            amount=balances.available,
            receiver_id=order.user.mixin.mixin_user_id,
            reason="payment window closed before the order was paid in full",
            order=order,
        )
        payout_send_enqueue(payout=payout)
    return order
