from decimal import Decimal

from strategy import Side
from strategy.quantize import quantize_amount, quantize_price
from tests.strategy.builders import market, params, quotes, tick


def test_buys_round_down_and_sells_round_up_to_the_tick():
    assert quantize_price(Decimal("99.904995"), side=Side.BUY, tick_size=Decimal("0.01")) == (
        Decimal("99.90")
    )
    assert quantize_price(Decimal("100.105005"), side=Side.SELL, tick_size=Decimal("0.01")) == (
        Decimal("100.11")
    )
    # A price already on the grid does not move either way.
    assert quantize_price(Decimal("99.90"), side=Side.SELL, tick_size=Decimal("0.01")) == (
        Decimal("99.90")
    )


def test_ticks_that_are_not_powers_of_ten_are_respected():
    assert quantize_price(Decimal("100.07"), side=Side.BUY, tick_size=Decimal("0.05")) == (
        Decimal("100.05")
    )
    assert quantize_price(Decimal("100.07"), side=Side.SELL, tick_size=Decimal("0.05")) == (
        Decimal("100.10")
    )


def test_sizes_round_down_to_the_step():
    assert quantize_amount(Decimal("1.23456"), step_size=Decimal("0.01")) == Decimal("1.23")
    assert quantize_amount(Decimal("0.999"), step_size=Decimal("1")) == Decimal("0")


def test_the_strategy_quantizes_away_from_the_other_side_of_the_book():
    strategy = params(bid_spread="0.001", ask_spread="0.001", order_amount="1.23456")
    decision = tick(strategy, market("100.00", "100.01"))  # mid 100.005
    assert quotes(decision, "buy") == [("99.9", "1.23", 0)]  # 99.904995 → 99.90
    assert quotes(decision, "sell") == [("100.11", "1.23", 0)]  # 100.105005 → 100.11
