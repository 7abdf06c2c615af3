"""The database itself refuses what the services never do (raw SQL, bypassing them)."""

import uuid
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from ledger.models import Balance, Entry, Transaction
from ledger.selectors import account_balance, ledger_violations
from ledger.services import system_account
from tests.conftest import requires_postgres
from tests.ledger.factories import AccountFactory, funded

INSERT_ENTRY = (
    "INSERT INTO ledger_entry (transaction_id, account_id, asset, amount) VALUES (%s, %s, %s, %s)"
)


def raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE ledger_entry SET amount = amount * 2",
        "UPDATE ledger_transaction SET code = 'fee'",
        "UPDATE ledger_account SET purpose = 'revenue'",
        "UPDATE ledger_balance SET may_go_negative = TRUE",
    ],
    ids=["entry", "transaction", "account", "balance identity"],
)
def test_posted_rows_cannot_be_updated(sql):
    funded(AccountFactory(), "10")

    with pytest.raises(IntegrityError), transaction.atomic():
        raw(sql)


@pytest.mark.django_db
def test_an_entry_cannot_name_an_asset_other_than_its_accounts():
    account = AccountFactory()
    posted = funded(account, "10")

    with pytest.raises(IntegrityError), transaction.atomic():
        raw(INSERT_ENTRY, [posted.pk, account.pk, uuid.uuid4().hex, "1"])


@pytest.mark.django_db
def test_a_balance_that_must_stay_non_negative_cannot_be_stored_below_zero():
    account = AccountFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Balance.objects.filter(account=account).update(amount=Decimal("-1"))


@requires_postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "DELETE FROM ledger_entry",
        "DELETE FROM ledger_transaction",
        "DELETE FROM ledger_balance",
        "UPDATE ledger_balance SET amount = 0",
    ],
)
def test_on_postgres_rows_cannot_be_deleted_nor_balances_moved_by_hand(sql):
    funded(AccountFactory(), "10")

    with pytest.raises(IntegrityError), transaction.atomic():
        raw(sql)


@requires_postgres
@pytest.mark.django_db
def test_on_postgres_raw_entries_move_the_balance_and_cannot_overdraw():
    account = AccountFactory()
    external = system_account(asset=account.asset, purpose="external")
    posted = funded(account, "10")

    with transaction.atomic():
        raw(INSERT_ENTRY, [posted.pk, account.pk, account.asset, "-4"])
        raw(INSERT_ENTRY, [posted.pk, external.pk, account.asset, "4"])
        assert account_balance(account=account) == 6
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred balance check passes
        transaction.set_rollback(True)

    with pytest.raises(IntegrityError), transaction.atomic():
        raw(INSERT_ENTRY, [posted.pk, account.pk, account.asset, "-11"])


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgres_an_unbalanced_raw_entry_fails_at_commit():
    account = AccountFactory()
    posted = funded(account, "10")

    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            raw(INSERT_ENTRY, [posted.pk, account.pk, account.asset, "5"])
            # accepted until now: the check is deferred to the commit
            assert Entry.objects.filter(transaction=posted).count() == 3

    assert Entry.objects.filter(transaction=posted).count() == 2
    assert account_balance(account=account) == 10
    assert ledger_violations() == []


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgres_a_transaction_without_entries_fails_at_commit():
    with pytest.raises(IntegrityError, match="has no entries"):
        with transaction.atomic():
            Transaction.objects.create(
                idempotency_key="empty", content_hash="0" * 64, code="fee", trace_id="trace-0001"
            )

    assert not Transaction.objects.exists()


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgres_an_entry_added_after_an_immediate_check_is_checked_again():
    """The balance check runs once per transaction (ledger 0004) and remembers the entries
    it covered; one added afterwards is checked with all the others."""
    account = AccountFactory()
    external = system_account(asset=account.asset, purpose="external")
    posted = funded(account, "10")

    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            raw(INSERT_ENTRY, [posted.pk, account.pk, account.asset, "-4"])
            raw(INSERT_ENTRY, [posted.pk, external.pk, account.asset, "4"])
            raw("SET CONSTRAINTS ALL IMMEDIATE")  # balanced so far: passes, and is noted
            raw("SET CONSTRAINTS ALL DEFERRED")
            raw(INSERT_ENTRY, [posted.pk, account.pk, account.asset, "-1"])

    assert account_balance(account=account) == 10
    assert ledger_violations() == []


@requires_postgres
@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    ["DELETE FROM ledger_commit_check", "UPDATE ledger_commit_check SET transaction_ids = '{}'"],
    ids=["delete", "update"],
)
def test_on_postgres_a_pending_check_at_commit_cannot_be_dropped_by_hand(sql):
    """Each INSERT queues its check in ledger_commit_check (0008); removing or emptying the
    queued row would let an unbalanced transaction commit."""
    account = AccountFactory()
    posted = funded(account, "10")

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        raw(INSERT_ENTRY, [posted.pk, account.pk, account.asset, "5"])
        raw(sql)


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgres_one_statement_of_entries_for_several_transactions_checks_each():
    """The statement's one queued check covers every transaction its rows touch, not only
    the first: the second transaction's extra entry fails the commit."""
    account = AccountFactory()
    external = system_account(asset=account.asset, purpose="external")
    first, second = funded(account, "10"), funded(account, "10")

    with pytest.raises(IntegrityError, match=f"transaction {second.pk} does not balance"):
        with transaction.atomic():
            raw(
                "INSERT INTO ledger_entry (transaction_id, account_id, asset, amount) "
                "VALUES (%s, %s, %s, -1), (%s, %s, %s, 1), (%s, %s, %s, 3)",
                [first.pk, account.pk, account.asset, first.pk, external.pk, account.asset]
                + [second.pk, account.pk, account.asset],
            )

    assert account_balance(account=account) == 20
    assert ledger_violations() == []
