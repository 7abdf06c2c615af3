from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from orders.models import StrategyPreset
from strategy import (
    Decision,
    FrozenConfig,
    StrategyInputError,
    StrategyParams,
    freeze_config,
    params_with_overrides,
    validate_params,
    validate_preset_params,
)
from strategy.preview import balances_from_dict, market_snapshot_from_dict, preview


def _invalid(error: StrategyInputError, *, code: str) -> ApplicationError:
    return ApplicationError(str(error), code=code, detail=error.errors)


@transaction.atomic
def strategy_preset_save(*, preset: StrategyPreset) -> StrategyPreset:
    """Store a preset with its parameters checked and written in canonical form."""
    try:
        preset.params = validate_preset_params(
            preset.params, required_overrides=preset.required_overrides
        )
    except StrategyInputError as error:
        raise _invalid(error, code="invalid_strategy_params") from None
    preset.full_clean()
    preset.save()
    return preset


def strategy_params_build(
    *, preset: StrategyPreset | None, overrides: Mapping[str, object]
) -> StrategyParams:
    """The preset's values with the user's overrides on top (no preset: overrides are all)."""
    try:
        if preset is None:
            return validate_params(overrides)
        return params_with_overrides(
            preset.params, overrides, required_overrides=preset.required_overrides
        )
    except StrategyInputError as error:
        raise _invalid(error, code="invalid_strategy_params") from None


def strategy_config_freeze(
    *, preset: StrategyPreset | None, overrides: Mapping[str, object]
) -> FrozenConfig:
    """What an order stores when it starts: every parameter, canonical JSON and its hash."""
    return freeze_config(strategy_params_build(preset=preset, overrides=overrides))


def strategy_preview(
    *,
    params: StrategyParams,
    market: object,
    balances: object | None,
    now: datetime | None = None,
) -> Decision:
    try:
        snapshot = market_snapshot_from_dict(market)
        funds = None if balances is None else balances_from_dict(balances)
    except StrategyInputError as error:
        raise _invalid(error, code="invalid_market") from None
    return preview(params=params, snapshot=snapshot, balances=funds, now=now or timezone.now())
