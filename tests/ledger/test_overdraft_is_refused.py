from decimal import Decimal

import pytest

from ledger.errors import InsufficientBalance
from ledger.models import Transaction
from ledger.selectors import account_balance, ledger_violations
from ledger.services import Leg, ledger_post, order_account, system_account
from tests.ledger.factories import TRACE_ID, AccountFactory, funded

pytestmark = pytest.mark.django_db


def payout(account, amount: str, key: str = "payout"):
    return ledger_post(
        idempotency_key=key,
        code=Transaction.Code.PAYOUT,
        entries=[
            Leg(account, -Decimal(amount)),
            Leg(system_account(asset=account.asset, purpose="external"), Decimal(amount)),
        ],
        trace_id=TRACE_ID,
    )


def test_spending_more_than_the_balance_raises_and_writes_nothing():
    account = AccountFactory()
    funded(account, "10")
    posted_before = Transaction.objects.count()

    with pytest.raises(InsufficientBalance) as raised:
        payout(account, "10.00000001")

    assert raised.value.detail == {
        "account": account.pk,
        "balance": "10.000000000000000000",
        "change": "-10.00000001",
    }
    assert Transaction.objects.count() == posted_before
    assert account_balance(account=account) == 10
    assert ledger_violations() == []


def test_spending_the_whole_balance_leaves_exactly_zero():
    account = AccountFactory()
    funded(account, "10")

    payout(account, "10")

    assert account_balance(account=account) == 0


def test_a_leg_that_is_refilled_in_the_same_posting_counts_net():
    account = AccountFactory()
    fees = order_account(order_id=account.owner_id, asset=account.asset, purpose="fees")
    external = system_account(asset=account.asset, purpose="external")

    ledger_post(
        idempotency_key="net",
        code=Transaction.Code.FEE,
        entries=[
            Leg(external, Decimal("-3")),
            Leg(account, Decimal("3")),
            Leg(account, Decimal("-1")),
            Leg(fees, Decimal("1")),
        ],
        trace_id=TRACE_ID,
    )

    assert account_balance(account=account) == 2
    assert account_balance(account=fees) == 1


def test_external_counterparties_go_negative_freely():
    account = AccountFactory()
    funded(account, "1000000")

    assert (
        account_balance(account=system_account(asset=account.asset, purpose="external")) == -1000000
    )
