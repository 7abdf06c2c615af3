"""Without a readable book for too long the order goes cancel-only, and quotes again once
the book is back."""

import pytest

from core.errors import RetryableError
from executor.models import ExecutorState
from tests.executor.harness import Market, events

pytestmark = pytest.mark.django_db(transaction=True)


class BlindBook:
    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def order_book(self, **kwargs):
        raise RetryableError("read timed out", detail={"reason": "network"})


def test_quotes_are_pulled_while_the_book_is_unreadable(settings):
    settings.EXECUTOR_RISK_LIMITS = {"stale_market_data_seconds": "5"}
    market = Market.open()
    order = market.running_order()
    market.tick()
    real = market.gateway_for
    market.gateway_for = lambda key_id: BlindBook(real(key_id))

    market.tick(seconds=2)
    assert len(market.venue_open_orders(order.api_key)) == 2  # not stale yet
    market.tick(seconds=4)

    assert market.venue_open_orders(order.api_key) == []
    (event,) = events(order, "risk_stale_market_data")
    assert event.data["limit_seconds"] == 5
    assert ExecutorState.objects.get(order=order).market_data_stale
    market.tick(seconds=2)
    assert len(events(order, "risk_stale_market_data")) == 1  # said once, not every tick

    market.gateway_for = real
    market.tick(seconds=2)  # the refresh cycle (10 s) comes round: quoting resumes
    assert len(market.venue_open_orders(order.api_key)) == 2
    assert events(order, "risk_market_data_back")
