from decimal import Decimal

import pytest

from core.errors import ApplicationError
from orders.services.strategy import strategy_config_freeze, strategy_preset_save
from tests.orders.factories import StrategyPresetFactory

pytestmark = pytest.mark.django_db


def test_saving_a_preset_stores_its_values_in_canonical_form():
    preset = StrategyPresetFactory.build(
        params={"bid_spread": Decimal("0.0100"), "ask_spread": "0.02", "order_levels": "3"}
    )
    strategy_preset_save(preset=preset)
    preset.refresh_from_db()
    assert preset.params == {"bid_spread": "0.01", "ask_spread": "0.02", "order_levels": 3}


def test_a_preset_with_invalid_values_is_not_saved():
    preset = StrategyPresetFactory.build(params={"bid_spread": "-0.01", "ask_spread": "0.01"})
    with pytest.raises(ApplicationError) as caught:
        strategy_preset_save(preset=preset)
    assert caught.value.code == "invalid_strategy_params"
    assert caught.value.detail == {"bid_spread": ["Must be at least 0."]}
    assert preset.pk is None


def test_freezing_applies_the_presets_required_overrides():
    preset = StrategyPresetFactory(required_overrides=["order_amount", "price_floor"])
    with pytest.raises(ApplicationError) as caught:
        strategy_config_freeze(preset=preset, overrides={"order_amount": "1"})
    assert caught.value.detail == {
        "price_floor": ["This preset needs your value for this parameter."]
    }
    frozen = strategy_config_freeze(
        preset=preset, overrides={"order_amount": "1", "price_floor": "0.5"}
    )
    assert frozen.config["order_levels"] == 2 and frozen.config["price_floor"] == "0.5"


def test_without_a_preset_the_overrides_are_the_whole_configuration():
    frozen = strategy_config_freeze(
        preset=None, overrides={"bid_spread": "0.01", "ask_spread": "0.01", "order_amount": "1"}
    )
    assert frozen.config["order_levels"] == 1
