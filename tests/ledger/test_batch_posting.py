"""ledger_post_batch: many postings in one commit, with every rule of a single posting.

The rule for a bad posting (docs/ledger.md, "Batches"): a malformed one stops the whole
batch before anything is written; a refused one (overdraft, key reused for other content)
is left out and reported at its index while the others commit.
"""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from ledger.errors import IdempotencyConflict, InsufficientBalance, InvalidPosting, Unbalanced
from ledger.models import Account, Transaction
from ledger.selectors import account_balance, ledger_violations
from ledger.services import Leg, Posting, ledger_post, ledger_post_batch, system_account
from tests.conftest import requires_postgres
from tests.ledger.factories import TRACE_ID, AccountFactory, funded

pytestmark = pytest.mark.django_db

D = Decimal


def payout(account: Account, amount: str, key: str) -> Posting:
    return Posting(
        idempotency_key=key,
        code=Transaction.Code.PAYOUT,
        entries=[
            Leg(account, -D(amount)),
            Leg(system_account(asset=account.asset, purpose="external"), D(amount)),
        ],
        trace_id=TRACE_ID,
    )


def credit(account: Account, amount: str, key: str) -> Posting:
    return Posting(
        idempotency_key=key,
        code=Transaction.Code.PAYMENT_CREDIT,
        entries=[
            Leg(system_account(asset=account.asset, purpose="external"), -D(amount)),
            Leg(account, D(amount)),
        ],
        trace_id=TRACE_ID,
        ref="snapshot:s-1",
    )


def test_a_batch_posts_each_posting_as_its_own_transaction():
    a, b = AccountFactory(), AccountFactory()
    funded(a, "10")

    outcomes = ledger_post_batch(
        postings=[payout(a, "3", "p-1"), credit(b, "5", "c-1"), payout(b, "2", "p-2")]
    )

    assert [type(o) for o in outcomes] == [Transaction] * 3
    assert [o.idempotency_key for o in outcomes] == ["p-1", "c-1", "p-2"]
    stored = Transaction.objects.get(idempotency_key="c-1")
    assert outcomes[1].pk == stored.pk
    assert (stored.ref, stored.trace_id, stored.code) == (
        "snapshot:s-1",
        TRACE_ID,
        "payment_credit",
    )
    assert account_balance(account=a) == D(7)
    # The third posting spends what the second, earlier in the same batch, credited.
    assert account_balance(account=b) == D(3)
    assert ledger_violations() == []


def test_a_malformed_posting_stops_the_whole_batch_before_anything_is_written():
    a = AccountFactory()
    funded(a, "10")
    before = Transaction.objects.count()
    lopsided = Posting(
        idempotency_key="bad",
        code=Transaction.Code.PAYOUT,
        entries=[Leg(a, D("-1")), Leg(system_account(asset=a.asset, purpose="external"), D(2))],
        trace_id=TRACE_ID,
    )

    with pytest.raises(Unbalanced):
        ledger_post_batch(postings=[payout(a, "1", "ok-1"), lopsided, payout(a, "1", "ok-2")])
    with pytest.raises(InvalidPosting, match="ledger_reverse"):
        ledger_post_batch(
            postings=[payout(a, "1", "ok-1"), Posting("r", "reversal", lopsided.entries, TRACE_ID)]
        )

    assert Transaction.objects.count() == before
    assert account_balance(account=a) == D(10)


def test_an_overdraft_is_left_out_and_reported_while_the_others_commit():
    a = AccountFactory()
    funded(a, "10")

    outcomes = ledger_post_batch(
        postings=[payout(a, "6", "p-1"), payout(a, "6", "p-2"), payout(a, "4", "p-3")]
    )

    assert isinstance(outcomes[0], Transaction) and isinstance(outcomes[2], Transaction)
    refused = outcomes[1]
    assert isinstance(refused, InsufficientBalance)
    # Refused against what the first posting left, not the balance before the batch.
    assert refused.detail == {"account": a.pk, "balance": "4.000000000000000000", "change": "-6"}
    assert not Transaction.objects.filter(idempotency_key="p-2").exists()
    assert account_balance(account=a) == D(0)
    assert ledger_violations() == []


def test_keys_are_idempotent_per_posting_within_and_across_batches():
    a = AccountFactory()
    funded(a, "10")
    first = ledger_post_batch(postings=[payout(a, "1", "k-1"), payout(a, "1", "k-1")])
    assert first[0].pk == first[1].pk  # the repeat inside the batch is a replay

    again = ledger_post_batch(
        postings=[payout(a, "1", "k-1"), payout(a, "2", "k-1"), payout(a, "1", "k-2")]
    )

    assert again[0].pk == first[0].pk
    assert isinstance(again[1], IdempotencyConflict)
    assert again[1].detail == {"idempotency_key": "k-1", "transaction": first[0].pk}
    assert isinstance(again[2], Transaction)
    assert account_balance(account=a) == D(8)
    assert Transaction.objects.filter(idempotency_key__in=["k-1", "k-2"]).count() == 2


def test_an_empty_batch_writes_nothing():
    assert ledger_post_batch(postings=[]) == []


@requires_postgres
def test_on_postgresql_a_batch_is_one_statement_and_a_posting_one_round_trip():
    a = AccountFactory()
    funded(a, "10")
    postings = [payout(a, "0.5", f"q-{n}") for n in range(10)]
    single = payout(a, "1", "single").entries

    with CaptureQueriesContext(connection) as batch_queries:
        ledger_post_batch(postings=postings)
    with CaptureQueriesContext(connection) as one_queries:
        ledger_post(
            idempotency_key="single",
            code=Transaction.Code.PAYOUT,
            entries=single,
            trace_id=TRACE_ID,
        )

    posting_calls = [q for q in batch_queries.captured_queries if "ledger_post" in q["sql"]]
    assert len(posting_calls) == 1
    assert len(one_queries.captured_queries) == 1
    assert account_balance(account=a) == D(4)


@requires_postgres
def test_a_refused_posting_inside_a_transaction_leaves_that_transaction_usable():
    """No savepoint is taken: the server-side function answers a refusal without an error."""
    a = AccountFactory()
    funded(a, "1")
    with transaction.atomic():
        with pytest.raises(InsufficientBalance):
            ledger_post(
                idempotency_key="too-much",
                code=Transaction.Code.PAYOUT,
                entries=payout(a, "2", "too-much").entries,
                trace_id=TRACE_ID,
            )
        ledger_post(
            idempotency_key="fits",
            code=Transaction.Code.PAYOUT,
            entries=payout(a, "1", "fits").entries,
            trace_id=TRACE_ID,
        )
    assert account_balance(account=a) == D(0)
    assert not Transaction.objects.filter(idempotency_key="too-much").exists()
