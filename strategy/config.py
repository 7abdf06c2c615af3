"""Preset + overrides → the frozen parameter set, its canonical JSON and its SHA-256.

The hash is what an order stores when it starts: anyone can recompute it from the stored
config and see that the rules did not change while the order ran.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from strategy.params import (
    StrategyParams,
    StrategyParamsError,
    params_to_dict,
)
from strategy.validation import validate_params

CONFIG_SCHEMA_VERSION = 1


@dataclass(frozen=True, slots=True)
class FrozenConfig:
    params: StrategyParams
    config: dict[str, object]  # every parameter, defaults included, JSON-ready
    canonical_json: str
    sha256: str


def params_with_overrides(
    preset_params: Mapping[str, object],
    overrides: Mapping[str, object],
    *,
    required_overrides: Iterable[str] = (),
) -> StrategyParams:
    """Validate a preset with the user's overrides on top; the preset may demand some fields."""
    missing = {
        name: ["This preset needs your value for this parameter."]
        for name in required_overrides
        if overrides.get(name) is None
    }
    try:
        params = validate_params({**preset_params, **overrides})
    except StrategyParamsError as error:
        raise StrategyParamsError({**error.errors, **missing}) from None
    if missing:
        raise StrategyParamsError(missing)
    return params


def freeze_config(params: StrategyParams) -> FrozenConfig:
    config = params_to_dict(params)
    canonical = json.dumps(
        {"schema": CONFIG_SCHEMA_VERSION, "params": config},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return FrozenConfig(params=params, config=config, canonical_json=canonical, sha256=digest)
