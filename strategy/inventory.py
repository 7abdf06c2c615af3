"""Hummingbot's inventory skew: size ratios that lean the quotes toward a target inventory."""

from decimal import Decimal

ZERO, HALF, ONE, TWO = Decimal(0), Decimal("0.5"), Decimal(1), Decimal(2)


def total_order_size(*, order_amount: Decimal, order_level_amount: Decimal, levels: int) -> Decimal:
    """Base size quoted on both sides together: 2 × (L × amount + L(L−1)/2 × level_amount)."""
    return TWO * (levels * order_amount + Decimal(levels * (levels - 1)) / 2 * order_level_amount)


def skew_ratios(
    *,
    base: Decimal,
    quote: Decimal,
    price: Decimal,
    target_base_pct: Decimal,
    base_range: Decimal,
) -> tuple[Decimal, Decimal]:
    """(bid_ratio, ask_ratio): 1 each at target, bid → 2 below it, bid → 0 above; they sum to 2.

    The range is capped at half the portfolio value so a small inventory still skews. With no
    inventory or no range both ratios are 0: nothing can be quoted meaningfully.
    """
    total_value = base * price + quote
    if total_value <= 0 or base_range <= 0:
        return ZERO, ZERO
    base_value = base * price
    range_value = min(base_range * price, total_value * HALF)
    target_value = total_value * target_base_pct
    if base_value < target_value:
        low = max(target_value - range_value, ZERO)
        # 0 at the low limit, 0.5 at target; the bid ratio falls from 2 to 1 over it
        position = _interpolate(base_value, low, target_value, ZERO, HALF)
        bid_ratio = _interpolate(position, ZERO, HALF, TWO, ONE)
    else:
        high = target_value + range_value
        position = _interpolate(base_value, target_value, high, HALF, ONE)
        bid_ratio = _interpolate(position, HALF, ONE, ONE, ZERO)
    return bid_ratio, TWO - bid_ratio


def _interpolate(x: Decimal, x0: Decimal, x1: Decimal, y0: Decimal, y1: Decimal) -> Decimal:
    """Linear interpolation clamped to [x0, x1], like numpy.interp on two points."""
    if x <= x0:
        return y0
    if x >= x1:
        return y1
    return y0 + (x - x0) * (y1 - y0) / (x1 - x0)
