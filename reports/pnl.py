"""PnL and activity of one order, computed from its facts as plain rows.

Everything here is pure: the same functions run on rows read from the database
(reports/selectors.py) and on the facts inside an execution report bundle
(reports/bundle/verify.py), so a verifier recomputes the node's figures with the node's
own code. The rows are the bundle's JSON shapes (decimals as text, times as fixed-width
UTC text); docs/reports.md describes the method.

- Realized PnL by average cost over the order's net traded position (its funded inventory
  is not a trade): buys and sells that grow the position move its average price; those
  that shrink it realize (price − average) per unit, with the position's sign.
- Unrealized PnL at the mark: position × (mark − average).
- Hummingbot's comparison: hold value = funded base × mark + funded quote; current value =
  (funded base + base bought − base sold) × mark + (funded quote − quote spent + quote
  received); trade PnL = current − hold, which equals realized + unrealized; total PnL =
  trade PnL − fees in quote; return = total PnL / hold value.
- Fees in quote: quote fees as paid, base fees at their fill's price, a third asset's fees
  at the rate the facts carry for it; a third asset without a rate is listed as
  unconverted and left out of the total rather than guessed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Context, Decimal, localcontext
from typing import Any

from core.money import decimal_text

METHODOLOGY_VERSION = "pnl-1"
# Fixed arithmetic so that every machine divides alike, whatever its default context.
_CONTEXT = Context(prec=40)
ZERO = Decimal(0)

Row = Mapping[str, Any]


def _sign(value: Decimal) -> int:
    return (value > 0) - (value < 0)


class AverageCost:
    """The running position of an order's trades, valued by average cost."""

    def __init__(self) -> None:
        self.position = ZERO
        self.average = ZERO
        self.realized = ZERO

    def trade(self, *, signed_amount: Decimal, price: Decimal) -> None:
        held = self.position
        if held == 0 or _sign(held) == _sign(signed_amount):
            size = abs(held) + abs(signed_amount)
            self.average = (self.average * abs(held) + price * abs(signed_amount)) / size
            self.position = held + signed_amount
            return
        closing = min(abs(held), abs(signed_amount))
        self.realized += closing * (price - self.average) * _sign(held)
        self.position = held + signed_amount
        if self.position == 0:
            self.average = ZERO
        elif _sign(self.position) != _sign(held):
            self.average = price  # flipped: what is left was opened at this trade's price

    def unrealized(self, mark: Decimal) -> Decimal:
        return self.position * (mark - self.average)


class Decimals(dict[str, Decimal]):
    """Decimal text read once per distinct text: a fill's prices, amounts and fees repeat
    across thousands of fills, and a lookup costs a fraction of a parse."""

    def __missing__(self, text: str) -> Decimal:
        value = self[text] = Decimal(text)
        return value


def fill_fee_in_quote(
    fill: Row,
    *,
    market: Row,
    fee_rates: Mapping[str, Row],
    number: Callable[[str], Decimal] = Decimal,
) -> tuple[Decimal | None, Decimal]:
    """(the fee in quote, or None when its asset has no rate; the fee as paid)."""
    fee = number(fill["fee"])
    asset = fill["fee_asset"]
    if fee == 0 or asset == market["quote"]:
        return fee, fee
    if asset == market["base"]:
        return fee * number(fill["price"]), fee
    rate = fee_rates.get(asset)
    return (None if rate is None else fee * Decimal(rate["rate"])), fee


def fills_activity(
    fills: Iterable[Row], *, market: Row, fee_rates: Mapping[str, Row]
) -> dict[str, Any]:
    """Volume, fill counts and fees of a set of fills (no position: any subset works)."""
    counts: Counter[str] = Counter()
    volume_base = volume_quote = ZERO
    bought = spent = sold = received = ZERO
    fees_quote = ZERO
    paid: dict[str, Decimal] = {}
    unconverted: dict[str, Decimal] = {}
    number = Decimals().__getitem__
    with localcontext(_CONTEXT):
        for fill in fills:
            price, amount = number(fill["price"]), number(fill["amount"])
            value = price * amount
            counts[f"{'maker' if fill['is_maker'] else 'taker'}_{fill['side']}"] += 1
            volume_base += amount
            volume_quote += value
            if fill["side"] == "buy":
                bought, spent = bought + amount, spent + value
            else:
                sold, received = sold + amount, received + value
            in_quote, fee = fill_fee_in_quote(
                fill, market=market, fee_rates=fee_rates, number=number
            )
            if fee:
                paid[fill["fee_asset"]] = paid.get(fill["fee_asset"], ZERO) + fee
                if in_quote is None:
                    unconverted[fill["fee_asset"]] = unconverted.get(fill["fee_asset"], ZERO) + fee
                else:
                    fees_quote += in_quote
    return {
        "fills": {
            "count": sum(counts.values()),
            **{k: counts[k] for k in ("maker_buy", "maker_sell", "taker_buy", "taker_sell")},
        },
        "volume": {"base": decimal_text(volume_base), "quote": decimal_text(volume_quote)},
        "average_price": {
            "buy": _ratio(spent, bought),
            "sell": _ratio(received, sold),
        },
        "fees": {
            "in_quote": decimal_text(fees_quote),
            "paid": {asset: decimal_text(v) for asset, v in sorted(paid.items())},
            "unconverted": {asset: decimal_text(v) for asset, v in sorted(unconverted.items())},
        },
    }


def _ratio(numerator: Decimal, denominator: Decimal) -> str | None:
    if denominator == 0:
        return None
    with localcontext(_CONTEXT):
        return decimal_text(numerator / denominator)


