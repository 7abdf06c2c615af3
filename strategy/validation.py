"""Validation of strategy parameters against the table in strategy.params: user input and
preset values in, StrategyParams or canonical JSON out, every bad field named at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from core.numbers import decimal_from_input
from strategy.params import (
    PARAM_SPECS,
    REQUIRED,
    SPECS_BY_NAME,
    ParamSpec,
    PriceType,
    ReferenceMarket,
    StrategyParams,
    StrategyParamsError,
    json_value,
)


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
                canonical[spec.name] = json_value(_parse(spec, data[spec.name]))
            except ValueError as error:
                errors.setdefault(spec.name, []).append(str(error))
        elif spec.default is REQUIRED and spec.name not in required:
            errors.setdefault(spec.name, []).append(
                "Set it in the preset or list it among the required overrides."
            )
    if errors:
        raise StrategyParamsError(errors)
    return canonical


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
    return decimal_from_input(raw)


def _check_bounds(spec: ParamSpec, number: Decimal | int) -> None:
    if spec.minimum is not None:
        if spec.exclusive_minimum and number <= spec.minimum:
            raise ValueError(f"Must be greater than {json_value(spec.minimum)}.")
        if not spec.exclusive_minimum and number < spec.minimum:
            raise ValueError(f"Must be at least {json_value(spec.minimum)}.")
    if spec.maximum is not None:
        if spec.exclusive_maximum and number >= spec.maximum:
            raise ValueError(f"Must be less than {json_value(spec.maximum)}.")
        if not spec.exclusive_maximum and number > spec.maximum:
            raise ValueError(f"Must be at most {json_value(spec.maximum)}.")


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
            f"Level {deepest} would have a size of {json_value(last_amount)}; every level "
            "needs a positive size."
        )
    deepest_buy = values["bid_spread"] + deepest * values["order_level_spread"]  # type: ignore[operator]
    if deepest_buy >= 1:
        errors.setdefault("order_level_spread", []).append(
            f"The deepest buy level would be {json_value(deepest_buy)} below the price, at or "
            "below zero."
        )
    if values["adaptive_spreads_enabled"] and values["inventory_skew_enabled"]:
        errors.setdefault("inventory_skew_enabled", []).append(
            "Adaptive spreads already skew by inventory; turn one of the two off."
        )
