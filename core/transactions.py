"""A transaction PostgreSQL aborted to break a deadlock is safe to run again from the
start: nothing of it was kept. Two writers that lock the same rows in opposite orders (a
user's control locks the order, then the executor's state; a tick holds the state while
a row it inserts checks its key against the locked order) can meet this way; the one
PostgreSQL picks is run again instead of answering 500."""

from collections.abc import Callable
from typing import TypeVar

from django.db import OperationalError, connection, transaction

DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE
ATTEMPTS = 3

T = TypeVar("T")


def is_deadlock(error: OperationalError) -> bool:
    return getattr(error.__cause__, "sqlstate", None) == DEADLOCK_DETECTED


def atomic_with_deadlock_retry(work: Callable[[], T], *, attempts: int = ATTEMPTS) -> T:
    """`work()` in its own transaction, run again (up to `attempts` in all) when PostgreSQL
    aborts it as a deadlock's victim. Inside a caller's transaction there is nothing to run
    again on its own: the error goes up as it is."""
    retry = not connection.in_atomic_block
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as error:
            if not (retry and is_deadlock(error)) or attempt == attempts:
                raise
    raise AssertionError("unreachable")  # the loop returns or raises
