"""The executor's working set (executor.working_set) with the real ccxt client talking
HTTP to the venue simulator: a tick whose exchange call failed keeps nothing, so the next
tick reads its rows again, and keeps them once the exchange answers."""

import pytest

from executor import working_set
from tests.orders.loop.harness import USDT, XIN
from tests.orders.loop.test_exit import running_order

pytestmark = pytest.mark.django_db


def test_a_tick_whose_exchange_call_failed_keeps_nothing(world, django_user_model):
    user = world.mixin_user(django_user_model, **{XIN: "10", USDT: "1000"})
    order, _ = running_order(world, user)
    world.step(order)  # a tick that answered in full keeps its rows
    assert order.pair_id in working_set._kept
    resting = {o["client_order_id"] for o in world.our_open_orders()}
    assert resting

    world.venue.fault(path="/api/v3/openOrders", method="GET", kind="maintenance", count=1)
    world.step_tolerating_outages(order)
    assert world.venue.state()["faults"] == []  # the tick met the fault
    assert order.pair_id not in working_set._kept

    world.step(order)
    assert order.pair_id in working_set._kept
    assert {o["client_order_id"] for o in world.our_open_orders()} == resting  # as before
