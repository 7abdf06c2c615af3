"""Risk limits and the pure checks behind them. No I/O: the tick gathers the figures,
these functions say what to hold back and why, and the tick records it as an OrderEvent.

The strategy's parameters carry no risk limits, so they come from settings
(`EXECUTOR_RISK_LIMITS`, a dict overriding the defaults below by name).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from decimal import Decimal

from django.conf import settings

from strategy import Quote, Side


@dataclass(frozen=True, slots=True)
class RiskLimits:
    # Open exchange orders one market-making order may hold at once.
    max_open_orders: int = 40
    # |base value − target base value| / equity above which the side that would push the
    # inventory further from its target is not quoted.
    max_inventory_exposure_pct: Decimal = Decimal("0.45")
    # Fall of equity from its peak (both at the reference price) that trips the order's
    # kill switch.
    max_drawdown_pct: Decimal = Decimal("0.2")
    # Create refusals in a row (insufficient balance excluded) that trip the kill switch.
    max_consecutive_rejects: int = 5
    # Without a readable two-sided book for this long, quotes are cancelled (cancel-only).
    stale_market_data_seconds: int = 10
    # Reference price move since the last tick above which this tick quotes nothing.
    max_price_jump_pct: Decimal = Decimal("0.05")
    # Distance between our market's mid and the reference market's price above which
    # nothing is quoted.
    max_reference_deviation_pct: Decimal = Decimal("0.03")
    # A side refused for insufficient balance on the exchange rests for this long.
    insufficient_balance_pause_seconds: int = 300
    # A create that got no answer and is not found by its client id is given up after this.
    in_doubt_timeout_seconds: int = 60


def risk_limits() -> RiskLimits:
    overrides = dict(settings.EXECUTOR_RISK_LIMITS)
    known = {f.name: f.type for f in fields(RiskLimits)}
    unknown = set(overrides) - set(known)
    if unknown:
        raise ValueError(f"unknown EXECUTOR_RISK_LIMITS names: {sorted(unknown)}")
    defaults = RiskLimits()
    typed = {name: type(getattr(defaults, name))(str(value)) for name, value in overrides.items()}
    return replace(defaults, **typed)


def drawdown(*, peak: Decimal | None, equity: Decimal | None) -> Decimal | None:
    if peak is None or equity is None or peak <= 0:
        return None
    return max(Decimal(0), (peak - equity) / peak)


def price_jump(*, previous: Decimal | None, current: Decimal | None) -> Decimal | None:
    if previous is None or current is None or previous <= 0:
        return None
    return abs(current - previous) / previous


def reference_deviation(*, own_mid: Decimal | None, reference: Decimal | None) -> Decimal | None:
    if own_mid is None or reference is None or own_mid <= 0:
        return None
    return abs(reference - own_mid) / own_mid


@dataclass(frozen=True, slots=True)
class Exposure:
    base_value: Decimal
    target_value: Decimal
    equity: Decimal

    @property
    def pct(self) -> Decimal:
        return abs(self.base_value - self.target_value) / self.equity

    @property
    def side_to_hold(self) -> Side:
        """The side that would move the inventory further from its target."""
        return Side.BUY if self.base_value > self.target_value else Side.SELL


def inventory_exposure(
    *, base_total: Decimal, quote_total: Decimal, price: Decimal, target_base_pct: Decimal
) -> Exposure | None:
    equity = base_total * price + quote_total
    if equity <= 0:
        return None
    return Exposure(
        base_value=base_total * price, target_value=equity * target_base_pct, equity=equity
    )


@dataclass(frozen=True, slots=True)
class RestingQuote:
    side: Side
    price: Decimal


def would_self_trade(quote: Quote, resting: Iterable[RestingQuote]) -> RestingQuote | None:
    """The first of the key's resting quotes that `quote` would trade against, if any."""
    for other in resting:
        if other.side is quote.side:
            continue
        if quote.side is Side.BUY and quote.price >= other.price:
            return other
        if quote.side is Side.SELL and quote.price <= other.price:
            return other
    return None
