from datetime import timedelta

from strategy import StrategyState, state_after_fill
from tests.strategy.builders import T0, cancels, market, order, params, quotes, tick


def test_after_a_fill_no_new_quotes_until_the_filled_order_delay_has_passed():
    strategy = params(filled_order_delay=60)
    buy = order("b0", "buy", "99")
    state = state_after_fill(StrategyState(), params=strategy, filled=buy, open_orders=[], at=T0)
    assert state.create_at == T0 + timedelta(seconds=60)
    assert state.last_own_trade_price == 99 and state.last_fill_at == T0

    too_soon = tick(strategy, now=T0 + timedelta(seconds=59), state=state)
    assert too_soon.create == () and too_soon.dropped == ()
    on_time = tick(strategy, now=T0 + timedelta(seconds=60), state=state)
    assert len(on_time.create) == 2


def test_a_fill_brings_the_refresh_of_the_remaining_quotes_forward():
    strategy = params(filled_order_delay=10, order_refresh_tolerance_pct="-1")
    state = StrategyState(
        refresh_at=T0 + timedelta(seconds=30), create_at=T0 + timedelta(seconds=30)
    )
    after = state_after_fill(
        state, params=strategy, filled=order("b0", "buy", "99"), open_orders=[], at=T0
    )
    assert after.refresh_at == T0 + timedelta(seconds=10)
    remaining = [order("s0", "sell", "101")]
    decision = tick(strategy, open_orders=remaining, now=T0 + timedelta(seconds=10), state=after)
    assert cancels(decision) == {"s0": "refresh"}


STRATEGY = params(
    hanging_orders_enabled=True, hanging_orders_cancel_pct="0.02", filled_order_delay=0
)


def test_the_other_side_of_a_filled_pair_hangs_through_refreshes():
    buy, sell = order("b0", "buy", "99"), order("s0", "sell", "101")
    state = state_after_fill(
        StrategyState(), params=STRATEGY, filled=buy, open_orders=[sell], at=T0
    )
    assert state.hanging_order_ids == {"s0"}

    decision = tick(STRATEGY, market("99.4", "99.6"), open_orders=[sell], now=T0, state=state)
    assert decision.cancel == ()
    assert decision.keep == ("s0",)
    # With no other open quote, a full new pair is placed next to the hanging sell.
    assert quotes(decision, "buy") == [("98.5", "1", 0)]
    assert quotes(decision, "sell") == [("100.5", "1", 0)]


def test_a_hanging_order_is_cancelled_once_the_price_is_far_enough_away():
    sell = order("s0", "sell", "101")
    state = StrategyState(hanging_order_ids=frozenset({"s0"}))
    decision = tick(STRATEGY, market("98.9", "99.1"), open_orders=[sell], state=state)  # 2.02%
    assert cancels(decision) == {"s0": "hanging_too_far"}


def test_without_hanging_orders_the_other_side_is_refreshed_like_any_quote():
    strategy = params(filled_order_delay=0, order_refresh_tolerance_pct="-1")
    buy, sell = order("b0", "buy", "99"), order("s0", "sell", "101")
    state = state_after_fill(
        StrategyState(), params=strategy, filled=buy, open_orders=[sell], at=T0
    )
    assert state.hanging_order_ids == frozenset()
    assert cancels(tick(strategy, open_orders=[sell], state=state)) == {"s0": "refresh"}


def test_a_filled_hanging_order_leaves_the_hanging_set_without_delaying_quotes():
    sell = order("s0", "sell", "101")
    state = StrategyState(hanging_order_ids=frozenset({"s0"}))
    after = state_after_fill(state, params=STRATEGY, filled=sell, open_orders=[], at=T0)
    assert after.hanging_order_ids == frozenset()
    assert after.create_at is None and after.filled_sells_balance == 0
