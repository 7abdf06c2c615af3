"""Fitting prices and sizes to a market's grid, always in the direction that costs us nothing.

Buys round down and sells round up, so quantizing never moves a quote toward the other side
of the book; sizes round down, so quantizing never commits more than was decided.
"""

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from strategy.types import Side


def quantize_price(price: Decimal, *, side: Side, tick_size: Decimal) -> Decimal:
    rounding = ROUND_FLOOR if side is Side.BUY else ROUND_CEILING
    return (price / tick_size).to_integral_value(rounding=rounding) * tick_size


def quantize_amount(amount: Decimal, *, step_size: Decimal) -> Decimal:
    return (amount / step_size).to_integral_value(rounding=ROUND_FLOOR) * step_size
