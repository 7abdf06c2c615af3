"""Payments that match no order, or not this order, are refunded with the reason; an
expired intent refunds what it received; nothing is booked twice."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from ledger.selectors import ledger_violations, order_balances
from mixin_kernel.invoice import PayRequest
from orders.models import MarketMakingOrder, Payout
from orders.services.payments import payments_expire_due
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_payment_to_exchange import create_order
from wallet.memo import MarketMakingMemo, market_making_memo_encode

pytestmark = pytest.mark.django_db


def pay_one(world, user, *, asset_id: str, amount: str, memo: str) -> str:
    url = PayRequest(
        recipient_id=settings.MIXIN_KEYSTORE.app_id,
        asset_id=asset_id,
        amount=Decimal(amount),
        trace_id=str(uuid.uuid4()),
        memo=memo,
    ).url()
    return world.pay(user, url)[0]


def settle(world) -> list[str]:
    outcomes = world.intake()
    for payout in Payout.objects.filter(status=Payout.Status.PENDING):
        from orders.services.payouts import payout_send

        payout_send(payout_id=payout.pk)
    return outcomes


@pytest.mark.parametrize(
    ("memo_kind", "reason"),
    [("garbage", "memo_bad_encoding"), ("unknown_order", "unknown_order")],
)
def test_payment_matching_no_order_is_refunded(world, django_user_model, memo_kind, reason):
    user = world.mixin_user(django_user_model, **{USDT: "50"})
    memo = (
        "not a memo"
        if memo_kind == "garbage"
        else market_making_memo_encode(
            MarketMakingMemo(pair_id=world.pair.uuid, order_id=uuid.uuid4())
        )
    )
    pay_one(world, user, asset_id=USDT, amount="5", memo=memo)
    assert world.mixin_balance(user, USDT) == Decimal("45")

    assert settle(world) == [f"refunded: {reason}"]
    refund = Payout.objects.get()
    assert refund.kind == "refund" and refund.reason == reason and refund.status == "sent"
    assert reason in refund.memo
    assert world.mixin_balance(user, USDT) == Decimal("50")
    assert settle(world) == []  # seen once: a second intake finds nothing new
    assert ledger_violations() == []


def test_wrong_asset_and_another_payer_are_refunded(world, django_user_model):
    creator = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    stranger = world.mixin_user(django_user_model, name="Stranger", **{USDT: "100"})
    order = MarketMakingOrder.objects.get(pk=create_order(world, creator)["id"])
    btc = "c6d0c728-2624-429b-8e0d-d9d19b6592fa"
    world.mixin(
        "POST",
        f"/_sim/users/{creator.mixin.mixin_user_id}/credit",
        {"asset_id": btc, "amount": "1"},
    )

    pay_one(world, creator, asset_id=btc, amount="0.5", memo=order.memo)
    pay_one(world, stranger, asset_id=USDT, amount="100", memo=order.memo)
    outcomes = settle(world)

    assert sorted(outcomes) == ["refunded: asset_not_in_order", "refunded: payer_mismatch"]
    assert world.mixin_balance(stranger, USDT) == Decimal("100")
    assert world.mixin_balance(creator, btc) == Decimal("1")
    order.refresh_from_db()
    assert order.state == "payment_pending"
    assert order_balances(order_id=order.pk) == {}
    assert ledger_violations() == []


def test_expired_intent_refunds_its_partial_payment(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    order = MarketMakingOrder.objects.get(pk=create_order(world, user)["id"])
    base_entry = order.payment_entries.get(purpose="base")
    url = PayRequest(
        recipient_id=settings.MIXIN_KEYSTORE.app_id,
        asset_id=XIN,
        amount=base_entry.amount_due,
        trace_id=str(base_entry.trace_id),
        memo=order.memo,
    ).url()
    world.pay(user, url)
    assert settle(world) == ["booked: base"]
    order.refresh_from_db()
    assert order.state == "payment_incomplete"

    # Closed longer ago than intake's grace: no payment made in time can still show up.
    closed = timezone.now() - timedelta(seconds=settings.PAYMENT_EXPIRY_GRACE_SECONDS)
    MarketMakingOrder.objects.filter(pk=order.pk).update(expires_at=closed)
    assert payments_expire_due() == 1
    world.step(order)  # sends the refund, then the order is refunded
    order.refresh_from_db()
    assert order.state == "refunded"
    assert world.mixin_balance(user, XIN) == Decimal("10")
    # A payment arriving after expiry is refunded with that reason.
    pay_one(world, user, asset_id=USDT, amount="100", memo=order.memo)
    assert settle(world) == ["refunded: order_not_awaiting_payment"]
    assert world.mixin_balance(user, USDT) == Decimal("1000")
    assert ledger_violations() == []


def test_a_refund_mixin_finds_short_stays_pending_and_is_sent_later(world, django_user_model):
    """A short balance is not final: the wallet keeps the transfer pending, so the refund
    is neither `sent` (nothing moved) nor `failed` (its booking reversed); it goes out on
    its next try."""
    from core.errors import RetryableError
    from orders.services.payouts import payout_send

    user = world.mixin_user(django_user_model, **{USDT: "50"})
    pay_one(world, user, asset_id=USDT, amount="5", memo="not a memo")
    world.intake()
    refund = Payout.objects.get()
    world.mixin(
        "POST",
        "/_sim/faults",
        {"path": "/safe/transaction/requests", "method": "POST", "kind": "error", "code": 20117},
    )

    with pytest.raises(RetryableError, match="waits: Mixin error 20117"):
        payout_send(payout_id=refund.pk)
    refund.refresh_from_db()
    assert (refund.status, refund.error) == (Payout.Status.PENDING, "")
    assert world.mixin_balance(user, USDT) == Decimal("45")

    assert payout_send(payout_id=refund.pk).status == Payout.Status.SENT
    assert world.mixin_balance(user, USDT) == Decimal("50")
    assert ledger_violations() == []
