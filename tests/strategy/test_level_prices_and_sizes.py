from tests.strategy.builders import dropped, market, params, quotes, tick


def test_each_level_is_one_level_spread_further_and_one_level_amount_larger():
    strategy = params(
        bid_spread="0.01",
        ask_spread="0.02",
        order_levels=3,
        order_level_spread="0.005",
        order_amount="2",
        order_level_amount="0.5",
    )
    decision = tick(strategy, market("99.9", "100.1"))  # mid 100

    assert str(decision.reference_price) == "100.0"
    assert quotes(decision, "buy") == [("99", "2", 0), ("98.5", "2.5", 1), ("98", "3", 2)]
    assert quotes(decision, "sell") == [("102", "2", 0), ("102.5", "2.5", 1), ("103", "3", 2)]
    assert dropped(decision) == []


def test_a_negative_level_amount_makes_deeper_levels_smaller():
    strategy = params(order_levels=3, order_amount="3", order_level_amount="-1")
    sizes = [amount for _, amount, _ in quotes(tick(strategy), "buy")]
    assert sizes == ["3", "2", "1"]


def test_a_level_whose_size_rounds_to_nothing_is_dropped_with_its_reason():
    strategy = params(order_amount="0.004")
    decision = tick(strategy, market(step="0.01"))
    assert decision.create == ()
    assert dropped(decision) == [("buy", 0, "size_below_step"), ("sell", 0, "size_below_step")]


def test_quotes_below_the_exchange_minimums_are_dropped():
    small_value = tick(params(order_amount="0.04"), market(min_notional="5"))
    assert dropped(small_value) == [
        ("buy", 0, "below_min_notional"),
        ("sell", 0, "below_min_notional"),
    ]
    small_size = tick(params(order_amount="0.5"), market(min_amount="1"))
    assert {reason for _, _, reason in dropped(small_size)} == {"below_min_amount"}
