"""What a posting carries reaches the database exactly: on PostgreSQL the posting functions
take their rows as array literals written by core.batch_sql (not by the driver), so any
character a key or ref may hold, and any form of a Decimal, must read back unchanged; and
the content hash, stored with every transaction, must stay what it was when it was posted."""

import hashlib
from decimal import Decimal

import pytest

from ledger.models import Entry, Transaction
from ledger.posting import content_hash
from ledger.services import Leg, Posting, ledger_post, ledger_post_batch, system_account
from tests.ledger.factories import TRACE_ID, AccountFactory, funded

AWKWARD = ['a "quoted" key', "back\\slash\\", "{braces},commas", "NULL", "", "ünïcode ✓"]


@pytest.mark.django_db
def test_keys_and_refs_with_any_characters_are_stored_as_given():
    account = AccountFactory()
    funded(account, "100")
    external = system_account(asset=account.asset, purpose="external")

    def legs() -> list[Leg]:
        return [Leg(account, Decimal("-1")), Leg(external, Decimal("1"))]

    single = ledger_post(
        idempotency_key="one:" + AWKWARD[0] + AWKWARD[1],
        code=Transaction.Code.PAYOUT,
        entries=legs(),
        trace_id=TRACE_ID,
        ref=AWKWARD[2],
    )
    batch = ledger_post_batch(
        postings=[
            Posting(f"batch:{n}:{text}", Transaction.Code.PAYOUT, legs(), TRACE_ID, ref=text)
            for n, text in enumerate(AWKWARD)
        ]
    )

    stored = Transaction.objects.get(pk=single.pk)
    assert (stored.idempotency_key, stored.ref) == ("one:" + AWKWARD[0] + AWKWARD[1], AWKWARD[2])
    for n, (text, posted) in enumerate(zip(AWKWARD, batch, strict=True)):
        stored = Transaction.objects.get(pk=posted.pk)
        assert (stored.idempotency_key, stored.ref) == (f"batch:{n}:{text}", text)


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["1E+2", "1E-15", "0.000000000000001", "12345.678"])
def test_amounts_in_any_decimal_form_are_stored_exactly(amount):
    account = AccountFactory()
    external = system_account(asset=account.asset, purpose="external")
    value = Decimal(amount)

    [posted] = ledger_post_batch(
        postings=[
            Posting(
                "credit",
                Transaction.Code.PAYMENT_CREDIT,
                [Leg(external, -value), Leg(account, value)],
                TRACE_ID,
            )
        ]
    )

    assert Entry.objects.get(transaction_id=posted.pk, account=account).amount == value


@pytest.mark.django_db
def test_the_content_hash_is_the_one_stored_before():
    """Pinned text: a replay of a posting stored by an earlier version must match its hash."""
    account = AccountFactory()
    external = system_account(asset=account.asset, purpose="external")
    legs = [Leg(account, Decimal("-1.50")), Leg(external, Decimal("1.5"))]
    first, second = sorted([(account.pk, "-1.5"), (external.pk, "1.5")])
    text = (
        '{"code":"payout","ref":"r \\"1\\"","reverses":null,"entries":'
        f'[[{first[0]},"{first[1]}"],[{second[0]},"{second[1]}"]]}}'
    )

    assert content_hash(code="payout", ref='r "1"', legs=legs, reverses=None) == (
        hashlib.sha256(text.encode()).hexdigest()
    )
