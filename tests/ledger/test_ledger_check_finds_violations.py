"""`ledger_check` (and `ledger_violations`) against a ledger damaged behind the services'
and the database's back: the rules are switched off inside the test's transaction."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ledger.models import Entry, Transaction
from ledger.selectors import ledger_violations
from ledger.services import ledger_reverse
from tests.conftest import requires_postgres
from tests.ledger.factories import AccountFactory, funded

pytestmark = pytest.mark.django_db

SQLITE_TRIGGERS = ["ledger_entry_no_update", "ledger_entry_asset_matches_account"]


@contextmanager
def database_rules_off() -> Iterator[None]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
            # ALTER TABLE waits for no deferred check: run the pending ones first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE ledger_balance DROP CONSTRAINT ledger_balance_not_negative")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            yield
            return
        for trigger in SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")
        cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            cursor.execute("PRAGMA ignore_check_constraints = OFF")


def sql(statement: str, params: list | None = None) -> None:
    with database_rules_off(), connection.cursor() as cursor:
        cursor.execute(statement, params)


def insert_entry(transaction_id: int, account_id: int, asset: uuid.UUID, amount: str) -> None:
    sql(
        "INSERT INTO ledger_entry (transaction_id, account_id, asset, amount) "
        "VALUES (%s, %s, %s, %s)",
        [transaction_id, account_id, asset.hex, amount],
    )


@pytest.fixture
def paid():
    account = AccountFactory()
    return account, funded(account, "10")


def drift_a_balance(account, posted):
    sql("UPDATE ledger_balance SET amount = amount + 1 WHERE account_id = %s", [account.pk])


def delete_an_entry(account, posted):
    sql("DELETE FROM ledger_entry WHERE account_id = %s", [account.pk])


def book_another_asset(account, posted):
    insert_entry(posted.pk, account.pk, uuid.uuid4(), "1")


def leave_an_orphan(account, posted):
    insert_entry(999999, account.pk, account.asset, "1")


def post_an_empty_transaction(account, posted):
    sql(
        "INSERT INTO ledger_transaction (idempotency_key, content_hash, code, trace_id, ref, "
        "reason, created_at) VALUES ('empty', '', 'fee', 'trace-0001', '', '', %s)",
        [posted.created_at],
    )


def overdraw(account, posted):
    sql("UPDATE ledger_balance SET amount = -1 WHERE account_id = %s", [account.pk])


def bend_a_reversal(account, posted):
    reversal = ledger_reverse(transaction=posted, idempotency_key="undo", reason="test")
    sql("UPDATE ledger_entry SET amount = amount * 2 WHERE transaction_id = %s", [reversal.pk])


@pytest.mark.parametrize(
    ("damage", "kind"),
    [
        (drift_a_balance, "balance_mismatch"),
        (delete_an_entry, "unbalanced_transaction"),
        (book_another_asset, "entry_asset_mismatch"),
        pytest.param(
            leave_an_orphan,
            "orphan_entry",
            # SQLite checks its (deferred) foreign keys when the test transaction ends.
            marks=requires_postgres,
        ),
        (post_an_empty_transaction, "empty_transaction"),
        (overdraw, "forbidden_negative_balance"),
        (bend_a_reversal, "reversal_mismatch"),
    ],
)
def test_each_kind_of_damage_is_reported(paid, damage, kind):
    assert ledger_violations() == []

    damage(*paid)

    assert kind in {violation.kind for violation in ledger_violations()}


def test_the_command_exits_zero_on_a_sound_ledger(paid):
    out = StringIO()

    call_command("ledger_check", stdout=out)

    assert out.getvalue().strip() == "ledger ok: every invariant holds"


def test_the_command_lists_violations_and_exits_one(paid):
    account, _ = paid
    drift_a_balance(*paid)
    out = StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("ledger_check", stdout=out)

    assert raised.value.returncode == 1
    assert f"balance_mismatch: account={account.pk} stored=11" in out.getvalue()


def test_the_command_speaks_json(paid):
    account, posted = paid
    delete_an_entry(*paid)
    out = StringIO()

    with pytest.raises(CommandError):
        call_command("ledger_check", "--json", stdout=out)

    result = json.loads(out.getvalue())
    assert result["ok"] is False
    assert {
        "kind": "unbalanced_transaction",
        "detail": {
            "transaction": posted.pk,
            "asset": str(account.asset),
            "sum": result["violations"][0]["detail"]["sum"],
        },
    } in result["violations"]
    assert Entry.objects.filter(transaction=posted).count() == 1
    assert Transaction.objects.count() == 1
