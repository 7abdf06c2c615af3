"""When the exchange lacks the funds the ledger expected, the reservation goes back, that
side stops quoting for a while, and the order says why."""

import pytest

from executor.models import ExchangeOrderStatus
from tests.executor.harness import USDT, Market, balances, events, tracked

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_buy_refused_for_funds_pauses_the_buy_side():
    market = Market.open()
    key = market.api_key("poor", usdt="0")
    order = market.running_order(key=key, usdt="2000")

    market.tick()

    buy = next(r for r in tracked(order) if r.side == "buy")
    assert buy.status == ExchangeOrderStatus.FAILED and buy.released
    assert balances(order, USDT).locked == 0
    (event,) = events(order, "risk_insufficient_balance")
    assert event.data["side"] == "buy" and event.data["paused_until"]
    assert order.executor_state.__class__.objects.get(order=order).consecutive_rejects == 0

    market.tick(seconds=11)  # the next refresh: the sell is replaced, no buy is tried
    assert [r.side for r in tracked(order) if r.status == "open"] == ["sell"]
    assert len(events(order, "risk_insufficient_balance")) == 1
