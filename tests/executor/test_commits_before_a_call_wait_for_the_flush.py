"""Which of a tick's commits wait for the WAL flush (PostgreSQL). The reservations and
tracked rows committed before the create calls do: a create's client id must be durable
before the exchange hears of it. What the next tick derives again from the exchange (the
lease, the creates' answers, the settled trades with their cursor, the states) does not
(core.transactions)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from executor.models import TrackedOrder
from tests.conftest import requires_postgres
from tests.executor.harness import Market

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]

UNFLUSHED = "SET LOCAL synchronous_commit TO OFF"


def transactions(captured: list[dict]) -> list[list[str]]:
    """The statements grouped by transaction: BEGIN … COMMIT, or one autocommit statement."""
    groups: list[list[str]] = []
    current: list[str] | None = None
    for query in captured:
        sql = query["sql"]
        if sql == "BEGIN":
            current = []
        elif sql == "COMMIT":
            groups.append(current or [])
            current = None
        elif current is not None:
            current.append(sql)
        else:
            groups.append([sql])
    return groups


def the_one(groups: list[list[str]], marker: str) -> list[str]:
    found = [group for group in groups if any(marker in sql for sql in group)]
    assert len(found) == 1, f"{len(found)} transactions hold {marker!r}"
    return found[0]


def unflushed(group: list[str]) -> bool:
    return group[0].startswith(UNFLUSHED)


def test_only_what_precedes_the_creates_waits_for_the_flush():
    market = Market.open()
    for _ in range(2):
        market.running_order(xin="10", usdt="2000", params={"order_refresh_time": 1})
    with CaptureQueriesContext(connection) as first:
        report = market.tick()
    assert report.created == 4
    groups = transactions(first.captured_queries)

    reserve = the_one(groups, ":lock:")
    assert not any("synchronous_commit" in sql for sql in reserve)
    assert any('INSERT INTO "orders_trackedorder"' in sql for sql in reserve)
    # The lease is the tick's first commit, the answers of the creates come after the calls.
    assert unflushed(groups[0]) and "orders_markettickschedule" in groups[0][0]
    answers = groups[groups.index(reserve) + 1]
    assert unflushed(answers)
    assert any('UPDATE "orders_trackedorder"' in sql for sql in answers)
    assert unflushed(groups[-1]) and "orders_markettickschedule" in groups[-1][-1]

    market.hit(TrackedOrder.objects.filter(side="buy").first(), "0.5")
    with CaptureQueriesContext(connection) as fill:
        report = market.tick(seconds=1)
    assert report.fills == 1
    settlement = the_one(transactions(fill.captured_queries), ":fill:")
    assert unflushed(settlement)
    assert any('"orders_tradecursor"' in sql for sql in settlement)
    assert synchronous_commit() == "on"


def synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]
