"""A tick writes per market, not per order: the number of statements of a tick does not grow
with the orders it ticks, and on PostgreSQL it is pinned, so a write slipping back to one
statement per row fails here instead of only showing in benchmarks/tick.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import context
from executor import tasks
from executor.models import ExchangeFill, TrackedOrder
from ledger.models import Transaction
from tests.conftest import POSTGRES
from tests.executor.harness import Market

pytestmark = pytest.mark.django_db(transaction=True)

# Statements (BEGIN / COMMIT / SAVEPOINT included) of one market tick on PostgreSQL:
# placing every quote, a tick with nothing to do, a tick settling a fill and replacing it.
# Quiet: the lease, the tick's reads (the states, their tracked orders and their free
# balances: three statements sent in one round trip, executor.selectors.market_tick_reads),
# and the states' UPDATE sent with the lease's end (one statement). Fill: the sync's changes
# to the tracked orders are saved in the settlement's transaction, with the settled ones,
# and the free balances are read again after it (the reads came before the sync).
# First: the orders' ledger accounts exist from their registration (read once, no insert).
# Fill: the ledger accounts the first tick read are kept with its working set, so the fill's
# posting reads none. A transaction whose commit need not wait for the WAL flush (the
# settlement; core.transactions) starts with its one SET LOCAL: fill 1 of the 14; the
# lease's statements carry theirs. Every write of the states without events goes with the
# lease's end (the rows with new quotes and the other rows in one statement,
# executor.state_store._states_write), and so do the creates' answers when every create
# was taken (executor.placement.key_orders_execute). The first tick's 10: the lease, the
# reads, the harness's key lookup (tests.executor.harness.gateway_factory), the
# reservations' transaction (BEGIN, the accounts, the ledger batch, the rows' insert, the
# sequences, COMMIT) and the lease's end with the answers and the states.
PINNED_POSTGRES = {"first": 10, "quiet": 3, "fill": 14}
# The log fields' lookup of a market's exchange (exchanges.apps, core.context).
EXCHANGE_NAME = '"exchanges_exchange"."name"'


def statements_per_tick(orders: int) -> dict[str, int]:
    market = Market.open()
    for _ in range(orders):
        market.running_order(xin="10", usdt="2000", params={"order_refresh_time": 1})
    counts = {}
    with CaptureQueriesContext(connection) as first:
        report = market.tick()
    assert report.created == 2 * orders
    counts["first"] = len(first.captured_queries)
    with CaptureQueriesContext(connection) as quiet:
        report = market.tick(seconds=1)
    assert (report.created, report.cancelled, report.fills) == (0, 0, 0)
    counts["quiet"] = len(quiet.captured_queries)
    market.hit(TrackedOrder.objects.filter(side="buy").first(), "0.5")
    with CaptureQueriesContext(connection) as fill:
        report = market.tick(seconds=1)
    assert report.fills == 1
    counts["fill"] = len(fill.captured_queries)
    assert ExchangeFill.objects.filter(symbol=market.pair.symbol).exists()
    return counts


def test_the_statements_of_a_tick_do_not_grow_with_its_orders():
    few, many = statements_per_tick(2), statements_per_tick(5)

    if POSTGRES:
        assert few == many == PINNED_POSTGRES
    else:
        # SQLite posts a batch's reservations one by one (ledger.posting's ORM path), so
        # only the first tick's count follows the number of quotes there.
        assert (few["quiet"], few["fill"]) == (many["quiet"], many["fill"])


def test_a_tick_posts_its_reservations_in_one_ledger_call():
    if not POSTGRES:
        pytest.skip("the one-call batch is the PostgreSQL path (SQLite posts one by one)")
    market = Market.open()
    for _ in range(4):
        market.running_order(xin="10", usdt="2000")

    with CaptureQueriesContext(connection) as queries:
        market.tick()

    calls = [q["sql"] for q in queries.captured_queries if "ledger_post_batch" in q["sql"]]
    assert len(calls) == 1
    assert Transaction.objects.filter(code="reserve_lock").count() == 8


def test_the_tick_task_names_its_exchange_without_a_query_per_tick(monkeypatch):
    """The task's log fields name the market's exchange (core.context's pair_id resolver);
    the lookup runs on the first tick of the process only, so a quiet tick through the task
    is as many statements as the service's own."""
    market = Market.open()
    market.running_order(xin="10", usdt="2000", params={"order_refresh_time": 1})
    exchanges_seen = []

    def tick_service(*, pair_id: int):
        exchanges_seen.append(context.current().get("exchange"))
        return market.tick(seconds=1)

    monkeypatch.setattr(tasks.services, "executor_tick_market", tick_service)

    def run_task() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            tasks.executor_tick_market.apply(
                kwargs={"pair_id": market.pair.pk, "trace_id": "trace-tick-task-0001"}
            ).get()
        return [q["sql"] for q in queries.captured_queries]

    first = run_task()
    quiet_task = run_task()
    with CaptureQueriesContext(connection) as quiet_service:
        market.tick(seconds=1)

    assert exchanges_seen == [market.exchange.name] * 2
    assert sum(EXCHANGE_NAME in sql for sql in first) == 1
    assert not any(EXCHANGE_NAME in sql for sql in quiet_task)
    assert len(quiet_task) == len(quiet_service.captured_queries)
    if POSTGRES:
        assert len(quiet_task) == PINNED_POSTGRES["quiet"]
