"""A worker keeps the rows its tick of a market left (executor.working_set) and uses them
for its next tick of that market only while they are what is stored: after every tick they
equal a fresh read field for field, and anything that writes the market's orders outside
the tick (a pause, a resume, a new order, a kill-switch reset, a write while the tick
runs, a cancel-all) makes the next tick read them again. A failed exchange call, through
the real client and the venue simulator: tests/orders/loop/test_working_set_over_the_wire.py."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from executor import order_tick, selectors, working_set
from executor.models import ExecutorState, GlobalKillSwitch, TrackedOrder
from executor.schedule import market_orders_changed
from executor.services import (
    executor_order_cancel_all,
    executor_order_quoting_stop,
    executor_order_resume,
    order_kill_switch_reset,
)
from strategy import StrategyState, state_from_dict
from tests.executor.harness import Market

pytestmark = pytest.mark.django_db(transaction=True)


def fields_of(instance: object) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def kept_of(market: Market) -> working_set.WorkingSet | None:
    return working_set._kept.get(market.pair.pk)


def assert_kept_rows_are_the_stored_rows(market: Market) -> None:
    kept = kept_of(market)
    assert kept is not None
    stored = selectors.market_tick_reads(pair_id=market.pair.pk)

    # The tick hands each order its own tracked rows: their order across orders is moot.
    def by_order(rows: list[TrackedOrder]) -> list[TrackedOrder]:
        return sorted(rows, key=lambda t: (str(t.order_id), t.sequence))

    for name, kept_rows, stored_rows in (
        ("states", kept.states, stored.states),
        ("tracked", by_order(kept.tracked), by_order(stored.tracked)),
    ):
        assert len(kept_rows) == len(stored_rows), name
        for held, fresh in zip(kept_rows, stored_rows, strict=True):
            held_fields, fresh_fields = fields_of(held), fields_of(fresh)
            differ = {
                k: (held_fields[k], v) for k, v in fresh_fields.items() if held_fields[k] != v
            }
            assert not differ, f"{name}: kept != stored: {differ}"
    assert len(kept.balance_accounts) == 2 * len(kept.states)
    assert kept.balance_accounts == stored.balances.accounts
    # The parsed strategy states are the stored JSON, parsed.
    assert kept.strategy_states == {
        str(state.order_id): state_from_dict(state.strategy_state) for state in stored.states
    }


def test_after_each_tick_the_kept_rows_equal_a_fresh_read():
    market = Market.open()
    orders = [
        market.running_order(xin="10", usdt="2000", params={"order_refresh_time": 1})
        for _ in range(3)
    ]
    market.tick()
    assert_kept_rows_are_the_stored_rows(market)
    created = fills = 0
    for step in range(6):
        # Fills (whole and partial) and price moves that replace quotes.
        if step % 2 == 0:
            buy = TrackedOrder.objects.filter(order=orders[step % 3], side="buy", status="open")
            market.hit(buy.first(), "0.4" if step % 4 == 0 else "1")
        else:
            bid, ask = market.book
            market.quote_book(bid=str(Decimal(bid) - Decimal("0.5")), ask=ask)
        report = market.tick(seconds=1)
        created, fills = created + report.created, fills + report.fills
        assert_kept_rows_are_the_stored_rows(market)
    assert fills >= 3 and created >= 3  # fills settled, quotes replaced
    assert TrackedOrder.objects.filter(status="filled", released=True).exists()


def test_a_quiet_tick_reads_no_states_when_its_rows_were_kept():
    market = Market.open()
    market.running_order(params={"order_refresh_time": 1})
    market.tick()
    with CaptureQueriesContext(connection) as quiet:
        report = market.tick(seconds=1)
    assert report.orders == 1
    reads = [q["sql"] for q in quiet.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    assert reads  # the balances
    assert not any("orders_executorstate" in sql for sql in reads)


def test_writes_outside_the_tick_are_seen_by_the_next_tick():
    market = Market.open()
    first = market.running_order(params={"order_refresh_time": 1})
    market.tick()
    assert market.tick(seconds=1).orders == 1

    second = market.running_order(params={"order_refresh_time": 1})  # registered
    assert market.tick(seconds=1).orders == 2

    executor_order_quoting_stop(order_id=first.pk)
    assert market.tick(seconds=1).orders == 1
    executor_order_resume(order_id=first.pk)
    assert market.tick(seconds=1).orders == 2

    # Tripped as a tick would trip it; the version tells the next tick to read it.
    ExecutorState.objects.filter(order_id=second.pk).update(
        kill_switch_tripped=True, kill_switch_reason="test"
    )
    market_orders_changed(order_id=second.pk)
    assert market.tick(seconds=1).cancelled == 2  # the tripped order's quotes go
    admin = get_user_model().objects.create(username="ops", is_staff=True)
    order_kill_switch_reset(order_id=second.pk, user=admin, reason="checked")
    market.tick(seconds=1)
    state = ExecutorState.objects.get(order_id=second.pk)
    assert not state.kill_switch_tripped
    assert_kept_rows_are_the_stored_rows(market)


def test_a_write_while_the_tick_runs_is_not_covered_by_its_kept_rows():
    market = Market.open()
    first = market.running_order(params={"order_refresh_time": 1})
    market.running_order(params={"order_refresh_time": 1})
    market.tick()
    market.tick(seconds=1)
    assert kept_of(market) is not None

    calls = market.gateway_for
    stopped = []

    def gateway_for(key_id):
        gateway = calls(key_id)
        open_orders = gateway.open_orders

        def open_orders_then_a_writer(**kwargs):
            if not stopped:
                executor_order_quoting_stop(order_id=first.pk)  # commits during the tick
                stopped.append(True)
            return open_orders(**kwargs)

        gateway.open_orders = open_orders_then_a_writer
        return gateway

    market.gateway_for = gateway_for
    assert market.tick(seconds=1).orders == 2  # it read before the writer
    assert stopped and kept_of(market) is None
    market.gateway_for = calls
    assert market.tick(seconds=1).orders == 1


def test_a_cancel_all_leaves_no_kept_rows_behind():
    market = Market.open()
    order = market.running_order(params={"order_refresh_time": 1})
    market.tick()
    market.tick(seconds=1)
    assert executor_order_cancel_all(
        order_id=order.pk, reason="pause", stop_quoting=False, gateway_for=market.gateway_for
    )
    # The tick after it finds the quotes cancelled and released, and places new ones.
    report = market.tick(seconds=1)
    assert report.created == 2
    assert_kept_rows_are_the_stored_rows(market)


def test_the_global_switch_is_read_with_every_lease():
    market = Market.open()
    market.running_order(params={"order_refresh_time": 1})
    market.tick()
    market.tick(seconds=1)
    GlobalKillSwitch.objects.update_or_create(
        pk=GlobalKillSwitch.SINGLETON_ID, defaults={"engaged": True, "reason": "test"}
    )
    report = market.tick(seconds=1)
    assert report.cancelled == 2
    assert not TrackedOrder.objects.filter(status__in=["open", "pending_create"]).exists()


def test_a_kept_tick_parses_no_strategy_state_and_a_read_one_parses_each(monkeypatch):
    market = Market.open()
    orders = [market.running_order(params={"order_refresh_time": 1}) for _ in range(2)]
    market.tick()
    parsed = []

    def parse(data: dict) -> StrategyState:
        parsed.append(data)
        return state_from_dict(data)

    monkeypatch.setattr(order_tick, "state_from_dict", parse)
    kept = kept_of(market)
    assert kept is not None
    held = dict(kept.strategy_states)
    market.tick(seconds=1)
    assert parsed == []  # kept: handed over as parsed
    assert kept_of(market) is not None

    market_orders_changed(pair_id=market.pair.pk)  # a writer: the rows are read again
    market.tick(seconds=1)
    assert len(parsed) == len(orders)  # read: each order's JSON parsed once
    again = kept_of(market)
    assert again is not None
    assert set(again.strategy_states) == set(held)
