"""Quotes follow a reference market on another exchange, and stop when our market strays
too far from it."""

from decimal import Decimal

import pytest

from tests.executor.harness import Market, events, reference_exchange

pytestmark = pytest.mark.django_db(transaction=True)


def test_too_far_from_the_reference_nothing_is_quoted(settings):
    settings.EXECUTOR_RISK_LIMITS = {"max_reference_deviation_pct": "0.03"}
    market = Market.open(bid="99.9", ask="100.1")
    market.venue.account_credit(api_key=market.maker.api_key, asset="BUSD", amount=Decimal(1000))
    reference_exchange(market, bid="104", ask="104.2")
    order = market.running_order(
        params={"reference_market": {"exchange": "reference venue", "symbol": "XIN/BUSD"}}
    )

    market.tick()

    assert market.venue_open_orders(order.api_key) == []
    (event,) = events(order, "risk_reference_deviation")
    assert Decimal(event.data["reference_price"]) == Decimal("104.1")
    assert Decimal(event.data["own_mid"]) == Decimal("100")
    assert Decimal(event.data["deviation"]) == Decimal("0.041")


def test_close_to_the_reference_the_quotes_follow_it():
    market = Market.open(bid="99.9", ask="100.1")
    market.venue.account_credit(api_key=market.maker.api_key, asset="BUSD", amount=Decimal(1000))
    reference_exchange(market, bid="100.9", ask="101.1")
    order = market.running_order(
        params={"reference_market": {"exchange": "reference venue", "symbol": "XIN/BUSD"}}
    )

    market.tick()

    prices = sorted(o.price for o in market.venue_open_orders(order.api_key))
    assert prices == [Decimal("99.99"), Decimal("102.01")]  # 101 ∓ 1 %
    assert not events(order, "risk_reference_deviation")
