import json
from decimal import Decimal

import pytest

from strategy import StrategyParamsError, freeze_config, params_with_overrides
from strategy.config import CONFIG_SCHEMA_VERSION

PRESET = {"bid_spread": "0.003", "ask_spread": "0.003", "order_levels": 5}


def frozen(**overrides):
    return freeze_config(params_with_overrides(PRESET, {"order_amount": "2", **overrides}))


def test_the_frozen_config_lists_every_parameter_with_defaults_filled_in():
    config = frozen().config
    assert config["order_levels"] == 5 and config["order_amount"] == "2"
    assert config["filled_order_delay"] == 60 and config["price_floor"] is None
    assert len(config) == 31


def test_canonical_json_is_compact_sorted_and_parses_back_to_the_config():
    result = frozen()
    assert result.canonical_json.startswith('{"params":{"adaptive_spreads_enabled":false,')
    assert " " not in result.canonical_json
    assert json.loads(result.canonical_json) == {
        "params": result.config,
        "schema": CONFIG_SCHEMA_VERSION,
    }


def test_the_same_values_spelled_differently_hash_the_same():
    assert frozen(order_amount="2.000").sha256 == frozen(order_amount=Decimal("2")).sha256
    assert frozen(bid_spread="0.0030").sha256 == frozen().sha256


def test_any_change_of_value_changes_the_hash():
    assert frozen(order_amount="2.001").sha256 != frozen().sha256
    assert frozen(ping_pong_enabled=True).sha256 != frozen().sha256


def test_the_hash_of_a_known_config_stays_put():
    # Orders store this hash when they start; a change here would break their verification.
    assert frozen().sha256 == PINNED_SHA256


PINNED_SHA256 = "cdfed0fba6bf3a309f0be0ffa26437c04f850d47b08330e83733b6ce91d9f4ba"


def test_overrides_take_precedence_and_required_overrides_must_be_given():
    params = params_with_overrides(PRESET, {"order_amount": "1", "order_levels": 2})
    assert params.order_levels == 2
    with pytest.raises(StrategyParamsError) as caught:
        params_with_overrides(
            {**PRESET, "order_amount": "1"}, {}, required_overrides=["price_floor"]
        )
    assert caught.value.errors == {
        "price_floor": ["This preset needs your value for this parameter."]
    }


def test_invalid_overrides_are_reported_with_missing_required_ones():
    with pytest.raises(StrategyParamsError) as caught:
        params_with_overrides(
            PRESET, {"order_levels": 50}, required_overrides=["order_amount", "price_floor"]
        )
    assert set(caught.value.errors) == {"order_levels", "order_amount", "price_floor"}
