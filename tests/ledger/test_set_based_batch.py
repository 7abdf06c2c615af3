"""The set-based batch (ledger migration 0006): when nothing in a batch can be refused it goes
in as one INSERT of transactions and one of entries; the database rules it relies on run
once per statement (balances, and since 0008 the checks at commit, queued per statement).
Each test here would fail if a posting's entries landed on another posting's transaction,
if a statement moved a balance by anything but the sum of its rows, or if a check at
commit missed a transaction."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.errors import IdempotencyConflict
from ledger.models import Entry, Transaction
from ledger.selectors import account_balance, ledger_violations
from ledger.services import Leg, Posting, ledger_post, ledger_post_batch, system_account
from tests.conftest import requires_postgres
from tests.ledger.factories import TRACE_ID, AccountFactory, funded
from tests.ledger.test_batch_posting import payout
from tests.ledger.test_database_rules import INSERT_ENTRY, raw

D = Decimal


@pytest.mark.django_db
def test_every_transaction_of_a_batch_holds_exactly_its_own_postings_entries():
    accounts = [AccountFactory() for _ in range(3)]
    for account in accounts:
        funded(account, "100")
    # Different amounts and accounts per posting, one with three legs on two assets.
    external = [system_account(asset=a.asset, purpose="external") for a in accounts]
    postings = [payout(accounts[n % 3], f"{n + 1}.5", f"set-{n}") for n in range(7)]
    postings.append(
        Posting(
            idempotency_key="set-two-assets",
            code=Transaction.Code.FEE,
            entries=[
                Leg(accounts[0], D("-2")),
                Leg(external[0], D("2")),
                Leg(accounts[1], D("-0.25")),
                Leg(external[1], D("0.25")),
            ],
            trace_id=TRACE_ID,
        )
    )

    outcomes = ledger_post_batch(postings=postings)

    assert all(isinstance(o, Transaction) for o in outcomes), outcomes
    for posting, posted in zip(postings, outcomes, strict=True):
        stored = sorted(
            Entry.objects.filter(transaction_id=posted.pk).values_list("account_id", "amount")
        )
        assert stored == sorted((leg.account.pk, leg.amount) for leg in posting.entries)
        assert Transaction.objects.get(pk=posted.pk).idempotency_key == posting.idempotency_key
    # 1.5 + 4.5 + 7.5 from the first account, plus the fee's 2.
    assert account_balance(account=accounts[0]) == D("100") - D("15.5")
    assert account_balance(account=accounts[1]) == D("100") - D("2.5") - D("5.5") - D("0.25")
    assert ledger_violations() == []


@requires_postgres
@pytest.mark.django_db
def test_one_statement_of_many_entries_moves_each_balance_by_the_sum_of_its_rows():
    account = AccountFactory()
    external = system_account(asset=account.asset, purpose="external")
    posted = funded(account, "10")

    with transaction.atomic():
        raw(
            INSERT_ENTRY.replace("(%s, %s, %s, %s)", "(%s, %s, %s, %s), (%s, %s, %s, %s), "
                                 "(%s, %s, %s, %s), (%s, %s, %s, %s)"),
            [posted.pk, account.pk, account.asset, "-4",
             posted.pk, external.pk, account.asset, "4",
             posted.pk, account.pk, account.asset, "-1.5",
             posted.pk, external.pk, account.asset, "1.5"],
        )  # fmt: skip
        assert account_balance(account=account) == D("4.5")
        assert account_balance(account=external) == D("-4.5")
        transaction.set_rollback(True)

    with pytest.raises(IntegrityError, match="does not match"), transaction.atomic():
        raw(
            INSERT_ENTRY.replace("(%s, %s, %s, %s)", "(%s, %s, %s, %s), (%s, %s, %s, %s)"),
            [posted.pk, account.pk, account.asset, "-1",
             posted.pk, external.pk, AccountFactory().asset, "1"],
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        # Two rows that together overdraw, each alone would not.
        raw(
            INSERT_ENTRY.replace("(%s, %s, %s, %s)", "(%s, %s, %s, %s), (%s, %s, %s, %s)"),
            [
                posted.pk,
                account.pk,
                account.asset,
                "-6",
                posted.pk,
                account.pk,
                account.asset,
                "-6",
            ],
        )
    assert account_balance(account=account) == D("10")


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_an_entry_slipped_into_an_older_transaction_beside_a_new_posting_fails_at_commit():
    """Each statement's check at commit sums every transaction its entries belong to in
    full: the old transaction's extra entry is caught although a balanced new posting came
    first."""
    account = AccountFactory()
    old = funded(account, "10")

    with pytest.raises(IntegrityError, match=f"transaction {old.pk} does not balance"):
        with transaction.atomic():
            ledger_post_batch(
                postings=[payout(account, "1", "new-1"), payout(account, "1", "new-2")]
            )
            raw(INSERT_ENTRY, [old.pk, account.pk, account.asset, "5"])

    assert not Transaction.objects.filter(idempotency_key__startswith="new-").exists()
    assert account_balance(account=account) == D("10")
    assert ledger_violations() == []


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_key_taken_meanwhile_by_a_poster_on_other_accounts_sends_the_batch_one_by_one():
    """The batch sees no posting under its keys and tries them all at once; a poster on
    other accounts (no lock in common) holds one of the keys uncommitted, so the batch's
    insert waits for it and meets the unique key. The set-based attempt is rolled back inside
    the function and the postings go one by one: that key is a conflict, the other posts."""
    mine, theirs = AccountFactory(), AccountFactory()  # two assets: no shared external
    funded(mine, "10")
    funded(theirs, "10")
    their_post_done, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def their_poster() -> None:
        try:
            with transaction.atomic():
                results["theirs"] = ledger_post(
                    idempotency_key="race:1",
                    code=Transaction.Code.PAYOUT,
                    entries=payout(theirs, "1", "race:1").entries,
                    trace_id=TRACE_ID,
                )
                their_post_done.set()
                release.wait(60)
        finally:
            connection.close()

    def my_batch() -> None:
        try:
            results["mine"] = ledger_post_batch(
                postings=[payout(mine, "1", "race:1"), payout(mine, "2", "race:2")]
            )
        except Exception as error:  # inspected below
            results["mine"] = error
        finally:
            connection.close()

    holder = threading.Thread(target=their_poster)
    holder.start()
    assert their_post_done.wait(60)
    batch = threading.Thread(target=my_batch)
    batch.start()
    waiting = False
    for _ in range(600):  # until the batch waits on the holder's key, at most a minute
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND query LIKE '%%ledger_post_batch%%'"
            )
            waiting = cursor.fetchone()[0] == 1
        if waiting:
            break
        time.sleep(0.1)
    release.set()
    holder.join(60)
    batch.join(60)

    assert waiting, "the batch never waited on the other poster's key"
    theirs_posted = results["theirs"]
    conflict, posted = results["mine"]
    assert isinstance(conflict, IdempotencyConflict)
    assert conflict.detail["transaction"] == theirs_posted.pk
    assert isinstance(posted, Transaction) and posted.idempotency_key == "race:2"
    assert account_balance(account=mine) == D("8")
    assert account_balance(account=theirs) == D("9")
    assert ledger_violations() == []
