"""Concurrency on PostgreSQL with real threads, each on its own database connection."""

import threading
import time
import uuid
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection, transaction

from ledger.errors import IdempotencyConflict, InsufficientBalance
from ledger.models import Account, Transaction
from ledger.selectors import account_balance, ledger_violations
from ledger.services import Leg, ledger_post, order_account, system_account
from tests.conftest import requires_postgres
from tests.ledger.factories import TRACE_ID, AccountFactory, funded

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def run_together(jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at the same moment; each result is a value or the exception raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # the test inspects what each job raised
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a poster hung (deadlock?)"
    return results


def spend_one(account: Account, key: str) -> Callable[[], Transaction]:
    def post() -> Transaction:
        return ledger_post(
            idempotency_key=key,
            code=Transaction.Code.PAYOUT,
            entries=[
                Leg(account, Decimal("-1")),
                Leg(system_account(asset=account.asset, purpose="external"), Decimal("1")),
            ],
            trace_id=TRACE_ID,
        )

    return post


def test_sixteen_posters_on_an_account_that_affords_ten_make_exactly_ten():
    account = AccountFactory()
    funded(account, "10")

    results = run_together([spend_one(account, f"payout:{n}") for n in range(16)])

    posted = [r for r in results if isinstance(r, Transaction)]
    refused = [r for r in results if isinstance(r, InsufficientBalance)]
    assert (len(posted), len(refused)) == (10, 6), results
    assert Transaction.objects.filter(code="payout").count() == 10
    assert account_balance(account=account) == 0
    assert ledger_violations() == []


def test_two_posts_with_one_key_make_one_transaction():
    account = AccountFactory()
    funded(account, "10")

    results = run_together([spend_one(account, "payout:same")] * 8)

    assert all(isinstance(r, Transaction) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Transaction.objects.filter(idempotency_key="payout:same").count() == 1
    assert account_balance(account=account) == 9


def test_one_key_raced_with_different_content_posts_once_and_reports_the_conflict():
    first, second = AccountFactory(), AccountFactory()
    funded(first, "10")
    funded(second, "10")

    results = run_together([spend_one(first, "payout:k"), spend_one(second, "payout:k")])

    assert sorted(type(r).__name__ for r in results) == ["IdempotencyConflict", "Transaction"]
    assert isinstance(
        next(r for r in results if not isinstance(r, Transaction)), IdempotencyConflict
    )
    assert account_balance(account=first) + account_balance(account=second) == 19
    assert ledger_violations() == []


def test_posters_moving_money_both_ways_between_accounts_do_not_deadlock():
    asset = uuid.uuid4()
    left = order_account(order_id="left", asset=asset, purpose="on_exchange")
    right = order_account(order_id="right", asset=asset, purpose="on_exchange")
    funded(left, "100")
    funded(right, "100")

    def move(source: Account, target: Account, key: str) -> Callable[[], Transaction]:
        return lambda: ledger_post(
            idempotency_key=key,
            code=Transaction.Code.FILL_SETTLE,
            entries=[Leg(source, Decimal("-1")), Leg(target, Decimal("1"))],
            trace_id=TRACE_ID,
        )

    jobs = [move(left, right, f"lr:{n}") for n in range(8)] + [
        move(right, left, f"rl:{n}") for n in range(8)
    ]
    results = run_together(jobs)

    assert all(isinstance(r, Transaction) for r in results), results
    assert account_balance(account=left) == account_balance(account=right) == 100


def test_concurrent_first_uses_of_an_account_create_it_once():
    asset = uuid.uuid4()

    results = run_together(
        [lambda: order_account(order_id="o1", asset=asset, purpose="available")] * 8
    )

    assert all(isinstance(r, Account) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Account.objects.filter(owner_id="o1").count() == 1


@pytest.mark.parametrize("same_content", [True, False], ids=["same content", "other content"])
def test_a_post_waiting_on_an_uncommitted_post_under_its_key_sees_it_once_committed(
    same_content,
):
    first, second = AccountFactory(), AccountFactory()
    funded(first, "10")
    funded(second, "10")
    posted, release = threading.Event(), threading.Event()

    def post_and_hold_the_commit() -> Transaction:
        with transaction.atomic():
            result = spend_one(first, "payout:k")()
            posted.set()
            release.wait(timeout=10)
        return result

    def post_once_the_first_is_in_flight() -> Transaction:
        posted.wait(timeout=10)
        return spend_one(first if same_content else second, "payout:k")()

    def let_the_first_commit_after_the_second_is_blocked() -> None:
        posted.wait(timeout=10)
        time.sleep(0.3)
        release.set()

    results = run_together(
        [
            post_and_hold_the_commit,
            post_once_the_first_is_in_flight,
            let_the_first_commit_after_the_second_is_blocked,
        ]
    )

    assert isinstance(results[0], Transaction)
    if same_content:
        assert isinstance(results[1], Transaction) and results[1].pk == results[0].pk
    else:
        assert isinstance(results[1], IdempotencyConflict)
    assert Transaction.objects.filter(idempotency_key="payout:k").count() == 1
    assert account_balance(account=first) + account_balance(account=second) == 19
