"""A risk trigger that holds tick after tick is one line of the order's timeline with a
count and its first and last time; a tick without it, or another trigger in between, starts
a new line."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from executor.events import event_draft, tick_events_write
from executor.models import ExecutorEvent, ExecutorState
from tests.executor.harness import Market, events, reference_exchange

pytestmark = pytest.mark.django_db(transaction=True)

KIND = "risk_reference_deviation"


def test_twenty_ticks_with_the_same_trigger_leave_one_row_counting_twenty(settings):
    settings.EXECUTOR_RISK_LIMITS = {"max_reference_deviation_pct": "0.03"}
    market = Market.open(bid="99.9", ask="100.1")
    market.venue.account_credit(api_key=market.maker.api_key, asset="BUSD", amount=Decimal(1000))
    reference_exchange(market, bid="104", ask="104.2")  # 4.1 % away, every tick
    order = market.running_order(
        params={"reference_market": {"exchange": "reference venue", "symbol": "XIN/BUSD"}}
    )
    first_tick = market.now + timedelta(seconds=1)

    for _ in range(20):
        market.tick(seconds=1)

    (event,) = events(order, KIND)
    assert event.count == 20
    assert (event.first_at, event.last_at) == (first_tick, market.now)
    assert Decimal(event.data["deviation"]) == Decimal("0.041")
    assert ExecutorState.objects.get(order=order).repeating_events == {KIND: event.pk}

    settings.EXECUTOR_RISK_LIMITS = {"max_reference_deviation_pct": "0.05"}
    market.tick(seconds=1)  # within the limit: a tick without the trigger
    settings.EXECUTOR_RISK_LIMITS = {"max_reference_deviation_pct": "0.03"}
    market.tick(seconds=1)
    market.tick(seconds=1)

    assert [e.count for e in events(order, KIND)] == [20, 2]
    assert events(order, KIND)[-1].first_at == market.now - timedelta(seconds=1)


def write(state, *kinds, at):
    drafts = [event_draft(kind, f"{kind} fired", tick=at.isoformat()) for kind in kinds]
    for changed in tick_events_write([(state, drafts)], now=at, trace_id="t" * 32):
        changed.save(update_fields=["repeating_events"])


def rows(order):
    return [(e.kind, e.count) for e in ExecutorEvent.objects.filter(order=order)]


def test_a_gap_or_another_trigger_starts_a_new_row():
    market = Market.open()
    order = market.running_order()
    state = ExecutorState.objects.get(order=order)
    ExecutorEvent.objects.filter(order=order).delete()  # the registration's
    start = timezone.now()
    at = [start + timedelta(seconds=n) for n in range(8)]

    write(state, "risk_price_jump", at=at[0])
    write(state, "risk_price_jump", at=at[1])
    write(state, at=at[2])  # a tick without it
    write(state, "risk_price_jump", at=at[3])
    write(state, "risk_max_open_orders", at=at[4])  # another trigger
    write(state, "risk_price_jump", at=at[5])
    write(state, "risk_price_jump", "risk_max_open_orders", at=at[6])  # both at once
    write(state, "risk_price_jump", "risk_max_open_orders", at=at[7])

    assert rows(order) == [
        ("risk_price_jump", 2),
        ("risk_price_jump", 1),
        ("risk_max_open_orders", 1),
        ("risk_price_jump", 3),
        ("risk_max_open_orders", 2),
    ]
    last = ExecutorEvent.objects.filter(order=order, kind="risk_price_jump").last()
    assert (last.first_at, last.last_at) == (at[5], at[7])
    assert last.data["tick"] == at[7].isoformat()  # the latest figures


def test_one_off_events_are_never_merged():
    market = Market.open()
    order = market.running_order()
    state = ExecutorState.objects.get(order=order)
    start = timezone.now()

    write(state, "quote_rejected", "quote_rejected", at=start)
    write(state, "quote_rejected", at=start + timedelta(seconds=1))

    assert [count for kind, count in rows(order) if kind == "quote_rejected"] == [1, 1, 1]
