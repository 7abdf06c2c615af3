"""Two things about transactions that more than one app needs.

A transaction PostgreSQL aborted to break a deadlock is safe to run again from the
start: nothing of it was kept. Two writers that lock the same rows in opposite orders (a
user's control locks the order, then the executor's state; a tick holds the state while
a row it inserts checks its key against the locked order) can meet this way; the one
PostgreSQL picks is run again instead of answering 500.

A commit that need not wait for its WAL flush (PostgreSQL's asynchronous commit): for
writes that a database crash may lose because they are derived again from their source
(the exchange's orders and trades, a market snapshot's gap). It is asked for per
transaction, never left on a connection. A later synchronous commit flushes the WAL up to
its own record, so every asynchronous commit before it is durable by then: a write that
precedes an external call commits synchronously and makes everything before it durable too.
"""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import OperationalError, connection, transaction

DEADLOCK_DETECTED = "40P01"  # PostgreSQL's SQLSTATE
ATTEMPTS = 3

T = TypeVar("T")

_ASYNC_COMMIT = "SET LOCAL synchronous_commit TO OFF"


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


@contextmanager
def atomic_unflushed() -> Iterator[None]:
    """transaction.atomic() whose commit does not wait for the WAL flush on PostgreSQL.
    Inside a caller's transaction the setting covers the caller's commit too, so it is
    only asked for by the outermost block."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(_ASYNC_COMMIT)
        yield


def execute_unflushed(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run one statement, outside a transaction, as a commit that does not wait for the WAL
    flush; returns the rows it returns (RETURNING), if any. On PostgreSQL the setting and
    the statement go as one implicit transaction in one round trip. Inside a caller's
    transaction (or elsewhere) the statement runs as it is: the caller's commit decides."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            cursor.execute(sql, params)
        else:
            cursor.execute(f"{_ASYNC_COMMIT}; {sql}", params)
            cursor.nextset()
        return list(cursor.fetchall()) if cursor.description else []
