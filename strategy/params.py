"""Strategy parameters: the dataclass and one table of names, defaults and bounds
(strategy.validation builds the validator on the table).

Fractions are fractions (0.01 = 1%); durations are whole seconds; amounts are base units.
Every bound is checked at the boundary so that the engine can trust what it is given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, is_dataclass
from decimal import Decimal
from enum import StrEnum

from strategy.errors import StrategyInputError

ONE_DAY = 86_400


class PriceType(StrEnum):
    MID_PRICE = "mid_price"
    MICROPRICE = "microprice"
    BEST_BID = "best_bid"
    BEST_ASK = "best_ask"
    LAST_PRICE = "last_price"
    LAST_OWN_TRADE_PRICE = "last_own_trade_price"


@dataclass(frozen=True, slots=True)
class ReferenceMarket:
    """Another exchange's market whose price the quotes follow."""

    exchange: str
    symbol: str


@dataclass(frozen=True, slots=True)
class StrategyParams:
    bid_spread: Decimal
    ask_spread: Decimal
    order_amount: Decimal
    order_levels: int
    order_level_spread: Decimal
    order_level_amount: Decimal
    order_refresh_time: int
    order_refresh_tolerance_pct: Decimal
    max_order_age: int
    filled_order_delay: int
    minimum_spread: Decimal
    price_ceiling: Decimal | None
    price_floor: Decimal | None
    moving_price_band_enabled: bool
    moving_price_band_ceiling_pct: Decimal
    moving_price_band_floor_pct: Decimal
    moving_price_band_refresh_time: int
    ping_pong_enabled: bool
    inventory_skew_enabled: bool
    inventory_target_base_pct: Decimal
    inventory_range_multiplier: Decimal
    hanging_orders_enabled: bool
    hanging_orders_cancel_pct: Decimal
    price_type: PriceType
    reference_market: ReferenceMarket | None
    take_if_crossed: bool
    adaptive_spreads_enabled: bool
    risk_factor: Decimal
    order_book_depth_factor: Decimal
    volatility_window: int
    order_amount_shape_factor: Decimal


class StrategyParamsError(StrategyInputError):
    what = "strategy parameters"


REQUIRED = object()


