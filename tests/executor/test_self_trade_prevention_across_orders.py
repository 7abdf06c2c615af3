"""Two orders on one API key never quote into each other."""

import pytest

from tests.executor.harness import D, Market, events

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_bid_at_or_above_another_orders_ask_is_held_back():
    market = Market.open(bid="99.9", ask="100.1")
    key = market.api_key()
    seller = market.running_order(key=key, params={"ask_spread": "0.001"})  # ask 100.10
    buyer = market.running_order(
        key=key,
        params={"price_type": "best_ask", "bid_spread": "0", "take_if_crossed": True},
    )  # would bid 100.10

    market.tick()

    resting = market.venue_open_orders(key)
    assert ("sell", D("100.1")) in {(o.side, o.price) for o in resting}
    assert not [o for o in resting if o.side == "buy" and o.price >= D("100.1")]
    (event,) = events(buyer, "risk_self_trade_prevented")
    assert event.data["side"] == "buy" and D(event.data["price"]) == D("100.1")
    assert event.data["other_side"] == "sell" and D(event.data["other_price"]) == D("100.1")
    assert not events(seller, "risk_self_trade_prevented")
