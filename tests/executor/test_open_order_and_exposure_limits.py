"""Max open orders per order and max inventory exposure hold quotes back, with figures."""

import pytest

from tests.executor.harness import D, Market, events, tracked

pytestmark = pytest.mark.django_db(transaction=True)


def test_no_more_than_max_open_orders_the_far_levels_wait(settings):
    settings.EXECUTOR_RISK_LIMITS = {"max_open_orders": "3"}
    market = Market.open()
    order = market.running_order(params={"order_levels": 2})

    market.tick()

    assert sorted(r.level for r in tracked(order)) == [0, 0, 1]
    (event,) = events(order, "risk_max_open_orders")
    assert event.data == {"open_orders": 0, "proposed": 4, "limit": 3}


def test_the_side_pushing_inventory_further_from_target_is_not_quoted(settings):
    settings.EXECUTOR_RISK_LIMITS = {"max_inventory_exposure_pct": "0.4"}
    market = Market.open()
    order = market.running_order(xin="1", usdt="2000")  # base worth 100 of 2100, target half

    market.tick()

    assert [r.side for r in tracked(order)] == ["buy"]
    (event,) = events(order, "risk_inventory_exposure")
    assert event.data["side"] == "sell"
    assert D(event.data["base_value"]) == D("100")
    assert D(event.data["target_value"]) == D("1050")
    assert D(event.data["exposure"]) > D("0.4")
