from datetime import timedelta

from strategy import StrategyState, state_after_fill
from tests.strategy.builders import T0, dropped, order, params, quotes, tick


def filled(state, strategy, side, level=0):
    return state_after_fill(
        state,
        params=strategy,
        filled=order(f"{side}{level}", side, "100", level=level),
        open_orders=[],
        at=T0,
    )


STRATEGY = params(ping_pong_enabled=True, order_levels=2, filled_order_delay=0)


def test_after_a_buy_fill_the_first_buy_level_is_not_quoted():
    state = filled(StrategyState(), STRATEGY, "buy")
    assert state.filled_buys_balance == 1

    decision = tick(STRATEGY, state=state, now=T0 + timedelta(seconds=1))
    assert [level for _, _, level in quotes(decision, "buy")] == [1]
    assert [level for _, _, level in quotes(decision, "sell")] == [0, 1]
    assert dropped(decision) == [("buy", 0, "ping_pong")]


def test_two_sell_fills_remove_two_sell_levels():
    state = filled(filled(StrategyState(), STRATEGY, "sell"), STRATEGY, "sell", level=1)
    decision = tick(STRATEGY, state=state, now=T0 + timedelta(seconds=1))
    assert quotes(decision, "sell") == []
    assert dropped(decision) == [("sell", 0, "ping_pong"), ("sell", 1, "ping_pong")]


def test_a_fill_on_the_other_side_balances_the_count_and_restores_all_levels():
    state = filled(filled(StrategyState(), STRATEGY, "buy"), STRATEGY, "sell")
    decision = tick(STRATEGY, state=state, now=T0 + timedelta(seconds=1))
    assert len(decision.create) == 4 and decision.dropped == ()
    assert (decision.state.filled_buys_balance, decision.state.filled_sells_balance) == (0, 0)


def test_without_ping_pong_fills_do_not_remove_levels():
    strategy = params(order_levels=2, filled_order_delay=0)
    state = filled(StrategyState(), strategy, "buy")
    assert len(tick(strategy, state=state, now=T0 + timedelta(seconds=1)).create) == 4