@dataclass(frozen=True, slots=True)
class ParamSpec:
    name: str
    kind: str  # decimal | integer | boolean | choice | reference_market
    default: object
    description: str
    minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    nullable: bool = False
    choices: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The JSON shape shown to users next to a preset."""
        described: dict[str, object] = {
            "name": self.name,
            "type": self.kind,
            "required": self.default is REQUIRED,
            "default": None if self.default is REQUIRED else json_value(self.default),
            "description": self.description,
        }
        if self.minimum is not None:
            key = "exclusive_minimum" if self.exclusive_minimum else "minimum"
            described[key] = json_value(self.minimum)
        if self.maximum is not None:
            key = "exclusive_maximum" if self.exclusive_maximum else "maximum"
            described[key] = json_value(self.maximum)
        if self.nullable:
            described["nullable"] = True
        if self.choices:
            described["choices"] = list(self.choices)
        return described


D = Decimal

PARAM_SPECS: tuple[ParamSpec, ...] = (
    ParamSpec(
        "bid_spread",
        "decimal",
        REQUIRED,
        "Distance of the first buy level below the "
        "reference price (adaptive mode: the closest a buy may get).",
        D(0),
        D(1),
        exclusive_maximum=True,
    ),
    ParamSpec(
        "ask_spread",
        "decimal",
        REQUIRED,
        "Distance of the first sell level above the "
        "reference price (adaptive mode: the closest a sell may get).",
        D(0),
        D(1),
        exclusive_maximum=True,
    ),
    ParamSpec(
        "order_amount",
        "decimal",
        REQUIRED,
        "Base amount of the first level on each side.",
        D(0),
        exclusive_minimum=True,
    ),
    ParamSpec("order_levels", "integer", 1, "Levels per side.", 1, 20),
    ParamSpec(
        "order_level_spread",
        "decimal",
        D("0.01"),
        "Extra distance of each further level.",
        D(0),
        D(1),
        exclusive_maximum=True,
    ),
    ParamSpec(
        "order_level_amount",
        "decimal",
        D(0),
        "Extra base amount of each further level (may be negative).",
    ),
    ParamSpec("order_refresh_time", "integer", 30, "Seconds between refresh cycles.", 1, ONE_DAY),
    ParamSpec(
        "order_refresh_tolerance_pct",
        "decimal",
        D(0),
        "Keep open quotes on refresh when "
        "every new price is within this fraction of the old one; negative: always refresh.",
        D(-1),
        D(1),
    ),
    ParamSpec(
        "max_order_age",
        "integer",
        1800,
        "Seconds after which quotes are replaced even if prices did not move.",
        1,
        7 * ONE_DAY,
    ),
    ParamSpec(
        "filled_order_delay",
        "integer",
        60,
        "Seconds to wait after a fill before quoting again.",
        0,
        ONE_DAY,
    ),
    ParamSpec(
        "minimum_spread",
        "decimal",
        D(0),
        "Cancel a quote that came closer to the "
        "reference price than this fraction; 0 turns the check off.",
        D(0),
        D(1),
        exclusive_maximum=True,
    ),
    ParamSpec(
        "price_ceiling",
        "decimal",
        None,
        "At or above this price no buys are placed.",
        D(0),
        exclusive_minimum=True,
        nullable=True,
    ),
    ParamSpec(
        "price_floor",
        "decimal",
        None,
        "At or below this price no sells are placed.",
        D(0),
        exclusive_minimum=True,
        nullable=True,
    ),
    ParamSpec(
        "moving_price_band_enabled",
        "boolean",
        False,
        "A ceiling and floor that follow the "
        "price, re-anchored every moving_price_band_refresh_time.",
    ),
    ParamSpec(
        "moving_price_band_ceiling_pct",
        "decimal",
        D("0.01"),
        "Band ceiling above the anchor price.",
        D(0),
        D(1),
        exclusive_minimum=True,
        exclusive_maximum=True,
    ),
    ParamSpec(
        "moving_price_band_floor_pct",
        "decimal",
        D("0.01"),
        "Band floor below the anchor price.",
        D(0),
        D(1),
        exclusive_minimum=True,
        exclusive_maximum=True,
    ),
    ParamSpec(
        "moving_price_band_refresh_time",
        "integer",
        ONE_DAY,
        "Seconds between band re-anchors.",
        1,
        30 * ONE_DAY,
    ),
    ParamSpec(
        "ping_pong_enabled",
        "boolean",
        False,
        "After N buy fills drop the first N buy "
        "levels (and vice versa) until the other side fills as often.",
    ),
    ParamSpec(
        "inventory_skew_enabled",
        "boolean",
        False,
        "Scale buy and sell sizes toward the target share of base in the inventory.",
    ),
    ParamSpec(
        "inventory_target_base_pct",
        "decimal",
        D("0.5"),
        "Target share of the inventory value held in base.",
        D(0),
        D(1),
    ),
    ParamSpec(
        "inventory_range_multiplier",
        "decimal",
        D(1),
        "Width of the skew range in multiples of the total quoted size.",
        D(0),
        D(100),
        exclusive_minimum=True,
    ),
    ParamSpec(
        "hanging_orders_enabled",
        "boolean",
        False,
        "Keep the other side of a filled pair open across refreshes.",
    ),
    ParamSpec(
        "hanging_orders_cancel_pct",
        "decimal",
        D("0.1"),
        "Cancel a hanging order this far from the reference price.",
        D(0),
        D(1),
        exclusive_minimum=True,
    ),
    ParamSpec(
        "price_type",
        "choice",
        PriceType.MID_PRICE.value,
        "Which price the levels are measured from.",
        choices=tuple(p.value for p in PriceType),
    ),
    ParamSpec(
        "reference_market",
        "reference_market",
        None,
        'Take the price from this market on another exchange: {"exchange": ..., "symbol": ...}.',
        nullable=True,
    ),
    ParamSpec(
        "take_if_crossed",
        "boolean",
        False,
        "Allow quotes that would trade immediately against the book.",
    ),
    ParamSpec(
        "adaptive_spreads_enabled",
        "boolean",
        False,
        "Avellaneda–Stoikov spreads from measured volatility and inventory instead of fixed ones.",
    ),
    ParamSpec(
        "risk_factor",
        "decimal",
        D(1),
        "Adaptive mode: inventory risk aversion (gamma).",
        D(0),
        D(1000),
        exclusive_minimum=True,
    ),
    ParamSpec(
        "order_book_depth_factor",
        "decimal",
        D(100),
        "Adaptive mode: order book liquidity (kappa); larger means tighter spreads.",
        D(0),
        D(1_000_000),
        exclusive_minimum=True,
    ),
    ParamSpec(
        "volatility_window",
        "integer",
        30,
        "Adaptive mode: reference price samples (one per tick) in the volatility estimate.",
        2,
        1000,
    ),
    ParamSpec(
        "order_amount_shape_factor",
        "decimal",
        D(0),
        "Adaptive mode: shrink the side that "
        "would move the inventory further from target (eta); 0 turns it off.",
        D(0),
        D(100),
    ),
)

SPECS_BY_NAME = {spec.name: spec for spec in PARAM_SPECS}
assert set(SPECS_BY_NAME) == {f.name for f in fields(StrategyParams)}


def parameter_bounds() -> list[dict[str, object]]:
    return [spec.as_dict() for spec in PARAM_SPECS]


def params_to_dict(params: StrategyParams) -> dict[str, object]:
    """JSON-ready parameters; decimals as canonical strings so equal values print equally."""
    return {name: json_value(value) for name, value in asdict(params).items()}


def json_value(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return json_value(asdict(value))
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, StrEnum):
        return value.value
    return value


def format_decimal(value: Decimal) -> str:
    """Plain notation without trailing zeros: 0.0100 → "0.01", 1E+2 → "100", 0E-8 → "0"."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")
