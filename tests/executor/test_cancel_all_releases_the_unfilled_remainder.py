"""Cancel-all (pause, stop, exit, kill switches) takes every quote off the book, settles
what filled first and gives back only the unfilled remainder."""

import pytest

from executor.models import ExchangeOrderStatus
from executor.services import executor_order_cancel_all, executor_order_pause
from tests.executor.harness import USDT, XIN, D, Market, balances, events, tracked

pytestmark = pytest.mark.django_db(transaction=True)


def test_cancel_all_after_a_partial_fill():
    market = Market.open()
    order = market.running_order(xin="10", usdt="2000")
    market.tick()
    bid = next(r for r in tracked(order) if r.side == "buy")
    market.hit(bid, "0.25")  # not yet seen by a tick: cancel-all must settle it itself

    done = executor_order_cancel_all(
        order_id=order.pk,
        reason="paused by the user",
        stop_quoting=False,
        gateway_for=market.gateway_for,
    )

    assert done is True
    assert market.venue_open_orders(order.api_key) == []
    rows = tracked(order)
    assert {r.status for r in rows} == {ExchangeOrderStatus.CANCELLED}
    assert all(r.released for r in rows)
    usdt, xin = balances(order, USDT), balances(order, XIN)
    assert (usdt.locked, xin.locked) == (0, 0)
    assert usdt.on_exchange == D("2000") - D("0.25") * bid.price
    assert xin.on_exchange == D("10") + D("0.25") - D("0.00025")
    (event,) = events(order, "quotes_cancelled")
    assert event.reason == "paused by the user"
    assert sorted(event.data["cancelled"]) == sorted(r.client_order_id for r in rows)


def test_cancel_all_is_idempotent_and_a_paused_order_is_not_ticked(cancels):
    market = Market.open()
    order = market.running_order()
    market.tick()
    assert executor_order_cancel_all(
        order_id=order.pk, reason="stop", stop_quoting=False, gateway_for=market.gateway_for
    )
    executor_order_pause(order_id=order.pk, reason="paused by the user")
    assert cancels == [
        {"order_id": str(order.pk), "trace_id": order.trace_id, "reason": "paused by the user"}
    ]

    assert executor_order_cancel_all(
        order_id=order.pk, reason="stop", stop_quoting=False, gateway_for=market.gateway_for
    )
    report = market.tick(seconds=60)

    assert report.orders == 0
    assert market.venue_open_orders(order.api_key) == []
