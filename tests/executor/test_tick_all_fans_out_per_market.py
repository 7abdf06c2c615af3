"""The beat job enqueues one tick per due market (not per order), once per claim."""

import pytest

from executor import tasks
from executor.models import MarketTickSchedule
from tests.executor.harness import Market

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def enqueued(monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.executor_tick_market, "delay", lambda **kwargs: sent.append(kwargs))
    return sent


def test_one_tick_per_market_and_not_again_until_it_is_due(enqueued):
    market = Market.open()
    for _ in range(3):
        market.running_order()

    assert tasks.executor_tick_all() == 1
    assert [e["pair_id"] for e in enqueued] == [market.pair.pk]
    assert enqueued[0]["trace_id"]
    assert tasks.executor_tick_all() == 0  # claimed: the tick has not run yet


def test_a_tick_schedules_the_next_at_the_shortest_refresh(enqueued, settings):
    settings.EXECUTOR_MAX_TICK_INTERVAL_SECONDS = 5
    market = Market.open()
    market.running_order(params={"order_refresh_time": 3})
    market.running_order(params={"order_refresh_time": 20})

    market.tick()

    schedule = MarketTickSchedule.objects.get(pair=market.pair)
    assert (schedule.next_tick_at - market.now).total_seconds() == 3
    assert schedule.leased_until <= schedule.next_tick_at
