from datetime import timedelta
from decimal import Decimal

from strategy import avellaneda
from tests.strategy.builders import T0, funds, market, params, quotes, tick

E8 = Decimal("1E-8")


def test_reservation_price_moves_against_excess_inventory_and_the_spread_adds_risk_and_liquidity():
    reservation, spread = avellaneda.reservation_price_and_spread(
        price=Decimal("100"),
        inventory_deviation=Decimal("0.2"),
        volatility=Decimal("0.01"),
        risk_factor=Decimal("50"),
        order_book_depth_factor=Decimal("50"),
    )
    # r = 100 × (1 − 0.2 × 50 × 0.01²) = 99.9
    assert reservation == Decimal("99.9")
    # s = 100 × (50 × 0.01² + (2 / 50) × ln(1 + 50 / 50)) = 100 × (0.005 + 0.04 × ln 2)
    assert spread.quantize(E8) == Decimal("3.27258872")


def test_with_no_inventory_deviation_the_reservation_price_is_the_price():
    reservation, _ = avellaneda.reservation_price_and_spread(
        price=Decimal("2.5"),
        inventory_deviation=Decimal("0"),
        volatility=Decimal("0.05"),
        risk_factor=Decimal("1"),
        order_book_depth_factor=Decimal("10"),
    )
    assert reservation == Decimal("2.5")


def test_volatility_is_the_root_mean_square_of_tick_to_tick_relative_moves():
    samples = [Decimal("100"), Decimal("101"), Decimal("100")]
    # sqrt((0.01² + (100/101 − 1)²) / 3)
    assert avellaneda.relative_volatility(samples).quantize(E8) == Decimal("0.00812465")
    assert avellaneda.relative_volatility([Decimal("100")]) == 0


def test_inventory_deviation_runs_from_minus_one_to_one_around_the_target():
    def q(base, quote):
        return avellaneda.inventory_deviation(
            base=Decimal(base),
            quote=Decimal(quote),
            price=Decimal("100"),
            target_base_pct=Decimal("0.5"),
        )

    assert q("3", "200") == Decimal("0.1")  # 5 base of value, 3 held, 2.5 wanted
    assert q("5", "0") == Decimal("0.5")
    assert q("0", "500") == Decimal("-0.5")


def test_the_shape_factor_shrinks_only_the_side_that_moves_inventory_away_from_target():
    buy, sell = avellaneda.size_multipliers(
        inventory_deviation=Decimal("0.1"), shape_factor=Decimal("1")
    )
    assert buy.quantize(E8) == Decimal("0.90483742") and sell == 1  # e^(−0.1)
    buy, sell = avellaneda.size_multipliers(
        inventory_deviation=Decimal("-0.1"), shape_factor=Decimal("1")
    )
    assert buy == 1 and sell.quantize(E8) == Decimal("0.90483742")


ADAPTIVE = dict(
    adaptive_spreads_enabled=True,
    risk_factor="50",
    order_book_depth_factor="50",
    volatility_window=3,
    order_refresh_time=1,
)


def test_adaptive_quotes_use_half_the_book_spread_until_the_volatility_window_fills():
    decision = tick(
        params(bid_spread="0.001", ask_spread="0.001", **ADAPTIVE), market("99.9", "100.1")
    )
    figures = decision.adaptive
    assert figures.volatility_source == "book_spread"
    assert figures.volatility == Decimal("0.001")  # 0.2 / (2 × 100)
    assert figures.reservation_price == 100  # no balances in a dry run: q = 0
    # s = 100 × (50 × 0.001² + 0.04 × ln 2) = 2.777588…; bid 100 − s/2 = 98.6112… → 98.61
    assert quotes(decision, "buy") == [("98.61", "1", 0)]
    assert quotes(decision, "sell") == [("101.39", "1", 0)]


def test_adaptive_quotes_never_come_closer_than_the_side_spreads():
    decision = tick(
        params(bid_spread="0.02", ask_spread="0.03", **ADAPTIVE), market("99.9", "100.1")
    )
    assert quotes(decision, "buy") == [("98", "1", 0)]
    assert quotes(decision, "sell") == [("103", "1", 0)]


def test_adaptive_mode_measures_realized_volatility_once_the_window_is_full():
    strategy = params(bid_spread="0.001", ask_spread="0.001", **ADAPTIVE)
    state = None
    for seconds, (bid, ask) in enumerate(
        [("99.9", "100.1"), ("100.9", "101.1"), ("99.9", "100.1")]
    ):
        decision = tick(
            strategy, market(bid, ask), now=T0 + timedelta(seconds=2 * seconds), state=state
        )
        state = decision.state
    assert decision.state.volatility_samples == (
        Decimal("100.0"),
        Decimal("101.0"),
        Decimal("100.0"),
    )
    assert decision.adaptive.volatility_source == "realized"
    assert decision.adaptive.volatility.quantize(E8) == Decimal("0.00812465")


def test_adaptive_mode_skews_prices_and_sizes_by_inventory():
    strategy = params(
        bid_spread="0.001", ask_spread="0.001", order_amount_shape_factor="1", **ADAPTIVE
    )
    long_base = tick(strategy, market("99.9", "100.1"), balances=funds("8", "200"))
    figures = long_base.adaptive
    assert figures.inventory_deviation == Decimal("0.3")  # 10 base of value, 8 held, 5 wanted
    assert figures.reservation_price < 100  # leaning toward selling
    (buy,) = [q for q in long_base.create if q.side.value == "buy"]
    (sell,) = [q for q in long_base.create if q.side.value == "sell"]
    assert buy.amount == Decimal("0.74")  # 1 × e^(−0.3) = 0.7408… rounded down to the step
    assert sell.amount == 1
