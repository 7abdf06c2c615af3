"""The funding steps under failure (FUNDS-LOOP.md failure modes): a refused withdrawal,
an unanswered one, an exchange that does not answer reads, and the operators' gates."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings

from core.errors import InDoubtError, RetryableError
from ledger.models import Transaction
from ledger.selectors import ledger_violations, order_balances
from mixin_kernel.invoice import PayRequest
from orders.models import FundsLoopConfig, MarketMakingOrder
from orders.services import funding
from orders.services.loop import WITHDRAW_TO_EXCHANGE
from orders.services.reconcile import reconcile_run
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_payment_to_exchange import create_order
from wallet.client import mixin_client
from wallet.models import MixinTransfer
from wallet.services.transfers import transfer_send

pytestmark = pytest.mark.django_db


def paid_order(world, django_user_model) -> MarketMakingOrder:
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    world.pay(user, body["payment"]["url"])
    order = MarketMakingOrder.objects.get(pk=body["id"])
    world.intake()
    order.refresh_from_db()
    assert order.state == "payment_complete"
    return order


def test_refused_withdrawal_fails_the_order_and_reverses_the_booking(world, django_user_model):
    order = paid_order(world, django_user_model)
    world.mixin(
        "POST",
        "/_sim/faults",
        {"path": "/safe/transaction/requests", "method": "POST", "kind": "error", "code": 30102},
    )
    assert funding.withdraw_to_exchange(order_id=order.pk) is funding.Step.SKIPPED
    order.refresh_from_db()
    assert order.state == "failed"
    assert "invalid_address" in order.lifecycle_error
    base = order.legs.get(leg="base")
    original = Transaction.objects.get(idempotency_key=base.withdrawal_key)
    assert Transaction.objects.filter(reverses=original).count() == 1
    # The funds are back with the order in the wallet, as the ledger says.
    assert order_balances(order_id=order.pk)[base.asset_id].available == Decimal("1.01")
    assert order.events.filter(to_state="failed").exists()
    assert ledger_violations() == []


def test_outputs_held_by_another_transfer_make_the_withdrawal_wait_not_fail(
    world, django_user_model
):
    """The chaos soak's failure: another user's transfer, left unanswered, holds the order's
    100 USDT output (the first that covers it), so the quote leg's 101 found "unspent
    outputs hold 2"; that failed the order for good. It waits for the other to finish."""
    order = paid_order(world, django_user_model)
    other = world.mixin_user(django_user_model, name="Other", **{USDT: "1"})
    world.pay(other, bot_pay_url(USDT, "1"))  # backs the refund below
    refund = {
        "purpose": MixinTransfer.Purpose.REFUND,
        "idempotency_key": "other:refund",
        "asset_id": uuid.UUID(USDT),
        "amount": Decimal("1"),
        "receiver_ids": [other.mixin.mixin_user_id],
    }
    world.mixin(
        "POST",
        "/_sim/faults",
        {"path": "/safe/transactions", "method": "POST", "kind": "drop", "count": 1},
    )
    with mixin_client() as client, pytest.raises(InDoubtError):
        transfer_send(**refund, client=client)

    with pytest.raises(RetryableError, match="held by other unfinished transfers"):
        funding.withdraw_to_exchange(order_id=order.pk)
    order.refresh_from_db()
    assert (order.state, order.lifecycle_error) == ("withdrawing", "")

    with mixin_client() as client:  # the other transfer's retry finishes it
        assert transfer_send(**refund, client=client).state == MixinTransfer.State.SUBMITTED
    world.drive(order, until="deposit_confirmed")
    deposits = world.venue.state()["deposits"]
    assert sorted(Decimal(d["amount"]) for d in deposits) == [Decimal("1"), Decimal("100")]
    assert ledger_violations() == []


def bot_pay_url(asset_id: str, amount: str) -> str:
    """A plain payment to the bot's wallet (no order's memo)."""
    return PayRequest(
        recipient_id=settings.MIXIN_KEYSTORE.app_id,
        asset_id=asset_id,
        amount=Decimal(amount),
        trace_id=str(uuid.uuid4()),
    ).url()


def test_unanswered_withdrawal_is_looked_up_and_sent_once(world, django_user_model):
    order = paid_order(world, django_user_model)
    world.mixin(
        "POST",
        "/_sim/faults",
        {"path": "/safe/transactions", "method": "POST", "kind": "timeout", "count": 1},
    )
    world.drive(order, until="deposit_confirmed")
    assert world.outages, "the timeout surfaced as a retry"
    deposits = world.venue.state()["deposits"]
    assert sorted(Decimal(d["amount"]) for d in deposits) == [Decimal("1"), Decimal("100")]
    assert ledger_violations() == []


def test_exchange_down_on_reads_keeps_the_order_waiting(world, django_user_model):
    order = paid_order(world, django_user_model)
    funding.withdraw_to_exchange(order_id=order.pk)
    while funding.monitor_mixin_withdrawal(order_id=order.pk) is funding.Step.WAITING:
        pass
    world.venue.fault(
        path="/sapi/v1/capital/deposit/hisrec", method="GET", kind="http_500", count=1
    )
    with pytest.raises(RetryableError):
        funding.confirm_exchange_deposit(order_id=order.pk)
    order.refresh_from_db()
    assert order.state == "deposit_confirming"
    world.drive(order, until="deposit_confirmed")


def test_withdrawal_gate_holds_paid_orders(world, django_user_model):
    FundsLoopConfig.objects.update_or_create(pk=1, defaults={"withdraw_to_exchange_enabled": False})
    order = paid_order(world, django_user_model)
    assert funding.withdraw_to_exchange(order_id=order.pk) is funding.Step.SKIPPED
    assert funding.withdraw_to_exchange(order_id=order.pk) is funding.Step.SKIPPED
    order.refresh_from_db()
    assert order.state == "payment_complete"
    assert order.events.filter(kind="withdrawals_disabled").count() == 1
    assert not MixinTransfer.objects.exists()

    FundsLoopConfig.objects.filter(pk=1).update(withdraw_to_exchange_enabled=True)
    world.drive(order, until="deposit_confirmed")


def test_queue_gate_leaves_the_withdrawal_to_an_operator(
    world, django_user_model, django_capture_on_commit_callbacks, sent_tasks
):
    def queued() -> list[dict]:
        return [kwargs for name, kwargs in sent_tasks if name == WITHDRAW_TO_EXCHANGE]

    FundsLoopConfig.objects.update_or_create(
        pk=1, defaults={"queue_withdraw_on_payment_complete": False}
    )
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    body = create_order(world, user)
    world.pay(user, body["payment"]["url"])
    with django_capture_on_commit_callbacks(execute=True):
        world.intake()
    assert queued() == []
    assert MarketMakingOrder.objects.get(pk=body["id"]).state == "payment_complete"
    with django_capture_on_commit_callbacks(execute=True):
        report = reconcile_run(older_than=timedelta(0))
    assert body["id"] not in [order_id for order_id, _ in report.rerun]
    assert queued() == []

    FundsLoopConfig.objects.filter(pk=1).update(queue_withdraw_on_payment_complete=True)
    with django_capture_on_commit_callbacks(execute=True):
        reconcile_run(older_than=timedelta(0))
    assert queued() == [{"order_id": body["id"], "trace_id": body["trace_id"]}]
