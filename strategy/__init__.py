"""Pure market making as pure code: no Django, no I/O, Decimal throughout.

The executor calls `decide` every tick and `state_after_fill` on every completed fill;
the preview and the order start use `params_with_overrides` and `freeze_config`.
"""

from strategy.codec import state_from_dict, state_to_dict
from strategy.config import FrozenConfig, freeze_config, params_with_overrides
from strategy.engine import decide, state_after_fill
from strategy.errors import StrategyInputError
from strategy.params import (
    PriceType,
    ReferenceMarket,
    StrategyParams,
    StrategyParamsError,
    parameter_bounds,
    params_to_dict,
)
from strategy.types import (
    AdaptiveFigures,
    Balances,
    Book,
    Cancel,
    CancelReason,
    Decision,
    Dropped,
    DropReason,
    MarketSnapshot,
    OpenOrder,
    Quote,
    Side,
    StrategyState,
)
from strategy.validation import validate_params, validate_preset_params

__all__ = [
    "AdaptiveFigures",
    "Balances",
    "Book",
    "Cancel",
    "CancelReason",
    "Decision",
    "DropReason",
    "Dropped",
    "FrozenConfig",
    "MarketSnapshot",
    "OpenOrder",
    "PriceType",
    "Quote",
    "ReferenceMarket",
    "Side",
    "StrategyInputError",
    "StrategyParams",
    "StrategyParamsError",
    "StrategyState",
    "decide",
    "freeze_config",
    "parameter_bounds",
    "params_to_dict",
    "params_with_overrides",
    "state_after_fill",
    "state_from_dict",
    "state_to_dict",
    "validate_params",
    "validate_preset_params",
]
