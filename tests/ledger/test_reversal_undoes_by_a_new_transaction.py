from decimal import Decimal

import pytest

from core import context
from ledger.errors import AlreadyReversed, IdempotencyConflict, InsufficientBalance, InvalidPosting
from ledger.models import Entry, Transaction
from ledger.selectors import account_balance, ledger_violations
from ledger.services import Leg, ledger_post, ledger_reverse, order_account
from tests.ledger.factories import TRACE_ID, AccountFactory, funded

pytestmark = pytest.mark.django_db


def withdrawal(account):
    in_transit = order_account(order_id=account.owner_id, asset=account.asset, purpose="in_transit")
    posted = ledger_post(
        idempotency_key=f"{account.owner_id}:withdraw_to_exchange:base",
        code=Transaction.Code.WITHDRAW_TO_EXCHANGE,
        entries=[Leg(account, Decimal("-4")), Leg(in_transit, Decimal("4"))],
        trace_id=TRACE_ID,
        ref="withdrawal:w1",
    )
    return posted, in_transit


def test_a_reversal_posts_the_opposite_entries_and_restores_balances():
    account = AccountFactory()
    funded(account, "10")
    original, in_transit = withdrawal(account)

    with context.bound(trace_id="trace-of-the-failure"):
        reversal = ledger_reverse(
            transaction=original,
            idempotency_key=f"{account.owner_id}:withdraw_to_exchange:base:compensation",
            reason="Mixin rejected the withdrawal: bad address",
        )

    assert (reversal.code, reversal.reverses_id, reversal.ref) == (
        "reversal",
        original.pk,
        "withdrawal:w1",
    )
    assert reversal.trace_id == "trace-of-the-failure"
    assert reversal.reason == "Mixin rejected the withdrawal: bad address"
    assert sorted((e.account_id, e.amount) for e in reversal.entries.all()) == sorted(
        (e.account_id, -e.amount) for e in original.entries.all()
    )
    assert account_balance(account=account) == 10
    assert account_balance(account=in_transit) == 0
    assert Entry.objects.filter(transaction=original).count() == 2  # the original stays
    assert ledger_violations() == []


def test_without_a_bound_trace_the_reversal_keeps_the_original_trace():
    account = AccountFactory()
    funded(account, "10")
    original, _ = withdrawal(account)

    reversal = ledger_reverse(transaction=original, idempotency_key="undo", reason="operator")

    assert reversal.trace_id == TRACE_ID


def test_retrying_a_reversal_returns_it_but_a_second_reversal_is_refused():
    account = AccountFactory()
    funded(account, "10")
    original, _ = withdrawal(account)
    reversal = ledger_reverse(transaction=original, idempotency_key="undo", reason="x")

    assert (
        ledger_reverse(transaction=original, idempotency_key="undo", reason="x").pk == reversal.pk
    )
    with pytest.raises(AlreadyReversed):
        ledger_reverse(transaction=original, idempotency_key="undo-again", reason="x")
    assert account_balance(account=account) == 10


def test_a_reversal_key_cannot_be_reused_for_another_transaction():
    account = AccountFactory()
    first = funded(account, "10")
    second = funded(account, "5")
    ledger_reverse(transaction=first, idempotency_key="undo", reason="x")

    with pytest.raises(IdempotencyConflict):
        ledger_reverse(transaction=second, idempotency_key="undo", reason="x")


def test_a_reversal_that_would_overdraw_is_refused():
    account = AccountFactory()
    funded(account, "10")
    original, in_transit = withdrawal(account)
    # the funds moved on before the reversal came
    ledger_post(
        idempotency_key="deposit",
        code=Transaction.Code.DEPOSIT_CONFIRMED,
        entries=[
            Leg(in_transit, Decimal("-4")),
            Leg(
                order_account(
                    order_id=account.owner_id, asset=account.asset, purpose="on_exchange"
                ),
                Decimal("4"),
            ),
        ],
        trace_id=TRACE_ID,
    )

    with pytest.raises(InsufficientBalance):
        ledger_reverse(transaction=original, idempotency_key="undo", reason="too late")
    assert not Transaction.objects.filter(code="reversal").exists()


def test_a_reversal_needs_a_reason():
    account = AccountFactory()
    original = funded(account, "10")

    with pytest.raises(InvalidPosting, match="reason"):
        ledger_reverse(transaction=original, idempotency_key="undo", reason="  ")


def test_a_reversal_can_itself_be_reversed():
    account = AccountFactory()
    original = funded(account, "10")
    reversal = ledger_reverse(transaction=original, idempotency_key="undo", reason="mistake")

    ledger_reverse(transaction=reversal, idempotency_key="redo", reason="it was right")

    assert account_balance(account=account) == 10
    assert ledger_violations() == []
