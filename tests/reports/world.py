"""An order that traded on the venue simulator (in process), for the report tests."""

from datetime import timedelta

from django.utils import timezone

from tests.executor.harness import Market, tracked


def traded_order():
    """A running order whose bid and ask were both hit, partly, across a few ticks."""
    market = Market.open()
    order = market.running_order(xin="10", usdt="2000")
    market.tick()
    bid = next(t for t in tracked(order) if t.side == "buy")
    market.hit(bid, "0.4")
    market.tick(seconds=1)
    ask = next(t for t in tracked(order) if t.side == "sell")
    market.hit(ask, "0.3")
    market.tick(seconds=1)
    market.hit(bid, "0.2")
    market.tick(seconds=1)
    return market, order


def window_of(order):
    """A fixed window around everything the order did, so two builds read the same facts."""
    start = order.created_at - timedelta(minutes=1)
    return start, timezone.now() + timedelta(days=1)
