"""When open quotes are kept, replaced or cancelled (Hummingbot's refresh rules)."""

from datetime import timedelta

from strategy import StrategyState
from tests.strategy.builders import T0, cancels, market, order, params, quotes, tick

OPEN = [order("b0", "buy", "99"), order("s0", "sell", "101")]  # placed around mid 100


def test_quotes_within_the_tolerance_are_kept_and_the_timers_restart():
    strategy = params(order_refresh_tolerance_pct="0.001", order_refresh_time=30)
    # mid 100.05: the new buy 99.04 is 0.04% from 99, the new sell 101.06 is 0.06% from 101
    moved_a_little = tick(strategy, market("100.0", "100.1"), open_orders=OPEN)
    assert moved_a_little.cancel == ()
    assert moved_a_little.create == ()
    assert set(moved_a_little.keep) == {"b0", "s0"}
    assert moved_a_little.state.refresh_at == T0 + timedelta(seconds=30)
    assert moved_a_little.state.create_at == T0 + timedelta(seconds=30)


def test_quotes_beyond_the_tolerance_are_all_replaced():
    strategy = params(order_refresh_tolerance_pct="0.001")
    moved = tick(strategy, market("100.4", "100.6"), open_orders=OPEN)  # mid 100.5
    assert cancels(moved) == {"b0": "refresh", "s0": "refresh"}
    assert quotes(moved, "buy") == [("99.49", "1", 0)]
    assert quotes(moved, "sell") == [("101.51", "1", 0)]
    assert moved.keep == ()


def test_a_different_number_of_quotes_is_a_change_even_at_the_same_prices():
    strategy = params(order_refresh_tolerance_pct="0.5")
    decision = tick(strategy, open_orders=[order("b0", "buy", "99")])
    assert cancels(decision) == {"b0": "refresh"}


def test_a_negative_tolerance_always_refreshes():
    decision = tick(params(order_refresh_tolerance_pct="-1"), open_orders=OPEN)
    assert cancels(decision) == {"b0": "refresh", "s0": "refresh"}
    assert len(decision.create) == 2


def test_before_the_refresh_time_open_quotes_are_left_alone():
    waiting = StrategyState(
        create_at=T0 + timedelta(seconds=5), refresh_at=T0 + timedelta(seconds=5)
    )
    decision = tick(params(), market("104.9", "105.1"), open_orders=OPEN, state=waiting)
    assert decision.cancel == () and decision.create == ()
    assert set(decision.keep) == {"b0", "s0"}


def test_quotes_older_than_max_order_age_are_replaced_even_when_prices_did_not_move():
    strategy = params(max_order_age=600, order_refresh_tolerance_pct="0.01")
    stale = [order("b0", "buy", "99", age_s=601), order("s0", "sell", "101", age_s=10)]
    decision = tick(strategy, open_orders=stale)
    assert cancels(decision) == {"b0": "max_order_age", "s0": "max_order_age"}
    assert len(decision.create) == 2


def test_a_quote_closer_than_the_minimum_spread_is_cancelled_at_once():
    strategy = params(minimum_spread="0.005")
    waiting = StrategyState(
        create_at=T0 + timedelta(seconds=5), refresh_at=T0 + timedelta(seconds=5)
    )
    # mid moved to 99.5: the buy at 99 is now 0.5025% away (kept), the sell at 101 is fine too;
    # at mid 99.2 the buy is 0.2% away and goes.
    kept = tick(strategy, market("99.4", "99.6"), open_orders=OPEN, state=waiting)
    assert kept.cancel == ()
    too_close = tick(strategy, market("99.1", "99.3"), open_orders=OPEN, state=waiting)
    assert cancels(too_close) == {"b0": "below_minimum_spread"}
    # The sell stays open, so nothing new is placed until the refresh.
    assert too_close.create == () and too_close.keep == ("s0",)
