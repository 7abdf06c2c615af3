"""A tick places the strategy's quotes on the exchange, each reserved in the ledger first."""

import pytest

from executor.models import ExchangeOrderStatus, client_order_id_for
from strategy import Balances, StrategyState, decide, validate_params
from tests.executor.harness import (
    BASE_PARAMS,
    SYMBOL,
    USDT,
    XIN,
    D,
    Market,
    balances,
    gateway_market_snapshot,
    tracked,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_quotes_rest_on_the_book_at_the_strategys_prices():
    market = Market.open(bid="99.9", ask="100.1")
    order = market.running_order(xin="10", usdt="2000", params={"order_levels": 2})

    report = market.tick()

    assert report.created == 4
    gateway = market.gateway_for(order.api_key_id)
    expected = decide(
        snapshot=gateway_market_snapshot(gateway, SYMBOL),
        params=validate_params({**BASE_PARAMS, "order_levels": 2}),
        balances=Balances(base=D("10"), quote=D("2000")),
        open_orders=[],
        now=market.now,
        state=StrategyState(),
    ).create
    resting = market.venue_open_orders(order.api_key)
    assert sorted((o.side, o.price, o.amount) for o in resting) == sorted(
        (q.side.value, q.price, q.amount) for q in expected
    )
    rows = tracked(order)
    assert {r.status for r in rows} == {ExchangeOrderStatus.OPEN}
    assert [r.client_order_id for r in rows] == [
        client_order_id_for(order_id=order.pk, sequence=n) for n in (1, 2, 3, 4)
    ]
    assert {o.client_order_id for o in resting} == {r.client_order_id for r in rows}


def test_each_quote_locks_what_it_may_spend():
    market = Market.open()
    order = market.running_order(xin="10", usdt="2000")

    market.tick()

    buy, sell = sorted(tracked(order), key=lambda r: r.side)
    assert buy.reserved_amount == buy.price * buy.amount
    assert sell.reserved_amount == sell.amount
    assert balances(order, USDT).locked == buy.reserved_amount
    assert balances(order, USDT).on_exchange == D("2000") - buy.reserved_amount
    assert balances(order, XIN).locked == sell.amount
    assert balances(order, XIN).on_exchange == D("10") - sell.amount


def test_a_quiet_tick_changes_nothing():
    market = Market.open()
    order = market.running_order()
    market.tick()
    before = [(r.client_order_id, r.status, r.updated_at) for r in tracked(order)]

    report = market.tick(seconds=1)

    assert (report.created, report.cancelled, report.fills) == (0, 0, 0)
    assert [(r.client_order_id, r.status, r.updated_at) for r in tracked(order)] == before
    assert len(market.venue_open_orders(order.api_key)) == 2
