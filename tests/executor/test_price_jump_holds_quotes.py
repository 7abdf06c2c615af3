"""A reference price that jumped more than the bound since the last tick: no quotes."""

import pytest

from tests.executor.harness import D, Market, events

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_jump_cancels_and_the_next_calm_tick_quotes_again(settings):
    settings.EXECUTOR_RISK_LIMITS = {"max_price_jump_pct": "0.001"}
    market = Market.open(bid="99.9", ask="100.1")
    order = market.running_order()
    market.tick()

    market.quote_book(bid="99.5", ask="100.1")  # mid 100 → 99.8
    market.tick(seconds=1)

    assert market.venue_open_orders(order.api_key) == []
    (event,) = events(order, "risk_price_jump")
    assert (D(event.data["previous"]), D(event.data["current"])) == (D("100"), D("99.8"))
    assert D(event.data["jump"]) == D("0.002")

    market.tick(seconds=10)  # the price held: quoting resumes at the next refresh
    assert len(market.venue_open_orders(order.api_key)) == 2
