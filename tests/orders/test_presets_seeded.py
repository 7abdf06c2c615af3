import re

import pytest

from orders.models import StrategyPreset
from strategy import params_with_overrides, validate_preset_params

pytestmark = pytest.mark.django_db

SEEDED = ["stable-depth", "high-volatility", "market-cap-defense", "low-maintenance"]
USER_VALUES = {"order_amount": "10", "price_floor": "0.5"}
PROMISES = re.compile(
    r"\b(yield|apy|apr|guarantee\w*|profit\w*|earn\w*|returns?|support\w* the price|"
    r"pump\w*|risk-free)\b",
    re.IGNORECASE,
)


def test_the_four_presets_are_seeded_in_display_order():
    assert list(StrategyPreset.objects.values_list("name", flat=True)) == SEEDED
    assert all(preset.enabled for preset in StrategyPreset.objects.all())


@pytest.mark.parametrize("name", SEEDED)
def test_each_preset_is_valid_under_the_current_schema(name):
    preset = StrategyPreset.objects.get(name=name)
    assert validate_preset_params(preset.params, required_overrides=preset.required_overrides)
    overrides = {key: USER_VALUES[key] for key in preset.required_overrides}
    params = params_with_overrides(
        preset.params, overrides, required_overrides=preset.required_overrides
    )
    assert params.order_amount == 10


@pytest.mark.parametrize("name", SEEDED)
def test_each_rationale_explains_and_measures_without_promising(name):
    rationale = StrategyPreset.objects.get(name=name).rationale
    assert len(rationale) > 300
    assert "What to watch" in rationale
    assert PROMISES.search(rationale) is None, PROMISES.search(rationale)


def test_the_presets_differ_where_their_names_say_they_do():
    presets = {p.name: p.params for p in StrategyPreset.objects.all()}
    assert int(presets["stable-depth"]["order_levels"]) > int(
        presets["high-volatility"]["order_levels"]
    )
    assert presets["high-volatility"]["adaptive_spreads_enabled"] is True
    assert int(presets["high-volatility"]["filled_order_delay"]) > int(
        presets["stable-depth"]["filled_order_delay"]
    )
    defense = presets["market-cap-defense"]
    assert float(defense["bid_spread"]) < float(defense["ask_spread"])  # bids closer
    assert float(defense["inventory_target_base_pct"]) < 0.5  # target toward quote
    assert "price_floor" in StrategyPreset.objects.get(name="market-cap-defense").required_overrides
    assert int(presets["low-maintenance"]["order_refresh_time"]) >= 300
    assert float(presets["low-maintenance"]["bid_spread"]) >= 0.02
