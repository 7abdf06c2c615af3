"""The executor stores the frozen config and the strategy state as JSON and reads them back."""

import json
from datetime import timedelta
from decimal import Decimal

from strategy import (
    StrategyState,
    freeze_config,
    state_after_fill,
    state_from_dict,
    state_to_dict,
    validate_params,
)
from tests.strategy.builders import T0, funds, order, params, tick


def test_a_stored_config_rebuilds_the_same_parameters():
    original = params(
        order_levels=3,
        price_floor="0.25",
        reference_market={"exchange": "Other", "symbol": "TK/USDT"},
        price_type="microprice",
    )
    stored = json.loads(freeze_config(original).canonical_json)["params"]
    assert validate_params(stored) == original


def test_a_state_survives_a_round_trip_through_json():
    strategy = params(
        adaptive_spreads_enabled=True,
        moving_price_band_enabled=True,
        hanging_orders_enabled=True,
        order_refresh_time=1,
    )
    first = tick(strategy, balances=funds("5", "500"))
    filled = state_after_fill(
        first.state,
        params=strategy,
        filled=order("b0", "buy", "99"),
        open_orders=[order("s0", "sell", "101")],
        at=T0 + timedelta(seconds=1),
    )
    assert filled.hanging_order_ids and filled.volatility_samples and filled.peak_equity

    restored = state_from_dict(json.loads(json.dumps(state_to_dict(filled))))
    assert restored == filled
    assert restored.last_own_trade_price == Decimal("99")


def test_an_empty_dict_is_a_fresh_state():
    assert state_from_dict({}) == StrategyState()
