from decimal import Decimal

import pytest

from ledger.errors import IdempotencyConflict
from ledger.models import Entry, Transaction
from ledger.selectors import account_balance
from ledger.services import Leg, ledger_post, system_account
from tests.ledger.factories import TRACE_ID, AccountFactory

pytestmark = pytest.mark.django_db


def credit(account, amount: str, *, key: str = "snapshot-credit:s1", **overrides):
    external = system_account(asset=account.asset, purpose="external")
    posting = {
        "idempotency_key": key,
        "code": "payment_credit",
        "entries": [Leg(external, -Decimal(amount)), Leg(account, Decimal(amount))],
        "trace_id": TRACE_ID,
        "ref": "snapshot:s1",
    }
    posting.update(overrides)
    return ledger_post(**posting)


def test_a_repeated_posting_returns_the_first_and_writes_nothing(django_assert_max_num_queries):
    account = AccountFactory()
    first = credit(account, "5")

    with django_assert_max_num_queries(5) as queries:
        again = credit(account, "5.000", trace_id="a-later-retry-trace")

    statements = [query["sql"].split()[0].upper() for query in queries.captured_queries]
    assert not {"INSERT", "UPDATE", "DELETE"} & set(statements)

    assert again.pk == first.pk
    assert again.trace_id == TRACE_ID
    assert Transaction.objects.count() == 1 and Entry.objects.count() == 2
    assert account_balance(account=account) == 5


def test_the_order_of_legs_does_not_change_the_content():
    account = AccountFactory()
    first = credit(account, "5")
    external = system_account(asset=account.asset, purpose="external")

    again = credit(account, "5", entries=[Leg(account, Decimal(5)), Leg(external, Decimal(-5))])

    assert again.pk == first.pk


@pytest.mark.parametrize(
    "changes",
    [{"amount": "6"}, {"code": "reward_credit"}, {"ref": "snapshot:s2"}],
    ids=["amount", "code", "ref"],
)
def test_the_same_key_with_different_content_is_a_conflict(changes):
    account = AccountFactory()
    first = credit(account, "5")
    amount = changes.pop("amount", "5")

    with pytest.raises(IdempotencyConflict) as raised:
        credit(account, amount, **changes)

    assert raised.value.detail == {"idempotency_key": "snapshot-credit:s1", "transaction": first.pk}
    assert raised.value.status_code == 409
    assert Transaction.objects.count() == 1
    assert account_balance(account=account) == 5


def test_the_same_amounts_on_other_accounts_are_different_content():
    first, second = AccountFactory(), AccountFactory()
    credit(first, "5")

    with pytest.raises(IdempotencyConflict):
        credit(second, "5")
