"""A dry run of a configuration against a market, in the JSON users see before funding.

Market input: {"bids": [[price, amount], ...], "asks": [...], "last_price", "tick_size",
"step_size", "min_notional"} plus optional "min_amount" and "reference" (another market's
{"bids", "asks", "last_price"}, used when the parameters name a reference market).
Balances input: {"base", "quote"}.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from core.numbers import decimal_from_input
from strategy.engine import decide
from strategy.errors import StrategyInputError
from strategy.params import StrategyParams, format_decimal
from strategy.types import Balances, Book, Decision, MarketSnapshot, StrategyState


class MarketInputError(StrategyInputError):
    what = "market or balances"


def preview(
    *,
    params: StrategyParams,
    snapshot: MarketSnapshot,
    balances: Balances | None,
    now: datetime,
) -> Decision:
    """What a freshly started order would quote: no open orders, no history."""
    return decide(
        snapshot=snapshot,
        params=params,
        balances=balances,
        open_orders=[],
        now=now,
        state=StrategyState(),
    )


def preview_report(decision: Decision) -> dict[str, object]:
    price = decision.reference_price
    return {
        "reference_price": None if price is None else format_decimal(price),
        "orders": [
            {
                "side": quote.side.value,
                "price": format_decimal(quote.price),
                "amount": format_decimal(quote.amount),
                "level": quote.level,
            }
            for quote in decision.create
        ],
        "dropped": [
            {"side": d.side.value, "level": d.level, "reason": d.reason.value}
            for d in decision.dropped
        ],
    }


def market_snapshot_from_dict(data: object) -> MarketSnapshot:
    errors: dict[str, list[str]] = {}
    if not isinstance(data, Mapping):
        raise MarketInputError({"market": ["Must be a JSON object."]})
    book = _book(data, "", errors)
    tick_size = _number(data, "tick_size", errors, positive=True)
    step_size = _number(data, "step_size", errors, positive=True)
    min_notional = _number(data, "min_notional", errors, default=Decimal(0))
    min_amount = _number(data, "min_amount", errors, default=Decimal(0))
    reference = data.get("reference")
    reference_book = None
    if reference is not None:
        if isinstance(reference, Mapping):
            reference_book = _book(reference, "reference.", errors)
        else:
            errors["reference"] = ["Must be an object with bids, asks and last_price."]
    if errors:
        raise MarketInputError(errors)
    return MarketSnapshot(
        book=book,
        tick_size=tick_size,
        step_size=step_size,
        min_notional=min_notional,
        min_amount=min_amount,
        reference_book=reference_book,
    )


def balances_from_dict(data: object) -> Balances:
    errors: dict[str, list[str]] = {}
    if not isinstance(data, Mapping):
        raise MarketInputError({"balances": ["Must be a JSON object with base and quote."]})
    base = _number(data, "base", errors)
    quote = _number(data, "quote", errors)
    if errors:
        raise MarketInputError({f"balances.{name}": msgs for name, msgs in errors.items()})
    return Balances(base=base, quote=quote)


def _book(data: Mapping[str, object], prefix: str, errors: dict[str, list[str]]) -> Book:
    bids = _levels(data, "bids", prefix, errors)
    asks = _levels(data, "asks", prefix, errors)
    last_price = None
    if data.get("last_price") is not None:
        last_price = _number(data, "last_price", errors, positive=True, prefix=prefix)
    if bids and asks and bids[0][0] >= asks[0][0]:
        errors[f"{prefix}bids"] = ["The best bid must be below the best ask."]
    return Book(bids=bids, asks=asks, last_price=last_price)


def _levels(
    data: Mapping[str, object], name: str, prefix: str, errors: dict[str, list[str]]
) -> tuple[tuple[Decimal, Decimal], ...]:
    raw = data.get(name, [])
    if not isinstance(raw, list):
        errors[prefix + name] = ["Must be a list of [price, amount] pairs."]
        return ()
    levels = []
    for index, entry in enumerate(raw):
        if not (isinstance(entry, list | tuple) and len(entry) >= 2):
            errors[f"{prefix}{name}[{index}]"] = ["Must be a [price, amount] pair."]
            continue
        try:
            level_price, amount = _decimal(entry[0]), _decimal(entry[1])
        except ValueError as error:
            errors[f"{prefix}{name}[{index}]"] = [str(error)]
            continue
        if level_price <= 0 or amount < 0:
            errors[f"{prefix}{name}[{index}]"] = ["Price must be positive, amount not negative."]
            continue
        levels.append((level_price, amount))
    # Best first, whatever order the input came in.
    levels.sort(key=lambda level: level[0], reverse=(name == "bids"))
    return tuple(levels)


def _number(
    data: Mapping[str, object],
    name: str,
    errors: dict[str, list[str]],
    *,
    positive: bool = False,
    default: Decimal | None = None,
    prefix: str = "",
) -> Decimal:
    if data.get(name) is None:
        if default is not None:
            return default
        errors[prefix + name] = ["This field is required."]
        return Decimal(0)
    try:
        value = _decimal(data[name])
    except ValueError as error:
        errors[prefix + name] = [str(error)]
        return Decimal(0)
    if positive and value <= 0:
        errors[prefix + name] = ["Must be greater than 0."]
    elif value < 0:
        errors[prefix + name] = ["Must not be negative."]
    return value


def _decimal(raw: object) -> Decimal:
    if isinstance(raw, float | bool) or not isinstance(raw, Decimal | int | str):
        raise ValueError('Give numbers as strings (e.g. "0.01") or exact JSON numbers.')
    return decimal_from_input(raw)
