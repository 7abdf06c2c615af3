"""Avellaneda–Stoikov quotes, computed on prices relative to the reference price.

Hummingbot runs the formulas on absolute prices, which ties gamma and kappa to the price
level of one pair. Here volatility is measured on relative moves and the spread is a
fraction of the price, so one preset means the same on a 0.001 token and on BTC:

    r = P × (1 − q·γ·σ²·T)          s = P × (γ·σ²·T + (2/γ)·ln(1 + γ/κ))

with T = 1 (an order runs until it is stopped), q the inventory deviation in [−1, 1] and
σ the per-tick volatility of the reference price.
"""

import itertools
from collections.abc import Sequence
from decimal import Decimal

ZERO, ONE, TWO = Decimal(0), Decimal(1), Decimal(2)


def relative_volatility(samples: Sequence[Decimal]) -> Decimal:
    """sqrt(Σ (p_i / p_(i−1) − 1)² / N) over N samples.

    Tick-to-tick moves rather than deviations from the mean, so a trend does not inflate it.
    """
    if len(samples) < 2:
        return ZERO
    moves = (current / previous - ONE for previous, current in itertools.pairwise(samples))
    squares = sum((move**2 for move in moves), ZERO)
    return (squares / len(samples)).sqrt()


def inventory_deviation(
    *, base: Decimal, quote: Decimal, price: Decimal, target_base_pct: Decimal
) -> Decimal:
    """q = (base − target base) / inventory in base: −1 all quote … +1 all base (target 0)."""
    inventory_in_base = (base * price + quote) / price
    if inventory_in_base <= 0:
        return ZERO
    target_base = inventory_in_base * target_base_pct
    return (base - target_base) / inventory_in_base


def reservation_price_and_spread(
    *,
    price: Decimal,
    inventory_deviation: Decimal,
    volatility: Decimal,
    risk_factor: Decimal,
    order_book_depth_factor: Decimal,
) -> tuple[Decimal, Decimal]:
    variance = volatility**2
    reservation = price * (ONE - inventory_deviation * risk_factor * variance)
    liquidity_term = TWO / risk_factor * (ONE + risk_factor / order_book_depth_factor).ln()
    spread = price * (risk_factor * variance + liquidity_term)
    return reservation, spread


def size_multipliers(
    *, inventory_deviation: Decimal, shape_factor: Decimal
) -> tuple[Decimal, Decimal]:
    """(buy, sell): the side that would move inventory further from target shrinks as e^(−η|q|)."""
    if inventory_deviation > 0:
        return (-shape_factor * inventory_deviation).exp(), ONE
    if inventory_deviation < 0:
        return ONE, (shape_factor * inventory_deviation).exp()
    return ONE, ONE
