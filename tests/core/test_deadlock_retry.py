"""A transaction PostgreSQL aborted as a deadlock's victim runs again from the start; any
other error, the last attempt's deadlock, and a deadlock inside a caller's transaction go
up as they are."""

import pytest
from django.db import OperationalError, transaction

from core.transactions import ATTEMPTS, atomic_with_deadlock_retry


class FakeDriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"sqlstate {sqlstate}")
        self.sqlstate = sqlstate


def failing(times: int, sqlstate: str = "40P01"):
    calls = []

    def work():
        calls.append(1)
        if len(calls) <= times:
            raise OperationalError("deadlock detected") from FakeDriverError(sqlstate)
        return "done"

    return work, calls


@pytest.mark.django_db(transaction=True)
def test_a_deadlock_victim_runs_again_until_it_commits():
    work, calls = failing(ATTEMPTS - 1)
    assert atomic_with_deadlock_retry(work) == "done"
    assert len(calls) == ATTEMPTS


@pytest.mark.django_db(transaction=True)
def test_the_last_attempts_deadlock_goes_up():
    work, calls = failing(ATTEMPTS)
    with pytest.raises(OperationalError):
        atomic_with_deadlock_retry(work)
    assert len(calls) == ATTEMPTS


@pytest.mark.django_db(transaction=True)
def test_another_database_error_is_not_run_again():
    work, calls = failing(1, sqlstate="53300")  # too many connections
    with pytest.raises(OperationalError):
        atomic_with_deadlock_retry(work)
    assert len(calls) == 1


@pytest.mark.django_db(transaction=True)
def test_inside_a_callers_transaction_nothing_is_run_again():
    work, calls = failing(1)
    with pytest.raises(OperationalError), transaction.atomic():
        atomic_with_deadlock_retry(work)
    assert len(calls) == 1
