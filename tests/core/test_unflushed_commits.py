"""A commit that does not wait for the WAL flush is asked for per transaction and never
outlives it; inside a caller's transaction the caller's commit decides."""

import pytest
from django.db import connection, transaction

from core.transactions import atomic_unflushed, execute_unflushed
from tests.conftest import requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_the_setting_covers_the_block_and_ends_with_it():
    assert synchronous_commit() == "on"
    with atomic_unflushed():
        assert synchronous_commit() == "off"
    assert synchronous_commit() == "on"


def test_inside_a_callers_transaction_the_callers_commit_decides():
    with transaction.atomic():
        with atomic_unflushed():
            assert synchronous_commit() == "on"
        assert synchronous_commit() == "on"


def test_a_rollback_inside_ends_the_setting_too():
    with pytest.raises(ZeroDivisionError), atomic_unflushed():
        1 / 0  # noqa: B018 - the error is the point
    assert synchronous_commit() == "on"


def test_one_statement_runs_unflushed_commits_and_returns_its_rows():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE unflushed_probe (n int)")
        cursor.execute("INSERT INTO unflushed_probe VALUES (1), (2), (3)")
    updated = execute_unflushed(
        "UPDATE unflushed_probe SET n = n + 1 WHERE n >= %s RETURNING n", [2]
    )
    assert sorted(updated) == [(3,), (4,)]
    assert execute_unflushed("UPDATE unflushed_probe SET n = n WHERE n > %s", [100]) == []
    assert synchronous_commit() == "on"
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(n) FROM unflushed_probe")
        assert cursor.fetchone()[0] == 1 + 3 + 4
