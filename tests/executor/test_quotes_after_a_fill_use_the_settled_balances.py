"""A tick that settles a fill decides on the balances after it: the asset the fill brought
in is quoted in the same tick (the tick's reads come before the sync, so what the sync
posted must be read again)."""

import pytest

from executor.models import TrackedOrder
from tests.executor.harness import Market

pytestmark = pytest.mark.django_db


def test_the_base_a_buy_brought_in_is_offered_in_the_same_tick():
    market = Market.open()
    order = market.running_order(xin="0.5", usdt="2000")  # too little base for an ask
    report = market.tick()
    assert report.created == 1
    bid = TrackedOrder.objects.get(order=order)
    assert bid.side == "buy"

    market.hit(bid, str(bid.amount))  # the whole bid fills: base arrives
    report = market.tick(seconds=1)

    assert report.fills == 1
    asks = TrackedOrder.objects.filter(order=order, side="sell", status="open")
    assert asks.count() == 1, list(TrackedOrder.objects.filter(order=order).values())
