import uuid
from decimal import Decimal

import pytest

from ledger.errors import InvalidPosting, Unbalanced
from ledger.models import Account, Entry, Transaction
from ledger.selectors import account_balance, ledger_violations
from ledger.services import Leg, ledger_post, order_account, system_account
from tests.ledger.factories import TRACE_ID, AccountFactory, funded

pytestmark = pytest.mark.django_db


def test_a_payment_credit_moves_money_from_outside_onto_the_order():
    order = AccountFactory(purpose=Account.Purpose.AVAILABLE)
    external = system_account(asset=order.asset, purpose=Account.Purpose.EXTERNAL)

    posted = ledger_post(
        idempotency_key="snapshot-credit:s1",
        code=Transaction.Code.PAYMENT_CREDIT,
        entries=[Leg(external, Decimal("-12.5")), Leg(order, Decimal("12.5"))],
        trace_id=TRACE_ID,
        ref="snapshot:s1",
    )

    assert account_balance(account=order) == Decimal("12.5")
    assert account_balance(account=external) == Decimal("-12.5")
    assert (posted.code, posted.trace_id, posted.ref) == ("payment_credit", TRACE_ID, "snapshot:s1")
    assert sorted(e.amount for e in posted.entries.all()) == [Decimal("-12.5"), Decimal("12.5")]
    assert all(e.asset == order.asset for e in posted.entries.all())
    assert ledger_violations() == []


def test_amounts_that_floats_cannot_hold_still_sum_to_exactly_zero():
    account = AccountFactory()
    elsewhere = order_account(order_id=account.owner_id, asset=account.asset, purpose="in_transit")
    funded(account, "0.3")
    for amount in ("0.1", "0.2"):
        ledger_post(
            idempotency_key=f"move:{amount}",
            code=Transaction.Code.WITHDRAW_TO_EXCHANGE,
            entries=[Leg(account, -Decimal(amount)), Leg(elsewhere, Decimal(amount))],
            trace_id=TRACE_ID,
        )

    assert account_balance(account=account) == 0
    assert account_balance(account=elsewhere) == Decimal("0.3")
    assert ledger_violations() == []


def test_an_exchange_of_assets_balances_per_asset():
    base, quote = uuid.uuid4(), uuid.uuid4()
    order_id = "77"
    locked_quote = order_account(order_id=order_id, asset=quote, purpose="locked")
    free_base = order_account(order_id=order_id, asset=base, purpose="on_exchange")
    funded(locked_quote, "100")

    ledger_post(
        idempotency_key="77:fill:t1",
        code=Transaction.Code.FILL_SETTLE,
        entries=[
            Leg(locked_quote, Decimal("-50")),
            Leg(system_account(asset=quote, purpose="external"), Decimal("50")),
            Leg(system_account(asset=base, purpose="external"), Decimal("-2")),
            Leg(free_base, Decimal("2")),
        ],
        trace_id=TRACE_ID,
        ref="trade:t1",
    )

    assert account_balance(account=locked_quote) == 50
    assert account_balance(account=free_base) == 2


def test_entries_that_do_not_sum_to_zero_per_asset_are_refused_and_nothing_is_written():
    base, quote = AccountFactory(), AccountFactory()
    funded(base, "10")
    before = Transaction.objects.count()

    with pytest.raises(Unbalanced) as raised:
        ledger_post(
            idempotency_key="bad",
            code=Transaction.Code.FILL_SETTLE,
            # balanced overall, but not per asset
            entries=[Leg(base, Decimal("-5")), Leg(quote, Decimal("5"))],
            trace_id=TRACE_ID,
        )

    assert raised.value.detail["sum_by_asset"] == {str(base.asset): "-5", str(quote.asset): "5"}
    assert Transaction.objects.count() == before
    assert account_balance(account=base) == 10


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (1.5, "Decimals, not float"),
        (2, "Decimals, not int"),
        ("3", "Decimals, not str"),
        (Decimal("NaN"), "not a finite amount"),
        (Decimal("Infinity"), "not a finite amount"),
        (Decimal("0.0000000000000000001"), "more than 18 decimal places"),
        (Decimal("1e20"), "outside the ledger's range"),
        (Decimal("0"), "entry of zero"),
    ],
)
def test_amounts_are_validated_at_the_boundary(amount, message):
    account = AccountFactory()
    external = system_account(asset=account.asset, purpose="external")

    with pytest.raises(InvalidPosting, match=message):
        ledger_post(
            idempotency_key="k",
            code="payment_credit",
            entries=[Leg(account, amount), Leg(external, amount)],
            trace_id=TRACE_ID,
        )
    assert not Entry.objects.exists()


def test_trailing_zeros_beyond_18_places_are_only_notation():
    account = AccountFactory()
    funded(account, Decimal("1.50000000000000000000000"))

    assert account_balance(account=account) == Decimal("1.5")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "gift"}, "unknown transaction code"),
        ({"code": "reversal"}, "ledger_reverse"),
        ({"idempotency_key": ""}, "idempotency key"),
        ({"idempotency_key": "k" * 201}, "idempotency key"),
        ({"trace_id": "no spaces allowed"}, "not a trace id"),
        ({"ref": "r" * 201}, "ref is at most"),
        ({"entries": []}, "at least two entries"),
    ],
)
def test_malformed_postings_are_refused(changes, message):
    account = AccountFactory()
    external = system_account(asset=account.asset, purpose="external")
    posting = {
        "idempotency_key": "k",
        "code": "payment_credit",
        "entries": [Leg(external, Decimal("-1")), Leg(account, Decimal("1"))],
        "trace_id": TRACE_ID,
    }
    posting.update(changes)

    with pytest.raises(InvalidPosting, match=message):
        ledger_post(**posting)
    assert not Transaction.objects.exists()


def test_errors_carry_the_project_error_shape():
    from core.errors import ApplicationError

    with pytest.raises(ApplicationError) as raised:
        ledger_post(idempotency_key="k", code="gift", entries=[], trace_id=TRACE_ID)
    assert raised.value.code == "ledger_invalid_posting"
    assert raised.value.status_code == 400


def test_sqlite_refuses_amounts_beyond_its_precision_that_postgres_keeps_exactly():
    from django.db import connection

    account = AccountFactory()
    tiny_over_ten = Decimal("10.000000000000000001")  # 20 significant digits

    if connection.vendor == "sqlite":
        with pytest.raises(InvalidPosting, match="SQLite stores 15"):
            funded(account, tiny_over_ten)
        assert not Transaction.objects.exists()
    else:
        funded(account, tiny_over_ten)
        assert account_balance(account=account) == tiny_over_ten
