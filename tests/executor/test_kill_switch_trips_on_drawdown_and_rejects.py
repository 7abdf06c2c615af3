"""The per-order kill switch trips on a trailing drawdown from peak equity and on
consecutive rejects: every quote is cancelled, nothing new is placed, the order says why."""

import pytest

from core.errors import RejectedError
from executor.models import ExecutorState
from executor.services import order_kill_switch_reset
from tests.executor.harness import D, Market, events, tracked

pytestmark = pytest.mark.django_db(transaction=True)


def open_quotes(market, order):
    return market.venue_open_orders(order.api_key)


def test_a_drawdown_beyond_the_limit_cancels_everything(settings, django_user_model):
    settings.EXECUTOR_RISK_LIMITS = {"max_drawdown_pct": "0.08"}
    market = Market.open(bid="99.9", ask="100.1")
    order = market.running_order(xin="20", usdt="0")  # all in base: equity follows the price
    market.tick()
    assert len(open_quotes(market, order)) == 1  # the sell

    market.quote_book(bid="89.9", ask="90.1")  # equity 2000 → 1800
    market.tick(seconds=1)

    assert open_quotes(market, order) == []
    state = ExecutorState.objects.get(order=order)
    assert state.kill_switch_tripped
    (event,) = events(order, "kill_switch_drawdown")
    assert D(event.data["peak_equity"]) == D("2000")
    assert D(event.data["equity"]) == D("1800")
    assert D(event.data["drawdown"]) == D("0.1")
    assert event.data["limit"] == "0.08"
    assert "10.00%" in event.reason

    market.tick(seconds=30)
    assert open_quotes(market, order) == []  # tripped: nothing new

    operator = django_user_model.objects.create(username="operator")
    order_kill_switch_reset(order_id=order.pk, user=operator, reason="checked the market")
    market.tick(seconds=1)
    assert len(open_quotes(market, order)) == 1
    assert events(order, "kill_switch_reset")[0].data["tripped_because"] == event.reason


class Refusing:
    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def create_limit_order(self, **kwargs):
        raise RejectedError("Filter failure: PRICE_FILTER", detail={"reason": "invalid_order"})


def test_consecutive_rejects_trip_the_switch(settings):
    settings.EXECUTOR_RISK_LIMITS = {"max_consecutive_rejects": "3"}
    market = Market.open()
    order = market.running_order(params={"order_levels": 2})
    real = market.gateway_for
    market.gateway_for = lambda key_id: Refusing(real(key_id))

    market.tick()

    assert len(events(order, "quote_rejected")) == 3  # the fourth is not even tried
    (event,) = events(order, "kill_switch_rejects")
    assert event.data == {"consecutive_rejects": 3, "limit": 3}
    assert ExecutorState.objects.get(order=order).kill_switch_tripped
    assert all(r.released for r in tracked(order))
    market.gateway_for = real
    market.tick(seconds=60)
    assert open_quotes(market, order) == []
