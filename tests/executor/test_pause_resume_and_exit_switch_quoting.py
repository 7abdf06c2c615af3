"""The executor knows from its own state whether an order quotes: the order's services
pause it (at once, in their transaction; its quotes go on commit), resume it, and exit's
cancel-all stops it for good."""

from functools import partial

import pytest
from django.db import transaction
from django.utils import timezone

from executor import selectors, services, tasks
from executor.models import ExecutorState
from executor.services import (
    executor_order_cancel_all,
    executor_order_pause,
    executor_order_resume,
)
from tests.executor.harness import Market, events

pytestmark = pytest.mark.django_db(transaction=True)


def quoting(order) -> bool:
    return ExecutorState.objects.get(order=order).quoting


def test_a_paused_order_stops_at_once_and_its_quotes_go_on_commit(cancels):
    market = Market.open()
    order, other = market.running_order(), market.running_order()
    market.tick()

    with transaction.atomic():
        executor_order_pause(order_id=order.pk, reason="paused by the user")
        assert not quoting(order)
        assert cancels == []  # not before the pause is committed
    assert cancels == [
        {"order_id": str(order.pk), "trace_id": order.trace_id, "reason": "paused by the user"}
    ]

    report = market.tick(seconds=30)
    assert report.orders == 1  # only the other order
    assert quoting(other)


def test_a_pause_rolled_back_changes_nothing(cancels):
    market = Market.open()
    order = market.running_order()

    with pytest.raises(RuntimeError), transaction.atomic():
        executor_order_pause(order_id=order.pk, reason="paused by the user")
        raise RuntimeError("the transition failed")

    assert quoting(order) and cancels == []


def test_a_resumed_order_quotes_again_and_a_late_cancel_does_not_silence_it(cancels, monkeypatch):
    market = Market.open()
    order = market.running_order()
    market.tick()
    executor_order_pause(order_id=order.pk, reason="paused by the user")

    executor_order_resume(order_id=order.pk)
    # The pause's cancel task, retried, lands after the resume.
    monkeypatch.setattr(
        services,
        "executor_order_cancel_all",
        partial(services.executor_order_cancel_all, gateway_for=market.gateway_for),
    )
    tasks.quotes_cancel(**cancels[0])
    assert market.venue_open_orders(order.api_key) == []

    assert quoting(order)
    report = market.tick(seconds=30)
    assert report.orders == 1 and report.created == 2
    assert len(market.venue_open_orders(order.api_key)) == 2


def test_exit_cancel_all_stops_quoting_for_good():
    market = Market.open()
    order = market.running_order()
    market.tick()

    assert executor_order_cancel_all(
        order_id=order.pk, reason="exit", stop_quoting=True, gateway_for=market.gateway_for
    )

    assert not quoting(order)
    assert market.venue_open_orders(order.api_key) == []
    assert events(order, "quotes_cancelled")[0].reason == "exit"
    assert selectors.due_markets(now=timezone.now()) == []
    assert market.tick(seconds=30).orders == 0
