from decimal import Decimal

from tests.strategy.builders import cancels, dropped, funds, market, order, params, quotes, tick

STRATEGY = params(order_levels=3, order_level_spread="0.005", order_amount="2")


def test_levels_take_the_budget_in_order_and_the_last_one_is_trimmed():
    decision = tick(STRATEGY, market("99.9", "100.1"), balances=funds("3", "250"))
    # buys: 2 × 99 = 198, then 52 left → 52 / 98.5 = 0.527… → 0.52; nothing for level 2
    assert quotes(decision, "buy") == [("99", "2", 0), ("98.5", "0.52", 1)]
    # sells: 2 base, then the last 1 base
    assert quotes(decision, "sell") == [("101", "2", 0), ("101.5", "1", 1)]
    assert dropped(decision) == [
        ("buy", 2, "insufficient_balance"),
        ("sell", 2, "insufficient_balance"),
    ]


def test_what_the_orders_being_replaced_lock_is_part_of_the_budget():
    replaced = [order("b0", "buy", "99", "2"), order("s0", "sell", "101", "2")]
    strategy = params(
        order_levels=3,
        order_level_spread="0.005",
        order_amount="2",
        order_refresh_tolerance_pct="-1",
    )
    decision = tick(strategy, balances=funds("1", "52"), open_orders=replaced)
    assert cancels(decision) == {"b0": "refresh", "s0": "refresh"}
    assert quotes(decision, "buy") == [("99", "2", 0), ("98.5", "0.52", 1)]
    assert quotes(decision, "sell") == [("101", "2", 0), ("101.5", "1", 1)]


def test_no_funds_on_a_side_drops_that_side():
    decision = tick(params(), balances=funds("0", "1000"))
    assert quotes(decision, "sell") == []
    assert dropped(decision) == [("sell", 0, "insufficient_balance")]


def test_a_trimmed_quote_that_falls_under_the_minimum_notional_is_dropped():
    decision = tick(params(order_amount="1"), market(min_notional="10"), balances=funds("1", "5"))
    assert quotes(decision, "buy") == []
    assert ("buy", 0, "below_min_notional") in dropped(decision)


def test_the_budget_is_never_exceeded_even_with_inventory_skew_doubling_sizes():
    strategy = params(inventory_skew_enabled=True, order_amount="1", order_levels=2)
    decision = tick(strategy, balances=funds("0", "150"))
    spent = sum(q.price * q.amount for q in decision.create if q.side.value == "buy")
    assert spent <= Decimal("150")
    assert quotes(decision, "buy") == [("99", "1.51", 0)]  # skew asks for 2, budget allows 1.51
