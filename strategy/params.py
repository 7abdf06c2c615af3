"""Strategy parameters: one table of names, defaults and bounds, and the validator built on it.

Fractions are fractions (0.01 = 1%); durations are whole seconds; amounts are base units.
Every bound is checked at the boundary so that the engine can trust what it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields, is_dataclass
from decimal import Decimal, InvalidOperation
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
            "default": None if self.default is REQUIRED else _json_value(self.default),
            "description": self.description,
        }
        if self.minimum is not None:
            key = "exclusive_minimum" if self.exclusive_minimum else "minimum"
            described[key] = _json_value(self.minimum)
        if self.maximum is not None:
            key = "exclusive_maximum" if self.exclusive_maximum else "maximum"
            described[key] = _json_value(self.maximum)
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


def validate_params(data: Mapping[str, object]) -> StrategyParams:
    """Build parameters from user input, or raise StrategyParamsError naming every bad field."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, Mapping):
        raise StrategyParamsError({"non_field_errors": ["Parameters must be a JSON object."]})
    for name in sorted(set(data) - set(SPECS_BY_NAME)):
        errors.setdefault(name, []).append("Unknown parameter.")
    values: dict[str, object] = {}
    for spec in PARAM_SPECS:
        if spec.name not in data:
            if spec.default is REQUIRED:
                errors.setdefault(spec.name, []).append("This parameter is required.")
            else:
                values[spec.name] = _default(spec)
            continue
        try:
            values[spec.name] = _parse(spec, data[spec.name])
        except ValueError as error:
            errors.setdefault(spec.name, []).append(str(error))
    if not errors:
        _check_combinations(values, errors)
    if errors:
        raise StrategyParamsError(errors)
    return StrategyParams(**values)  # type: ignore[arg-type]


def validate_preset_params(
    data: Mapping[str, object], *, required_overrides: Iterable[str]
) -> dict[str, object]:
    """Check a preset's own values field by field and return them in canonical JSON form.

    A preset may leave out what only the user can know (an amount in base units, a floor
    price) by listing it in required_overrides; combinations are checked once the user's
    values are there, by params_with_overrides.
    """
    if not isinstance(data, Mapping):
        raise StrategyParamsError({"params": ["Parameters must be a JSON object."]})
    required = set(required_overrides)
    errors: dict[str, list[str]] = {}
    for name in sorted((set(data) | required) - set(SPECS_BY_NAME)):
        errors.setdefault(name, []).append("Unknown parameter.")
    canonical: dict[str, object] = {}
    for spec in PARAM_SPECS:
        if spec.name in data:
            try:
                canonical[spec.name] = _json_value(_parse(spec, data[spec.name]))
            except ValueError as error:
                errors.setdefault(spec.name, []).append(str(error))
        elif spec.default is REQUIRED and spec.name not in required:
            errors.setdefault(spec.name, []).append(
                "Set it in the preset or list it among the required overrides."
            )
    if errors:
        raise StrategyParamsError(errors)
    return canonical


def params_to_dict(params: StrategyParams) -> dict[str, object]:
    """JSON-ready parameters; decimals as canonical strings so equal values print equally."""
    return {name: _json_value(value) for name, value in asdict(params).items()}


def _default(spec: ParamSpec) -> object:
    if spec.kind == "choice":
        return PriceType(str(spec.default))
    return spec.default


def _parse(spec: ParamSpec, raw: object) -> object:
    if raw is None:
        if spec.nullable:
            return None
        raise ValueError("May not be null.")
    if spec.kind == "boolean":
        if not isinstance(raw, bool):
            raise ValueError("Must be true or false.")
        return raw
    if spec.kind == "choice":
        if not isinstance(raw, str) or raw not in spec.choices:
            raise ValueError(f"Must be one of: {', '.join(spec.choices)}.")
        return PriceType(raw)
    if spec.kind == "reference_market":
        return _parse_reference_market(raw)
    number = _parse_number(raw)
    if spec.kind == "integer":
        if number != number.to_integral_value():
            raise ValueError("Must be a whole number.")
        whole = int(number)
        _check_bounds(spec, whole)
        return whole
    _check_bounds(spec, number)
    return number


def _parse_number(raw: object) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError("Must be a number, not true or false.")
    if isinstance(raw, float):
        raise ValueError('Give decimals as strings (e.g. "0.01") or exact JSON numbers.')
    if not isinstance(raw, Decimal | int | str):
        raise ValueError("Must be a number.")
    try:
        number = Decimal(raw.strip() if isinstance(raw, str) else raw)
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number.") from None
    if not number.is_finite():
        raise ValueError("Must be a finite number.")
    return number


def _check_bounds(spec: ParamSpec, number: Decimal | int) -> None:
    if spec.minimum is not None:
        if spec.exclusive_minimum and number <= spec.minimum:
            raise ValueError(f"Must be greater than {_json_value(spec.minimum)}.")
        if not spec.exclusive_minimum and number < spec.minimum:
            raise ValueError(f"Must be at least {_json_value(spec.minimum)}.")
    if spec.maximum is not None:
        if spec.exclusive_maximum and number >= spec.maximum:
            raise ValueError(f"Must be less than {_json_value(spec.maximum)}.")
        if not spec.exclusive_maximum and number > spec.maximum:
            raise ValueError(f"Must be at most {_json_value(spec.maximum)}.")


def _parse_reference_market(raw: object) -> ReferenceMarket:
    if not isinstance(raw, Mapping) or set(raw) != {"exchange", "symbol"}:
        raise ValueError('Must be {"exchange": ..., "symbol": ...} or null.')
    exchange, symbol = raw["exchange"], raw["symbol"]
    if not (isinstance(exchange, str) and exchange.strip()):
        raise ValueError("exchange must be a non-empty string.")
    if not (isinstance(symbol, str) and symbol.strip()):
        raise ValueError("symbol must be a non-empty string.")
    return ReferenceMarket(exchange=exchange.strip(), symbol=symbol.strip())


def _check_combinations(values: dict[str, object], errors: dict[str, list[str]]) -> None:
    ceiling, floor = values["price_ceiling"], values["price_floor"]
    if ceiling is not None and floor is not None and ceiling <= floor:  # type: ignore[operator]
        errors.setdefault("price_ceiling", []).append("Must be above price_floor.")
    deepest = values["order_levels"] - 1  # type: ignore[operator]
    last_amount = values["order_amount"] + deepest * values["order_level_amount"]  # type: ignore[operator]
    if last_amount <= 0:
        errors.setdefault("order_level_amount", []).append(
            f"Level {deepest} would have a size of {_json_value(last_amount)}; every level "
            "needs a positive size."
        )
    deepest_buy = values["bid_spread"] + deepest * values["order_level_spread"]  # type: ignore[operator]
    if deepest_buy >= 1:
        errors.setdefault("order_level_spread", []).append(
            f"The deepest buy level would be {_json_value(deepest_buy)} below the price, at or "
            "below zero."
        )
    if values["adaptive_spreads_enabled"] and values["inventory_skew_enabled"]:
        errors.setdefault("inventory_skew_enabled", []).append(
            "Adaptive spreads already skew by inventory; turn one of the two off."
        )


def _json_value(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return _json_value(asdict(value))
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    if isinstance(value, StrEnum):
        return value.value
    return value


def format_decimal(value: Decimal) -> str:
    """Plain notation without trailing zeros: 0.0100 → "0.01", 1E+2 → "100", 0E-8 → "0"."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")