def position_figures(
    fills: Sequence[Row],
    *,
    market: Row,
    funded: Row,
    mark: Row | None,
    fee_rates: Mapping[str, Row],
) -> dict[str, Any]:
    """PnL of the fills in order (oldest first) against the funded inventory, at the mark."""
    book = AverageCost()
    base, quote = Decimal(funded["base"]), Decimal(funded["quote"])
    fee_base = fee_quote_asset = fees_quote = ZERO
    number = Decimals().__getitem__
    with localcontext(_CONTEXT):
        for fill in fills:
            price, amount = number(fill["price"]), number(fill["amount"])
            signed = amount if fill["side"] == "buy" else -amount
            book.trade(signed_amount=signed, price=price)
            base += signed
            quote -= signed * price
            in_quote, fee = fill_fee_in_quote(
                fill, market=market, fee_rates=fee_rates, number=number
            )
            fees_quote += in_quote or ZERO
            if fill["fee_asset"] == market["base"]:
                fee_base += fee
            elif fill["fee_asset"] == market["quote"]:
                fee_quote_asset += fee
        figures: dict[str, Any] = {
            "position_base": decimal_text(book.position),
            "average_cost": decimal_text(book.average),
            "realized_pnl": decimal_text(book.realized),
            "inventory": {
                "funded": {"base": funded["base"], "quote": funded["quote"]},
                "traded": {"base": decimal_text(base), "quote": decimal_text(quote)},
                "after_fees": {
                    "base": decimal_text(base - fee_base),
                    "quote": decimal_text(quote - fee_quote_asset),
                },
            },
            "mark": mark,
        }
        if mark is None:
            figures |= dict.fromkeys(
                ("unrealized_pnl", "hold_value", "current_value", "trade_pnl", "total_pnl"),
                None,
            ) | {"return": None}
            return figures
        price = Decimal(mark["price"])
        hold = Decimal(funded["base"]) * price + Decimal(funded["quote"])
        current = base * price + quote
        total = current - hold - fees_quote
        figures |= {
            "unrealized_pnl": decimal_text(book.unrealized(price)),
            "hold_value": decimal_text(hold),
            "current_value": decimal_text(current),
            "trade_pnl": decimal_text(current - hold),
            "total_pnl": decimal_text(total),
            "return": None if hold == 0 else decimal_text(total / hold),
        }
    return figures


def exchange_order_counts(exchange_orders: Iterable[Row]) -> dict[str, Any]:
    """Orders placed (the exchange took them), cancelled by reason, rejected by error class."""
    placed = 0
    cancelled: Counter[str] = Counter()
    rejected: Counter[str] = Counter()
    for row in exchange_orders:
        if row["status"] == "failed":
            rejected[row["error_class"] or "unknown"] += 1
            continue
        if row["exchange_order_id"] or row["status"] != "pending_create":
            placed += 1
        # A quote we asked to cancel may fill first: it counts as filled, not cancelled.
        if row["status"] == "cancelled":
            cancelled[row["cancel_reason"] or "exchange"] += 1
    return {
        "placed": placed,
        "cancelled": dict(sorted(cancelled.items())),
        "rejected": dict(sorted(rejected.items())),
    }


def order_figures(
    *,
    market: Row,
    funded: Row,
    fills: Sequence[Row],
    exchange_orders: Sequence[Row],
    mark: Row | None,
    fee_rates: Mapping[str, Row],
    since: str | None = None,
) -> dict[str, Any]:
    """An order's figures: its position and PnL over every fill given (oldest first), and its
    activity over those at or after `since` (fixed-width UTC text; None: all of them)."""
    window_fills = fills if since is None else [f for f in fills if f["traded_at"] >= since]
    window_orders = (
        exchange_orders
        if since is None
        else [o for o in exchange_orders if o["created_at"] >= since]
    )
    return {
        "methodology": METHODOLOGY_VERSION,
        **position_figures(fills, market=market, funded=funded, mark=mark, fee_rates=fee_rates),
        "activity": {
            **fills_activity(window_fills, market=market, fee_rates=fee_rates),
            "orders": exchange_order_counts(window_orders),
        },
    }


def figures_sum(figures: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Several orders' figures added up (per user, pair or node): amounts in one quote asset
    add; figures of orders quoted in different assets must be grouped apart first."""
    totals: dict[str, Decimal] = {}
    counts: Counter[str] = Counter()
    orders = 0
    keys = ("realized_pnl", "unrealized_pnl", "trade_pnl", "total_pnl", "hold_value")
    for one in figures:
        orders += 1
        for key in keys:
            if one.get(key) is not None:
                totals[key] = totals.get(key, ZERO) + Decimal(one[key])
        activity = one["activity"]
        for key in ("base", "quote"):
            name = f"volume_{key}"
            totals[name] = totals.get(name, ZERO) + Decimal(activity["volume"][key])
        totals["fees_in_quote"] = totals.get("fees_in_quote", ZERO) + Decimal(
            activity["fees"]["in_quote"]
        )
        counts.update({k: v for k, v in activity["fills"].items()})
        counts["orders_placed"] += activity["orders"]["placed"]
        counts.update(
            {f"cancelled_{k}": v for k, v in activity["orders"]["cancelled"].items()}
            | {f"rejected_{k}": v for k, v in activity["orders"]["rejected"].items()}
        )
    return {
        "orders": orders,
        **{k: decimal_text(v) for k, v in sorted(totals.items())},
        "counts": dict(sorted(counts.items())),
    }
