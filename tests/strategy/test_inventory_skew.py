from decimal import Decimal

import pytest

from strategy.inventory import skew_ratios, total_order_size
from tests.strategy.builders import dropped, funds, market, params, quotes, tick


def ratios(base, quote, price, target, base_range):
    bid, ask = skew_ratios(
        base=Decimal(base),
        quote=Decimal(quote),
        price=Decimal(price),
        target_base_pct=Decimal(target),
        base_range=Decimal(base_range),
    )
    return bid.quantize(Decimal("1E-8")), ask.quantize(Decimal("1E-8"))


def test_total_order_size_counts_both_sides_and_every_level():
    size = total_order_size(order_amount=Decimal("1"), order_level_amount=Decimal("0.5"), levels=3)
    assert size == Decimal("2") * (3 * 1 + 3 * Decimal("0.5"))  # 2 × (1 + 1.5 + 2) = 9


def test_ratios_are_even_at_the_target():
    assert ratios("5", "500", "100", "0.5", "2") == (Decimal("1"), Decimal("1"))


# Vectors from Hummingbot's own inventory skew tests (same inputs, same ratios).
@pytest.mark.parametrize(
    ("base", "expected_bid", "expected_ask"),
    [
        ("85000", "1.04416667", "0.95583333"),  # slightly below target: bids lean up
        ("70000", "1.77166667", "0.22833333"),  # further below
        ("8500", "2.00000000", "0.00000000"),  # below the range: buys only
        ("95000", "0.55916667", "1.44083333"),  # above target: sells lean up
        ("200000", "0.00000000", "2.00000000"),  # above the range: sells only
    ],
)
def test_ratios_below_and_above_target(base, expected_bid, expected_ask):
    assert ratios(base, "10000", "0.0036", "0.03", "20000") == (
        Decimal(expected_bid),
        Decimal(expected_ask),
    )


def test_the_range_is_capped_at_half_the_portfolio_value():
    assert ratios("100", "10", "1", "0.35", "200") == (Decimal(0), Decimal(2))
    assert ratios("10", "100", "1", "0.75", "200") == (Decimal(2), Decimal(0))


def test_an_empty_portfolio_or_range_quotes_nothing():
    assert ratios("0", "0", "1", "0.5", "10") == (Decimal(0), Decimal(0))
    assert ratios("5", "5", "1", "0.5", "0") == (Decimal(0), Decimal(0))


def test_the_strategy_scales_sizes_by_the_ratios():
    strategy = params(inventory_skew_enabled=True, order_amount="1")
    # value 1000, target 500 base value, holding 400: range 2 base = 200 → bid 1.5, ask 0.5
    decision = tick(strategy, market("99.9", "100.1"), balances=funds("4", "600"))
    assert quotes(decision, "buy") == [("99", "1.5", 0)]
    assert quotes(decision, "sell") == [("101", "0.5", 0)]


def test_the_strategy_drops_the_side_that_the_skew_zeroes():
    strategy = params(inventory_skew_enabled=True)
    decision = tick(strategy, balances=funds("0", "1000"))
    assert quotes(decision, "buy") == [("99", "2", 0)]
    assert dropped(decision) == [("sell", 0, "inventory_skew")]


def test_locked_amounts_of_open_orders_count_as_inventory():
    from tests.strategy.builders import order

    strategy = params(inventory_skew_enabled=True, order_refresh_tolerance_pct="-1")
    # 2 base free + 2 base locked in an open sell = the 4 base of the case above
    decision = tick(
        strategy,
        balances=funds("2", "600"),
        open_orders=[order("s1", "sell", "101", "2")],
    )
    assert quotes(decision, "buy") == [("99", "1.5", 0)]
    assert quotes(decision, "sell") == [("101", "0.5", 0)]
