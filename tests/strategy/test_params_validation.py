from decimal import Decimal

import pytest

from strategy import StrategyParamsError, parameter_bounds, validate_params

MINIMAL = {"bid_spread": "0.01", "ask_spread": "0.01", "order_amount": "1"}


def errors_for(**changes: object) -> dict[str, list[str]]:
    data = {**MINIMAL, **changes}
    with pytest.raises(StrategyParamsError) as caught:
        validate_params({k: v for k, v in data.items() if v is not DELETE})
    return caught.value.errors


DELETE = object()


def test_a_minimal_config_takes_hummingbots_defaults_for_the_rest():
    params = validate_params(MINIMAL)
    assert params.order_levels == 1
    assert params.order_level_spread == Decimal("0.01")
    assert params.order_refresh_time == 30
    assert params.max_order_age == 1800
    assert params.filled_order_delay == 60
    assert params.inventory_target_base_pct == Decimal("0.5")
    assert params.hanging_orders_cancel_pct == Decimal("0.1")
    assert params.price_type == "mid_price"
    assert params.price_ceiling is None and params.reference_market is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"bid_spread": "-0.01"}, "bid_spread", "Must be at least 0."),
        ({"ask_spread": "1"}, "ask_spread", "Must be less than 1."),
        ({"order_amount": "0"}, "order_amount", "Must be greater than 0."),
        ({"order_levels": 21}, "order_levels", "Must be at most 20."),
        ({"order_levels": 0}, "order_levels", "Must be at least 1."),
        ({"order_refresh_time": 0}, "order_refresh_time", "Must be at least 1."),
        ({"order_refresh_time": "0.5"}, "order_refresh_time", "Must be a whole number."),
        ({"price_floor": "0"}, "price_floor", "Must be greater than 0."),
        ({"inventory_target_base_pct": "1.5"}, "inventory_target_base_pct", "Must be at most 1."),
        ({"volatility_window": 1}, "volatility_window", "Must be at least 2."),
        ({"order_amount": 0.1}, "order_amount", "Give decimals as strings"),
        ({"order_amount": "lots"}, "order_amount", "'lots' is not a number."),
        ({"order_amount": "NaN"}, "order_amount", "Must be a finite number."),
        ({"order_levels": True}, "order_levels", "Must be a number, not true or false."),
        ({"ping_pong_enabled": "yes"}, "ping_pong_enabled", "Must be true or false."),
        ({"price_type": "vwap"}, "price_type", "Must be one of: mid_price, microprice"),
        ({"reference_market": {"exchange": "x"}}, "reference_market", "Must be {"),
        ({"order_amount": DELETE}, "order_amount", "This parameter is required."),
        ({"bid_spread": None}, "bid_spread", "May not be null."),
        ({"spread": "0.01"}, "spread", "Unknown parameter."),
    ],
)
def test_each_bad_value_is_named_with_a_clear_message(changes, field, message):
    errors = errors_for(**changes)
    assert list(errors) == [field]
    assert errors[field][0].startswith(message)


def test_every_bad_field_is_reported_at_once():
    errors = errors_for(bid_spread="-1", order_amount="0", order_levels=30, order_refresh_time=0)
    assert set(errors) == {"bid_spread", "order_amount", "order_levels", "order_refresh_time"}


def test_a_ceiling_below_the_floor_is_refused():
    assert errors_for(price_ceiling="1.0", price_floor="1.2") == {
        "price_ceiling": ["Must be above price_floor."]
    }
    assert errors_for(price_ceiling="1.2", price_floor="1.2") == {
        "price_ceiling": ["Must be above price_floor."]
    }


def test_every_level_must_keep_a_positive_size_and_a_positive_price():
    assert "order_level_amount" in errors_for(
        order_levels=3, order_amount="1", order_level_amount="-0.5"
    )
    assert "order_level_spread" in errors_for(
        order_levels=20, bid_spread="0.1", order_level_spread="0.05"
    )


def test_adaptive_spreads_and_inventory_skew_are_not_combined():
    errors = errors_for(adaptive_spreads_enabled=True, inventory_skew_enabled=True)
    assert list(errors) == ["inventory_skew_enabled"]


def test_numbers_may_come_as_strings_ints_or_decimals():
    params = validate_params(
        {
            "bid_spread": Decimal("0.01"),
            "ask_spread": "0.02",
            "order_amount": 3,
            "order_levels": "2",
        }
    )
    assert (params.ask_spread, params.order_amount, params.order_levels) == (
        Decimal("0.02"),
        Decimal(3),
        2,
    )


def test_the_bounds_are_published_for_every_parameter():
    bounds = {entry["name"]: entry for entry in parameter_bounds()}
    assert bounds["order_levels"]["minimum"] == 1 and bounds["order_levels"]["maximum"] == 20
    assert bounds["order_refresh_time"]["minimum"] == 1
    assert bounds["bid_spread"]["required"] is True and bounds["bid_spread"]["minimum"] == "0"
    assert bounds["price_type"]["choices"][0] == "mid_price"
    assert bounds["price_ceiling"]["nullable"] is True
    assert bounds["order_amount"]["exclusive_minimum"] == "0"
    assert len(bounds) == 31
