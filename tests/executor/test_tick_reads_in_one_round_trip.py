"""The tick's reads in one round trip (PostgreSQL) read what the ORM's three queries read:
the same states with their pair, the same unreleased tracked orders,
the same free balances; an order that stopped quoting is in none of them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from executor import selectors
from tests.conftest import requires_postgres
from tests.executor.harness import Market

pytestmark = [pytest.mark.django_db, requires_postgres]


def fields_of(instance: object) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def orm_reads(pair_id: int) -> selectors.MarketTickReads:
    states = selectors.quoting_states_of_market(pair_id=pair_id)
    ids = [str(state.order_id) for state in states]
    return selectors.MarketTickReads(
        states=states,
        tracked=selectors.unreleased_tracked_orders(order_ids=ids),
        balances=selectors.free_balances(order_ids=ids, pair=states[0].pair),
    )


def test_one_round_trip_reads_what_the_three_queries_read():
    market = Market.open()
    orders = [market.running_order(xin="10", usdt="2000") for _ in range(3)]
    market.tick()  # quotes placed: tracked orders and reservations
    market.hit(next(t for t in orders[0].exchange_orders.all() if t.side == "buy"), "0.5")
    market.tick(seconds=1)  # a fill settled: the balances differ per order
    stopped = orders[2]
    stopped.executor_state.quoting = False
    stopped.executor_state.save(update_fields=["quoting"])

    with CaptureQueriesContext(connection) as sent:
        fast = selectors.market_tick_reads(pair_id=market.pair.pk)
    slow = orm_reads(market.pair.pk)

    assert len(sent.captured_queries) == 1
    assert [fields_of(s) for s in fast.states] == [fields_of(s) for s in slow.states]
    assert all(fields_of(s.pair) == fields_of(market.pair) for s in fast.states)
    assert [fields_of(t) for t in fast.tracked] == [fields_of(t) for t in slow.tracked]
    assert str(stopped.pk) not in {str(t.order_id) for t in fast.tracked}
    assert fast.balances == slow.balances  # the figures and the accounts they came from
    assert set(fast.balances.by_order) == {str(o.pk) for o in orders[:2]}
    by_order = fast.balances.by_order
    assert by_order[str(orders[0].pk)] != by_order[str(orders[1].pk)]
    assert sorted(fast.balances.accounts.values()) == sorted(
        (str(o.pk), leg) for o in orders[:2] for leg in ("base", "quote")
    )
    # Built as the ORM builds them: saved back without a new row.
    state = fast.states[0]
    assert not state._state.adding
    state.save(update_fields=["last_tick_at"])


def test_a_market_with_no_quoting_order_reads_nothing():
    market = Market.open()
    assert selectors.market_tick_reads(pair_id=market.pair.pk) == selectors.MarketTickReads(
        states=[], tracked=[], balances=selectors.FreeBalances(by_order={}, accounts={})
    )
